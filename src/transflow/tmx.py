"""TMX 1.4 translation memories: the project's accepted translations out, drafts in.

Export writes one ``<tu>`` per distinct source text, with a ``<tuv>`` for the source and
one per language that has a translation a person accepted (obsolete ones included: they
are real work). Import fills the project's empty entries whose text a TMX knows, or
whose text is similar to one it knows (``translate.memory_threshold``), as fuzzy drafts
that transflow owns (``translation memory: imported from <file>``, or ``translation
memory: 92% match, imported from <file>`` with the TMX's text as ``#| msgid``), and never
touches an entry that has a translation. The imported translations are kept in the
translation memory, where ``translate`` finds them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.parsers import expat

from transflow import __version__
from transflow.errors import TransflowError
from transflow.fuzzymatch import Match, describe
from transflow.model import MACHINE_DRAFT, MEMORY_DRAFT, Catalog, Entry

DEFAULT_NAME = "translations.tmx"  # in the project's build folder
REFERENCE_PROP = "x-transflow-reference"
VERSIONS = ("1.1", "1.2", "1.3", "1.4")  # of TMX, that import reads
# What XML 1.0 allows in a document (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def tmx_lang(code: str) -> str:
    """A language code as TMX (BCP 47) writes it: ``pt_BR`` -> ``pt-BR``."""
    return code.replace("_", "-")


def norm(code: str) -> str:
    return code.replace("_", "-").lower()


def lang_rank(tmx_code: str, wanted: str) -> int | None:
    """How well a TMX language matches a project language: 0 the same (ignoring case),
    1 a variant of it (``az-AZ`` for ``az``), None not at all."""
    have, want = norm(tmx_code), norm(wanted)
    if have == want:
        return 0
    return 1 if have.startswith(want + "-") else None


# --- export ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationUnit:
    source: str
    variants: tuple[tuple[str, str], ...]  # (project language, translation), by language
    references: tuple[str, ...] = ()


def check_xml(text: str, what: str, path: Path, entry: Entry) -> None:
    bad = _NOT_XML.search(text)
    if bad:
        raise TransflowError(
            f"the {what} of {entry.msgid[:40]!r} holds the character U+{ord(bad.group()):04X}, "
            "which XML 1.0 does not allow, so TMX cannot carry it",
            path,
            entry.line,
        )


def _text(value: str) -> str:
    # "\r" as a reference, or a parser would turn it into "\n"
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def render(units: Iterable[TranslationUnit], source_lang: str, segtype: str = "sentence") -> str:
    """A TMX 1.4 document holding `units`; the same units always give the same text."""
    header = {
        "creationtool": "transflow",
        "creationtoolversion": __version__,
        "segtype": segtype,
        "o-tmf": "PO",
        "adminlang": "en",
        "srclang": tmx_lang(source_lang),
        "datatype": "plaintext",
    }
    attrs = " ".join(f'{name}="{_attr(value)}"' for name, value in header.items())
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        '<tmx version="1.4">',
        f"  <header {attrs}/>",
        "  <body>",
    ]
    for unit in units:
        lines.append("    <tu>")
        if unit.references:
            refs = _text(" ".join(unit.references))
            lines.append(f'      <prop type="{REFERENCE_PROP}">{refs}</prop>')
        for lang, text in ((source_lang, unit.source), *unit.variants):
            lines.append(
                f'      <tuv xml:lang="{_attr(tmx_lang(lang))}"><seg>{_text(text)}</seg></tuv>'
            )
        lines.append("    </tu>")
    lines += ["  </body>", "</tmx>", ""]
    return "\n".join(lines)


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    language: str  # as the TMX writes it
    text: str  # the segment's text, inline codes' native text included
    line: int


@dataclass
class _Reader:
    """Collects the ``<tuv>`` segments of each ``<tu>`` from expat's events."""

    path: Path
    parser: expat.XMLParserType
    units: list[list[Variant]] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    tu: list[Variant] | None = None
    tuv: tuple[str, int] | None = None  # language, line
    seg: list[str] | None = None  # text so far, inside <seg>
    segs: int = 0  # <seg> elements in the current <tuv>

    def fail(self, message: str) -> TransflowError:
        return TransflowError(message, self.path, self.parser.CurrentLineNumber)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if not self.stack:
            if name != "tmx":
                raise self.fail(f"not a TMX file: the root element is <{name}>, not <tmx>")
            version = attrs.get("version")
            if version is None:
                raise self.fail('the <tmx> element has no version attribute (<tmx version="1.4">)')
            if version.strip() not in VERSIONS:
                raise self.fail(f"TMX version {version!r} is not supported (1.1 to 1.4)")
        self.stack.append(name)
        if self.seg is not None:
            return  # inline markup (<ph>, <bpt>, <hi>, <sub>...): only its text counts
        if name == "tu":
            self.tu = []
        elif name == "tuv":
            lang = attrs.get("xml:lang") or attrs.get("lang")  # "lang": TMX 1.1-1.2
            if not lang:
                raise self.fail("a <tuv> without an xml:lang attribute")
            if self.tu is None:
                raise self.fail("a <tuv> outside a <tu>")
            self.tuv, self.segs = (lang.strip(), self.parser.CurrentLineNumber), 0
        elif name == "seg":
            if self.tuv is None:
                raise self.fail("a <seg> outside a <tuv>")
            self.seg, self.segs = [], self.segs + 1
            if self.segs > 1:
                raise self.fail("a <tuv> with more than one <seg>")

    def end(self, name: str) -> None:
        self.stack.pop()
        if self.seg is not None and name == "seg" and "seg" not in self.stack:
            assert self.tuv is not None and self.tu is not None
            self.tu.append(Variant(self.tuv[0], "".join(self.seg), self.tuv[1]))
            self.seg = None
        elif self.seg is None and name == "tuv":
            if not self.segs:
                raise self.fail("a <tuv> without a <seg>")
            self.tuv = None
        elif self.seg is None and name == "tu" and self.tu is not None:
            self.units.append(self.tu)
            self.tu = None

    def text(self, data: str) -> None:
        if self.seg is not None:
            self.seg.append(data)

    def entity(self, name: str, *args: object) -> None:
        raise self.fail(f"the TMX declares the entity {name!r}; entity declarations are refused")

    def skipped(self, name: str, parameter: bool) -> None:
        """A reference to an entity the file does not declare: expat leaves it out when the
        file names an external DTD (which is never read), so ``A&xxe;B`` would be ``AB``."""
        reference = f"{'%' if parameter else '&'}{name};"
        raise self.fail(
            f"the entity {reference} is not defined in the file (transflow reads no DTD), "
            "so the text it stands for is unknown"
        )


