"""A fast rule-based English sentence splitter.

Candidate boundaries come from one regular expression: a run of terminal punctuation
(``.``, ``?``, ``!``, ``…``, a spaced ellipsis ``. . .``), the closing quotes and brackets
attached to it, and the whitespace after it. Each candidate is then accepted or rejected
by cheap checks on the word before it and the word after it:

* a lowercase word (or a comma) after the punctuation never starts a sentence;
* ``?`` and ``!`` end a sentence before anything else;
* ``...`` and ``…`` end one only before a capital letter; a spaced ``. . .`` never does,
  and a four-dot ellipsis does (after its first dot when that dot ends a word);
* after a period, the word before it decides: titles (``Mr.``) never end a sentence;
  abbreviations (``Co.``, ``Feb.``, ``No.``) do not before a digit; initials (``E.``) and
  dotted abbreviations (``U.S.``) only before a common sentence starter (``He``, ``The``);
* with no space after it, a period ends a sentence only between a lowercase word and a
  capitalized one (``conditions.Mammadov``), or before a capital after a closing quote
  (``missing.”On``);
* URLs, e-mail addresses and caller-supplied strings are never split; numbered and
  lettered lists (``1.) ... 2.) ...``, ``a. ... b. ...``) start a sentence at each item.

These rules pass the 48 English "golden rules" of the Pragmatic Segmenter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from transflow import sentences_rules as rules

__all__ = ["split_sentences"]

_OPENERS = "“‘\"'([{«¿¡"
_CLOSERS = "”’\"')]}»"
_QUOTES = "”’\"'»"

# terminal punctuation, attached closers, whitespace
_CANDIDATE = re.compile(r"[.?!‽…](?:(?<=\.)(?: \.){2,}|[.?!‽…]*)([”’\"')\]}»]*)(\s*)")
_NEXT_WORD = re.compile(r"[“‘\"'(\[{«]*([^\W\d_]+)")
_DOTTED = re.compile(r"[A-Za-z]{1,2}(?:\.[A-Za-z]{1,2})+")
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
_URL_TRAIL = ".,;:!?)]}\"'”’»"
_BULLETS = "•⁃◦▪‣∙·*"


def _label_end(punct: str) -> re.Pattern[str]:
    """`punct` after a list label ("12.", "b)") that opens the text or follows a space or a
    bullet (:func:`_marker` checks the rest), then an optional ")", a space and no lowercase.
    A pattern that starts with one literal character is searched for several times faster
    than one that starts with a class."""
    before = ("^", rf"[\s{re.escape(_BULLETS)}]")
    labels = ("[a-z]", "[0-9]", "[0-9]{2}", "[0-9]{3}")
    behind = "|".join(rf"(?<={b}{label}\{punct})" for b in before for label in labels)
    return re.compile(rf"\{punct}(?:{behind})\)?(?=\s+[^\sa-z])")


_LABEL_ENDS = (_label_end("."), _label_end(")"))
_INTRO_TIME = re.compile(
    r"[“‘\"'(]*(?:" + "|".join(rules.TIME_PREPOSITIONS) + r")\s+\d{1,2}(?:[:.]\d\d)?\s+",
    re.IGNORECASE,
)

_Break = tuple[int, int]  # (end of a sentence, start of the next)


def split_sentences(
    text: str,
    abbreviations: frozenset[str] = frozenset(),
    non_breaking: tuple[str, ...] = (),
) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences in `text` (one paragraph/block of
    prose, may contain single newlines from hard wrapping). Spans exclude the whitespace between
    sentences; text[start:end] is each sentence exactly; spans are in order and do not overlap.
    `abbreviations` adds user abbreviations (like "Dy", "approx", case-sensitive, without the
    final period); `non_breaking` is extra literal strings inside which no split may happen."""
    n = len(text)
    first = _CANDIDATE.search(text)
    if (first is None or first.end() >= n) and ")" not in text:
        return _spans(text, [])  # (no candidate boundary, no list label: one sentence)
    protected = _protected_ranges(text, non_breaking)
    suppressed, breaks = _list_items(text)
    start = n - len(text.lstrip())
    for m in _CANDIDATE.finditer(text):
        s = m.end()
        if s >= n:
            break
        if m.start() in suppressed:
            continue
        brk = _decide(text, m, start, abbreviations)
        if brk is None:
            continue
        if protected and _inside(brk, protected):
            continue
        breaks.append(brk)
        start = brk[1]
    return _spans(text, breaks)


