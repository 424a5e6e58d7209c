"""The Markdown format: units, inline tags, byte-exact rebuilds, the rendered structure of
pseudo-translated output, and a whole project run on Markdown documents."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from markdown_tree import renderer, structure
from tf_helpers import DATA, ROOT, cli, msgfmt_check

from transflow import markup
from transflow.config import SegmentationConfig
from transflow.engines.pseudo import pseudo
from transflow.formats import format_name, get_format
from transflow.model import Unit

GOLDEN = DATA / "markdown"
MD = get_format("markdown")
OPTIONS = SegmentationConfig()
# Material that is not ours, which .ci/run downloads (see there): the CommonMark 0.31.2
# spec examples (markdown-it-py's sdist) and a real-world corpus (Node.js's API reference
# as Debian's nodejs-doc ships it).
EXTERNAL = ROOT / ".external"
SPEC = Path(os.environ.get("TRANSFLOW_COMMONMARK", EXTERNAL / "commonmark.json"))
CORPUS = Path(os.environ.get("TRANSFLOW_MARKDOWN_CORPUS", EXTERNAL / "markdown-corpus"))
# Spec examples whose pseudo-translated output renders otherwise, and why: the pseudo
# engine's own brackets "[...]" close a literal "[" of the source into a link (14, 513);
# a reference image's alt text (its label) translated in a re-wrapped paragraph (587).
PSEUDO_EXCEPTIONS = {14: "pseudo brackets", 513: "pseudo brackets", 587: "label re-wrapped"}


def units(text: str, **options: object) -> tuple[Unit, ...]:
    return MD.segment(text, SegmentationConfig(**options) if options else OPTIONS)  # type: ignore[arg-type]


def rebuild(text: str, translate: object = None) -> str:
    found = units(text)
    lookup = translate if callable(translate) else (lambda _: None)
    return MD.align(text, found, lookup, "az")[0]


def texts(text: str, **options: object) -> list[str]:
    return [u.text for u in units(text, **options)]


def external(path: Path, what: str) -> Path:
    """A downloaded test input: skipped where it is absent, except in CI (a failure)."""
    if not path.exists():
        message = f"{what} not found at {path} (.ci/run downloads it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def spec_examples() -> list[dict[str, object]]:
    examples: list[dict[str, object]] = json.loads(
        external(SPEC, "the CommonMark spec examples").read_text(encoding="utf-8")
    )
    return examples


def corpus() -> list[Path]:
    files = sorted(external(CORPUS, "the Markdown corpus").glob("*.md"))
    assert sum(f.stat().st_size for f in files) >= 1_000_000
    return files


# --- units ------------------------------------------------------------------------------


def test_markdown_suffixes_and_catalog_names() -> None:
    assert format_name("docs/a.md") == "markdown"
    assert format_name("a.markdown") == "markdown"
    assert MD.catalog_name("docs/a.md") == "docs/a.md"


def test_blocks_are_units_and_code_comments_html_and_urls_are_not() -> None:
    text = (
        "# Title\n\nSome text.\n\n```\ncode here\n```\n\n    indented code\n\n"
        "<!-- a comment -->\n\n<div>\nraw html\n</div>\n\n[a]: /url\n"
    )
    assert texts(text) == ["Title", "Some text."]


def test_container_prefixes_leave_the_text_and_line_breaks_fold() -> None:
    text = "> A quote that\n> runs on.\n\n- An item\n  that wraps.\n"
    found = units(text)
    assert [u.text for u in found] == ["A quote that runs on.", "An item that wraps."]
    assert [text[u.start : u.end] for u in found] == [
        "A quote that\n> runs on.",
        "An item\n  that wraps.",
    ]
    assert [u.block for u in found] == [1, 4]


def test_inline_markup_becomes_numbered_tags_with_the_source_markup() -> None:
    (unit,) = units("Use **bold**, *it*, `code` and [a link](http://x.org).\n")
    assert unit.text == "Use <b1>bold</b1>, <i2>it</i2>, <c3/> and <a4>a link</a4>."
    assert unit.tags == (("**", "**"), ("*", "*"), ("`code`", ""), ("[", "](http://x.org)"))
    assert (
        markup.restore(unit.text, unit.tags)
        == "Use **bold**, *it*, `code` and [a link](http://x.org)."
    )


def test_alt_texts_and_titles_are_units_of_their_own() -> None:
    found = units('See ![a cat](cat.png "Our cat") here.\n')
    assert [(u.kind, u.text) for u in found] == [
        ("sentence", "See <g1/> here."),
        ("alt", "a cat"),
        ("title", "Our cat"),
    ]


def test_a_sentence_boundary_inside_an_element_is_no_boundary() -> None:
    assert texts("One. *Two. Three.* Four.\n") == ["One.", "<i1>Two. Three.</i1>", "Four."]
    assert texts("One. *Two. Three.* Four.\n", unit="paragraph") == [
        "One. <i1>Two. Three.</i1> Four."
    ]


def test_an_empty_element_between_two_sentences_joins_them() -> None:
    assert texts("Hello. <span></span>World.\n") == ["Hello. <x1></x1>World."]


def test_front_matter_values_of_the_known_keys_only() -> None:
    text = '---\ntitle: A title\nlayout: post\nsummary: "Quoted: yes"\n---\nBody.\n'
    assert [(u.kind, u.text) for u in units(text)] == [
        ("front matter title", "A title"),
        ("front matter summary", "Quoted: yes"),
        ("sentence", "Body."),
    ]
    out = rebuild(text, lambda t: {"A title": "Başlıq: yeni", "Quoted: yes": 'Bəli "x"'}.get(t))
    assert out.splitlines()[1:4] == [
        'title: "Başlıq: yeni"',
        "layout: post",
        'summary: "Bəli \\"x\\""',
    ]


def test_table_cells_and_footnotes() -> None:
    text = "| A | B |\n|---|---|\n| one | *two* |\n\nText.[^1]\n\n[^1]: The note.\n"
    assert [(u.kind, u.text) for u in units(text)] == [
        ("cell", "A"),
        ("cell", "B"),
        ("cell", "one"),
        ("cell", "<i1>two</i1>"),
        ("sentence", "Text.<f1/>"),
        ("footnote", "The note."),
    ]


def test_text_that_looks_like_a_tag_becomes_a_tag() -> None:
    (unit,) = units("Type \\<b1> to see it.\n")
    assert unit.text == "Type \\<x1/> to see it."
    assert unit.tags == (("<b1>", ""),)


# --- rebuild ----------------------------------------------------------------------------


def test_a_translated_wrapped_paragraph_is_rewrapped_with_its_prefix() -> None:
    text = "> The first line of\n> a quoted paragraph.\n"
    out = rebuild(text, lambda t: "Sitatlı abzasın birinci sətri çox uzun bir sətirdir.")
    # the source's widest line: 21 characters, its prefix included
    assert out == "> Sitatlı abzasın\n> birinci sətri çox\n> uzun bir sətirdir.\n"


def test_a_line_after_a_hard_break_never_opens_a_block_and_inline_markup_stays() -> None:
    text = "First line\\\nsecond `code` and <span>HTML</span>.\n"
    out = rebuild(text, lambda t: "Birinci<x1/><c2/> və <x3>HTML</x3>.")
    assert out == "Birinci\\\n`code` və <span>HTML</span>.\n"
    assert structure(out) == structure(text)
    out = rebuild(text, lambda t: "Birinci<x1/>--- <c2/> və <x3>HTML</x3>.")
    assert out == "Birinci\\\n\\--- `code` və <span>HTML</span>.\n"
    assert structure(out) == structure(text)


def test_a_one_line_block_is_not_reflowed() -> None:
    text = "- Short item.\n"
    assert rebuild(text, lambda t: "Çox uzun bir element, sətrin enindən xeyli uzun olan.") == (
        "- Çox uzun bir element, sətrin enindən xeyli uzun olan.\n"
    )


def test_tags_moved_by_the_translation_get_their_markup_back() -> None:
    text = "The **new** version of [the guide](g.md).\n"
    out = rebuild(text, lambda t: "<a2>Bələdçinin</a2> <b1>yeni</b1> versiyası.")
    assert out == "[Bələdçinin](g.md) **yeni** versiyası.\n"


def test_a_translation_with_broken_tags_keeps_the_source() -> None:
    text = "The **new** version.\n\nOther.\n"
    found = units(text)
    out, placed = MD.align(
        text, found, lambda t: "<b1>Yeni versiya." if "new" in t else "Digər.", "az"
    )
    assert out == "The **new** version.\n\nDigər.\n"
    assert [(p.translated, p.broken) for p in placed] == [(False, True), (True, False)]


def test_no_translation_and_identical_translations_rebuild_byte_for_byte() -> None:
    text = (GOLDEN / "guide.md").read_text(encoding="utf-8")
    assert rebuild(text) == text
    assert rebuild(text, lambda t: t) == text


@pytest.mark.parametrize("source", ["guide.md"])
def test_pseudo_output_renders_to_the_same_structure(source: str) -> None:
    text = (GOLDEN / source).read_text(encoding="utf-8")
    out = rebuild(text, pseudo)
    assert out != text
    assert structure(out) == structure(text)


def test_every_unit_is_placed_where_its_text_is_in_the_output() -> None:
    text = (GOLDEN / "guide.md").read_text(encoding="utf-8")
    found = units(text)
    for translate in (pseudo, lambda _: None):
        out, placed = MD.align(text, found, translate, "az")
        assert sorted(p.unit for p in placed) == sorted(found)
        assert [out[p.start : p.end] for p in placed] == [p.text for p in placed]
        assert all(p.translated for p in placed) == (translate is pseudo)


def test_the_structure_comparison_sees_a_broken_element() -> None:
    assert structure("A *b* c\n") != structure("A *b c\n")
    assert structure("A `b` c\n") != structure("A `x` c\n")


def test_commonmark_spec_examples_rebuild_byte_for_byte() -> None:
    examples = spec_examples()
    assert len(examples) >= 652
    for example in examples:
        text = str(example["markdown"])
        assert rebuild(text) == text, example["example"]
        assert rebuild(text, lambda t: t) == text, example["example"]


def test_commonmark_spec_examples_keep_their_structure_when_translated() -> None:
    md = renderer()
    differ = []
    for example in spec_examples():
        text = str(example["markdown"])
        if structure(rebuild(text, pseudo), md) != structure(text, md):
            differ.append(example["example"])
    assert differ == sorted(PSEUDO_EXCEPTIONS)


def test_a_real_corpus_rebuilds_byte_for_byte_and_keeps_its_structure() -> None:
    md = renderer()
    for path in corpus():
        text = path.read_text(encoding="utf-8")
        found = units(text)
        assert MD.align(text, found, lambda _: None, "az")[0] == text, path.name
        assert MD.align(text, found, lambda t: t, "az")[0] == text, path.name
        out = MD.align(text, found, pseudo, "az")[0]
        assert structure(out, md) == structure(text, md), path.name


# --- a project --------------------------------------------------------------------------


def markdown_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(GOLDEN / "guide.md", root / "source")
    (root / "source" / "guide.txt").write_text("A headline\n\nA sentence. Another one.\n")
    config = (ROOT / "transflow.toml").read_text(encoding="utf-8")
    config = re.sub(
        r'documents = \["\*\*/\*\.txt"\]', 'documents = ["**/*.txt", "**/*.md"]', config
    )
    assert "**/*.md" in config
    (root / "transflow.toml").write_text(config, encoding="utf-8")
    return root


def test_a_markdown_project_extracts_translates_and_builds(tmp_path: Path) -> None:
    root = markdown_project(tmp_path)
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    template = root / "locales" / "templates" / "guide.md.pot"
    catalog = root / "locales" / "az" / "guide.md.po"
    assert (root / "locales" / "templates" / "guide.pot").is_file()  # guide.txt's: apart
    assert (root / "locales" / "az" / "guide.po").is_file()
    for path in (template, catalog):
        msgfmt_check(path)
    assert cli(root, "translate", "--engine", "pseudo", "--lang", "az").exit_code == 0
    msgfmt_check(catalog)
    assert cli(root, "build", "--lang", "az", "--drafts", "include").exit_code == 0
    output = root / "build" / "az" / "guide.md"
    golden = {
        template: GOLDEN / "guide.md.pot",
        output: GOLDEN / "guide.pseudo.md",
    }
    if os.environ.get("TRANSFLOW_REGOLD"):
        for made, kept in golden.items():
            shutil.copy(made, kept)
    for made, kept in golden.items():
        assert made.read_bytes() == kept.read_bytes(), kept.name
    source = (root / "source" / "guide.md").read_text(encoding="utf-8")
    assert structure(output.read_text(encoding="utf-8")) == structure(source)
    assert not (root / "build" / "az" / "guide.md.html").exists()
    alignment = root / "build" / "az" / "guide.md.align.json"
    assert alignment.is_file()


def test_segments_prints_markdown_units(tmp_path: Path) -> None:
    root = markdown_project(tmp_path)
    result = cli(root, "segments", "--json", str(root / "source" / "guide.md"))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records[0]["kind"] == "front matter title"
    assert {"heading", "cell", "alt", "title", "footnote", "sentence"} <= {
        r["kind"] for r in records
    }
