"""Renders English text into another language word by word with a lexicon (the small-scale analogue
of the paper's machine-translated QA sets), Spanish with apertium, and Arabic into English.

Word by word means English word order and one sense per word: what the model can learn from it is
which words translate which, the signal the lexicon-bridged TF-IDF floor showed (0.126 → 0.316
cross-lingual mAP). Words without an entry are dropped unless they look like names, and so are
English function words: a rendering holds the target language and names, not leftover English.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

# Written without spaces between words.
UNSPACED = {"th", "zh"}
TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]", re.UNICODE)
NO_SPACE_BEFORE = set(".,;:!?)]}%”’…。，、：；！？」")
NO_SPACE_AFTER = set("([{“‘¿¡")
ENGLISH_FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with as is are was were be been being am do does did has have had "
    "and or but if than that this these those which who whom whose what when where why how it its it's "
    "there their they them he him his she her we us our you your i me my not no so such into onto upon "
    "about over under between during before after while since until also very can could would should will "
    "shall may might must 's".split()
)  # fmt: skip
QUESTION_WORDS = frozenset("what who whom whose when where why how which".split())
# Arabic clitics tried when a word is not in the lexicon: conjunctions, prepositions, the article.
ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
ARABIC_SUFFIXES = ("هما", "كما", "ها", "هم", "هن", "كم", "نا", "ه", "ي", "ك", "ة", "ات", "ون", "ين")


def english_lookup_forms(word: str) -> list[str]:
    """The word and the base forms a plain suffix rule gives (plural, past, -ing, possessive)."""
    forms = [word]
    for suffix, replacement in (("'s", ""), ("’s", ""), ("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)] + replacement)
    return forms


def arabic_lookup_forms(word: str) -> list[str]:
    forms = [word]
    for prefix in ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            forms.append(word[len(prefix) :])
    for form in list(forms):
        for suffix in ARABIC_SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= 2:
                forms.append(form[: -len(suffix)])
    return forms


@dataclass
class Lexicon:
    """One direction (source word → target word), built from scored candidate pairs."""

    source: str
    target: str
    scores: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    _best: dict[str, str] | None = None

    def add(self, source_word: str, target_word: str, weight: float) -> None:
        self.scores[source_word.lower()][target_word] += weight
        self._best = None

    @property
    def best(self) -> dict[str, str]:
        if self._best is None:
            # Highest score; ties to the shorter translation, then alphabetical (deterministic).
            self._best = {w: min(c.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0] for w, c in self.scores.items()}
        return self._best

    def __len__(self) -> int:
        return len(self.scores)

    def lookup(self, word: str) -> str | None:
        forms = arabic_lookup_forms(word) if self.source == "ar" else english_lookup_forms(word.lower())
        for form in forms:
            found = self.best.get(form.lower())
            if found is not None:
                return found
        return None


def detokenize(tokens: list[str], language: str) -> str:
    out = ""
    for token in tokens:
        if not out:
            out = token
            continue
        previous = out[-1]
        joined_script = language in UNSPACED and not previous.isascii() and not token[0].isascii()
        if token[0] in NO_SPACE_BEFORE or previous in NO_SPACE_AFTER or joined_script:
            out += token
        else:
            out += " " + token
    return out


@dataclass
class RenderStats:
    words: int = 0
    translated: int = 0

    @property
    def coverage(self) -> float:
        return self.translated / self.words if self.words else 0.0


def render_words(text: str, lexicon: Lexicon, stats: RenderStats | None = None) -> str:
    """Word-by-word rendering of text with lexicon. English function words other than question
    words are dropped (a dictionary's first sense of "the" or "did" is noise); a word without an
    entry is kept only when it looks like a name (capitalised English), so that a rendering holds
    the target language and names, not leftover English or Arabic."""
    out: list[str] = []
    for token in TOKEN.findall(text):
        if not token[0].isalpha():
            out.append(token)
            continue
        lower = token.lower()
        if lexicon.source == "en" and lower in ENGLISH_FUNCTION_WORDS and lower not in QUESTION_WORDS:
            continue
        translation = lexicon.lookup(token)
        if stats is not None:
            stats.words += 1
            stats.translated += translation is not None
        if translation is not None:
            out.append(translation)
        elif lexicon.source == "en" and token[0].isupper():
            out.append(token)
    return detokenize(out, lexicon.target)


def apertium_translate(texts: list[str], pair: str = "eng-spa") -> list[str]:
    """Translates texts with apertium in one process, one text per line (-u: no unknown-word marks)."""
    if not texts:
        return []
    lines = [re.sub(r"\s+", " ", t).strip() for t in texts]
    try:
        result = subprocess.run(["apertium", "-u", pair], input="\n".join(lines) + "\n", capture_output=True, text=True, check=False)
    except FileNotFoundError as err:
        raise SystemExit("apertium is not installed: run bash native-models/data/install-data-deps.sh") from err
    if result.returncode != 0:
        raise RuntimeError(f"apertium {pair} failed (exit {result.returncode}): {result.stderr[-500:]}")
    out = [re.sub(r"\s+", " ", line).strip() for line in result.stdout.split("\n")]
    while out and out[-1] == "" and len(out) > len(lines):
        out.pop()
    if len(out) != len(lines):
        raise RuntimeError(f"apertium {pair} returned {len(out)} lines for {len(lines)}")
    return out


def unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))
