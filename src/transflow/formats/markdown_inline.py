"""Inline Markdown: a scanner after the CommonMark 0.31 inline algorithm.

Backslash escapes, code spans, autolinks, raw HTML, emphasis (the delimiter-run rules),
links and images (inline and reference), footnote references and hard line breaks: it
finds where each element's markup lies in a leaf's content, as nodes in source order
that :func:`transflow.formats.markdown_units.pieces` makes text pieces, soft line
breaks and tags (:mod:`transflow.markup`): paired ``open``/``close`` (emphasis,
strong, links, inline HTML elements) and standalone ``empty`` (code spans, images,
autolinks, footnote references, other HTML, hard breaks). Entities and escapes stay
as they are in the text.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from transflow.formats.markdown_syntax import CLOSE_TAG, OPEN_TAG, normalize_label

_SPECIAL = re.compile(r"[\\`*_\[\]!<\n]")
_CLOSERS: dict[int, re.Pattern[str]] = {}  # backtick run length -> its closing run
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*|[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}"
    r"[a-zA-Z0-9])?)*)>"
)
_HTML = re.compile(
    rf"{OPEN_TAG}|{CLOSE_TAG}|<!-->|<!--->|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<![A-Za-z][^>]*>"
    r"|<!\[CDATA\[[\s\S]*?\]\]>"
)
TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_RAW = r"(?:[^ \t\n\r\f\v()\\\x00-\x1f]|\\.)"
_DESTINATION = rf"(?:<(?:[^<>\n\\]|\\.)*>|(?:{_RAW}|\((?:{_RAW}|\((?:{_RAW})*\))*\))+)"
_TITLE = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\))"""
_BLANK = r"[ \t]*\n?[ \t]*"  # blanks with at most one line break
_INLINE_LINK = re.compile(
    rf"\({_BLANK}(?:{_DESTINATION})?(?:{_BLANK}(?<=[ \t\n(]){_TITLE})?{_BLANK}\)"
)
_LABEL = re.compile(r"\[((?:[^\\\[\]]|\\.){0,999})\]")
LOOKS_LIKE_TAG = re.compile(r"</?[a-z]{1,3}[1-9][0-9]{0,3}/?>")


class Piece(NamedTuple):
    kind: str  # text, soft, open, close, empty
    start: int  # source offsets
    end: int
    letter: str = ""
    markup: str = ""
    pair: int = 0  # open/close: which element


class Child(NamedTuple):
    kind: str  # alt, title
    start: int  # source offsets
    end: int
    text: str


class _Node:
    __slots__ = ("end", "kind", "letter", "markup", "pair", "start")

    def __init__(self, kind: str, start: int, end: int) -> None:
        self.kind = kind  # text, soft, open, close, empty, bracket; _Delim: delim
        self.start, self.end = start, end
        self.letter = self.markup = ""
        self.pair = 0


class Delim(_Node):
    """A run of ``*`` or ``_``: how much of it opened and closed what."""

    __slots__ = ("after", "before", "can_close", "can_open", "char", "left", "length", "right")

    def __init__(self, start: int, end: int, char: str) -> None:
        super().__init__("delim", start, end)
        self.char, self.length = char, end - start
        self.left = self.right = 0  # delimiters used from its left, from its right
        self.can_open = self.can_close = False
        self.before: list[tuple[str, str, str, int]] = []  # closing tags it ends with
        self.after: list[tuple[str, str, str, int]] = []  # opening tags it starts


def _kind_of(char: str) -> str:
    if not char or char.isspace():
        return "space"
    if char in _ASCII_PUNCTUATION or unicodedata.category(char)[0] in "PS":
        return "punct"
    return "other"


