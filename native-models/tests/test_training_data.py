from collections import Counter

from train.contrastive import false_negative_mask
from train.data import Pair, sentence_spans, tatoeba_pairs
from train.train import training_pairs


def test_qa_pairs_are_monolingual_and_translation_pairs_cross_lingual(data_dir):
    pairs = training_pairs(data_dir)
    by_source = Counter((p.source, p.monolingual) for p in pairs)
    assert set(by_source) == {("squad-train", True), ("arcd", True), ("tatoeba", False)}
    assert {p.query_language for p in pairs if p.source == "arcd"} == {"ar"}
    assert {p.query_language for p in pairs if p.source == "squad-train"} == {"en"}
    assert len(tatoeba_pairs(data_dir)) == 2 * 9548


def test_the_answer_sentence_holds_the_answer(data_dir):
    pairs = [p for p in training_pairs(data_dir) if p.source == "squad-train"][:200]
    assert all(p.passage and p.passage not in p.hard_negatives for p in pairs)


def test_sentence_spans_split_after_sentence_ends():
    text = "First one. Second? Third! هل هذا؟ 第四。 End"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["First one.", "Second?", "Third!", "هل هذا؟", "第四。", "End"]


def test_false_negatives_are_masked_but_true_negatives_kept():
    pairs = [
        Pair("x", "de", "e", "en", "tatoeba", "t:1"),
        Pair("e", "en", "x", "de", "tatoeba", "t:1"),  # same line, other direction
        Pair("q", "en", "a", "en", "qa", "qa:1"),
        Pair("r", "en", "b", "en", "qa", "qa:2"),
    ]
    mask = false_negative_mask(pairs, ["a", "z"])
    assert mask.tolist() == [
        [False, True, False, False, False, False],
        [True, False, False, False, False, False],
        [False, False, False, False, True, False],  # hard negative "a" is this pair's positive
        [False, False, False, False, False, False],
    ]
