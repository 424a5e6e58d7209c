"""What ``extract`` makes of a document: its template's entries (:func:`template_entries`),
and the header fields of its template and catalogs (:func:`header_fields`,
:func:`creation_date`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from transflow import __version__, markup
from transflow.catalog import read, streamed
from transflow.errors import TransflowError
from transflow.model import Entry, Unit

# CLDR / gettext plural rules for the languages we know; others get none (documents use no plurals).
PLURAL_FORMS = {
    "az": "nplurals=2; plural=(n != 1);",
    "ur": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "fa": "nplurals=2; plural=(n > 1);",
    "hi": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
    ": n%100>=11 ? 4 : 5);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ja": "nplurals=1; plural=0;",
    "zh": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
}


def header_fields(
    document: str,
    language: str | None,
    created: str,
    existing: Sequence[tuple[str, str]] = (),
) -> tuple[tuple[str, str], ...]:
    """The header fields of `document`'s catalog in `language` (None: the template), in
    the order xgettext writes them, given the header it has now (`existing`).

    `created` is the template's POT-Creation-Date (:func:`creation_date`), which a
    catalog copies as msgmerge does; a template's PO-Revision-Date is the same. The fields
    a person or their editor writes (Poedit updates a PO-Revision-Date on save) keep their
    values in `existing`: Report-Msgid-Bugs-To, a catalog's PO-Revision-Date (which
    changes where transflow changes translations, :func:`revised`), Last-Translator,
    Language-Team and X-Generator. Missing, they are written: PO-Revision-Date from
    `created`, X-Generator naming transflow, the others empty (``msgfmt --check`` takes
    empty ones, not xgettext's placeholders)."""
    found = dict(existing)

    def personal(name: str, default: str) -> tuple[str, str]:
        return (name, found.get(name, default))

    fields = [
        ("Project-Id-Version", document),
        personal("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", created) if not language else personal("PO-Revision-Date", created),
        personal("Last-Translator", ""),
        personal("Language-Team", ""),
        ("Language", language or ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    if language:
        plural = PLURAL_FORMS.get(language) or PLURAL_FORMS.get(language.split("_")[0])
        if plural:
            fields.append(("Plural-Forms", plural))
    fields.append(personal("X-Generator", f"transflow {__version__}"))
    return tuple(fields)


def creation_date(entries: Sequence[Entry], path: Path, date: str) -> str:
    """The POT-Creation-Date of a template made of `entries`: the one in the template file
    at `path` when that file holds the same units (texts, positions, kinds, in order), else
    `date`. A file that cannot be read is replaced, so it gets `date`. The file is read a
    piece at a time and only as far as its first unit that differs (where there is one,
    it is usually near the top, and nothing is kept of it)."""
    if not path.exists():
        return date
    from transflow import poparse

    try:
        return _same_units_date(streamed(path, untranslated=True), entries, path) or date
    except (poparse.Unusual, UnicodeDecodeError):
        pass  # not the usual layout: read whole, as any catalog
    except TransflowError:
        return date
    try:
        before = read(path)
    except TransflowError:
        return date
    kept = before.header_value("POT-Creation-Date")
    if not kept or _units(before.entries) != _units(entries):
        return date
    return kept


def _same_units_date(found: Iterator[Entry], entries: Sequence[Entry], path: Path) -> str | None:
    """The POT-Creation-Date of the file whose entries are `found`, if they are units as
    `entries` (and the file passes what :func:`parse` checks); None otherwise."""
    from transflow import poparse

    header: Entry | None = None
    wanted = iter(entries)
    for entry in found:
        if header is None and entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
            header = entry
            continue
        poparse.check_entry(entry, path)
        unit = next(wanted, None)
        if unit is None or _unit(unit) != _unit(entry):
            return None
    if next(wanted, None) is not None or header is None:
        return None
    for line in header.msgstr.split("\n"):  # the header's fields, as parse reads them
        name, colon, value = line.partition(":")
        if colon and name.strip() == "POT-Creation-Date":
            return value.strip() or None
    return None


def _units(entries: Sequence[Entry]) -> list[tuple[str | None, str, tuple[str, ...], str]]:
    """What a template says of each unit, as it reads back from the file."""
    return [_unit(e) for e in entries]


def _unit(e: Entry) -> tuple[str | None, str, tuple[str, ...], str]:
    return (e.msgctxt, e.msgid, tuple(dict.fromkeys(e.references)), "\n".join(e.extracted_comments))


def template_entries(document: str, units: Sequence[Unit]) -> tuple[Entry, ...]:
    """One entry per distinct unit text, in order of first use; references name blocks.

    A reference is ``document:block`` (``doc.txt:4``: the unit is in the document's 4th
    block), a form every gettext tool, Babel and Poedit read as file:line and keep: a
    position, not a line number, so rewrapping or editing a paragraph changes no other
    entry's reference. The units of one block come in their order in the file. The
    entries of one block share one tuple of references (a large document has tens of
    thousands of entries)."""
    name = document.replace(" ", "%20")
    # a text's references: the tuple of its first block's, or all of them (in several)
    refs: dict[str, tuple[str, ...] | dict[str, None]] = {}
    kinds: dict[str, list[str]] = {}
    tagged: dict[str, tuple[str, ...]] = {}  # what a unit's inline tags stand for
    block: int | None = None
    here: tuple[str, ...] = ()
    for unit in units:
        if unit.block != block:
            block = unit.block
            here = (f"{name}:{block}",)
        text = unit.text
        found = refs.setdefault(text, here)
        if found is not here:  # the text again, in another block (or one seen before)
            if isinstance(found, tuple):
                found = refs[text] = dict.fromkeys(found)
            found[here[0]] = None
        if unit.kind not in ("sentence", "paragraph"):
            kinds.setdefault(text, [])
            if unit.kind not in kinds[text]:
                kinds[text].append(unit.kind)
        if unit.tags and text not in tagged:
            tagged[text] = markup.describe(text, unit.tags)
    new, get_kinds, get_tags = tuple.__new__, kinds.get, tagged.get
    return tuple(
        new(  # Entry(...) without its Python-level __new__: hot
            Entry,
            (
                text,
                "",
                None,
                (),
                (*get_kinds(text, ()), *get_tags(text, ())),
                positions if isinstance(positions, tuple) else tuple(positions),
                (),
                None,
                None,
                None,
                (),
                None,
                False,
                None,
            ),
        )
        for text, positions in refs.items()
    )
