"""Write a catalog as PO text, byte for byte as GNU ``msgcat`` prints it.

The reference is gettext 0.21 (``write-po.c``) with libunistring 1.0 (Unicode 14) and the
default options: UTF-8, page width 79, no indentation.  Strings are wrapped the way
``wrap()`` in ``write-po.c`` does it: the escaped text of each ``\\n``-terminated portion goes
through ``ulc_width_linebreaks``, i.e. libunistring's pair-table variant of the Unicode line
breaking algorithm (UAX #14), called or ported in :mod:`transflow.linebreak`.

Normalisations ``msgcat`` applies are applied here too, so that the output is a fixed point
of ``msgcat``: references lose a leading ``./`` and duplicates, flags are reordered
(``fuzzy`` first, then format flags in gettext's order, ``range:``, ``no-wrap``) and unknown
flags are dropped, ``fuzzy`` is dropped from entries with an empty msgstr, obsolete entries
go to the end and are dropped when their msgstr is empty.  Beyond msgcat: a previous msgctxt
is written only with a previous msgid (alone it is a syntax error), and a comment line that
ends in a backslash gets a trailing space (gettext would join it to the next line).

Not modelled: breaks inside format directives, which msgcat suppresses for entries with a
format flag (only matters for directives that contain a space, such as ``% d``).
"""

from __future__ import annotations

import io
import re
from array import array
from collections.abc import Iterator

from transflow.linebreak import breaks, fits
from transflow.model import Catalog, Entry

__all__ = ["PAGE_WIDTH", "Printer", "encoded", "format_catalog"]

PAGE_WIDTH = 79

# Format flags in the order of gettext 0.21's format_language[] (format.c).
_FORMATS = (
    "c objc python python-brace java java-printf csharp javascript scheme lisp elisp librep"
    " ruby sh awk lua object-pascal smalltalk qt qt-plural kde kde-kuit boost tcl perl"
    " perl-brace php gcc-internal gfc-internal ycp"
).split()
_FORMAT_FLAG = re.compile(r"(no-|possible-|impossible-)?([a-z-]+)-format")
_RANGE_FLAG = re.compile(r"range: *[0-9]+\.\.[0-9]+")

# C escapes written by write-po.c; everything else is written as is.
_ESCAPES = {
    "\a": "a",
    "\b": "b",
    "\f": "f",
    "\n": "n",
    "\r": "r",
    "\t": "t",
    "\v": "v",
    "\\": "\\",
    '"': '"',
}
_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def _wrapped(prefix: str, name: str, value: str, do_wrap: bool) -> tuple[str, ...]:
    """write-po.c wrap(): `name "value"` in lines of at most PAGE_WIDTH columns."""
    # Columns count from the first column after the opening quote of a continuation line.
    width = (PAGE_WIDTH if do_wrap else 2**31 - 1) - len(prefix) - 2
    head = f'{prefix}{name} "'
    if not value:  # an untranslated msgstr
        return (head + '"',)
    if _ESCAPE.search(value) is None:  # the usual case: one portion, nothing escaped
        if fits(value, width - len(name) - 1):
            return (head + value + '"',)
        # Breaks at column 0 imply breaks after `msgid "`, which starts further right.
        cuts = breaks(value, width, 0)
        if cuts or breaks(value, width, len(name) + 1):
            return (head + '"', *_lines(prefix, value, cuts))
        return (head + value + '"',)
    out: list[str] = []
    portions = re.findall(r"[^\n]*\n|[^\n]+", value)
    for number, portion in enumerate(portions, 1):
        # "\n" -> "\\n": no break between the backslash and its letter
        escapes = [match.start() for match in _ESCAPE.finditer(portion)]
        text = _ESCAPE.sub(lambda m: "\\" + _ESCAPES[m.group()], portion)
        no_break = {start + shift + 1 for shift, start in enumerate(escapes)}
        if portion.endswith("\n"):
            no_break.add(len(text) - 2)  # no break just before the final \n
        if not out:
            # `msgid ""` first when the string has several portions or won't fit on one line
            if number < len(portions) or breaks(text, width, len(name) + 1, no_break):
                out.append(head + '"')
            else:
                return (head + text + '"',)
        out += _lines(prefix, text, breaks(text, width, 0, no_break))
    return tuple(out)


def _lines(prefix: str, text: str, cuts: list[int]) -> list[str]:
    """`text` as continuation lines, cut before the indices in `cuts`."""
    starts = [0, *cuts]
    ends = [*cuts, len(text)]
    return [f'{prefix}"{text[a:b]}"' for a, b in zip(starts, ends, strict=True)]


def _reference(ref: str) -> str:
    """A reference as msgcat writes it back: no leading ./, line number without zeros."""
    while ref.startswith("./"):
        ref = ref[2:]
    file, _, line = ref.rpartition(":")
    if file and line.startswith("0") and line.isascii() and line.isdigit():
        return f"{file}:{int(line)}"
    return ref


