"""Inline markup in catalogs: short numbered tags.

A unit of a format with inline markup (Markdown, HTML) holds its markup as tags a
translator can read and move, and that checks and MT can verify, as OmegaT and Okapi do:
``The <b1>new</b1> version. See the <a2>setup guide</a2>.`` A paired tag ``<x1>…</x1>``
stands for an element with text inside (emphasis, a link); a standalone tag ``<c3/>``
for one without translatable text (a code span, an image, a line break). What each tag
stands for (its source markup) is the unit's :attr:`transflow.model.Unit.tags`, shown to
translators in an extracted comment (:func:`describe`), never in the translatable text.

Tags are numbered 1, 2, 3... in the order they open in the source; the letter says what
kind of markup it is (the format chooses: ``b`` bold, ``i`` italic, ``a`` link, ``c``
code, ``g`` image, ``x`` other). A translation may reorder tags and move text in and out
of them, but must keep every tag once, paired tags paired and properly nested.
Source text that itself looks like a tag is turned into a standalone tag by the format,
so that it reaches no translator or model as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

TAG = re.compile(r"<(/?)([a-z]{1,3})([1-9][0-9]{0,3})(/?)>")
_OPENING = re.compile(r"<([a-z]{1,3})([1-9][0-9]{0,3})(/?)>")  # TAG's, but a closing
_LOOKS_LIKE_TAG = re.compile(r"</?[a-z]{1,3}[1-9][0-9]{0,3}/?>")


class Tag(NamedTuple):
    role: str  # "open", "close" or "empty"
    letter: str
    number: int
    start: int  # offset in the text
    end: int


def looks_like_tag(text: str) -> bool:
    """Whether source text holds something a reader would take for a tag."""
    return _LOOKS_LIKE_TAG.search(text) is not None


def tags(text: str) -> list[Tag]:
    """The tags of `text`, in order."""
    found = []
    for match in TAG.finditer(text):
        closing, letter, number, empty = match.groups()
        if closing and empty:
            continue  # "</b1/>" is no tag
        role = "close" if closing else "empty" if empty else "open"
        found.append(Tag(role, letter, int(number), match.start(), match.end()))
    return found


def _signature(found: Sequence[Tag]) -> dict[tuple[str, int], list[str]]:
    roles: dict[tuple[str, int], list[str]] = {}
    for tag in found:
        roles.setdefault((tag.letter, tag.number), []).append(tag.role)
    return roles


def problems(source: str, target: str) -> list[str]:
    """What is wrong with the tags of `target`, a translation of `source`: tags missing,
    added, repeated, changed from paired to standalone, or badly nested. Empty: none."""
    wanted, got = tags(source), tags(target)
    if not wanted and not got:
        return []
    expected, found = _signature(wanted), _signature(got)
    issues = []
    for key in expected:
        if key not in found:
            issues.append(f"tag {_name(key, expected[key])} is missing")
        elif sorted(found[key]) != sorted(expected[key]):
            issues.append(f"tag {_name(key, expected[key])} is changed or repeated")
    issues += [
        f"tag {_name(key, found[key])} is not in the source" for key in found if key not in expected
    ]
    if not issues:
        stack: list[tuple[str, int]] = []
        for tag in got:
            key = (tag.letter, tag.number)
            if tag.role == "open":
                stack.append(key)
            elif tag.role == "close":
                if not stack:
                    issues.append(f"tag {_name(key, ['open'])} is closed before it opens")
                    break
                if stack[-1] != key:
                    inner, outer = _name(stack[-1], ["open"]), _name(key, ["open"])
                    issues.append(f"tags {outer} and {inner} are badly nested")
                    break
                stack.pop()
    return issues


def _name(key: tuple[str, int], roles: Sequence[str]) -> str:
    letter, number = key
    return f"<{letter}{number}/>" if "empty" in roles else f"<{letter}{number}>"


def restore(target: str, markup: Sequence[tuple[str, str]]) -> str:
    """`target` with each tag replaced by the source markup it stands for (``markup[n-1]``
    for tag n: its opening and its closing). The tags must be valid (:func:`problems`)."""
    parts, position = [], 0
    for tag in tags(target):
        parts.append(target[position : tag.start])
        opening, closing = markup[tag.number - 1]
        parts.append(closing if tag.role == "close" else opening)
        position = tag.end
    parts.append(target[position:])
    return "".join(parts)


def plain(text: str) -> str:
    """`text` without its tags (what a reader sees, what is compared for length)."""
    return TAG.sub("", text) if "<" in text else text


def describe(text: str, markup: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """Extracted-comment lines saying what each tag of a unit stands for:
    ``<a2> = [setup guide](https://example.com/setup)``."""
    lines = []
    seen = set()
    for match in _OPENING.finditer(text):  # (a template has one call per tagged unit)
        letter, digits, empty = match.groups()
        number = int(digits)
        if number in seen or number > len(markup):
            continue
        seen.add(number)
        opening, closing = markup[number - 1]
        if empty:
            shown, name = opening, f"<{letter}{number}/>"
        else:
            shown, name = f"{opening}…{closing}", f"<{letter}{number}>"
        lines.append(f"{name} = {' '.join(shown.split())}")
    return tuple(lines)
