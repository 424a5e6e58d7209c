"""A transflow project: its documents, where their catalogs and outputs live, and the jobs.

Each job reads everything and computes every new file in memory first; only then,
under the project lock, does it write, each file atomically. Bad input therefore
stops a job before any file is touched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from transflow import __version__, catalog, files
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.merge import merge
from transflow.model import Catalog
from transflow.segmentation import Unit, segment
from transflow.status import Counts, count

Progress = Callable[[int, int], None]
STATE_FILE = ".transflow/extract-state.json"


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
            for path in sorted(source.glob(pattern)):
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
        if doc.stem in stems and stems[doc.stem] != doc.name:
            raise TransflowError(
                f"{stems[doc.stem]} and {doc.name} would share the catalog name {doc.stem!r}",
                config.source_dir,
            )
        stems[doc.stem] = doc.name
    return sorted(docs, key=lambda d: d.name)


def template_path(config: Config, doc: Document) -> Path:
    return config.locales_dir / "templates" / f"{doc.stem}.pot"


def po_path(config: Config, doc: Document, language: str) -> Path:
    return config.locales_dir / language / f"{doc.stem}.po"


def output_path(config: Config, doc: Document, language: str) -> Path:
    return config.build_dir / language / doc.name


def units_of(config: Config, doc: Document) -> tuple[str, tuple[Unit, ...]]:
    text = files.read_source(doc.path)
    return text, segment(text, config.segmentation)


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


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _fingerprint(config: Config, languages: Sequence[str]) -> str:
    settings = [__version__, asdict(config.segmentation), config.fuzzy_threshold, list(languages)]
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def _load_state(config: Config, fingerprint: str) -> dict[str, list[int] | None]:
    try:
        state = json.loads((config.root / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("fingerprint") != fingerprint:
        return {}
    stats = state.get("files")
    return stats if isinstance(stats, dict) else {}


def extract(
    config: Config,
    languages: Sequence[str] = (),
    only: Sequence[Path] = (),
    progress: Progress | None = None,
) -> list[Written]:
    """Bring templates and catalogs up to date with the sources (msgmerge-like)."""
    langs = languages_of(config, languages)
    docs = documents(config, only)
    fingerprint = _fingerprint(config, langs)
    with files.project_lock(config.root):
        state = _load_state(config, fingerprint)
        new_state = dict(state)
        plan: list[tuple[Path, str | None]] = []  # (path, new text or None when unchanged)
        for done, doc in enumerate(docs, 1):
            targets = [template_path(config, doc)] + [po_path(config, doc, lang) for lang in langs]
            watched = [doc.path, *targets]
            keys = [str(p.relative_to(config.root)) for p in watched]
            stats = [_stat(p) for p in watched]
            if all(stats) and all(state.get(k) == s for k, s in zip(keys, stats, strict=True)):
                plan += [(p, None) for p in targets]
            else:
                plan += _extract_document(config, doc, langs)
                new_state.update(zip(keys, stats, strict=True))
            if progress:
                progress(done, len(docs))
        for folder in {path.parent for path, text in plan if text is not None}:
            files.check_writable(folder)
        written = []
        for path, text in plan:
            if text is None:
                written.append(Written(path, "unchanged"))
                continue
            action = "updated" if path.exists() else "created"
            files.write_atomic(path, text)
            written.append(Written(path, action))
            new_state[str(path.relative_to(config.root))] = _stat(path)
        if new_state != state:
            files.write_atomic(
                config.root / STATE_FILE,
                json.dumps({"fingerprint": fingerprint, "files": new_state}, indent=0),
            )
    return written


def _extract_document(
    config: Config, doc: Document, langs: Iterable[str]
) -> list[tuple[Path, str | None]]:
    _, units = units_of(config, doc)
    template = catalog.template_entries(doc.name, units)
    plan: list[tuple[Path, str | None]] = []
    targets: list[tuple[Path, str | None]] = [(template_path(config, doc), None)]
    targets += [(po_path(config, doc, lang), lang) for lang in langs]
    for path, lang in targets:
        existing = read_catalog(path) or Catalog()
        merged = merge(
            template,
            existing,
            catalog.header_fields(doc.stem, lang),
            config.fuzzy_threshold,
        )
        text = catalog.render(merged)
        old = path.read_text(encoding="utf-8") if path.exists() else None
        plan.append((path, None if text == old else text))
    return plan


# --- build and status ------------------------------------------------------------------


def _catalog_for(config: Config, doc: Document, language: str) -> Catalog:
    path = po_path(config, doc, language)
    found = read_catalog(path)
    if found is None:
        raise TransflowError(
            f"no {language} catalog for {doc.name}; run 'transflow extract --lang {language}'",
            path,
        )
    return found


def build(
    config: Config,
    languages: Sequence[str] = (),
    only: Sequence[Path] = (),
    progress: Progress | None = None,
) -> list[Written]:
    """Write ``build/<lang>/<doc>`` for each document: the source with accepted translations."""
    from transflow.assembly import assemble, separator_for

    langs = languages_of(config, languages)
    docs = documents(config, only)
    plan: list[tuple[Path, str]] = []
    for done, doc in enumerate(docs, 1):
        text, units = units_of(config, doc)
        for lang in langs:
            found = _catalog_for(config, doc, lang)
            accepted = {e.msgid: e.msgstr for e in found.entries if e.translated}
            plan.append(
                (
                    output_path(config, doc, lang),
                    assemble(text, units, accepted.get, separator_for(lang)),
                )
            )
        if progress:
            progress(done, len(docs))
    written = []
    with files.project_lock(config.root):
        for folder in {path.parent for path, _ in plan}:
            files.check_writable(folder)
        for path, output in plan:
            old = path.read_bytes() if path.exists() else None
            if old == output.encode("utf-8"):
                written.append(Written(path, "unchanged"))
                continue
            files.write_atomic(path, output)
            written.append(Written(path, "updated" if old is not None else "created"))
    return written


def status(
    config: Config, languages: Sequence[str] = (), only: Sequence[Path] = ()
) -> list[Counts]:
    """Completion figures per document and language, read from the catalogs."""
    langs = languages_of(config, languages)
    figures = []
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
    return figures
