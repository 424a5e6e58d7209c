"""The plain-text news format: ``.txt`` documents.

Units
-----
A document is a sequence of blocks separated by blank lines. The blocks before the
first body paragraph are front matter: headline, deck, byline (one unit each). A body
block may open with a dateline ("ISLAMABAD:", "LONDON —"), which is a unit of its own;
the rest is split into sentences by :mod:`transflow.sentences`.

Offsets index the document string. A unit's ``text`` is the source slice with each line
break and the indentation around it folded into one space, so that hard wrapping
never reaches a catalog; everything else, no-break spaces included, is kept.

Re-assembly
-----------
Everything that is not a unit (blank lines, indentation, line endings, the missing
final newline) is copied from the source. A block none of whose units changed is
copied byte for byte; so a document with no translations, or with every translation
equal to its source text, comes back identical.

In a changed block:
- units are replaced by their translations, the whitespace between them kept; where
  the source had none (``conditions.Mammadov``), one space is put between a
  translated unit and its neighbour so sentences never glue together;
- a hard-wrapped source block (several lines) is re-wrapped: its units are joined
  with single spaces and wrapped at the width of the block's longest source line,
  with the indentation of its second line and its own line ending. This keeps a
  wrapped paragraph wrapped, whatever the translation's length.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from transflow.formats import Format, Output, Translate
from transflow.languages import separator as separator_of
from transflow.model import Placed, Placements, Unit

if TYPE_CHECKING:
    from transflow.config import SegmentationConfig

_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
_WORD = re.compile(r"[^ \t\r\n]+")
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z'’.-]{2,}(?: [A-Z][A-Z'’.-]*)*)(?:, [A-Z][A-Za-z.]*)*(?::| ?[—–]| --)(?= \S)"
)
_FRONT_MATTER_MAX = 4
_BYLINE_MAX_WORDS = 8
KINDS = ("headline", "deck", "byline", "dateline", "sentence", "paragraph")


def fold(text: str) -> str:
    """The msgid form of a source slice: line breaks and their indentation become one space."""
    return _LINE_BREAK.sub(" ", text) if "\n" in text else text


def blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the blocks: runs of non-blank lines, without surrounding whitespace.

    A byte-order mark (U+FEFF) that opens a block is not part of it, and a block of
    nothing else is no block."""
    return list(_blocks(text))


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """:func:`blocks`, one at a time (a large document has a hundred thousand)."""
    for match in _BLOCK.finditer(text):
        start, end = match.span()
        while start < end and text[start] in " \t\r\n\ufeff":
            start += 1
        while end > start and text[end - 1] in " \t\r":
            end -= 1
        if start < end:
            yield start, end


