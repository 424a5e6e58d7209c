"""Markdown documents (``.md``, ``.markdown``): CommonMark with GFM tables, footnotes and
YAML front matter.

Units
-----
Headings, paragraphs (split into sentences unless ``unit = "paragraph"``), the
paragraphs of list items, block quotes and footnotes, table cells, image alt texts and
link titles (units of their own, kind ``alt`` and ``title``), and the front-matter
values of ``title``, ``description`` and ``summary``. Never: code (fenced or
indented), HTML blocks, HTML comments, link destinations, other front matter.

A unit's block is the line its leaf block starts on (``doc.md:12``). Its text is the
source with inline markup as numbered tags (:mod:`transflow.markup`): ``<i1>`` emphasis,
``<b1>`` strong, ``<a1>`` links, ``<x1>`` inline HTML elements, and standalone ``<c1/>``
code spans, ``<g1/>`` images, ``<f1/>`` footnote references, ``<a1/>`` autolinks,
``<x1/>`` other HTML and hard line breaks. Tags that wrap a whole unit stay in it.
Container prefixes (``> ``, list indentation) are not in the text; a line break inside
a paragraph is one space. Backslash escapes and entities are kept as written.
A sentence boundary that would cut an element in two is no boundary.

Rebuild
-------
A leaf none of whose units changed is copied byte for byte, so a document with no
translations (or with every translation equal to its source) comes back identical.
A changed unit's tags get their source markup back. A changed paragraph or setext
heading of several lines is re-wrapped at the source's width, each line with the
container prefix of the source's second line; a line never starts with a word that
would open a block there (``#``, ``>``, ``-``, ``1.``...). A one-line leaf is not
reflowed. A translation whose tags are broken keeps the source for that unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice
from operator import le
from typing import TYPE_CHECKING, NamedTuple

from transflow import markup
from transflow.formats import Format, Translate
from transflow.model import Placed, Unit

if TYPE_CHECKING:
    from transflow.config import SegmentationConfig
    from transflow.formats.markdown_blocks import Blocks, Leaf

# The block and inline scanners are imported when a document is segmented: a build whose
# units were kept (transflow.cache) needs neither (about 7 ms of imports, -X importtime).

FRONT_KEYS = ("title", "description", "summary")
_FRONT = re.compile(r"(title|description|summary)[ \t]*:[ \t]+(\S.*?)[ \t]*$")
_KINDS = {"heading": "heading", "setext": "heading", "row": "cell"}


def segment(text: str, options: SegmentationConfig | None = None) -> tuple[Unit, ...]:
    """All units of a Markdown document, in order."""
    from transflow.formats.markdown_blocks import scan
    from transflow.formats.markdown_syntax import split_cells
    from transflow.formats.markdown_units import leaf_units, wordy
    from transflow.sentences import split_sentences

    if options is None:
        from transflow.config import SegmentationConfig

        options = SegmentationConfig()
    abbreviations = frozenset(options.abbreviations)
    sentences = (
        None
        if options.unit == "paragraph"
        else (lambda p: split_sentences(p, abbreviations, options.non_breaking))
    )
    blocks = scan(text)
    refs = blocks.references
    units: list[Unit] = []
    for leaf in _with_titles(blocks):
        kind = leaf.kind
        if kind in ("code", "html"):
            continue
        if kind == "front":
            units += _front(text, leaf)
            continue
        if kind == "title":
            start, end = leaf.spans[0]
            title = " ".join(text[start:end].split("\n"))
            if wordy(title) and not markup.looks_like_tag(title):
                units.append(Unit(leaf.line, 1, "title", title, start, end))
            continue
        found: list[Unit] = []
        if kind == "row":
            row_start, row_end = leaf.spans[0]
            for s, e in split_cells(text[row_start:row_end])[: leaf.cells]:
                if s < e:
                    found += leaf_units(text, [(row_start + s, row_start + e)], refs, "cell", None)
        else:
            kind = "footnote" if leaf.footnote and kind == "paragraph" else _KINDS.get(kind, "")
            split = None if kind in ("heading", "cell") else sentences
            units += leaf_units(text, leaf.spans, refs, kind or "sentence", split, leaf.line)
            continue
        found.sort(key=lambda u: u.start)
        line = leaf.line
        units += [Unit(line, n, *u[2:]) for n, u in enumerate(found, 1)]
    return _Units.of(units, _regions(blocks))


class Region(NamedTuple):
    """A paragraph or setext heading of several lines, which the rebuild re-wraps when a
    unit in it changed: its content spans and the start of each of its lines."""

    spans: list[tuple[int, int]]
    starts: list[int]


def _regions(blocks: Blocks) -> list[Region]:
    return [
        Region(leaf.spans, leaf.starts)
        for leaf in blocks.leaves
        if leaf.kind in ("paragraph", "setext") and len(leaf.spans) > 1
    ]


class _Units(tuple[Unit, ...]):
    """A document's units, with its regions (found with them, or kept with them), which
    its rebuild would otherwise scan the document's blocks again for."""

    regions: list[Region]

    @classmethod
    def of(cls, units: Sequence[Unit], regions: list[Region]) -> _Units:
        found = cls(units)
        found.regions = regions
        return found


