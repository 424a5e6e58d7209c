"""Link reference definitions (``[label]: /url "title"``) at the start of a paragraph."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transflow.formats.markdown_blocks import Leaf

_LABEL = r"\[((?:[^\\\[\]]|\\.){0,999})\]:"
_SPACE = r"[ \t]*\n?[ \t]*"
_DESTINATION = r"(?:<(?:[^<>\n\\]|\\.)*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+)"
_TITLE = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))"""
_DEFINITION = re.compile(
    rf"{_LABEL}{_SPACE}({_DESTINATION})(?:([ \t]*\n?[ \t]*)(?<=[ \t\n]){_TITLE})?[ \t]*(?:\n|$)"
)
_UNTITLED = re.compile(rf"{_LABEL}{_SPACE}({_DESTINATION})[ \t]*(?:\n|$)")


def definitions(
    text: str,
    leaf: Leaf,
    references: dict[str, None],
    titles: list[tuple[int, int, int]],
) -> None:
    """Take the link reference definitions that open the paragraph `leaf` out of it:
    their labels go to `references`, their titles (line, start, end) to `titles`."""
    if not text.startswith("[", leaf.spans[0][0]):
        return
    from transflow.formats.markdown_syntax import normalize_label

    bases = []
    parts = []
    size = 0
    for start, end in leaf.spans:
        bases.append(size)
        parts.append(text[start:end])
        size += end - start + 1
    content = "\n".join(parts)
    position = 0
    while position < len(content) and content.startswith("[", position):
        match = _DEFINITION.match(content, position)
        if match is None or "\n\n" in match.group(0) or _blank_title(match.group(4)):
            match = _UNTITLED.match(content, position)
        if match is None:
            break
        label = match.group(1)
        if not label.strip() or (match.lastindex or 0) < 2:
            break
        key = normalize_label(label)
        references.setdefault(key, None)
        if match.re is _DEFINITION and match.group(4):
            t_start, t_end = match.start(4) + 1, match.end(4) - 1
            line = _line_of(bases, t_start)
            titles.append(
                (
                    leaf.line + line,
                    _offset(leaf, bases, t_start),
                    _offset(leaf, bases, t_end - 1) + 1 if t_end > t_start else -1,
                )
            )
        position = match.end()
    if position == 0:
        return
    consumed = _line_of(bases, position) if position < len(content) else len(leaf.spans)
    if position < len(content) and position != bases[consumed]:
        consumed += 1
    del leaf.spans[:consumed], leaf.starts[:consumed]
    leaf.line += consumed
    titles[:] = [t for t in titles if t[2] >= 0]


def _blank_title(title: str | None) -> bool:
    return (
        title is not None
        and "\n" in title
        and any(not line.strip() for line in title.split("\n")[1:-1])
    )


def _line_of(bases: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(bases, offset) - 1


def _offset(leaf: Leaf, bases: list[int], offset: int) -> int:
    line = _line_of(bases, offset)
    return leaf.spans[line][0] + offset - bases[line]
