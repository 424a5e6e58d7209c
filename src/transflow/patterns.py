"""What is in a text that translation must keep: placeholders and markup, URLs, e-mail
addresses, numbers. One set of patterns for machine-translation protection
(:mod:`transflow.protect`) and QA (:mod:`transflow.qa`), so that the two always agree on
what a placeholder is and whether a number was kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Iterable

PLACEHOLDER = re.compile(
    r"%\([^)\s(]+\)[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"  # %(name)s (no "(" in it)
    r"|%(?:\d+\$)?[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %s %d %1$s (not "50% of")
    r"|\{[A-Za-z_][\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}|\{\d*\}"  # {name} {0} {}
    r"|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"  # <b> </b> <br/> <a href="...">
    r"|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"  # &amp; &#160;
)
URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"”’)]+[^\s<>\"”’).,;:!?]", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# EMAIL tried only where a run of the characters its local part is made of begins: tried
# at every position, it would scan the rest of a run of word characters each time.
_EMAIL_AT_RUN = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+")
# \d is any script's decimal digit; groups: "3,890" "3.890" "3'890" "٣٬٨٩٠", "3 890" with
# a space, U+00A0, U+2009 or U+202F only before exactly three digits.
NUMBER = re.compile(r"\d+(?:[.,'’٫٬]\d+|[ \u00a0\u2009\u202f]\d{3}(?!\d))*")
_SPACES = re.compile(r"[ \u00a0\u2009\u202f]")
# 2020-21; tried only where a run of digits begins (elsewhere it could not match, and
# would scan the rest of a long run each time)
_RANGE = re.compile(r"(?<!\d)(\d{3,}+)\s*[-–—‒]\s*(\d{2})(?!\d)")
_DECADE = re.compile(r"['’‘](\d{2})(?!\d)")  # '90s


def emails(text: str) -> list[re.Match[str]]:
    """The matches of ``EMAIL.finditer(text)``, found in time linear in the length of
    `text` (``finditer`` is quadratic in a long run of word characters).

    A match's local part runs to the ``@`` that ends the run of ``[\\w.+-]`` it starts in,
    so it starts at the first position of that run or at none: only there need the pattern
    be tried, and, where the last match ended inside such a run, at that end.
    """
    found: list[re.Match[str]] = []
    pos = 0
    while True:
        match = EMAIL.match(text, pos) if pos else None
        match = match or _EMAIL_AT_RUN.search(text, pos)
        if match is None:
            return found
        found.append(match)
        pos = match.end()


def _digits(raw: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in raw if ch.isdecimal())


def plain(text: str) -> str:
    """`text` without the placeholders, URLs and e-mails, which other checks compare."""
    text = URL.sub(" ", text)
    pieces: list[str] = []
    last = 0
    for match in emails(text):
        pieces += (text[last : match.start()], " ")
        last = match.end()
    return PLACEHOLDER.sub(" ", "".join(pieces) + text[last:])


def _numbers(text: str, split: bool) -> list[set[str]]:
    """Each number of `text` as the digit strings it may stand for."""
    found: list[set[str]] = []
    two_digit: dict[str, list[set[str]]] = {}  # the numbers of two digits, by their digits
    for match in NUMBER.finditer(text):
        for piece in _SPACES.split(match.group()) if split else [match.group()]:
            digits = _digits(piece)
            found.append({digits})
            if len(digits) == 2:
                two_digit.setdefault(digits, []).append(found[-1])
        if _DECADE.fullmatch(text[max(0, match.start() - 1) : match.end()]):
            found[-1] |= {"19" + _digits(match.group()), "20" + _digits(match.group())}
    # 2020-21 may be written 2020-2021, and back: any 21 may then stand for 2021
    completed: dict[str, set[str]] = {}
    for match in _RANGE.finditer(text):
        first, second = _digits(match.group(1)), _digits(match.group(2))
        completed.setdefault(second, set()).add(first[: len(first) - len(second)] + second)
    for second, numbers in completed.items():
        for number in two_digit.get(second, ()):
            number |= numbers
    return found


def unmatched_numbers(source: str, target: str, split: bool) -> tuple[list[str], list[str]]:
    """Source numbers the target lacks, and target numbers the source lacks: each source
    number takes the first target number left that may stand for the same digits."""
    left = _numbers(target, split)
    taken = [False] * len(left)
    where: dict[str, deque[int]] = {}  # digits -> the target numbers that may be them
    for i, number in enumerate(left):
        for digits in number:
            where.setdefault(digits, deque()).append(i)
    missing = []
    for number in _numbers(source, split):
        first = len(left)
        for digits in number:
            queue = where.get(digits)
            while queue and taken[queue[0]]:
                queue.popleft()
            if queue:
                first = min(first, queue[0])
        if first == len(left):
            missing.append(min(number, key=len))
        else:
            taken[first] = True
    return missing, [min(n, key=len) for n, gone in zip(left, taken, strict=True) if not gone]


def written_numbers(text: str, digits: Iterable[str]) -> list[str]:
    """The numbers of `text` as written there, for `digits` as :func:`_numbers` gives them."""
    written = {_digits(m.group()): m.group() for m in NUMBER.finditer(text)}
    return [written.get(d, d) for d in digits]
