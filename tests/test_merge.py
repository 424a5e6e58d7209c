"""Updating catalogs after the source changes: msgmerge-like, and no translation ever lost."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from transflow.merge import merge, merge_header
from transflow.model import Catalog, Entry

HEADER = (("Language", "az"),)


def template(*texts: str) -> tuple[Entry, ...]:
    return tuple(Entry(msgid=t, references=(f"a.txt:{i}.1",)) for i, t in enumerate(texts, 1))


def test_new_units_are_added_empty() -> None:
    merged = merge(template("One.", "Two."), Catalog(), HEADER)
    assert [(e.msgid, e.msgstr, e.flags) for e in merged.entries] == [
        ("One.", "", ()),
        ("Two.", "", ()),
    ]


def test_unchanged_units_keep_their_work_and_refresh_references() -> None:
    old = Catalog(
        entries=(
            Entry("One.", "Bir.", translator_comments=("checked",), references=("a.txt:9.9",)),
        )
    )
    merged = merge(template("One."), old, HEADER)
    assert merged.entries == (
        Entry("One.", "Bir.", translator_comments=("checked",), references=("a.txt:1.1",)),
    )


def test_removed_units_become_obsolete_when_translated() -> None:
    old = Catalog(entries=(Entry("Gone.", "Getdi.", references=("a.txt:1.1",)), Entry("Empty.")))
    merged = merge(template("New."), old, HEADER)
    assert merged.entries == (
        Entry("New.", references=("a.txt:1.1",)),
        Entry("Gone.", "Getdi.", obsolete=True),
    )


def test_changed_unit_gets_a_fuzzy_suggestion_with_the_previous_msgid() -> None:
    old = Catalog(
        entries=(
            Entry("The Minister said 44 days.", "Nazir 44 gün dedi.", references=("a.txt:1.1",)),
        )
    )
    merged = merge(template("The Minister said 45 days."), old, HEADER)
    new, kept = merged.entries
    assert new.msgid == "The Minister said 45 days."
    assert new.msgstr == "Nazir 44 gün dedi."
    assert new.fuzzy and not new.translated
    assert new.previous_msgid == "The Minister said 44 days."
    assert kept == Entry("The Minister said 44 days.", "Nazir 44 gün dedi.", obsolete=True)


def test_dissimilar_change_gets_no_suggestion() -> None:
    old = Catalog(entries=(Entry("Completely different.", "Tamamilə.", references=("a.txt:1.1",)),))
    merged = merge(template("The Minister said 45 days."), old, HEADER, threshold=80)
    assert merged.entries[0] == Entry("The Minister said 45 days.", references=("a.txt:1.1",))


def test_obsolete_entry_is_revived_when_its_text_returns() -> None:
    old = Catalog(entries=(Entry("Back.", "Geri.", obsolete=True),))
    merged = merge(template("Back."), old, HEADER)
    assert merged.entries == (Entry("Back.", "Geri.", references=("a.txt:1.1",)),)


def test_header_keeps_editor_fields_and_order() -> None:
    existing = (("Project-Id-Version", "x"), ("Last-Translator", "Ayla"), ("Language", "old"))
    assert merge_header(existing, (("Language", "az"), ("X-Generator", "transflow"))) == (
        ("Project-Id-Version", "x"),
        ("Last-Translator", "Ayla"),
        ("Language", "az"),
        ("X-Generator", "transflow"),
    )


_sentence = st.text(alphabet="abcdefgh .,", min_size=1, max_size=30).map(str.strip).filter(bool)


@given(
    old_texts=st.lists(_sentence, unique=True, max_size=12),
    new_texts=st.lists(_sentence, unique=True, max_size=12),
    accepted=st.data(),
)
def test_an_accepted_translation_is_never_lost_or_altered(
    old_texts: list[str], new_texts: list[str], accepted: st.DataObject
) -> None:
    entries = []
    for i, text in enumerate(old_texts):
        kind = accepted.draw(st.sampled_from(["accepted", "fuzzy", "empty"]), label=text)
        msgstr = "" if kind == "empty" else f"T{i}:{text}"
        flags = ("fuzzy",) if kind == "fuzzy" else ()
        entries.append(Entry(text, msgstr, flags=flags, references=(f"a.txt:{i}.1",)))
    old = Catalog(entries=tuple(entries))
    merged = merge(template(*new_texts), old, HEADER)
    # every new unit is there, in order, once
    active = [e for e in merged.entries if not e.obsolete]
    assert [e.msgid for e in active] == new_texts
    # every accepted translation survives with its msgid, msgstr and acceptance
    by_id = {e.msgid: e for e in merged.entries}
    for entry in old.entries:
        if entry.translated:
            kept = by_id[entry.msgid]
            assert (kept.msgstr, kept.flags) == (entry.msgstr, entry.flags)
            assert kept.obsolete == (entry.msgid not in new_texts)
    # nothing is made up: a msgstr is always one from the old catalog
    old_msgstrs = {e.msgstr for e in old.entries}
    assert all(e.msgstr in old_msgstrs | {""} for e in merged.entries)
    # and merging again is a fixed point
    assert merge(template(*new_texts), merged, HEADER) == merged


def test_an_accepted_entry_a_person_gave_a_msgctxt_keeps_its_status() -> None:
    """Failed before: it was demoted to a fuzzy suggestion for its own unit."""
    mine = Entry("Hello", "Salam", msgctxt="greeting", references=("a.txt:9.1",))
    merged = merge(template("Hello"), Catalog(entries=(mine,)), HEADER)
    assert merged.entries == (mine.with_(references=("a.txt:1.1",)),)
    assert merge(template("Hello"), merged, HEADER) == merged
    # beside an obsolete entry of the same text without msgctxt, both are kept
    old = Entry("Hello", "Salam!", obsolete=True)
    merged = merge(template("Hello"), Catalog(entries=(mine, old)), HEADER)
    assert [(e.msgctxt, e.msgstr, e.obsolete) for e in merged.entries] == [
        ("greeting", "Salam", False),
        (None, "Salam!", True),
    ]


def test_plural_entries_are_carried_through_as_they_are() -> None:
    """Failed before: the reader refused them, so no merge could keep them."""
    active = Entry("file", "fayl", msgid_plural="files", msgstr_plural=("fayllar",))
    gone = Entry("dir", "", msgid_plural="dirs", msgstr_plural=("qovluqlar",), obsolete=True)
    existing = Catalog(
        header=(("Plural-Forms", "nplurals=2; plural=n>1;"),), entries=(active, gone)
    )
    merged = merge(template("Hello"), existing, (*HEADER, ("Plural-Forms", "nplurals=1;")))
    assert [e.msgid for e in merged.entries] == ["Hello", "file", "dir"]
    assert merged.entries[1:] == (active, gone)
    assert merged.header_value("Plural-Forms") == "nplurals=2; plural=n>1;"


def test_extract_over_a_large_catalog_holds_each_msgid_once(tmp_path: Path) -> None:
    """The catalog read back (over 1 MB: read a piece at a time) gives its msgids as the
    document's own unit strings, so the template, the catalog and the units share them."""
    from tf_helpers import SAMPLE, cli

    from transflow.config import load
    from transflow.jobs.extract import update_catalogs
    from transflow.project import documents

    root = tmp_path / "p"
    (root / "source").mkdir(parents=True)
    paragraphs = [p.strip() for p in SAMPLE.read_text(encoding="utf-8").split("\n\n")]
    body = [
        re.sub(r"([.!?])(?=\s|$)", rf" ({n})\1", p) for n in range(250) for p in paragraphs if p
    ]
    (root / "source" / "doc.txt").write_text("\n\n".join(body) + "\n", encoding="utf-8")
    assert cli(root, "init", "--lang", "az").exit_code == 0
    assert cli(root, "extract", "-q").exit_code == 0
    assert (root / "locales" / "az" / "doc.po").stat().st_size > 1 << 20
    config = load(root)
    [template, catalog] = update_catalogs(config, ["az"], documents(config), None)
    assert template.catalog is not None and catalog.catalog is not None
    assert catalog.language == "az" and len(catalog.catalog.entries) > 1000
    by_msgid = {e.msgid: e.msgid for e in template.catalog.entries}
    assert all(e.msgid is by_msgid[e.msgid] for e in catalog.catalog.entries)
