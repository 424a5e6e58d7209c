"""``transflow extract``: every document's units merged into its template and catalogs.

The catalogs are brought up to date in memory first (as msgmerge does, safer:
:mod:`transflow.merge`); then, under the project lock, each one whose text changed is
written atomically, merged with whatever a person saved since it was read
(:mod:`transflow.reconcile`, :func:`transflow.swap.replace_merged`). ``translate`` and
``import tmx`` write their catalogs the same way.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from transflow import cache, catalog, files, poformat, swap, template
from transflow.cache import ExtractState
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.model import Catalog, Entry
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
    old: swap.Seen | None  # what the file held when it was read; None: there is no file
    # What the file says, as read: a catalog's, the base its merge-on-write starts from
    # (:func:`_write_merging`); a template's only with `whole_templates`.
    before: Catalog | None = None


def _read_existing(
    path: Path, header_only: bool, shared: Mapping[str, Entry] | None = None
) -> tuple[swap.Seen | None, Catalog]:
    """What a catalog file holds (None: no file) and what it says (only its header:
    `header_only`).

    A file that cannot be read is read again once it stops changing: an editor saving it
    in place (truncate, then write) may be half-way through."""
    if not path.exists():
        return None, Catalog()
    seen: list[swap.Seen] = []
    try:
        return _read_once(path, header_only, seen, shared)
    except TransflowError:
        now = swap.settled(path, None)
        if not seen or now is None or swap.Seen.of(now) == seen[0]:
            raise  # not a save in progress: the file is as it stays
    return _read_once(path, header_only, seen, shared)


def _read_once(
    path: Path,
    header_only: bool,
    seen: list[swap.Seen],
    shared: Mapping[str, Entry] | None = None,
) -> tuple[swap.Seen, Catalog]:
    """:func:`_read_existing`, once; what the file holds is added to `seen` first.
    `shared`: see :func:`transflow.poparse.entries`. A large catalog is read from the file
    a piece at a time where it can be (:func:`transflow.catalog.read_hashed`)."""
    if not header_only:
        streamed = catalog.read_hashed(path, shared)
        if streamed is not None:
            size, digest, found = streamed
            seen.append(swap.Seen(size, digest))
            return seen[-1], found
    try:
        raw = path.read_bytes()
    except OSError:
        catalog.read_text(path)  # raises the error that names the file
        raise
    seen.append(swap.Seen.of(raw))
    if header_only:
        return seen[-1], catalog.parse_header(raw, path)
    return seen[-1], catalog.parse_bytes(raw, path, shared=shared)


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
            found: list[tuple[Path, str | None, swap.Seen | None, Catalog]] = []
            # (the document's text and units are let go once the template is made)
            entries = template.template_entries(doc.name, units_of(config, doc)[1])
            shared = {e.msgid: e for e in entries}  # the strings entries read share
            for path, lang in targets:
                header_only = lang is None and not whole_templates
                old, existing = _read_existing(path, header_only, shared)
                found.append((path, lang, old, existing))
            del shared
            noted = terms.annotate(entries, [lang for _, lang in targets])
            created = template.creation_date(noted[None], found[0][0], date)
            for path, lang, old, existing in found:
                fields = template.header_fields(doc.stem, lang, created, existing.header)
                new = merge(noted[lang], existing, fields, config.fuzzy_threshold)
                # the base of the merge-on-write; a template's only for `outdated`
                kept = existing if old and (lang or whole_templates) else None
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


def _write_merging(root: Path, item: Merged, data: swap.Data) -> Written:
    """Write one catalog, merging in what a person saved since it was read."""
    assert item.catalog is not None
    ours = item.catalog
    notes: list[Conflict] = []
    merged = False

    def remerge(found: bytes) -> swap.Data:
        nonlocal merged
        try:
            now = catalog.decode(found, item.path)
            if item.language is None:
                return data  # a template: made anew
            theirs = catalog.parse(now, item.path)
        except TransflowError as exc:
            raise TransflowError(
                f"changed on disk while transflow ran, and cannot be read now ({exc}); "
                "it was left as it is",
                item.path,
            ) from None
        base = item.before if item.before is not None else Catalog()
        combined, conflicts = reconcile(base, ours, theirs)
        notes[:], merged = conflicts, True
        return poformat.encoded(combined)

    wrote = swap.replace_merged(item.path, item.old, data, remerge, root)
    action = "unchanged" if wrote is None else "created" if item.old is None else "updated"
    return Written(item.path, action, merged, tuple(notes))


def write_catalogs(
    root: Path, merged: Sequence[Merged], state: ExtractState | None = None
) -> list[Written]:
    """Write the catalogs whose text changed, each merged with what a person saved meanwhile
    (:func:`_write_merging`) and written atomically; the folders of all that may change are
    checked writable first. One catalog at a time is printed and written: a template whole
    (the catalogs after it reuse its text), a catalog a piece at a time, as it is written,
    so that the texts of large catalogs are never in memory together, nor a catalog's
    whole."""
    for folder in {item.path.parent for item in merged if item.catalog is not None}:
        files.check_writable(folder)
    _remove_leftovers({item.path.parent for item in merged})
    written = []
    printer, document = poformat.Printer(), None
    for item in merged:
        if item.catalog is None:
            written.append(Written(item.path, "unchanged"))
            continue
        if item.document != document:
            printer, document = poformat.Printer(), item.document  # what the last one shared
        data: swap.Data
        size = item.old.size if item.old is not None else 0
        if item.language is None or 0 < size < poformat.PIECE:
            # whole: a template (the catalogs after it reuse its text), or a catalog that
            # replaces a small file, so that an unchanged one is compared, not written
            data = printer.render(item.catalog, template=item.language is None, size=size)
        else:
            data = functools.partial(printer.pieces, item.catalog)
        done = _write_merging(root, item, data)
        written.append(done)
        if state is not None and done.action != "unchanged":
            state.record([item.path])
        del data  # before the next catalog is printed
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
        if not only:
            cache.prune_units(config.root, [doc.name for doc in docs])
        return written