def _layout(regions: Sequence[Region]) -> list[int]:
    """The regions as integers: their number, the number of lines of each, then each
    line's start and content span, line after line."""
    numbers = [len(regions), *(len(spans) for spans, _ in regions)]
    for spans, starts in regions:
        for (start, end), line in zip(spans, starts, strict=True):
            numbers += (line, start, end)
    return numbers


def _unlaid(numbers: Sequence[int], size: int) -> list[Region] | None:
    """The regions of :func:`_layout`'s `numbers` for a text of `size` characters; None
    unless they are regions of several lines, in order, each line inside the text."""
    if not numbers:
        return None
    count = numbers[0]
    lines = numbers[1 : count + 1]
    flat = numbers[count + 1 :]  # start, content start, content end of each line
    if len(lines) != count or min(lines, default=2) < 2 or len(flat) != 3 * sum(lines):
        return None
    if flat and not (flat[0] >= 0 and flat[-1] <= size and all(map(le, flat, flat[1:]))):
        return None
    starts, spans = iter(flat[::3]), iter(zip(flat[1::3], flat[2::3], strict=True))
    return [Region(list(islice(spans, n)), list(islice(starts, n))) for n in lines]


def _scanned(text: str) -> list[Region]:
    """The regions of `text`, its blocks scanned anew."""
    from transflow.formats.markdown_blocks import scan

    return _regions(scan(text))


def _with_titles(blocks: Blocks) -> list[Leaf]:
    from transflow.formats.markdown_blocks import Leaf

    leaves = blocks.leaves
    if not blocks.titles:
        return leaves
    titles = [Leaf("title", line, [(start, end)]) for line, start, end in blocks.titles]
    return sorted([*leaves, *titles], key=lambda leaf: leaf.spans[0][0] if leaf.spans else 0)


def _front(text: str, leaf: Leaf) -> list[Unit]:
    from transflow.formats.markdown_units import wordy

    units = []
    for (start, end), line in zip(leaf.spans, leaf.starts, strict=True):
        match = _FRONT.match(text, start, end)
        if match is None:
            continue
        value_start, value_end = match.span(2)
        value = match.group(2)
        if value[0] in "\"'" and len(value) > 1 and value[-1] == value[0]:
            value_start, value_end = value_start + 1, value_end - 1
        elif value[0] in "[{|>&*!%@`#":
            continue
        elif " #" in value:
            value_end = value_start + value.index(" #")
        value = text[value_start:value_end]
        if wordy(value) and not markup.looks_like_tag(value):
            units.append(
                Unit(line, 1, f"front matter {match.group(1)}", value, value_start, value_end)
            )
    return units


class MarkdownFormat(Format):
    name = "markdown"

    def segment(self, text: str, options: SegmentationConfig) -> tuple[Unit, ...]:
        return segment(text, options)

    def layout(self, text: str, units: tuple[Unit, ...]) -> Sequence[int]:
        return _layout(units.regions if isinstance(units, _Units) else _scanned(text))

    def with_layout(
        self, text: str, units: tuple[Unit, ...], layout: Sequence[int]
    ) -> tuple[Unit, ...] | None:
        regions = _unlaid(layout, len(text))
        return None if regions is None else _Units.of(units, regions)

    def pieces(
        self, text: str, units: Sequence[Unit], translate: Translate, language: str
    ) -> tuple[list[str], list[Placed]]:
        """(The regions are those found or kept with `units`, else scanned for anew.)"""
        from transflow.formats.markdown_build import pieces

        regions = units.regions if isinstance(units, _Units) else _scanned(text)
        return pieces(text, units, translate, regions)


FORMAT = MarkdownFormat
