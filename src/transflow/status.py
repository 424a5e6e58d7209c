"""Completion figures of catalogs: units and source words in each state.

Every active entry is in one state, as :func:`transflow.model.status_of` tells it:
``accepted`` (a translation a person accepted), ``draft`` (transflow's machine or memory
draft, fuzzy), ``fuzzy`` (another fuzzy suggestion, e.g. after a source change) or
``untranslated`` (no translation; a fuzzy entry with an empty msgstr too).

Words are counted as translate-toolkit's ``pocount`` counts them: ``<br>`` tags become
line breaks, other XML tags are dropped, a period between two non-digits becomes a space,
and the words are the Unicode (UAX #29) word segments holding a letter or a digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from uniseg.wordbreak import words as _segments  # type: ignore[import-untyped]

from transflow.model import Catalog, Provenance, Status, status_of

if TYPE_CHECKING:
    pass


STATES = (Status.ACCEPTED, Status.DRAFT, Status.FUZZY, Status.UNTRANSLATED)

# pocount's own expressions (translate/tools/pocount.py, from translate/storage/placeables)
_BR = re.compile(r"<br\s*?/?>")
_TAG = re.compile(
    r"""<([\w.:]+)(\s([\w.:]+=((".*?")|('.*?')))?)*/?>|</([\w.]+)>""",
)
_PERIOD = re.compile(r"\D\.\D")


def word_count(text: str) -> int:
    """The words of `text`, as pocount counts them."""
    text = _PERIOD.sub(" ", _TAG.sub("", _BR.sub("\n", text)))
    return sum(1 for segment in _segments(text) if any(c.isalnum() for c in segment))


@dataclass(frozen=True)
class Counts:
    """Entries (units) and their source words per state; `drafts` and `fuzzy` are apart:
    units == accepted + drafts + fuzzy + untranslated."""

    document: str  # "" on a total across documents
    language: str
    units: int
    accepted: int
    drafts: int  # fuzzy entries that are transflow's own drafts
    fuzzy: int  # the other fuzzy entries
    untranslated: int
    obsolete: int
    words: int  # source words of all units
    accepted_words: int
    drafts_words: int
    fuzzy_words: int
    untranslated_words: int

    @property
    def percent(self) -> float:
        """Share of units with an accepted translation; an empty catalog counts as done."""
        return 100.0 * self.accepted / self.units if self.units else 100.0

    @property
    def percent_words(self) -> float:
        """Share of source words in accepted units."""
        return 100.0 * self.accepted_words / self.words if self.words else 100.0


_FIELDS = (
    *("units", "accepted", "drafts", "fuzzy", "untranslated", "obsolete", "words"),
    *("accepted_words", "drafts_words", "fuzzy_words", "untranslated_words"),
)


def count(document: str, language: str, catalog: Catalog | None) -> Counts:
    """The figures of one catalog; a missing catalog has no entries."""
    entries = catalog.entries if catalog else ()
    units = dict.fromkeys(STATES, 0)
    words = dict.fromkeys(STATES, 0)
    obsolete = 0
    for entry in entries:
        if entry.obsolete:
            obsolete += 1
            continue
        if entry.plural:  # a plural entry a person added: no unit of the document
            continue
        state = status_of(entry)
        units[state] += 1
        words[state] += word_count(entry.msgid)
    return Counts(
        document=document,
        language=language,
        units=sum(units.values()),
        accepted=units[Status.ACCEPTED],
        drafts=units[Status.DRAFT],
        fuzzy=units[Status.FUZZY],
        untranslated=units[Status.UNTRANSLATED],
        obsolete=obsolete,
        words=sum(words.values()),
        accepted_words=words[Status.ACCEPTED],
        drafts_words=words[Status.DRAFT],
        fuzzy_words=words[Status.FUZZY],
        untranslated_words=words[Status.UNTRANSLATED],
    )


def totals(figures: list[Counts]) -> list[Counts]:
    """One total per language across documents, in the order the languages come."""
    found: dict[str, dict[str, int]] = {}
    for item in figures:
        sums = found.setdefault(item.language, dict.fromkeys(_FIELDS, 0))
        for name in _FIELDS:
            sums[name] += getattr(item, name)
    return [Counts(document="", language=lang, **sums) for lang, sums in found.items()]


@dataclass(frozen=True)
class ScoredDraft:
    document: str
    language: str
    score: float
    reference: str
    msgid: str
    guessed: tuple[str, ...] = ()  # inline tags placed by a guess (review them)


def scored_drafts(document: str, language: str, catalog: Catalog) -> list[ScoredDraft]:
    """The machine drafts awaiting review that carry a model score, least confident first."""
    found = []
    for e in catalog.entries:
        if not e.draft or e.obsolete:
            continue
        for comment in e.translator_comments:
            made = Provenance.read(comment)
            if made is not None and made.machine and made.score is not None:
                ref = e.references[0] if e.references else ""
                found.append(
                    ScoredDraft(document, language, made.score, ref, e.msgid, made.guessed)
                )
    return sorted(found, key=lambda d: d.score)
