"""Completion figures of catalogs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from transflow.model import MACHINE_DRAFT, Catalog

_SCORE = re.compile(re.escape(MACHINE_DRAFT) + r".*; score (-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Counts:
    document: str
    language: str
    units: int
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    drafts: int  # fuzzy entries that are transflow's own drafts

    @property
    def percent(self) -> float:
        """Share of units with an accepted translation; an empty catalog counts as done."""
        return 100.0 * self.translated / self.units if self.units else 100.0


def count(document: str, language: str, catalog: Catalog | None) -> Counts:
    """The figures of one catalog; a missing catalog has every unit untranslated."""
    entries = catalog.entries if catalog else ()
    active = [e for e in entries if not e.obsolete and not e.plural]  # plural ones: no units
    translated = sum(1 for e in active if e.translated)
    fuzzy = sum(1 for e in active if e.fuzzy)
    return Counts(
        document=document,
        language=language,
        units=len(active),
        translated=translated,
        fuzzy=fuzzy,
        untranslated=len(active) - translated - fuzzy,
        obsolete=sum(1 for e in entries if e.obsolete),
        drafts=sum(1 for e in active if e.draft),
    )


@dataclass(frozen=True)
class ScoredDraft:
    document: str
    language: str
    score: float
    reference: str
    msgid: str


def scored_drafts(document: str, language: str, catalog: Catalog) -> list[ScoredDraft]:
    """The machine drafts awaiting review that carry a model score, least confident first."""
    found = []
    for e in catalog.entries:
        if not e.draft or e.obsolete:
            continue
        for comment in e.translator_comments:
            match = _SCORE.match(comment)
            if match:
                ref = e.references[0] if e.references else ""
                found.append(ScoredDraft(document, language, float(match[1]), ref, e.msgid))
    return sorted(found, key=lambda d: d.score)
