"""Inline Markdown: a scanner after the CommonMark 0.31 inline algorithm.

Backslash escapes, code spans, autolinks, raw HTML, emphasis (the delimiter-run rules),
links and images (inline and reference), footnote references and hard line breaks: it
finds where each element's markup lies in a leaf's content, as nodes in source order
that :func:`transflow.formats.markdown_content.pieces` makes text pieces, soft line
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
_CODE = re.compile(r"`[^`]+`(?!`)")  # a code span of single backticks
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


class Delim:
    """A run of ``*`` or ``_``: how much of it opened and closed what."""

    __slots__ = (
        "after",
        "before",
        "can_close",
        "can_open",
        "char",
        "end",
        "left",
        "length",
        "right",
        "start",
    )

    def __init__(self, start: int, end: int, char: str) -> None:
        self.start, self.end = start, end
        self.char, self.length = char, end - start
        self.left = self.right = 0  # delimiters used from its left, from its right
        self.can_open = self.can_close = False
        self.before: list[tuple[str, str, str, int]] = []  # closing tags it ends with
        self.after: list[tuple[str, str, str, int]] = []  # opening tags it starts


_new = tuple.__new__  # a named tuple made without its Python-level __new__


def _kind_of(char: str) -> str:
    if not char or char.isspace():
        return "space"
    if char in _ASCII_PUNCTUATION or unicodedata.category(char)[0] in "PS":
        return "punct"
    return "other"


class Inline:
    """The scan of one leaf's inline content: its nodes are pieces (offsets in the content;
    ``bracket``: a ``[`` or ``![`` that opened nothing, text) and emphasis delimiter runs."""

    def __init__(self, content: str, references: dict[str, None]) -> None:
        self.s = content
        self.references = references
        self.nodes: list[Piece | Delim] = []
        self.brackets: list[tuple[int, bool, bool]] = []  # (node index, image, active)
        self.delimiters: list[int] = []
        self.children: list[tuple[str, int, int]] = []
        self.pairs = 0
        self.html = False  # an HTML tag seen (which may pair with another)
        # text that looks like a tag of ours is a standalone tag, not text
        self.lookalike = "<" in content and LOOKS_LIKE_TAG.search(content) is not None

    def tag(self, role: str, letter: str, start: int, end: int, markup: str, pair: int = 0) -> None:
        self.nodes.append(_new(Piece, (role, start, end, letter, markup, pair)))

    def text(self, start: int, end: int) -> None:
        if start < end:
            if self.lookalike:
                _lookalikes(self.nodes, self.s, start, end)
            else:
                self.nodes.append(_new(Piece, ("text", start, end, "", "", 0)))

    def folded(self, start: int, end: int) -> str:
        return self.s[start:end].replace("\n", " ")

    def scan(self) -> list[Piece | Delim]:
        s, size = self.s, len(self.s)
        add = self.nodes.append
        search, code = _SPECIAL.search, _CODE.match
        pos = plain = 0
        while True:
            match = search(s, pos)
            if match is None:
                break
            i = match.start()
            char = s[i]
            if char == "`" and (span := code(s, i)):  # the common code span, at once
                if plain < i:
                    self.text(plain, i)
                end = span.end()
                add(_new(Piece, ("empty", i, end, "c", span.group().replace("\n", " "), 0)))
                pos = plain = end
                continue
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
                node = self.delimiter(char, i, stop)
                if node is not None:  # (one that can neither open nor close is text)
                    self.text(plain, i)
                    self.delimiters.append(len(self.nodes))
                    add(node)
                    plain = stop
                pos = stop
                continue
            if char == "[" or (char == "!" and s.startswith("[", i + 1)):
                self.text(plain, i)
                width = 1 if char == "[" else 2
                self.brackets.append((len(self.nodes), char == "!", True))
                self.nodes.append(_new(Piece, ("bracket", i, i + width, "", "", 0)))
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
                    self.html = self.html or letter == "x"
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
                    self.nodes.append(_new(Piece, ("soft", trimmed, i + 1, "", "", 0)))
                pos = plain = i + 1
                continue
            pos = i + 1
        self.text(plain, size)
        self.emphasis(-1)
        return self.nodes

    def delimiter(self, char: str, start: int, stop: int) -> Delim | None:
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
        return node if node.can_open or node.can_close else None

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
        self.nodes[index] = _new(Piece, ("open", opener.start, opener.end, "a", "[", self.pairs))
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


def _lookalikes(out: list[Piece | Delim], content: str, start: int, end: int) -> None:
    """Text, the parts that look like a tag of ours (``<b1>``) made standalone tags."""
    last = start
    for match in LOOKS_LIKE_TAG.finditer(content, start, end):
        if match.start() > last:
            out.append(_new(Piece, ("text", last, match.start(), "", "", 0)))
        out.append(_new(Piece, ("empty", match.start(), match.end(), "x", match.group(), 0)))
        last = match.end()
    if last < end:
        out.append(_new(Piece, ("text", last, end, "", "", 0)))
