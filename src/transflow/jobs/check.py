"""``transflow check``: QA findings for every catalog of the project (:mod:`transflow.qa`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transflow import glossary, project
from transflow.config import Config
from transflow.qa import Finding, check_catalog


def check(
    config: Config, languages: Sequence[str] = (), only: Sequence[Path] = ()
) -> list[Finding]:
    """Findings for the catalogs of every document (or of `only`) in each language, read
    from disk; a missing catalog is a TransflowError."""
    terms = config.translate.do_not_translate
    words = glossary.load(config)
    findings: list[Finding] = []
    langs = project.languages_of(config, languages)
    for doc in project.documents(config, only):
        for lang in langs:
            path, found = project.catalog_of(config, doc, lang)
            findings += check_catalog(
                doc.name, lang, path, found, terms, words, config.check_disable
            )
    return findings