def parse(data: bytes, path: Path) -> list[list[Variant]]:
    """The ``<tu>``s of a TMX document, each as its variants in file order.

    The segment text is all the text in ``<seg>``: for plain text the content of the
    inline elements (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``, ``<ut>``) is the original
    text they stand for, and that of ``<hi>`` and ``<sub>`` is text too (TMX 1.4, 3.7)."""
    parser = expat.ParserCreate()
    reader = _Reader(path, parser)
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.EntityDeclHandler = reader.entity
    parser.SkippedEntityHandler = reader.skipped
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code)
        raise TransflowError(
            f"not well-formed XML: {message} (column {exc.offset + 1})", path, exc.lineno
        ) from None
    return reader.units


def read(path: Path) -> list[list[Variant]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TransflowError(f"cannot read the TMX file: {exc.strerror}", path) from None
    return parse(data, path)


def _ranked(unit: Iterable[Variant], language: str) -> list[tuple[int, str]]:
    """(match rank, text) of the variants in `language` or a variant of it, in file order."""
    return [(rank, v.text) for v in unit if (rank := lang_rank(v.language, language)) is not None]


def lookup(units: Iterable[Sequence[Variant]], source_lang: str, language: str) -> dict[str, str]:
    """Source text -> translation into `language`, from the units that have both.

    The variant in exactly the language wins over a regional variant (``az`` over
    ``az-AZ``); between equals, the first in the file."""
    best: dict[str, tuple[int, str]] = {}
    if norm(source_lang) == norm(language):
        return {}
    for unit in units:
        sources = _ranked(unit, source_lang)
        targets = [(rank, text) for rank, text in _ranked(unit, language) if text]
        if sources and targets:
            source = min(sources, key=lambda t: t[0])[1]
            rank, text = min(targets, key=lambda t: t[0])
            if source not in best or rank < best[source][0]:
                best[source] = (rank, text)
    return {source: text for source, (_, text) in best.items()}


# --- import ----------------------------------------------------------------------------


def is_empty(entry: Entry) -> bool:
    return not entry.obsolete and not entry.msgstr and not entry.fuzzy


def fill(catalog: Catalog, matches: dict[str, Match]) -> tuple[Catalog, int, int]:
    """The catalog with its empty entries that have a match filled as fuzzy drafts;
    and the counts of empty and filled entries."""
    entries, empty, filled = [], 0, 0
    for e in catalog.entries:
        if is_empty(e):
            empty += 1
            if e.msgid in matches:
                kept = tuple(
                    c
                    for c in e.translator_comments
                    if not c.startswith((MACHINE_DRAFT, MEMORY_DRAFT))
                )
                comment, previous = describe(matches[e.msgid], e.msgid)
                e = e.with_(
                    msgstr=matches[e.msgid].stored.target,
                    flags=("fuzzy", *e.flags),
                    translator_comments=(*kept, comment),
                    previous_msgid=previous,
                    previous_msgctxt=None,
                )
                filled += 1
        entries.append(e)
    return replace(catalog, entries=tuple(entries)), empty, filled
