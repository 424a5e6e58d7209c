"""The HTML format: units, inline tags, attributes, escaping, lang/dir; the golden files
and the command line.

Golden files in tests/data/html/ (input, expected template, expected pseudo-translated
output, side by side) are compared byte for byte; ``TRANSFLOW_REGOLD=1`` rewrites them
(review the diff by eye)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from html_helpers import element_tree, rebuilt, texts, units_of
from tf_helpers import DATA, DOCUMENTS_LINE, ROOT, cli, msgfmt_check

from transflow.engines.pseudo import pseudo
from transflow.formats import format_name, get_format
from transflow.formats.html import ATTRIBUTE_KINDS, align

GOLDEN = DATA / "html"
REGOLD = os.environ.get("TRANSFLOW_REGOLD") == "1"


# --- units ------------------------------------------------------------------------------


def test_html_files_are_the_html_format() -> None:
    assert format_name("site/index.html") == "html"
    assert format_name("OLD.HTM") == "html"
    assert get_format("html").catalog_name("site/index.html") == "site/index.html"


def test_inline_markup_becomes_numbered_tags_with_the_source_markup() -> None:
    source = '<p>The <b>new</b> version. See the <a href="/x?a=1&amp;b=2">guide</a>.</p>'
    first, second = units_of(source)
    assert (first.text, first.tags) == ("The <b1>new</b1> version.", (("<b>", "</b>"),))
    assert second.text == "See the <a1>guide</a1>."
    assert second.tags == (('<a href="/x?a=1&amp;b=2">', "</a>"),)


def test_code_images_and_breaks_are_standalone_tags_whose_content_stays_out() -> None:
    source = (
        '<p>Run <code>pip <span>install</span></code> now.<br>An <img src=a.png alt="x y"> here.'
    )
    units = units_of(source)
    assert [u.text for u in units] == ["Run <c1/> now.", "An <g1/> here.", "x y"]
    assert units[0].tags == (("<code>pip <span>install</span></code>", ""),)
    assert units[2].kind == "alt"


def test_a_sentence_boundary_inside_an_inline_element_makes_one_larger_unit() -> None:
    source = "<p>One. The <b>second. Third</b> one. <i>Four. Five.</i></p>"
    assert texts(source) == ["One.", "The <b1>second. Third</b1> one.", "Four. Five."]


def test_paragraph_units_keep_the_whole_flow() -> None:
    source = "<p>One. <b>Two.</b> Three.</p><li>Four. Five."
    assert [u.text for u in units_of(source, "paragraph")] == [
        "One. <b1>Two.</b1> Three.",
        "Four. Five.",
    ]


def test_what_is_never_a_unit() -> None:
    source = (
        "<script>var a = 'Text.';</script><style>p::after{content:'Text.'}</style>"
        "<pre>Text in pre.</pre><textarea>Typed text.</textarea><!-- A comment. -->"
        '<p translate="no">Not this.</p><div class="x notranslate"><p>Nor this.</p></div>'
        '<div translate="no"><p translate="yes">But this.</p></div>'
        "<p>2024 | 1,200 »</p><svg><title>Icon.</title><text>Label.</text></svg>"
        "<![CDATA[ Data. ]]><p>Kept <span translate=no>Brand</span> here.</p>"
    )
    assert texts(source) == ["But this.", "Kept <x1/> here."]


def test_character_references_show_decoded_and_are_written_back_escaped() -> None:
    source = "<p>Fish &amp; chips&nbsp;&#8212; 5 &lt; 6.</p>"
    assert texts(source) == ["Fish & chips\u00a0— 5 < 6."]
    output = rebuilt(source, lambda s: "Balıq & <kartof> " + s[-6:])
    assert output == "<p>Balıq &amp; &lt;kartof&gt; 5 &lt; 6.</p>"


def test_source_text_that_looks_like_a_tag_is_a_standalone_tag() -> None:
    (unit,) = units_of("<p>Type &lt;b1&gt; here.</p>")
    assert (unit.text, unit.tags) == ("Type <x1/> here.", (("&lt;b1&gt;", ""),))


def test_readable_attributes_are_units_of_their_own() -> None:
    source = (
        '<meta name="description" content="About us."><meta property="og:title" content="Us">'
        '<meta name="keywords" content="not, this"><input placeholder="Your name" value="x">'
        '<input type=submit value=Send><abbr title="World Wide Web">WWW</abbr>'
        '<nav aria-label="Main menu"></nav><link rel=alternate title="Feed">'
    )
    found = [(u.kind, u.text) for u in units_of(source) if u.kind != "sentence"]
    assert found == [
        ("description", "About us."),
        ("og:title", "Us"),
        ("placeholder", "Your name"),
        ("value", "Send"),
        ("title", "World Wide Web"),
        ("aria-label", "Main menu"),
    ]
    assert {kind for kind, _ in found} <= ATTRIBUTE_KINDS


def test_attribute_translations_are_escaped_for_their_quotes() -> None:
    source = "<img alt=\"A\" title='B' aria-label=C>"
    output = rebuilt(source, {"A": 'say "hi"', "B": "it's", "C": "x y"}.get)
    assert output == '<img alt="say &quot;hi&quot;" title=\'it&#39;s\' aria-label="x y">'


def test_a_translated_image_inside_a_sentence_gets_its_translated_alt() -> None:
    source = '<p>See <img alt="the map" src=m.png> now.</p>'
    output = rebuilt(source, {"See <g1/> now.": "<g1/> indi bax.", "the map": "xəritə"}.get)
    assert output == '<p><img alt="xəritə" src=m.png> indi bax.</p>'


def test_a_translation_with_broken_tags_keeps_the_source_and_says_so() -> None:
    source = "<p>The <b>new</b> one.</p>"
    units = units_of(source)
    output, placed = align(source, units, lambda s: "Yeni <b1>biri.", "az")
    assert output == source
    assert placed[0].broken and not placed[0].translated


def test_lang_and_dir_are_set_only_when_something_is_translated() -> None:
    source = '<!DOCTYPE html>\n<!-- x -->\n<html lang="en"><p>Hello.</p></html>'
    assert rebuilt(source, None, "ur") == source
    assert rebuilt(source, lambda s: "سلام", "ur").startswith(
        '<!DOCTYPE html>\n<!-- x -->\n<html lang="ur" dir="rtl"><p>سلام</p>'
    )
    assert rebuilt("<html><p>Hello.</p>", lambda s: "Salam.", "az") == (
        '<html lang="az"><p>Salam.</p>'
    )
    assert rebuilt("<HTML dir=rtl LANG=en><p>Hi.</p>", lambda s: "Salam.", "az") == (
        '<HTML dir="ltr" LANG="az"><p>Salam.</p>'
    )


def test_placed_offsets_point_into_the_output() -> None:
    source = (GOLDEN / "page.html").read_text(encoding="utf-8")
    output, placed = align(source, units_of(source), pseudo, "ur")
    assert placed and all(output[p.start : p.end] == p.text for p in placed)
    assert [p.unit for p in placed] == sorted(units_of(source), key=lambda u: u.start)


# --- golden files and the command line --------------------------------------------------


def html_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(GOLDEN / "page.html", root / "source")
    config = (ROOT / "transflow.toml").read_text(encoding="utf-8")
    config = config.replace(
        DOCUMENTS_LINE,
        'documents = ["**/*.html"]',
    )
    assert 'documents = ["**/*.html"]' in config
    (root / "transflow.toml").write_text(config, encoding="utf-8")
    return root


def compare_golden(found: Path, golden: Path) -> None:
    if REGOLD:
        golden.write_bytes(found.read_bytes())
    assert found.read_bytes() == golden.read_bytes(), f"{found} differs from {golden}"


def test_extract_translate_build_on_an_html_project_match_the_golden_files(
    tmp_path: Path,
) -> None:
    root = html_project(tmp_path)
    assert cli(root, "extract", "--lang", "ur").exit_code == 0
    template = root / "locales" / "templates" / "page.html.pot"
    compare_golden(template, GOLDEN / "page.html.pot")
    msgfmt_check(template)
    result = cli(root, "translate", "--lang", "ur", "--engine", "pseudo")
    assert result.exit_code == 0, result.output
    catalog = root / "locales" / "ur" / "page.html.po"
    msgfmt_check(catalog)
    result = cli(root, "build", "--lang", "ur", "--drafts", "include")
    assert result.exit_code == 0, result.output
    output = root / "build" / "ur" / "page.html"
    compare_golden(output, GOLDEN / "page.ur.html")
    assert (root / "build" / "ur" / "page.html.align.json").is_file()
    assert not (root / "build" / "ur" / "page.html.html").exists()
    source = (GOLDEN / "page.html").read_text(encoding="utf-8")
    assert element_tree(output.read_text(encoding="utf-8")) == element_tree(source)


def test_a_build_without_translations_writes_the_source_byte_for_byte(tmp_path: Path) -> None:
    root = html_project(tmp_path)
    page = root / "source" / "page.html"
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    result = cli(root, "build", "--lang", "az", "--min-completion", "0")
    assert result.exit_code == 0, result.output
    assert (root / "build" / "az" / "page.html").read_bytes() == page.read_bytes()


def test_the_html_tag_is_found_past_a_quoted_greater_than_sign() -> None:
    source = '<html data-x="a>b" lang=en><p>Hi.</p>'
    assert rebuilt(source, lambda s: "Salam.", "ur") == (
        '<html data-x="a>b" lang="ur" dir="rtl"><p>Salam.</p>'
    )


def test_a_stray_end_tag_before_an_image_does_not_hide_its_alt_text() -> None:
    source = '<p><span>One</span> two </span> and <img alt="a map" src=m.png> three.</p>'
    unit, alt = units_of(source)
    assert (alt.kind, alt.text) == ("alt", "a map")
    assert unit.text == "<x1>One</x1> two <x2/> and <g3/> three."
    output = rebuilt(
        source, {unit.text: "<x1>Bir</x1> iki <x2/> və <g3/> üç.", "a map": "xəritə"}.get
    )
    assert output == '<p><span>Bir</span> iki </span> və <img alt="xəritə" src=m.png> üç.</p>'


def test_a_hard_wrapped_unit_is_wrapped_again_and_others_are_not() -> None:
    source = (
        "<p>The first sentence of this <b>paragraph</b> is long\n   and wrapped. Short one.</p>"
    )
    translations = {
        "The first sentence of this <b1>paragraph</b1> is long and wrapped.": (
            "Bu paraqrafın birinci cümləsi <b1>uzundur</b1> və bükülüb, daha da uzun."
        ),
        "Short one.": "Qısa cümlə, bükülməyib, çünki mənbədə də bir sətirdədir.",
    }
    output = align(source, units_of(source), translations.get, "az")[0]
    assert output == (
        "<p>Bu paraqrafın birinci cümləsi <b>uzundur</b> və bükülüb,\n"
        "   daha da uzun. Qısa cümlə, bükülməyib, çünki mənbədə də bir sətirdədir.</p>"
    )
