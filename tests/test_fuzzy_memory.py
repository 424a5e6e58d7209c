"""Translation memory for similar text: ``translate`` and ``import tmx`` offer the
translation of a similar accepted (or imported) source as a fuzzy draft."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from rapidfuzz import fuzz, process
from tf_helpers import cli, make_project, msgcat, msgfmt_check, record_engine_calls, sample_units

from transflow import fuzzymatch
from transflow.engines import pseudo
from transflow.fuzzymatch import FuzzyIndex, Stored, normalize, number_change

MONDAY = "The minister said on Monday that the talks with the union would resume next week."
TUESDAY = MONDAY.replace("Monday", "Tuesday")
FLOOD = "In 2023, 613 people were evacuated from the flooded villages near the river."
QUOTE = "He said “the talks are over” and left the room at noon."
A = f"Budget talks\n\n{MONDAY}\n\n{FLOOD}\n\n{QUOTE}\n"
B = (
    "Flood news\n\n"
    f"{TUESDAY}\n\n"
    f"{FLOOD.replace('613', '614')}\n\n"
    # no-break spaces and straight quotes where A has plain spaces and curly ones
    'He\u00a0said "the talks are over" and left the room at\u202fnoon.\n\n'
    "Completely different words about tomorrow's weather in the hills.\n"
)
AZ = {
    MONDAY: "Nazir bazar ertəsi həmkarlar ittifaqı ilə danışıqların gələn həftə bərpa "
    "olunacağını bildirib.",
    FLOOD: "2023-cü ildə su basmış kəndlərdən 613 nəfər təxliyə edilib.",
    QUOTE: "O, “danışıqlar bitdi” deyib günorta otaqdan çıxdı.",
}
calls: list[list[str]] = []


@pytest.fixture(autouse=True)
def count_model_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records the texts the pseudo engine is asked to translate."""
    calls.clear()
    record_engine_calls(monkeypatch, calls)


def po(root: Path, doc: str) -> polib.POFile:
    path = root / "locales" / "az" / f"{doc}.po"
    msgfmt_check(path)
    assert msgcat(path) == path.read_bytes()
    return polib.pofile(str(path))


@pytest.fixture
def accepted(tmp_path: Path) -> Path:
    """A project whose a.txt has accepted az translations and b.txt similar sentences."""
    root = make_project(tmp_path)
    (root / "source" / "azerbaijan-pak-support.txt").unlink()
    (root / "source" / "a.txt").write_text(A, encoding="utf-8")
    result = cli(root, "extract", "--lang", "az")
    assert result.exit_code == 0, result.output
    catalog = polib.pofile(str(root / "locales" / "az" / "a.po"))
    for entry in catalog:
        entry.msgstr = AZ.get(entry.msgid, "Büdcə danışıqları")
    catalog.save()
    (root / "source" / "b.txt").write_text(B, encoding="utf-8")
    return root


def tcomment(entry: polib.POEntry) -> str:
    return str(entry.tcomment)


def test_similar_sentences_get_the_accepted_translation(accepted: Path) -> None:
    result = cli(accepted, "translate", "--engine", "pseudo", "--lang", "az")
    assert result.exit_code == 0, result.output
    # headline and the weather sentence go to MT; the other three come from a.txt
    assert "az: 5 drafts: 2 new from pseudo 1, 0 from the translation memory, 3 from" in (
        result.output
    )
    assert "3 from accepted translations (3 of them for similar text); 1 flagged" in result.output
    assert sorted(t for batch in calls for t in batch) == [
        "Completely different words about tomorrow's weather in the hills.",
        "Flood news",
    ]
    b = {e.msgid: e for e in po(accepted, "b")}
    tuesday = b[TUESDAY]
    assert tuesday.msgstr == AZ[MONDAY] and tuesday.fuzzy
    assert tuesday.previous_msgid == MONDAY
    score = int(fuzz.ratio(MONDAY, TUESDAY))
    assert 90 <= score < 100
    assert tcomment(tuesday) == f"translation memory: {score}% match, accepted in a.txt"
    flood = b[FLOOD.replace("613", "614")]
    assert flood.msgstr == AZ[FLOOD] and flood.previous_msgid == FLOOD
    assert tcomment(flood).endswith("accepted in a.txt; numbers differ: 613 -> 614")
    spaced = next(e for e in b.values() if e.msgid.startswith("He\u00a0said"))
    assert spaced.msgstr == AZ[QUOTE] and spaced.previous_msgid == QUOTE
    assert tcomment(spaced) == "translation memory: 100% match, accepted in a.txt"
    for msgid in (
        "Flood news",
        "Completely different words about tomorrow's weather in the hills.",
    ):
        assert b[msgid].previous_msgid is None
        assert tcomment(b[msgid]) == "machine translation: pseudo 1"
    # a.txt's own entries are accepted work: untouched
    assert all(not e.fuzzy for e in po(accepted, "a"))


