"""The dual-encoder loss: one encoder with shared weights for queries and passages, mean pooling,
cosine similarity over a temperature, InfoNCE over the in-batch passages plus hard negatives."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from xlir_encoder.architecture import mean_pool

from .data import Pair
from .samplers import Batch
from .tokenized import TokenTable, pad_batch


CHUNK_ROWS = 32


def sentence_vectors(model: nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean-pooled token states, or the model's own sentence vectors (the bridge encoder pools itself)."""
    own = getattr(model, "sentence_vectors", None)
    return own(input_ids, attention_mask) if own else mean_pool(model(input_ids, attention_mask), attention_mask)


def embed(model: nn.Module, rows: list[list[int]], device: torch.device) -> torch.Tensor:
    """Unit vectors for token rows. Rows run in chunks of similar length (padding is the cost of a
    CPU step: answer sentences range from 10 to 128 tokens); the result keeps the input order."""
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    parts = []
    for start in range(0, len(order), CHUNK_ROWS):
        input_ids, attention_mask = pad_batch([rows[i] for i in order[start : start + CHUNK_ROWS]], device)
        parts.append(sentence_vectors(model, input_ids, attention_mask))
    pooled = torch.empty(len(rows), parts[0].shape[-1], device=device, dtype=parts[0].dtype)
    pooled[torch.tensor(order, device=device)] = torch.cat(parts)
    return F.normalize(pooled, dim=-1)


def false_negative_mask(pairs: list[Pair], negatives: list[str]) -> torch.Tensor:
    """True where a candidate must not count as a negative of a query: another pair of the same
    item (a Tatoeba line seen in both directions) or a candidate whose text is the query's positive."""
    size = len(pairs)
    mask = torch.zeros(size, size + len(negatives), dtype=torch.bool)
    for i, pair in enumerate(pairs):
        for j, other in enumerate(pairs):
            if j != i and (other.group == pair.group or other.passage == pair.passage):
                mask[i, j] = True
        for k, negative in enumerate(negatives):
            if negative == pair.passage:
                mask[i, size + k] = True
    return mask


def batch_loss(
    model: nn.Module, batch: Batch, pairs: list[Pair], tokens: TokenTable, temperature: float, device: torch.device
) -> torch.Tensor:
    chosen = [pairs[i] for i in batch.pairs]
    negatives = [n for n in batch.hard_negatives if n is not None]
    queries = embed(model, [tokens.query(p.query) for p in chosen], device)
    candidates = embed(model, [tokens.passage(p.passage) for p in chosen] + [tokens.passage(n) for n in negatives], device)
    logits = queries @ candidates.T / temperature
    logits = logits.masked_fill(false_negative_mask(chosen, negatives).to(device), float("-inf"))
    return F.cross_entropy(logits, torch.arange(len(chosen), device=device))
