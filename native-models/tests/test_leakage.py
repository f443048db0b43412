from dataclasses import replace

import pytest

from train.data import BUILT_DATA_DIR, multilingual_qa_pairs, tatoeba_pairs, translation_pairs
from train.leakage import evaluation_texts, leaked_texts, normalise


@pytest.fixture(scope="module")
def built_pairs(data_dir):
    if not (BUILT_DATA_DIR / "qa.jsonl").exists():
        pytest.skip(f"no built multilingual data at {BUILT_DATA_DIR} (bash native-models/python.sh data.build_data)")
    return multilingual_qa_pairs(BUILT_DATA_DIR) + translation_pairs(BUILT_DATA_DIR, data_dir)


def test_no_training_text_is_an_xquad_or_xquad_r_text(data_dir, built_pairs):
    # Every source: QA in 11 languages, dictionary pairs, CLDR names, UI strings, Tatoeba.
    assert {p.source for p in built_pairs} == {"squad-train", "arcd", "lexicon", "cldr", "libreoffice", "tatoeba"}
    assert leaked_texts(built_pairs, data_dir) == []


def test_the_leak_check_finds_a_planted_evaluation_sentence(data_dir):
    pairs = tatoeba_pairs(data_dir)
    planted = sorted(evaluation_texts(data_dir))[0]
    pairs[0] = replace(pairs[0], passage="  " + planted.upper() + "\n")
    assert leaked_texts(pairs, data_dir) == [planted]


def test_normalise_ignores_case_width_whitespace_and_bom():
    assert normalise("\ufeffＡbc  de\n") == normalise("abc de")
