"""``transflow translate``: fill untranslated entries with drafts for review.

For each language, in this order of preference, a pending entry (empty, or with
``refresh`` a draft transflow made earlier) gets:
1. the translation of the same text accepted elsewhere in the project, or imported from a
   TMX (memory draft);
2. else that of the most similar such text, when it scores at least
   ``translate.memory_threshold`` (memory draft, the matched text as ``#| msgid``): the
   unit does not go to the engine;
3. a draft stored in the translation memory for this engine, package and pair;
4. a new machine draft; all of a language's units go to the executor at once
   (:mod:`transflow.executors`), which has the engine translate them in length-sorted
   batches, and each chunk is stored in the memory as soon as it is done, so an
   interrupted run resumes where it stopped.

The catalogs are read without the project lock and written under it, merged with what
anyone saved meanwhile; the lock is not held while the model runs.

Every draft is ``#, fuzzy`` and carries a translator comment with its provenance and
score (and the inline tags placed by a guess, :mod:`transflow.protect`). Entries a
person translated, and fuzzy suggestions from a source change, are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from transflow import files, fuzzymatch, protect
from transflow.catalog import now, revised
from transflow.config import Config
from transflow.engines import Draft, Engine, EngineOptions, get_engine
from transflow.executors import Executor, ExecutorOptions, get_executor
from transflow.fuzzymatch import Match, Stored
from transflow.jobs.extract import Merged, update_catalogs, write_catalogs
from transflow.memory import FILE as MEMORY_FILE
from transflow.memory import Memory
from transflow.model import MACHINE_DRAFT, MEMORY_DRAFT, Catalog, Entry, Provenance
from transflow.project import Document, Written, documents, languages_of, po_path, read_catalog

LOST = "machine translation check: not kept: "

Progress = Callable[[str, int, int], None]  # (language, units done, units to do)


@dataclass
class LanguageReport:
    language: str
    provenance: str = ""
    pending: int = 0  # entries to fill
    from_project: int = 0  # entries filled with an accepted or imported translation
    similar: int = 0  # of those, from a similar text rather than the same
    from_memory: int = 0  # units whose draft came from the translation memory
    from_model: int = 0  # units sent to the engine
    to_model: int = 0  # units that needed the engine (dry run: would need)
    flagged: int = 0  # drafts that lost a URL, number or protected term, whose inline
    # tags were placed by a guess, or whose memory match has other numbers
    filled: int = 0  # entries that got a draft
    actors: dict[str, int] = field(default_factory=dict)  # node -> actors (ray executor)
    retried: int = 0  # chunks sent again after their worker died (ray executor)


@dataclass
class Report:
    languages: list[LanguageReport] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)
    interrupted: bool = False
    executor: str = "local"


def engine_options(config: Config, **overrides: object) -> EngineOptions:
    t = config.translate
    base = EngineOptions(
        beam_size=t.beam_size,
        device=t.device,
        compute_type=t.compute_type,
        threads=t.threads,
        max_length_ratio=t.max_length_ratio,
        batch_size=t.batch_size,
        packages_dir=t.packages_dir,
    )
    changes = {k: v for k, v in overrides.items() if v is not None}
    return replace(base, **changes)  # type: ignore[arg-type]


def _pending(entry: Entry, refresh: bool) -> bool:
    if entry.obsolete or entry.plural:  # a plural entry is a person's, and no unit
        return False
    if not entry.msgstr and not entry.fuzzy:
        return True
    return refresh and entry.draft


def _known(
    config: Config,
    catalogs: Sequence[Merged],
    others: Sequence[Document],
    memory: Memory,
    pair: tuple[str, str],
) -> list[Stored]:
    """The translations a person accepted, anywhere in the project (obsolete entries
    included; `others`: the documents this run does not update), then those imported
    from TMX files."""
    found = [(item.document, item.catalog) for item in catalogs]
    found += [(doc, read_catalog(po_path(config, doc, pair[1]))) for doc in others]
    known = [
        Stored(e.msgid, e.msgstr, f"accepted in {doc.name}")
        for doc, catalog in found
        for e in (catalog.entries if catalog else ())
        if e.msgstr and not e.fuzzy and not e.plural
    ]
    known += [Stored(s, t, f"imported from {origin}") for s, t, origin in memory.imported(pair)]
    return known


def _mark(
    entry: Entry, text: str, comment: str, lost: Sequence[str], previous: str | None = None
) -> Entry:
    kept = tuple(
        c
        for c in entry.translator_comments
        if not c.startswith((MACHINE_DRAFT, MEMORY_DRAFT, LOST))
    )
    notes = (comment, *([LOST + ", ".join(lost)] if lost else []))
    flags = entry.flags if entry.fuzzy else ("fuzzy", *entry.flags)
    return entry.with_(
        msgstr=text,
        flags=flags,
        translator_comments=(*kept, *notes),
        previous_msgid=previous,
        previous_msgctxt=None,
    )


def translate(
    config: Config,
    languages: Sequence[str] = (),
    only: Sequence[Path] = (),
    *,
    engine_name: str | None = None,
    options: EngineOptions | None = None,
    executor_name: str | None = None,
    executor_options: ExecutorOptions | None = None,
    refresh: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Update the catalogs as extract does, then fill pending entries with drafts."""
    langs = languages_of(config, languages)
    docs = documents(config, only)
    others = [d for d in documents(config) if d not in docs] if only else []
    name = engine_name or config.translate.engine
    report = Report(executor=executor_name or config.translate.executor)
    # first: a missing extra (ray) is an error before anything is read or written
    executor = get_executor(
        report.executor, executor_options or ExecutorOptions(config.translate.ray_address)
    )
    updated: dict[Path, Catalog] = {}
    # The lock is held only while catalogs are written: a build or a status started
    # during the model run goes ahead, and what anyone saves meanwhile (a person, another
    # transflow) is merged in at write time (extract.write_catalogs).
    files.check_writable(config.root / files.STATE_DIR)
    files.state_dir(config.root)
    merged = update_catalogs(config, langs, docs, None)
    engine = get_engine(name, options or engine_options(config))
    memory = Memory(config.root / MEMORY_FILE)
    try:
        for lang in langs:
            catalogs = [m for m in merged if m.language == lang]
            lang_report = LanguageReport(lang)
            report.languages.append(lang_report)
            if report.interrupted:
                continue
            try:
                _translate_language(
                    config,
                    engine,
                    executor,
                    memory,
                    catalogs,
                    others,
                    lang_report,
                    refresh,
                    dry_run,
                    progress,
                    updated,
                )
            except KeyboardInterrupt:
                report.interrupted = True
    finally:
        executor.close()
        engine.close()
        memory.close()
    if not dry_run:
        merged = [replace(m, catalog=updated.get(m.path, m.catalog)) for m in merged]
        with files.project_lock(config.root):
            report.written = write_catalogs(config.root, merged)
    return report


