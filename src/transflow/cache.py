"""What transflow keeps in ``.transflow/`` to skip work done before. Only ever a hint: a
missing, stale or damaged file means the work is done again, never a wrong result.

- ``extract-state.json``: sizes, times and inodes of the documents and catalogs as the
  last extract left them; extract skips a document whose files are all as recorded.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from transflow import __version__, files
from transflow.config import STATE_DIR, Config

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


def forget_units(root: Path) -> None:
    """Delete ``.transflow/units/``, where transflow up to 0.1 kept the units of large
    documents: reading them back saved less than it cost (docs/benchmarks.md)."""
    shutil.rmtree(root / STATE_DIR / "units", ignore_errors=True)