class Inline:
    def __init__(self, content: str, references: dict[str, None]) -> None:
        self.s = content
        self.references = references
        self.nodes: list[_Node] = []
        self.brackets: list[tuple[int, bool, bool]] = []  # (node index, image, active)
        self.delimiters: list[int] = []
        self.children: list[tuple[str, int, int]] = []
        self.pairs = 0

    def tag(self, role: str, letter: str, start: int, end: int, markup: str, pair: int = 0) -> None:
        node = _Node(role, start, end)
        node.letter, node.markup, node.pair = letter, markup, pair
        self.nodes.append(node)

    def text(self, start: int, end: int) -> None:
        if start < end:
            self.nodes.append(_Node("text", start, end))

    def folded(self, start: int, end: int) -> str:
        return self.s[start:end].replace("\n", " ")

    def scan(self) -> list[_Node]:
        s, size = self.s, len(self.s)
        pos = plain = 0
        while True:
            match = _SPECIAL.search(s, pos)
            if match is None:
                break
            i = match.start()
            char = s[i]
            if char == "\\":
                if i + 1 < size and s[i + 1] == "\n":
                    self.text(plain, i)
                    self.tag("empty", "x", i, i + 2, "\\\n")
                    pos = plain = i + 2
                else:
                    pos = i + 2
                continue
            if char == "`":
                stop = i
                while stop < size and s[stop] == "`":
                    stop += 1
                run = stop - i
                closer = _CLOSERS.get(run) or _CLOSERS.setdefault(
                    run, re.compile(rf"(?<!`)`{{{run}}}(?!`)")
                )
                closing = closer.search(s, stop)
                if closing:
                    self.text(plain, i)
                    self.tag("empty", "c", i, closing.end(), self.folded(i, closing.end()))
                    pos = plain = closing.end()
                else:
                    pos = stop
                continue
            if char in "*_":
                stop = i
                while stop < size and s[stop] == char:
                    stop += 1
                self.text(plain, i)
                self.delimiter(char, i, stop)
                pos = plain = stop
                continue
            if char == "[" or (char == "!" and s.startswith("[", i + 1)):
                self.text(plain, i)
                width = 1 if char == "[" else 2
                self.brackets.append((len(self.nodes), char == "!", True))
                self.nodes.append(_Node("bracket", i, i + width))
                pos = plain = i + width
                continue
            if char == "]":
                self.text(plain, i)
                end = self.close_bracket(i)
                plain, pos = (i, i + 1) if end < 0 else (end, end)
                continue
            if char == "<":
                found = _AUTOLINK.match(s, i) or _HTML.match(s, i)
                if found:
                    self.text(plain, i)
                    letter = "a" if found.re is _AUTOLINK else "x"
                    self.tag("empty", letter, i, found.end(), s[i : found.end()])
                    pos = plain = found.end()
                else:
                    pos = i + 1
                continue
            if char == "\n":
                spaces = i
                while spaces > plain and s[spaces - 1] == " ":
                    spaces -= 1
                trimmed = spaces
                while trimmed > plain and s[trimmed - 1] == "\t":
                    trimmed -= 1
                self.text(plain, trimmed)
                if i - spaces >= 2:
                    self.tag("empty", "x", spaces, i + 1, s[spaces : i + 1])
                else:
                    self.nodes.append(_Node("soft", trimmed, i + 1))
                pos = plain = i + 1
                continue
            pos = i + 1
        self.text(plain, size)
        self.emphasis(-1)
        return self.nodes

    def delimiter(self, char: str, start: int, stop: int) -> None:
        s = self.s
        before = _kind_of(s[start - 1] if start > 0 else "")
        after = _kind_of(s[stop] if stop < len(s) else "")
        left = after != "space" and (after != "punct" or before in ("space", "punct"))
        right = before != "space" and (before != "punct" or after in ("space", "punct"))
        node = Delim(start, stop, char)
        if char == "*":
            node.can_open, node.can_close = left, right
        else:
            node.can_open = left and (not right or before == "punct")
            node.can_close = right and (not left or after == "punct")
        self.delimiters.append(len(self.nodes))
        self.nodes.append(node)

    def close_bracket(self, i: int) -> int:
        s = self.s
        if not self.brackets:
            return -1
        index, image, active = self.brackets[-1]
        if not active:
            self.brackets.pop()
            return -1
        opener = self.nodes[index]
        end, title, label = self.link_end(opener.end, i)
        if end < 0:
            self.brackets.pop()
            return -1
        self.brackets.pop()
        if image:
            self.children.append(("alt", opener.end, i))
            if title:
                self.children.append(("title", *title))
            del self.nodes[index:]
            self.delimiters = [d for d in self.delimiters if d < index]
            self.tag("empty", "g", opener.start, end, self.folded(opener.start, end))
            return end
        if s.startswith("^", opener.end):  # a footnote reference
            del self.nodes[index:]
            self.delimiters = [d for d in self.delimiters if d < index]
            self.tag("empty", "f", opener.start, end, self.folded(opener.start, end))
            return end
        self.emphasis(index)
        self.pairs += 1
        opener.kind, opener.letter, opener.markup, opener.pair = "open", "a", "[", self.pairs
        closing = self.folded(i, end) if label is None else f"][{self.folded(opener.end, i)}]"
        self.tag("close", "a", i, end, closing, self.pairs)
        if title:
            self.children.append(("title", *title))
        self.brackets = [(n, img, img and act) for n, img, act in self.brackets]
        return end

    def link_end(self, text_start: int, i: int) -> tuple[int, tuple[int, int] | None, str | None]:
        """Where the link or image whose text ends at `i` ends (-1: none), its title's
        span, and for a shortcut or collapsed reference (whose text is its label) the label."""
        s, after = self.s, i + 1
        if s.startswith("(", after):
            match = _INLINE_LINK.match(s, after)
            if match:
                for group in (1, 2, 3):
                    if match.group(group) is not None:
                        return match.end(), (match.start(group), match.end(group)), None
                return match.end(), None, None
        label_text = s[text_start:i]
        if s.startswith("[", after):
            match = _LABEL.match(s, after)
            if match:
                label = match.group(1) or label_text
                if normalize_label(label) in self.references and label.strip():
                    return match.end(), None, (None if match.group(1) else label_text)
                if match.group(1):
                    return -1, None, None
        footnote = "footnote:" + normalize_label(label_text[1:])
        if label_text.startswith("^") and len(label_text) > 1 and footnote in self.references:
            return after, None, None
        if (
            label_text.strip()
            and normalize_label(label_text) in self.references
            and ("[" not in label_text or _LABEL.fullmatch(f"[{label_text}]"))
        ):
            return after, None, label_text
        return -1, None, None

    def emphasis(self, bottom: int) -> None:
        nodes = self.nodes
        delims = [d for d in self.delimiters if d > bottom]
        self.delimiters = [d for d in self.delimiters if d <= bottom]
        floors: dict[tuple[str, bool, int], int] = {}
        current = 0
        while current < len(delims):
            closer = nodes[delims[current]]
            assert isinstance(closer, Delim)
            if not closer.can_close:
                current += 1
                continue
            key = (closer.char, closer.can_open, closer.length % 3)
            floor = floors.get(key, bottom)
            found = -1
            j = current - 1
            while j >= 0 and delims[j] > floor:
                opener = nodes[delims[j]]
                assert isinstance(opener, Delim)
                if opener.char == closer.char and opener.can_open:
                    odd = (
                        (closer.can_open or opener.can_close)
                        and (opener.length + closer.length) % 3 == 0
                        and not (opener.length % 3 == 0 and closer.length % 3 == 0)
                    )
                    if not odd:
                        found = j
                        break
                j -= 1
            if found < 0:
                floors[key] = delims[current - 1] if current > 0 else bottom
                if not closer.can_open:
                    del delims[current]
                else:
                    current += 1
                continue
            opener = nodes[delims[found]]
            assert isinstance(opener, Delim)
            left = opener.length - opener.left - opener.right
            right = closer.length - closer.left - closer.right
            use = 2 if left >= 2 and right >= 2 else 1
            letter = "b" if use == 2 else "i"
            self.pairs += 1
            opener.right += use
            closer.left += use
            opener.after.insert(0, ("open", letter, closer.char * use, self.pairs))
            closer.before.append(("close", letter, closer.char * use, self.pairs))
            del delims[found + 1 : current]
            current = found + 1
            if left == use:
                del delims[found]
                current -= 1
            if right == use:
                del delims[current]
