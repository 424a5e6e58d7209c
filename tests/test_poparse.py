"""The PO reader agrees with polib, and refuses malformed files with path:line."""

from __future__ import annotations

import operator
import random
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_poformat import HEADER
from test_poformat import random_entry as any_entry
from tf_helpers import ROOT

from transflow import poparse
from transflow.errors import TransflowError
from transflow.model import Catalog, Entry
from transflow.poformat import format_catalog
from transflow.poparse import parse


def random_entry(rnd: random.Random, number: int) -> Entry:
    """A random entry that msgfmt --check accepts: an accepted translation begins and ends
    with a line break where its msgid does."""
    entry = any_entry(rnd, number)
    if entry.obsolete or entry.fuzzy or not entry.msgstr:
        return entry
    msgstr = entry.msgstr.strip("\n") or "x"
    if entry.msgid.startswith("\n"):
        msgstr = "\n" + msgstr
    if entry.msgid.endswith("\n"):
        msgstr += "\n"
    return entry.with_(msgstr=msgstr)


def through_polib(text: str) -> Catalog:
    """The oracle: what polib reads, as a Catalog."""
    po = polib.pofile(text, wrapwidth=0)
    return Catalog(
        header=tuple(po.metadata.items()),
        header_comments=tuple(po.header.splitlines()) if po.header else (),
        header_fuzzy=bool(po.metadata_is_fuzzy),
        entries=tuple(
            Entry(
                msgid=e.msgid,
                msgstr=e.msgstr,
                msgctxt=e.msgctxt,
                translator_comments=tuple(e.tcomment.split("\n")) if e.tcomment else (),
                extracted_comments=tuple(e.comment.split("\n")) if e.comment else (),
                references=tuple(f"{f}:{n}" if n else f for f, n in e.occurrences),
                flags=tuple(e.flags),
                previous_msgid=None if e.obsolete else e.previous_msgid,
                previous_msgctxt=None if e.obsolete else e.previous_msgctxt,
                obsolete=bool(e.obsolete),
            )
            for e in po
        ),
    )


def as_polib_sees_it(catalog: Catalog) -> Catalog:
    """polib skips '#~|' lines and reads a lone "#" above the header as no comment."""
    entries = tuple(
        e.with_(previous_msgid=None, previous_msgctxt=None) if e.obsolete else e
        for e in catalog.entries
    )
    comments = () if catalog.header_comments == ("",) else catalog.header_comments
    return Catalog(catalog.header, comments, catalog.header_fuzzy, entries)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_reads_back_what_poformat_writes(seed: int) -> None:
    """Random text of every script and symbol (polib itself chokes on some of it)."""
    rnd = random.Random(seed)
    entries = {e.key: e for e in (random_entry(rnd, n) for n in range(120))}
    text = format_catalog(Catalog(header=HEADER, entries=tuple(entries.values())))
    ours = parse(text, "x.po")
    assert ours.header == HEADER
    assert format_catalog(ours) == text  # writing what was read gives the same text
    for entry in ours.entries:
        original = entries[entry.key]
        # a comment with a line break in it comes back as several comments, and poformat
        # puts a space after a final backslash (gettext would join the next line to it)
        written = [
            line + " " if line.endswith("\\") else line
            for line in "\n".join(original.translator_comments).split("\n")
        ]
        assert (entry.msgstr, "\n".join(entry.translator_comments), entry.previous_msgid) == (
            original.msgstr,
            "\n".join(written) if original.translator_comments else "",
            original.previous_msgid,
        )
        assert entry.obsolete == original.obsolete
    kept = [e for e in entries.values() if not e.obsolete or e.msgstr]
    assert len(ours.entries) == len(kept)  # msgcat drops obsolete entries with no msgstr


