"""Pseudo-localization: accented, lengthened, bracketed text, for testing layouts with no model.

``Hello, world.`` becomes ``[Ĥéļļö, ŵöŕļð. ~~~~]``: every ASCII letter accented, the text
about 30 % longer, brackets to show truncation. Digits, whitespace, punctuation and
anything inside ``{...}``, ``%(...)s``, ``%s``, ``<...>``, URLs and e-mail addresses
are kept as they are, so placeholders survive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transflow.engines import Draft, Engine, Progress

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_KEEP = re.compile(
    r"%\([^)]*\)[a-z]|%[a-z]|\{[^}]*\}|<[^>]*>|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
VERSION = "1"


def pseudo(text: str) -> str:
    if not text.strip():
        return text
    parts, last = [], 0
    for match in _KEEP.finditer(text):
        parts.append(text[last : match.start()].translate(_ACCENTS))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].translate(_ACCENTS))
    body = "".join(parts)
    letters = sum(ch.isalpha() for ch in text)
    padding = "~" * max(1, round(letters * 0.3))
    leading = body[: len(body) - len(body.lstrip())]
    trailing = body[len(body.rstrip()) :]
    return f"{leading}[{body.strip()} {padding}]{trailing}"


class PseudoEngine(Engine):
    name = "pseudo"
    keeps_markup = True  # tags are kept as they are; the text inside them is accented

    def provenance(self, source: str, target: str) -> str:
        return f"pseudo {VERSION}"

    def translate(
        self,
        source: str,
        target: str,
        texts: Sequence[str],
        progress: Progress | None = None,
        *,
        align: bool = False,
    ) -> list[Draft]:
        drafts = [Draft(pseudo(text)) for text in texts]
        if progress:
            progress(len(texts))
        return drafts


ENGINE = PseudoEngine
