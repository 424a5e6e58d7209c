"""The standard PO header fields: written once, dated by content, an editor's kept."""

from __future__ import annotations

import time
from pathlib import Path

import polib
import pytest
from tf_helpers import cli, msgcat, msgfmt_check, snapshot

from transflow.cache import STATE_FILE
from transflow.merge import merge_header

DOC = "azerbaijan-pak-support"
LANGS = ("az", "ru", "ur")
EPOCH = 1_700_000_000


def gettext_date(epoch: int) -> str:
    """`epoch` as gettext writes header dates, in UTC."""
    return time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime(epoch))


def pot(root: Path) -> Path:
    return root / "locales" / "templates" / f"{DOC}.pot"


def po(root: Path, lang: str) -> Path:
    return root / "locales" / lang / f"{DOC}.po"


def extract(root: Path, monkeypatch: pytest.MonkeyPatch, epoch: int, *args: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = cli(root, "extract", *args)
    assert result.exit_code == 0, result.output


def translate(root: Path, monkeypatch: pytest.MonkeyPatch, epoch: int) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = cli(root, "translate", "--engine", "pseudo")
    assert result.exit_code == 0, result.output


def change_a_sentence(root: Path) -> None:
    source = root / "source" / f"{DOC}.txt"
    text = source.read_text(encoding="utf-8")
    first = next(e.msgid for e in polib.pofile(str(pot(root))) if e.msgid in text)
    source.write_text(text.replace(first, first.rstrip(".!?") + ", they said."), encoding="utf-8")


def test_msgfmt_check_has_no_header_warnings(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract(project, monkeypatch, EPOCH)
    translate(project, monkeypatch, EPOCH + 60)
    for lang in LANGS:
        assert msgfmt_check(po(project, lang)) == ""
    # A template names no language (as xgettext writes it): that is all msgfmt says of it.
    warnings = msgfmt_check(pot(project)).splitlines()
    assert len(warnings) == 1 and "'Language'" in warnings[0], warnings


def test_header_fields_in_xgettext_order(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extract(project, monkeypatch, EPOCH)
    fields = [name for name, _ in polib.pofile(str(po(project, "ru"))).ordered_metadata()]
    assert fields == [
        "Project-Id-Version",
        "Report-Msgid-Bugs-To",
        "POT-Creation-Date",
        "PO-Revision-Date",
        "Last-Translator",
        "Language-Team",
        "Language",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Plural-Forms",
        "X-Generator",
    ]
    assert polib.pofile(str(pot(project))).metadata["POT-Creation-Date"] == gettext_date(EPOCH)


def test_extract_twice_changes_no_byte(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extract(project, monkeypatch, EPOCH)
    before = snapshot(project)
    (project / STATE_FILE).unlink()  # no shortcut: every catalog is merged again
    extract(project, monkeypatch, EPOCH + 86_400)
    assert snapshot(project) == before


def test_creation_date_follows_the_template_entries(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract(project, monkeypatch, EPOCH)
    revision = {lang: polib.pofile(str(po(project, lang))).metadata for lang in LANGS}
    change_a_sentence(project)
    extract(project, monkeypatch, EPOCH + 86_400)
    assert polib.pofile(str(pot(project))).metadata["POT-Creation-Date"] == gettext_date(
        EPOCH + 86_400
    )
    for lang in LANGS:
        meta = polib.pofile(str(po(project, lang))).metadata
        assert meta["POT-Creation-Date"] == gettext_date(EPOCH + 86_400)  # copied, as msgmerge
        # extract merges the source's change; no translation was revised
        assert meta["PO-Revision-Date"] == revision[lang]["PO-Revision-Date"]
    # the same source again, a day later: nothing changes, the date included
    before = snapshot(project)
    (project / "source" / f"{DOC}.txt").touch()
    extract(project, monkeypatch, EPOCH + 2 * 86_400)
    assert snapshot(project) == before


def test_an_editors_fields_survive_extract_and_translate(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract(project, monkeypatch, EPOCH)
    path = po(project, "az")
    catalog = polib.pofile(str(path))
    edited = {
        "Last-Translator": "Ayla Məmmədova <ayla@example.org>",
        "Language-Team": "Azerbaijani <az@example.org>",
        "X-Generator": "Poedit 3.4.2",
        "PO-Revision-Date": "2024-03-01 09:30+0400",
        "Report-Msgid-Bugs-To": "desk@example.org",
    }
    catalog.metadata.update(edited)
    catalog.save()
    change_a_sentence(project)
    extract(project, monkeypatch, EPOCH + 86_400)
    meta = polib.pofile(str(path)).metadata
    assert {name: meta[name] for name in edited} == edited
    assert msgcat(path) == path.read_bytes()

    translate(project, monkeypatch, EPOCH + 2 * 86_400)
    meta = polib.pofile(str(path)).metadata
    # drafts were written: the catalog's translations changed, so its revision date did
    assert meta["PO-Revision-Date"] == gettext_date(EPOCH + 2 * 86_400)
    assert {k: meta[k] for k in edited if k != "PO-Revision-Date"} == {
        k: v for k, v in edited.items() if k != "PO-Revision-Date"
    }
    # nothing left to draft: a later run changes no byte, the date included
    before = snapshot(project)
    translate(project, monkeypatch, EPOCH + 3 * 86_400)
    assert snapshot(project) == before


def test_import_tmx_revises_the_catalogs_it_fills(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    extract(project, monkeypatch, EPOCH, "--lang", "az")
    first = next(iter(polib.pofile(str(po(project, "az"))))).msgid
    tmx = tmp_path / "memory.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en"'
        ' datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x"'
        ' creationtool="t" creationtoolversion="1"/><body><tu>'
        f'<tuv xml:lang="en"><seg>{first}</seg></tuv>'
        '<tuv xml:lang="az"><seg>Tərcümə.</seg></tuv></tu></body></tmx>\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 60))
    result = cli(project, "import", "tmx", "--lang", "az", str(tmx))
    assert result.exit_code == 0, result.output
    meta = polib.pofile(str(po(project, "az"))).metadata
    assert meta["PO-Revision-Date"] == gettext_date(EPOCH + 60)
    assert meta["POT-Creation-Date"] == gettext_date(EPOCH)


def test_bad_source_date_epoch_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = cli(project, "extract")
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH" in result.output and "'yesterday'" in result.output
    assert not (project / "locales").exists()


def test_missing_fields_go_where_xgettext_puts_them() -> None:
    older = (  # the header an older transflow wrote, then a Poedit key
        ("Project-Id-Version", "doc"),
        ("Language", "az"),
        ("MIME-Version", "1.0"),
        ("X-Generator", "transflow 0.1.0"),
        ("X-Poedit-Basepath", "../../source"),
    )
    ours = (
        ("Project-Id-Version", "doc"),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", "2024-01-01 00:00+0000"),
        ("Language", "az"),
        ("MIME-Version", "1.0"),
        ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
        ("X-Generator", "transflow 0.1.0"),
    )
    assert [name for name, _ in merge_header(older, ours)] == [
        "Project-Id-Version",
        "Report-Msgid-Bugs-To",
        "POT-Creation-Date",
        "Language",
        "MIME-Version",
        "Plural-Forms",
        "X-Generator",
        "X-Poedit-Basepath",
    ]


def written_references(path: Path) -> list[list[str]]:
    """Each entry's references as the file spells them (``#:`` lines, split at spaces)."""
    found: list[list[str]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        refs = [
            r for line in block.splitlines() if line.startswith("#: ") for r in line[3:].split()
        ]
        found.append(refs)
    return found


def test_references_name_blocks(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extract(project, monkeypatch, EPOCH)
    units = json_units(project)
    blocks: dict[str, list[str]] = {}
    for unit in units:
        ref = f"{DOC}.txt:{unit['block']}"
        if ref not in blocks.setdefault(str(unit["text"]), []):
            blocks[str(unit["text"])].append(ref)
    assert written_references(pot(project)) == list(blocks.values())


def json_units(root: Path) -> list[dict[str, object]]:
    import json

    result = cli(root, "segments", "--json", str(root / "source" / f"{DOC}.txt"))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_babel_polib_and_msgcat_keep_the_references(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel.messages.pofile import read_po

    extract(project, monkeypatch, EPOCH)
    path = po(project, "ru")
    written = written_references(path)
    assert all(written)
    with path.open("rb") as handle:
        babel = [m for m in read_po(handle) if m.id]
    assert [[f"{name}:{line}" for name, line in m.locations] for m in babel] == written
    assert [
        [f"{name}:{line}" for name, line in e.occurrences] for e in polib.pofile(str(path))
    ] == (written)
    assert msgcat(path) == path.read_bytes()


def test_older_references_migrate_with_every_translation(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract(project, monkeypatch, EPOCH)
    path = po(project, "az")
    catalog = polib.pofile(str(path))
    units = {str(u["text"]): u for u in json_units(project)}
    for entry in catalog:  # what an older transflow wrote: block.unit positions, translated
        unit = units[entry.msgid]
        entry.occurrences = [(f"{DOC}.txt:{unit['block']}.{unit['index']}", "")]
        entry.msgstr = "az: " + entry.msgid
    catalog.save()
    old = {e.msgid: e.msgstr for e in polib.pofile(str(path))}
    assert any(
        ":" in r and "." in r.rsplit(":", 1)[1] for refs in written_references(path) for r in refs
    )

    extract(project, monkeypatch, EPOCH + 60)
    after = polib.pofile(str(path))
    assert {e.msgid: e.msgstr for e in after} == old
    assert not after.obsolete_entries() and not after.fuzzy_entries()
    assert written_references(path) == written_references(pot(project))


def test_template_references_in_order_shared_by_each_block() -> None:
    """A text in several blocks names each once, in order of first use (a block met again
    after another too); the entries of one block share one tuple of references, and a
    catalog read with the template's entries as `shared` holds the template's strings."""
    from transflow import poformat, poparse
    from transflow.model import Catalog, Unit
    from transflow.template import template_entries

    texts = [(1, "A."), (1, "B."), (1, "E."), (2, "A."), (3, "C."), (2, "A."), (1, "A.")]
    texts.append((3, "D."))
    units = [Unit(block, n, "sentence", text, 0, 1) for n, (block, text) in enumerate(texts)]
    entries = template_entries("my doc.txt", units)
    assert [(e.msgid, e.references) for e in entries] == [
        ("A.", ("my%20doc.txt:1", "my%20doc.txt:2")),
        ("B.", ("my%20doc.txt:1",)),
        ("E.", ("my%20doc.txt:1",)),
        ("C.", ("my%20doc.txt:3",)),
        ("D.", ("my%20doc.txt:3",)),
    ]
    assert entries[1].references is entries[2].references
    text = poformat.format_catalog(Catalog(entries=entries))
    read = list(poparse.entries(text, shared={e.msgid: e for e in entries}))
    assert read == list(entries)
    assert all(
        r.msgid is e.msgid and r.references is e.references
        for r, e in zip(read, entries, strict=True)
    )
