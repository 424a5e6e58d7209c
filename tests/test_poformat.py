"""PO output: format_catalog must print exactly what GNU msgcat prints for the same file."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transflow import linebreak, poformat
from transflow.model import Catalog, Entry
from transflow.poformat import format_catalog

SOURCE = Path(__file__).resolve().parents[1] / "source" / "azerbaijan-pak-support.txt"
MSGCAT = shutil.which("msgcat")
MSGFMT = shutil.which("msgfmt")
needs_msgcat = pytest.mark.skipif(
    MSGCAT is None or MSGFMT is None, reason="GNU gettext (msgcat, msgfmt) is not installed"
)

HEADER = (
    ("Project-Id-Version", "transflow-test 0.1"),
    ("Report-Msgid-Bugs-To", "translations@example.org"),
    ("POT-Creation-Date", "2024-01-15 10:00+0000"),
    ("PO-Revision-Date", "2024-01-16 12:30+0500"),
    ("Last-Translator", "Тестовый Переводчик <translator@example.org>"),
    ("Language-Team", "Russian, Urdu and Azerbaijani volunteers <team@example.org>"),
    ("Language", "ru"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
    (
        "Plural-Forms",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    ),
)


@pytest.fixture(autouse=True, scope="module", params=["libunistring", "python"])
def line_breaker(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test here runs with both line breakers: libunistring's, through ctypes, and
    the pure-Python port that stands in where the library cannot be loaded."""
    native = linebreak._native()
    if request.param == "libunistring" and native is None:
        # gettext links libunistring: with msgcat installed, the library must load
        assert MSGCAT is None, "msgcat is installed but libunistring could not be loaded"
        pytest.skip("libunistring is not installed")
    saved = linebreak._breaker
    linebreak._breaker = native if request.param == "libunistring" else linebreak._port
    yield request.param
    linebreak._breaker = saved


def run_msgcat(text: str) -> str:
    """What msgcat prints for `text`, written to a file as UTF-8."""
    assert MSGCAT is not None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "in.po")
        path.write_bytes(text.encode("utf-8"))
        env = {**os.environ, "LC_ALL": "C"}
        # --force-po changes no formatting: without it msgcat writes nothing at all for a file
        # that holds only a header.
        command = [MSGCAT, "--force-po", str(path)]
        result = subprocess.run(command, capture_output=True, env=env, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return result.stdout.decode("utf-8")


def assert_msgcat_identical(text: str) -> None:
    printed = run_msgcat(text)
    if printed != text:  # show the first differing lines, not two huge strings
        mine, theirs = text.splitlines(), printed.splitlines()
        first = next(
            (i for i, pair in enumerate(zip(mine, theirs, strict=False)) if pair[0] != pair[1]),
            min(len(mine), len(theirs)),
        )
        pytest.fail(
            f"line {first + 1}: ours {mine[first : first + 3]!r}, "
            f"msgcat {theirs[first : first + 3]!r}"
        )


# ---------------------------------------------------------------- fabricated translations

_RU = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "абцдефгхийклмнопкрстувшхызАБЦДЕФГХИЙКЛМНОПКРСТУВШХЫЗ",
)
_UR_LETTERS = "ا ب ک د ے ف گ ہ ی ج ک ل م ن و پ ق ر س ت و و و ک ی ز".split()
_UR = str.maketrans(
    dict(zip("abcdefghijklmnopqrstuvwxyz", _UR_LETTERS, strict=True))
    | dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", _UR_LETTERS, strict=True))
    | dict(zip("0123456789.,?", "۰۱۲۳۴۵۶۷۸۹۔،؟", strict=True))
)
_AZ = str.maketrans("eiouEIOUcsg", "əıöüƏIÖÜçşğ")


def russian(text: str) -> str:
    return "Азербайджан признаёт поддержку Пакистана: " + text.translate(_RU)


def urdu(text: str) -> str:
    return "آذربائیجان نے پاکستان کی حمایت کو تسلیم کیا۔ " + text.translate(_UR)


