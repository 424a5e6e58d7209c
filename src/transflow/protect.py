"""What machine translation must not break.

- Inline placeholders and markup (``%s``, ``%(name)s``, ``{name}``, ``<b>``) never reach
  the model: a unit is cut at them, the pieces between are translated, and the
  placeholders are put back in place, exactly. Line breaks are cut at too, and the
  whitespace around each piece is kept.
- URLs, e-mail addresses, numbers and do-not-translate terms go through the model (they
  are part of the sentence), and are checked afterwards: :func:`lost` lists those that
  did not come out unchanged, and the draft is flagged with them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_PLACEHOLDER = re.compile(
    r"%\([^)\s]+\)[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"  # %(name)s
    r"|%[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"  # %s %d %5.2f (not "50% of")
    r"|\{[A-Za-z_][\w.\[\]]*(?:![rsa])?(?::[^{}]*)?\}|\{\d*\}"  # {name} {0} {}
    r"|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>"  # <b> </b> <br/> <a href="...">
    r"|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);"  # &amp; &#160;
    r"|\r?\n"
)
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"”’)]+[^\s<>\"”’).,;:!?]", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# EMAIL tried only where a run of the characters its local part is made of begins: tried
# at every position, it would scan the rest of a run of word characters each time.
_EMAIL_AT_RUN = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f' ]\d+)*")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


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
        out.append((core, any(ch.isalpha() for ch in core)))
        if trail:
            out.append((trail, False))

    last = 0
    for match in _PLACEHOLDER.finditer(text):
        add_text(text[last : match.start()])
        out.append((match.group(), False))
        last = match.end()
    add_text(text[last:])
    return out


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


def _numbers(text: str) -> list[str]:
    return [re.sub(r"\D", "", n) for n in _NUMBER.findall(text.translate(_DIGITS))]


def lost(source: str, target: str, terms: Sequence[str] = ()) -> list[str]:
    """URLs, e-mails, numbers and `terms` of `source` that `target` does not keep unchanged.

    Numbers are compared by their digits, so locale separators (3,890 / 3 890 / 3.890)
    and Eastern Arabic or Urdu digits (۳۸۹۰) count as kept.
    """
    missing = [u for u in _URL.findall(source) if u not in target]
    missing += [e.group() for e in emails(source) if e.group() not in target]
    kept = _numbers(target)
    for raw, digits in zip(_NUMBER.findall(source), _numbers(source), strict=True):
        if digits in kept:
            kept.remove(digits)
        else:
            missing.append(raw)
    missing += [t for t in terms if t in source and t not in target]
    return missing
