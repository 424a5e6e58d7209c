"""TMX 1.4 export and import: accepted translations out, fuzzy drafts in."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import polib
import pytest
from click.testing import CliRunner, Result
from tf_helpers import DATA, make_project, msgfmt_check, snapshot

from transflow import catalog
from transflow.cli import _Group, main
from transflow.cli.tmx import export_group, import_group
from transflow.model import Entry
from transflow.tmx import Variant, lookup, parse

DOC = "azerbaijan-pak-support"
HEADLINE = "Azerbaijan recognizes Pak support during Patriotic War"
SCRIPT = "<script>alert(\"x & 'y'\")</script> Azərbaycan"


def tf(root: Path, *args: str) -> Result:
    """``transflow --project ROOT ARGS`` with the TMX commands, as main will run them."""
    group = _Group(
        "transflow",
        params=list(main.params),
        callback=main.callback,
        commands={"export": export_group, "import": import_group},
    )
    return CliRunner().invoke(group, ["--project", str(root), *args], catch_exceptions=False)


def po_file(root: Path, lang: str, doc: str = DOC) -> Path:
    return root / "locales" / lang / f"{doc}.po"


def entries(root: Path, lang: str) -> list[Entry]:
    return list(catalog.read(po_file(root, lang)).entries)


def edit(path: Path, changes: dict[int, tuple[str, str, list[str]]]) -> None:
    """Set (msgstr, translator comment, flags) of the entries at the given indexes."""
    po = polib.pofile(str(path))
    for index, (msgstr, comment, flags) in changes.items():
        po[index].msgstr, po[index].tcomment, po[index].flags = msgstr, comment, flags
    po.save()


def extracted(tmp_path: Path, name: str = "proj") -> Path:
    root = make_project(tmp_path / name)
    result = CliRunner().invoke(main, ["--project", str(root), "extract", "-q"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def translated(tmp_path: Path) -> tuple[Path, list[str]]:
    """A project where az has accepted, fuzzy, draft and obsolete entries, ru accepted ones."""
    root = extracted(tmp_path)
    ids = [e.msgid for e in entries(root, "az")]
    edit(
        po_file(root, "az"),
        {
            0: (SCRIPT, "", []),  # accepted
            1: ("a suggestion", "", ["fuzzy"]),  # fuzzy after a source change
            2: ("a draft", "machine translation: pseudo 1", ["fuzzy"]),  # a draft
            3: ("İSLAMABAD:", "", []),  # accepted
            4: ("", "", []),  # empty
        },
    )
    po = polib.pofile(str(po_file(root, "az")))
    po.append(polib.POEntry(msgid="Old & <gone> text", msgstr="Köhnə mətn", obsolete=True))
    po.save()
    edit(po_file(root, "ru"), {0: ("Азербайджан признаёт", "", []), 3: ("ИСЛАМАБАД:", "", [])})
    return root, ids


def pairs_read_by_translate_toolkit(path: Path) -> set[tuple[str, str, str]]:
    from translate.misc.xml_helpers import getXMLlang
    from translate.storage.tmx import tmxfile

    store = tmxfile(BytesIO(path.read_bytes()))
    assert store.sourcelanguage == "en"
    found = set()
    for unit in store.units:
        for node in unit.getlanguageNodes()[1:]:
            found.add((unit.source, getXMLlang(node), unit.getNodeText(node)))
    return found


def test_export_holds_accepted_translations_only(translated: tuple[Path, list[str]]) -> None:
    from lxml import etree

    root, ids = translated
    result = tf(root, "export", "tmx")
    assert result.exit_code == 0, result.output
    assert "3 units; translations: az 3, ur 0, ru 2" in result.output
    path = root / "build" / "translations.tmx"
    dtd = etree.DTD(str(DATA / "tmx14.dtd"))
    tree = etree.parse(str(path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    header = tree.find("header")
    assert header is not None
    assert dict(header.attrib) == {
        "creationtool": "transflow",
        "creationtoolversion": "0.1.0",
        "segtype": "sentence",
        "o-tmf": "PO",
        "adminlang": "en",
        "srclang": "en",
        "datatype": "plaintext",
    }
    assert pairs_read_by_translate_toolkit(path) == {
        (ids[0], "az", SCRIPT),
        (ids[0], "ru", "Азербайджан признаёт"),
        (ids[3], "az", "İSLAMABAD:"),
        (ids[3], "ru", "ИСЛАМАБАД:"),
        ("Old & <gone> text", "az", "Köhnə mətn"),
    }
    text = path.read_text(encoding="utf-8")
    assert "a suggestion" not in text and "a draft" not in text
    assert "&lt;script&gt;alert(\"x &amp; 'y'\")&lt;/script&gt;" in text
    assert '<prop type="x-transflow-reference">azerbaijan-pak-support.txt:1</prop>' in text
    # deterministic: the same catalogs give the same bytes; -o and --lang
    other = root / "again.tmx"
    assert tf(root, "export", "tmx", "-o", str(other)).exit_code == 0
    assert other.read_bytes() == path.read_bytes()
    assert tf(root, "export", "tmx", "--lang", "ru", "-o", str(other)).exit_code == 0
    assert {lang for _, lang, _ in pairs_read_by_translate_toolkit(other)} == {"ru"}


def test_export_of_nothing_is_valid(tmp_path: Path) -> None:
    from lxml import etree

    root = make_project(tmp_path)  # no catalogs yet
    result = tf(root, "export", "tmx", "-o", str(tmp_path / "empty.tmx"))
    assert result.exit_code == 0, result.output
    assert "0 units; translations: az 0, ur 0, ru 0" in result.output
    tree = etree.parse(str(tmp_path / "empty.tmx"))
    assert etree.DTD(str(DATA / "tmx14.dtd")).validate(tree)
    assert not (root / "build").exists() and not (root / "locales").exists()


def test_escaping_of_sources_and_translations(tmp_path: Path) -> None:
    from lxml import etree

    root = make_project(tmp_path)
    source = "Tom & Jerry say \"<hi>\" to 'you' > ]]> them."
    (root / "source" / "extra.txt").write_text(source + "\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["--project", str(root), "extract", "-q"]).exit_code == 0
    target = '<b>Tom</b> &amp; "Jerry"\tdeyir\r\n]]>'
    edit(po_file(root, "az", "extra"), {0: (target, "", [])})
    assert tf(root, "export", "tmx", "--lang", "az").exit_code == 0
    path = root / "build" / "translations.tmx"
    tree = etree.parse(str(path))
    assert etree.DTD(str(DATA / "tmx14.dtd")).validate(tree)
    assert [seg.text for seg in tree.iter("seg")] == [source, target]
    assert pairs_read_by_translate_toolkit(path) == {(source, "az", target)}


def test_two_translations_of_one_text_make_two_units(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "source" / "extra.txt").write_text(HEADLINE + "\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["--project", str(root), "extract", "-q"]).exit_code == 0
    edit(po_file(root, "az"), {0: ("one", "", [])})
    edit(po_file(root, "az", "extra"), {0: ("two", "", [])})
    assert tf(root, "export", "tmx", "--lang", "az").exit_code == 0
    path = root / "build" / "translations.tmx"
    assert pairs_read_by_translate_toolkit(path) == {
        (HEADLINE, "az", "one"),
        (HEADLINE, "az", "two"),
    }


def test_character_xml_cannot_carry_is_an_error(translated: tuple[Path, list[str]]) -> None:
    root, _ = translated
    edit(po_file(root, "ru"), {5: ("bad \x01 char", "", [])})
    line = entries(root, "ru")[5].line
    result = tf(root, "export", "tmx")
    assert result.exit_code == 1
    assert f"transflow: error: {po_file(root, 'ru')}:{line}: " in result.stderr
    assert "U+0001" in result.stderr
    assert not (root / "build").exists()


def test_round_trip_fills_empty_entries_as_drafts(
    tmp_path: Path, translated: tuple[Path, list[str]]
) -> None:
    first, ids = translated
    assert tf(first, "export", "tmx").exit_code == 0
    tmx = first / "build" / "translations.tmx"
    second = make_project(tmp_path / "second")
    assert (
        CliRunner().invoke(main, ["--project", str(second), "extract", "--lang", "az"]).exit_code
        == 0
    )
    edit(po_file(second, "az"), {3: ("İSLAMABAD (insan):", "", [])})  # a person's translation
    result = tf(second, "import", "tmx", str(tmx))  # extracts ru first
    assert result.exit_code == 0, result.output
    assert "az: 1 of 29 empty entries filled from translations.tmx (3 units read)" in result.output
    assert "ru: 2 of 30 empty entries filled" in result.output
    az, ru = entries(second, "az"), entries(second, "ru")
    assert az[0].msgstr == SCRIPT and az[0].fuzzy and az[0].draft
    assert az[0].translator_comments == ("translation memory: imported from translations.tmx",)
    assert az[3].msgstr == "İSLAMABAD (insan):" and not az[3].fuzzy
    assert [e.msgid for e in az if e.msgstr] == [ids[0], ids[3]]  # fuzzy, drafts: not exported
    assert [(e.msgstr, e.draft) for e in ru if e.msgstr] == [
        ("Азербайджан признаёт", True),
        ("ИСЛАМАБАД:", True),
    ]
    msgfmt_check(po_file(second, "az"))
    before = snapshot(second)
    result = tf(second, "import", "tmx", str(tmx))
    assert "ru: 0 of 28 empty entries filled" in result.output
    assert snapshot(second) == before


MALFORMED = b"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header srclang="en"/>
  <body>
    <tu><tuv xml:lang="en"><seg>a</seg></tuv>
  </bod>
</tmx>
"""


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (MALFORMED, 6, "not well-formed XML: mismatched tag"),
        (b'<?xml version="1.0"?>\n<xliff/>\n', 2, "not a TMX file"),
        (
            b'<tmx version="1.4">\n<body><tu>\n<tuv><seg>x</seg></tuv></tu></body></tmx>',
            3,
            "xml:lang",
        ),
        (b'<!DOCTYPE tmx [<!ENTITY a "aaaa">\n]><tmx/>', 1, "entity declarations"),
        (b'\n<tmx version="9.9"><body/></tmx>', 2, "TMX version '9.9' is not supported"),
        (b"<tmx>\n<body/></tmx>", 1, "the <tmx> element has no version attribute"),
        (b'<tmx version="">\n<body/></tmx>', 1, "TMX version '' is not supported (1.1 to 1.4)"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4"><body>'
            b'<tu>\n<tuv xml:lang="en"><seg>A&xxe;B</seg></tuv></tu></body></tmx>',
            4,
            "the entity &xxe; is not defined in the file",
        ),
    ],
)
def test_malformed_tmx_changes_nothing(
    tmp_path: Path, data: bytes, line: int, message: str
) -> None:
    root = make_project(tmp_path)
    bad = tmp_path / "bad.tmx"
    bad.write_bytes(data)
    before = snapshot(root)
    result = tf(root, "import", "tmx", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"transflow: error: {bad}:{line}: ")
    assert message in result.stderr
    assert snapshot(root) == before


