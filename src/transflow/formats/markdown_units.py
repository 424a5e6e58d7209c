"""A Markdown leaf block's units: its inline content split into sentences, each with its
numbered tags (see :mod:`.markdown`)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from transflow import markup
from transflow.formats.markdown_content import pieces
from transflow.formats.markdown_inline import Piece
from transflow.model import Unit

Splitter = Callable[[str], list[tuple[int, int]]]
_INLINE = re.compile(r"[\\`*_\[\]!<]")  # what may start inline markup
_OBJECT = "\ufffc"  # a standalone tag, in the plain text that sentences are split in


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def wordy(text: str) -> bool:
    """Whether a text has something to translate (a letter)."""
    if text.isascii():  # the common case, in C
        return _ASCII_LETTER.search(text) is not None
    return any(char.isalpha() for char in text)


def leaf_units(
    text: str,
    spans: list[tuple[int, int]],
    references: dict[str, None],
    kind: str,
    split: Splitter | None,
    line: int = 0,
) -> list[Unit]:
    """The units of the leaf on `line` whose content lines are `spans`, numbered in order
    (children, the alt texts and titles inside their sentence's markup, where they start)."""
    units = _units(text, spans, references, kind, split, line)
    if units and units[0].number == 0:  # children first: their places are found here
        units.sort(key=lambda u: u.start)
        return [Unit(line, n, *u[2:]) for n, u in enumerate(units, 1)]
    return units


def _units(
    text: str,
    spans: list[tuple[int, int]],
    references: dict[str, None],
    kind: str,
    split: Splitter | None,
    line: int,
) -> list[Unit]:
    if len(spans) == 1:
        start, end = spans[0]
        if not _INLINE.search(text, start, end):  # plain text: no markup to look for
            chunk = text[start:end]
            if split is None:
                stripped = chunk.strip()
                lead = len(chunk) - len(chunk.lstrip())
                found_spans = [(lead, lead + len(stripped))] if stripped else []
            else:
                found_spans = split(chunk)
            return _numbered(
                line,
                [
                    (kind, chunk[a:b], start + a, start + b)
                    for a, b in found_spans
                    if wordy(chunk[a:b])
                ],
            )
    found, children, content, at = pieces(text, spans, references)
    units = [  # children: numbered once their places are known
        Unit(0, 0, c.kind, c.text, c.start, c.end)
        for c in children
        if wordy(c.text) and not markup.looks_like_tag(c.text)
    ]
    plain_parts: list[str] = []
    offsets: list[int] = []
    add, mark = plain_parts.append, offsets.append
    size = 0
    tagged = False
    for role, start, end, _, tag, _ in found:
        mark(size)
        if role == "text":
            add(content[start:end])
            size += end - start
            continue
        if role == "soft":
            chunk = " "
        else:
            tagged = True
            if role != "empty":
                continue
            chunk = " " if tag.endswith("\n") else _OBJECT
        add(chunk)
        size += 1
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
        return units + _untagged(content, at, found, offsets, sentences, kind, line)
    if len(sentences) == 1:  # one sentence: every tag is its own
        return units + _single(content, at, found, offsets, sentences[0], kind, line)
    owners = _owners(found, offsets, sentences)
    while True:
        join = _unbalanced(found, owners)
        if join is None:
            break
        first, last = join
        sentences[first : last + 1] = [(sentences[first][0], sentences[last][1])]
        owners = _owners(found, offsets, sentences)
    return units + _tagged(content, at, found, offsets, sentences, owners, kind, line)


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
            # (an empty element in the blank between two sentences closes before it opens)
            return min(where[piece.pair], owner), max(where[piece.pair], owner)
    return None


def _untagged(
    content: str,
    at: Callable[[int], int],
    found: list[Piece],
    offsets: list[int],
    sentences: list[tuple[int, int]],
    kind: str,
    line: int,
) -> list[Unit]:
    if len(found) == 1:  # one text piece, in one line
        base = found[0].start
        shift = at(base) - base
        return _numbered(
            line,
            [
                (kind, content[base + s : base + e], shift + base + s, shift + base + e)
                for s, e in sentences
                if wordy(content[base + s : base + e])
            ],
        )
    return _tagged(content, at, found, offsets, sentences, [-1] * len(found), kind, line)


def _numbered(line: int, found: list[tuple[str, str, int, int]]) -> list[Unit]:
    return [Unit(line, n, *unit) for n, unit in enumerate(found, 1)]


def _single(
    content: str,
    at: Callable[[int], int],
    found: list[Piece],
    offsets: list[int],
    sentence: tuple[int, int],
    kind: str,
    line: int,
) -> list[Unit]:
    """:func:`_tagged` for a leaf of one sentence."""
    first, last = sentence
    parts: list[str] = []
    add = parts.append
    tags: list[tuple[str, str]] = []
    numbers: dict[int, int] = {}
    start = end = -1
    for piece, offset in zip(found, offsets, strict=True):
        role = piece.kind
        if role == "text":
            stop = offset + piece.end - piece.start
            a = offset if offset > first else first
            b = stop if stop < last else last
            if a < b:
                base = piece.start - offset
                add(content[base + a : base + b])
                if start < 0:
                    start = base + a
                end = base + b
            continue
        if role == "soft":
            if first <= offset < last:
                add(" ")
            continue
        if role == "close":
            number = numbers.get(piece.pair)
            if number is None:
                continue
            tags[number - 1] = (tags[number - 1][0], piece.markup)
            add(f"</{piece.letter}{number}>")
        else:
            tags.append((piece.markup, ""))
            number = len(tags)
            if role == "open":
                numbers[piece.pair] = number
                add(f"<{piece.letter}{number}>")
            else:
                add(f"<{piece.letter}{number}/>")
        if start < 0 or piece.start < start:
            start = piece.start
        if piece.end > end:
            end = piece.end
    body = "".join(parts)
    if body and wordy(markup.plain(body)):
        return [Unit(line, 1, kind, body, at(start), at(end - 1) + 1, tuple(tags))]
    return []


def _tagged(
    content: str,
    at: Callable[[int], int],
    found: list[Piece],
    offsets: list[int],
    sentences: list[tuple[int, int]],
    owners: list[int],
    kind: str,
    line: int,
) -> list[Unit]:
    """The units, in one pass: the sentence a piece goes to never decreases (`found` and
    `start`, `end` here: offsets in the content; `at`: their source offsets)."""
    units: list[Unit] = []
    count = len(sentences)
    current = 0
    parts: list[str] = []
    tags: list[tuple[str, str]] = []
    numbers: dict[int, int] = {}
    start = end = -1

    def flush() -> None:
        body = "".join(parts)
        if body and wordy(markup.plain(body) if tags else body):
            units.append(
                Unit(line, len(units) + 1, kind, body, at(start), at(end - 1) + 1, tuple(tags))
            )

    first = 0
    for piece, offset, owner in zip(found, offsets, owners, strict=True):
        role = piece.kind
        if owner < 0:
            length = 1 if role == "soft" else piece.end - piece.start
            while first < count and sentences[first][1] <= offset:
                first += 1
            index = first
            stop = offset + length
            while index < count and sentences[index][0] < stop:
                s, e = sentences[index]
                a = offset if offset > s else s
                b = stop if stop < e else e
                if a < b:
                    if index != current:
                        flush()
                        parts, tags, numbers, start, end = [], [], {}, -1, -1
                        current = index
                    if role == "soft":
                        parts.append(" ")
                    else:
                        base = piece.start - offset
                        parts.append(content[base + a : base + b])
                        if start < 0:
                            start = base + a
                        end = base + b
                index += 1
            continue
        if owner != current:
            flush()
            parts, tags, numbers, start, end = [], [], {}, -1, -1
            current = owner
        if role == "close":
            number = numbers.get(piece.pair)
            if number is None:
                continue
            tags[number - 1] = (tags[number - 1][0], piece.markup)
            parts.append(f"</{piece.letter}{number}>")
        else:
            tags.append((piece.markup, ""))
            number = len(tags)
            if role == "open":
                numbers[piece.pair] = number
                parts.append(f"<{piece.letter}{number}>")
            else:
                parts.append(f"<{piece.letter}{number}/>")
        if start < 0 or piece.start < start:
            start = piece.start
        if piece.end > end:
            end = piece.end
    flush()
    return units
