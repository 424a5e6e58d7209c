"""A transflow project: its documents, where their catalogs and outputs live, and the jobs.

Each job reads everything and computes every new file in memory first; only then,
under the project lock, does it write, each file atomically. Bad input therefore
stops a job before any file is touched.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from transflow import cache, catalog, files, parallel
from transflow.cache import ExtractState
from transflow.config import Config, language_problem, link_out
from transflow.errors import TransflowError
from transflow.model import Catalog
from transflow.reconcile import Conflict, reconcile
from transflow.segmentation import Unit, segment

if TYPE_CHECKING:
    from transflow.status import Counts, ScoredDraft

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Document:
    name: str  # path below the source folder, with "/" separators: "news/a.txt"
    path: Path

    @property
    def stem(self) -> str:
        """The name its catalogs take: the document name without its suffix."""
        return str(PurePosixPath(self.name).with_suffix(""))


@dataclass(frozen=True)
class Written:
    path: Path
    action: str  # "created", "updated" or "unchanged"
    merged: bool = False  # a catalog someone saved while transflow ran: their edits merged in
    conflicts: tuple[Conflict, ...] = ()  # entries both changed: the person's version kept


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def documents(config: Config, only: Sequence[Path] = ()) -> list[Document]:
    """The project's documents (all of them, or those named in `only`), sorted by name."""
    source = config.source_dir
    if not source.is_dir():
        raise TransflowError("the source folder does not exist", source)
    if only:
        paths = []
        for given in only:
            resolved = given.resolve()
            if not _inside(resolved, source):
                raise TransflowError(
                    f"the document is outside the project's source folder {source}", given
                )
            if not resolved.is_file():
                raise TransflowError("no such document", given)
            paths.append(resolved)
    else:
        found: dict[Path, None] = {}
        for pattern in config.documents:
            try:
                matches = sorted(source.glob(pattern))
            except (ValueError, NotImplementedError) as exc:  # '/abs', '': checked at load
                raise TransflowError(f"bad glob {pattern!r}: {exc}", config.path) from None
            for path in matches:
                if path.is_file():
                    found[path] = None
        paths = []
        for path in found:
            resolved = path.resolve()
            if not _inside(resolved, source):
                raise TransflowError(
                    f"the document links outside the project's source folder {source}", path
                )
            paths.append(path)
        if not paths:
            patterns = ", ".join(config.documents)
            raise TransflowError(f"no documents match {patterns} in the source folder", source)
    docs = [Document(p.relative_to(source).as_posix(), p) for p in paths]
    stems: dict[str, str] = {}
    for doc in docs:
        _check_name(doc.name, source)
        if doc.stem in stems and stems[doc.stem] != doc.name:
            raise TransflowError(
                f"{stems[doc.stem]} and {doc.name} would share the catalog name {doc.stem!r}",
                config.source_dir,
            )
        stems[doc.stem] = doc.name
    return sorted(docs, key=lambda d: d.name)


_UNFIT_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f]|[\ud800-\udfff]")


def _check_name(name: str, source: Path) -> None:
    """A document name must fit on a catalog's ``#:`` reference line: no control
    characters (a line break would end the line), and valid UTF-8 (a catalog is UTF-8)."""
    bad = _UNFIT_NAME.search(name)
    if bad is None:
        return
    char = bad.group()
    why = (
        "is not valid UTF-8"
        if "\ud800" <= char <= "\udfff"
        else f"holds a control character (U+{ord(char):04X})"
    )
    raise TransflowError(
        f"the file name {name!r} {why}, which a catalog reference cannot carry; rename the file",
        source,
    )


def writable(config: Config, path: Path) -> Path:
    """`path`, a file transflow may write: no symbolic link on the way to it leads out of
    the project (a cloned repository can hold ``locales/az -> /somewhere``). Each folder is
    checked once per loaded configuration."""
    folder = os.path.dirname(path)  # a string: 6 times cheaper than Path.parent and its hash
    if folder not in config.checked:
        escape = link_out(config.root, Path(folder))
        if escape is not None:
            link, target = escape
            what = "is a symbolic link to" if link.is_symlink() else "leads to"
            raise TransflowError(
                f"{what} {target}, outside the project; transflow does not read or write "
                "catalogs and outputs there (remove the link)",
                link,
            )
        config.checked[folder] = None
    return path


def _folder_name(language: str) -> str:
    why = language_problem(language)
    if why:
        raise TransflowError(why)
    return language


