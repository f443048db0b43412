"""The dictionary bridge's vocabulary: the words of all 11 languages that the Debian lexicons
translate, as WordPiece tokens with the English concepts they stand for, and every character.

A token's concepts are its own surface form and up to three English words the lexicons translate
it to, weighted by the lexicons' scores. English tokens stand for themselves and their base form (a
plural suffix rule). Everything else is spelled out in characters, whose trigrams the graph computes
(bridge/model.py), so a word without a translation costs no token. The tokenizer is the engine's
greedy longest-match WordPiece, which gives cheap morphological matches, so:
- a word longer than six characters is its first six (a translated prefix standing for the
  translations of every word it begins, by their frequency) followed by its remaining characters:
  truncation is a strong stemmer, and the remaining characters still count as trigrams;
- a word's stem (the word less one or two final letters) carries the word's concepts, so an
  inflected form the lexicons lack ("москве") matches its stem ("москв" → Москва → moscow);
- Thai and Chinese are written without spaces, so their words are also `##` continuations and a
  run of text splits into dictionary words by maximal matching.
The special tokens come first, then the characters (word starts, then the same as continuations),
then the words: the graph tells characters by their ids.
Inverse document frequency comes from real text only (Tatoeba lines, LibreOffice UI strings, the
original SQuAD and ARCD texts): the word-by-word renderings drop function words, so counting them
would make "der" or "и" look rare.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from data.lexicons import SCRIPTS
from data.render import arabic_lookup_forms, english_lookup_forms
from train.data import LANGUAGES, built_file, read_qa_items, tatoeba_pairs
from xlir_encoder.tokenizer_json import CONTINUATION_PREFIX, SPECIAL_TOKENS

from .trigrams import word_buckets

CONCEPTS_PER_TOKEN = 4  # the token itself and up to three translations
TRANSLATIONS_PER_TOKEN = CONCEPTS_PER_TOKEN - 1
UNSPACED = ("th", "zh")  # written without spaces between words
STEMMED = ("ar", "de", "el", "es", "hi", "ru", "tr")  # inflecting languages: stems carry their word's concepts
MIN_STEM_CHARS = 4
LEXICON_WORDS = 15000  # lexicon words per language beyond those of the training text (~40 bytes a token in the folder)
PREFIX_CHARS = 6  # a longer word's token is its first six characters
MAX_TOKEN_CHARS = 40
MAX_CHARS_PER_WORD = 1000  # WordPiece maps a longer whitespace-free run to [UNK]: Thai and Chinese clauses are long


def in_unspaced_script(char: str) -> bool:
    return any(SCRIPTS[lang] in unicodedata.name(char, "") for lang in UNSPACED)


def is_punctuation(char: str) -> bool:
    """BertPreTokenizer's rule: ASCII non-alphanumeric symbols and every Unicode P* character."""
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def pre_tokenize(text: str) -> list[str]:
    """Words as the bridge tokenizer's normaliser and pre-tokenizer see them: NFKC, lowercase,
    split on whitespace and around punctuation (Chinese runs stay whole, as Thai ones do)."""
    words: list[str] = []
    for chunk in unicodedata.normalize("NFKC", text).lower().split():
        current = ""
        for char in chunk:
            if is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            elif unicodedata.category(char) not in ("Cc", "Cf"):
                current += char
        if current:
            words.append(current)
    return words


def content_words(text: str) -> list[str]:
    return [w for w in pre_tokenize(text) if not is_punctuation(w[0]) and len(w) <= MAX_TOKEN_CHARS]


@dataclass
class Vocabulary:
    """tokens[i] has id i; concepts[i] lists (concept, share) pairs; idf[i] in [0, 1]; bucket_idf[b]:
    the idf of trigram bucket b (of len(bucket_idf) buckets) in real text, for character trigrams."""

    tokens: list[str]
    concepts: list[list[tuple[str, float]]]
    idf: list[float]
    bucket_idf: list[float]

    def __len__(self) -> int:
        return len(self.tokens)


def read_lexicon(built_dir: Path) -> dict[str, dict[str, Counter]]:
    """language → foreign word → Counter(English word → score). A multi-word foreign entry lends each
    of its words the translation at a share of the score (Vietnamese words are mostly two syllables)."""
    lexicon: dict[str, dict[str, Counter]] = {lang: defaultdict(Counter) for lang in LANGUAGES if lang != "en"}
    with open(built_file(built_dir, "lexicon.tsv"), encoding="utf-8") as handle:
        for line in handle:
            language, english, foreign, score = line.rstrip("\n").split("\t")
            words = content_words(foreign)
            for word in words:
                lexicon[language][word][english] += float(score) / len(words) ** 2
    return lexicon


