"""Token ids for every training text, from the engine's own tokenizer (through Node), with the
paper's prefixes and the engine's truncation, so training sees exactly what inference feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import torch

from xlir_encoder.node_tokenizer import node_encode
from xlir_encoder.tokenizer_json import PAD_ID, SEP_ID

from .data import Pair

QUERY_PREFIX = "Query: "
PASSAGE_PREFIX = "Passage: "


def truncate(ids: list[int], max_length: int) -> list[int]:
    """Keeps the first max_length - 1 tokens and ends with [SEP], as the engine truncates."""
    return ids if len(ids) <= max_length else ids[: max_length - 1] + [SEP_ID]


class TokenTable:
    """Prefixed text → ids. Built once per run: Node tokenizes the unique texts in one call."""

    def __init__(self, tokenizer_path: Path, pairs: Iterable[Pair], max_length: int, prefixes: tuple[str, str] = (QUERY_PREFIX, PASSAGE_PREFIX)) -> None:
        self.prefixes = prefixes
        texts: dict[str, None] = {}
        for pair in pairs:
            texts[prefixes[0] + pair.query] = None
            texts[prefixes[1] + pair.passage] = None
            for negative in pair.hard_negatives:
                texts[prefixes[1] + negative] = None
        unique = list(texts)
        self.max_length = max_length
        self.ids = {text: truncate(row, max_length) for text, row in zip(unique, node_encode(tokenizer_path, unique))}

    def query(self, text: str) -> list[int]:
        return self.ids[self.prefixes[0] + text]

    def passage(self, text: str) -> list[int]:
        return self.ids[self.prefixes[1] + text]


def pad_batch(rows: list[list[int]], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    input_ids = torch.full((len(rows), width), PAD_ID, dtype=torch.long)
    for i, row in enumerate(rows):
        input_ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return input_ids.to(device), (input_ids != PAD_ID).long().to(device)
