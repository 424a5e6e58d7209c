"""A transflow project: its documents, where their catalogs and outputs live, and what
the jobs share to read them and write generated files.

Each job reads everything and computes every new file in memory first; only then,
under the project lock, does it write, each file atomically. Bad input therefore
stops a job before any file is touched.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from transflow import cache, catalog, files
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.files import link_out
from transflow.formats import Format, format_name, get_format
from transflow.languages import language_problem
from transflow.model import Catalog, Unit
from transflow.reconcile import Conflict

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Document:
    name: str  # path below the source folder, with "/" separators: "news/a.txt"
    path: Path
    format_name: str = "text"  # its format's name in transflow.formats.FORMATS

    @property
    def format(self) -> Format:
        return get_format(self.format_name)

    @property
    def stem(self) -> str:
        """The name its catalogs take (:meth:`transflow.formats.Format.catalog_name`)."""
        return self.format.catalog_name(self.name)


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
    names = [p.relative_to(source).as_posix() for p in paths]
    docs = [
        Document(name, p, format_name(name, config.formats))
        for name, p in zip(names, paths, strict=True)
    ]
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


# (compiled where a name is not printable ASCII: its ranges take a millisecond to compile)
_UNFIT_NAME = r"[\x00-\x1f\x7f-\x9f]|[\ud800-\udfff]"


def _check_name(name: str, source: Path) -> None:
    """A document name must fit on a catalog's ``#:`` reference line: no control
    characters (a line break would end the line), and valid UTF-8 (a catalog is UTF-8)."""
    if name.isascii() and name.isprintable():
        return
    bad = re.search(_UNFIT_NAME, name)
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
    """A document's text and its units, as its format finds them (or as kept for this
    very text: :func:`transflow.cache.units`)."""
    text = files.read_source(doc.path)
    return text, cache.units(config.root, doc.name, doc.format_name, text, config.segmentation)


def read_catalog(path: Path) -> Catalog | None:
    return catalog.read(path) if path.exists() else None


def catalog_of(
    config: Config, doc: Document, language: str, untranslated: bool = True
) -> tuple[Path, Catalog]:
    """A document's catalog in `language`: its path and what it says (`untranslated`: see
    :func:`transflow.poparse.parse`). A missing one is an error that says what to run."""
    path = po_path(config, doc, language)
    if not path.exists():
        raise TransflowError(
            f"no {language} catalog for {doc.name}; run 'transflow extract --lang {language}'",
            path,
        )
    return path, catalog.read(path, untranslated)


def languages_of(config: Config, requested: Sequence[str] = ()) -> tuple[str, ...]:
    if not requested:
        if not config.languages:
            raise TransflowError(
                "no target languages: add them to project.languages or pass --lang", config.path
            )
        return config.languages
    return tuple(dict.fromkeys(requested))


def write_files(
    config: Config, plan: Sequence[tuple[Path, str | Callable[[], bytes | Iterator[bytes]]]]
) -> list[Written]:
    """Write each (path, text) whose bytes changed, under the project lock; every folder
    is checked writable first, and each file is written atomically. For generated files
    (build outputs, review pages), which a rerun makes again: they are not fsynced.
    The text may be a function that makes the file's bytes, called when its turn comes,
    so that only one large file at a time need be in memory; or the file's bytes a chunk
    at a time, written as they come."""
    written = []
    with files.project_lock(config.root):
        for folder in {path.parent for path, _ in plan}:
            files.check_writable(folder)
        for path, text in plan:
            data = text() if callable(text) else text.encode("utf-8")
            written.append(_write_changed(path, data))
            del data  # before the next file is made
    return written


def _write_changed(path: Path, data: bytes | Iterator[bytes]) -> Written:
    if not isinstance(data, bytes):
        return Written(path, files.write_changed_chunks(path, data))
    size = path.stat().st_size if path.exists() else None
    if size == len(data) and path.read_bytes() == data:
        return Written(path, "unchanged")
    files.write_atomic_bytes(path, data, durable=False)
    return Written(path, "updated" if size is not None else "created")