def _decide(text: str, m: re.Match[str], start: int, user: frozenset[str]) -> _Break | None:
    """The break that candidate `m` makes, or None."""
    closers, gap = m.groups()
    i = m.start()
    punct = text[i : m.start(1)]
    e = m.end(1)
    s = m.end()
    nxt = text[s]
    if not gap:
        return _no_space_break(text, i, e, punct, closers, nxt)
    k = s
    n = len(text)
    while k < n and text[k] in _OPENERS:
        k += 1
    if k >= n:
        return None
    c = text[k]
    if c.islower() or c in ",;:%" or c in _CLOSERS:
        return None
    if i > 0 and text[i - 1] in "[(" and punct[0] in ".…":
        return None  # an omission: "[...]"
    if "?" in punct or "!" in punct or "‽" in punct:
        return (e, s)
    dots = punct.count(".") + 3 * punct.count("…")
    if dots > 1:
        if not c.isupper():
            return None
        if " " in punct:
            if dots == 3:
                return None  # ". . ." inside a sentence
            if not closers and i > 0 and not text[i - 1].isspace():
                return (i + 1, i + 2)  # "compounds. . . . The": the period ends it
        return (e, s)
    return _period_break(text, i, e, s, k, c, start, user)


def _no_space_break(text: str, i: int, e: int, punct: str, closers: str, nxt: str) -> _Break | None:
    """A boundary with no whitespace after it: `missing.”On`, `conditions.Mammadov`."""
    n = len(text)
    if closers:
        if nxt.isupper() and any(q in _QUOTES for q in closers):
            return (e, e)
        return None
    if nxt == "“" and e + 1 < n and text[e + 1].isupper():
        return (e, e)
    if not (nxt.isupper() and e + 1 < n and text[e + 1].islower()):
        return None
    if punct != "." and "." in punct:
        return None
    if i < 2 or not (text[i - 1].islower() and text[i - 2].islower()):
        return None
    return (e, e)


def _period_break(
    text: str, i: int, e: int, s: int, k: int, c: str, start: int, user: frozenset[str]
) -> _Break | None:
    """A period followed by whitespace and then `c` (not lowercase) at index `k`."""
    window = text[max(0, i - 64) : i]
    if not window or window[-1].isspace():
        return (e, s)
    token = window.rsplit(None, 1)[-1].lstrip(_OPENERS)
    if not token:
        return (e, s)
    if token in user:
        return None
    low = token.lower()
    digit = c.isdigit()
    if len(token) == 1 and token.isalpha():
        if token.isupper():  # an initial, or the pronoun "I"
            return (e, s) if _starter_follows(text, k) else None
        if low in rules.NUMBER_ABBREVIATIONS and digit:
            return None
        return (e, s)
    if low in rules.TITLES:
        return None
    if low in rules.PLACE_PREFIXES:
        return (e, s) if _starter_follows(text, k) else None
    if "." in token and _DOTTED.fullmatch(token):
        if low in rules.NEVER_FINAL_DOTTED:
            return None
        if low in rules.TIMES:
            if _INTRO_TIME.fullmatch(text, start, i - len(token)):
                return None
            if _starter_follows(text, k) or _next_word(text, k) in rules.PERSONAL_TITLES:
                return (e, s)
            return None
        return (e, s) if _starter_follows(text, k) else None
    if digit and (
        low in rules.NUMBER_ABBREVIATIONS or low in rules.CALENDAR or low in rules.GENERAL
    ):
        return None
    return (e, s)


def _next_word(text: str, k: int) -> str:
    m = _NEXT_WORD.match(text, k)
    return m.group(1) if m else ""


def _starter_follows(text: str, k: int) -> bool:
    """Whether a sentence starter ("The", "He", not an initial like "A.") begins at `k`."""
    m = _NEXT_WORD.match(text, k)
    if m is None or m.group(1) not in rules.SENTENCE_STARTERS:
        return False
    end = m.end()
    return end >= len(text) or text[end] != "."


