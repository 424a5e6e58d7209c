"""The project's glossary: terms of the source language and their approved translations.

A glossary is a CSV file with one column per language (``en,az,ur,ru``, the source
language's among them) and one term a row, or a TBX file (ISO 30042, the exchange format
of terminology tools: TBX-Basic ``<termEntry>``/``<langSet>`` or TBX v3
``<conceptEntry>``/``<langSec>``). A do-not-translate term is a special case: a term
whose translation is the term itself, a row marked in a ``do_not_translate`` column, or
a term of ``translate.do_not_translate`` (the shorthand).

- :meth:`Glossary.find` finds the terms in a source text: whole words, any case (an
  all-capital term such as ``UN``: that case only), any spacing;
- :func:`present` says whether a translation holds an approved term, tolerant of case
  and of inflection: each word of the term is compared by its first letters only
  (:func:`stem`), so ``Vətən müharibəsində`` holds ``Vətən müharibəsi`` and
  ``Вооружённых сил`` holds ``Вооружённые силы``.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transflow.errors import TransflowError

if TYPE_CHECKING:
    from transflow.config import Config
    from transflow.model import Entry

NOTE = "glossary: "  # the extracted comment on a catalog entry: "glossary: term = approved"
KEEP_COLUMN = "do_not_translate"
_WORD = re.compile(r"\w+")
_YES, _NO = {"yes", "y", "true", "1", "x"}, {"", "no", "n", "false", "0"}


def _code(language: str) -> str:
    return language.replace("_", "-").lower()


@dataclass(frozen=True)
class Term:
    source: str  # as the glossary writes it
    translations: tuple[tuple[str, str], ...] = ()  # (language code, approved translation)
    keep: bool = False  # do not translate, in every language
    line: int | None = None  # where the glossary file has it

    def approved(self, language: str) -> str | None:
        """The approved translation in `language` (a ``pt`` column serves ``pt-BR``);
        the term itself when it is not to be translated; None when there is none."""
        if self.keep:
            return self.source
        code = _code(language)
        base = code.split("-")[0]
        exact = next((text for lang, text in self.translations if lang == code), None)
        return exact or next((text for lang, text in self.translations if lang == base), None)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    path: Path | None = None
    _by_key: dict[str, Term] = field(init=False, repr=False, compare=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {_key(t.source): t for t in self.terms}
        alternatives = []
        for term in sorted(self.terms, key=lambda t: len(t.source), reverse=True):
            if not term.source.split():
                continue  # a blank do_not_translate term finds nothing
            words = r"\s+".join(re.escape(word) for word in term.source.split())
            exact = term.source.upper() == term.source  # UN, NATO: not "un"
            alternatives.append(words if exact else f"(?i:{words})")
        joined = "|".join(alternatives)
        pattern = re.compile(rf"(?<!\w)(?:{joined})(?!\w)") if alternatives else None
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_pattern", pattern)

    def spans(self, text: str) -> list[tuple[int, int, Term]]:
        """Where terms are in `text`: (start, end, term), longest first where they overlap."""
        if self._pattern is None:
            return []
        return [
            (m.start(), m.end(), self._by_key[_key(m.group())])
            for m in self._pattern.finditer(text)
        ]

    def find(self, text: str) -> list[Term]:
        """The terms in `text`, each once, in order of first occurrence."""
        return list(dict.fromkeys(term for _, _, term in self.spans(text)))

    def notes(self, text: str, language: str | None) -> tuple[str, ...]:
        """The extracted comments of an entry whose msgid is `text`: each term with its
        approved translation in `language` (terms without one are left out); for the
        template (`language` None), the terms alone."""
        return _notes(self.find(text), language)

    def annotate(
        self, entries: Sequence[Entry], languages: Iterable[str | None]
    ) -> dict[str | None, tuple[Entry, ...]]:
        """`entries` with the glossary notes of each language appended to their extracted
        comments (which are transflow's, made anew on every extract)."""
        if not self.terms:
            return {language: tuple(entries) for language in languages}
        found = [self.find(e.msgid) for e in entries]
        result = {}
        for language in languages:
            note = {t: _notes((t,), language) for t in self.terms}
            annotated = []
            for entry, terms in zip(entries, found, strict=True):
                if not terms:
                    annotated.append(entry)
                    continue
                notes = tuple(n for t in terms for n in note[t])
                extracted = (*entry.extracted_comments, *notes)
                annotated.append(entry.with_(extracted_comments=extracted) if notes else entry)
            result[language] = tuple(annotated)
        return result

    def kept(self, text: str, language: str) -> list[str]:
        """The do-not-translate terms (in `language`) that `text` holds."""
        return [t.source for t in self.find(text) if t.approved(language) == t.source]

    def missing(self, source: str, target: str, language: str) -> list[tuple[Term, str]]:
        """(term, approved translation) for each term of `source` whose approved translation
        `target` lacks; do-not-translate terms are left to the exact ``terms`` check."""
        out = []
        for term in self.find(source):
            approved = term.approved(language)
            if approved and approved != term.source and not present(approved, target):
                out.append((term, approved))
        return out


def _notes(terms: Iterable[Term], language: str | None) -> tuple[str, ...]:
    if language is None:
        return tuple(f"{NOTE}{t.source}" for t in terms)
    pairs = ((t, t.approved(language)) for t in terms)
    return tuple(f"{NOTE}{t.source} = {approved}" for t, approved in pairs if approved)


# --- inflection-tolerant presence ------------------------------------------------------

# Letters that one text writes one way and another the other way: Turkic dotless i,
# Arabic and Persian yeh, kaf and heh as Urdu writes them.
_SAME = str.maketrans({"ı": "i", "ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ۀ": "ہ"})


@functools.lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The words of `text` for comparison: case folded, accents and diacritics (vowel
    marks, ё's dots) dropped, letter variants made one."""
    folded = unicodedata.normalize("NFD", text.casefold())
    plain = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")
    return tuple(_WORD.findall(plain.translate(_SAME)))


def stem(word: str) -> str:
    """What an inflected form of `word` starts with: the word less its last letter (up to 5
    letters: силы/сил, علاقہ/علاقے, کا/کے) or its last two (longer words: Отечественная/
    Отечественной, müharibəsi/müharibəsində). Endings are added or changed at a word's
    end in the languages transflow meets most (Russian, Azerbaijani, Turkish, Urdu)."""
    n = len(word)
    return word[: n - (0 if n < 2 else 1 if n <= 5 else 2)]


def present(approved: str, target: str) -> bool:
    """Whether `target` holds `approved` in some inflected form: its words in a row, each
    word of the target starting with the :func:`stem` of the approved word."""
    stems = [stem(w) for w in words(approved)]
    found = words(target)
    if not stems:
        return True
    return any(
        all(found[i + j].startswith(s) for j, s in enumerate(stems))
        for i in range(len(found) - len(stems) + 1)
    )


# --- reading ---------------------------------------------------------------------------


def load(config: Config) -> Glossary:
    """The project's glossary: its file (``glossary.file``), if any, and the
    ``translate.do_not_translate`` terms. Reads the file each time (it is small)."""
    terms = list(read(config.glossary, config.source_lang)) if config.glossary else []
    have = {_key(t.source): i for i, t in enumerate(terms)}
    for word in config.translate.do_not_translate:
        if _key(word) in have:
            i = have[_key(word)]
            terms[i] = Term(terms[i].source, terms[i].translations, True, terms[i].line)
        else:
            have[_key(word)] = len(terms)
            terms.append(Term(word, keep=True))
    return Glossary(tuple(terms), config.glossary)


def read(path: Path, source_lang: str) -> tuple[Term, ...]:
    """The terms of a ``.csv`` or ``.tbx`` glossary; bad input is a TransflowError naming
    the file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TransflowError(f"cannot read the glossary: {exc.strerror}", path) from None
    if path.suffix.lower() == ".tbx":
        return _from_tbx(data, path, source_lang)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TransflowError("the glossary is not UTF-8", path, line) from None
    return _from_csv(text, path, source_lang)


def _checked(terms: Iterable[Term], path: Path) -> tuple[Term, ...]:
    seen: dict[str, Term] = {}
    for term in terms:
        first = seen.setdefault(_key(term.source), term)
        if first is not term:
            where = f" on line {first.line}" if first.line else ""
            raise TransflowError(f"the term {term.source!r} is already{where}", path, term.line)
    return tuple(seen.values())


def _source_index(codes: Sequence[str], source_lang: str) -> int | None:
    """Which of `codes` is the source language: its code, or failing that its base
    language's (``en-US`` for ``en``); None when none is."""
    wanted = _code(source_lang)
    exact = [i for i, code in enumerate(codes) if code == wanted]
    base = [i for i, c in enumerate(codes) if c and c.split("-")[0] == wanted.split("-")[0]]
    return next(iter(exact or base), None)


def _from_csv(text: str, path: Path, source_lang: str) -> tuple[Term, ...]:
    from transflow.languages import language_problem

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(reader.line_num, [cell.strip() for cell in row]) for row in reader]
    except csv.Error as exc:
        raise TransflowError(f"not valid CSV: {exc}", path, reader.line_num) from None
    rows = [(line, row) for line, row in rows if any(row)]
    if not rows:
        raise TransflowError("the glossary is empty: a header row such as 'en,az,ru' first", path)
    header_line, header = rows[0]
    keep_at = header.index(KEEP_COLUMN) if KEEP_COLUMN in header else None
    codes: list[str] = []
    for name in header:
        why = language_problem(name) if name != KEEP_COLUMN else None
        if why:
            raise TransflowError(
                f"the column {name!r} is neither a language code nor {KEEP_COLUMN!r}: {why}",
                path,
                header_line,
            )
        code = _code(name) if name != KEEP_COLUMN else ""
        if name in header[: len(codes)] or (code and code in codes):
            raise TransflowError(f"the column {name!r} is there twice", path, header_line)
        codes.append(code)
    source_at = _source_index(codes, source_lang)
    if source_at is None:
        names = ", ".join(c for c in codes if c) or "none"
        raise TransflowError(
            f"no column for the source language {source_lang!r} (the languages: {names})",
            path,
            header_line,
        )
    terms = []
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise TransflowError(f"{len(row)} cells where the header has {len(header)}", path, line)
        if not row[source_at]:
            raise TransflowError(f"no term in the {header[source_at]!r} column", path, line)
        keep = False
        if keep_at is not None:
            mark = row[keep_at].lower()
            if mark not in _YES | _NO:
                raise TransflowError(
                    f"{KEEP_COLUMN} must be 'yes' or empty, not {row[keep_at]!r}", path, line
                )
            keep = mark in _YES
        translations = tuple(
            (code, cell)
            for i, (code, cell) in enumerate(zip(codes, row, strict=True))
            if i not in (source_at, keep_at) and cell
        )
        terms.append(Term(row[source_at], translations, keep, line))
    return _checked(terms, path)


# --- TBX -------------------------------------------------------------------------------

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RETIRED = ("deprecated", "superseded", "obsolete")  # administrativeStatus values


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _retired(term: Any) -> bool:
    """A term its group marks deprecated or superseded (TBX ``administrativeStatus``)."""
    group = term.getparent()
    return group is not None and any(
        _local(note) == "termNote"
        and note.get("type") == "administrativeStatus"
        and (note.text or "").strip().lower().startswith(_RETIRED)
        for note in group
    )


def _from_tbx(data: bytes, path: Path, source_lang: str) -> tuple[Term, ...]:
    """Each ``<termEntry>`` (TBX-Basic, TBX v2) or ``<conceptEntry>`` (TBX v3) with a term
    in the source language: its first current term there, and in each other language."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = (exc.msg or str(exc)).split(", line ")[0]
        raise TransflowError(f"not well-formed XML: {message}", path, exc.lineno) from None
    if _local(root) not in ("martif", "tbx"):
        raise TransflowError(
            f"not a TBX file: the root element is <{_local(root)}>, not <tbx> or <martif>",
            path,
            root.sourceline,
        )
    doctype = root.getroottree().docinfo.internalDTD
    if doctype is not None and any(True for _ in doctype.iterentities()):
        raise TransflowError("the TBX declares entities; entity declarations are refused", path)
    for node in root.iter(etree.Entity):
        raise TransflowError(
            f"the entity {node.text} is not defined in the file (transflow reads no DTD)",
            path,
            node.sourceline,
        )
    terms = []
    for entry in root.iter():
        if _local(entry) not in ("termEntry", "conceptEntry"):
            continue
        found: dict[str, str] = {}
        for lang_set in entry:
            if _local(lang_set) not in ("langSet", "langSec"):
                continue
            code = lang_set.get(_XML_LANG) or lang_set.get("lang")
            if not code:
                raise TransflowError(
                    f"a <{_local(lang_set)}> without an xml:lang attribute",
                    path,
                    lang_set.sourceline,
                )
            texts = [
                " ".join("".join(t.itertext()).split())
                for t in lang_set.iter()
                if _local(t) == "term" and not _retired(t)
            ]
            if any(texts):
                found.setdefault(_code(code.strip()), next(t for t in texts if t))
        at = _source_index(list(found), source_lang)
        source = found.pop(list(found)[at]) if at is not None else None
        if source:
            translations = tuple(found.items())
            terms.append(Term(source, translations, False, entry.sourceline))
    return _checked(terms, path)
