"""What machine translation must not break.

- Inline placeholders and raw markup (``%s``, ``%(name)s``, ``{name}``, ``<b>``) never
  reach the model: a unit is cut at them, the pieces between are translated, and the
  placeholders are put back in place, exactly. Line breaks are cut at too, and the
  whitespace around each piece is kept.
- Inline-markup tags (:mod:`transflow.markup`: ``<b1>…</b1>``, ``<c2/>``) are not cut
  at: the model gets the whole sentence without its tags (:func:`untag`), and the tags
  are put back around the words that translate the words they were around
  (:func:`place`, by :mod:`transflow.wordalign`). A tag that could not be placed with
  confidence is placed by a guess that keeps the markup valid, and named, so that the
  draft is flagged. (A tag whose partner is beyond a cut, e.g. a line break, is cut at.)
- URLs, e-mail addresses, numbers and do-not-translate terms go through the model (they
  are part of the sentence), and are checked afterwards: :func:`lost` lists those that
  did not come out unchanged, and the draft is flagged with them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from transflow import markup, wordalign
from transflow.engines import Link
from transflow.patterns import PLACEHOLDER, URL, emails, unmatched_numbers, written_numbers

# where a unit is cut before it reaches the model: placeholders, markup, line breaks
_CUT = re.compile(PLACEHOLDER.pattern + r"|\r?\n")


def pieces(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, translatable) pairs; joining the pieces gives `text` back.

    Translatable pieces are stripped; the whitespace around them is a piece of its own.
    """
    out: list[tuple[str, bool]] = []

    def add_text(chunk: str) -> None:
        core = chunk.strip()
        if not core:
            if chunk:
                out.append((chunk, False))
            return
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()) :]
        if lead:
            out.append((lead, False))
        out.append((core, any(ch.isalpha() for ch in markup.plain(core))))
        if trail:
            out.append((trail, False))

    last = 0
    kept = _kept_tags(text)
    for match in _CUT.finditer(text):
        if match.start() in kept:
            continue
        add_text(text[last : match.start()])
        out.append((match.group(), False))
        last = match.end()
    add_text(text[last:])
    return out


def _kept_tags(text: str) -> set[int]:
    """Where the markup tags of `text` that stay inside a piece start: the standalone ones,
    and the paired ones whose partner is in the same piece."""
    found = markup.tags(text)
    if not found:
        return set()
    cuts = [m.start() for m in _CUT.finditer(text) if not markup.TAG.fullmatch(m.group())]
    piece = [sum(1 for cut in cuts if cut < tag.start) for tag in found]
    where: dict[tuple[str, int, str], list[int]] = {}
    for tag, number in zip(found, piece, strict=True):
        where.setdefault((tag.letter, tag.number, tag.role), []).append(number)
    partner = {"open": "close", "close": "open"}
    kept = set()
    for tag, number in zip(found, piece, strict=True):
        if tag.role == "empty" or where.get((tag.letter, tag.number, partner[tag.role])) == [
            number
        ]:
            kept.add(tag.start)
    return kept


@dataclass(frozen=True)
class Slot:
    """Where a tag was in the plain text (:func:`untag`)."""

    name: str  # "<b1>" or "<c2/>"
    start: int  # in the plain text; a standalone tag: where it stood
    end: int  # a paired tag: where it closed; a standalone tag: = start
    empty: bool  # standalone
    space_before: bool  # a standalone tag: whitespace before it in the source
    space_after: bool


@dataclass(frozen=True)
class Untagged:
    plain: str  # the text without its tags, what the model gets
    slots: tuple[Slot, ...]  # in the order the tags open