def _front_matter(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Kinds for the leading blocks that come before the first body paragraph."""
    count = next(
        (
            i
            for i, (start, end) in enumerate(spans[: _FRONT_MATTER_MAX + 1])
            if "\n" in text[start:end] or _TERMINAL.search(text[start:end])
        ),
        0,
    )
    if count == 0:
        return []
    kinds = ["headline"] + ["deck"] * (count - 1)
    if count >= 2:
        last = text[spans[count - 1][0] : spans[count - 1][1]]
        if len(last.split()) <= _BYLINE_MAX_WORDS or last.lower().startswith("by "):
            kinds[-1] = "byline"
    return kinds


def segment(text: str, options: SegmentationConfig | None = None) -> tuple[Unit, ...]:
    """All units of a document, in order."""
    from transflow.sentences import split_sentences  # 4 ms of imports, for a command that splits

    if options is None:
        from transflow.config import SegmentationConfig

        options = SegmentationConfig()
    abbreviations = frozenset(options.abbreviations)
    spans = blocks(text)
    front = _front_matter(text, spans)
    units: list[Unit] = []
    for number, (start, end) in enumerate(spans, 1):
        pieces: list[tuple[str, int, int]] = []
        if number <= len(front):
            pieces.append((front[number - 1], start, end))
        elif options.unit == "paragraph":
            pieces.append(("paragraph", start, end))
        else:
            body = start
            if number == len(front) + 1 and front:
                dateline = _DATELINE.match(text, start, end)
                if dateline:
                    pieces.append(("dateline", start, dateline.end()))
                    body = dateline.end()
                    while text[body].isspace():
                        body += 1
            block = text[body:end]
            for s, e in split_sentences(block, abbreviations, options.non_breaking):
                pieces.append(("sentence", body + s, body + e))
        for index, (kind, s, e) in enumerate(pieces, 1):
            units.append(Unit(number, index, kind, fold(text[s:e]), s, e))
    return tuple(units)


def _translated(unit: Unit, translate: Translate) -> str | None:
    """The unit's translation when it differs from the source text, else None."""
    target = translate(unit.text)
    return target if target and target != unit.text else None


def assemble(text: str, units: Sequence[Unit], translate: Translate, separator: str = " ") -> str:
    """The document with each unit replaced by ``translate(unit.text)`` (None: untranslated)."""
    return align(text, units, translate, separator)[0]


def align(
    text: str, units: Sequence[Unit], translate: Translate, separator: str = " "
) -> tuple[str, list[Placed]]:
    """The localized document, and each unit's place in it."""
    parts, placed = pieces(text, units, translate, separator)
    return "".join(parts), list(placed)


def pieces(
    text: str, units: Sequence[Unit], translate: Translate, separator: str = " "
) -> tuple[list[str], Placements]:
    """:func:`align`'s document as pieces of text, to be written one after the other."""
    newline = "\r\n" if "\r\n" in text else "\n"
    # the units of each block, block by block (stable: as they come within a block)
    groups = groupby(sorted(units, key=_block_of), _block_of)
    block, group = next(groups, _END)
    out = Output()
    placed = Placements()
    position = 0
    gaps: dict[str, str] = {}  # the text between blocks, one string for each (often "\n\n")
    for number, (start, end) in enumerate(_blocks(text), 1):
        while block < number:  # a unit in no block is not placed
            block, group = next(groups, _END)
        members: list[Unit] = []
        if block == number:
            members = list(group)
            block, group = next(groups, _END)
        targets = [_translated(u, translate) for u in members]
        gap = text[position:start]
        out.write(gaps.setdefault(gap, gap))
        if targets.count(None) < len(targets):
            if separator and text.find("\n", start, end) >= 0:
                _rewrap(out, placed, text[start:end], members, targets, newline)
            else:
                _block(out, placed, text, start, end, members, targets, separator, newline)
        else:  # copied as it is
            shift = out.size - start
            for u in members:
                placed.add(u, text[u.start : u.end], shift + u.start, shift + u.end, False)
            out.write(text[start:end])
        position = end
    out.write(text[position:])
    return out.parts, placed


_block_of = itemgetter(0)  # a unit's block
_END: tuple[int, Iterator[Unit]] = (sys.maxsize, iter(()))  # after the last block


def _block(
    out: Output,
    placed: Placements,
    text: str,
    start: int,
    end: int,
    units: Sequence[Unit],
    targets: Sequence[str | None],
    separator: str,
    newline: str,
) -> None:
    cursor = start
    previous_changed = False
    parts, size = out.parts, out.size  # out.write and placed.add, inlined: hot
    units_of, texts, starts, ends, translated = (
        placed.units.append,
        placed.texts.append,
        placed.starts.append,
        placed.ends.append,
        placed.translated.append,
    )
    placed.broken.extend(bytes(len(units)))  # (no inline markup to break)
    for unit, target in zip(units, targets, strict=True):
        gap = text[cursor : unit.start]
        if cursor != start and not gap and (target is not None or previous_changed):
            gap = separator
        if target is None:
            written = text[unit.start : unit.end]
        elif "\n" in target:
            written = target.replace("\r\n", "\n").replace("\n", newline)
        else:
            written = target
        size += len(gap)
        units_of(unit)
        texts(written)
        starts(size)
        ends(size + len(written))
        translated(target is not None)
        parts += (gap, written)
        size += len(written)
        previous_changed = target is not None
        cursor = unit.end
    out.size = size
    out.write(text[cursor:end])


def _rewrap(
    out: Output,
    placed: Placements,
    source: str,
    units: Sequence[Unit],
    targets: Sequence[str | None],
    newline: str,
) -> None:
    """Greedy wrapping of the block's units at the source's width, offsets kept."""
    lines = source.split("\n")
    width = max(len(line.rstrip("\r")) for line in lines)
    indent = lines[1][: len(lines[1]) - len(lines[1].lstrip(" \t"))]
    column = 0  # the block's first line starts after the indentation kept in the gap
    line_start = True
    for unit, target in zip(units, targets, strict=True):
        begin = None
        for word in _WORD.findall(target if target is not None else unit.text):
            if line_start:
                line_start = False
            elif column + 1 + len(word) > width:
                out.write(newline + indent)
                column = len(indent)
            else:
                out.write(" ")
                column += 1
            begin = out.size if begin is None else begin
            out.write(word)
            column += len(word)
        begin = out.size if begin is None else begin
        placed.add(unit, _tail(out, begin), begin, out.size, target is not None)


def _tail(out: Output, begin: int) -> str:
    """The text written from offset `begin` on."""
    collected, size = [], out.size
    for part in reversed(out.parts):
        if size <= begin:
            break
        collected.append(part[max(0, begin - (size - len(part))) :])
        size -= len(part)
    return "".join(reversed(collected))


class TextFormat(Format):
    name = "text"
    drops_suffix = True
    page = True

    def segment(self, text: str, options: SegmentationConfig) -> tuple[Unit, ...]:
        return segment(text, options)

    def pieces(
        self, text: str, units: Sequence[Unit], translate: Translate, language: str
    ) -> tuple[list[str], Placements]:
        return pieces(text, units, translate, separator_of(language))


FORMAT = TextFormat