def real_texts(built_dir: Path, data_dir: Path) -> dict[str, list[str]]:
    """Text written by people, per language: Tatoeba, LibreOffice UI strings, SQuAD and ARCD originals."""
    texts: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for pair in tatoeba_pairs(data_dir):
        texts[pair.query_language].append(pair.query)
    with open(built_file(built_dir, "parallel.tsv"), encoding="utf-8") as handle:
        for line in handle:
            language, kind, english, foreign = line.rstrip("\n").split("\t")
            if kind == "libreoffice":
                texts[language].append(foreign)
                texts["en"].append(english)
    for item in read_qa_items(built_dir):
        own = item["texts"][item["original"]]
        texts[item["original"]] += [own["question"], own["answer"]]
    return texts


def rendered_words(built_dir: Path) -> dict[str, Counter]:
    """Word counts of every training text per language (renderings included)."""
    counts: dict[str, Counter] = {lang: Counter() for lang in LANGUAGES}
    for item in read_qa_items(built_dir):
        for language, own in item["texts"].items():
            for text in (own["question"], own["answer"], *own["negatives"]):
                counts[language].update(content_words(text))
    return counts


def english_base(word: str, headwords: set[str]) -> str:
    """The first base form (plural, past, -ing removed) the lexicons know, else the word."""
    return next((form for form in english_lookup_forms(word)[1:] if form in headwords), word)


def useful_words(words: dict[str, Counter], seen: Counter, english: Counter, count: int) -> set[str]:
    """The words of a lexicon worth a token: those in the training text, then the `count` whose
    commonest translation is most frequent in English text (the lexicons hold many rare words)."""
    ranked = sorted((w for w in words if w not in seen), key=lambda w: (-max(english[e] for e in words[w]), -sum(words[w].values()), w))
    return {w for w in words if w in seen} | set(ranked[:count])


def build_vocabulary(built_dir: Path, data_dir: Path, dimension: int, chinese_characters: Iterable[str] = (), lexicon_words: int = LEXICON_WORDS) -> Vocabulary:
    lexicon = read_lexicon(built_dir)
    headwords = {english for words in lexicon.values() for translations in words.values() for english in translations}
    real = real_texts(built_dir, data_dir)
    documents = {lang: Counter(w for text in texts for w in set(content_words(text))) for lang, texts in real.items()}
    frequency = rendered_words(built_dir)
    for language, counts in documents.items():
        frequency[language].update(counts)
    for language, words in lexicon.items():
        kept = useful_words(words, frequency[language], frequency["en"], lexicon_words)
        lexicon[language] = {w: t for w, t in words.items() if w in kept}
    used_english = {e for words in lexicon.values() for translations in words.values() for e in translations}

    # Word → (language → translation shares). A word of several languages (a name, "die" in English
    # and German) takes each language's translations in proportion to how often it occurs there.
    translations_of: dict[str, dict[str, Counter]] = defaultdict(dict)
    base_of = {word: english_base(word, headwords) for word in set(frequency["en"]) | used_english}
    for word, base in base_of.items():
        translations_of[word]["en"] = Counter({base: 1.0}) if base != word else Counter()
    for language, words in lexicon.items():
        for word in set(words) | set(frequency[language]):
            found = words.get(word) or (arabic_form_translations(word, words) if language == "ar" else Counter())
            top = found.most_common(TRANSLATIONS_PER_TOKEN)
            total = sum(score for _, score in top)
            translations_of[word][language] = Counter({base_of[e]: score / total for e, score in top})
    languages_of = {word: set(by_language) for word, by_language in translations_of.items()}

    entries: dict[str, list[tuple[str, float]]] = {}
    for word, by_language in translations_of.items():
        if len(word) > MAX_TOKEN_CHARS:
            continue
        counts = {lang: frequency[lang][word] + 1 for lang in by_language}
        merged: Counter = Counter()
        for lang, shares in by_language.items():
            for english, share in shares.items():
                if english != word:
                    merged[f"={english}"] += share * counts[lang] / sum(counts.values())
        top = merged.most_common(TRANSLATIONS_PER_TOKEN)
        total = sum(share for _, share in top)
        entries[word] = [(f"={word}", 1.0)] + [(concept, share / total) for concept, share in top]
    # Stems and continuations: added only where no word has that form, the most frequent word first.
    by_frequency = sorted(entries, key=lambda w: (-max(frequency[lang][w] for lang in languages_of[w]), w))
    for word in by_frequency:
        languages = languages_of[word]
        if not languages.isdisjoint(STEMMED):
            for cut in (1, 2):
                stem = word[:-cut]
                if len(stem) >= MIN_STEM_CHARS and stem not in entries:
                    entries[stem] = entries[word]
        if any(in_unspaced_script(c) for c in word):  # not a Latin word inside Thai or Chinese text: its pieces would be endings
            continuation = CONTINUATION_PREFIX + word
            if continuation not in entries:
                entries[continuation] = entries[word]
    idf_by_language = {lang: inverse_document_frequency(documents[lang], len(real[lang])) for lang in LANGUAGES}

    def idf(token: str) -> float:
        word = token.removeprefix(CONTINUATION_PREFIX)
        return min(idf_by_language[lang](word) for lang in languages_of.get(word) or LANGUAGES)

    def seen(word: str) -> float:
        return sum(documents[lang][word] for lang in languages_of.get(word, ())) + 1e-3  # a lexicon-only word counts a little

    words = translated_prefixes(entries, idf, seen)
    # Every character seen, as a word start and as a continuation: the graph reads its trigrams.
    alphabet = sorted({c for text in real.values() for t in text for c in unicodedata.normalize("NFKC", t).lower() if not c.isspace()} | {c for word in entries for c in word} | set(chinese_characters))
    alphabet = [c for c in alphabet if c not in SPECIAL_TOKENS]
    characters = alphabet + [CONTINUATION_PREFIX + c for c in alphabet]
    tokens = list(SPECIAL_TOKENS) + characters + sorted(words)
    documents_words = (pre_tokenize(t) for texts in real.values() for t in texts)  # punctuation too: the graph counts its trigrams
    return Vocabulary(
        tokens=tokens,
        concepts=[words[t][0] if t in words else [] for t in tokens],
        idf=[words[t][1] if t in words else 0.0 for t in tokens],
        bucket_idf=bucket_idf(documents_words, dimension),
    )


