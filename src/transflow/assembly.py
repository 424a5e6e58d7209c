"""Source text + units + translations -> the localized document.

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

import textwrap
from collections.abc import Callable, Sequence

from transflow.segmentation import Unit, blocks

Translate = Callable[[str], str | None]
_NO_SPACE_LANGUAGES = frozenset({"ja", "zh", "th", "lo", "my", "km", "bo"})


def separator_for(language: str) -> str:
    """What goes between sentences that the source wrote with no space between them."""
    return "" if language.split("_")[0].split("-")[0] in _NO_SPACE_LANGUAGES else " "


def _translated(unit: Unit, translate: Translate) -> str | None:
    """The unit's translation when it differs from the source text, else None."""
    target = translate(unit.text)
    return target if target and target != unit.text else None


def assemble(text: str, units: Sequence[Unit], translate: Translate, separator: str = " ") -> str:
    """The document with each unit replaced by ``translate(unit.text)`` (None: untranslated)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    by_block: dict[int, list[Unit]] = {}
    for unit in units:
        by_block.setdefault(unit.block, []).append(unit)
    out: list[str] = []
    position = 0
    for number, (start, end) in enumerate(blocks(text), 1):
        members = by_block.get(number, [])
        targets = [_translated(u, translate) for u in members]
        if not any(t is not None for t in targets):
            continue
        out.append(text[position:start])
        out.append(_block(text, start, end, members, targets, separator, newline))
        position = end
    out.append(text[position:])
    return "".join(out)


def _block(
    text: str,
    start: int,
    end: int,
    units: Sequence[Unit],
    targets: Sequence[str | None],
    separator: str,
    newline: str,
) -> str:
    source = text[start:end]
    if "\n" in source:
        pieces = [t if t is not None else u.text for u, t in zip(units, targets, strict=True)]
        return _rewrap(source, separator.join(pieces), newline)
    parts: list[str] = []
    cursor = start
    previous_changed = False
    for unit, target in zip(units, targets, strict=True):
        gap = text[cursor : unit.start]
        if cursor != start and not gap and (target is not None or previous_changed):
            gap = separator
        parts.append(gap)
        if target is None:
            parts.append(text[unit.start : unit.end])
        else:
            parts.append(target.replace("\r\n", "\n").replace("\n", newline))
        previous_changed = target is not None
        cursor = unit.end
    parts.append(text[cursor:end])
    return "".join(parts)


def _rewrap(source: str, joined: str, newline: str) -> str:
    lines = source.split("\n")
    width = max(len(line.rstrip("\r")) for line in lines)
    indent = lines[1][: len(lines[1]) - len(lines[1].lstrip(" \t"))]
    wrapped = textwrap.wrap(
        joined,
        width=width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return newline.join(wrapped)
