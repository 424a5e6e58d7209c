"""``transflow status``: where each document stands in each language (:mod:`transflow.status`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transflow.config import Config
from transflow.errors import TransflowError
from transflow.model import Catalog
from transflow.project import documents, languages_of, po_path, read_catalog, template_path
from transflow.status import Counts, ScoredDraft, count, scored_drafts


def status(
    config: Config, languages: Sequence[str] = (), only: Sequence[Path] = ()
) -> tuple[list[Counts], list[ScoredDraft]]:
    """Completion figures per document and language, read from the catalogs, and the
    machine drafts awaiting review, least confident first."""
    langs = languages_of(config, languages)
    figures = []
    drafts: list[ScoredDraft] = []
    for doc in documents(config, only):
        template: Catalog | None = None
        for lang in langs:
            found = read_catalog(po_path(config, doc, lang))
            if found is None:
                template = template or read_catalog(template_path(config, doc))
                if template is None:
                    raise TransflowError(
                        f"no catalogs for {doc.name}; run 'transflow extract'",
                        template_path(config, doc),
                    )
                found = template
            figures.append(count(doc.name, lang, found))
            drafts += scored_drafts(doc.name, lang, found)
    return figures, sorted(drafts, key=lambda d: d.score)
