"""``transflow export tmx`` and ``transflow import tmx``: the project's accepted
translations out to a TMX file, drafts in from one (:mod:`transflow.tmx`)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

from transflow import files
from transflow.catalog import now, revised
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.fuzzymatch import Stored, match_all
from transflow.jobs.extract import update_catalogs, write_catalogs
from transflow.memory import FILE as MEMORY_FILE
from transflow.memory import Memory
from transflow.project import Written, documents, languages_of, po_path, read_catalog
from transflow.tmx import (
    DEFAULT_NAME,
    TranslationUnit,
    check_xml,
    fill,
    is_empty,
    lang_rank,
    lookup,
    norm,
    read,
    render,
)


@dataclass(frozen=True)
class ExportReport:
    path: Path
    units: int
    languages: dict[str, int]  # language -> translations exported


@dataclass(frozen=True)
class LanguageImport:
    language: str
    empty: int  # empty entries before the import
    filled: int  # of those, filled from the TMX


@dataclass(frozen=True)
class ImportReport:
    units: int  # <tu>s in the file
    languages: list[LanguageImport]
    written: list[Written]


def collect(config: Config, languages: Sequence[str] = ()) -> list[TranslationUnit]:
    """The accepted translations of every catalog, one unit per distinct source text,
    sorted by source text.

    Where a language has several accepted translations of one text (two documents, or an
    obsolete entry), the current ones come first and each further one makes another unit
    with the same source, so no one's work is left out."""
    langs = languages_of(config, languages)
    # msgid -> language -> [(obsolete, translation)], in document and catalog order
    found: dict[str, dict[str, list[tuple[bool, str]]]] = {}
    refs: dict[str, dict[str, None]] = {}
    for doc in documents(config):
        for lang in langs:
            path = po_path(config, doc, lang)
            catalog = read_catalog(path)
            for e in catalog.entries if catalog else ():
                if not e.msgstr or e.fuzzy:
                    continue
                check_xml(e.msgid, "source text", path, e)
                check_xml(e.msgstr, "translation", path, e)
                for ref in e.references:
                    check_xml(ref, "reference", path, e)
                    refs.setdefault(e.msgid, {})[ref] = None
                found.setdefault(e.msgid, {}).setdefault(lang, []).append((e.obsolete, e.msgstr))
    units = []
    for source in sorted(found):
        choices = {
            lang: list(dict.fromkeys(text for _, text in sorted(texts, key=lambda t: t[0])))
            for lang, texts in sorted(found[source].items())
        }
        for i in range(max(len(texts) for texts in choices.values())):
            variants = tuple((lang, texts[i]) for lang, texts in choices.items() if i < len(texts))
            units.append(TranslationUnit(source, variants, tuple(refs.get(source, ()))))
    return units


def export(
    config: Config, languages: Sequence[str] = (), output: Path | None = None
) -> ExportReport:
    """Write the project's accepted translations to `output` (default:
    ``<build folder>/translations.tmx``), atomically."""
    units = collect(config, languages)
    path = output if output is not None else config.build_dir / DEFAULT_NAME
    text = render(units, config.source_lang, config.segmentation.unit)
    files.check_writable(path.parent)
    files.write_atomic(path, text)
    counts = {lang: 0 for lang in languages_of(config, languages)}
    for unit in units:
        for lang, _ in unit.variants:
            counts[lang] += 1
    return ExportReport(path, len(units), counts)


def import_(config: Config, path: Path, languages: Sequence[str] = ()) -> ImportReport:
    """Update the catalogs as extract does, then fill empty entries from the TMX at `path`.

    The file is read and checked first: a malformed one changes nothing."""
    langs = languages_of(config, languages)
    units = read(path)
    variants = [v for unit in units for v in unit]
    if variants and all(lang_rank(v.language, config.source_lang) is None for v in variants):
        seen = ", ".join(sorted({norm(v.language) for v in variants}))
        raise TransflowError(
            f"no segment in the project's source language {config.source_lang!r} "
            f"(the file has {seen})",
            path,
        )
    docs = documents(config)
    where = f"imported from {path.name}"
    report: list[LanguageImport] = []
    with files.project_lock(config.root), closing(Memory(config.root / MEMORY_FILE)) as memory:
        merged = update_catalogs(config, langs, docs, None)
        found = {lang: lookup(units, config.source_lang, lang) for lang in langs}
        for lang in langs:
            known = [Stored(s, t, where) for s, t in found[lang].items()]
            texts = [
                e.msgid
                for item in merged
                if item.language == lang and item.catalog is not None
                for e in item.catalog.entries
                if is_empty(e)
            ]
            matches = match_all(known, texts, config.translate.memory_threshold)
            empty = filled = 0
            for i, item in enumerate(merged):
                if item.language == lang and item.catalog is not None:
                    catalog, e, f = fill(item.catalog, matches)
                    merged[i] = replace(item, catalog=revised(catalog, now()) if f else catalog)
                    empty, filled = empty + e, filled + f
            report.append(LanguageImport(lang, empty, filled))
        written = write_catalogs(config.root, merged)
        for lang in langs:
            memory.add_imported((config.source_lang, lang), found[lang].items(), path.name)
    return ImportReport(len(units), report, written)
