"""Rebuilding a Markdown document with translations (see :mod:`.markdown`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from transflow import markup
from transflow.formats import Output
from transflow.formats.markdown_syntax import escaped, front_value, opens_block, quoted
from transflow.model import Placed, Unit

if TYPE_CHECKING:
    from transflow.formats.markdown import Region

_SPACE_RUN = re.compile(r"[ \t]*\n[ \t]*")
# markup.TAG without its groups: the same matches, found as strings (no tuples made)
_TAG_TEXT = re.compile(r"</?[a-z]{1,3}[1-9][0-9]{0,3}/?>")
_new = tuple.__new__  # a named tuple made without its Python-level __new__: hot


class _Done(NamedTuple):
    """A unit's output: its text (tags as source markup), whether translated, broken;
    and the same with its tags, for wrapping word by word."""

    text: str
    translated: bool  # the output differs from the source (the unit or a child translated)
    broken: bool
    tagged: str = ""
    tags: tuple[tuple[str, str], ...] = ()
    own: bool = False  # the unit itself translated


class _Node:
    __slots__ = ("children", "done", "unit")

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.children: list[_Node] = []
        self.done: _Done | None = None  # its output, once rendered (None: unchanged)


def _tree(units: Sequence[Unit]) -> list[_Node]:
    """The units as a forest: a unit inside another's span (an alt text inside the
    sentence of its image) is its child."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for unit in sorted(units, key=lambda u: (u.start, -u.end)):
        node = _Node(unit)
        while stack and stack[-1].unit.end <= unit.start:
            stack.pop()
        if stack and unit.end <= stack[-1].unit.end:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)
    return roots


def _target(unit: Unit, translate: Callable[[str], str | None]) -> tuple[str | None, bool]:
    """The unit's translation when it differs from its source (None: the source), and
    whether a translation was refused for broken markup."""
    target = translate(unit.text)
    if not target or target == unit.text:
        return None, False
    if (
        (unit.tags or "<" in target)
        and _TAG_TEXT.findall(target) != _TAG_TEXT.findall(unit.text)  # moved, or broken
        and markup.problems(unit.text, target)
    ):
        return None, True
    if "\n" in target:
        target = _SPACE_RUN.sub(" ", target)
    return target, False


def _render(
    node: _Node, translate: Callable[[str], str | None], text: str, restore: bool = True
) -> _Done | None:
    """A unit's output, tags restored (not `restore`: its text left empty, for a unit
    whose paragraph is re-wrapped from its words); None when neither it nor its
    children changed."""
    unit = node.unit
    target, broken = _target(unit, translate)
    changed = []
    if node.children:
        for kid in node.children:
            kid.done = _render(kid, translate, text)
        changed = [
            (kid.unit, kid.done)
            for kid in node.children
            if kid.done is not None and kid.done.translated
        ]
    if target is None and not changed:
        return (
            _Done(text[unit.start : unit.end], False, True, unit.text, unit.tags)
            if broken
            else None
        )
    tags = unit.tags
    if changed:
        listed = list(tags)
        used: set[int] = set()
        for child, out in changed:
            _substitute(listed, used, child, out.text)
        tags = tuple(listed)
    source = target if target is not None else unit.text
    restored = "" if not restore else _restore(source, tags) if tags else source
    return _new(_Done, (restored, True, broken, source, tags, target is not None))


def _restore(text: str, tags: Sequence[tuple[str, str]]) -> str:
    """:func:`transflow.markup.restore`, for valid tags (checked first), in one pass."""
    if "<" not in text:
        return text

    def markup_of(match: re.Match[str]) -> str:
        closing, _, number, empty = match.groups()
        if closing and empty:
            return match.group()
        opening, close = tags[int(number) - 1]
        return close if closing else opening

    return markup.TAG.sub(markup_of, text)


