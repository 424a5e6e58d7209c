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

from transflow.patterns import PLACEHOLDER, URL, emails, unmatched_numbers, written_numbers

# where a unit is cut before it reaches the model: placeholders, markup, line breaks
_CUT = re.compile(PLACEHOLDER.pattern + r"|\r?\n")


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
    for match in _CUT.finditer(text):
        add_text(text[last : match.start()])
        out.append((match.group(), False))
        last = match.end()
    add_text(text[last:])
    return out


def lost(source: str, target: str, terms: Sequence[str] = ()) -> list[str]:
    """URLs, e-mails, numbers and `terms` of `source` that `target` does not keep unchanged.

    Numbers are compared by their digits, so locale separators (3,890 / 3 890 / 3.890)
    and Eastern Arabic or Urdu digits (۳۸۹۰) count as kept.
    """
    missing = [u for u in URL.findall(source) if u not in target]
    missing += [e.group() for e in emails(source) if e.group() not in target]
    gone = min((unmatched_numbers(source, target, split)[0] for split in (False, True)), key=len)
    missing += written_numbers(source, gone)
    missing += [t for t in terms if t in source and t not in target]
    return missing