def azerbaijani(text: str) -> str:
    words = text.split(" ")
    return " ".join(w.translate(_AZ) if i % 2 else w for i, w in enumerate(words))


def golden_catalog() -> Catalog:
    text = SOURCE.read_text(encoding="utf-8")
    lines = text.split("\n")
    paragraphs = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    translate = (russian, urdu, azerbaijani)
    entries: list[Entry] = []
    seen: set[tuple[str | None, str]] = set()

    def add(entry: Entry) -> None:
        if entry.key not in seen:
            seen.add(entry.key)
            entries.append(entry)

    for i, (number, paragraph) in enumerate(paragraphs):
        refs: tuple[str, ...] = (f"source/azerbaijan-pak-support.txt:{number}.1",)
        if i % 4 == 1:  # long lists of references, wrapped by gettext at the page width
            refs += tuple(f"source/other-articles/article-{k:03d}.txt:{k * 7}" for k in range(9))
        add(
            Entry(
                paragraph,
                translate[i % 3](paragraph) if i % 5 else "",
                extracted_comments=(f"paragraph {i + 1}, line {number}",),
                translator_comments=("Проверено редактором", "") if i % 3 == 0 else (),
                references=refs,
            )
        )
        sentences = re.split(r"(?<=[.?!…”])\s+", paragraph)
        for j, sentence in enumerate(sentences):
            fuzzy = (i + j) % 4 == 0
            add(
                Entry(
                    sentence,
                    translate[(i + j) % 3](sentence) if (i + j) % 6 else "",
                    msgctxt="sentence",
                    references=(f"source/azerbaijan-pak-support.txt:{number}.{j + 1}",),
                    flags=("fuzzy",) if fuzzy else (),
                    previous_msgid=sentence.replace(" the ", " a ") if fuzzy else None,
                    previous_msgctxt="sentence" if fuzzy and j % 2 else None,
                )
            )
    add(Entry("x" * 35 + " " + "y" * 35, "at the boundary: 71 characters fit"))
    add(Entry("x" * 35 + " " + "y" * 36, "one more and msgcat wraps"))
    add(Entry("z" * 120, "a word longer than the line stays whole"))
    add(Entry(" leading and trailing spaces ", " ведущие и конечные пробелы "))
    add(Entry('Tab\there, a "quote", a back\\slash', 'Таб\tтут, «кавычки» и "quote", \\'))
    add(Entry("No-break\u00a0space 25\u00a0km — the so-called “Nagorno-Karabakh” …", "Ok"))
    add(Entry("Line one\nline two\n", "Строка один\nстрока два\n"))
    add(Entry("%(count)d of %(total)d units", "%(count)d из %(total)d", flags=("python-format",)))
    for k, (_, paragraph) in enumerate(paragraphs[:4]):
        old = paragraph.replace("Azerbaijan", "Azerbaijan Republic")
        add(
            Entry(
                old,
                translate[k % 3](old),
                flags=("fuzzy",) if k % 2 else (),
                previous_msgid=old[: len(old) // 2] if k % 2 else None,
                translator_comments=("устаревшая запись",) if k == 0 else (),
                obsolete=True,
            )
        )
    return Catalog(
        header=HEADER,
        header_comments=("Azerbaijan article, test catalog.", "This file is distributed freely."),
        entries=tuple(entries),
    )


@needs_msgcat
def test_golden_catalog_matches_msgcat(tmp_path: Path) -> None:
    text = format_catalog(golden_catalog())
    assert text.count("\nmsgid ") > 40
    assert_msgcat_identical(text)
    path = tmp_path / "golden.po"
    path.write_bytes(text.encode("utf-8"))
    assert MSGFMT is not None
    check = subprocess.run(
        [MSGFMT, "--check", "-o", os.devnull, str(path)], capture_output=True, check=False
    )
    assert check.returncode == 0, check.stderr.decode("utf-8", "replace")


def test_layout_details() -> None:
    entry = Entry(
        "ISLAMABAD: Deputy Foreign Minister of Azerbaijan Elnur Mammadov said whole-heartedly yes",
        "Заместитель",
        msgctxt="sentence",
        translator_comments=("checked",),
        extracted_comments=("paragraph 3",),
        references=("./source/a.txt:04", "source/a.txt:4", "source/b.txt:4.2"),
        flags=("python-format", "fuzzy", "custom"),
        previous_msgid="Deputy Foreign Minister",
    )
    text = format_catalog(
        Catalog(
            header=(("Content-Type", "text/plain; charset=UTF-8"),),
            entries=(entry, Entry("gone", "", obsolete=True)),
        )
    )
    assert text == (
        'msgid ""\n'
        'msgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
        "\n"
        "# checked\n"
        "#. paragraph 3\n"
        "#: source/a.txt:4 source/b.txt:4.2\n"
        "#, fuzzy, python-format\n"
        '#| msgid "Deputy Foreign Minister"\n'
        'msgctxt "sentence"\n'
        'msgid ""\n'
        '"ISLAMABAD: Deputy Foreign Minister of Azerbaijan Elnur Mammadov said whole-"\n'
        '"heartedly yes"\n'
        'msgstr "Заместитель"\n'
    )


# ---------------------------------------------------------------- random entries

WORDS = (
    "the Minister said whole-heartedly Nagorno-Karabakh 25-26 3,890 1990s Dy. Mr. U.S.A. "
    "https://example.com/news/2021/azerbaijan-pak-support.html?id=7&lang=en a/b/c "
    "Азербайджан признаёт поддержку Пакистана Отечественной войны "
    "آذربائیجان پاکستان کی حمایت حب الوطنی جنگ "
    "Azərbaycan Vətən müharibəsi zamanı Pakistanın dəstəyini tanıyır "
    "日本語の文章です。 한국어 文章 (a) [b] {c} 10% $5 #1 @x e.g. — – … “x” ‘y’ « »"
).split()
CHARS = (
    list(" " * 12 + "-/\\\"'\t\n.,;:!?()%&")
    + list("əğışçöüƏĞİŞÇÖÜ")
    + list("йцукенгшщзхъёЁ")
    + list("ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیے۔،؟")
    + ["\u00a0", "…", "—", "“", "”", "’"]
    + list("中文字，。")
    + ["\r", "\u2028"]
)
piece = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(CHARS),
    st.text(alphabet="abcdefghij", min_size=60, max_size=100),  # no break opportunity
)
text = st.lists(piece, max_size=40).map("".join)
comment = st.lists(st.one_of(st.sampled_from(WORDS), st.just(" ")), max_size=25).map("".join)
reference = st.builds(
    lambda prefix, path, suffix: prefix + path + suffix,
    st.sampled_from(["", "./"]),
    st.from_regex(r"[a-z][a-z0-9_./-]{0,50}", fullmatch=True),
    st.sampled_from(["", ":1", ":042", ":12.3", ":7"]),
)
entry = st.builds(
    Entry,
    msgid=text.filter(bool),
    msgstr=text,
    msgctxt=st.none() | text,
    translator_comments=st.lists(comment, max_size=3).map(tuple),
    extracted_comments=st.lists(comment, max_size=2).map(tuple),
    references=st.lists(reference, max_size=12).map(tuple),
    flags=st.lists(st.sampled_from(["fuzzy", "no-wrap", "wrap"]), max_size=2, unique=True).map(
        tuple
    ),
    previous_msgid=st.none() | text,
    previous_msgctxt=st.none() | text,
    obsolete=st.booleans(),
    msgid_plural=st.none(),
    msgstr_plural=st.just(()),
    previous_msgid_plural=st.none(),
    line=st.none(),
)


