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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from transflow.errors import TransflowError
from transflow.model import Catalog, Entry, Status, Unit, status_of


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


def revised(found: Catalog, date: str) -> Catalog:
    """`found` with PO-Revision-Date `date`: transflow changed its translations."""
    from transflow.merge import merge_header

    return replace(found, header=merge_header(found.header, (("PO-Revision-Date", date),)))


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
    raw: bytes, path: Path, untranslated: bool = True, shared: Mapping[str, Entry] | None = None
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
    raw: bytes, untranslated: bool = True, shared: Mapping[str, Entry] | None = None
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


class Translations(NamedTuple):
    """What ``build`` needs of the entries of a document's units (:func:`unit_translations`),
    each unit's text a key: no msgid is held twice, nor a msgstr, nor anything per entry."""

    msgstrs: dict[str, str]  # a unit's text -> its entry's msgstr, where it has one
    unaccepted: dict[str, Status]  # -> its status, where that is not accepted (fuzzy)
    lines: dict[str, int | None]  # -> its entry's line (only when asked for)

    def status(self, text: str) -> Status:
        """The status of the unit whose text is `text`."""
        if text not in self.msgstrs:
            return Status.UNTRANSLATED
        return self.unaccepted.get(text, Status.ACCEPTED)


def unit_translations(path: Path, units: Iterable[Unit], lines: bool = False) -> Translations:
    """The translated entries of the catalog at `path` that hold the translations of
    `units` (as :func:`transflow.model.unit_entries` picks them), by msgid, and their
    lines with `lines`. The whole catalog is checked as :func:`read` checks it; a large
    UTF-8 one in the usual layout is read from the file a piece at a time, never whole."""
    from transflow import poparse

    texts = {unit.text: unit.text for unit in units}
    found = Translations({}, {}, {})
    pick = _picker(found, lines)
    try:
        checks = poparse.Checks(path)
        add, shared_text = checks.add, texts.get
        for entry in streamed(path):
            shared = shared_text(entry.msgid)
            if add(entry, entry.msgid if shared is None else shared) and shared is not None:
                pick(shared, entry)
        checks.finish()
        return found
    except (poparse.Unusual, UnicodeDecodeError):
        for table in found:  # another charset or layout: read whole, errors and all
            table.clear()
    for entry in read(path, untranslated=False).entries:
        shared = texts.get(entry.msgid)
        if shared is not None:
            pick(shared, entry)
    return found


def _picker(found: Translations, lines: bool) -> Callable[[str, Entry], None]:
    """What adds the entry of a unit's text `msgid` to `found`, as
    :func:`transflow.model.unit_entries` chooses it (hot: one call for each entry)."""
    msgstrs, unaccepted, line_of = found
    pop = unaccepted.pop

    def pick(msgid: str, entry: Entry) -> None:
        if entry.obsolete or entry.msgid_plural is not None or not entry.msgstr:
            return
        if entry.msgctxt is None or msgid not in msgstrs:
            msgstrs[msgid] = entry.msgstr
            if "fuzzy" in entry.flags:
                unaccepted[msgid] = status_of(entry)
            else:
                pop(msgid, None)
            if lines:
                line_of[msgid] = entry.line

    return pick


def streamed(
    path: Path,
    untranslated: bool = False,
    shared: Mapping[str, Entry] | None = None,
    read: Callable[[bytes], object] | None = None,
) -> Iterator[Entry]:
    """:func:`pieces`' entries (only those with a msgstr unless `untranslated`; `shared`:
    see :func:`transflow.poparse.entries`), read from the file a piece at a time, each of
    which is given to `read` as it is read."""
    from transflow import poparse

    try:
        handle = path.open("rb")
    except OSError as exc:
        raise TransflowError(f"cannot read the catalog: {exc.strerror}", path) from None
    with handle:
        buffer = handle.read(_PIECE)
        if read is not None:
            read(buffer)
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
            if read is not None and more:
                read(more)
            buffer += more
            cut = buffer.rfind(b"\n\n") + 2 if more else len(buffer)
            if more and cut < 2:
                continue  # no blank line yet
            piece, buffer = buffer[:cut], buffer[cut:]
            yield from poparse.entries(piece.decode("utf-8"), untranslated, line, False, shared)
            line += piece.count(b"\n")


def read_hashed(
    path: Path, shared: Mapping[str, Entry] | None = None
) -> tuple[int, bytes, Catalog] | None:
    """The catalog at `path` as :func:`read` reads it, with the size and SHA-256 of the
    bytes it was read from, read from the file a piece at a time (so that its bytes are
    never held whole): for a UTF-8 catalog in the usual layout with no error; None for any
    other (read it whole, which names the error). `shared`: see
    :func:`transflow.poparse.entries`."""
    import hashlib

    from transflow import poparse

    digest, size = hashlib.sha256(), [0]

    def read(data: bytes) -> None:
        digest.update(data)
        size[0] += len(data)

    try:
        checks = poparse.Checks(path)
        add = checks.add
        found = tuple(e for e in streamed(path, True, shared, read) if add(e, e.msgid))
        checks.finish()
    except (poparse.Unusual, UnicodeDecodeError, TransflowError):
        return None
    header = (checks.header, checks.header_comments, checks.header_fuzzy)
    return size[0], digest.digest(), Catalog(*header, found)


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
