"""Similar source texts in the translation memory: normalisation and fast lookup.

Texts are compared after :func:`normalize` (Unicode NFC; every kind of whitespace, the
no-break spaces included, as one space; invisible zero-width characters dropped; curly,
low and angle quotes as straight ones), with rapidfuzz's ``fuzz.ratio`` (the Indel
similarity, 0-100, the measure ``extract`` uses for changed units).

Scoring every stored text is far too slow for a large memory (100,000 stored units cost
about 0.1 s a lookup), so candidates come from an index of words first, with *prefix
filtering*: the words (not numbers) of every text are ordered by how rare they are in
the memory, and a stored text is listed only under the rarest ``n - ceil(n * SHARE) + 1``
of its ``n`` distinct words. Two texts that share at least ``SHARE`` of the words of each
always have a word in both prefixes, so such a pair is always a candidate; that is what
a match of 75 or more looks like (a few words changed). A text whose every word changed
a little (all inflected) can score 75 and share too few words: it may be missed. Of
the candidates whose length allows the threshold, at most ``CANDIDATES`` are scored: those
sharing the most prefix words with the query (``bench/memory_matching.py`` checks the
result against scoring every stored text).
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from transflow.model import Provenance
from transflow.patterns import NUMBER

SHARE = 0.5  # share of its distinct words a match is assumed to have in common
CANDIDATES = 64  # most candidates scored for one lookup
_WORD = re.compile(r"\w*[^\W\d]\w*")  # a word that is not a number
# curly, low and angle quotes as straight ones; invisible characters dropped (not ZWJ or
# ZWNJ: they spell words)
_TABLE = str.maketrans(
    "‘’‚‛′‹›´“”„‟″«»",
    "''''''''" + '"' * 7,
    "\u200b\u2060\ufeff\u00ad",
)


def normalize(text: str) -> str:
    """`text` as it is compared: see the module's text."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_TABLE)
    return " ".join(text.split())  # str.split: Unicode whitespace, NBSP and U+202F included


def numbers(text: str) -> list[str]:
    """The numbers in `text`, in order, as :mod:`transflow.patterns` finds them
    (``3,890`` and ``3 890`` are one number)."""
    return [m.group() for m in NUMBER.finditer(text)]


def number_change(old: str, new: str) -> str:
    """``""`` when `old` and `new` hold the same numbers (in any order, compared after
    :func:`normalize`), else what changed, e.g. ``613 -> 614`` or ``2023 -> none``."""
    before, after = Counter(numbers(normalize(old))), Counter(numbers(normalize(new)))
    if before == after:
        return ""
    gone = ", ".join((before - after).elements()) or "none"
    came = ", ".join((after - before).elements()) or "none"
    return f"{gone} -> {came}"


def _words(normalized: str) -> set[str]:
    return set(_WORD.findall(normalized.casefold()))


@dataclass(frozen=True)
class Stored:
    source: str
    target: str
    where: str  # what the comment says of it, e.g. "accepted in a.txt"


@dataclass(frozen=True)
class Match:
    stored: Stored
    score: float  # fuzz.ratio of the normalized texts, 0-100
    numbers: str  # number_change(stored source, text); "" when the numbers agree

    @property
    def percent(self) -> int:
        """The score rounded down: 100 only for texts equal after normalisation."""
        return math.floor(self.score)


def _prefix_size(words: int) -> int:
    """How many of its rarest words a text with `words` distinct words is listed under."""
    return words - math.ceil(words * SHARE) + 1


def _lengths(length: int, threshold: float) -> tuple[int, int]:
    """The lengths a text may have to score `threshold` against one of `length`:
    fuzz.ratio is at most ``200 * min(a, b) / (a + b)`` for lengths a and b."""
    if threshold <= 0:
        return 0, sys.maxsize
    return math.ceil(length * threshold / (200 - threshold)), int(
        length * (200 - threshold) / threshold
    )


