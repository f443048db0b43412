"""The published configurations of the real encoders that replicas stand in for.

Each entry is its Hugging Face `config.json` (and, for sentence-transformers models, the pooling
and max_seq_length of the sentence-transformers modules), as read at the cited revisions:

- xlm-roberta-base: https://huggingface.co/FacebookAI/xlm-roberta-base/blob/77de1f7a7e5e737aead1cd880979d4f1b3af6668/config.json
  (XLMRobertaForMaskedLM: vocab 250002, hidden 768, 12 layers, 12 heads, intermediate 3072,
  max_position_embeddings 514, pad_token_id 1, type_vocab_size 1, layer_norm_eps 1e-5).
- sentence-transformers/LaBSE: https://huggingface.co/sentence-transformers/LaBSE/blob/61966e1a4e66ba8c615d326d83c70bf9a0dcd900/config.json
  (BertModel: vocab 501153, 768, 12, 12, 3072, 512 positions, type_vocab_size 2, eps 1e-12) with,
  in the same commit, 1_Pooling/config.json (pooling_mode_cls_token) and 2_Dense/config.json
  (768 → 768, bias, torch.nn.Tanh), then Normalize.
- sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2: config.json (BertModel: vocab
  250037 — the XLM-R sentencepiece vocabulary plus 35 rows, not 250002 —, 384, 12, 12, 1536,
  512 positions, type_vocab_size 2, eps 1e-12; "_name_or_path": "old_models/paraphrase-multilingual-MiniLM-L12-v2/0_Transformer",
  as mirrored at https://huggingface.co/keithhon/paraphrase-multilingual-MiniLM-L12-v2/blob/1c7a7cc4f781f4d4152162365c51f55b4964fac1/config.json);
  mean pooling, max_seq_length 128.
- intfloat/multilingual-e5-small: https://huggingface.co/intfloat/multilingual-e5-small/blob/0a68dcd3dad5b4962a78daa930087728292b241d/config.json
  (BertModel with tokenizer_class XLMRobertaTokenizer: vocab 250037, 384, 12, 12, 1536, 512
  positions, type_vocab_size 2, eps 1e-12); mean pooling, prefixes "query: " / "passage: ".

MiniLM and e5-small are BERT graphs (absolute positions from 0) fed by the XLM-R tokenizer;
only xlm-roberta-base has XLM-R's padding-offset positions.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlir_encoder.architecture import EncoderConfig


@dataclass(frozen=True)
class ReplicaSpec:
    hub_id: str
    name: str  # the model folder and manifest name
    family: str
    encoder: EncoderConfig
    pooling: str
    max_length: int
    prefixes: tuple[str, str]
    licence: str
    # Special-token ids of the real tokenizer, so a stand-in tokenizer pads and frames like it.
    special_ids: dict[str, int]


XLMR_SPECIALS = {"[CLS]": 0, "[PAD]": 1, "[SEP]": 2, "[UNK]": 3}  # <s> <pad> </s> <unk>
BERT_SPECIALS = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102}

REPLICAS: dict[str, ReplicaSpec] = {
    spec.hub_id.split("/")[-1].lower(): spec
    for spec in (
        ReplicaSpec(
            hub_id="FacebookAI/xlm-roberta-base",
            name="xlm-roberta-base-replica",
            family="xlm-roberta-base",
            encoder=EncoderConfig(
                vocab_size=250002, hidden_size=768, num_layers=12, num_heads=12, intermediate_size=3072,
                max_positions=514, type_vocab_size=1, pad_token_id=1, position_style="padding_offset", layer_norm_eps=1e-5,
            ),  # fmt: skip
            pooling="mean",
            max_length=512,
            prefixes=("Query: ", "Passage: "),  # as the paper fine-tunes it
            licence="MIT (xlm-roberta-base); replica weights are random",
            special_ids=XLMR_SPECIALS,
        ),
        ReplicaSpec(
            hub_id="sentence-transformers/LaBSE",
            name="labse-replica",
            family="labse",
            encoder=EncoderConfig(
                vocab_size=501153, hidden_size=768, num_layers=12, num_heads=12, intermediate_size=3072,
                max_positions=512, type_vocab_size=2, pad_token_id=0, layer_norm_eps=1e-12, sentence_head="cls_dense_tanh",
            ),  # fmt: skip
            pooling="none",
            max_length=256,  # sentence_bert_config.json max_seq_length
            prefixes=("Query: ", "Passage: "),  # as the paper fine-tunes it
            licence="Apache-2.0 (sentence-transformers/LaBSE); replica weights are random",
            special_ids=BERT_SPECIALS,
        ),
        ReplicaSpec(
            hub_id="sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
            name="paraphrase-multilingual-minilm-l12-v2-replica",
            family="paraphrase-multilingual-minilm-l12-v2",
            encoder=EncoderConfig(
                vocab_size=250037, hidden_size=384, num_layers=12, num_heads=12, intermediate_size=1536,
                max_positions=512, type_vocab_size=2, pad_token_id=0, layer_norm_eps=1e-12,
            ),  # fmt: skip
            pooling="mean",
            max_length=128,
            prefixes=("", ""),
            licence="Apache-2.0 (sentence-transformers); replica weights are random",
            special_ids=XLMR_SPECIALS,
        ),
        ReplicaSpec(
            hub_id="intfloat/multilingual-e5-small",
            name="multilingual-e5-small-replica",
            family="multilingual-e5-small",
            encoder=EncoderConfig(
                vocab_size=250037, hidden_size=384, num_layers=12, num_heads=12, intermediate_size=1536,
                max_positions=512, type_vocab_size=2, pad_token_id=0, layer_norm_eps=1e-12,
            ),  # fmt: skip
            pooling="mean",
            max_length=512,
            prefixes=("query: ", "passage: "),
            licence="MIT (intfloat/multilingual-e5-small); replica weights are random",
            special_ids=XLMR_SPECIALS,
        ),
    )
}


def find_replica(model: str) -> ReplicaSpec:
    key = model.split("/")[-1].lower()
    if key not in REPLICAS:
        raise KeyError(f"unknown replica {model!r}; one of: {', '.join(s.hub_id for s in REPLICAS.values())}")
    return REPLICAS[key]
