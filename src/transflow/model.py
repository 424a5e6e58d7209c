"""Plain data for catalogs: what a PO file says, apart from how it is written."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import repeat
from typing import Any, NamedTuple, overload

# Translator comments that transflow writes on the drafts it makes, followed by the
# provenance ("argos translate-en_az 1.0; score -0.12") or where the translation was found.
MACHINE_DRAFT = "machine translation: "
MEMORY_DRAFT = "translation memory: "

_DRAFTS = (MACHINE_DRAFT, MEMORY_DRAFT)  # a comment that starts so states a provenance

# Severities of QA findings, worst first.
SEVERITIES = ("error", "warning", "info")


class Unit(NamedTuple):
    """A translatable unit of a document, as its format found it. A named tuple rather
    than a frozen dataclass: a large document has tens of thousands, and a tuple is made
    three times faster."""

    block: int  # 1-based block number in the document (the catalog reference's "line")
    number: int  # 1-based unit number in its block
    kind: str  # what the unit is: "sentence", "headline", "heading", "alt"...
    text: str  # what a catalog's msgid holds
    start: int  # offset of the first character in the document
    end: int  # offset after the last character
    # formats with inline markup: what each numbered tag in `text` stands for, in order
    # of number ((opening, closing) source markup; closing "" for a standalone tag)
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def position(self) -> str:
        return f"{self.block}.{self.number}"


class Placed(NamedTuple):
    """A unit in a localized document: the text it got there, and where. A named tuple, as
    :class:`Unit`."""

    unit: Unit
    text: str  # as written in the output (wrapping and markup included)
    start: int
    end: int
    translated: bool  # False: the source text was kept
    broken: bool = False  # the translation's inline markup was broken: the source was kept


class Placements(Sequence[Placed]):
    """Units placed in an output, one after the other: a sequence of :class:`Placed` kept
    as columns (the unit, its text, two 64-bit offsets and two bytes each), each Placed
    made when it is read. A large document's rebuild places a unit for each of hundreds
    of thousands: a Placed and its two offsets as objects take 160 bytes, these columns
    34."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.texts: list[str] = []
        self.starts = array("q")
        self.ends = array("q")
        self.translated = bytearray()  # 1: True, 0: False
        self.broken = bytearray()

    def add(self, unit: Unit, text: str, start: int, end: int, translated: bool) -> None:
        """Place a unit whose markup is not broken (the text format has no inline markup)."""
        self.units.append(unit)
        self.texts.append(text)
        self.starts.append(start)
        self.ends.append(end)
        self.translated.append(translated)
        self.broken.append(False)

    def append(self, placed: Placed) -> None:
        unit, text, start, end, translated, broken = placed
        self.add(unit, text, start, end, translated)
        self.broken[-1] = broken

    def __len__(self) -> int:
        return len(self.units)

    @overload
    def __getitem__(self, index: int) -> Placed: ...

    @overload
    def __getitem__(self, index: slice) -> list[Placed]: ...

    def __getitem__(self, index: int | slice) -> Placed | list[Placed]:
        if isinstance(index, slice):
            return list(self._rows(index))
        unit, text, start, end = (
            self.units[index],
            self.texts[index],
            self.starts[index],
            self.ends[index],
        )
        return Placed(
            unit, text, start, end, bool(self.translated[index]), bool(self.broken[index])
        )

    def __iter__(self) -> Iterator[Placed]:
        return self._rows(slice(None))

    def _rows(self, index: slice) -> Iterator[Placed]:
        return map(tuple.__new__, repeat(Placed), self.rows(index))  # (each made in C: hot)

    def rows(self, index: slice) -> Iterator[PlacedRow]:
        """The units placed in `index`, each as the plain tuple of a Placed's fields (read
        faster than a Placed is made)."""
        columns: Sequence[Sequence[Any]] = (self.units, self.texts, self.starts, self.ends)
        flags = (self.translated, self.broken)
        if index != slice(None):  # (the whole is read where it is, not copied)
            columns, flags = [c[index] for c in columns], (flags[0][index], flags[1][index])
        truth = _TRUTH.__getitem__
        return zip(*columns, map(truth, flags[0]), map(truth, flags[1]), strict=True)


PlacedRow = tuple[Unit, str, int, int, bool, bool]  # a Placed's fields


def placed_rows(placed: Sequence[Placed], index: slice = slice(None)) -> Iterable[PlacedRow]:
    """The units of `placed` in `index`, each as a Placed or the tuple of its fields."""
    if isinstance(placed, Placements):
        return placed.rows(index)
    return placed if index == slice(None) else placed[index]


_TRUTH = (False, True)


