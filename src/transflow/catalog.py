"""PO files on disk <-> :class:`~transflow.model.Catalog`.

Reading goes through :func:`transflow.poparse.parse`; writing through
:func:`transflow.poformat.format_catalog`, which prints exactly what ``msgcat`` prints, so
gettext tools and editors make no noise diffs.
"""

from __future__ import annotations

import codecs
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from transflow import __version__, markup
from transflow.errors import TransflowError
from transflow.model import Catalog, Entry, Status, Unit, status_of

# CLDR / gettext plural rules for the languages we know; others get none (documents use no plurals).
PLURAL_FORMS = {
    "az": "nplurals=2; plural=(n != 1);",
    "ur": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "hi": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
    ": n%100>=11 ? 4 : 5);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ja": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
}


def now() -> str:
    """The date transflow writes into a header, as gettext writes dates, in UTC: the
    ``SOURCE_DATE_EPOCH`` of the environment when it is set (the reproducible-builds
    convention), else the current time."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not raw:
        seconds = int(time.time())
    elif raw.isascii() and raw.isdigit():
        seconds = int(raw)
    else:
        raise TransflowError(f"SOURCE_DATE_EPOCH is not a whole number of seconds: {raw!r}")
    try:
        when = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise TransflowError(f"SOURCE_DATE_EPOCH is out of range: {raw!r}") from None
    return when.strftime("%Y-%m-%d %H:%M+0000")


def header_fields(
    document: str,
    language: str | None,
    created: str,
    existing: Sequence[tuple[str, str]] = (),
) -> tuple[tuple[str, str], ...]:
    """The header fields of `document`'s catalog in `language` (None: the template), in
    the order xgettext writes them, given the header it has now (`existing`).

    `created` is the template's POT-Creation-Date (:func:`creation_date`), which a
    catalog copies as msgmerge does; a template's PO-Revision-Date is the same. The fields
    a person or their editor writes (Poedit updates a PO-Revision-Date on save) keep their
    values in `existing`: Report-Msgid-Bugs-To, a catalog's PO-Revision-Date (which
    changes where transflow changes translations, :func:`revised`), Last-Translator,
    Language-Team and X-Generator. Missing, they are written: PO-Revision-Date from
    `created`, X-Generator naming transflow, the others empty (``msgfmt --check`` takes
    empty ones, not xgettext's placeholders)."""
    found = dict(existing)

    def personal(name: str, default: str) -> tuple[str, str]:
        return (name, found.get(name, default))

    fields = [
        ("Project-Id-Version", document),
        personal("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", created) if not language else personal("PO-Revision-Date", created),
        personal("Last-Translator", ""),
        personal("Language-Team", ""),
        ("Language", language or ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    if language:
        plural = PLURAL_FORMS.get(language) or PLURAL_FORMS.get(language.split("_")[0])
        if plural:
            fields.append(("Plural-Forms", plural))
    fields.append(personal("X-Generator", f"transflow {__version__}"))
    return tuple(fields)


def creation_date(entries: Sequence[Entry], path: Path, date: str) -> str:
    """The POT-Creation-Date of a template made of `entries`: the one in the template file
    at `path` when that file holds the same units (texts, positions, kinds, in order), else
    `date`. A file that cannot be read is replaced, so it gets `date`. The file is read a
    piece at a time and only as far as its first unit that differs (where there is one,
    it is usually near the top, and nothing is kept of it)."""
    if not path.exists():
        return date
    from transflow import poparse

    try:
        return _same_units_date(_streamed(path, untranslated=True), entries, path) or date
    except (poparse.Unusual, UnicodeDecodeError):
        pass  # not the usual layout: read whole, as any catalog
    except TransflowError:
        return date
    try:
        before = read(path)
    except TransflowError:
        return date
    kept = before.header_value("POT-Creation-Date")
    if not kept or _units(before.entries) != _units(entries):
        return date
    return kept


def _same_units_date(found: Iterator[Entry], entries: Sequence[Entry], path: Path) -> str | None:
    """The POT-Creation-Date of the file whose entries are `found`, if they are units as
    `entries` (and the file passes what :func:`parse` checks); None otherwise."""
    from transflow import poparse

    header: Entry | None = None
    wanted = iter(entries)
    for entry in found:
        if header is None and entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            header = entry
            continue
        poparse.check_entry(entry, path)
        unit = next(wanted, None)
        if unit is None or _unit(unit) != _unit(entry):
            return None
    if next(wanted, None) is not None or header is None:
        return None
    for line in header.msgstr.split("\n"):  # the header's fields, as parse reads them
        name, colon, value = line.partition(":")
        if colon and name.strip() == "POT-Creation-Date":
            return value.strip() or None
    return None


def _units(entries: Sequence[Entry]) -> list[tuple[str | None, str, tuple[str, ...], str]]:
    """What a template says of each unit, as it reads back from the file."""
    return [_unit(e) for e in entries]


def _unit(e: Entry) -> tuple[str | None, str, tuple[str, ...], str]:
    return (e.msgctxt, e.msgid, tuple(dict.fromkeys(e.references)), "\n".join(e.extracted_comments))


def revised(found: Catalog, date: str) -> Catalog:
    """`found` with PO-Revision-Date `date`: transflow changed its translations."""
    from transflow.merge import merge_header

    return replace(found, header=merge_header(found.header, (("PO-Revision-Date", date),)))


def template_entries(document: str, units: Sequence[Unit]) -> tuple[Entry, ...]:
    """One entry per distinct unit text, in order of first use; references name blocks.

    A reference is ``document:block`` (``doc.txt:4``: the unit is in the document's 4th
    block), a form every gettext tool, Babel and Poedit read as file:line and keep: a
    position, not a line number, so rewrapping or editing a paragraph changes no other
    entry's reference. The units of one block come in their order in the file."""
    name = document.replace(" ", "%20")
    refs: dict[str, dict[str, None]] = {}
    kinds: dict[str, list[str]] = {}
    tagged: dict[str, tuple[str, ...]] = {}  # what a unit's inline tags stand for
    for unit in units:
        refs.setdefault(unit.text, {})[f"{name}:{unit.block}"] = None
        if unit.kind not in ("sentence", "paragraph"):
            kinds.setdefault(unit.text, [])
            if unit.kind not in kinds[unit.text]:
                kinds[unit.text].append(unit.kind)
        if unit.tags and unit.text not in tagged:
            tagged[unit.text] = markup.describe(unit.text, unit.tags)
    return tuple(
        Entry(
            msgid=text,
            references=tuple(positions),
            extracted_comments=(*kinds.get(text, ()), *tagged.get(text, ())),
        )
        for text, positions in refs.items()
    )


def read_text(path: Path) -> str:
    """A catalog file's text, in the charset its header names (UTF-8 when it names none
    Python knows, as ``CHARSET`` in a template); bytes that are not in that charset are a
    :class:`TransflowError` naming path:line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TransflowError(f"cannot read the catalog: {exc.strerror}", path) from None
    return decode(raw, path)


def decode(raw: bytes, path: Path) -> str:
    """:func:`read_text` for the bytes `raw` read from `path`."""
    charset = _raw_charset(raw)
    try:
        return raw.decode(charset)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        name = "UTF-8" if charset == "utf-8" else charset
        raise TransflowError(f"the catalog is not {name}", path, line) from None


_CHARSET = re.compile(r"charset=([A-Za-z0-9_.:-]+)")


def _raw_charset(raw: bytes) -> str:
    """:func:`_charset` of the bytes of a file, read as Latin-1 (only ASCII counts): its
    first 64 KB, and all of it only when they name none."""
    head = raw[:_HEAD].decode("latin-1")
    if len(raw) <= _HEAD or _CHARSET.search(head):
        return _charset(head)
    return _charset(raw.decode("latin-1"))


_HEAD = 64 * 1024


def _charset(text: str) -> str:
    """The Python codec of the charset that `text`'s header names; "utf-8" by default."""
    match = _CHARSET.search(text, 0, 64 * 1024) or _CHARSET.search(text)
    if match is None:
        return "utf-8"
    try:
        codec = codecs.lookup(match[1]).name
    except LookupError:
        return "utf-8"
    if codec == "utf-8" or "msgid".encode(codec, "replace") != b"msgid":
        return "utf-8"  # UTF-16 and others that are not ASCII-compatible: not a PO file
    return codec


def read(path: Path, untranslated: bool = True) -> Catalog:
    """Parse a PO/POT file; a malformed one is a :class:`TransflowError` naming path:line.
    `untranslated`: see :func:`transflow.poparse.parse`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TransflowError(f"cannot read the catalog: {exc.strerror}", path) from None
    return parse_bytes(raw, path, untranslated)


_PIECE = 1 << 20  # bytes: a larger catalog is decoded and read a piece at a time


def parse_bytes(
    raw: bytes, path: Path, untranslated: bool = True, shared: Mapping[str, str] | None = None
) -> Catalog:
    """:func:`parse` of :func:`decode`'s text, without that text: a large UTF-8 catalog in
    the usual layout (:mod:`transflow.poparse`'s fast reader) is decoded and read a piece
    of whole entries at a time, so that it is never held as bytes and as text (in Python,
    up to four bytes a character) at once. Any other is decoded and read whole, errors and
    all. `shared`: see :func:`transflow.poparse.entries` (for the large catalog read a piece
    at a time)."""
    from transflow import poparse

    if len(raw) > _PIECE:
        try:
            return poparse.checked(list(pieces(raw, untranslated, shared)), path)
        except (poparse.Unusual, UnicodeDecodeError):
            pass
    return parse(decode(raw, path), path, untranslated)


def pieces(
    raw: bytes, untranslated: bool = True, shared: Mapping[str, str] | None = None
) -> Iterator[Entry]:
    """The entries of the UTF-8 catalog `raw` as the fast reader reads them, a piece of
    about :data:`_PIECE` bytes at a time (entries in the usual layout hold no blank line,
    so a piece ends at one). Raises :class:`transflow.poparse.Unusual` for a file in
    another charset, with CRLF line ends (a first line that ends in one), or in another
    layout, and UnicodeDecodeError for bytes that are not UTF-8 (then the whole file is
    read, which names the line)."""
    from transflow import poparse

    if raw[: raw.find(b"\n") + 1].endswith(b"\r\n") or _raw_charset(raw) != "utf-8":
        raise poparse.Unusual
    start, line = 0, 1
    while start < len(raw):
        cut = raw.find(b"\n\n", start + _PIECE)
        end = len(raw) if cut < 0 else cut + 2
        text = raw[start:end].decode("utf-8")
        yield from poparse.entries(text, untranslated, line, False, shared)
        line += raw.count(b"\n", start, end)
        start = end


class Translation(NamedTuple):
    """What ``build`` needs of a unit's entry."""

    msgstr: str
    status: Status
    line: int | None  # of the entry's msgid


def unit_translations(path: Path, units: Iterable[Unit]) -> dict[str, Translation]:
    """The translated entries of the catalog at `path` that hold the translations of
    `units` (as :func:`transflow.model.unit_entries` picks them), by msgid; each key is the
    unit's own text, so that no msgid is held twice. The whole catalog is checked as
    :func:`read` checks it; a large UTF-8 one in the usual layout is read from the file a
    piece at a time, never whole."""
    from transflow import poparse

    texts = {unit.text: unit.text for unit in units}
    found: dict[str, Translation] = {}
    try:
        checks = poparse.Checks(path)
        add, shared_text = checks.add, texts.get
        for entry in _streamed(path):
            shared = shared_text(entry.msgid)
            if add(entry, entry.msgid if shared is None else shared) and shared is not None:
                _pick(found, shared, entry)
        checks.finish()
        return found
    except (poparse.Unusual, UnicodeDecodeError):
        found.clear()  # another charset or layout: read whole, errors and all
    for entry in read(path, untranslated=False).entries:
        shared = texts.get(entry.msgid)
        if shared is not None:
            _pick(found, shared, entry)
    return found


def _pick(found: dict[str, Translation], msgid: str, entry: Entry) -> None:
    """:func:`transflow.model.unit_entries`' choice, for a unit's text `msgid`."""
    if entry.obsolete or entry.msgid_plural is not None:
        return
    if entry.msgctxt is None or msgid not in found:
        status = _ACCEPTED if "fuzzy" not in entry.flags and entry.msgstr else status_of(entry)
        found[msgid] = _new(Translation, (entry.msgstr, status, entry.line))


_new = tuple.__new__  # a named tuple made without its Python-level __new__: hot
_ACCEPTED = Status.ACCEPTED


def _streamed(path: Path, untranslated: bool = False) -> Iterator[Entry]:
    """:func:`pieces`' entries (only those with a msgstr unless `untranslated`), read from
    the file a piece at a time."""
    from transflow import poparse

    try:
        handle = path.open("rb")
    except OSError as exc:
        raise TransflowError(f"cannot read the catalog: {exc.strerror}", path) from None
    with handle:
        buffer = handle.read(_PIECE)
        head = buffer[:_HEAD].decode("latin-1")
        if (
            buffer[: buffer.find(b"\n") + 1].endswith(b"\r\n")
            or _raw_charset(buffer) != "utf-8"
            or (len(buffer) == _PIECE and not _CHARSET.search(head))
        ):
            raise poparse.Unusual  # (a charset named further on: read whole)
        line = 1
        while buffer:
            more = handle.read(_PIECE)
            buffer += more
            cut = buffer.rfind(b"\n\n") + 2 if more else len(buffer)
            if more and cut < 2:
                continue  # no blank line yet
            piece, buffer = buffer[:cut], buffer[cut:]
            yield from poparse.entries(piece.decode("utf-8"), untranslated, line, False)
            line += piece.count(b"\n")


def parse(text: str, path: Path, untranslated: bool = True) -> Catalog:
    """The catalog in `text`, read from `path` (in the charset its header names: escapes
    make bytes of that charset). The catalog holds text, which is written as UTF-8: a header
    that named another charset names UTF-8 in it."""
    from transflow import poparse

    charset = _charset(text)
    found = poparse.parse(text, path, untranslated, charset)
    if charset == "utf-8":
        return found
    header = tuple(
        (name, _CHARSET.sub("charset=UTF-8", value) if name == "Content-Type" else value)
        for name, value in found.header
    )
    return Catalog(header, found.header_comments, found.header_fuzzy, found.entries)


def parse_header(raw: bytes, path: Path) -> Catalog:
    """Only the header of the catalog in the bytes `raw`: what a template keeps when it is
    made anew from its document. Read from the first entry alone when that is the header;
    the rest is only checked to be in the file's charset, a piece at a time."""
    charset = _raw_charset(raw)
    decoder = codecs.getincrementaldecoder(charset)()
    try:
        for start in range(0, len(raw), _PIECE):
            decoder.decode(raw[start : start + _PIECE], start + _PIECE >= len(raw))
    except UnicodeDecodeError:
        decode(raw, path)  # raises the error that names the line
        raise
    cut = raw.find(b"\n\n")
    first = (raw if cut < 0 else raw[:cut]).decode(charset)
    try:
        found = parse(first, path)
    except TransflowError:
        found = parse_bytes(raw, path)  # not the usual layout: the whole file, errors and all
    if not found.header and not found.header_comments:
        found = parse_bytes(raw, path)
    return Catalog(found.header, found.header_comments, found.header_fuzzy)
