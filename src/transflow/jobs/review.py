"""``transflow review``: a review page per document and language (:mod:`transflow.review`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from transflow.config import Config
from transflow.glossary import load
from transflow.project import (
    Document,
    Written,
    catalog_of,
    documents,
    languages_of,
    units_of,
    writable,
    write_files,
)
from transflow.qa import check_catalog
from transflow.review import REVIEW_DIR, page_of, render

Progress = Callable[[int, int], None]


def review_path(config: Config, doc: Document, language: str) -> Path:
    return writable(config, config.build_dir / REVIEW_DIR / language / f"{doc.name}.html")


def review(
    config: Config,
    languages: Sequence[str] = (),
    only: Sequence[Path] = (),
    listed: int | None = 20,
    progress: Progress | None = None,
) -> list[Written]:
    """Write the review page of every document (or of `only`) in each language."""
    words = load(config)
    langs = languages_of(config, languages)
    docs = documents(config, only)
    plan: list[tuple[Path, str]] = []
    for done, doc in enumerate(docs, 1):
        _, units = units_of(config, doc)
        for lang in langs:
            path, catalog = catalog_of(config, doc, lang)
            terms = config.translate.do_not_translate
            findings = check_catalog(
                doc.name, lang, path, catalog, terms, words, config.check_disable
            )
            page = page_of(
                doc.name, lang, config.source_lang, units, catalog, findings, listed, words
            )
            plan.append((review_path(config, doc, lang), render(page)))
        if progress:
            progress(done, len(docs))
    return write_files(config, plan)
