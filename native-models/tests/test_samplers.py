import math

import pytest

from train.data import Pair
from train.samplers import BatchSampler, SamplerConfig

LANGUAGES = ("ar", "de", "en", "th", "zh")


def synthetic_pairs() -> list[Pair]:
    pairs = []
    for language in LANGUAGES:
        for i in range(40 if language in ("en", "ar") else 12):
            pairs.append(Pair(f"q{language}{i}", language, f"a{language}{i}", language, "qa", f"qa:{language}:{i}", (f"n{language}{i}",)))
    for language in LANGUAGES:
        if language == "en":
            continue
        for i in range(30):
            pairs.append(Pair(f"x{language}{i}", language, f"e{language}{i}", "en", "tatoeba", f"t:{language}:{i}"))
            pairs.append(Pair(f"e{language}{i}", "en", f"x{language}{i}", language, "tatoeba", f"t:{language}:{i}"))
    return pairs


def sampler(regime: str, seed: int = 7, **kwargs) -> BatchSampler:
    return BatchSampler(synthetic_pairs(), SamplerConfig(regime=regime, batch_size=8, seed=seed, **kwargs))


def test_a_monolingual_batch_never_mixes_languages():
    s = sampler("mono")
    for batch in s.batches(300):
        assert batch.kind == "mono"
        languages = {(s.pairs[i].query_language, s.pairs[i].passage_language) for i in batch.pairs}
        assert languages == {(batch.language, batch.language)}


def test_a_cross_lingual_batch_never_pairs_a_language_with_itself():
    s = sampler("cross")
    for batch in s.batches(300):
        assert batch.kind == "cross" and batch.language is None
        assert all(s.pairs[i].query_language != s.pairs[i].passage_language for i in batch.pairs)


def test_hybrid_batches_keep_each_kind_pure():
    s = sampler("hybrid")
    for batch in s.batches(300):
        same = [s.pairs[i].query_language == s.pairs[i].passage_language for i in batch.pairs]
        assert all(same) if batch.kind == "mono" else not any(same)


@pytest.mark.parametrize("alpha", [0.5, 0.2, 0.9])
def test_the_hybrid_ratio_holds_within_binomial_tolerance(alpha):
    steps = 4000
    mono = sum(b.kind == "mono" for b in sampler("hybrid", alpha=alpha).batches(steps))
    # 4.5 standard deviations: a correct sampler fails about once in 150,000 runs.
    assert abs(mono - alpha * steps) <= 4.5 * math.sqrt(steps * alpha * (1 - alpha))


def test_proportional_mixing_sets_alpha_to_the_share_of_monolingual_pairs():
    s = sampler("hybrid", mixing="proportional")
    mono = sum(p.monolingual for p in s.pairs)
    assert s.alpha == pytest.approx(mono / len(s.pairs))
    assert sampler("mono").alpha == 1.0 and sampler("cross").alpha == 0.0


def test_mono_languages_are_drawn_uniformly_or_by_pair_count():
    steps = 3000
    uniform = [b.language for b in sampler("mono").batches(steps)]
    for language in LANGUAGES:
        assert abs(uniform.count(language) - steps / 5) <= 4.5 * math.sqrt(steps * 0.2 * 0.8)
    proportional = [b.language for b in sampler("mono", mono_language="proportional").batches(steps)]
    share_en = 40 / (2 * 40 + 3 * 12)
    assert abs(proportional.count("en") - steps * share_en) <= 4.5 * math.sqrt(steps * share_en * (1 - share_en))


def test_the_same_seed_gives_the_same_data_order_in_every_regime():
    steps = 200
    hybrid = list(sampler("hybrid").batches(steps))
    mono = list(sampler("mono").batches(steps))
    cross = list(sampler("cross").batches(steps))
    hybrid_mono = [b for b in hybrid if b.kind == "mono"]
    hybrid_cross = [b for b in hybrid if b.kind == "cross"]
    assert hybrid_mono and hybrid_cross
    # The k-th monolingual batch of the hybrid run is the k-th batch of the mono run (pairs,
    # language and hard negatives), and likewise for cross-lingual batches.
    assert hybrid_mono == mono[: len(hybrid_mono)]
    assert hybrid_cross == cross[: len(hybrid_cross)]
    assert list(sampler("hybrid").batches(steps)) == hybrid
    assert list(sampler("hybrid", seed=8).batches(steps)) != hybrid


def test_every_pair_is_seen_once_per_pass_before_any_repeats():
    s = sampler("cross")
    seen = [i for b in s.batches(len(s.cross) // 8) for i in b.pairs]
    assert sorted(seen) == sorted(s.cross)


def test_hard_negatives_come_from_the_pair_and_can_be_switched_off():
    s = sampler("mono")
    for batch in s.batches(50):
        assert all(n in s.pairs[i].hard_negatives for i, n in zip(batch.pairs, batch.hard_negatives))
    assert all(n is None for b in sampler("mono", hard_negatives=False).batches(50) for n in b.hard_negatives)


def test_a_regime_without_its_data_is_refused():
    only_mono = [p for p in synthetic_pairs() if p.monolingual]
    with pytest.raises(ValueError, match="cross-lingual"):
        BatchSampler(only_mono, SamplerConfig(regime="hybrid", batch_size=8, seed=1))
    with pytest.raises(ValueError, match="alpha"):
        SamplerConfig(regime="hybrid", batch_size=8, seed=1, alpha=1.5)