def _flags(entry: Entry) -> tuple[list[str], bool]:
    """The flags msgcat keeps, in its order, and whether strings are wrapped."""
    if not entry.flags:
        return [], True
    formats: dict[str, str] = {}
    ranges: list[str] = []
    do_wrap = True
    for flag in entry.flags:
        match = _FORMAT_FLAG.fullmatch(flag)
        if match and match[2] in _FORMATS:
            kind = match[1] or ""
            formats[match[2]] = "" if kind == "possible-" else kind
        elif _RANGE_FLAG.fullmatch(flag):
            low, high = re.findall(r"[0-9]+", flag)
            ranges = [f"range: {int(low)}..{int(high)}"]
        elif flag in ("wrap", "no-wrap"):
            do_wrap = flag == "wrap"
    flags = ["fuzzy"] if entry.fuzzy and entry.msgstr else []
    if formats:
        flags += [
            f"{formats[lang]}{lang}-format"
            for lang in _FORMATS
            if lang in formats and formats[lang] != "impossible-"
        ]
    flags += ranges + ([] if do_wrap else ["no-wrap"])
    return flags, do_wrap


def _comment_lines(out: list[str], mark: str, comments: tuple[str, ...]) -> None:
    for comment in comments:
        for line in comment.split("\n"):
            if line.endswith("\\"):
                line += " "  # gettext's lexer joins a line ending in a backslash to the next
            out.append(f"{mark} {line}" if line else mark)


def _entry(out: list[str], entry: Entry, msgid_lines: bool = True) -> int:
    """`entry`'s lines, added to `out` (its msgid's only with `msgid_lines`); returns where
    in `out` its msgid's lines are."""
    obsolete = entry.obsolete
    if entry.translator_comments:
        _comment_lines(out, "#", entry.translator_comments)
    if entry.extracted_comments:
        _comment_lines(out, "#.", entry.extracted_comments)
    if entry.references:
        line, column = "#:", 2
        for ref in dict.fromkeys(map(_reference, entry.references)):
            size = len(ref.encode()) + 1
            if column > 2 and column + size > PAGE_WIDTH:
                out.append(line)
                line, column = "#:", 2
            line += " " + ref
            column += size
        out.append(line)
    flags, do_wrap = _flags(entry)
    if obsolete:  # msgcat writes no other flag there, so it will not see no-wrap either
        flags, do_wrap = ["fuzzy"] if entry.fuzzy else [], True
    if flags:
        out.append("#, " + ", ".join(flags))
    previous = "#~| " if obsolete else "#| "
    if entry.previous_msgid is not None:  # a previous msgctxt alone is a syntax error
        if entry.previous_msgctxt is not None:
            out += _wrapped(previous, "msgctxt", entry.previous_msgctxt, do_wrap)
        out += _wrapped(previous, "msgid", entry.previous_msgid, do_wrap)
        if entry.previous_msgid_plural is not None:
            out += _wrapped(previous, "msgid_plural", entry.previous_msgid_plural, do_wrap)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        out += _wrapped(prefix, "msgctxt", entry.msgctxt, do_wrap)
    msgid = len(out)
    if msgid_lines:
        out += _wrapped(prefix, "msgid", entry.msgid, do_wrap)
    if entry.msgid_plural is None:
        out += _wrapped(prefix, "msgstr", entry.msgstr, do_wrap)
        return msgid
    out += _wrapped(prefix, "msgid_plural", entry.msgid_plural, do_wrap)
    for number, form in enumerate((entry.msgstr, *entry.msgstr_plural)):
        out += _wrapped(prefix, f"msgstr[{number}]", form, do_wrap)
    return msgid


def format_catalog(catalog: Catalog) -> str:
    """The PO/POT text of `catalog`, byte for byte what `msgcat` (default options, UTF-8) would
    print when given this file: same wrapping at the default page width, same escaping, same
    comment order, obsolete entries at the end as msgcat leaves them."""
    return "\n".join(map(_block, _written(catalog)))