def template_path(config: Config, doc: Document) -> Path:
    return writable(config, config.locales_dir / "templates" / f"{doc.stem}.pot")


def po_path(config: Config, doc: Document, language: str) -> Path:
    return writable(config, config.locales_dir / _folder_name(language) / f"{doc.stem}.po")


def output_path(config: Config, doc: Document, language: str) -> Path:
    return writable(config, config.build_dir / _folder_name(language) / doc.name)


def units_of(config: Config, doc: Document) -> tuple[str, tuple[Unit, ...]]:
    text = files.read_source(doc.path)
    return text, segment(text, config.segmentation)


@contextlib.contextmanager
def units_later(
    config: Config, doc: Document, busy: bool = True
) -> Iterator[Callable[[], tuple[str, tuple[Unit, ...]]]]:
    """:func:`units_of`, for a large document read from :mod:`transflow.cache` when it was
    split before, else split into sentences (and cached) on another CPU while the caller
    is `busy` (reading catalogs; :mod:`transflow.parallel`). The child sends the units'
    positions back, and the units are rebuilt from them here."""
    text = files.read_source(doc.path)
    options = config.segmentation
    if len(text) < cache.UNITS_ABOVE:
        yield lambda: (text, segment(text, options))
        return
    saved = cache.UnitsCache(config.root, doc.name, text, options)
    found = saved.load()
    if found is not None:
        yield lambda: (text, found)
        return

    def positions() -> list[cache.Span]:
        split = cache.spans_of(segment(text, options))
        saved.save(split)
        return split

    with parallel.background(positions, fork=busy and options.unit == "sentence") as spans:
        yield lambda: (text, cache.units_from(text, spans()))


def read_catalog(path: Path) -> Catalog | None:
    return catalog.read(path) if path.exists() else None


def languages_of(config: Config, requested: Sequence[str] = ()) -> tuple[str, ...]:
    if not requested:
        if not config.languages:
            raise TransflowError(
                "no target languages: add them to project.languages or pass --lang", config.path
            )
        return config.languages
    return tuple(dict.fromkeys(requested))


# --- extract ---------------------------------------------------------------------------


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
        raw: bytes | None = path.read_bytes()
    except OSError:
        raw = None  # read_text below says why
    for _ in range(2):
        try:
            text = catalog.read_text(path) if raw is None else catalog.decode(raw, path)
            return text, parse(text, path)
        except TransflowError:
            if raw is None or (now := files.settled(path, raw)) in (None, raw):
                raise
            raw = now
    raise AssertionError("unreachable")


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
            busy = any(path.exists() for path, _ in targets[1:])  # catalogs to read
            with units_later(config, doc, busy) as later:
                for path, lang in targets:
                    header_only = lang is None and not whole_templates
                    old, existing = _read_existing(path, header_only)
                    found.append((path, lang, old, existing))
                _, units = later()
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


def write_files(
    config: Config, plan: Sequence[tuple[Path, str | Callable[[], bytes]]]
) -> list[Written]:
    """Write each (path, text) whose bytes changed, under the project lock; every folder
    is checked writable first, and each file is written atomically. For generated files
    (build outputs, review pages), which a rerun makes again: they are not fsynced.
    The text may be a function that makes the file's bytes, called when its turn comes,
    so that only one large file at a time need be in memory."""
    written = []
    with files.project_lock(config.root):
        for folder in {path.parent for path, _ in plan}:
            files.check_writable(folder)
        for path, text in plan:
            data = text() if callable(text) else text.encode("utf-8")
            written.append(_write_changed(path, data))
            del data  # before the next file is made
    return written


def _write_changed(path: Path, data: bytes) -> Written:
    size = path.stat().st_size if path.exists() else None
    if size == len(data) and path.read_bytes() == data:
        return Written(path, "unchanged")
    files.write_atomic_bytes(path, data, durable=False)
    return Written(path, "updated" if size is not None else "created")


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
        if not only:  # every document seen: the units of the others are of no more use
            cache.prune_units(config.root, [doc.name for doc in docs])
        return written


# --- build and status ------------------------------------------------------------------


def status(
    config: Config, languages: Sequence[str] = (), only: Sequence[Path] = ()
) -> tuple[list[Counts], list[ScoredDraft]]:
    """Completion figures per document and language, read from the catalogs, and the
    machine drafts awaiting review, least confident first."""
    from transflow.status import count, scored_drafts

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
