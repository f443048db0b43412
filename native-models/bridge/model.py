"""The dictionary-bridge encoder: a sparse bag of character trigrams of what a sentence's words mean.

A sentence's vector is the character 3-gram floor seen through a dictionary, hashed into `dimension`
buckets:
- a character token (a word the vocabulary lacks is spelled out in them, bridge/vocabulary.py)
  adds its trigram with its neighbours in the same word, as the floor counts them, weighted by a
  learned per-bucket weight that starts as the bucket's idf in real text. The graph computes these
  trigrams from the token ids, so rare words cost no vocabulary;
- a word token (a word, or its first six characters, that the Debian lexicons translate) adds its own
  trigrams and those of up to three English translations, each with a learned weight that starts as
  the token's idf times the translation's share (the dictionary bridge, which no regime has seen).
So a German "Verteidigung" and an English "defense" share trigrams, and so do "defense" and "defensive".

Trigrams are hashed as bridge/trigrams.py says, in Python for the tables and in the graph for
characters, so both agree. In ONNX:
Gathers, integer arithmetic, one ScatterElements with reduction add (opset 16); the graph outputs
`sentence_embedding` [batch, dimension], not normalised (the manifest asks the engine to).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from xlir_encoder.onnx_export import SENTENCE_AXES, SENTENCE_OUTPUT, export_graph, set_output_widths
from xlir_encoder.tokenizer_json import PAD_ID

from .trigrams import P1, P2, code, word_buckets
from .vocabulary import CONCEPTS_PER_TOKEN, PREFIX_CHARS, Vocabulary, character_count

TRIGRAMS_PER_WORD = PREFIX_CHARS  # "#abcdef#" has six: a word token's own trigrams all fit
TRIGRAMS_PER_CONCEPT = 8  # an English concept's first trigrams: a word's beginning tells most of it
MAX_DIMENSION = 32766  # bucket ids and the padding bucket must fit int16
CONCEPT_OFFSET = 32768  # English concept ids are stored as int16 less this: 65,535 fit
ONNX_OPSET = 16  # ScatterElements with reduction="add"


@dataclass(frozen=True)
class BridgeConfig:
    vocab_size: int
    concept_count: int  # English concepts (row 0: none)
    dimension: int
    character_tokens: int  # ids below this are special tokens and characters, the rest words
    concepts_per_token: int = CONCEPTS_PER_TOKEN
    trigrams_per_word: int = TRIGRAMS_PER_WORD
    trigrams_per_concept: int = TRIGRAMS_PER_CONCEPT
    translation_weight: float = 1.0  # a translation's weight at initialisation, relative to the token itself

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(values: dict) -> "BridgeConfig":
        return BridgeConfig(**values)


def padded(buckets: list[int], width: int, dimension: int) -> list[int]:
    buckets = buckets[:width]
    return buckets + [dimension] * (width - len(buckets))


class BridgeEncoder(nn.Module):
    kind = "bridge"

    def __init__(self, config: BridgeConfig, tables: dict[str, torch.Tensor]) -> None:
        super().__init__()
        if not 1 <= config.dimension <= MAX_DIMENSION:
            raise ValueError(f"dimension {config.dimension} is outside 1..{MAX_DIMENSION}")
        if config.concept_count > 2 * CONCEPT_OFFSET:
            raise ValueError(f"{config.concept_count} English concepts do not fit int16 ids")
        self.config = config
        # Signed code of each special or character token: + starts a word, − continues one, 0 is no character.
        self.register_buffer("character_codes", tables["character_codes"].to(torch.int32))
        # Bucket `dimension` is padding: a shorter row fills with it, and the output drops it.
        self.register_buffer("own_buckets", tables["own_buckets"].to(torch.int16))
        self.register_buffer("translations", tables["translations"].to(torch.int16))
        self.register_buffer("concept_buckets", tables["concept_buckets"].to(torch.int16))
        self.token_weights = nn.Parameter(tables["token_weights"].float())  # [vocab, 1 + translations]
        self.bucket_weights = nn.Parameter(tables["bucket_weights"].float())  # a character trigram's weight per bucket

    @staticmethod
    def from_vocabulary(vocabulary: Vocabulary, dimension: int, translation_weight: float = 1.0) -> "BridgeEncoder":
        characters = character_count(vocabulary.tokens)
        concept_ids: dict[str, int] = {"": 0}
        width = CONCEPTS_PER_TOKEN - 1
        character_codes = torch.zeros(characters + 1, dtype=torch.int32)  # the last entry stands for every word token
        own = torch.full((len(vocabulary), TRIGRAMS_PER_WORD), dimension, dtype=torch.int16)
        translations = torch.full((len(vocabulary), width), -CONCEPT_OFFSET, dtype=torch.int16)
        weights = torch.zeros(len(vocabulary), CONCEPTS_PER_TOKEN)
        for i, token in enumerate(vocabulary.tokens[:characters]):
            bare = token.removeprefix("##")
            if len(bare) == 1 and not token.startswith("["):
                character_codes[i] = code(bare) * (-1 if token.startswith("##") else 1)
        concept_grams: list[list[int]] = [[]]
        for i, (concepts, idf) in enumerate(zip(vocabulary.concepts, vocabulary.idf)):
            if i < characters or not concepts:
                continue
            (concept, _), *translated = concepts[:CONCEPTS_PER_TOKEN]
            grams = word_buckets(concept.removeprefix("="), dimension)[:TRIGRAMS_PER_WORD]
            own[i] = torch.tensor(padded(grams, TRIGRAMS_PER_WORD, dimension), dtype=torch.int16)
            weights[i, 0] = idf / math.sqrt(len(grams))  # every concept has unit norm before weighting
            for slot, (english, share) in enumerate(translated):
                if english not in concept_ids:
                    concept_ids[english] = len(concept_ids)
                    concept_grams.append(word_buckets(english.removeprefix("="), dimension)[:TRIGRAMS_PER_CONCEPT])
                index = concept_ids[english]
                translations[i, slot] = index - CONCEPT_OFFSET
                weights[i, 1 + slot] = idf * translation_weight * share / math.sqrt(len(concept_grams[index]))
        concept_buckets = torch.tensor([padded(g, TRIGRAMS_PER_CONCEPT, dimension) for g in concept_grams], dtype=torch.int16)
        if len(vocabulary.bucket_idf) != dimension:
            raise ValueError(f"the vocabulary's bucket idf is for {len(vocabulary.bucket_idf)} buckets, not {dimension}")
        bucket_weights = torch.tensor(list(vocabulary.bucket_idf) + [0.0])
        config = BridgeConfig(len(vocabulary), len(concept_ids), dimension, characters, translation_weight=translation_weight)
        tables = {"character_codes": character_codes, "own_buckets": own, "translations": translations, "concept_buckets": concept_buckets, "token_weights": weights, "bucket_weights": bucket_weights}
        return BridgeEncoder(config, tables)

    def character_trigrams(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Bucket of each character token's trigram with its neighbours in the word; `dimension` elsewhere."""
        codes = self.character_codes[torch.clamp(input_ids, max=self.config.character_tokens)].long() * attention_mask
        continues = codes < 0
        middle = codes.abs()
        zero = torch.zeros_like(middle[:, :1])
        before = torch.where(continues, torch.cat([zero, middle[:, :-1]], dim=1), torch.zeros_like(middle))
        next_continues = torch.cat([continues[:, 1:], torch.zeros_like(continues[:, :1])], dim=1)
        after = torch.where(next_continues, torch.cat([middle[:, 1:], zero], dim=1), torch.zeros_like(middle))
        buckets = torch.remainder((before * P1 + middle) * P2 + after, self.config.dimension)
        return torch.where(middle > 0, buckets, torch.full_like(buckets, self.config.dimension))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Sentence vectors [batch, dimension], not normalised."""
        batch = input_ids.shape[0]
        weights = self.token_weights[input_ids].float() * attention_mask.unsqueeze(-1).to(torch.float32)
        own = self.own_buckets[input_ids].long()  # [batch, seq, trigrams]
        concepts = self.translations[input_ids].long() + CONCEPT_OFFSET  # [batch, seq, translations]
        translated = self.concept_buckets[concepts].long()  # [batch, seq, translations, trigrams]
        characters = self.character_trigrams(input_ids, attention_mask)  # [batch, seq]
        buckets = torch.cat([own.reshape(batch, -1), translated.reshape(batch, -1), characters], dim=1)
        values = torch.cat([
            weights[:, :, :1].expand(-1, -1, self.config.trigrams_per_word).reshape(batch, -1),
            weights[:, :, 1:].unsqueeze(-1).expand(-1, -1, -1, self.config.trigrams_per_concept).reshape(batch, -1),
            self.bucket_weights[characters].float(),
        ], dim=1)  # fmt: skip
        summed = values.new_zeros((batch, self.config.dimension + 1)).scatter_add(1, buckets, values)
        return summed[:, : self.config.dimension]

    def sentence_vectors(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self(input_ids, attention_mask)

    def tables(self) -> dict[str, torch.Tensor]:
        return {name: tensor.detach() for name, tensor in {**dict(self.named_buffers()), **dict(self.named_parameters())}.items()}

    def compact(self) -> "BridgeEncoder":
        """A copy whose token weights are float16 (the exported graph casts them back): a third of the file."""
        copy = BridgeEncoder(self.config, self.tables())
        copy.token_weights = nn.Parameter(self.token_weights.detach().half(), requires_grad=False)
        return copy.eval()

    def checkpoint(self) -> dict:
        return {"kind": self.kind, "config": self.config.to_dict(), "state_dict": self.state_dict()}

    @staticmethod
    def from_checkpoint(saved: dict) -> "BridgeEncoder":
        return BridgeEncoder(BridgeConfig.from_dict(saved["config"]), saved["state_dict"])


def export_bridge(model: BridgeEncoder, path: Path) -> Path:
    """model.onnx: int64 input_ids and attention_mask [batch, seq] → sentence_embedding [batch, dimension]."""
    export_graph(model.compact(), path, pad_token_id=PAD_ID, vocab_size=model.config.vocab_size, outputs={SENTENCE_OUTPUT: SENTENCE_AXES}, opset=ONNX_OPSET, keep_dtypes=True)
    return set_output_widths(path, {SENTENCE_OUTPUT: model.config.dimension})