class Printer:
    """Prints a document's template, then its catalogs, as UTF-8 (:func:`format_catalog`'s
    text), doing once the work they share: a catalog entry as the template has it (every
    entry of a fresh catalog, a new unit's) reuses the template's block, and one with the
    same msgid its msgid lines, which cost the most (line breaking). What it keeps is the
    template's bytes and where each block starts in them; a catalog is made a block at a
    time, so that its text is never held whole as well as its bytes, and can be had a
    piece at a time (:meth:`pieces`), so that its bytes are not held whole either."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._data = b""
        self._starts = array("q", [0])  # of each block in `_data`, then its end + 1

    def render(self, catalog: Catalog, template: bool = False, size: int = 0) -> bytes:
        """The bytes of `catalog`; a `template`'s are kept, for the catalogs after it.
        `size`: about how many they are (the file's they replace); by default, as many as
        the template's."""
        entries = _written(catalog)
        kept = array("q")
        # one buffer of about the final size, made at once: grown a piece at a time, it
        # left holes in the heap as large as the catalog (30-40 MB at 25 MB, measured)
        out = io.BytesIO(bytes(size or len(self._data)))
        write = out.write
        for block in self._blocks(entries):
            if template:  # where the block starts, after the blank line before it
                kept.append(out.tell() + 1 if kept else 0)
            write(block)
        out.truncate()
        value = out.getvalue()
        if template:
            kept.append(len(value) + 1)
            self._entries, self._data, self._starts = entries, value, kept
        return value

    def pieces(self, catalog: Catalog) -> Iterator[bytes]:
        """:meth:`render`'s bytes of a catalog (not a template), about a megabyte at a time,
        so that they are never all in memory."""
        held: list[bytes | memoryview] = []
        size = 0
        for block in self._blocks(_written(catalog)):
            held.append(block)
            size += len(block)
            if size >= PIECE:
                yield b"".join(held)
                held.clear()
                size = 0
        if held:
            yield b"".join(held)

    def _blocks(self, entries: list[Entry]) -> Iterator[bytes | memoryview]:
        """The bytes of each entry's block in turn, each after the first with the blank
        line before it."""
        known, data, starts = self._entries, self._data, self._starts
        view = memoryview(data)
        try:
            for number, entry in enumerate(entries):
                line = b"\n" if number else b""
                if number < len(known):
                    same = known[number]
                    start, end = starts[number], starts[number + 1] - 1
                    if entry is same or entry == same:
                        yield view[start - len(line) : end]
                        continue
                    if _same_msgid_lines(entry, same):
                        yield line + _block_with(entry, data, start, end)
                        continue
                yield line + _block(entry).encode("utf-8")
        finally:
            view.release()


PIECE = 1 << 20  # bytes: what Printer.pieces gives at a time


def encoded(catalog: Catalog) -> bytes:
    """:func:`format_catalog` as UTF-8."""
    return Printer().render(catalog)


def _same_msgid_lines(entry: Entry, other: Entry) -> bool:
    """Whether `entry`'s msgid is written in the same lines as `other`'s (a template's)."""
    singular = entry.msgid_plural is None and other.msgid_plural is None
    if not singular or entry.obsolete or other.obsolete or entry.msgid != other.msgid:
        return False
    return _wraps(entry) == _wraps(other)


def _wraps(entry: Entry) -> bool:
    """Whether `entry`'s strings are wrapped (:func:`_flags`): the last of its wrap and
    no-wrap flags says, and none means they are."""
    for flag in reversed(entry.flags):
        if flag in ("wrap", "no-wrap"):
            return flag == "wrap"
    return True


_MSGID = b'msgid "'


def _block_with(entry: Entry, data: bytes, start: int, end: int) -> bytes:
    """`entry`'s block, its msgid lines taken from the block ``data[start:end]`` of an entry
    whose msgid is written alike (:func:`_same_msgid_lines`). Only the keyword line of the
    msgid starts with ``msgid "`` (other lines start with ``"`` or ``#``), and only a
    msgstr or msgid_plural keyword line ends the msgid's lines."""
    if not data.startswith(_MSGID, start, end):
        start = data.rfind(b"\n" + _MSGID, start, end) + 1
    end = data.index(b"\nmsg", start, end) + 1
    out: list[str] = []
    msgid = _entry(out, entry, msgid_lines=False)
    head, tail = _text(out[:msgid]), _text(out[msgid:])
    return head.encode("utf-8") + data[start:end] + tail.encode("utf-8")


def _written(catalog: Catalog) -> list[Entry]:
    """The entries as written: the header first, obsolete ones last, empty obsolete dropped."""
    entries: list[Entry] = []
    if catalog.header or catalog.header_comments or catalog.header_fuzzy:
        header = "".join(f"{name}: {value}\n" for name, value in catalog.header)
        flags = ("fuzzy",) if catalog.header_fuzzy else ()
        entries.append(Entry("", header, translator_comments=catalog.header_comments, flags=flags))
    entries += [entry for entry in catalog.entries if not entry.obsolete]
    entries += [entry for entry in catalog.entries if entry.obsolete and entry.msgstr]
    return entries


def _block(entry: Entry) -> str:
    """One entry's lines."""
    out: list[str] = []
    _entry(out, entry)
    return _text(out)


def _text(lines: list[str]) -> str:
    """`lines`, each ended by a newline."""
    return "\n".join(lines) + "\n" if lines else ""
