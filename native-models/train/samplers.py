"""The three batch regimes of Elmahdy, Lin & Ahmad 2024 (arXiv 2408.10536), built so that the regime
is the only difference between runs of one seed.

- `mono` (X-X-mono, the paper's standard-training baseline): every pair of a batch has query and
  passage in one language; the language is drawn per batch.
- `cross` (X-Y): query and passage of every pair are in different languages.
- `hybrid`: each batch is X-X-mono with probability α, else X-Y.

Every random choice has its own stream, spawned from the one seed: the mono/cross coin, the mono
language, each language's shuffled pair order, the cross-lingual pair order, the hard negatives
of each kind.
A stream advances only when its kind of batch is made, so the k-th monolingual batch of a hybrid
run is exactly the k-th batch of a mono run, and likewise for cross-lingual batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Literal, Sequence

import numpy as np

from .data import Pair

Regime = Literal["mono", "cross", "hybrid"]
MixingRule = Literal["fixed", "proportional"]
LanguageRule = Literal["uniform", "proportional"]
REGIMES: tuple[Regime, ...] = ("mono", "cross", "hybrid")


@dataclass(frozen=True)
class SamplerConfig:
    regime: Regime
    batch_size: int
    seed: int
    # hybrid only: "fixed" uses alpha; "proportional" sets α = mono pairs / all pairs (the abstract's
    # "sampled based on dataset size").
    mixing: MixingRule = "fixed"
    alpha: float = 0.5
    # How an X-X-mono batch picks its language: "uniform" as the paper, or by pair count.
    mono_language: LanguageRule = "uniform"
    hard_negatives: bool = True

    def __post_init__(self) -> None:
        if self.regime not in REGIMES:
            raise ValueError(f"regime {self.regime!r} is not one of {REGIMES}")
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"alpha {self.alpha} is outside [0, 1]")
        if self.batch_size < 2:
            raise ValueError("batch_size must be at least 2 (in-batch negatives)")


@dataclass(frozen=True)
class Batch:
    kind: Literal["mono", "cross"]
    language: str | None  # the language of a mono batch
    pairs: tuple[int, ...]  # indices into the sampler's pair list
    hard_negatives: tuple[str | None, ...]  # one per pair, None when it has none


class ShuffledCycle:
    """Endless walk over items, reshuffled at every pass with its own generator."""

    def __init__(self, items: Sequence[int], rng: np.random.Generator) -> None:
        if not items:
            raise ValueError("cannot cycle over no items")
        self.items, self.rng, self.order, self.position = list(items), rng, [], 0

    def take(self, count: int) -> list[int]:
        taken: list[int] = []
        while len(taken) < count:
            if self.position == len(self.order):
                self.order, self.position = list(self.rng.permutation(self.items)), 0
            taken.append(int(self.order[self.position]))
            self.position += 1
        return taken


class BatchSampler:
    def __init__(self, pairs: Sequence[Pair], config: SamplerConfig) -> None:
        self.pairs, self.config = list(pairs), config
        self.mono_by_language: dict[str, list[int]] = {}
        self.cross: list[int] = []
        for index, pair in enumerate(self.pairs):
            if pair.monolingual:
                self.mono_by_language.setdefault(pair.query_language, []).append(index)
            else:
                self.cross.append(index)
        self.languages = sorted(self.mono_by_language)
        needs_mono = config.regime == "mono" or (config.regime == "hybrid" and self.alpha > 0)
        needs_cross = config.regime == "cross" or (config.regime == "hybrid" and self.alpha < 1)
        if needs_mono and not self.languages:
            raise ValueError(f"regime {config.regime} needs monolingual pairs and there are none")
        if needs_cross and not self.cross:
            raise ValueError(f"regime {config.regime} needs cross-lingual pairs and there are none")

        streams = np.random.SeedSequence(config.seed).spawn(5 + len(self.languages))
        coin, language, cross, mono_negatives, cross_negatives, *per_language = [np.random.default_rng(s) for s in streams]
        self.coin_rng, self.language_rng = coin, language
        self.negative_rngs = {"mono": mono_negatives, "cross": cross_negatives}
        self.cross_cycle = ShuffledCycle(self.cross, cross) if self.cross else None
        self.mono_cycles = {lang: ShuffledCycle(self.mono_by_language[lang], rng) for lang, rng in zip(self.languages, per_language)}
        counts = np.array([len(self.mono_by_language[lang]) for lang in self.languages], dtype=float)
        uniform = np.full(len(self.languages), 1.0 / max(len(self.languages), 1))
        self.language_weights = counts / counts.sum() if config.mono_language == "proportional" and len(counts) else uniform

    @property
    def alpha(self) -> float:
        """Probability that a batch is X-X-mono."""
        if self.config.regime == "mono":
            return 1.0
        if self.config.regime == "cross":
            return 0.0
        if self.config.mixing == "proportional":
            mono = sum(len(v) for v in self.mono_by_language.values())
            return mono / (mono + len(self.cross))
        return self.config.alpha

    def next_batch(self) -> Batch:
        size = self.config.batch_size
        # Drawn every batch in every regime, so the coin stream stays aligned across regimes.
        is_mono = self.coin_rng.random() < self.alpha
        if is_mono:
            language = self.languages[int(self.language_rng.choice(len(self.languages), p=self.language_weights))]
            indices = self.mono_cycles[language].take(size)
            kind: Literal["mono", "cross"] = "mono"
        else:
            language = None
            assert self.cross_cycle is not None
            indices = self.cross_cycle.take(size)
            kind = "cross"
        negatives: list[str | None] = []
        negative_rng = self.negative_rngs[kind]
        for index in indices:
            options = self.pairs[index].hard_negatives
            negatives.append(options[int(negative_rng.integers(len(options)))] if self.config.hard_negatives and options else None)
        return Batch(kind, language, tuple(indices), tuple(negatives))

    def batches(self, steps: int) -> Iterator[Batch]:
        for _ in range(steps):
            yield self.next_batch()