def untag(text: str) -> Untagged:
    """`text` without its tags, and where they were. A standalone tag between two spaces
    goes with one of them (``run <c1/> now`` -> ``run now``)."""
    parts: list[str] = []
    length = 0
    opened: dict[tuple[str, int], tuple[int, int]] = {}  # -> (plain offset, order)
    slots: list[tuple[int, Slot]] = []
    position = 0
    for order, tag in enumerate(markup.tags(text)):
        if tag.start < position:
            continue
        chunk = text[position : tag.start]
        parts.append(chunk)
        length += len(chunk)
        position = tag.end
        name = f"<{tag.letter}{tag.number}>"
        if tag.role == "open":
            opened[tag.letter, tag.number] = (length, order)
        elif tag.role == "close" and (tag.letter, tag.number) in opened:
            start, at = opened.pop((tag.letter, tag.number))
            slots.append((at, Slot(name, start, length, False, False, False)))
        elif tag.role == "empty":
            before = tag.start > 0 and text[tag.start - 1].isspace()
            after = tag.end < len(text) and text[tag.end].isspace()
            if after and (before or not any(part.strip() for part in parts)):
                position += 1  # one space for two, none at the start
            elif before and not markup.plain(text[tag.end :]).strip() and parts[-1]:
                parts[-1] = parts[-1][:-1]  # none at the end
                length -= 1
            empty = Slot(f"<{tag.letter}{tag.number}/>", length, length, True, before, after)
            slots.append((order, empty))
    parts.append(text[position:])
    return Untagged("".join(parts), tuple(slot for _, slot in sorted(slots)))


def place(source: Untagged, target: str, links: Sequence[Link] | None) -> tuple[str, list[str]]:
    """`target`, the translation of ``source.plain``, with the source's tags put back
    around the words that translate theirs; and the tags placed by a guess, not by the
    alignment (:mod:`transflow.wordalign`). The tags are always valid."""
    if not source.slots:
        return target, []
    found = wordalign.align(source.plain, target, links)
    if not found.target:
        return _wrap_all(source, target), [slot.name for slot in source.slots]
    placer = _Placer(source, target, found)
    for slot in source.slots:
        placer.add(slot)
    text = placer.render()
    if markup.problems(_tagged(source), text):  # never expected; valid markup comes first
        return _wrap_all(source, target), [slot.name for slot in source.slots]
    return text, placer.guessed


def _tagged(source: Untagged) -> str:
    """A text holding the source's tags (for checking a placement's tags)."""
    opens = "".join(s.name for s in source.slots)
    closes = "".join(s.name.replace("<", "</") for s in reversed(source.slots) if not s.empty)
    return opens + closes


def _wrap_all(source: Untagged, target: str) -> str:
    """The last resort: paired tags around the whole text, standalone ones at its end."""
    lead = target[: len(target) - len(target.lstrip())]
    core, trail = target.strip(), target[len(target.rstrip()) :]
    paired = [s for s in source.slots if not s.empty]
    opens = "".join(s.name for s in paired)
    closes = "".join(s.name.replace("<", "</") for s in reversed(paired))
    empty = "".join(s.name for s in source.slots if s.empty)
    return f"{lead}{opens}{core}{closes}{empty}{trail}"


