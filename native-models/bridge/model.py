"""The dictionary-bridge encoder: a sparse bag of character trigrams of what a sentence's words mean.

Each token stands for up to four concepts (itself and up to three English translations, from
bridge/vocabulary.py); each concept is the character trigrams of its word ("#de", "def", …, "se#"),
hashed into `dimension` buckets. A sentence is the weighted sum of its tokens' concepts' trigrams:
the character 3-gram TF-IDF floor, seen through a dictionary. So a German "Verteidigung" and an
English "defense" share trigrams, and so do "defense" and "defensive".

Only the weights are learned: one per (token, concept), initialised to the token's idf times the
concept's share (the dictionary bridge, which no regime has seen), then fine-tuned by one regime.
Which concepts a token has, and which trigrams a concept has, is fixed.

In ONNX: two Gathers and one ScatterElements with reduction add (opset 16); the graph outputs
`sentence_embedding` [batch, dimension], not normalised (the manifest asks the engine to).
"""

from __future__ import annotations

import math
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from xlir_encoder.onnx_export import SENTENCE_AXES, SENTENCE_OUTPUT, export_graph, set_output_widths
from xlir_encoder.tokenizer_json import PAD_ID

from .vocabulary import CONCEPTS_PER_TOKEN, Vocabulary

TRIGRAMS_PER_CONCEPT = 8  # a concept's first trigrams: a word's beginning tells most of it
MAX_DIMENSION = 32766  # bucket ids and the padding bucket must fit int16
ONNX_OPSET = 16  # ScatterElements with reduction="add"


@dataclass(frozen=True)
class BridgeConfig:
    vocab_size: int
    concept_count: int
    dimension: int
    concepts_per_token: int = CONCEPTS_PER_TOKEN
    trigrams_per_concept: int = TRIGRAMS_PER_CONCEPT
    translation_weight: float = 1.0  # a translation's weight at initialisation, relative to the token itself

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(values: dict) -> "BridgeConfig":
        return BridgeConfig(**values)


def trigrams(word: str) -> list[str]:
    marked = f"#{word}#"
    return [marked[i : i + 3] for i in range(max(1, len(marked) - 2))]


def bucket(trigram: str, dimension: int) -> int:
    return zlib.crc32(trigram.encode("utf-8")) % dimension


class BridgeEncoder(nn.Module):
    kind = "bridge"

    def __init__(self, config: BridgeConfig, token_concepts: torch.Tensor, token_weights: torch.Tensor, concept_trigrams: torch.Tensor, concept_scales: torch.Tensor) -> None:
        super().__init__()
        if not 1 <= config.dimension <= MAX_DIMENSION:
            raise ValueError(f"dimension {config.dimension} is outside 1..{MAX_DIMENSION}")
        self.config = config
        self.register_buffer("token_concepts", token_concepts.to(torch.int32))
        self.token_weights = nn.Parameter(token_weights.float())
        # Bucket `dimension` is padding: a concept with fewer trigrams fills its row with it, and the output drops it.
        self.register_buffer("concept_trigrams", concept_trigrams.to(torch.int16))
        self.register_buffer("concept_scales", concept_scales.float())

    @staticmethod
    def from_vocabulary(vocabulary: Vocabulary, dimension: int, translation_weight: float = 1.0) -> "BridgeEncoder":
        concept_ids: dict[str, int] = {"": 0}  # 0: no concept (a token with fewer than four)
        token_concepts = torch.zeros(len(vocabulary), CONCEPTS_PER_TOKEN, dtype=torch.int32)
        token_weights = torch.zeros(len(vocabulary), CONCEPTS_PER_TOKEN)
        for i, (concepts, idf) in enumerate(zip(vocabulary.concepts, vocabulary.idf)):
            for slot, (concept, share) in enumerate(concepts[:CONCEPTS_PER_TOKEN]):
                token_concepts[i, slot] = concept_ids.setdefault(concept, len(concept_ids))
                token_weights[i, slot] = idf * (share if slot == 0 else translation_weight * share)
        concept_trigrams = torch.full((len(concept_ids), TRIGRAMS_PER_CONCEPT), dimension, dtype=torch.int16)
        concept_scales = torch.zeros(len(concept_ids))
        for concept, index in concept_ids.items():
            if not concept:
                continue
            grams = trigrams(concept.removeprefix("="))[:TRIGRAMS_PER_CONCEPT]
            concept_trigrams[index, : len(grams)] = torch.tensor([bucket(g, dimension) for g in grams], dtype=torch.int16)
            concept_scales[index] = 1 / math.sqrt(len(grams))  # every concept has unit norm before weighting
        config = BridgeConfig(len(vocabulary), len(concept_ids), dimension, translation_weight=translation_weight)
        return BridgeEncoder(config, token_concepts, token_weights, concept_trigrams, concept_scales)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Sentence vectors [batch, dimension], not normalised."""
        batch = input_ids.shape[0]
        concepts = self.token_concepts[input_ids].long()  # [batch, seq, concepts]
        weights = self.token_weights[input_ids].float() * attention_mask.unsqueeze(-1).to(torch.float32) * self.concept_scales[concepts].float()
        grams = self.concept_trigrams[concepts].long()  # [batch, seq, concepts, trigrams]
        gram_weights = weights.unsqueeze(-1).expand(-1, -1, -1, self.config.trigrams_per_concept)
        summed = weights.new_zeros((batch, self.config.dimension + 1)).scatter_add(1, grams.reshape(batch, -1), gram_weights.reshape(batch, -1))
        return summed[:, : self.config.dimension]

    def sentence_vectors(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self(input_ids, attention_mask)

    def compact(self) -> "BridgeEncoder":
        """A copy whose float tables are float16 (the exported graph casts them back): half the file."""
        copy = BridgeEncoder(self.config, self.token_concepts, self.token_weights.detach(), self.concept_trigrams, self.concept_scales)
        copy.token_weights = nn.Parameter(self.token_weights.detach().half(), requires_grad=False)
        copy.concept_scales = self.concept_scales.half()
        return copy.eval()

    def checkpoint(self) -> dict:
        return {"kind": self.kind, "config": self.config.to_dict(), "state_dict": self.state_dict()}

    @staticmethod
    def from_checkpoint(saved: dict) -> "BridgeEncoder":
        config = BridgeConfig.from_dict(saved["config"])
        state = saved["state_dict"]
        return BridgeEncoder(config, state["token_concepts"], state["token_weights"], state["concept_trigrams"], state["concept_scales"])


def export_bridge(model: BridgeEncoder, path: Path) -> Path:
    """model.onnx: int64 input_ids and attention_mask [batch, seq] → sentence_embedding [batch, dimension]."""
    export_graph(model.compact(), path, pad_token_id=PAD_ID, vocab_size=model.config.vocab_size, outputs={SENTENCE_OUTPUT: SENTENCE_AXES}, opset=ONNX_OPSET, keep_dtypes=True)
    return set_output_widths(path, {SENTENCE_OUTPUT: model.config.dimension})