def test_translating_one_document_still_finds_the_others(accepted: Path) -> None:
    cli(accepted, "extract", "--lang", "az")
    b = accepted / "source" / "b.txt"
    result = cli(accepted, "translate", "--engine", "pseudo", "--lang", "az", str(b))
    assert result.exit_code == 0, result.output
    assert "3 from accepted translations (3 of them for similar text)" in result.output
    assert po(accepted, "b").find(TUESDAY).msgstr == AZ[MONDAY]


def test_threshold_from_the_config_and_refresh(accepted: Path) -> None:
    config = accepted / "transflow.toml"
    text = config.read_text(encoding="utf-8")
    cli(accepted, "translate", "--engine", "pseudo", "--lang", "az")
    # only text equal after normalisation now: the one-word and number changes go to MT,
    # and their memory drafts are redone without the #| msgid they no longer explain
    assert "\nmemory_threshold = 75 " in text
    config.write_text(text.replace("memory_threshold = 75", "memory_threshold = 100"))
    calls.clear()
    result = cli(accepted, "translate", "--engine", "pseudo", "--lang", "az", "--refresh-drafts")
    assert result.exit_code == 0, result.output
    assert "(1 of them for similar text); 0 flagged" in result.output
    b = po(accepted, "b")
    tuesday = b.find(TUESDAY)
    assert tuesday.msgstr == pseudo.pseudo(TUESDAY) and tuesday.previous_msgid is None
    assert tcomment(tuesday) == "machine translation: pseudo 1"
    assert TUESDAY in calls[0] and len(calls[0]) == 4
    config.write_text(text.replace("memory_threshold = 75", "memory_threshold = 101"))
    result = cli(accepted, "translate", "--engine", "pseudo", "--lang", "az")
    assert result.exit_code == 1
    line = text.splitlines().index(next(x for x in text.splitlines() if "memory_" in x)) + 1
    assert result.stderr == (
        f"transflow: error: {config}:{line}: translate.memory_threshold must be an integer "
        "from 0 to 100, not 101\n"
    )


def tmx_file(path: Path, pairs: Sequence[tuple[str, str]]) -> Path:
    from xml.sax.saxutils import escape

    units = "".join(
        f'<tu><tuv xml:lang="en"><seg>{escape(s)}</seg></tuv>'
        f'<tuv xml:lang="az"><seg>{escape(t)}</seg></tuv></tu>\n'
        for s, t in pairs
    )
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"/>'
        f"<body>\n{units}</body></tmx>\n",
        encoding="utf-8",
    )
    return path


def test_import_tmx_matches_similar_text_and_translate_keeps_using_it(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path)
    (root / "source" / "azerbaijan-pak-support.txt").unlink()
    (root / "source" / "b.txt").write_text(B, encoding="utf-8")
    tmx = tmx_file(tmp_path / "old.tmx", [(s, t) for s, t in AZ.items()])
    result = cli(root, "import", "tmx", str(tmx), "--lang", "az")
    assert result.exit_code == 0, result.output
    assert "az: 3 of 5 empty entries filled from old.tmx (3 units read)" in result.output
    b = {e.msgid: e for e in po(root, "b")}
    spaced = next(e for e in b.values() if e.msgid.startswith("He\u00a0said"))
    assert spaced.msgstr == AZ[QUOTE] and spaced.fuzzy and spaced.previous_msgid == QUOTE
    assert tcomment(spaced) == "translation memory: 100% match, imported from old.tmx"
    assert b[TUESDAY].msgstr == AZ[MONDAY]
    assert tcomment(b[TUESDAY]).endswith("% match, imported from old.tmx")
    # a document added later: translate finds the imported translations in the memory
    (root / "source" / "c.txt").write_text(f"Later\n\n{MONDAY}\n", encoding="utf-8")
    result = cli(root, "translate", "--engine", "pseudo", "--lang", "az")
    assert result.exit_code == 0, result.output
    c = po(root, "c").find(MONDAY)
    assert c.msgstr == AZ[MONDAY] and c.previous_msgid is None
    assert tcomment(c) == "translation memory: imported from old.tmx"
    assert sorted(t for batch in calls for t in batch) == [
        "Completely different words about tomorrow's weather in the hills.",
        "Flood news",
        "Later",
    ]