def _translate_language(
    config: Config,
    engine: Engine,
    executor: Executor,
    memory: Memory,
    catalogs: list[Merged],
    others: list[Document],
    report: LanguageReport,
    refresh: bool,
    dry_run: bool,
    progress: Progress | None,
    updated: dict[Path, Catalog],
) -> None:
    """Fill one language's pending entries; the new catalogs go into `updated`."""
    lang = report.language
    pair = (config.source_lang, lang)
    pending = [
        e.msgid
        for item in catalogs
        for e in (item.catalog.entries if item.catalog else ())
        if _pending(e, refresh)
    ]
    report.pending = len(pending)
    known = _known(config, catalogs, others, memory, pair) if pending else []
    matches = fuzzymatch.match_all(known, pending, config.translate.memory_threshold)
    need = [t for t in dict.fromkeys(pending) if t not in matches]
    drafts: dict[str, Draft] = {}
    if need:
        report.provenance = engine.provenance(*pair)
        if not refresh:
            drafts = memory.get(engine.name, report.provenance, pair, need)
        report.from_memory = len(drafts)
        to_model = sorted((t for t in need if t not in drafts), key=len)
        report.to_model = len(to_model)
        if dry_run:
            return
        done = 0
        if progress:
            progress(lang, 0, len(to_model))

        def advance(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(lang, done, len(to_model))

        try:
            executor.run(engine, pair, to_model, memory, report.provenance, advance, drafts)
        finally:
            report.from_model = done
            report.actors, report.retried = executor.placement.actors, executor.placement.retried
            updated.update(_apply(config, catalogs, matches, drafts, report, refresh))
    elif not dry_run:
        updated.update(_apply(config, catalogs, matches, drafts, report, refresh))


def _apply(
    config: Config,
    catalogs: list[Merged],
    matches: dict[str, Match],
    drafts: dict[str, Draft],
    report: LanguageReport,
    refresh: bool,
) -> dict[Path, Catalog]:
    """The catalogs with their pending entries filled from `matches` or `drafts`."""
    from transflow import glossary

    terms, words = config.translate.do_not_translate, glossary.load(config)
    result = {}
    date = now()
    for item in catalogs:
        assert item.catalog is not None
        entries = []
        for e in item.catalog.entries:
            if _pending(e, refresh) and e.msgid in matches:
                match = matches[e.msgid]
                comment, previous = fuzzymatch.describe(match, e.msgid)
                e = _mark(e, match.stored.target, comment, (), previous)
                report.from_project += 1
                report.similar += previous is not None
                report.flagged += bool(match.numbers)
                report.filled += 1
            elif _pending(e, refresh) and e.msgid in drafts:
                draft = drafts[e.msgid]
                kept = dict.fromkeys((*terms, *words.kept(e.msgid, report.language)))
                lost = protect.lost(e.msgid, draft.text, list(kept))
                made = Provenance(True, report.provenance, draft.score, draft.guessed)
                e = _mark(e, draft.text, made.comment(), lost)
                report.flagged += bool(lost or draft.guessed)
                report.filled += 1
            entries.append(e)
        changed = tuple(entries) != item.catalog.entries
        filled = replace(item.catalog, entries=tuple(entries))
        result[item.path] = revised(filled, date) if changed else filled
    return result
