"""Learns a WordPiece vocabulary from the training text, the way Hugging Face's WordPieceTrainer
does: byte-pair merges over words whose non-initial symbols carry the `##` prefix, every learned
symbol becoming a vocabulary entry. Only the vocabulary comes from here; the ids training and
inference use come from the engine's tokenizer reading the resulting tokenizer.json
(xlir_encoder.node_tokenizer), so the approximate normaliser below only has to be close.

Languages are balanced as XLM-R samples them (mass ∝ characters^0.3), so that 1 MB of English does
not crowd out the 15 kB of Thai.
"""

from __future__ import annotations

import heapq
import string
import unicodedata
from collections import Counter, defaultdict
from typing import Iterable

from xlir_encoder.tokenizer_json import CONTINUATION_PREFIX, SPECIAL_TOKENS

LANGUAGE_SMOOTHING = 0.3
# Characters kept per language, most frequent first, until they cover this share of its text
# (SentencePiece's character_coverage): rare characters would each cost a vocabulary entry.
CHARACTER_COVERAGE = 0.9995
# Words seen once in their language teach no merge worth a vocabulary entry and slow the merge loop.
MIN_WORD_COUNT = 2


def is_cjk(cp: int) -> bool:
    # BertNormalizer's _is_chinese_char ranges.
    return (
        0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F
    )  # fmt: skip


def is_punctuation(char: str) -> bool:
    return char in string.punctuation or unicodedata.category(char).startswith("P")


def pre_tokenize(text: str) -> list[str]:
    """NFKC + BertNormalizer(lowercase, accents kept) + BertPreTokenizer, approximately."""
    text = unicodedata.normalize("NFKC", text)
    chars = []
    for char in text:
        if char == "\x00" or char == "\ufffd" or (unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") and char not in "\t\n\r"):
            continue
        chars.append(f" {char} " if is_cjk(ord(char)) or is_punctuation(char) else (" " if char.isspace() else char))
    return "".join(chars).lower().split()


def language_word_counts(texts_by_language: dict[str, list[str]]) -> dict[str, Counter]:
    """Pre-tokenized words and their counts, per language (one pass over the text)."""
    counts: dict[str, Counter] = {}
    for language, texts in texts_by_language.items():
        found: Counter = Counter()
        for text in texts:
            found.update(pre_tokenize(text))
        counts[language] = found
    return counts


def weighted_word_counts(per_language: dict[str, Counter]) -> Counter:
    counts: Counter = Counter()
    sizes = {language: sum(len(w) * c for w, c in found.items()) for language, found in per_language.items()}
    total = sum(sizes.values())
    for language, found in per_language.items():
        if not sizes[language]:
            continue
        share = (sizes[language] / total) ** LANGUAGE_SMOOTHING
        weight = share / sizes[language] * total  # mass ∝ size^0.3 instead of size
        for word, count in found.items():
            # Thai has no spaces: its "words" are whole runs, which rarely repeat.
            if count >= MIN_WORD_COUNT or language == "th":
                counts[word] += count * weight
    return counts


def covered_characters(per_language: dict[str, Counter], coverage: float = CHARACTER_COVERAGE) -> set[str]:
    """Per language, its most frequent characters up to `coverage` of its characters; their union."""
    kept: set[str] = set()
    for found in per_language.values():
        frequency: Counter = Counter()
        for word, count in found.items():
            for char in word:
                frequency[char] += count
        total, running = sum(frequency.values()), 0
        for char, count in frequency.most_common():
            if running >= coverage * total:
                break
            kept.add(char)
            running += count
    return kept


def word_symbols(word: str) -> list[str]:
    return [word[0]] + [CONTINUATION_PREFIX + c for c in word[1:]]


def merge_symbols(left: str, right: str) -> str:
    return left + right[len(CONTINUATION_PREFIX) :]


def train_wordpiece_vocab(texts_by_language: dict[str, list[str]], vocab_size: int, extra_characters: Iterable[str] = ()) -> list[str]:
    """Returns the vocabulary: SPECIAL_TOKENS, the alphabet (covered characters and
    `extra_characters`), then merged symbols in merge order."""
    per_language = language_word_counts(texts_by_language)
    counts = weighted_word_counts(per_language)
    kept = covered_characters(per_language) | set(extra_characters)
    # Words with a character outside the alphabet would become [UNK] anyway: they teach no merge.
    counts = Counter({w: c for w, c in counts.items() if all(ch in kept for ch in w)})
    words = [word_symbols(w) for w in counts]
    weights = list(counts.values())
    alphabet = dict.fromkeys(
        list(string.ascii_lowercase + string.digits + string.punctuation)
        + [CONTINUATION_PREFIX + c for c in string.ascii_lowercase + string.digits]
    )
    for symbols in words:
        alphabet.update(dict.fromkeys(symbols))
    # Every covered character, also those seen only in rare words, so that it never becomes [UNK].
    for char in sorted(kept):
        alphabet.update(dict.fromkeys([char] if is_cjk(ord(char)) else [char, CONTINUATION_PREFIX + char]))
    vocab = list(SPECIAL_TOKENS) + [s for s in alphabet if s not in SPECIAL_TOKENS]
    if len(vocab) >= vocab_size:
        raise ValueError(f"vocab_size {vocab_size} is smaller than the alphabet ({len(vocab)} symbols)")
    known = set(vocab)

    pair_counts: defaultdict[tuple[str, str], float] = defaultdict(float)
    where: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
    for index, symbols in enumerate(words):
        for pair in zip(symbols, symbols[1:]):
            pair_counts[pair] += weights[index]
            where[pair].add(index)
    # Max-heap with lazy deletion: stale entries are skipped when their count no longer matches.
    heap = [(-count, pair) for pair, count in pair_counts.items()]
    heapq.heapify(heap)
    while len(vocab) < vocab_size and heap:
        negative, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0.0) != -negative or -negative <= 0:
            continue
        merged = merge_symbols(*pair)
        if merged not in known:
            vocab.append(merged)
            known.add(merged)
        changed: dict[tuple[str, str], float] = {}
        for index in list(where[pair]):
            symbols, weight = words[index], weights[index]
            for old in zip(symbols, symbols[1:]):
                pair_counts[old] -= weight
                changed[old] = pair_counts[old]
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                    out.append(merged)
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            words[index] = out
            for new in zip(out, out[1:]):
                pair_counts[new] += weight
                where[new].add(index)
                changed[new] = pair_counts[new]
        del pair_counts[pair], where[pair]
        changed.pop(pair, None)
        for key, count in changed.items():
            if count > 1e-9:
                heapq.heappush(heap, (-count, key))
    return vocab