def unique(entries: list[Entry]) -> tuple[Entry, ...]:
    """Entries with distinct keys: msgcat rejects duplicate messages."""
    first: dict[tuple[str | None, str], Entry] = {}
    for e in entries:
        first.setdefault(e.key, e)
    return tuple(first.values())


@needs_msgcat
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(entry, min_size=5, max_size=40))
def test_random_entries_match_msgcat(entries: list[Entry]) -> None:
    catalog = Catalog(header=HEADER, entries=unique(entries))
    assert_msgcat_identical(format_catalog(catalog))


plural_entry = st.builds(
    Entry,
    msgid=text.filter(bool),
    msgstr=text,
    msgctxt=st.none() | text,
    translator_comments=st.lists(comment, max_size=2).map(tuple),
    extracted_comments=st.lists(comment, max_size=1).map(tuple),
    references=st.lists(reference, max_size=4).map(tuple),
    flags=st.lists(st.sampled_from(["fuzzy", "no-wrap"]), max_size=2, unique=True).map(tuple),
    previous_msgid=st.none() | text,
    previous_msgctxt=st.none() | text,
    msgid_plural=text,
    msgstr_plural=st.lists(text, max_size=3).map(tuple),
    previous_msgid_plural=st.none() | text,
    obsolete=st.booleans(),
    line=st.none(),
)


