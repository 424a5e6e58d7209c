"""Document formats, behind one small interface.

A format turns a document's text into units (what catalogs hold, with each unit's exact
span in the source) and puts translations back into the source's own bytes. Formats are
looked up by name in :data:`FORMATS`; a document's format comes from the project's
``[formats]`` globs, else from its suffix (:func:`format_name`). The sentence splitter
(:mod:`transflow.sentences`) is a service formats use, not part of any one format.
Importing this package imports no format.
"""

from __future__ import annotations

import functools
import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from transflow.errors import TransflowError
from transflow.model import Placed, Unit

if TYPE_CHECKING:
    from transflow.config import SegmentationConfig

# name -> module under transflow.formats that defines FORMAT (a subclass of Format)
FORMATS: dict[str, str] = {"text": "text", "markdown": "markdown", "html": "html"}
# suffix (lower case) -> format name; a suffix not here is the text format's
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

Translate = Callable[[str], str | None]  # a unit's text -> its translation (None: none)


class Format(ABC):
    """One kind of document."""

    name: ClassVar[str] = ""
    # True: catalogs are named after the document without its suffix (``a.txt`` ->
    # ``a.po``, as transflow always named text documents'); False: with it (``a.md.po``),
    # so that ``a.txt`` and ``a.md`` never share a catalog
    drops_suffix: ClassVar[bool] = False
    # True: build also writes ``<doc>.html``, a reading page of the output
    page: ClassVar[bool] = False

    @abstractmethod
    def segment(self, text: str, options: SegmentationConfig) -> tuple[Unit, ...]:
        """All units of a document, in order."""

    @abstractmethod
    def pieces(
        self, text: str, units: Sequence[Unit], translate: Translate, language: str
    ) -> tuple[Sequence[str], Sequence[Placed]]:
        """The document in `language`, as pieces of text to be written one after the
        other: each unit replaced by ``translate(unit.text)`` (None: the source kept),
        everything else as in `text`; and where each unit went. Pieces, so that a large
        output is encoded and written a piece at a time, never held whole."""

    def layout(self, text: str, units: tuple[Unit, ...]) -> Sequence[int]:
        """What a rebuild of `text` needs besides `units` (which :meth:`segment` found),
        as integers, which :mod:`transflow.cache` keeps with the units: none by default."""
        return ()

    def with_layout(
        self, text: str, units: tuple[Unit, ...], layout: Sequence[int]
    ) -> tuple[Unit, ...] | None:
        """`units` read back with their :meth:`layout`; None when `layout` cannot be that
        of `text` (then the document is segmented again)."""
        return None if layout else units

    def align(
        self, text: str, units: Sequence[Unit], translate: Translate, language: str
    ) -> tuple[str, list[Placed]]:
        """:meth:`pieces`, the output joined."""
        parts, placed = self.pieces(text, units, translate, language)
        return "".join(parts), list(placed)

    def catalog_name(self, document: str) -> str:
        """The name a document's catalogs take (``news/a.txt`` -> ``news/a``)."""
        return str(PurePosixPath(document).with_suffix("")) if self.drops_suffix else document


@functools.cache
def get_format(name: str) -> Format:
    if name not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise TransflowError(f"unknown document format {name!r} (known: {known})")
    module = importlib.import_module(f"transflow.formats.{FORMATS[name]}")
    found: Format = module.FORMAT()
    return found


def _matches(name: str, glob: str) -> bool:
    """`glob` as in ``[formats]``: one without a "/" matches the file name in any folder
    (``*.mdx``); one with a "/" the name below the source folder (``docs/**/*.mdx``)."""
    glob = glob.removeprefix("**/")
    if "/" not in glob:
        return fnmatchcase(PurePosixPath(name).name, glob)
    return fnmatchcase(name, glob)


def format_name(document: str, globs: Mapping[str, Sequence[str]] | None = None) -> str:
    """The format of the document named `document`: the first format (in the order of
    :data:`FORMATS`) one of whose `globs` matches it, else the one of its suffix."""
    for name in FORMATS:
        if globs and any(_matches(document, glob) for glob in globs.get(name, ())):
            return name
    return SUFFIXES.get(PurePosixPath(document).suffix.lower(), "text")


class Output:
    """A localized document being written (its pieces), with the units placed in it so
    far: what the formats' ``pieces`` build their output in."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.placed: list[Placed] = []

    def write(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.size += len(chunk)
