"""``transflow extract``: every document's units merged into its template and catalogs.

The catalogs are brought up to date in memory first (as msgmerge does, safer:
:mod:`transflow.merge`); then, under the project lock, each one whose text changed is
written atomically, merged with whatever a person saved since it was read
(:mod:`transflow.reconcile`, :func:`transflow.files.replace_merged`). ``translate`` and
``import tmx`` write their catalogs the same way.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from transflow import cache, catalog, files
from transflow.cache import ExtractState
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.model import Catalog
from transflow.project import (
    Document,
    Written,
    documents,
    languages_of,
    po_path,
    template_path,
    units_of,
)
from transflow.reconcile import Conflict, reconcile

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Merged:
    """A catalog brought up to date with its document, not yet written."""

    path: Path
    document: Document
    language: str | None  # None: the template
    catalog: Catalog | None  # None: known to be up to date, and not read
    old: str | None  # the file's text now; None: there is no file
    before: Catalog | None = None  # what the file says now, as read (`whole_templates` only)


def _read_existing(path: Path, header_only: bool) -> tuple[str | None, Catalog]:
    """A catalog's text (None: no file) and what it says (only its header: `header_only`).

    A file that cannot be read is read again once it stops changing: an editor saving it
    in place (truncate, then write) may be half-way through."""
    if not path.exists():
        return None, Catalog()
    parse = catalog.parse_header if header_only else catalog.parse
    try:
        raw = path.read_bytes()
    except OSError:
        catalog.read_text(path)  # raises the error that names the file
        raise
    try:
        text = catalog.decode(raw, path)
        return text, parse(text, path)
    except TransflowError:
        if files.settled(path, raw) in (None, raw):
            raise  # not a save in progress: the file is as it stays
    text = catalog.read_text(path)
    return text, parse(text, path)


def update_catalogs(
    config: Config,
    languages: Sequence[str],
    docs: Sequence[Document],
    state: ExtractState | None,
    progress: Progress | None = None,
    whole_templates: bool = False,
) -> list[Merged]:
    """Merge every document's units into its template and catalogs, in memory.

    A template is made anew from its document's units and keeps only the header of the
    file it replaces (as xgettext does), so only that header is read, unless
    `whole_templates` (`before` then holds the whole file). With a `state`, a document
    whose source and catalogs are as the last extract left them is skipped unread.
    """
    from transflow import glossary
    from transflow.merge import merge

    terms = glossary.load(config)
    merged: list[Merged] = []
    date = catalog.now()
    for done, doc in enumerate(docs, 1):
        targets: list[tuple[Path, str | None]] = [(template_path(config, doc), None)]
        targets += [(po_path(config, doc, lang), lang) for lang in languages]
        watched = [doc.path, *(path for path, _ in targets), *filter(None, [config.glossary])]
        if state is not None and state.unchanged(watched):
            merged += [Merged(path, doc, lang, None, None) for path, lang in targets]
        else:
            if state is not None:
                state.record(watched)
            found: list[tuple[Path, str | None, str | None, Catalog]] = []
            _, units = units_of(config, doc)
            for path, lang in targets:
                header_only = lang is None and not whole_templates
                old, existing = _read_existing(path, header_only)
                found.append((path, lang, old, existing))
            template = catalog.template_entries(doc.name, units)
            noted = terms.annotate(template, [lang for _, lang, _, _ in found])
            created = catalog.creation_date(noted[None], found[0][2], found[0][0], date)
            for path, lang, old, existing in found:
                fields = catalog.header_fields(doc.stem, lang, created, existing.header)
                new = merge(noted[lang], existing, fields, config.fuzzy_threshold)
                kept = existing if old and whole_templates else None  # only `outdated` needs it
                merged.append(Merged(path, doc, lang, new, old, kept))
        if progress:
            progress(done, len(docs))
    return merged


_LEFTOVER = re.compile(r"\..+\.pot?\.[0-9a-f]{12}\.tmp")


def _remove_leftovers(folders: Iterable[Path]) -> None:
    """Temporary catalogs an interrupted save of an older transflow left beside them."""
    for folder in folders:
        with contextlib.suppress(OSError):
            for path in folder.iterdir():
                if _LEFTOVER.fullmatch(path.name):
                    path.unlink(missing_ok=True)


def _write_merging(root: Path, item: Merged, text: str) -> Written:
    """Write one catalog, merging in what a person saved since it was read."""
    assert item.catalog is not None
    ours, data = item.catalog, text.encode("utf-8")
    notes: list[Conflict] = []
    merged = False

    def remerge(found: bytes) -> bytes:
        nonlocal merged
        try:
            now = catalog.decode(found, item.path)
            if now == item.old or item.language is None:
                return data  # the same text (in another charset), or a template: made anew
            theirs = catalog.parse(now, item.path)
        except TransflowError as exc:
            raise TransflowError(
                f"changed on disk while transflow ran, and cannot be read now ({exc}); "
                "it was left as it is",
                item.path,
            ) from None
        base = catalog.parse(item.old, item.path) if item.old is not None else Catalog()
        combined, conflicts = reconcile(base, ours, theirs)
        notes[:], merged = conflicts, True
        return catalog.render_all([combined])[0].encode("utf-8")

    old = item.old.encode("utf-8") if item.old is not None else None
    wrote = files.replace_merged(item.path, old, data, remerge, root)
    action = "unchanged" if wrote is None else "created" if item.old is None else "updated"
    return Written(item.path, action, merged, tuple(notes))


def write_catalogs(
    root: Path, merged: Sequence[Merged], state: ExtractState | None = None
) -> list[Written]:
    """Write the catalogs whose text changed: all checked writable first, each atomically,
    each merged with what a person saved meanwhile (:func:`_write_merging`)."""
    catalogs = [item.catalog for item in merged if item.catalog is not None]
    texts = iter(catalog.render_all(catalogs))
    plan: list[tuple[Merged, str | None]] = []
    for item in merged:
        text = next(texts) if item.catalog is not None else None
        plan.append((item, None if text == item.old else text))
    for folder in {item.path.parent for item, text in plan if text is not None}:
        files.check_writable(folder)
    _remove_leftovers({item.path.parent for item in merged})
    written = []
    for item, text in plan:
        if text is None:
            written.append(Written(item.path, "unchanged"))
            continue
        written.append(_write_merging(root, item, text))
        if state is not None:
            state.record([item.path])
    if state is not None:
        state.save()
    return written


def outdated(
    config: Config, languages: Sequence[str] = (), only: Sequence[Path] = ()
) -> list[Path]:
    """The templates and catalogs whose content ``extract`` would change, missing ones
    included. Formatting alone (another editor's line wrapping) does not count."""
    langs = languages_of(config, languages)
    merged = update_catalogs(config, langs, documents(config, only), None, whole_templates=True)
    return [m.path for m in merged if m.before is None or m.catalog != m.before]


def extract(
    config: Config,
    languages: Sequence[str] = (),
    only: Sequence[Path] = (),
    progress: Progress | None = None,
) -> list[Written]:
    """Bring templates and catalogs up to date with the sources (msgmerge-like)."""
    langs = languages_of(config, languages)
    docs = documents(config, only)
    with files.project_lock(config.root):
        state = ExtractState(config, langs)
        merged = update_catalogs(config, langs, docs, state, progress)
        written = write_catalogs(config.root, merged, state)
        cache.forget_units(config.root)
        return written