def _substitute(tags: list[tuple[str, str]], used: set[int], child: Unit, written: str) -> None:
    """Put a child's output (an alt text, a title) into the markup of the tag holding it."""
    for number, (opening, closing) in enumerate(tags):
        if number in used:
            continue
        if child.kind == "alt" and opening.startswith("![") and opening[2:].startswith(child.text):
            rest = opening[2 + len(child.text) :]
            if rest in ("]", "][]"):  # a shortcut or collapsed reference: its text is its label
                rest = f"][{child.text}]"
            tags[number] = ("![" + written + rest, closing)
        else:
            for which, chunk in ((1, closing), (0, opening)):
                at = chunk.rfind(child.text)
                if at > 0 and chunk[at - 1] in "\"'(" and chunk.endswith(")"):
                    new = (
                        chunk[:at] + quoted(written, chunk[at - 1]) + chunk[at + len(child.text) :]
                    )
                    tags[number] = (opening, new) if which else (new, closing)
                    break
            else:
                continue
        used.add(number)
        return


def pieces(
    text: str,
    units: Sequence[Unit],
    translate: Callable[[str], str | None],
    regions: Sequence[Region],
) -> tuple[list[str], list[Placed]]:
    """The localized document as pieces of text to be written one after the other, and
    each unit's place in it (`regions`: the text's paragraphs of several lines)."""
    roots = _tree(units)
    out = Output()
    position = 0
    index = 0
    region_index = 0
    while index < len(roots):
        node = roots[index]
        start = node.unit.start
        while region_index < len(regions) and regions[region_index].spans[-1][1] <= start:
            region_index += 1
        region = regions[region_index] if region_index < len(regions) else None
        if region is not None and region.spans[0][0] <= start:
            members = []
            while index < len(roots) and roots[index].unit.start < region.spans[-1][1]:
                members.append(roots[index])
                index += 1
            done = [_render(n, translate, text, False) for n in members]
            region_index += 1
            if any(d is not None and d.translated for d in done):
                out.write(text[position : region.spans[0][0]])
                _rewrap(out, text, region, members, done)
                position = region.spans[-1][1]
            else:
                for n, d in zip(members, done, strict=True):
                    position = _copy(out, text, position, n, d)
            continue
        position = _copy(out, text, position, node, _render(node, translate, text))
        index += 1
    out.write(text[position:])
    return out.parts, out.placed


def _copy(out: Output, text: str, position: int, node: _Node, done: _Done | None) -> int:
    """A unit outside a re-wrapped paragraph: replaced in place, or left for the copy;
    where the copy goes on."""
    unit = node.unit
    end = unit.end
    if done is None or not done.translated:
        shift = out.size - position
        if done is not None and not done.translated:  # broken: the source kept
            out.write(text[position : unit.start])
            out.placed.append(
                Placed(
                    unit,
                    text[unit.start : unit.end],
                    out.size,
                    out.size + unit.end - unit.start,
                    False,
                    True,
                )
            )
            out.write(text[unit.start : unit.end])
            _place_children(out, node, text, out.size - (unit.end - unit.start), unit.start)
            return end
        _place_all(out, node, text, shift)
        return position
    out.write(text[position : unit.start])
    begin = out.size
    written = done.text
    if unit.kind.startswith("front matter"):
        written = front_value(text[unit.start - 1], written)
    elif unit.kind == "alt" and text.startswith("]", end) and not text.startswith("](", end):
        # the alt text of a shortcut or collapsed reference image is its label: keep it
        if text.startswith("][]", end):
            written, end = f"{written}][{unit.text}", end + 2
        elif not text.startswith("][", end):
            written = f"{written}][{unit.text}"
    out.write(written)
    out.placed.append(Placed(unit, written, begin, out.size, done.own, done.broken))
    _place_children(out, node, done.text, begin, 0)
    return end


def _place_all(out: Output, node: _Node, text: str, shift: int) -> None:
    unit = node.unit
    start, end = unit.start, unit.end
    out.placed.append(
        _new(Placed, (unit, text[start:end], shift + start, shift + end, False, False))
    )
    for child in node.children:
        _place_all(out, child, text, shift)


def _place_children(out: Output, node: _Node, written: str, begin: int, base: int) -> None:
    """The children of a written unit: where their text is found in it."""
    position = 0
    for child in node.children:
        done = child.done
        own = done is not None and done.own
        shown = done.text if done is not None and done.translated else child.unit.text
        at = written.find(shown, position)
        start = begin + max(at, 0)
        position = max(at, 0) + len(shown)
        broken = done is not None and done.broken
        out.placed.append(Placed(child.unit, shown, start, start + len(shown), own, broken))
        _place_children(out, child, written, begin, base)


