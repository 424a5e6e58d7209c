"""What transflow keeps in ``.transflow/`` to skip work done before. Only ever a hint: a
missing, stale or damaged file means the work is done again, never a wrong result.

- ``extract-state.json``: sizes, times and inodes of the documents and catalogs as the
  last extract left them; extract skips a document whose files are all as recorded.
- ``units/``: the units of each large document, under a SHA-256 of its text, transflow's
  version and the segmentation settings. Splitting a 2 MB document into sentences takes
  about four times as long as hashing it and reading its units back (0.08-0.11 s against
  0.02-0.03 s, measured). So ``build`` after ``extract`` does not split it again.
"""

from __future__ import annotations

import contextlib
import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from transflow import __version__, files
from transflow.config import Config, SegmentationConfig
from transflow.segmentation import KINDS, Unit, fold

STATE_FILE = ".transflow/extract-state.json"
UNITS_FOLDER = ".transflow/units"
UNITS_ABOVE = 200_000  # characters: a smaller document is split faster than this is read

Span = tuple[int, int, str, int, int]  # a unit without its text: block, number, kind, start, end
_MAGIC = b"transflow-units 1 "


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


class UnitsCache:
    """The units of one large document's text, read from and written to ``units/``."""

    def __init__(self, root: Path, document: str, text: str, options: SegmentationConfig):
        import hashlib  # not at start-up: 3 ms, and small documents never need it

        self.text = text
        self.path = root / UNITS_FOLDER / _units_file(document)
        digest = hashlib.sha256(json.dumps([__version__, asdict(options)]).encode("utf-8"))
        digest.update(b"\0" + text.encode("utf-8"))
        self.key = _MAGIC + digest.hexdigest().encode("ascii") + b" "

    def load(self) -> tuple[Unit, ...] | None:
        """The units saved for this very text and these settings; None if there are none."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")  # the key, then a SHA-256 of the body
        flat = array("q")
        if head != self.key + _sha256(body) or not body or len(body) % (5 * flat.itemsize):
            return None  # other text or settings, or damaged
        flat.frombytes(body)
        blocks, numbers, kinds, starts, ends = (flat[column::5] for column in range(5))
        if (
            min(starts) < 0
            or max(ends) > len(self.text)
            or not 0 <= min(kinds) <= max(kinds) < len(KINDS)
        ):
            return None  # damaged
        text = self.text
        return tuple(
            Unit(b, n, KINDS[k], fold(text[s:e]), s, e)
            for b, n, k, s, e in zip(blocks, numbers, kinds, starts, ends, strict=True)
        )

    def save(self, spans: Sequence[Span]) -> None:
        """Keep `spans` for the next run; a folder that cannot be written is no error."""
        codes = {kind: code for code, kind in enumerate(KINDS)}
        body = array("q", [n for b, i, k, s, e in spans for n in (b, i, codes[k], s, e)]).tobytes()
        with contextlib.suppress(OSError):
            data = self.key + _sha256(body) + b"\n" + body
            files.write_atomic_bytes(self.path, data, durable=False)


def _sha256(data: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(data).hexdigest().encode("ascii")


def _units_file(document: str) -> str:
    import hashlib

    return hashlib.sha256(document.encode("utf-8")).hexdigest()[:24] + ".bin"


def prune_units(root: Path, documents: Iterable[str]) -> None:
    """Delete the units kept for documents that are no longer in the project, and any
    temporary file an interrupted save left."""
    folder = root / UNITS_FOLDER
    if folder.is_dir():
        keep = {_units_file(name) for name in documents}
        for path in folder.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)


def spans_of(units: Iterable[Unit]) -> list[Span]:
    return [(u.block, u.number, u.kind, u.start, u.end) for u in units]


def units_from(text: str, spans: Iterable[Span]) -> tuple[Unit, ...]:
    return tuple(Unit(b, n, kind, fold(text[s:e]), s, e) for b, n, kind, s, e in spans)