# --- the matcher itself ----------------------------------------------------------------


def test_normalize() -> None:
    assert normalize("  a\u00a0b\u202fc\td\n e\u2007f  ") == "a b c d e f"
    assert normalize("“q” ‘s’ „l“ «g» it’s") == '"q" \'s\' "l" "g" it\'s'
    assert normalize("soft\u00adhyphen zero\u200bwidth") == "softhyphen zerowidth"
    assert normalize("me\u200cra") == "me\u200cra"  # ZWNJ spells Persian and Urdu words
    assert normalize("Cafe\u0301") == "Café"  # NFC


def test_number_change() -> None:
    assert number_change("In 2023, 613 people", "In 2023, 614 people") == "613 -> 614"
    assert number_change("3 and 5", "5 and 3") == ""
    assert number_change("1,275 taken in 1990", "taken") == "1,275, 1990 -> none"
    assert number_change("the B52 in the 1990s", "the B53 in the 1980s") == "52, 1990 -> 53, 1980"
    assert number_change("3 890 in all", "3\u00a0890 in all") == ""  # compared normalized


def test_equal_scores_prefer_the_same_numbers() -> None:
    index = FuzzyIndex(
        [
            Stored("He counted 613 boats on the lake today.", "x", "a"),
            Stored("He counted 614 boats on the lake today.", "y", "b"),
        ]
    )
    match = index.best("He counted 614 boats on the lake, today.", 75)
    assert match is not None and match.stored.target == "y" and not match.numbers
    assert index.best("Nothing like it at all, no.", 75) is None


def test_index_finds_what_an_exhaustive_scan_finds() -> None:
    """Against every stored text scored with fuzz.ratio, on a corpus of similar
    sentences: the index must find the same best score for every query."""
    rng = random.Random(7)
    words = [w for unit in sample_units() for w in str(unit["text"]).split()]
    stored = [" ".join(rng.choices(words, k=rng.randint(4, 25))) for _ in range(3000)]
    queries = []
    for _ in range(300):
        base = rng.choice(stored).split()
        for _ in range(rng.randint(0, 4)):
            base[rng.randrange(len(base))] = rng.choice(words)
        queries.append(" ".join(base))
    index = FuzzyIndex([Stored(s, s, "") for s in stored])
    found = 0
    for query in queries:
        best = process.extractOne(query, stored, scorer=fuzz.ratio, score_cutoff=75)
        match = index.best(query, 75)
        assert (match and match.score) == (best and best[1]), query
        found += best is not None
    assert found > 200  # the corpus does hold similar text


def test_a_pair_sharing_half_of_the_words_is_a_candidate() -> None:
    """The rare words of the query are all changed (inflected), and the words it still
    shares are in hundreds of other texts: the pair is a candidate (the prefix-filtering
    bound), and among those sharing as much, the nearest in length come first."""
    shared = "alpha beta gamma delta epsilon"
    target = f"{shared} zeta eta theta iota kappa"
    noise = [f"{shared} noise{i}" for i in range(500)]
    index = FuzzyIndex([Stored(t, t, "") for t in [*noise, target]])
    query = f"{shared} zetaa etaa thetaa iotaa kappaa"
    assert fuzzymatch.SHARE <= 0.5 and len(noise) > fuzzymatch.CANDIDATES
    match = index.best(query, 75)
    assert match is not None and match.stored.source == target
    assert match.score == fuzz.ratio(query, target) > 90
