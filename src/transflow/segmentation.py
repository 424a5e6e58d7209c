"""Documents -> translatable units with exact character offsets.

A document is a sequence of blocks separated by blank lines. The blocks before the
first body paragraph are front matter: headline, deck, byline (one unit each). A body
block may open with a dateline ("ISLAMABAD:", "LONDON —"), which is a unit of its own;
the rest is split into sentences by :mod:`transflow.sentences`.

Offsets index the document string. A unit's ``text`` is the source slice with each line
break and the indentation around it folded into one space, so that hard wrapping
never reaches a catalog; everything else, no-break spaces included, is kept.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from transflow.config import SegmentationConfig

_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z'’.-]{2,}(?: [A-Z][A-Z'’.-]*)*)(?:, [A-Z][A-Za-z.]*)*(?::| ?[—–]| --)(?= \S)"
)
_FRONT_MATTER_MAX = 4
_BYLINE_MAX_WORDS = 8
KINDS = ("headline", "deck", "byline", "dateline", "sentence", "paragraph")


class Unit(NamedTuple):
    """A translatable unit. A named tuple rather than a frozen dataclass: a large document
    has tens of thousands, and a tuple is made three times faster."""

    block: int  # 1-based block number in the document
    number: int  # 1-based unit number in its block
    kind: str  # one of KINDS
    text: str  # what a catalog's msgid holds
    start: int  # offset of the first character in the document
    end: int  # offset after the last character

    @property
    def position(self) -> str:
        return f"{self.block}.{self.number}"


def fold(text: str) -> str:
    """The msgid form of a source slice: line breaks and their indentation become one space."""
    return _LINE_BREAK.sub(" ", text) if "\n" in text else text


def blocks(text: str) -> list[tuple[int, int]]:
    """Spans of the blocks: runs of non-blank lines, without surrounding whitespace.

    A byte-order mark (U+FEFF) that opens a block is not part of it, and a block of
    nothing else is no block."""
    spans = []
    for match in _BLOCK.finditer(text):
        start, end = match.span()
        while start < end and text[start] in " \t\r\n\ufeff":
            start += 1
        while end > start and text[end - 1] in " \t\r":
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


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

    options = options or SegmentationConfig()
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
