"""The HTML format: ``.html`` and ``.htm`` documents and fragments, HTML5 as found.

Units
-----
The document is read as Python's ``html.parser`` reads it
(:mod:`transflow.formats.html_tokens`, :mod:`transflow.formats.html_scan`), with the
exact source offset of every construct. Every element that is not inline (``p``,
``li``, ``td``, ``h2``, ``div``, ``title``, ``option``...) is a block boundary; the text
and inline markup between two boundaries is a *flow*, split into sentences (or kept
whole with ``unit = "paragraph"``). A sentence boundary that would cut an inline element
is dropped: the unit is then the larger piece. Attribute values people read are units of
their own: ``alt``, ``title``, ``placeholder``, ``aria-label``, the ``value`` of
``<input type="submit|button|reset">``, and the ``content`` of ``<meta name="description">``
and of ``og:title``/``og:description``/``twitter:title``/``twitter:description``.
Never units: ``script``, ``style``, ``pre``, ``textarea``, ``noscript``, ``iframe``,
``object``, inline ``code``/``kbd``/``samp``, inline ``svg``/``math`` (all of their
content), anything under ``translate="no"`` or ``class="notranslate"`` (a block element
with ``translate="yes"`` inside turns it back on), comments, CDATA, doctype, and text with
no letter (``»``, ``2024``, ``|``). ``<template>`` content is translated: a script shows it.

A unit's reference is the line its text starts on (``page.html:12``); its text is the
source's with character references decoded (``&amp;`` shows as ``&``) and each run of
HTML whitespace folded into one space. Inline elements are numbered tags
(:mod:`transflow.markup`): ``<b1>`` b/strong, ``<i1>`` i/em, ``<a1>`` links, ``<x1>``
any other (span, sup, abbr...), paired; standalone ``<g1/>`` images (img, svg), ``<c1/>``
code/kbd/samp with their content, ``<x1/>`` br, wbr, input, comments, and a start or end
tag with no partner in the flow. A tag around the whole unit, and standalone tags other
than code at its ends, stay outside it. Source text that looks like a tag
(``&lt;b1&gt;``) becomes a standalone tag.

Rebuild
-------
The output is the source with each translated unit's span replaced: everything else
(markup, attributes as written, whitespace, comments, line endings, a byte-order mark)
is copied byte for byte. A unit with no translation, or one equal to its text, keeps
its source bytes (its character references as written). A translation is text, not
HTML: its ``&``, ``<`` and ``>`` are written as ``&amp;``, ``&lt;`` and ``&gt;`` (and a
quote as ``&quot;`` or ``&#39;`` in an attribute), and its tags get the source markup
back, attribute translations inside (an image's alt text). A translation whose tags are
broken keeps the source. When any unit is translated, the ``<html>`` element gets
``lang`` (and ``xml:lang`` where the source has one) set to the target language, and
``dir="rtl"`` for a right-to-left one (``dir="ltr"`` only where the source had a
``dir``); a fragment without ``<html>`` gets neither.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import unescape
from typing import TYPE_CHECKING

from transflow import markup
from transflow.formats import Format, Translate
from transflow.formats import html_scan as hs
from transflow.formats.html_units import flow_units
from transflow.languages import direction
from transflow.model import Placed, Unit

if TYPE_CHECKING:
    from transflow.config import SegmentationConfig

_FOLD = re.compile(r"[ \t\n\r\f]+")
_QUOTE_ESCAPES = {'"': "&quot;", "'": "&#39;"}


def _escaped(text: str, quote: str = "") -> str:
    """`text` with ``&``, ``<``, ``>`` (and `quote`) written as character references."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if quote and quote in text:
        text = text.replace(quote, _QUOTE_ESCAPES[quote])
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


_START_TAG = re.compile(r"<[a-zA-Z]")
_UNQUOTED_OK = re.compile(r"[^\s\"'=<>`&]+")
ATTRIBUTE_KINDS = frozenset(
    (*hs.READ_ATTRIBUTES, "value", "description", *(n for n in hs.META_NAMES if ":" in n))
)
_HTML_TAG = re.compile(
    r"\ufeff?(?:\s+|<!--.*?-->|<![^>]*>|<\?[^>]*>)*(<html)(?=[\s/>])", re.S | re.I
)