class FuzzyIndex:
    """Stored units, looked up by similar source text. The first of equal sources wins."""

    def __init__(self, units: Iterable[Stored]) -> None:
        self._units: list[Stored] = []
        self._texts: list[str] = []  # normalized sources
        self._same: dict[str, int] = {}  # normalized source -> its unit
        words: list[set[str]] = []
        for unit in units:
            text = normalize(unit.source)
            if text in self._same or not text:
                continue
            self._same[text] = len(self._units)
            self._units.append(unit)
            self._texts.append(text)
            words.append(_words(text))
        df = Counter(chain.from_iterable(words))
        # a total order of the words, rarest first; a word the index lacks comes before all
        self._rank = {w: r for r, w in enumerate(sorted(df, key=lambda w: (df[w], w)))}
        # word -> the texts listed under it, shortest first
        self._postings: dict[str, list[int]] = {}
        rank = self._rank.__getitem__
        for i, ws in enumerate(words):
            for word in sorted(ws, key=rank)[: _prefix_size(len(ws))]:
                self._postings.setdefault(word, []).append(i)
        self._length = [len(t) for t in self._texts]
        for ids in self._postings.values():
            ids.sort(key=self._length.__getitem__)

    def __len__(self) -> int:
        return len(self._units)

    def _candidates(self, query: str, threshold: float) -> list[int]:
        """The stored texts that share a prefix word with `query` and whose length allows
        `threshold`; at most CANDIDATES: those sharing the most prefix words, and between
        equals those of the rarer word, then of the nearest length (longer ones first)."""
        rank = self._rank
        words = sorted(_words(query), key=lambda w: rank.get(w, -1))
        low, high = _lengths(len(query), threshold)
        length = self._length.__getitem__
        lists = []
        for word in words[: _prefix_size(len(words))]:
            ids = self._postings.get(word)
            if ids:  # those of a possible length, the nearest to the query's first
                start = bisect_left(ids, low, key=length)
                mid = bisect_left(ids, len(query), lo=start, key=length)
                end = bisect_right(ids, high, lo=mid, key=length)
                lists.append(ids[mid:end] + ids[start:mid][::-1])
        if sum(map(len, lists)) <= CANDIDATES:
            return sorted(set().union(*lists))
        counts: Counter[int] = Counter()
        for ids in lists:
            counts.update(ids)
        return sorted(counts, key=counts.__getitem__, reverse=True)[:CANDIDATES]

    def best(self, text: str, threshold: float) -> Match | None:
        """The most similar stored unit scoring at least `threshold`; between equal
        scores, one with the same numbers as `text`, then the first stored."""
        from rapidfuzz import fuzz, process

        query = normalize(text)
        same = self._same.get(query)
        if same is not None:
            unit = self._units[same]
            return Match(unit, 100.0, number_change(unit.source, text))
        ids = self._candidates(query, threshold)
        texts = self._texts
        found = process.extract(
            query, [texts[i] for i in ids], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        )
        if not found:
            return None
        top = found[0][1]
        ties = sorted(ids[k] for _, score, k in found if score == top)
        matches = [
            Match(self._units[i], top, number_change(self._units[i].source, text)) for i in ties
        ]
        return next((m for m in matches if not m.numbers), matches[0])

    def best_of(self, texts: Sequence[str], threshold: float) -> dict[str, Match]:
        """:meth:`best` of each of `texts` that has a match."""
        found = {}
        for text in dict.fromkeys(texts):
            match = self.best(text, threshold)
            if match is not None:
                found[text] = match
        return found


def match_all(known: Sequence[Stored], texts: Iterable[str], threshold: float) -> dict[str, Match]:
    """The best of `known` for each of `texts` that has one: a unit with the very same
    source first (the first such), else the most similar scoring at least `threshold`."""
    same: dict[str, Stored] = {}
    for unit in known:
        same.setdefault(unit.source, unit)
    wanted = list(dict.fromkeys(texts))
    found = {t: Match(same[t], 100.0, "") for t in wanted if t in same}
    rest = [t for t in wanted if t not in found]
    if rest and known:
        found.update(FuzzyIndex(known).best_of(rest, threshold))
    return found


def describe(match: Match, text: str) -> tuple[str, str | None]:
    """The provenance comment of a draft made from `match` for `text`, and the previous
    source text to show (``#| msgid``): None when the source is the very same."""
    stored = match.stored
    if stored.source == text:
        return Provenance(False, stored.where).comment(), None
    source = f"{match.percent}% match, {stored.where}"
    if match.numbers:
        source += f"; numbers differ: {match.numbers}"
    return Provenance(False, source).comment(), stored.source