def test_language_variants_and_inline_markup(tmp_path: Path) -> None:
    root = extracted(tmp_path)
    ids = [e.msgid for e in entries(root, "az")]
    dateline = escape(ids[3])
    tmx = tmp_path / "from-elsewhere.tmx"
    tmx.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en-US" segtype="sentence"/><body>
<tu>
 <tuv xml:lang="EN-us"><seg>Azerbaijan <hi>recognizes</hi> Pak support<ph x="1"/> during \
Patriotic War</seg></tuv>
 <tuv xml:lang="az-AZ"><seg><bpt i="1">&lt;b&gt;</bpt>Azərbaycan<ept i="1">&lt;/b&gt;</ept> \
tanıyır</seg></tuv>
 <tuv lang="RU-ru"><seg>Азербайджан</seg></tuv>
</tu>
<tu><tuv xml:lang="en-GB"><seg>{dateline}</seg></tuv><tuv xml:lang="az-Latn-AZ">\
<seg>variant</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>{dateline}</seg></tuv><tuv xml:lang="AZ"><seg>exact</seg></tuv>\
</tu>
<tu><tuv xml:lang="en"><seg>{dateline}</seg></tuv><tuv xml:lang="az"><seg>later</seg></tuv>\
<tuv xml:lang="uk"><seg>інша мова</seg></tuv></tu>
</body></tmx>
""",
        encoding="utf-8",
    )
    result = tf(root, "import", "tmx", str(tmx))
    assert result.exit_code == 0, result.output
    az, ru, ur = entries(root, "az"), entries(root, "ru"), entries(root, "ur")
    assert [(e.msgstr, e.draft) for e in az if e.msgstr] == [
        ("<b>Azərbaycan</b> tanıyır", True),
        ("exact", True),  # the exact language wins over the variant before it
    ]
    assert [e.msgstr for e in ru if e.msgstr] == ["Азербайджан"]
    assert not any(e.msgstr for e in ur)
    assert "ur: 0 of 30 empty entries filled from from-elsewhere.tmx (4 units read)" in (
        result.output
    )


def test_tmx_without_the_source_language_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    tmx = tmp_path / "de.tmx"
    tmx.write_text(
        '<tmx version="1.4"><body><tu><tuv xml:lang="de"><seg>Hallo</seg></tuv></tu></body></tmx>'
    )
    result = tf(root, "import", "tmx", str(tmx))
    assert result.exit_code == 1
    assert "no segment in the project's source language 'en' (the file has de)" in result.stderr
    assert not (root / "locales").exists()


def test_lookup_prefers_exact_language_then_file_order() -> None:
    units = [
        [Variant("en", "a", 1), Variant("fr-CA", "ca", 1)],
        [Variant("en", "a", 2), Variant("fr", "fr", 2), Variant("fr-FR", "ff", 2)],
        [Variant("en", "a", 3), Variant("FR", "later", 3)],
        [Variant("en", "b", 4), Variant("fr", "", 4)],  # an empty segment fills nothing
        [Variant("fra", "x", 5), Variant("en", "c", 5)],  # 'fra' is not 'fr'
    ]
    assert lookup(units, "en", "fr") == {"a": "fr"}
    assert lookup(units, "en_US", "fr_CA") == {}
    assert lookup(units, "en", "fr-ca") == {"a": "ca"}


def test_header_follows_the_project() -> None:
    from transflow.tmx import render

    text = render([], "pt_BR", "paragraph")
    assert 'segtype="paragraph"' in text and 'srclang="pt-BR"' in text


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3", "1.4", " 1.4 "])
def test_tmx_versions_1_1_to_1_4_are_read(version: str) -> None:
    data = (
        f'<tmx version="{version}"><body><tu><tuv lang="en"><seg>A &amp; B</seg></tuv>'
        '<tuv xml:lang="az"><seg>A &#38; B &lt;</seg></tuv></tu></body></tmx>'
    ).encode()
    assert parse(data, Path("x.tmx")) == [[Variant("en", "A & B", 1), Variant("az", "A & B <", 1)]]
