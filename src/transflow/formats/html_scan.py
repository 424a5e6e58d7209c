"""The HTML format's reading half: :mod:`transflow.formats.html_tokens` gives every
construct's exact source offset, as Python's ``html.parser`` reads them; this module
turns its events into *flows* (runs of text and inline markup between two block
boundaries) and the attribute values people read.
:mod:`transflow.formats.html` makes units of them and puts translations back.

Nothing is re-serialised: every item is a span of the source.
"""

from __future__ import annotations

import re
from html import unescape
from itertools import islice
from typing import NamedTuple

from transflow.formats import html_tokens as ht

# inline elements: inside a flow, as tags; every other element is a block boundary
INLINE = frozenset(
    "a abbr acronym b bdi bdo big br cite code data del dfn em font i img input ins kbd "
    "mark q s samp small span strike strong sub sup time tt u var wbr ruby rb rt rp "
    "svg math".split()
)
VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
# their content is never translated, and a translate="yes" inside does not change that
HARD_SKIP = frozenset("script style pre textarea noscript iframe object xmp plaintext".split())
# inline elements whose content stays out of the msgid: one standalone tag for all of it
OPAQUE = frozenset("code kbd samp svg math".split())
FOREIGN = frozenset(("svg", "math"))  # their children are not HTML: only their own end ends them
READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
META_NAMES = frozenset(
    "description og:title og:description twitter:title twitter:description".split()
)
BUTTON_TYPES = frozenset(("submit", "button", "reset"))
_READ = frozenset(READ_ATTRIBUTES)
# after the start tag of one of these, scan skips every text and inline tag up to the next
# block element: their content is never translated (and a pre inside an svg is skipped
# with the svg, where only svg tags count: svg and math stay out). The tokenizer reports
# such a run as one text event: a page of highlighted code has 55% fewer events (spans,
# the most of them, are tried first)
QUIET: ht.Quiet = (
    HARD_SKIP - {"script", "style"},
    ht.run_pattern(("span", *sorted(INLINE - FOREIGN - {"span"}))),
)

# html.parser's own patterns for a start tag's name and attributes (Python 3.11-3.13), to
# find where each attribute value is in the source; a value found here that differs from
# the one the parser gave is not used
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"
    r"('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_NON_SPACE = re.compile(r"[^ \t\n\r\f]")

TEXT, OPEN, CLOSE, SOLO = 0, 1, 2, 3


class Item(NamedTuple):
    """One piece of a flow: text (a raw source span), or an inline tag."""

    kind: int  # TEXT, OPEN, CLOSE or SOLO
    start: int
    end: int
    name: str  # the element (OPEN, CLOSE; SOLO: "" for a comment or literal text)
    end_all: int = -1  # SOLO: where its markup ends when it is a whole element (code)


class Flow(NamedTuple):
    items: list[Item]
    context: str  # the innermost block element around it ("p", "h2", "title"...)


class Attribute(NamedTuple):
    kind: str  # "alt", "title", "description"...
    start: int  # the value, without its quotes
    end: int
    quote: str  # '"', "'" or "" (unquoted)


def attribute_spans(text: str, start: int, end: int) -> dict[str, tuple[int, int, str]]:
    """name -> (value start, value end, quote) for the start tag ``text[start:end]``."""
    found: dict[str, tuple[int, int, str]] = {}
    match = _TAG_NAME.match(text, start + 1, end)
    if match is None:
        return found
    k = match.end()
    while k < end:
        m = _ATTRIBUTE.match(text, k, end)
        if m is None or m.end() == k:
            break
        name = m.group(1).lower()
        if m.group(3) is not None and name not in found:
            a, b = m.span(3)
            quote = text[a] if text[a] in "'\"" and b - a >= 2 and text[b - 1] == text[a] else ""
            found[name] = (a + 1, b - 1, quote) if quote else (a, b, "")
        k = m.end()
    return found


