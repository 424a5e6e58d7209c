"""``transflow build``: localized outputs for publishers (what they hold: :mod:`transflow.publish`).

For each document and language, in ``build/<lang>/``:
- ``<doc>``: the source with its translations, in the source's layout;
- ``<doc>.html``: the same text as an HTML page, ``lang`` and ``dir`` set (Urdu, Arabic,
  Persian, Hebrew... are right-to-left), everything escaped;
- ``<doc>.align.json``: each source unit, its text in the output, its status (accepted,
  draft, fuzzy, untranslated) and its character offsets in the source and the output;
  ``"markup": "broken"`` on a unit whose translation's inline markup was broken (the
  source text was published for it, and the build report names its catalog entry);
and ``build/manifest.json`` lists every output with its completion figures, draft count
and SHA-256.

Which translations are published: accepted ones always; fuzzy ones (machine drafts,
suggestions after a source change) only with ``drafts=True``. An output whose
completion (the share of units published translated) is under ``min_completion`` is
not written: the previous output stays as it was, and the job reports it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import compress
from pathlib import Path

from transflow import markup
from transflow.catalog import Translations, unit_translations
from transflow.config import Config
from transflow.model import Placed, Placements, Status, Unit
from transflow.project import (
    Document,
    Written,
    catalog_of,
    documents,
    languages_of,
    output_path,
    po_path,
    units_of,
    write_files,
)
from transflow.publish import alignment_parts, encoded, html_parts

MANIFEST = "manifest.json"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Output:
    """One document in one language, as built (or kept)."""

    document: str
    language: str
    path: str  # relative to the build folder
    units: int
    accepted: int
    drafts: int  # units published from transflow's machine or memory drafts
    fuzzy: int  # units published from other fuzzy entries
    untranslated: int  # units left in the source language
    completion: float  # percent of units published translated
    written: bool  # False: under --min-completion; the previous output was kept
    sha256: str | None  # of the file now in the build folder; None: there is none
    # the units whose translation's inline markup is broken: the source text was published
    broken: tuple[Broken, ...] = ()


@dataclass(frozen=True)
class Broken:
    """A translation with broken inline markup (:func:`transflow.markup.problems`)."""

    catalog: str  # the PO file, relative to the project folder
    line: int | None  # of its entry
    reference: str  # the unit in the document, e.g. "a.md:3"
    problem: str  # what is wrong, e.g. "tag <b1> is missing"


# The published page's style sheet, inline: a readable measure, and a face per script
# (Nastaliq for Urdu and Kashmiri, Naskh for the other Arabic-script languages, whose
# fallback would otherwise be a display face such as Noto Kufi Arabic).


def build(
    config: Config,
    languages: Sequence[str] = (),
    only: Sequence[Path] = (),
    progress: Progress | None = None,
    drafts: bool | None = None,
    min_completion: float = 0.0,
) -> tuple[list[Written], list[Output]]:
    """Write the outputs (text, HTML, alignment) and the manifest; see the module doc.
    Every document and catalog is read first; each output is made when its turn to be
    written comes, so that one at a time is in memory."""
    include = config.build_drafts == "include" if drafts is None else drafts
    langs = languages_of(config, languages)
    jobs: list[_Job] = []
    docs = documents(config, only)
    for done, doc in enumerate(docs, 1):
        text, units = units_of(config, doc)
        for lang in langs:
            found = _translations(config, doc, lang, units)  # (dropped once a job has it)
            jobs.append(_Job(config, doc, lang, text, units, found, include, min_completion))
            del found
        if progress:
            progress(done, len(docs))
    plan: list[tuple[Path, str | Callable[[], bytes | Iterator[bytes]]]] = []
    for job in jobs:
        plan += job.files()

    def manifest() -> bytes:
        return _manifest(config, [job.output() for job in jobs]).encode("utf-8")

    plan.append((config.build_dir / MANIFEST, manifest))
    written = write_files(config, plan)
    return written, [job.output() for job in jobs]


def _translations(config: Config, doc: Document, lang: str, units: Sequence[Unit]) -> Translations:
    """The translations of `units` in the document's catalog in `lang` (an untranslated
    entry publishes as a unit without entry)."""
    path = po_path(config, doc, lang)
    if not path.exists():
        catalog_of(config, doc, lang)  # raises the error that says what to run
    return unit_translations(path, units)


def _manifest(config: Config, outputs: Sequence[Output]) -> str:
    """The manifest: this run's outputs, and those of earlier runs for other documents or
    languages whose files are still there."""
    rows = {(o.document, o.language): asdict(o) for o in outputs}
    try:
        old = json.loads((config.build_dir / MANIFEST).read_text(encoding="utf-8"))["outputs"]
        for row in old:
            key = (row["document"], row["language"])
            if key not in rows and (config.build_dir / row["path"]).exists():
                rows[key] = row
    except (OSError, ValueError, KeyError, TypeError):
        pass
    ordered = [rows[key] for key in sorted(rows)]
    return json.dumps({"outputs": ordered}, ensure_ascii=False, indent=1) + "\n"


class _Job:
    """One document in one language: its figures as soon as its catalog is read, its files
    (none when under `min_completion`) when they are written, one after the other."""

    def __init__(
        self,
        config: Config,
        doc: Document,
        lang: str,
        text: str,
        units: Sequence[Unit],
        found: Translations,
        include: bool,
        min_completion: float,
    ) -> None:
        self.doc, self.lang, self.text, self.units = doc, lang, text, units
        self.source = config.source_lang
        self.path = output_path(config, doc, lang)
        self.relative = str(self.path.relative_to(config.build_dir))
        self.catalog_file = po_path(config, doc, lang)
        self.catalog = self.catalog_file
        if self.catalog.is_relative_to(config.root):
            self.catalog = self.catalog.relative_to(config.root)
        msgstrs, unaccepted = found.msgstrs, found.unaccepted
        published = msgstrs  # (the same table when every translation is published)
        if unaccepted and not include:
            published = {t: s for t, s in msgstrs.items() if t not in unaccepted}
        self.published = published
        status = found.status
        self.statuses = [status(u.text) for u in units]
        done = [u.text in published for u in units]
        completion = 100.0 * sum(done) / len(units) if units else 100.0
        self.completion = round(completion, 1)
        self.write = completion >= min_completion
        self.counts = {
            status: sum(1 for s, d in zip(self.statuses, done, strict=True) if s == status and d)
            for status in (Status.ACCEPTED, Status.DRAFT, Status.FUZZY)
        }
        self.untranslated = len(units) - sum(done)
        self.sha256: str | None = None
        self.placed: Sequence[Placed] = ()
        self.broken: tuple[Broken, ...] = ()

    def files(self) -> list[tuple[Path, Callable[[], bytes | Iterator[bytes]]]]:
        path = self.path
        if not self.write:
            return []
        page = [(path.with_name(path.name + ".html"), self._html)] if self.doc.format.page else []
        return [
            (path, self._text),
            *page,
            (path.with_name(path.name + ".align.json"), self._alignment),
        ]

    def _text(self) -> Iterator[bytes]:
        output, self.placed = self.doc.format.pieces(
            self.text, self.units, self.published.get, self.lang
        )
        placed = self.placed
        if isinstance(placed, Placements):  # (its column read as it is: hot)
            self.broken = self._broken(list(compress(placed.units, placed.broken)))
        else:
            self.broken = self._broken([p.unit for p in placed if p.broken])
        return self._hashed(output)

    def _hashed(self, output: Sequence[str]) -> Iterator[bytes]:
        """The UTF-8 of the pieces `output` a chunk at a time; then its SHA-256 is
        :attr:`sha256`."""
        digest = hashlib.sha256()
        for data in encoded(output):
            digest.update(data)
            yield data
        self.sha256 = digest.hexdigest()

    def _broken(self, units: Sequence[Unit]) -> tuple[Broken, ...]:
        """What is wrong with the markup of the translations of `units`, and where their
        entries are: the catalog is read again for their lines (kept for no unit, as
        few translations are ever broken)."""
        if not units:
            return ()
        lines = unit_translations(self.catalog_file, units, lines=True).lines
        found = []
        for unit in units:
            problems = markup.problems(unit.text, self.published[unit.text])
            reference = f"{self.doc.name}:{unit.block}"
            line = lines.get(unit.text)  # (None: the catalog changed since it was read)
            found.append(
                Broken(str(self.catalog), line, reference, "; ".join(problems) or "broken")
            )
        return tuple(found)

    def _html(self) -> Iterator[bytes]:
        parts = html_parts(self.doc.name, self.lang, self.placed, self.statuses, self.source)
        return encoded(parts)

    def _alignment(self) -> Iterator[bytes]:
        placed, self.placed = self.placed, ()
        parts = alignment_parts(self.doc, self.lang, self.path.name, placed, self.statuses)
        return encoded(parts)

    def output(self) -> Output:
        return Output(
            document=self.doc.name,
            language=self.lang,
            path=self.relative,
            units=len(self.units),
            accepted=self.counts[Status.ACCEPTED],
            drafts=self.counts[Status.DRAFT],
            fuzzy=self.counts[Status.FUZZY],
            untranslated=self.untranslated,
            completion=self.completion,
            written=self.write,
            sha256=self.sha256 if self.write else _digest(self.path),
            broken=self.broken,
        )


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
