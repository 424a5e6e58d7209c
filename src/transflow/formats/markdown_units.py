"""A Markdown leaf block's units: its inline content split into sentences, each with its
numbered tags (see :mod:`.markdown`)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from transflow import markup
from transflow.formats.markdown_inline import Piece, pieces
from transflow.model import Unit

Splitter = Callable[[str], list[tuple[int, int]]]
_OBJECT = "\ufffc"  # a standalone tag, in the plain text that sentences are split in


def wordy(text: str) -> bool:
    """Whether a text has something to translate (a letter)."""
    return any(char.isalpha() for char in text)


def leaf_units(
    text: str,
    spans: list[tuple[int, int]],
    references: dict[str, None],
    kind: str,
    split: Splitter | None,
) -> list[Unit]:
    """The units of a leaf whose content lines are `spans` (unordered: children, the alt
    texts and titles inside their sentence's markup, come first)."""
    found, children = pieces(text, spans, references)
    units = [
        Unit(0, 0, c.kind, c.text, c.start, c.end)
        for c in children
        if wordy(c.text) and not markup.looks_like_tag(c.text)
    ]
    plain_parts, offsets = [], []
    size = 0
    tagged = False
    for piece in found:
        offsets.append(size)
        role = piece.kind
        if role == "text":
            chunk = text[piece.start : piece.end]
        elif role == "soft":
            chunk = " "
        else:
            tagged = True
            if role != "empty":
                continue
            chunk = " " if piece.markup.endswith("\n") else _OBJECT
        plain_parts.append(chunk)
        size += len(chunk)
    plain = "".join(plain_parts)
    if split is None:
        stripped = plain.strip()
        lead = len(plain) - len(plain.lstrip())
        sentences = [(lead, lead + len(stripped))] if stripped else []
    else:
        sentences = split(plain)
    if not sentences:
        return units
    if not tagged:  # no markup: each sentence is a slice of the text pieces
        return units + _untagged(text, found, offsets, sentences, kind)
    owners = _owners(found, offsets, sentences)
    while True:
        join = _unbalanced(found, owners)
        if join is None:
            break
        first, last = join
        sentences[first : last + 1] = [(sentences[first][0], sentences[last][1])]
        owners = _owners(found, offsets, sentences)
    return units + _tagged(text, found, offsets, sentences, owners, kind)


def _owners(found: list[Piece], offsets: list[int], sentences: list[tuple[int, int]]) -> list[int]:
    """For each tag, the sentence it belongs to: an opening tag to the one it opens, a
    closing tag and a hard break to the one they end, a standalone tag (one character of
    the plain text) to the one it is in; -1 for text."""
    ends = [e for _, e in sentences]
    last = len(sentences) - 1
    owners = []
    for piece, offset in zip(found, offsets, strict=True):
        role = piece.kind
        if role == "text" or role == "soft":
            owners.append(-1)
        elif role == "close":
            index = bisect_left(ends, offset)
            if index > last:
                owners.append(last)
            else:
                owners.append(index if offset > sentences[index][0] or index == 0 else index - 1)
        else:
            index = bisect_right(ends, offset)
            if index > last:
                owners.append(last)
            elif offset >= sentences[index][0] or index == 0 or role == "open":
                owners.append(index)
            else:
                owners.append(index - 1 if piece.markup.endswith("\n") else index)
    return owners


def _unbalanced(found: list[Piece], owners: list[int]) -> tuple[int, int] | None:
    """Two sentences an element's opening and closing tags fall in, when they differ."""
    where: dict[int, int] = {}
    for piece, owner in zip(found, owners, strict=True):
        if piece.kind == "open":
            where[piece.pair] = owner
        elif piece.kind == "close" and where.get(piece.pair, owner) != owner:
            return where[piece.pair], owner
    return None


def _untagged(
    text: str, found: list[Piece], offsets: list[int], sentences: list[tuple[int, int]], kind: str
) -> list[Unit]:
    if len(found) == 1:  # one text piece
        base = found[0].start
        return [
            Unit(0, 0, kind, text[base + s : base + e], base + s, base + e)
            for s, e in sentences
            if wordy(text[base + s : base + e])
        ]
    return _tagged(text, found, offsets, sentences, [-1] * len(found), kind)


def _tagged(
    text: str,
    found: list[Piece],
    offsets: list[int],
    sentences: list[tuple[int, int]],
    owners: list[int],
    kind: str,
) -> list[Unit]:
    count = len(sentences)
    parts: list[list[str]] = [[] for _ in range(count)]
    tags: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    numbers: list[dict[int, int]] = [{} for _ in range(count)]
    starts = [-1] * count
    ends = [-1] * count
    first = 0
    for piece, offset, owner in zip(found, offsets, owners, strict=True):
        role = piece.kind
        if owner < 0:
            length = 1 if role == "soft" else piece.end - piece.start
            while first < count and sentences[first][1] <= offset:
                first += 1
            index = first
            while index < count and sentences[index][0] < offset + length:
                s, e = sentences[index]
                a, b = max(offset, s), min(offset + length, e)
                if a < b:
                    if role == "soft":
                        parts[index].append(" ")
                    else:
                        parts[index].append(
                            text[piece.start + a - offset : piece.start + b - offset]
                        )
                        if starts[index] < 0:
                            starts[index] = piece.start + a - offset
                        ends[index] = piece.start + b - offset
                index += 1
            continue
        bucket = parts[owner]
        if role == "close":
            number = numbers[owner].get(piece.pair)
            if number is None:
                continue
            opening = tags[owner][number - 1][0]
            tags[owner][number - 1] = (opening, piece.markup)
            bucket.append(f"</{piece.letter}{number}>")
        else:
            tags[owner].append((piece.markup, ""))
            number = len(tags[owner])
            if role == "open":
                numbers[owner][piece.pair] = number
                bucket.append(f"<{piece.letter}{number}>")
            else:
                bucket.append(f"<{piece.letter}{number}/>")
        if starts[owner] < 0 or piece.start < starts[owner]:
            starts[owner] = piece.start
        ends[owner] = max(ends[owner], piece.end)
    units = []
    for index in range(count):
        body = "".join(parts[index])
        if body and wordy(markup.plain(body) if tags[index] else body):
            units.append(Unit(0, 0, kind, body, starts[index], ends[index], tuple(tags[index])))
    return units