@needs_msgcat
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(plural_entry | entry, min_size=3, max_size=20))
def test_plural_entries_match_msgcat(entries: list[Entry]) -> None:
    """Plural entries (a person's, kept as they are) are written as msgcat writes them:
    failed before, as they were written as singular ones."""
    catalog = Catalog(header=HEADER, entries=unique(entries))
    assert_msgcat_identical(format_catalog(catalog))


PATH_PARTS = ["news", "2021", "azerbaijan-pak-support", "статьи", "مضامین", "Azərbaycan", "x" * 40]


def random_text(rnd: random.Random, max_pieces: int = 40) -> str:
    pieces = []
    for _ in range(rnd.choice([0, 1, 3, 8, 15, 25, max_pieces])):
        kind = rnd.random()
        if kind < 0.45:
            pieces.append(rnd.choice(WORDS))
        elif kind < 0.97:
            pieces.append(rnd.choice(CHARS))
        else:
            pieces.append("x" * rnd.randint(60, 100))
    return "".join(pieces)


def random_entry(rnd: random.Random, number: int) -> Entry:
    flags = rnd.choice([(), (), ("fuzzy",), ("no-wrap",), ("fuzzy", "no-wrap")])
    return Entry(
        msgid=f"{number}{rnd.choice(' -/.')}{random_text(rnd)}",
        msgstr=random_text(rnd),
        msgctxt=random_text(rnd, 5) if rnd.random() < 0.1 else None,
        translator_comments=tuple(random_text(rnd, 10) for _ in range(rnd.randint(0, 2))),
        references=tuple(
            f"src/{'/'.join(rnd.sample(PATH_PARTS, 2))}.txt:{rnd.randint(1, 999)}"
            for _ in range(rnd.randint(0, 8))
        ),
        flags=flags,
        previous_msgid=random_text(rnd) if "fuzzy" in flags else None,
        obsolete=rnd.random() < 0.1,
    )


@needs_msgcat
@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_many_random_strings_match_msgcat(seed: int) -> None:
    """Volume: 200 entries a file, built from the same pieces by a generator seeded here."""
    rnd = random.Random(seed)
    entries = tuple(random_entry(rnd, number) for number in range(200))
    assert_msgcat_identical(format_catalog(Catalog(header=HEADER, entries=entries)))


# ---------------------------------------------------------------- round trip through polib


def expected_flags(e: Entry) -> list[str]:
    if e.obsolete:
        return ["fuzzy"] if e.fuzzy else []
    flags = ["fuzzy"] if e.fuzzy and e.msgstr else []
    return flags + [f for f in e.flags if f not in ("fuzzy", "wrap")]


def expected_occurrences(e: Entry) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    for ref in e.references:
        file, _, line = ref.rpartition(":")
        pair = (file, line) if file and line.isdigit() else (ref, "")
        if pair not in result:
            result.append(pair)
    return result


