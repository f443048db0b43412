import gzip
import json

import pytest

from data.lexicons import ding_pairs, entry_translations, read_dictd
from data.packages import licence_from_copyright
from data.render import Lexicon, RenderStats, arabic_lookup_forms, detokenize, render_words
from train.data import BUILT_DATA_DIR, LANGUAGES, multilingual_qa_pairs, passage_language_for


def test_the_licence_is_read_from_the_stanza_of_the_dictionary():
    text = "Files: *\nCopyright: x\nLicense: GPL-3+\n\nFiles: ell-eng/*\nCopyright: y\nLicense: CC-BY-SA-3.0\n\nFiles: eng-ell/*\nLicense: GPL-2+\n"
    assert licence_from_copyright(text, "ell-eng/*") == "CC-BY-SA-3.0"
    assert licence_from_copyright(text, "eng-ell/*") == "GPL-2+"
    assert licence_from_copyright(text, "tur-eng/*") == "GPL-3+"
    free_form = "Copyright Mueller.\nThis program is free software under the GNU General Public License as published;\neither version 2 of the License, or (at your option) any later version."
    assert licence_from_copyright(free_form) == "GPL-2+"
    with pytest.raises(ValueError, match="no licence"):
        licence_from_copyright("no terms here")


def test_dictd_entries_are_read_through_their_base64_index(tmp_path):
    body = "house /haʊs/\n1. дом\n2. здание; жилище\n   \"a house on the hill\"\n"
    (tmp_path / "d.dict.dz").write_bytes(gzip.compress(("xx" + body).encode("utf-8")))
    length = len(body.encode("utf-8"))
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    (tmp_path / "d.index").write_text(f"house\tC\t{b64[length // 64]}{b64[length % 64]}\n", encoding="utf-8")
    ((headword, entry),) = list(read_dictd(tmp_path / "d.index", tmp_path / "d.dict.dz"))
    assert headword == "house"
    assert entry_translations(entry, "ru") == ["дом", "здание", "жилище"]


def test_glosses_in_the_wrong_script_and_markup_are_dropped():
    assert entry_translations("_n. 1) ажио, лаж\n2) to be agitated волноваться\n", "ru") == ["ажио", "лаж"]
    assert entry_translations("1. प्रेषित~माल\n", "hi") == ["प्रेषित माल"]


def test_ding_lines_pair_the_base_forms_of_both_sides(tmp_path):
    path = tmp_path / "de-en"
    path.write_text("# comment\nHaus {n}; Gebäude {n} | Häuser {pl} :: house; building | houses\nan (in {+Dat.}) :: at\n", encoding="utf-8")
    assert list(ding_pairs(path)) == [("house", "Haus"), ("building", "Haus"), ("house", "Gebäude"), ("building", "Gebäude"), ("at", "an")]


def lexicon(target: str, entries: dict[str, str]) -> Lexicon:
    found = Lexicon("en", target)
    for english, foreign in entries.items():
        found.add(english, foreign, 1.0)
    return found


def test_word_by_word_rendering_keeps_names_and_drops_function_words_and_unknown_words():
    german = lexicon("de", {"when": "wann", "war": "Krieg", "begin": "beginnen", "city": "Stadt"})
    stats = RenderStats()
    assert render_words("When did the war in Paris begin and the wizard say?", german, stats) == "wann Krieg Paris beginnen?"
    # "did", "the", "in", "and" are function words (not counted); Paris, wizard, say are looked up and missed.
    assert (stats.words, stats.translated) == (6, 3)
    assert render_words("cities", german) == "Stadt"


def test_unspaced_scripts_join_their_words_but_keep_spaces_around_latin():
    chinese = lexicon("zh", {"war": "战争", "city": "城市"})
    assert render_words("The war city Berlin war.", chinese) == "战争城市 Berlin 战争."
    assert detokenize(["a", "(", "b", ")", ","], "en") == "a (b),"


def test_the_best_translation_is_the_highest_scored_then_the_shortest():
    found = Lexicon("en", "de")
    found.add("house", "Haus", 1.0)
    found.add("house", "Wohnhaus", 1.0)
    found.add("home", "Heim", 1.0)
    found.add("home", "Zuhause", 3.0)
    assert found.lookup("House") == "Haus" and found.lookup("home") == "Zuhause"


def test_arabic_lookup_strips_clitics():
    assert "حرب" in arabic_lookup_forms("والحرب") and "كتاب" in arabic_lookup_forms("بكتابها")


def qa_item(group: str, languages: tuple[str, ...]) -> dict:
    return {
        "group": group, "source": "squad-train", "original": "en",
        "texts": {lang: {"question": f"q-{lang}-{group}", "answer": f"a-{lang}-{group}", "negatives": [f"n-{lang}-{group}", ""]} for lang in languages},
    }  # fmt: skip


def test_every_item_gives_an_x_x_and_an_x_y_pair_per_language(tmp_path):
    with open(tmp_path / "qa.jsonl", "w", encoding="utf-8") as handle:
        handle.write(json.dumps(qa_item("g1", LANGUAGES)) + "\n")
        handle.write(json.dumps(qa_item("g2", ("ar",))) + "\n")  # an ARCD item rendered nowhere else
    pairs = multilingual_qa_pairs(tmp_path)
    mono = [p for p in pairs if p.monolingual]
    cross = [p for p in pairs if not p.monolingual]
    assert sorted(p.query_language for p in mono) == sorted(LANGUAGES + ("ar",))
    assert sorted(p.query_language for p in cross) == sorted(LANGUAGES)
    for pair in cross:
        assert pair.passage == f"a-{pair.passage_language}-g1" and pair.hard_negatives == (f"n-{pair.passage_language}-g1",)
    assert pairs == multilingual_qa_pairs(tmp_path)
    # The passage language is spread over the others, never the query's own.
    chosen = {passage_language_for(f"g{i}", "de", list(LANGUAGES)) for i in range(200)}
    assert chosen == set(LANGUAGES) - {"de"}


@pytest.fixture(scope="module")
def built_data():
    if not (BUILT_DATA_DIR / "qa.jsonl").exists():
        pytest.skip(f"no built multilingual data at {BUILT_DATA_DIR} (bash native-models/python.sh data.build_data)")
    return BUILT_DATA_DIR


def test_the_built_data_has_monolingual_and_cross_lingual_pairs_in_all_eleven_languages(built_data):
    pairs = multilingual_qa_pairs(built_data)
    for language in LANGUAGES:
        assert sum(1 for p in pairs if p.monolingual and p.query_language == language) > 1000
        assert sum(1 for p in pairs if not p.monolingual and p.query_language == language) > 1000
    manifest = json.loads((built_data / "manifest.json").read_text(encoding="utf-8"))
    assert all(source["licence"] for source in manifest["sources"])