def segment(text: str, options: SegmentationConfig | None = None) -> tuple[Unit, ...]:
    """All units of an HTML document, in document order."""
    if options is None:
        from transflow.config import SegmentationConfig

        options = SegmentationConfig()
    found = hs.scan(text)
    drafts: list[tuple[int, int, str, str, tuple[tuple[str, str], ...]]] = []
    for flow in found.flows:
        drafts += flow_units(text, flow, options)
    for attribute in found.attributes:
        value = _FOLD.sub(" ", unescape(text[attribute.start : attribute.end])).strip()
        if not markup.looks_like_tag(value):
            drafts.append((attribute.start, attribute.end, attribute.kind, value, ()))
    drafts.sort()
    units = []
    counts: dict[int, int] = {}
    line, counted = 1, 0  # the line at offset `counted`
    for start, end, kind, msgid, tags in drafts:
        line += text.count("\n", counted, start)
        counted = start
        counts[line] = number = counts.get(line, 0) + 1
        units.append(Unit(line, number, kind, msgid, start, end, tags))
    return tuple(units)


def _target(unit: Unit, translate: Translate) -> tuple[str | None, bool]:
    """The unit's valid translation (None: keep the source) and whether it was broken."""
    target = translate(unit.text)
    if not target or target == unit.text:
        return None, False
    if not unit.tags and "<" not in target and "<" not in unit.text:
        return target, False  # (no tags on either side)
    if markup.problems(unit.text, target) or any(
        tag.number > len(unit.tags) for tag in markup.tags(target)
    ):
        return None, True
    return target, False


class _Writer:
    def __init__(self, text: str, translate: Translate, newline: str) -> None:
        self.text = text
        self.translate = translate
        self.newline = newline
        self.placed: list[Placed] = []
        self.translated = False

    def attribute(self, unit: Unit, at: int) -> str:
        """An attribute unit as written, placed at output offset `at`."""
        target, broken = _target(unit, self.translate)
        text = self.text
        if target is None:
            written = text[unit.start : unit.end]
        else:
            quote = text[unit.start - 1] if unit.start and text[unit.start - 1] in "'\"" else ""
            if quote:
                written = _escaped(target, quote)
            elif _UNQUOTED_OK.fullmatch(target):
                written = target
            else:
                written = '"' + _escaped(target, '"') + '"'
            self.translated = True
        self.placed.append(Placed(unit, written, at, at + len(written), target is not None, broken))
        return written

    def source(self, start: int, end: int, nested: Sequence[Unit], at: int) -> str:
        """``text[start:end]`` with the attribute units in it translated."""
        text = self.text
        if not nested:
            return text[start:end]
        parts, cursor = [], start
        for unit in nested:
            if unit.start < start or unit.end > end:
                continue
            parts.append(text[cursor : unit.start])
            at += len(parts[-1])
            parts.append(self.attribute(unit, at))
            at += len(parts[-1])
            cursor = unit.end
        parts.append(text[cursor:end])
        return "".join(parts)

    def unit(self, unit: Unit, nested: Sequence[Unit], at: int) -> str:
        """A text unit as written (with its attribute units), placed at offset `at`."""
        target, broken = _target(unit, self.translate)
        index = len(self.placed)
        if target is None:
            written = self.source(unit.start, unit.end, nested, at)
        else:
            written = self._rendered(unit, target, nested, at)
            self.translated = True
        self.placed.insert(
            index, Placed(unit, written, at, at + len(written), target is not None, broken)
        )
        return written

    def _rendered(self, unit: Unit, target: str, nested: Sequence[Unit], at: int) -> str:
        openings = _tag_offsets(self.text, unit) if nested else []
        if "\n" in target:
            if self.newline != "\n":
                target = target.replace("\r\n", "\n").replace("\n", self.newline)
        elif self.text.find("\n", unit.start, unit.end) >= 0:
            target = _wrapped(self.text, unit, target, self.newline)
        if "<" not in target:
            return _escaped(target)
        parts, position = [], 0
        for tag in markup.tags(target):
            parts.append(_escaped(target[position : tag.start]))
            at += len(parts[-1])
            opening, closing = unit.tags[tag.number - 1]
            if tag.role == "close":
                parts.append(closing)
            elif openings and openings[tag.number - 1] >= 0:
                begin = openings[tag.number - 1]
                parts.append(self.source(begin, begin + len(opening), nested, at))
            else:
                parts.append(opening)
            at += len(parts[-1])
            position = tag.end
        parts.append(_escaped(target[position:]))
        return "".join(parts)