def assert_round_trip(catalog: Catalog) -> None:
    parsed = polib.pofile(format_catalog(catalog))
    written = [e for e in catalog.entries if not e.obsolete]
    written += [e for e in catalog.entries if e.obsolete and e.msgstr]
    assert len(parsed) == len(written)
    for ours, theirs in zip(written, parsed, strict=True):
        assert (theirs.msgctxt, theirs.msgid, theirs.msgstr) == (
            ours.msgctxt,
            ours.msgid,
            ours.msgstr,
        )
        assert bool(theirs.obsolete) == ours.obsolete
        assert theirs.flags == expected_flags(ours)
        assert theirs.tcomment == "\n".join(ours.translator_comments)
        assert theirs.comment == "\n".join(ours.extracted_comments)
        assert theirs.occurrences == expected_occurrences(ours)
        # polib skips "#~|" lines, so it sees no previous strings on obsolete entries.
        if not ours.obsolete:
            assert theirs.previous_msgid == ours.previous_msgid
            previous_msgctxt = ours.previous_msgctxt if ours.previous_msgid is not None else None
            assert theirs.previous_msgctxt == previous_msgctxt
    header = dict(catalog.header)
    assert parsed.metadata == header


def test_golden_catalog_round_trips_through_polib() -> None:
    assert_round_trip(golden_catalog())


polib_text = st.lists(
    st.sampled_from([*WORDS, *(c for c in CHARS if c not in "\r\u2028")]), max_size=40
).map("".join)
polib_comment = comment.map(str.strip).filter(bool)
polib_entry = st.builds(
    Entry,
    msgid=polib_text.filter(bool),
    msgstr=polib_text,
    msgctxt=st.none() | polib_text,
    translator_comments=st.lists(polib_comment, max_size=2).map(tuple),
    extracted_comments=st.lists(polib_comment, max_size=2).map(tuple),
    references=st.lists(
        st.from_regex(r"[a-z][a-z0-9_/.-]{0,30}(:[1-9][0-9]{0,3}(\.[0-9])?)?", fullmatch=True),
        max_size=6,
    ).map(tuple),
    flags=st.sampled_from([(), ("fuzzy",), ("no-wrap",), ("fuzzy", "no-wrap")]),
    previous_msgid=st.none() | polib_text,
    previous_msgctxt=st.none() | polib_text,
    obsolete=st.booleans(),
    msgid_plural=st.none(),
    msgstr_plural=st.just(()),
    previous_msgid_plural=st.none(),
    line=st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(polib_entry, min_size=1, max_size=20))
def test_random_entries_round_trip_through_polib(entries: list[Entry]) -> None:
    assert_round_trip(Catalog(header=HEADER, entries=unique(entries)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(plural_entry | entry, min_size=3, max_size=30), st.data())
def test_printer_shares_work_and_prints_what_format_catalog_prints(
    entries: list[Entry], data: st.DataObject
) -> None:
    """A catalog printed after its template (the blocks it has as the template has them,
    and msgid lines, taken from the template's) is what format_catalog prints: every kind
    of entry (plural, obsolete, no-wrap, long msgids) against the template's."""
    template = Catalog(header=HEADER, entries=unique(entries))
    changed = []
    for e in template.entries:
        how = data.draw(st.sampled_from(["same", "equal", "translated", "no-wrap", "obsolete"]))
        if how == "equal":
            e = e.with_(line=7)  # equal, not the same object
        elif how == "translated":
            e = e.with_(msgstr=e.msgid.upper() + " x", translator_comments=('msgid "a"',))
        elif how == "no-wrap":
            e = e.with_(flags=(*e.flags, "no-wrap"))
        elif how == "obsolete":
            e = e.with_(obsolete=not e.obsolete, msgstr=e.msgstr or "y")
        changed.append(e)
    catalog = Catalog(header=(*HEADER, ("X-A", "b")), entries=tuple(changed))
    printer = poformat.Printer()
    assert printer.render(template, template=True) == format_catalog(template).encode()
    assert printer.render(catalog) == format_catalog(catalog).encode()
    for size in (1, 10**6):  # the size it is told to expect, too small or too large
        assert printer.render(catalog, size=size) == format_catalog(catalog).encode()
    assert b"".join(printer.pieces(catalog)) == format_catalog(catalog).encode()
    assert poformat.encoded(catalog) == format_catalog(catalog).encode()
