"""An HTML document's constructs, read as Python's ``html.parser`` reads them (the one of
Python 3.11-3.13.0, whose patterns are copied here), event for event, with each one's
exact offset, in one loop instead of a parser object's method calls (three times as
fast). ``tests/html_helpers.py`` compares the two on the edge cases, the corpus and
random markup.

Two things differ, on purpose: a construct left open at the end (``<!-- ...``, ``<a
href='x``) and everything after it are one comment, as a browser reads it (html.parser
reads it as text, once its ``close()`` has given up on it); and a marked section with an
unknown keyword (``<![foo[ ...``), on which html.parser raises ``AssertionError``, is a
comment to the next ``>``, as in a browser. And on request (the scanner's), a run of
text and usual inline tags after a ``<pre>`` is one text event (:func:`run_pattern`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

Attrs = list[tuple[str, str | None]]
# (offset, kind, tag, end): kind "s" start tag, "v" start tag closed by "/>", "/" end
# tag, "t" text, "c" comment (also a processing instruction, CDATA, bogus comment), "d"
# doctype; end is where a start tag's markup ends (other kinds: -1); a start tag's
# attributes are read on demand (:func:`attributes`)
Event = tuple[int, str, str, int]
Quiet = tuple[frozenset[str], re.Pattern[str]]

# html.parser's patterns (its tagfind_tolerant, attrfind_tolerant, locatestarttagend_tolerant
# with the tag name as a group, endtagfind), and _markupbase's
TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
ATTRIBUTE = re.compile(
    r'((?<=[\'"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*'
    r'(\'[^\']*\'|"[^"]*"|(?![\'"])[^>\s]*))?(?:\s|/(?!>))*'
)
_START_TAG = re.compile(
    r"""
  <([a-zA-Z][^\t\n\r\f />\x00]*)     # tag name
  (?:[\s/]*                          # optional whitespace before attribute name
    (?:(?<=['"\s/])[^\s/>][^\s/=>]*  # attribute name
      (?:\s*=+\s*                    # value indicator
        (?:'[^']*'                   # LITA-enclosed value
          |"[^"]*"                   # LIT-enclosed value
          |(?!['"])[^>\s]*           # bare value
         )
        \s*                          # possibly followed by a space
       )?(?:\s|/(?!>))*
     )*
   )?
  \s*                                # trailing whitespace
""",
    re.VERBOSE,
)
# the usual tags, that html.parser reads as this reads them (the tests compare the two):
# a start tag whose attributes are separated by whitespace, with a quoted value or a
# bare one without quotes, "=", "<", "`" or "/", followed by whitespace or ">"; an end tag
_WS = r"[\t\n\r\f ]"
_USUAL_ATTRIBUTES = (  # (after the tag name)
    rf"(?:{_WS}+[^\s/>\"'=<]+(?:{_WS}*={_WS}*"
    rf"(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`/]+(?=[\t\n\r\f >])))?)*"
    rf"{_WS}*(/?)>"
)
_NEXT = re.compile(  # (the last, empty alternative: any other construct)
    rf"<(?:([a-zA-Z][^\t\n\r\f />\x00]*){_USUAL_ATTRIBUTES}"
    r"|/\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>|)"
)
_END_TAG = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")
_COMMENT_END = re.compile(r"--\s*>")
_SECTION_END = re.compile(r"]\s*]\s*>")
_CONDITIONAL_END = re.compile(r"]\s*>")
_DECLARATION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_SECTIONS = frozenset(("temp", "cdata", "ignore", "include", "rcdata"))
_CONDITIONALS = frozenset(("if", "else", "endif"))
_RAW_TEXT = {name: re.compile(rf"</\s*{name}\s*>", re.I) for name in ("script", "style")}
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NEEDS_MORE = _LETTERS | {"=", "/", ""}


def attributes(text: str, start: int, end: int) -> tuple[Attrs, int]:
    """html.parser's attributes of the start tag at `start` whose markup ends at `end`,
    and where they end."""
    found: Attrs = []
    name = TAG_NAME.match(text, start + 1)
    assert name is not None
    k = name.end()
    while k < end:
        m = ATTRIBUTE.match(text, k)
        if m is None:
            break
        key, rest, value = m.group(1, 2, 3)
        if not rest:
            value = None
        elif value[:1] == "'" == value[-1:] or value[:1] == '"' == value[-1:]:
            value = value[1:-1]
        if value and "&" in value:
            value = unescape(value)
        found.append((key.lower(), value))
        k = m.end()
    return found, k


def _start_tag(text: str, i: int, out: list[Event]) -> tuple[int, str]:
    """The start tag at `i` (its event added to `out`), as html.parser reads it: where it
    ends (-1: it does not) and its name when it starts raw text (script, style)."""
    m = _START_TAG.match(text, i)
    assert m is not None  # (text[i + 1] is a letter)
    j = m.end()
    after = text[j : j + 1]
    if after == ">":
        end = j + 1
    elif after == "/":
        if not text.startswith("/>", j):
            return -1, ""
        end = j + 2
    elif after in _NEEDS_MORE:
        return -1, ""
    else:
        end = j
    tag = m.group(1).lower()
    rest = text[attributes(text, i, end)[1] : end].strip()
    if rest == ">":
        out.append((i, "s", tag, end))
        return end, tag if tag in _RAW_TEXT else ""
    out.append((i, "v", tag, end) if rest == "/>" else (i, "t", "", -1))
    return end, ""


def _end_tag(text: str, i: int, raw: str, out: list[Event]) -> tuple[int, bool]:
    """The end tag at `i` (its event added to `out`): where it ends (-1: it does not)
    and whether it ends the raw text element `raw` (when one is open)."""
    gt = text.find(">", i + 1)
    if gt < 0:
        return -1, False
    m = _END_TAG.match(text, i)
    if m is not None:
        name = m.group(1).lower()
        if raw and name != raw:
            out.append((i, "t", "", -1))
            return gt + 1, False
        out.append((i, "/", name, -1))
        return gt + 1, True
    if raw:
        out.append((i, "t", "", -1))
        return gt + 1, False
    found = TAG_NAME.match(text, i + 2)
    if found is None:
        if text.startswith("</>", i):
            return i + 3, False  # (no event)
        return _comment_to(text, i, ">", i + 2, out), False
    out.append((i, "/", found.group(1).lower(), -1))
    return text.find(">", found.end()) + 1, False


def _comment_to(text: str, i: int, close: str, start: int, out: list[Event]) -> int:
    end = text.find(close, start)
    if end < 0:
        return -1
    out.append((i, "c", "", -1))
    return end + len(close)


def _declaration(text: str, i: int, out: list[Event]) -> int:
    """``<!...`` at `i` that is not a comment: where it ends (-1: it does not)."""
    if text.startswith("<![", i):
        m = _DECLARATION_NAME.match(text, i + 3)
        if i + 3 == len(text) or (m is not None and m.end() == len(text)):
            return -1
        keyword = m.group().strip().lower() if m is not None else ""
        pattern = (
            _SECTION_END
            if keyword in _SECTIONS
            else _CONDITIONAL_END
            if keyword in _CONDITIONALS
            else None
        )
        if pattern is None:  # (html.parser: AssertionError)
            return _comment_to(text, i, ">", i + 2, out)
        close = pattern.search(text, i + 3)
        if close is None:
            return -1
        out.append((i, "c", "", -1))
        return close.end()
    if text[i : i + 9].lower() == "<!doctype":
        end = text.find(">", i + 9)
        if end < 0:
            return -1
        out.append((i, "d", "", -1))
        return end + 1
    return _comment_to(text, i, ">", i + 2, out)


def run_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """What :func:`events` may report as one text event: a run of text and of the usual
    start and end tags of the elements `names` (as :data:`_NEXT` reads them), tried in
    that order."""
    name = rf"(?ai:{'|'.join(names)})"
    return re.compile(
        rf"(?:[^<]++|<(?=[^a-zA-Z/!?])|<{name}(?=[\t\n\r\f />]){_USUAL_ATTRIBUTES}"
        rf"|</\s*{name}\s*>)*+"
    )


NO_RUNS: Quiet = (frozenset(), re.compile(""))


def events(text: str, quiet: Quiet = NO_RUNS) -> list[Event]:
    """Every construct of `text`, in order; each ends where the next one starts (or where
    the text ends), but for an empty end tag ``</>``, which has no event. With `quiet`
    (element names, a :func:`run_pattern`), what the pattern matches after the start tag
    of one of those elements is one text event (whose reader skips all of it)."""
    out: list[Event] = []
    append = out.append
    size = len(text)
    after, run = quiet[0], quiet[1].match
    i = 0
    while True:  # one search for the usual tags, from `i` to the first other construct
        for m in _NEXT.finditer(text, i):
            j = m.start()
            if i < j:
                append((i, "t", "", -1))
            last = m.lastindex
            if last == 3:
                append((j, "/", m[3].lower(), -1))
                i = m.end()
                continue
            if last == 2:
                tag = m[1].lower()
                i = m.end()
                if m[2]:
                    append((j, "v", tag, i))
                    continue
                append((j, "s", tag, i))
                if tag in _RAW_TEXT:
                    i = _raw_text(text, i, tag, out)
                elif tag in after:
                    k = run(text, i).end()  # type: ignore[union-attr]  # (it always matches)
                    if k == i:
                        continue
                    append((i, "t", "", -1))
                    i = k
                else:
                    continue
            else:
                i = _other(text, j, out)
            break
        else:
            if i < size:
                append((i, "t", "", -1))
            return out
        if i < 0:
            return out


def _raw_text(text: str, i: int, raw: str, out: list[Event]) -> int:
    """The content of the raw text element `raw` (script, style) from `i`, to its end
    tag: where that ends (-1: the text ends before; html.parser reports nothing then)."""
    pattern = _RAW_TEXT[raw]
    while True:
        m = pattern.search(text, i)
        if m is None:
            return -1
        if i < m.start():
            out.append((i, "t", "", -1))
        i, ended = _end_tag(text, m.start(), raw, out)
        if ended:
            return i


def _other(text: str, i: int, out: list[Event]) -> int:
    """The construct at `i` that is not a usual tag: where it ends (-1: it does not, and
    the rest of the text is one comment)."""
    after = text[i + 1 : i + 2]
    if after in _LETTERS:
        k, raw = _start_tag(text, i, out)
        if raw:
            return _raw_text(text, k, raw, out)
    elif after == "/":
        k = _end_tag(text, i, "", out)[0]
    elif after == "!":
        if text.startswith("<!--", i):
            m = _COMMENT_END.search(text, i + 4)
            k = -1 if m is None else m.end()
            if m is not None:
                out.append((i, "c", "", -1))
        else:
            k = _declaration(text, i, out)
    elif after == "?":
        k = _comment_to(text, i, ">", i + 2, out)
    elif not after:  # a "<" that ends the text
        k = -1
    else:
        out.append((i, "t", "", -1))
        k = i + 1
    if k < 0:  # left open: the rest is one comment
        out.append((i, "c", "", -1))
    return k