def translated_prefixes(entries: dict[str, list[tuple[str, float]]], idf, seen) -> dict[str, tuple[list[tuple[str, float]], float]]:
    """Token → (concepts, idf) for the tokens that carry a translation. A word longer than PREFIX_CHARS
    (outside Thai and Chinese) becomes its prefix, which stands for itself and the commonest
    translations of the words it begins, weighted by how often each word occurs; its idf is the
    commonest such word's."""
    merged: dict[str, Counter] = defaultdict(Counter)
    idfs: dict[str, float] = {}
    for word in sorted(entries):  # a fixed order: float sums and ties come out the same in every build
        concepts = entries[word]
        truncate = len(word) > PREFIX_CHARS and not word.startswith(CONTINUATION_PREFIX) and not any(in_unspaced_script(c) for c in word)
        key = word[:PREFIX_CHARS] if truncate else word
        idfs[key] = min(idfs.get(key, 1.0), idf(word))
        for concept, share in concepts[1:]:
            merged[key][concept] += share * seen(word)
    tokens = {}
    for key, translations in merged.items():
        if len(key.removeprefix(CONTINUATION_PREFIX)) < 2 or not translations:
            continue  # a character is read as trigrams by the graph
        top = sorted(translations.items(), key=lambda item: (-item[1], item[0]))[:TRANSLATIONS_PER_TOKEN]
        total = sum(score for _, score in top)
        tokens[key] = ([("=" + key.removeprefix(CONTINUATION_PREFIX), 1.0)] + [(concept, score / total) for concept, score in top], idfs[key])
    return tokens


def character_count(tokens: list[str]) -> int:
    """How many leading tokens are special tokens or characters (the vocabulary's order)."""
    return next((i for i, t in enumerate(tokens) if t not in SPECIAL_TOKENS and len(t.removeprefix(CONTINUATION_PREFIX)) > 1), len(tokens))


def arabic_form_translations(word: str, words: dict[str, Counter]) -> Counter:
    """An Arabic word the lexicon lacks, looked up without its clitics (as the renderer does)."""
    for form in arabic_lookup_forms(word)[1:]:
        if form in words:
            return words[form]
    return Counter()


def bucket_idf(documents: Iterable[list[str]], dimension: int) -> list[float]:
    """Per trigram bucket, the idf over documents (each a list of words) of the buckets their words' trigrams reach."""
    df: Counter = Counter()
    total = 0
    for words in documents:
        total += 1
        df.update({b for w in words for b in word_buckets(w, dimension)})
    idf = inverse_document_frequency(df, total)
    return [idf(b) for b in range(dimension)]


def inverse_document_frequency(documents: Counter, total: int):
    """idf scaled to [0, 1]: log((N + 1) / (df + 1)) / log(N + 1); an unseen word gets 1."""
    scale = math.log(total + 1) if total else 1.0

    def idf(word: str) -> float:
        return math.log((total + 1) / (documents.get(word, 0) + 1)) / scale if total else 1.0

    return idf
