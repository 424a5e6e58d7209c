"""Completion figures of catalogs."""

from __future__ import annotations

from dataclasses import dataclass

from transflow.model import Catalog


@dataclass(frozen=True)
class Counts:
    document: str
    language: str
    units: int
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def percent(self) -> float:
        """Share of units with an accepted translation; an empty catalog counts as done."""
        return 100.0 * self.translated / self.units if self.units else 100.0


def count(document: str, language: str, catalog: Catalog | None) -> Counts:
    """The figures of one catalog; a missing catalog has every unit untranslated."""
    entries = catalog.entries if catalog else ()
    active = [e for e in entries if not e.obsolete]
    translated = sum(1 for e in active if e.translated)
    fuzzy = sum(1 for e in active if e.fuzzy)
    return Counts(
        document=document,
        language=language,
        units=len(active),
        translated=translated,
        fuzzy=fuzzy,
        untranslated=len(active) - translated - fuzzy,
        obsolete=len(entries) - len(active),
    )
