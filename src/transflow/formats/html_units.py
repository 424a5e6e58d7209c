"""The HTML format's units: a flow (:mod:`transflow.formats.html_scan`) split into
sentences that never cut an inline element, each with its numbered tags."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, NamedTuple

from transflow import markup
from transflow.formats.html_scan import CLOSE, OPEN, SOLO, TEXT, Flow, Item, decoded
from transflow.sentences import split_sentences

if TYPE_CHECKING:
    from transflow.config import SegmentationConfig

Draft = tuple[int, int, str, str, tuple[tuple[str, str], ...]]  # start, end, kind, text, tags

# a run of HTML whitespace but a lone space (which stays as it is): folded into one space
_FOLD = re.compile(r"[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SPACE = " \t\n\r\f"
_LITERAL = "#text"  # a SOLO item that is source text looking like a tag
_UNPAIRED = "#unpaired"
_WIDE = frozenset(("img", "input", "svg", "math", "code", "kbd", "samp", _LITERAL))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_LETTERS = {"b": "b", "strong": "b", "i": "i", "em": "i", "a": "a", "img": "g", "svg": "g"}
_LETTERS.update(dict.fromkeys(("code", "kbd", "samp"), "c"))

# a piece of a unit: (item index, decoded start, decoded end) for text, (index, -1, -1) a tag
_Piece = tuple[int, int, int]


def _literals(text: str, items: list[Item]) -> list[Item]:
    """`items` with source text that looks like a tag made standalone tags."""
    out: list[Item] = []
    for item in items:
        if item.kind != TEXT:
            out.append(item)
            continue
        value, offsets = decoded(text[item.start : item.end])
        if not markup.looks_like_tag(value):
            out.append(item)
            continue
        cursor = item.start
        for match in markup.TAG.finditer(value):
            a = item.start + (offsets[match.start()] if offsets else match.start())
            b = item.start + (offsets[match.end()] if offsets else match.end())
            if a > cursor:
                out.append(Item(TEXT, cursor, a, ""))
            out.append(Item(SOLO, a, b, _LITERAL, b))
            cursor = b
        if cursor < item.end:
            out.append(Item(TEXT, cursor, item.end, ""))
    return out


def _paired(items: list[Item]) -> tuple[list[Item], dict[int, int]]:
    """Items with each inline start tag matched to its end tag (partner: index -> index);
    a start or end tag without a partner in the flow becomes a standalone tag."""
    out = list(items)
    partner: dict[int, int] = {}
    stack: list[int] = []
    for k, item in enumerate(items):
        if item.kind == OPEN:
            stack.append(k)
        elif item.kind == CLOSE:
            for depth in range(len(stack) - 1, -1, -1):
                if items[stack[depth]].name == item.name:
                    for inner in stack[depth + 1 :]:
                        out[inner] = Item(SOLO, items[inner].start, items[inner].end, _UNPAIRED)
                    partner[stack[depth]], partner[k] = k, stack[depth]
                    del stack[depth:]
                    break
            else:
                out[k] = Item(SOLO, item.start, item.end, _UNPAIRED)
    for inner in stack:
        out[inner] = Item(SOLO, items[inner].start, items[inner].end, _UNPAIRED)
    return out, partner


def _width(item: Item) -> str:
    """What an inline tag is in the text the sentence splitter sees (the same before and
    after :func:`_paired`: an unpaired tag is as wide as a paired one, nothing)."""
    if item.kind != SOLO:
        return ""
    if item.name == "br":
        return " "
    return "\ufffc" if item.name in _WIDE or (item.end_all >= 0 and item.name != "") else ""


class _Flow(NamedTuple):
    """A flow read: its items, the text the splitter sees (`plain`: each item's `chunks`,
    a text's decoded, at `positions`) and the raw offsets of decoded texts with references."""

    items: list[Item]
    chunks: list[str]
    positions: list[int]
    plain: str
    offsets: dict[int, list[int]]
    tagged: bool  # whether it has start or end tags
    spaced: bool  # whether it has whitespace to fold


def _read(text: str, items: list[Item]) -> _Flow:
    chunks: list[str] = []
    positions: list[int] = []
    offsets: dict[int, list[int]] = {}
    size = 0
    tagged = False
    for k, item in enumerate(items):
        positions.append(size)
        if item.kind == TEXT:
            chunk = text[item.start : item.end]
            if "&" in chunk:
                chunk, found = decoded(chunk)
                if found is not None:
                    offsets[k] = found
        elif item.kind == SOLO:
            chunk = _width(item)
        else:
            chunk, tagged = "", True
        chunks.append(chunk)
        size += len(chunk)
    plain = "".join(chunks)
    return _Flow(items, chunks, positions, plain, offsets, tagged, _FOLD.search(plain) is not None)


def flow_units(text: str, flow: Flow, options: SegmentationConfig) -> list[Draft]:
    """The units of one flow."""
    read = _read(text, flow.items)
    if _HAS_LETTER.search(read.plain) is None:
        return []
    if "<" in read.plain and any(
        markup.looks_like_tag(chunk)
        for item, chunk in zip(read.items, read.chunks, strict=True)
        if item.kind == TEXT
    ):
        read = _read(text, _literals(text, read.items))
    items, partner = _paired(read.items) if read.tagged else (read.items, {})
    chunks, positions = read.chunks, read.positions
    cuts: list[tuple[int, int]] = []
    if options.unit != "paragraph":
        spans = split_sentences(read.plain, frozenset(options.abbreviations), options.non_breaking)
        cuts = [(spans[n][1], spans[n + 1][0]) for n in range(len(spans) - 1)]
    if cuts and partner:
        cuts = _whole_elements(cuts, partner, positions)
    if not cuts:  # (one unit: every item, but empty texts)
        pieces = [
            [
                (k, 0, len(chunks[k])) if item.kind == TEXT else (k, -1, -1)
                for k, item in enumerate(items)
                if item.kind != TEXT or chunks[k]
            ]
        ]
    else:
        pieces = _placed(items, chunks, positions, cuts)
    kind = (
        "heading"
        if flow.context in _HEADINGS
        else "page title"
        if flow.context == "title"
        else options.unit
    )
    drafts = []
    for members in pieces:
        draft = _unit(text, items, read, partner, _trimmed(items, chunks, partner, members), kind)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _placed(
    items: list[Item], chunks: list[str], positions: list[int], cuts: list[tuple[int, int]]
) -> list[list[_Piece]]:
    """The pieces of each unit between `cuts` (in the splitter's text)."""
    pieces: list[list[_Piece]] = [[] for _ in range(len(cuts) + 1)]
    ends = [e for e, _ in cuts]
    starts = [s for _, s in cuts]
    for k, item in enumerate(items):
        at = positions[k]
        if item.kind == TEXT:
            length = len(chunks[k])
            n = bisect_right(starts, at)
            a = 0
            while n < len(cuts) and ends[n] < at + length:
                if ends[n] - at > a:
                    pieces[n].append((k, a, ends[n] - at))
                a = max(a, min(length, starts[n] - at))
                n += 1
            if a < length:
                pieces[n].append((k, a, length))
        elif item.kind == OPEN:
            pieces[bisect_right(ends, at)].append((k, -1, -1))
        elif chunks[k]:
            pieces[bisect_right(starts, at)].append((k, -1, -1))
        else:
            pieces[bisect_left(starts, at)].append((k, -1, -1))
    return pieces


def _whole_elements(
    cuts: list[tuple[int, int]], partner: dict[int, int], positions: list[int]
) -> list[tuple[int, int]]:
    """`cuts` without those that would cut an inline element in two."""
    ends = [e for e, _ in cuts]
    starts = [s for _, s in cuts]
    marks = [0] * (len(cuts) + 1)  # +1 where a run of dropped cuts starts, -1 after it
    for opening, closing in partner.items():
        if opening < closing:
            first = bisect_right(ends, positions[opening])
            last = bisect_left(starts, positions[closing])
            low, high = min(first, last), max(first, last)
            if low < high:
                marks[low] += 1
                marks[high] -= 1
    kept, depth = [], 0
    for n, cut in enumerate(cuts):
        depth += marks[n]
        if depth == 0:
            kept.append(cut)
    return kept


def _trimmed(
    items: list[Item],
    chunks: list[str],
    partner: dict[int, int],
    members: list[_Piece],
) -> list[_Piece]:
    """`members` without whitespace and standalone tags (but code) at either end, and
    without a tag pair around all of it."""
    first, last = 0, len(members) - 1  # the members kept: first..last
    head = tail = None  # the first and the last, trimmed when they are text
    while first <= last:
        before = (first, last)
        while first <= last:  # the start
            k, a, b = head or members[first]
            if a >= 0:
                value = chunks[k]
                while a < b and value[a] in _SPACE:
                    a += 1
                if a == b:
                    first, head = first + 1, None
                    continue
                head = (k, a, b)
            elif items[k].kind == SOLO and _LETTERS.get(items[k].name) != "c":
                first += 1
                continue
            break
        while first <= last:  # the end
            k, a, b = tail or (head if last == first and head else members[last])
            if a >= 0:
                value = chunks[k]
                while b > a and value[b - 1] in _SPACE:
                    b -= 1
                if a == b:
                    last, tail = last - 1, None
                    continue
                tail = (k, a, b)
            elif items[k].kind == SOLO and _LETTERS.get(items[k].name) != "c":
                last -= 1
                continue
            break
        if (
            first < last
            and members[first][1] < 0
            and members[last][1] < 0
            and items[members[first][0]].kind == OPEN
            and partner.get(members[first][0]) == members[last][0]
        ):
            first, last, head, tail = first + 1, last - 1, None, None
        elif (first, last) == before:
            break
    if first > last:
        return []
    kept = members[first : last + 1]
    if head is not None:
        kept[0] = head
    if tail is not None:
        kept[-1] = tail if len(kept) > 1 or head is None else (head[0], head[1], tail[2])
    return kept


def _unit(
    text: str,
    items: list[Item],
    read: _Flow,
    partner: dict[int, int],
    members: list[_Piece],
    kind: str,
) -> Draft | None:
    if not members:
        return None
    chunks, positions = read.chunks, read.positions
    k, a, b = members[0]
    first = positions[k] + (a if a >= 0 else 0)  # (in the splitter's text)
    start = (
        items[k].start + (read.offsets[k][a] if k in read.offsets else a)
        if a >= 0
        else items[k].start
    )
    k, a, b = members[-1]
    last = positions[k] + (b if a >= 0 else len(chunks[k]))
    end = (
        items[k].start + (read.offsets[k][b] if k in read.offsets else b)
        if a >= 0
        else items[k].end
    )
    if _HAS_LETTER.search(read.plain, first, last) is None:  # (tags have no letter there)
        return None
    parts: list[str] = []
    tags: list[tuple[str, str]] = []
    numbers: dict[int, int] = {}
    for k, a, b in members:
        if a >= 0:
            parts.append(_FOLD.sub(" ", chunks[k][a:b]) if read.spaced else chunks[k][a:b])
            continue
        item = items[k]
        letter = _LETTERS.get(item.name, "x")
        if item.kind == CLOSE:
            parts.append(f"</{letter}{numbers[partner[k]]}>")
        elif item.kind == OPEN:
            closing = items[partner[k]]
            tags.append((text[item.start : item.end], text[closing.start : closing.end]))
            numbers[k] = len(tags)
            parts.append(f"<{letter}{len(tags)}>")
        else:
            tags.append((text[item.start : item.end], ""))
            parts.append(f"<{letter}{len(tags)}/>")
    return start, end, kind, "".join(parts), tuple(tags)
