from wordpiece.train_vocab import covered_characters, language_word_counts, train_wordpiece_vocab
from xlir_encoder.tokenizer_json import SPECIAL_TOKENS


def test_rare_characters_are_left_out_unless_given_and_frequent_words_merge():
    texts = {
        "en": ["the house " * 50 + "a rare ǂ click"],
        "th": ["เขาไปโรงเรียนทุกวัน", "โรงเรียนใหญ่"],  # no spaces: each run is one word, seen once
        "zh": ["我们去北京。" * 20],
    }
    per_language = language_word_counts(texts)
    assert "ǂ" not in covered_characters(per_language, coverage=0.99)
    vocab = train_wordpiece_vocab(texts, 400, extra_characters=["龍"])
    assert vocab[: len(SPECIAL_TOKENS)] == list(SPECIAL_TOKENS)
    assert "house" in vocab and "龍" in vocab and "##龍" not in vocab  # CJK characters are words of their own
    assert "เ" in vocab and "##ร" in vocab  # Thai runs, seen once each, still give their characters
    assert len(vocab) == len(set(vocab)) <= 400
