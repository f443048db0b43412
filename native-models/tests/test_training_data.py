from train.contrastive import false_negative_mask
from train.data import ARCD_FILES, SQUAD_FILE, Pair, qa_pairs, require_file, sentence_spans, tatoeba_pairs


def test_qa_pairs_hold_the_answer_sentence_and_tatoeba_pairs_cross_languages(data_dir):
    pairs = qa_pairs(require_file(data_dir, SQUAD_FILE), "en", "squad-train")[:200]
    assert all(p.monolingual and p.passage and p.passage not in p.hard_negatives for p in pairs)
    assert {p.query_language for p in qa_pairs(require_file(data_dir, ARCD_FILES[0]), "ar", "arcd")} == {"ar"}
    translations = tatoeba_pairs(data_dir)
    assert len(translations) == 2 * 9548 and not any(p.monolingual for p in translations)


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