class _Placer:
    def __init__(self, source: Untagged, target: str, found: wordalign.Alignment) -> None:
        self.source, self.target, self.found = source, target, found
        self.ranges: list[tuple[Slot, int, int]] = []  # paired: target words [i, j)
        self.points: list[tuple[Slot, int, str]] = []  # standalone: offset, text
        self.guessed: list[str] = []

    def _inside(self, slot: Slot) -> list[int]:
        return [i for i, (a, b) in enumerate(self.found.source) if a < slot.end and slot.start < b]

    def add(self, slot: Slot) -> None:
        inside = self._inside(slot)
        if slot.empty or not inside:
            self._add_point(slot)
            return
        found, count = self.found, len(self.found.target)
        if len(inside) == len(found.source):
            i, j, sure = 0, count, True
        else:
            owned = [t for t in range(count) if found.owner[t] in inside]
            anchors = [t for t in owned if found.sure[t]]
            likely = [t for t in owned if found.likely[t]]
            if anchors:
                i, j = min(anchors), max(anchors) + 1
                sure = self._confident(inside, i, j)
            elif likely:
                i, j, sure = min(likely), max(likely) + 1, False
            else:
                i, j = self._proportional(slot.start, slot.end)
                sure = False
        i, j, kept = self._uncross(i, j)
        if not (sure and kept):
            self.guessed.append(slot.name)
        self.ranges.append((slot, i, j))

    def _confident(self, inside: list[int], i: int, j: int) -> bool:
        """No target word of [i, j) is surely another's, and every content word inside
        surely owns a target word there."""
        found = self.found
        for t in range(i, j):
            if found.owner[t] not in inside and found.sure[t]:
                return False
        owners = {found.owner[t] for t in range(i, j) if found.sure[t]}
        for s in inside:
            a, b = found.source[s]
            word = wordalign.fold(self.source.plain[a:b])
            if s not in owners and (len(word) >= 3 or any(ch.isdigit() for ch in word)):
                return False
        return True

    def _proportional(self, start: int, end: int) -> tuple[int, int]:
        """The target words at the same relative place as the source's [start, end)."""
        scale = len(self.target) / max(1, len(self.source.plain))
        a, b = start * scale, max(end * scale, start * scale + 1)
        spans = self.found.target
        hit = [t for t, (x, y) in enumerate(spans) if x < b and a < y]
        if not hit:
            middle = (a + b) / 2
            hit = [min(range(len(spans)), key=lambda t: abs(sum(spans[t]) / 2 - middle))]
        return min(hit), max(hit) + 1

    def _uncross(self, i: int, j: int) -> tuple[int, int, bool]:
        """[i, j) widened until it crosses no range placed before (nesting is valid)."""
        kept = True
        changed = True
        while changed:
            changed = False
            for _, a, b in self.ranges:
                if (a < i < b < j) or (i < a < j < b):
                    i, j, kept, changed = min(i, a), max(j, b), False, True
        return i, j, kept

    def _add_point(self, slot: Slot) -> None:
        found, plain, target = self.found, self.source.plain, self.target
        name = slot.name if slot.empty else slot.name + slot.name.replace("<", "</")
        src, tgt = found.source, found.target
        before = [s for s, (_, b) in enumerate(src) if b <= slot.start]
        after = [s for s, (a, _) in enumerate(src) if a >= slot.start]
        space = " " if slot.space_before else ""
        if not before:
            at = 0 if not plain[: slot.start].strip() else tgt[0][0]
            self.points.append((slot, at, name + (" " if slot.space_after else "")))
            return
        if not after:
            at = len(target.rstrip()) if not plain[slot.start :].strip() else tgt[-1][1]
            self.points.append((slot, at, space + name))
            return
        for sure in (True, False):
            which = found.sure if sure else found.likely
            previous = [t for t, s in enumerate(found.owner) if s == before[-1] and which[t]]
            following = [t for t, s in enumerate(found.owner) if s == after[0] and which[t]]
            if not sure and (previous or following):
                self.guessed.append(slot.name)
            if previous:
                self.points.append((slot, tgt[max(previous)][1], space + name))
                return
            if following:
                text = name + (" " if slot.space_after else "")
                self.points.append((slot, tgt[min(following)][0], text))
                return
        i, _ = self._proportional(slot.start, slot.start)
        self.guessed.append(slot.name)
        self.points.append((slot, tgt[max(0, i - 1)][1] if i else tgt[0][0], space + name))

    def render(self) -> str:
        """The target with every tag inserted; at one offset: closing tags (inner first),
        standalone tags, then opening tags (outer first)."""
        tgt = self.found.target
        events: list[tuple[int, tuple[int, int, int], str]] = []
        plain, target = self.source.plain, self.target
        for rank, (slot, i, j) in enumerate(self.ranges):
            start, end = tgt[i][0], tgt[j - 1][1]
            if slot.start <= len(plain) - len(plain.lstrip()) and slot.end >= len(plain.rstrip()):
                start, end = len(target) - len(target.lstrip()), len(target.rstrip())  # all
            events.append((end, (0, -start, -rank), slot.name.replace("<", "</")))
            events.append((start, (2, -end, rank), slot.name))
        for rank, (_, at, text) in enumerate(self.points):
            events.append((at, (1, 0, rank), text))
        events.sort(key=lambda e: (e[0], e[1]))
        parts, position = [], 0
        for at, _, text in events:
            parts.append(self.target[position:at])
            parts.append(text)
            position = at
        parts.append(self.target[position:])
        return "".join(parts)


def lost(source: str, target: str, terms: Sequence[str] = ()) -> list[str]:
    """URLs, e-mails, numbers and `terms` of `source` that `target` does not keep unchanged.

    Numbers are compared by their digits, so locale separators (3,890 / 3 890 / 3.890)
    and Eastern Arabic or Urdu digits (۳۸۹۰) count as kept.
    """
    missing = [u for u in URL.findall(source) if u not in target]
    missing += [e.group() for e in emails(source) if e.group() not in target]
    gone = min((unmatched_numbers(source, target, split)[0] for split in (False, True)), key=len)
    missing += written_numbers(source, gone)
    missing += [t for t in terms if t in source and t not in target]
    return missing
