"""A BERT / XLM-R encoder written op for op like Hugging Face's modeling code.

Follows `transformers/models/bert/modeling_bert.py` and `.../xlm_roberta/modeling_xlm_roberta.py`
(eager attention path): word + position + token-type embeddings, LayerNorm, post-LN blocks of
multi-head self-attention with an additive mask and a GELU(erf) feed-forward. The ONNX graph this
exports therefore has the shape and op count of an exported real checkpoint, which is what makes
random-weight replicas honest latency stand-ins and lets the bundled models share the same code.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import torch
from torch import nn

PositionStyle = Literal["absolute", "padding_offset"]
SentenceHead = Literal["none", "cls_dense_tanh"]


@dataclass(frozen=True)
class EncoderConfig:
    vocab_size: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    max_positions: int
    type_vocab_size: int = 1
    pad_token_id: int = 0
    #  "absolute": positions 0..seq-1 (BERT). "padding_offset": positions count non-pad tokens and
    #  start at pad_token_id + 1, as XLM-R's create_position_ids_from_input_ids does; that is why
    #  XLM-R has max_positions 514 for 512 usable positions.
    position_style: PositionStyle = "absolute"
    layer_norm_eps: float = 1e-12
    dropout: float = 0.1
    # LaBSE's sentence-transformers head: CLS token -> Dense -> tanh (normalisation left to the engine).
    sentence_head: SentenceHead = "none"

    def __post_init__(self) -> None:
        if self.hidden_size % self.num_heads != 0:
            raise ValueError(f"hidden_size {self.hidden_size} is not a multiple of num_heads {self.num_heads}")

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(values: dict) -> "EncoderConfig":
        return EncoderConfig(**values)


class Embeddings(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(
            config.max_positions,
            config.hidden_size,
            padding_idx=config.pad_token_id if config.position_style == "padding_offset" else None,
        )
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)
        # HF registers these as buffers and slices them per call; exported graphs carry the same ops.
        self.register_buffer("position_ids", torch.arange(config.max_positions).unsqueeze(0), persistent=False)
        self.register_buffer("token_type_ids", torch.zeros(1, config.max_positions, dtype=torch.long), persistent=False)

    def position_ids_for(self, input_ids: torch.Tensor) -> torch.Tensor:
        if self.config.position_style == "padding_offset":
            # modeling_xlm_roberta.create_position_ids_from_input_ids
            mask = input_ids.ne(self.config.pad_token_id).int()
            incremental = torch.cumsum(mask, dim=1).type_as(mask) * mask
            return incremental.long() + self.config.pad_token_id
        return self.position_ids[:, : input_ids.shape[1]]

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        seq_length = input_ids.shape[1]
        token_type_ids = self.token_type_ids[:, :seq_length].expand(input_ids.shape[0], seq_length)
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        embeddings = embeddings + self.position_embeddings(self.position_ids_for(input_ids))
        return self.dropout(self.LayerNorm(embeddings))


class SelfAttention(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.num_heads = config.num_heads
        self.head_size = config.hidden_size // config.num_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.dropout)

    def split_heads(self, x: torch.Tensor) -> torch.Tensor:
        batch, seq, _ = x.shape
        return x.view(batch, seq, self.num_heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, hidden: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        q = self.split_heads(self.query(hidden))
        k = self.split_heads(self.key(hidden))
        v = self.split_heads(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        probs = self.dropout(torch.softmax(scores + additive_mask, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.shape[0], context.shape[1], -1)


class Layer(nn.Module):
    """One post-LN block: BertAttention (self + output) then BertIntermediate + BertOutput."""

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.attention = SelfAttention(config)
        self.attention_output = nn.Linear(config.hidden_size, config.hidden_size)
        self.attention_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.hidden_size, config.intermediate_size)
        self.output = nn.Linear(config.intermediate_size, config.hidden_size)
        self.output_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, hidden: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        attended = self.dropout(self.attention_output(self.attention(hidden, additive_mask)))
        hidden = self.attention_norm(attended + hidden)
        inner = nn.functional.gelu(self.intermediate(hidden))  # erf GELU, HF's "gelu"
        return self.output_norm(self.dropout(self.output(inner)) + hidden)


class Encoder(nn.Module):
    """`forward(input_ids, attention_mask)` -> last_hidden_state [batch, seq, hidden], or with
    `sentence_head="cls_dense_tanh"` the sentence vector [batch, hidden]."""

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.layers = nn.ModuleList(Layer(config) for _ in range(config.num_layers))
        self.sentence_dense = nn.Linear(config.hidden_size, config.hidden_size) if config.sentence_head != "none" else None
        self.apply(self._init_weights)

    def _init_weights(self, module: nn.Module) -> None:
        # BertPreTrainedModel._init_weights with initializer_range 0.02
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=0.02)
            module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # BertModel.get_extended_attention_mask: 0 where attended, dtype-min where masked.
        dtype = self.embeddings.word_embeddings.weight.dtype
        additive_mask = (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min
        hidden = self.embeddings(input_ids)
        for layer in self.layers:
            hidden = layer(hidden, additive_mask)
        if self.sentence_dense is not None:
            return torch.tanh(self.sentence_dense(hidden[:, 0]))
        return hidden


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean over attended tokens, as sentence-transformers' Pooling(mean) and the engine do."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