def _wrapped(text: str, unit: Unit, target: str, newline: str) -> str:
    """`target` wrapped as the unit's hard-wrapped source is: greedily, at the width of the
    source's longest line there, with the indentation of its second line."""
    first = text.rfind("\n", 0, unit.start) + 1
    last = text.find("\n", unit.end)
    lines = text[first : last if last >= 0 else len(text)].split("\n")
    width = max(len(line.rstrip("\r")) for line in lines)
    second = text[text.find("\n", unit.start, unit.end) + 1 : unit.end]
    indent = second[: len(second) - len(second.lstrip(" \t"))]
    out: list[str] = []
    column = unit.start - first
    tagged = "<" in target
    for word in target.split(" "):
        size = len(markup.plain(word)) if tagged else len(word)
        if out and word and column + 1 + size > width:
            out.append(newline + indent)
            column = len(indent)
        elif out:
            out.append(" ")
            column += 1
        out.append(word)
        column += size
    return "".join(out)


def _tag_offsets(text: str, unit: Unit) -> list[int]:
    """Where each tag's start-tag markup is in the source (-1: not a start tag). Start tags
    are in the order of their numbers, so each is looked for after the one before."""
    offsets, cursor = [], unit.start
    for opening, _ in unit.tags:
        found = text.find(opening, cursor, unit.end) if _START_TAG.match(opening) else -1
        offsets.append(found)
        cursor = found + len(opening) if found >= 0 else cursor
    return offsets


def align(
    text: str, units: Sequence[Unit], translate: Translate, language: str
) -> tuple[str, list[Placed]]:
    """The localized document, and each unit's place in it."""
    parts, placed = pieces(text, units, translate, language)
    return "".join(parts), placed


def pieces(
    text: str, units: Sequence[Unit], translate: Translate, language: str
) -> tuple[list[str], list[Placed]]:
    """:func:`align`'s document as pieces of text, to be written one after the other."""
    ordered = sorted(units, key=lambda u: u.start)
    writer = _Writer(text, translate, "\r\n" if "\r\n" in text else "\n")
    parts: list[str] = []
    size = position = index = 0
    while index < len(ordered):
        unit = ordered[index]
        after = index + 1
        while after < len(ordered) and ordered[after].start < unit.end:
            after += 1
        parts.append(text[position : unit.start])
        size += len(parts[-1])
        if unit.kind in ATTRIBUTE_KINDS and after == index + 1:
            parts.append(writer.attribute(unit, size))
        else:
            parts.append(writer.unit(unit, ordered[index + 1 : after], size))
        size += len(parts[-1])
        position = max(unit.end, ordered[after - 1].end)
        index = after
    parts.append(text[position:])
    placed = writer.placed
    if writer.translated and parts:
        head, delta = _with_language(parts[0], language)
        if delta or head != parts[0]:
            parts[0] = head
            placed = [p._replace(start=p.start + delta, end=p.end + delta) for p in placed]
    return parts, placed


def _with_language(head: str, language: str) -> tuple[str, int]:
    """`head` (the text before the first unit) with its ``<html>`` tag's ``lang`` (and
    ``dir``) set to `language`, and by how much it grew."""
    match = _HTML_TAG.match(head)
    if match is None:
        return head, 0
    start = match.start(1)
    end = hs.start_tag_end(head, start)
    if end < 0:
        return head, 0
    spans = hs.attribute_spans(head, start, end)
    rtl = direction(language) == "rtl"
    values = {"lang": language, "xml:lang": language}
    values["dir"] = "rtl" if rtl else "ltr"
    edits: list[tuple[int, int, str]] = []
    for name, value in values.items():
        if name in spans:
            a, b, quote = spans[name]
            edits.append((a, b, value if quote else f'"{value}"'))
    inserted = "".join(
        f' {name}="{values[name]}"'
        for name in ("lang", "dir")
        if name not in spans and (name == "lang" or rtl)
    )
    if inserted:
        at = end - 2 if head[end - 2] == "/" else end - 1
        edits.append((at, at, inserted))
    new: list[str] = []
    cursor = 0
    for a, b, value in sorted(edits):
        new += (head[cursor:a], value)
        cursor = b
    new.append(head[cursor:])
    result = "".join(new)
    return result, len(result) - len(head)


class HtmlFormat(Format):
    name = "html"

    def segment(self, text: str, options: SegmentationConfig) -> tuple[Unit, ...]:
        return segment(text, options)

    def pieces(
        self, text: str, units: Sequence[Unit], translate: Translate, language: str
    ) -> tuple[list[str], list[Placed]]:
        return pieces(text, units, translate, language)


FORMAT = HtmlFormat
