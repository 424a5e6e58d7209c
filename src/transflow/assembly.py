"""Source text + units + translations -> the localized document, and where each unit went.

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
from collections.abc import Callable, Sequence
from typing import NamedTuple

from transflow.segmentation import Unit, blocks

Translate = Callable[[str], str | None]
_WORD = re.compile(r"[^ \t\r\n]+")


class Placed(NamedTuple):
    """A unit in the output: the text it got there, and where. A named tuple rather than a
    frozen dataclass: a large document has tens of thousands, and a tuple is made three
    times faster."""

    unit: Unit
    text: str  # as written in the output (wrapping included)
    start: int
    end: int
    translated: bool  # False: the source text was kept


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
    newline = "\r\n" if "\r\n" in text else "\n"
    by_block: dict[int, list[Unit]] = {}
    for unit in units:
        by_block.setdefault(unit.block, []).append(unit)
    out = _Output()
    placed = out.placed
    position = 0
    for number, (start, end) in enumerate(blocks(text), 1):
        members = by_block.get(number, [])
        targets = [_translated(u, translate) for u in members]
        out.write(text[position:start])
        if targets.count(None) < len(targets):
            if separator and text.find("\n", start, end) >= 0:
                _rewrap(out, text[start:end], members, targets, newline)
            else:
                _block(out, text, start, end, members, targets, separator, newline)
        else:  # copied as it is
            shift = out.size - start
            placed += [
                Placed(u, text[u.start : u.end], shift + u.start, shift + u.end, False)
                for u in members
            ]
            out.write(text[start:end])
        position = end
    out.write(text[position:])
    return out.text(), out.placed


class _Output:
    """The output being written, with the units placed in it so far."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.placed: list[Placed] = []

    def write(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.size += len(chunk)

    def text(self) -> str:
        return "".join(self.parts)


def _block(
    out: _Output,
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
    parts, placed, size = out.parts, out.placed, out.size  # out.write/place, inlined: hot
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
        placed.append(Placed(unit, written, size, size + len(written), target is not None))
        parts += (gap, written)
        size += len(written)
        previous_changed = target is not None
        cursor = unit.end
    out.size = size
    out.write(text[cursor:end])


def _rewrap(
    out: _Output,
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
        out.placed.append(Placed(unit, _tail(out, begin), begin, out.size, target is not None))


def _tail(out: _Output, begin: int) -> str:
    """The text written from offset `begin` on."""
    collected, size = [], out.size
    for part in reversed(out.parts):
        if size <= begin:
            break
        collected.append(part[max(0, begin - (size - len(part))) :])
        size -= len(part)
    return "".join(reversed(collected))