def test_reads_the_repository_catalogs_and_files_other_tools_wrote(tmp_path: Path) -> None:
    for path in sorted((ROOT / "locales").rglob("*.po*")):
        text = path.read_text(encoding="utf-8")
        assert as_polib_sees_it(parse(text, path)) == through_polib(text)
        # as polib (another wrapping, no blank lines kept) and with CRLF line ends
        saved = tmp_path / path.name
        polib.pofile(text, wrapwidth=40).save(str(saved))
        other = saved.read_text(encoding="utf-8")
        assert as_polib_sees_it(parse(other, saved)) == through_polib(other)
        assert parse(text.replace("\n", "\r\n"), path) == parse(text, path)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('msgid "a"\nmsgstr "unterminated\n', 2, "syntax error"),
        ('msgid "a"\nmsgstr "b"\nmsgcomment "c"\n', 3, "syntax error"),
        ('"orphan"\nmsgid "a"\nmsgstr ""\n', 1, "continues no keyword"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] ""\n', 3, "nonzero index"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\nmsgstr[2] ""\n', 4, "wrong index"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr ""\n', 1, "missing 'msgstr[]'"),
        ('msgid "a"\nmsgstr[0] ""\n', 1, "missing 'msgid_plural'"),
        ('msgid "a"\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n', 4, "duplicate entry"),
        ('#, fuzzy\nmsgstr "x"\n', 2, "without msgid"),
        # failed before: an obsolete duplicate of an active entry, a second header
        ('msgid "a"\nmsgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n', 4, "duplicate entry"),
        ('#~ msgid "a"\n#~ msgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n', 4, "duplicate entry"),
        ('msgid ""\nmsgstr ""\n\nmsgid ""\nmsgstr "X: y\\n"\n', 4, "duplicate entry"),
        # failed before: escapes msgfmt refuses
        ('msgid "a"\nmsgstr "\\q"\n', 2, "invalid escape"),
        ('msgid "a"\nmsgstr "\\x"\n', 2, "invalid escape"),
        ('msgid "a"\nmsgstr "\\u00e9"\n', 2, "invalid escape"),
        ('msgid "a"\nmsgstr "\\x4"\n', 2, "context separator"),
        ('msgid "a"\nmsgstr "\\377"\n', 2, "not utf-8"),
        ('msgid "a"\nmsgstr "b"\n', None, None),
        ('#~ msgid "a"\nmsgstr "b"\n', 2, "inconsistent use of #~"),
        ('#| msgctxt "o"\nmsgid "a"\nmsgstr "b"\n', 1, "#| msgctxt without #| msgid"),
        ('# c\\\nmsgid "a"\nmsgstr "b"\n', 3, "without msgid"),  # the comment goes on
        ('domain "d"\nmsgid "a"\nmsgstr "b"\n', 1, "domain"),
        ('msgid "a\\n"\nmsgstr "b"\n', 1, "end with a line break"),
        ('msgid "a"\nmsgid_plural "b"\nmsgstr[0] "c"\n', 1, "Plural-Forms"),
        (
            'msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=n != 1;\\n"\n\n'
            'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "c"\n',
            4,
            "nplurals=2",
        ),
    ],
)
def test_malformed_input_names_the_line(text: str, line: int | None, message: str | None) -> None:
    """What msgfmt --check refuses, with the line it names (None: accepted)."""
    if line is None:
        parse(text, "bad.po")
        return
    with pytest.raises(TransflowError) as caught:
        parse(text, "bad.po")
    assert caught.value.line == line and message in caught.value.message


def test_only_newline_ends_a_line() -> None:
    text = 'msgid "a\u2028b\x85c"\nmsgstr "d\x1ce"\n'
    assert parse(text, "x.po").entries[0].msgid == "a\u2028b\x85c"