def _protected_ranges(text: str, non_breaking: Iterable[str]) -> list[tuple[int, int]]:
    """Character ranges [a, b) inside which no split may happen: URLs, e-mails, literals."""
    ranges: list[tuple[int, int]] = []
    if "@" in text or "://" in text or "www." in text:
        for m in _URL.finditer(text):
            a, b = m.span()
            while b > a and text[b - 1] in _URL_TRAIL:
                b -= 1
            ranges.append((a, b))
    for literal in non_breaking:
        if not literal:
            continue
        a = text.find(literal)
        while a >= 0:
            ranges.append((a, a + len(literal)))
            a = text.find(literal, a + 1)
    return ranges


def _inside(brk: _Break, ranges: list[tuple[int, int]]) -> bool:
    e, s = brk
    return any(a < s and e < b for a, b in ranges)


def _list_items(text: str) -> tuple[set[int], list[_Break]]:
    """Numbered or lettered list items: the positions of their markers' periods (never a
    boundary) and a break before each item after the first."""
    ends = [*_LABEL_ENDS[0].finditer(text), *_LABEL_ENDS[1].finditer(text)]
    if not ends:
        return set(), []
    chains: dict[tuple[bool, str], list[_Marker]] = {}
    found: list[list[_Marker]] = []
    for m in sorted(ends, key=lambda m: m.start()):
        style = m.group()
        marker = None if style == "))" else _marker(text, m.start(), style)
        if marker is None:
            continue
        key = (marker.numeric, marker.style)
        chain = chains.get(key)
        if chain is not None and marker.value == chain[-1].value + 1:
            chain.append(marker)
            continue
        if marker.bulleted or _opens_item(text, marker.start):
            chains[key] = chain = [marker]
            found.append(chain)
        else:
            chains.pop(key, None)
    suppressed: set[int] = set()
    breaks: list[_Break] = []
    for chain in found:
        if len(chain) < 2:
            continue
        for j, marker in enumerate(chain):
            if marker.style.startswith("."):
                suppressed.add(marker.punct)
            if j:
                a = marker.start
                breaks.append((len(text[:a].rstrip()), a))
    return suppressed, breaks


class _Marker(NamedTuple):
    start: int  # where the item starts (its bullet or its label)
    punct: int  # where the punctuation after the label starts
    style: str  # ".", ")" or ".)"
    numeric: bool
    value: int
    bulleted: bool


def _marker(text: str, p: int, style: str) -> _Marker | None:
    """The list marker ("1.)", "• 9.", "b.") whose punctuation `style` is at `p`, if any."""
    j = p
    while j > 0 and p - j < 4 and "0" <= text[j - 1] <= "9":
        j -= 1
    numeric = j < p
    if not numeric:
        if j == 0 or not "a" <= text[j - 1] <= "z":
            return None
        j -= 1
    elif p - j > 3:
        return None
    label = text[j:p]
    a = j
    bulleted = False
    if a > 0 and text[a - 1] in _BULLETS:
        a, bulleted = a - 1, True
    elif a > 1 and text[a - 1] in " \u00a0" and text[a - 2] in _BULLETS:
        a, bulleted = a - 2, True
    if a > 0 and not text[a - 1].isspace():
        return None
    value = int(label) if numeric else ord(label)
    return _Marker(a, p, style, numeric, value, bulleted)


def _opens_item(text: str, a: int) -> bool:
    """Whether a list may start at `a`: at the start, or after a colon or a sentence end."""
    j = a
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return j == 0 or text[j - 1] in '.:;?!)]”"'


def _spans(text: str, breaks: list[_Break]) -> list[tuple[int, int]]:
    """Turn breaks into stripped, ordered spans covering every non-space character."""
    n = len(text)
    start = n - len(text.lstrip())
    spans: list[tuple[int, int]] = []
    for e, s in sorted(breaks, key=lambda b: b[1]):
        if e <= start or s <= start or s >= n:
            continue
        spans.append((start, e))
        start = s
    end = len(text.rstrip())
    if start < end:
        spans.append((start, end))
    return spans