_HARD = ""  # an atom that stands for a hard line break


def _rewrap(
    out: Output, text: str, region: Region, members: list[_Node], done: list[_Done | None]
) -> None:
    """A changed paragraph of several lines, wrapped at the source's width: words as
    they were, with a space (or a line break) only where the source had blanks."""
    spans, starts = region.spans, region.starts
    atoms: list[tuple[str, bool]] = []  # (word, a blank before it), _HARD for a hard break
    ranges = []  # each unit's atoms
    position = spans[0][0]
    spaced = False
    for node, result in zip(members, done, strict=True):
        unit = node.unit
        spaced = _gap(text, region, position, unit.start, atoms, spaced)
        source, tags = (
            (result.tagged, result.tags) if result is not None else (unit.text, unit.tags)
        )
        first = len(atoms)
        words = source.split()
        if tags and "<" in source:  # each word's tags restored (their markup has blanks)
            words = [_restore(word, tags) if "<" in word else word for word in words]
            if any("\n" in opening or "\n" in closing for opening, closing in tags):
                _hard_words(words, spaced, atoms)
                words = []
        if words:
            atoms.append((words[0], spaced))
            atoms += [(word, True) for word in words[1:]]
        ranges.append((first, len(atoms)))
        spaced = False
        position = unit.end
    _gap(text, region, position, spans[-1][1], atoms, spaced)
    width = max(end - line for (_, end), line in zip(spans, starts, strict=True))
    prefix = text[starts[1] : spans[1][0]]
    newline = "\n" + prefix
    buf: list[str] = []
    where: list[int] = []  # each atom's start in the region's output
    ends: list[int] = []  # and its end
    mark, close = where.append, ends.append
    add = buf.append
    column, size, line_start, hard = spans[0][0] - starts[0], 0, True, False
    indent, breaking = len(prefix), len(newline)
    opens = opens_block
    for word, spaced in atoms:
        if word is _HARD:
            add(newline)
            size += breaking
            column, line_start, hard = indent, True, True
            mark(size)
            close(size)
            continue
        length = len(word)
        if line_start:
            if hard and opens(word):
                word = escaped(word)
                length = len(word)
            line_start = hard = False
        elif not spaced:
            pass
        elif column + 1 + length > width and not opens(word):
            add(newline)
            size += breaking
            column = indent
        else:
            add(" ")
            size += 1
            column += 1
        mark(size)
        add(word)
        size += length
        close(size)
        column += length
    written = "".join(buf)
    base = out.size
    out.write(written)
    for node, result, (first, last) in zip(members, done, ranges, strict=True):
        begin = where[first] if first < last else (ends[first - 1] if first else 0)
        end = ends[last - 1] if first < last else begin
        piece = written[begin:end]
        translated = result is not None and result.own
        broken = result is not None and result.broken
        placed = (node.unit, piece, base + begin, base + end, translated, broken)
        out.placed.append(_new(Placed, placed))
        _place_children(out, node, piece, base + begin, 0)


def _hard_words(words: list[str], spaced: bool, atoms: list[tuple[str, bool]]) -> None:
    """The atoms of a unit's words (tags restored) whose markup may hold hard breaks."""
    for index, word in enumerate(words):
        blank = spaced or index > 0
        for number, piece in enumerate(word.split("\n")):
            if number:
                atoms.append((_HARD, False))
            if piece:
                atoms.append((piece, blank and not number))


def _gap(
    text: str, region: Region, start: int, end: int, atoms: list[tuple[str, bool]], spaced: bool
) -> bool:
    """The words of what lies between two units of a re-wrapped paragraph (line breaks
    and their prefixes are blanks); whether it ends in a blank."""
    if start >= end:
        return spaced
    chunks = []
    for index, (s, e) in enumerate(region.spans):
        if e < start:
            continue
        if s > end:
            break
        if index and s >= start:
            chunks.append(" ")  # the line break
        if max(s, start) < min(e, end):
            chunks.append(text[max(s, start) : min(e, end)])
    folded = "".join(chunks)
    if not folded.strip():
        return spaced or bool(folded)
    for match in re.finditer(r"\S+", folded):
        atoms.append((match.group(), spaced or match.start() > 0))
        spaced = False
    return folded[-1].isspace()