def start_tag_end(text: str, start: int) -> int:
    """Where the start tag at `start` ends (after its ``>``; -1: it does not)."""
    match = _TAG_NAME.match(text, start + 1)
    if match is None:
        return -1
    k = match.end()
    while True:
        m = _ATTRIBUTE.match(text, k)
        if m is None or m.end() == k:
            break
        k = m.end()
    end = text.find(">", k)
    return end + 1 if end >= 0 else -1


# a start tag's attributes matter only when they may say translate="no" or class="notranslate"
# or be read (html.parser lowercases names and decodes values: a reference could hide
# one); <meta> and <input> are looked at whatever they hold. ASCII case is enough: no
# other character lowercases to these letters (the Kelvin sign's "k" is not in them)
_MAY_MATTER = re.compile(r"translate|alt|title|placeholder|aria-label|&", re.I | re.A)
_NO_ATTRIBUTES: list[tuple[str, str | None]] = []


def _flag(parent: int, tag: str, attrs: list[tuple[str, str | None]]) -> int:
    """Translatability of an element: 0 never (script...), 1 not (translate="no"), 2 yes."""
    if parent == 0 or tag in HARD_SKIP:
        return 0
    if not attrs:
        return parent
    flag = parent
    for name, value in attrs:
        if name == "translate":
            value = (value or "").strip().lower()
            flag = 1 if value == "no" else 2 if value in ("yes", "") else flag
        elif name == "class" and value and "notranslate" in value.split():
            flag = 1
    return flag


def read_attributes(
    text: str, start: int, end: int, tag: str, attrs: list[tuple[str, str | None]]
) -> list[Attribute]:
    """The attribute values of a start tag that people read, as units."""
    if tag not in ("meta", "input") and not any(name in _READ for name, _ in attrs):
        return []
    wanted: dict[str, str] = {}  # attribute -> unit kind
    values = dict(attrs)
    for name in READ_ATTRIBUTES:
        if values.get(name) and tag != "link":
            wanted[name] = name
    if tag == "meta" and values.get("content"):
        key = (values.get("name") or values.get("property") or "").strip().lower()
        if key in META_NAMES:
            wanted["content"] = "description" if key == "description" else key
    if (
        tag == "input"
        and values.get("value")
        and (values.get("type") or "").lower() in BUTTON_TYPES
    ):
        wanted["value"] = "value"
    if not wanted:
        return []
    spans = attribute_spans(text, start, end)
    found = []
    for name, kind in wanted.items():
        if name in spans:
            a, b, quote = spans[name]
            if unescape(text[a:b]) == values[name] and _HAS_LETTER.search(values[name] or ""):
                found.append(Attribute(kind, a, b, quote))
    return found


class Scan(NamedTuple):
    flows: list[Flow]
    attributes: list[Attribute]