def _careful(text: str) -> Catalog:
    return poparse.checked(poparse._careful(text, "x.po"), "x.po")


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.data())
def test_fast_reader_reads_what_the_careful_one_reads(seed: int, data: st.DataObject) -> None:
    """The whole-entry reader gives the line reader's catalog, line numbers included, or
    hands over: on msgcat's layout, and on that layout with lines dropped, doubled,
    indented or cut."""
    rnd = random.Random(seed)
    entries = {e.key: e for e in (random_entry(rnd, n) for n in range(60))}
    text = format_catalog(Catalog(header=HEADER, entries=tuple(entries.values())))
    fast = poparse._fast(text)
    assert fast is not None
    assert poparse.checked(fast, "x.po") == _careful(text)
    assert [e.line for e in fast] == [e.line for e in poparse._careful(text, "x.po")]
    lines = text.split("\n")
    for _ in range(5):
        i = data.draw(st.integers(0, len(lines) - 1))
        change = data.draw(st.sampled_from(["drop", "double", "indent", "cut", "blank"]))
        if change == "drop":
            del lines[i]
        elif change == "double":
            lines.insert(i, lines[i])
        elif change == "indent":
            lines[i] = " " + lines[i]
        elif change == "cut":
            lines[i] = lines[i][: len(lines[i]) // 2]
        else:
            lines.insert(i, "")
        mutated = "\n".join(lines)
        fast = poparse._fast(mutated)
        try:
            careful = poparse._careful(mutated, "x.po")
        except TransflowError:
            assert fast is None or _raises(fast)
            continue
        if fast is not None:
            assert fast == careful
            assert [e.line for e in fast] == [e.line for e in careful]


def _raises(entries: list[Entry]) -> bool:
    try:
        poparse.checked(entries, "x.po")
    except TransflowError:
        return True
    return False


def test_entries_are_equal_whatever_their_line() -> None:
    a, b = Entry("x", "y", line=3), Entry("x", "y", line=9)
    assert a == b and not operator.ne(a, b) and hash(a) == hash(b)
    assert a != Entry("x", "z", line=3) and a != Entry("x", "y", flags=("fuzzy",), line=3)
    assert a != tuple(a)  # an entry is not a plain tuple


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_without_untranslated_entries_a_catalog_reads_as_the_rest(seed: int) -> None:
    """What ``build`` reads: every entry with a msgstr, and the header, line numbers kept;
    by the fast reader and, on a layout it hands over (CRLF), by the careful one."""
    rnd = random.Random(seed)
    entries = {e.key: e for e in (random_entry(rnd, n) for n in range(60))}
    text = format_catalog(Catalog(header=HEADER, entries=tuple(entries.values())))
    for layout in (text, text.replace("\n", "\r\n")):
        whole = parse(layout, "x.po")
        some = parse(layout, "x.po", untranslated=False)
        kept = [e for e in whole.entries if e.msgstr]
        assert (some.header, some.entries) == (whole.header, tuple(kept))
        assert [e.line for e in some.entries] == [e.line for e in kept]


def test_a_large_catalog_read_in_pieces_is_read_as_whole(tmp_path: Path) -> None:
    """catalog.parse_bytes reads a large UTF-8 file a piece at a time (so that its text is
    never held whole): the same entries and lines as a read of the whole text, the same
    errors at the same lines, and any other file (CRLF, another charset, a layout the
    fast reader does not take) read whole."""
    from transflow import catalog

    rnd = random.Random(9)
    entries = {e.key: e for e in (random_entry(rnd, n) for n in range(9000))}
    text = format_catalog(Catalog(header=HEADER, entries=tuple(entries.values())))
    raw = text.encode("utf-8")
    assert len(raw) > 3 * catalog._PIECE  # several pieces
    path = tmp_path / "big.po"
    whole = catalog.parse(text, path)
    read = catalog.parse_bytes(raw, path)
    assert read == whole
    assert [e.line for e in read.entries] == [e.line for e in whole.entries]
    assert [e.line for e in read.entries][-1] > 50_000
    path.write_bytes(raw)
    assert catalog.read(path, untranslated=False) == catalog.parse(text, path, False)
    last = whole.entries[-1]
    twice = text + "\n" + format_catalog(Catalog(entries=(last,)))
    errors = []
    for reader in (
        lambda: catalog.parse(twice, path),
        lambda: catalog.parse_bytes(twice.encode(), path),
    ):
        with pytest.raises(TransflowError) as caught:
            reader()
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and "duplicate entry" in errors[0]
    for other in (text.replace("\n", "\r\n"), text.replace("charset=UTF-8", "charset=ISO-8859-1")):
        data = (
            other.encode("utf-8", "replace")
            if "\r" in other
            else other.encode("latin-1", "replace")
        )
        assert catalog.parse_bytes(data, path) == catalog.parse(catalog.decode(data, path), path)
    bad = raw[: len(raw) // 2] + b"\xff" + raw[len(raw) // 2 :]
    with pytest.raises(TransflowError, match="not UTF-8") as caught:
        catalog.parse_bytes(bad, path)
    assert caught.value.line == raw[: len(raw) // 2].count(b"\n") + 1


def test_a_catalog_read_from_its_file_in_pieces_is_read_as_whole(tmp_path: Path) -> None:
    """extract's reader (catalog.read_hashed) reads from the file a piece at a time: the
    same entries and lines as parse_bytes, and the size and SHA-256 of the bytes; a file it
    does not read so (another charset, CRLF, bytes not UTF-8, a duplicate) is None, for a
    whole read that names the error."""
    import hashlib

    from transflow import catalog

    rnd = random.Random(11)
    entries = {e.key: e for e in (random_entry(rnd, n) for n in range(9000))}
    text = format_catalog(Catalog(header=HEADER, entries=tuple(entries.values())))
    path = tmp_path / "big.po"
    raw = text.encode("utf-8")
    for data in (raw, format_catalog(Catalog(entries=tuple(entries.values())[:3])).encode()):
        path.write_bytes(data)
        found = catalog.read_hashed(path)
        assert found is not None
        size, digest, read = found
        whole = catalog.parse_bytes(data, path)
        assert (size, digest, read) == (len(data), hashlib.sha256(data).digest(), whole)
        assert [e.line for e in read.entries] == [e.line for e in whole.entries]
    assert len(raw) > 3 * catalog._PIECE
    last = text[text.rindex("\n\n") :]
    for other in (
        text.replace("charset=UTF-8", "charset=ISO-8859-1").encode("latin-1", "replace"),
        text.replace("\n", "\r\n").encode(),
        raw[: len(raw) // 2] + b"\xff" + raw[len(raw) // 2 :],
        (text + last).encode(),
    ):
        path.write_bytes(other)
        assert catalog.read_hashed(path) is None


# ------------------------------------------------- build's reader: unit_translations


def test_unit_translations_read_a_piece_at_a_time_agree_with_the_whole_catalog(
    tmp_path: Path,
) -> None:
    """build reads a large catalog from the file a piece at a time and keeps what its units
    need: the same msgstr, status and line as the whole catalog's entries give."""
    from transflow.catalog import read, unit_translations
    from transflow.model import Status, Unit, status_of, unit_entries

    rnd = random.Random(7)
    entries = [random_entry(rnd, number) for number in range(6000)]
    # a unit text also given a msgctxt by a person, before and after its plain entry
    entries += [entries[5].with_(msgctxt="person", msgstr="ctx", obsolete=False)]
    entries.insert(0, entries[9].with_(msgctxt="first", msgstr="ctx", obsolete=False))
    path = tmp_path / "big.po"
    path.write_text(format_catalog(Catalog(header=HEADER, entries=tuple(entries))), "utf-8")
    assert path.stat().st_size > 3 << 20  # several pieces
    units = [Unit(1, n, "sentence", e.msgid, 0, 1) for n, e in enumerate(entries)]
    units.append(Unit(2, 1, "sentence", "in no catalog", 0, 1))
    found = unit_translations(path, units, lines=True)
    whole = unit_entries(read(path).entries)
    expected = {text: (e.msgstr, status_of(e), e.line) for text, e in whole.items() if e.msgstr}
    got = {text: (s, found.status(text), found.lines[text]) for text, s in found.msgstrs.items()}
    assert got == expected
    assert len(expected) > 3000
    assert {status_of(e) for e in whole.values() if e.msgstr} > {Status.ACCEPTED}
    assert found.status("in no catalog") is Status.UNTRANSLATED
    assert unit_translations(path, units)[:2] == found[:2]  # lines only when asked for
    by_text = {u.text: u.text for u in units}
    assert all(text is by_text[text] for table in found for text in table)  # the units' own


def test_unit_translations_report_the_first_problem_as_read_does(tmp_path: Path) -> None:
    """A duplicate comes before any other problem, wherever it is; then the first other."""
    from transflow.catalog import unit_translations
    from transflow.model import Unit

    filler = [Entry(f"filler {n} " + "x" * 300, f"y {n}") for n in range(8000)]
    broken = Entry("\nstarts with a line break", "does not")
    late = [*filler, broken, Entry("filler 7999 " + "x" * 300, "again")]
    path = tmp_path / "a.po"
    units = [Unit(1, 1, "sentence", "filler 1", 0, 1)]
    for entries, message in ((late, "duplicate entry"), (late[:-1], "line break")):
        path.write_text(format_catalog(Catalog(header=HEADER, entries=tuple(entries))), "utf-8")
        with pytest.raises(TransflowError, match=message) as caught:
            unit_translations(path, units)
        with pytest.raises(TransflowError) as whole:
            parse(path.read_text("utf-8"), path)
        assert str(caught.value) == str(whole.value)
