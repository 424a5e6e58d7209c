"""The HTML format's units: a flow (:mod:`transflow.formats.html_scan`) split into
sentences that never cut an inline element, each with its numbered tags."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

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
    """What an inline tag is in the text the sentence splitter sees."""
    if item.kind != SOLO:
        return ""
    if item.name == "br":
        return " "
    return "\ufffc" if item.name in _WIDE or (item.end_all >= 0 and item.name != "") else ""


def flow_units(text: str, flow: Flow, options: SegmentationConfig) -> list[Draft]:
    """The units of one flow."""
    items = flow.items
    texts: dict[int, tuple[str, list[int] | None]] = {}
    letters = False
    for k, item in enumerate(items):
        if item.kind == TEXT:
            texts[k] = found = decoded(text[item.start : item.end])
            letters = letters or _HAS_LETTER.search(found[0]) is not None
    if not letters:
        return []
    if any(markup.looks_like_tag(value) for value, _ in texts.values()):
        items = _literals(text, items)
        texts = {k: decoded(text[i.start : i.end]) for k, i in enumerate(items) if i.kind == TEXT}
    items, partner = _paired(items)
    chunks, positions, size = [], [], 0
    for k, item in enumerate(items):
        positions.append(size)
        chunk = texts[k][0] if item.kind == TEXT else _width(item)
        chunks.append(chunk)
        size += len(chunk)
    plain = "".join(chunks)
    cuts: list[tuple[int, int]] = []
    if options.unit != "paragraph":
        spans = split_sentences(plain, frozenset(options.abbreviations), options.non_breaking)
        cuts = [(spans[n][1], spans[n + 1][0]) for n in range(len(spans) - 1)]
    if cuts and partner:
        cuts = _whole_elements(cuts, partner, positions)
    pieces: list[list[_Piece]] = [[] for _ in range(len(cuts) + 1)]
    ends = [e for e, _ in cuts]
    starts = [s for _, s in cuts]
    for k, item in enumerate(items):
        at = positions[k]
        if item.kind == TEXT:
            length = len(texts[k][0])
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
        elif len(chunks[k]):
            pieces[bisect_right(starts, at)].append((k, -1, -1))
        else:
            pieces[bisect_left(starts, at)].append((k, -1, -1))
    kind = (
        "heading"
        if flow.context in _HEADINGS
        else "page title"
        if flow.context == "title"
        else options.unit
    )
    drafts = []
    for members in pieces:
        draft = _unit(text, items, texts, partner, _trimmed(items, texts, partner, members), kind)
        if draft is not None:
            drafts.append(draft)
    return drafts


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
    texts: dict[int, tuple[str, list[int] | None]],
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
                value = texts[k][0]
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
                value = texts[k][0]
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
    texts: dict[int, tuple[str, list[int] | None]],
    partner: dict[int, int],
    members: list[_Piece],
    kind: str,
) -> Draft | None:
    parts: list[str] = []
    tags: list[tuple[str, str]] = []
    numbers: dict[int, int] = {}
    letters = False
    for k, a, b in members:
        item = items[k]
        if a >= 0:
            value = texts[k][0][a:b]
            letters = letters or _HAS_LETTER.search(value) is not None
            parts.append(_FOLD.sub(" ", value))
            continue
        letter = _LETTERS.get(item.name, "x") if item.name != _UNPAIRED else "x"
        if item.kind == CLOSE:
            parts.append(f"</{letter}{numbers[partner[k]]}>")
            continue
        tags.append(
            (text[item.start : item.end], text[items[partner[k]].start : items[partner[k]].end])
            if item.kind == OPEN
            else (text[item.start : item.end], "")
        )
        numbers[k] = len(tags)
        parts.append(f"<{letter}{len(tags)}>" if item.kind == OPEN else f"<{letter}{len(tags)}/>")
    if not letters:
        return None
    return (
        _offset(items, texts, members[0], True),
        _offset(items, texts, members[-1], False),
        kind,
        "".join(parts),
        tuple(tags),
    )


def _offset(
    items: list[Item],
    texts: dict[int, tuple[str, list[int] | None]],
    piece: _Piece,
    first: bool,
) -> int:
    k, a, b = piece
    item = items[k]
    if a < 0:
        return item.start if first else item.end
    offsets = texts[k][1]
    local = a if first else b
    return item.start + (offsets[local] if offsets else local)
