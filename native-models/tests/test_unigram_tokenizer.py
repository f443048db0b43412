import json
from pathlib import Path

import pytest
import sentencepiece as spm

from unigram.build_tokenizer import MODEL_FILE, train_unigram
from unigram.convert import hf_id, read_model_proto, xlmr_tokenizer_json
from xlir_encoder.node_tokenizer import REPO_ROOT, node_encode, node_xquad_r_texts

FIXTURE = REPO_ROOT / "test" / "fixtures" / "xlmr-unigram"
TEXTS = ["the cat sat on the mat", "a dog and a cat", "مدرسةٌ خاصَّةٌ", "ΓΦΣ οδός", "猫と犬"] * 40


def test_the_committed_tokenizer_json_is_the_conversion_of_the_committed_model():
    converted = json.dumps(xlmr_tokenizer_json(read_model_proto(FIXTURE / MODEL_FILE)), ensure_ascii=False, separators=(",", ":")) + "\n"
    assert converted == (FIXTURE / "tokenizer.json").read_text(encoding="utf-8")


def test_conversion_lays_ids_out_as_xlm_r_does(tmp_path):
    model = train_unigram(TEXTS, 40, tmp_path)
    proto = read_model_proto(model)
    tokenizer = xlmr_tokenizer_json(proto)
    vocab = [token for token, _ in tokenizer["model"]["vocab"]]
    assert vocab[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and vocab[-1] == "<mask>"
    assert tokenizer["model"]["unk_id"] == 3 and len(vocab) == len(proto.pieces) + 2
    sp = spm.SentencePieceProcessor(model_file=str(model))
    for spm_id in range(3, sp.get_piece_size()):
        assert vocab[hf_id(spm_id)] == sp.id_to_piece(spm_id)
    assert hf_id(sp.unk_id()) == 3
    precompiled = tokenizer["normalizer"]["normalizers"][0]
    assert precompiled["type"] == "Precompiled" and precompiled["precompiled_charsmap"]
    assert [s["SpecialToken"]["id"] for s in tokenizer["post_processor"]["single"] if "SpecialToken" in s] == ["<s>", "</s>"]


def test_a_model_without_xlm_r_special_ids_is_refused(tmp_path):
    model = tmp_path / "m.model"
    spm.SentencePieceTrainer.train(sentence_iterator=iter(TEXTS), model_writer=model.open("wb"), vocab_size=40, minloglevel=2)  # <unk> <s> </s> at 0 1 2
    proto = read_model_proto(model)
    proto.pieces[0].piece, proto.pieces[1].piece = proto.pieces[1].piece, proto.pieces[0].piece
    with pytest.raises(ValueError, match="must start with <unk> <s> </s>"):
        xlmr_tokenizer_json(proto)
    proto.trainer_spec.model_type = 2  # BPE
    with pytest.raises(ValueError, match="only SentencePiece Unigram"):
        xlmr_tokenizer_json(proto)


def pieces_and_score(sp: spm.SentencePieceProcessor, hf_ids: list[int]) -> tuple[str, float]:
    spm_ids = [0 if i == 3 else i - 1 for i in hf_ids[1:-1]]  # without <s> … </s>
    return "".join(sp.id_to_piece(i) for i in spm_ids), sum(sp.get_score(i) for i in spm_ids)


def test_engine_ids_equal_sentencepiece_on_every_xquad_r_text_but_for_exact_viterbi_ties(data_dir):
    """SentencePiece and the Rust core break exact ties between equally scored segmentations
    differently ("000" as 00+0 or 0+00); the engine follows the Rust core (test/models/
    tokenizer-parity.test.ts). Any other difference is a normalisation or segmentation bug."""
    sp = spm.SentencePieceProcessor(model_file=str(FIXTURE / MODEL_FILE))
    texts = node_xquad_r_texts(data_dir)
    assert sum(len(t) for t in texts.values()) == 26_104
    for lang, lang_texts in texts.items():
        engine = node_encode(FIXTURE / "tokenizer.json", lang_texts)
        for text, ours in zip(lang_texts, engine):
            reference = [0] + [hf_id(i) for i in sp.encode(text)] + [2]
            if ours == reference:
                continue
            our_text, our_score = pieces_and_score(sp, ours)
            their_text, their_score = pieces_and_score(sp, reference)
            assert (our_text, round(our_score, 3)) == (their_text, round(their_score, 3)), f"{lang}: {text!r}"
