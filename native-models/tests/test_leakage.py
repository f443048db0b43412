from dataclasses import replace

from train.leakage import evaluation_texts, leaked_texts, normalise
from train.train import training_pairs


def test_no_training_text_is_an_xquad_or_xquad_r_text(data_dir):
    assert leaked_texts(training_pairs(data_dir), data_dir) == []


def test_the_leak_check_finds_a_planted_evaluation_sentence(data_dir):
    pairs = training_pairs(data_dir)
    planted = sorted(evaluation_texts(data_dir))[0]
    pairs[0] = replace(pairs[0], passage="  " + planted.upper() + "\n")
    assert leaked_texts(pairs, data_dir) == [planted]


def test_training_uses_no_evaluation_file(data_dir):
    sources = {p.source for p in training_pairs(data_dir)}
    assert sources == {"squad-train", "arcd", "tatoeba"}


def test_normalise_ignores_case_width_whitespace_and_bom():
    assert normalise("\ufeffＡbc  de\n") == normalise("abc de")