class Entry(NamedTuple):
    """One PO entry. Documents make singular entries only; a plural entry (`msgid_plural`,
    ``msgstr[n]``) a person added is read and written back as it is: then `msgstr` is
    ``msgstr[0]`` and `msgstr_plural` holds ``msgstr[1]``, ``msgstr[2]``...

    A named tuple rather than a frozen dataclass: catalogs hold tens of thousands, and a
    tuple is made three times faster. Two entries are equal when all but `line` are."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    translator_comments: tuple[str, ...] = ()  # "# " lines, written by people
    extracted_comments: tuple[str, ...] = ()  # "#." lines, written by transflow
    references: tuple[str, ...] = ()  # "#:" items, e.g. "a.txt:4" (block 4)
    flags: tuple[str, ...] = ()  # "#," items, e.g. "fuzzy"
    previous_msgid: str | None = None  # "#| msgid", kept with a fuzzy suggestion
    previous_msgctxt: str | None = None  # "#| msgctxt"
    msgid_plural: str | None = None  # a plural entry's "msgid_plural"
    msgstr_plural: tuple[str, ...] = ()  # its "msgstr[1]", "msgstr[2]"...
    previous_msgid_plural: str | None = None  # "#| msgid_plural"
    obsolete: bool = False  # "#~" entries, kept for reuse
    line: int | None = None  # its msgid's line, for messages; not compared

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entry) and self[:-1] == other[:-1]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:-1])

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def plural(self) -> bool:
        """A plural entry: never a unit of a document."""
        return self.msgid_plural is not None

    @property
    def translated(self) -> bool:
        """Accepted by a person: a msgstr and no fuzzy flag."""
        return bool(self.msgstr) and not self.fuzzy and not self.obsolete

    @property
    def draft(self) -> bool:
        """A draft transflow made (machine or memory) that no person has accepted yet."""
        return self.fuzzy and any(c.startswith(_DRAFTS) for c in self.translator_comments)

    @property
    def key(self) -> str | tuple[str, str]:
        """What tells it apart in its catalog: its msgid, or (msgctxt, msgid). A msgid
        alone is the string the entry holds: a catalog's keys are made without allocating
        a pair for each entry."""
        return self.msgid if self.msgctxt is None else (self.msgctxt, self.msgid)

    def with_(self, **changes: Any) -> Entry:
        return self._replace(**changes)


def unit_entries(entries: Iterable[Entry]) -> dict[str, Entry]:
    """msgid -> the entry that holds the translation of the unit with that text: active and
    singular; one without msgctxt before one a person gave a msgctxt, else the first."""
    found: dict[str, Entry] = {}
    for entry in entries:
        if entry.obsolete or entry.msgid_plural is not None:
            continue
        if entry.msgctxt is None or entry.msgid not in found:
            found[entry.msgid] = entry
    return found


@dataclass(frozen=True, slots=True)
class Catalog:
    """A whole PO/POT file: header comments, header fields in order, entries in order."""

    header: tuple[tuple[str, str], ...] = ()
    header_comments: tuple[str, ...] = ()  # "# " lines above the header entry
    header_fuzzy: bool = False  # "#, fuzzy" on the header entry (templates)
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    def header_value(self, name: str) -> str | None:
        for key, value in self.header:
            if key == name:
                return value
        return None


class Status(StrEnum):
    """Where an entry stands, one name for each state everywhere (status, build, review,
    alignment files, manifest). A StrEnum: it prints and serializes as its value."""

    ACCEPTED = "accepted"  # translated, and not fuzzy: a person accepted it
    DRAFT = "draft"  # fuzzy, made by transflow (machine or memory): awaiting review
    FUZZY = "fuzzy"  # fuzzy for another reason (a source change): awaiting review
    UNTRANSLATED = "untranslated"
    OBSOLETE = "obsolete"  # "#~": no unit has it any more, kept for reuse


def status_of(entry: Entry | None) -> Status:
    """The status of a unit's entry (None: the unit has no entry)."""
    if entry is not None and entry.obsolete:
        return Status.OBSOLETE
    if entry is None or not entry.msgstr:
        return Status.UNTRANSLATED
    if not entry.fuzzy:
        return Status.ACCEPTED
    return Status.DRAFT if entry.draft else Status.FUZZY


_SCORE = "; score "
_GUESSED = "; tags placed by guess: "


@dataclass(frozen=True)
class Provenance:
    """Where a draft came from. PO has no field for it, so transflow keeps it in a
    translator comment; this type alone writes that comment (:meth:`comment`) and reads it
    back (:meth:`read`): ``machine translation: argos translate-en_az 1.0; score -0.112``,
    ``translation memory: 92% match, accepted in a.txt``; a machine draft whose inline
    tags were placed by a guess ends ``; tags placed by guess: <b1> <c2/>``."""

    machine: bool  # True: made by an MT engine; False: found in the translation memory
    source: str  # the engine and package, or where the memory found it
    score: float | None = None  # the model's mean log-probability per token (machine)
    guessed: tuple[str, ...] = ()  # machine: inline tags placed by a guess, not the model

    def comment(self) -> str:
        prefix = MACHINE_DRAFT if self.machine else MEMORY_DRAFT
        score = "" if self.score is None else f"{_SCORE}{round(self.score, 3) + 0.0:.3f}"
        guessed = f"{_GUESSED}{' '.join(self.guessed)}" if self.guessed else ""
        return f"{prefix}{self.source}{score}{guessed}"

    @classmethod
    def read(cls, comment: str) -> Provenance | None:
        """The provenance a translator comment states, or None when it states none."""
        for machine, prefix in ((True, MACHINE_DRAFT), (False, MEMORY_DRAFT)):
            if comment.startswith(prefix):
                rest = comment[len(prefix) :]
                guessed: tuple[str, ...] = ()
                if machine:
                    before, found, tags = rest.rpartition(_GUESSED)
                    if found and tags.strip():
                        rest, guessed = before, tuple(tags.split())
                source, found, score = rest.rpartition(_SCORE)
                if machine and found:
                    try:
                        return cls(True, source, float(score), guessed)
                    except ValueError:
                        pass
                return cls(machine, rest, None, guessed)
        return None
