"""Character trigrams hashed into buckets, one definition for the tables (Python) and the graph (bridge/model.py).

Trigram (a, b, c) of code points + 1 (0 is the word boundary) lands in bucket ((a·P1 + b)·P2 + c) mod
dimension: integer arithmetic an ONNX graph can repeat on token ids. With code points below 2^21 the
product stays below 2^63.
"""

from __future__ import annotations

P1, P2 = 1_000_003, 999_983


def code(char: str) -> int:
    return ord(char) + 1


def trigram_bucket(a: int, b: int, c: int, dimension: int) -> int:
    return ((a * P1 + b) * P2 + c) % dimension


def word_buckets(word: str, dimension: int) -> list[int]:
    """The buckets of a word's trigrams with its boundaries, in order ("#ab", "abc", …, "yz#")."""
    codes = [0] + [code(c) for c in word] + [0]
    return [trigram_bucket(*codes[i : i + 3], dimension) for i in range(len(codes) - 2)]