def scan(text: str, quiet: ht.Quiet | None = None) -> Scan:
    """The flows and the readable attributes of an HTML document or fragment (`quiet`:
    the tokenizer's runs, :data:`QUIET` unless given)."""
    events = ht.events(text, QUIET if quiet is None else quiet)
    size = len(text)
    flows: list[Flow] = []
    attributes: list[Attribute] = []
    stack: list[tuple[str, int]] = []  # open block elements and their translatability
    items: list[Item] = []  # the flow being read (always empty where flag != 2)
    flag = 2
    opaque: tuple[str, int, int] | None = None  # (element, start, depth) being skipped inline
    may_matter = _MAY_MATTER.search
    new = tuple.__new__  # (an Item without NamedTuple's __new__, a Python function)
    ends = [event[0] for event in events]  # each event ends where the next one starts
    ends.append(size)
    for (at, kind, tag, end), following in zip(events, islice(ends, 1, None), strict=True):
        if flag != 2 and (kind in "tcd" or tag in INLINE):
            continue  # (only block elements change anything there)
        if opaque is not None:
            name, begin, depth = opaque
            if tag == name and kind != "v":
                if kind == "s":
                    opaque = (name, begin, depth + 1)
                elif depth > 1:
                    opaque = (name, begin, depth - 1)
                else:
                    items.append(new(Item, (SOLO, begin, following, name, following)))
                    opaque = None
                continue
            # what ends it: a block element (in svg/math, only the end of one open), a doctype
            if kind in "tc" or tag in INLINE:
                continue
            if (
                kind != "d"
                and name in FOREIGN
                and (kind != "/" or all(open_name != tag for open_name, _ in stack))
            ):
                continue
            items.append(new(Item, (SOLO, begin, at, name, at)))
            opaque = None
        if kind == "t":
            if items and items[-1].kind == TEXT and items[-1].end == at:
                items[-1] = new(Item, (TEXT, items[-1].start, following, "", -1))
            elif items or _NON_SPACE.search(text, at, following):  # (a flow's start)
                items.append(new(Item, (TEXT, at, following, "", -1)))
            continue
        if kind == "c":
            items.append(new(Item, (SOLO, at, following, "", -1)))
            continue
        if kind == "d":
            if items:
                _flush(text, items, stack, flows)
                items = []
            continue
        if end < 0:  # an end tag
            end = following
            attrs = _NO_ATTRIBUTES
        elif tag in OPAQUE:  # (one standalone tag whatever its attributes say)
            attrs = _NO_ATTRIBUTES
        elif tag in _WHATEVER_THEY_HOLD or may_matter(text, at + 2, end):
            attrs = ht.attributes(text, at, end)[0]
        else:
            attrs = _NO_ATTRIBUTES
        if tag in INLINE:
            if kind == "/":
                items.append(new(Item, (CLOSE, at, following, tag, -1)))
                continue
            own = _flag(flag, tag, attrs) if attrs else flag
            if tag in OPAQUE or own != 2:
                if kind == "v" or tag in VOID:
                    items.append(new(Item, (SOLO, at, end, tag, end)))
                else:
                    opaque = (tag, at, 1)
                continue
            if attrs:
                attributes += read_attributes(text, at, end, tag, attrs)
            if kind == "v" or tag in VOID:
                items.append(new(Item, (SOLO, at, end, tag, -1)))
            else:
                items.append(new(Item, (OPEN, at, end, tag, -1)))
            continue
        if items:
            _flush(text, items, stack, flows)
            items = []
        if kind == "/":
            if stack and stack[-1][0] == tag:
                stack.pop()
            else:
                for depth in range(len(stack) - 2, -1, -1):
                    if stack[depth][0] == tag:
                        del stack[depth:]
                        break
        else:
            if stack and (stack[-1][0] == "p" or (stack[-1][0] == tag and tag in _SIBLINGS)):
                stack.pop()
            own = _flag(flag, tag, attrs) if attrs or tag in HARD_SKIP else flag
            if own == 2 and attrs and tag not in ("html", "link"):
                attributes += read_attributes(text, at, end, tag, attrs)
            if kind == "s" and tag not in VOID:
                stack.append((tag, own))
        flag = stack[-1][1] if stack else 2
    if opaque is not None:
        items.append(new(Item, (SOLO, opaque[1], size, opaque[0], size)))
    _flush(text, items, stack, flows)
    return Scan(flows, attributes)


def _flush(text: str, items: list[Item], stack: list[tuple[str, int]], flows: list[Flow]) -> None:
    """`items` made a flow (in `flows`) if they have text with a letter."""
    for item in items:
        if item.kind == TEXT and _HAS_LETTER.search(text, item.start, item.end):
            flows.append(Flow(items, stack[-1][0] if stack else ""))
            return


_SIBLINGS = frozenset("li dt dd option tr td th".split())
_WHATEVER_THEY_HOLD = frozenset(("meta", "input"))


def decoded(raw: str) -> tuple[str, list[int] | None]:
    """`raw` with its character references decoded, and the raw offset of each decoded
    character (None when they are the same: no reference)."""
    if "&" not in raw:
        return raw, None
    parts: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _ENTITY.finditer(raw):
        a, b = match.span()
        parts.append(raw[position:a])
        offsets += range(position, a)
        piece = unescape(match.group())
        parts.append(piece)
        offsets += [a] * len(piece)
        position = b
    parts.append(raw[position:])
    offsets += range(position, len(raw) + 1)
    return "".join(parts), offsets
