"""The translation memory: every machine draft ever made, and the translations of every
imported TMX, in a local SQLite file.

Drafts are keyed by engine, provenance (package and version), language pair and source
text, and keep the inline tags they had placed by a guess; a unit is sent to a model
once, across documents and runs; an interrupted run loses at most the batch in flight.
Imported translations are keyed by language pair and source text (the latest import
wins) and remember the file they came from; ``translate`` offers them, with the
project's accepted translations, for similar text. The file lives in
``.transflow/tm.sqlite`` (git-ignored).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from transflow.engines import Draft
from transflow.errors import TransflowError

_SCHEMA = """
create table if not exists drafts (
    engine text not null,
    provenance text not null,
    source_lang text not null,
    target_lang text not null,
    source text not null,
    target text not null,
    score real,
    guessed text not null default '',
    primary key (engine, provenance, source_lang, target_lang, source)
);
create table if not exists imported (
    source_lang text not null,
    target_lang text not null,
    source text not null,
    target text not null,
    origin text not null,
    primary key (source_lang, target_lang, source)
);
"""
FILE = ".transflow/tm.sqlite"  # under the project root
_CHUNK = 500  # sqlite's limit on bound parameters is far above this


class Memory:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.executescript(_SCHEMA)
            columns = [row[1] for row in self._db.execute("pragma table_info(drafts)")]
            if "guessed" not in columns:  # a memory written before drafts had it
                self._db.execute("alter table drafts add column guessed text not null default ''")
        except (OSError, sqlite3.Error) as exc:
            raise TransflowError(f"cannot open the translation memory: {exc}", path) from None

    def get(
        self, engine: str, provenance: str, pair: tuple[str, str], texts: Sequence[str]
    ) -> dict[str, Draft]:
        """The stored drafts among `texts`."""
        found: dict[str, Draft] = {}
        unique = list(dict.fromkeys(texts))
        for i in range(0, len(unique), _CHUNK):
            chunk = unique[i : i + _CHUNK]
            rows = self._db.execute(
                "select source, target, score, guessed from drafts"
                " where engine = ? and provenance = ?"
                " and source_lang = ? and target_lang = ?"
                f" and source in ({','.join('?' * len(chunk))})",
                (engine, provenance, *pair, *chunk),
            )
            for source, target, score, guessed in rows:
                found[source] = Draft(target, score, guessed=tuple(guessed.split()))
        return found

    def put(
        self,
        engine: str,
        provenance: str,
        pair: tuple[str, str],
        drafts: Iterable[tuple[str, Draft]],
    ) -> None:
        """Store drafts and commit, so that they survive an interruption right after."""
        with self._db:
            self._db.executemany(
                "insert or replace into drafts (engine, provenance, source_lang, target_lang,"
                " source, target, score, guessed) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (engine, provenance, *pair, s, d.text, d.score, " ".join(d.guessed))
                    for s, d in drafts
                ],
            )

    def add_imported(
        self, pair: tuple[str, str], units: Iterable[tuple[str, str]], origin: str
    ) -> None:
        """Store (source, translation) pairs imported from the file named `origin`."""
        with self._db:
            self._db.executemany(
                "insert or replace into imported values (?, ?, ?, ?, ?)",
                [(*pair, source, target, origin) for source, target in units],
            )

    def imported(self, pair: tuple[str, str]) -> list[tuple[str, str, str]]:
        """(source, translation, origin) of every imported translation for `pair`."""
        rows = self._db.execute(
            "select source, target, origin from imported where source_lang = ?"
            " and target_lang = ? order by rowid",
            pair,
        )
        return list(rows)

    def close(self) -> None:
        self._db.close()
