"""What transflow keeps in ``.transflow/`` to skip work done before. Only ever a hint: a
missing, stale or damaged file means the work is done again, never a wrong result.

- ``extract-state.json``: sizes, times and inodes of the documents and catalogs as the
  last extract left them; extract skips a document whose files are all as recorded.
- ``units/``: the units of each large document, under a SHA-256 of its text, its format,
  the segmentation settings and transflow's version, so that ``build`` after ``extract``
  does not segment the document again. Segmenting is the largest part of a build: a 2 MB
  text document's units are read back in about a seventh of the time it takes to find them
  (0.03 s against 0.19 s; docs/benchmarks.md, "units not kept"). Any format's units are
  kept the same way, with what the format's rebuild needs besides (its layout: for
  Markdown, the lines of the paragraphs it re-wraps, which would take a scan of the
  document's blocks to find again).
"""

from __future__ import annotations

import contextlib
import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from transflow import __version__, files
from transflow.config import STATE_DIR, Config, SegmentationConfig
from transflow.formats import get_format
from transflow.model import Unit

STATE_FILE = f"{STATE_DIR}/extract-state.json"


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class ExtractState:
    """Sizes and times of the files as the last extract left them, to skip unchanged work."""

    def __init__(self, config: Config, languages: Sequence[str]) -> None:
        self.root = config.root
        self.path = config.root / STATE_FILE
        settings = [__version__, asdict(config.segmentation), config.fuzzy_threshold]
        settings += [str(config.glossary), list(config.translate.do_not_translate)]
        settings += [sorted(config.formats.items())]
        # what the catalogs depend on besides the files: a change means a full run
        self.fingerprint = json.dumps([*settings, list(languages)], sort_keys=True)
        self.before: dict[str, list[int] | None] = {}
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("fingerprint") == self.fingerprint:
                self.before = dict(saved["files"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        self.after = dict(self.before)

    def key(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def unchanged(self, paths: Sequence[Path]) -> bool:
        stats = [_stat(p) for p in paths]
        pairs = zip(paths, stats, strict=True)
        return all(stats) and all(self.before.get(self.key(p)) == s for p, s in pairs)

    def record(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self.after[self.key(path)] = _stat(path)

    def save(self) -> None:
        if self.after != self.before:
            data = {"fingerprint": self.fingerprint, "files": self.after}
            files.write_atomic(self.path, json.dumps(data, indent=0), durable=False)


UNITS_DIR = f"{STATE_DIR}/units"
UNITS_ABOVE = 50_000  # characters: a smaller document is segmented about as fast as read
_MAGIC = b"transflow-units 3 "
_COLUMNS = 7  # per unit: block, number, kind, start, end, own text (0/1), tags


def units(
    root: Path, document: str, format_name: str, text: str, options: SegmentationConfig
) -> tuple[Unit, ...]:
    """The units of the document named `document` whose text is `text`: those kept for
    this very text, format and settings, else its format's (then kept for the next run)."""
    form = get_format(format_name)
    if len(text) < UNITS_ABOVE:
        return form.segment(text, options)
    import hashlib  # not at start-up (about 4 ms): most commands never need it

    path = root / UNITS_DIR / _units_file(document)
    settings = json.dumps([__version__, format_name, asdict(options)], sort_keys=True)
    digest = hashlib.sha256(settings.encode("utf-8") + b"\0")
    digest.update(text.encode("utf-8"))
    key = _MAGIC + digest.hexdigest().encode("ascii") + b" "
    kept = _load(path, key, text)
    found = None if kept is None else form.with_layout(text, *kept)
    if found is None:
        found = form.segment(text, options)
        layout = form.layout(text, found)
        # a folder that cannot be written is no error, nor a document beyond 2**31 characters
        with contextlib.suppress(OSError, OverflowError):
            files.state_dir(root)
            files.write_changed_chunks(path, [key, *_dump(found, text, layout)])
    return found


def _dump(found: Sequence[Unit], text: str, layout: Sequence[int]) -> list[bytes]:
    """A SHA-256 of the body, a line break, then the body (as pieces, written one after
    the other): three counts (units, kinds, integers of the layout), the 32-bit integers
    of :data:`_COLUMNS` per unit, the layout's, then the strings (the kinds, each unit's
    text where it is not the source's slice, its tags' markup), UTF-8, each ended by a
    NUL character (documents hold none)."""
    import hashlib

    kinds: dict[str, int] = {}
    numbers = array("i")
    strings: list[str] = []
    extend, add = numbers.extend, strings.append  # (hot: a call per unit)
    for block, number, kind, unit_text, start, end, tags in found:
        own = unit_text != text[start:end]
        code = kinds.get(kind)
        if code is None:
            code = kinds[kind] = len(kinds)
        extend((block, number, code, start, end, own, len(tags)))
        if own:
            add(unit_text)
        for pair in tags:
            strings += pair
    count = array("i", (len(found), len(kinds), len(layout))).tobytes()
    tail = "\0".join([*kinds, *strings, ""]).encode("utf-8")  # each ended by a NUL
    # written one after the other, never joined
    body = [count, numbers.tobytes(), array("i", layout).tobytes(), tail]
    digest = hashlib.sha256()
    for part in body:
        digest.update(part)
    return [digest.hexdigest().encode("ascii"), b"\n", *body]


def _load(path: Path, key: bytes, text: str) -> tuple[tuple[Unit, ...], array[int]] | None:
    """The units and layout :func:`_dump` wrote at `path` under `key`; None if there are
    none, or they are for another text or settings, or the file is damaged in any way."""
    import hashlib

    try:
        data = path.read_bytes()
    except OSError:
        return None
    line = data.find(b"\n") + 1
    body = memoryview(data)[line:]  # the file's parts are read where they are, not copied
    if data[: line - 1] != key + hashlib.sha256(body).hexdigest().encode("ascii"):
        return None
    counts, numbers, layout = array("i"), array("i"), array("i")
    try:
        size = counts.itemsize
        counts.frombytes(body[: 3 * size])
        count, kind_count, layout_count = counts
        cut = (3 + _COLUMNS * count) * size
        numbers.frombytes(body[3 * size : cut])
        layout.frombytes(body[cut : cut + layout_count * size])
        strings = str(body[cut + layout_count * size :], "utf-8").split("\0")
        found = _units(numbers, kind_count, strings, text)
        return None if found is None or len(layout) != layout_count else (found, layout)
    except (ValueError, IndexError, UnicodeDecodeError, StopIteration, RuntimeError):
        # (RuntimeError: a StopIteration inside the generator of a unit's tags)
        return None


def _units(
    numbers: array[int], kind_count: int, strings: list[str], text: str
) -> tuple[Unit, ...] | None:
    if len(numbers) % _COLUMNS or strings.pop() or not 0 <= kind_count <= len(strings):
        return None
    kinds, rest = strings[:kind_count], iter(strings[kind_count:])
    size = len(text)
    found = []
    new = tuple.__new__  # a Unit made without its Python-level __new__: hot
    columns = [iter(numbers)] * _COLUMNS
    shared = -1  # the block number of the unit before: one int for all units of a block
    for block, number, code, start, end, own, tags in zip(*columns, strict=True):
        if not (0 <= start <= end <= size and 0 <= code < kind_count and tags >= 0):
            return None
        if block == shared:
            block = shared
        shared = block
        unit_text = next(rest) if own else text[start:end]
        markup = tuple((next(rest), next(rest)) for _ in range(tags)) if tags else ()
        found.append(new(Unit, (block, number, kinds[code], unit_text, start, end, markup)))
    if next(rest, None) is not None:
        return None
    return tuple(found)


def _units_file(document: str) -> str:
    import hashlib

    return hashlib.sha256(document.encode("utf-8")).hexdigest()[:24] + ".bin"


def prune_units(root: Path, documents: Iterable[str]) -> None:
    """Delete the units kept for documents that are no longer in the project."""
    folder = root / UNITS_DIR
    if folder.is_dir():
        keep = {_units_file(name) for name in documents}
        for path in folder.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)
