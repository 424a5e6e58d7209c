"""The HTML format: units, inline tags, byte-exact rebuild, the rendered structure kept.

Golden files in tests/data/html/ (input, expected template, expected pseudo-translated
output, side by side) are compared byte for byte; ``TRANSFLOW_REGOLD=1`` rewrites them
(review the diff by eye). The real-world corpus is the HTML documentation of three
Debian packages (`.ci/run` installs them); it must be there when ``CI=true``."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tf_helpers import DATA, ROOT, cli, growth, msgfmt_check

from transflow.config import SegmentationConfig
from transflow.engines.pseudo import pseudo
from transflow.formats import format_name, get_format, html_scan
from transflow.formats.html import ATTRIBUTE_KINDS, align, segment
from transflow.model import Unit

GOLDEN = DATA / "html"
REGOLD = os.environ.get("TRANSFLOW_REGOLD") == "1"
# Debian packages whose HTML documentation is the real-world corpus (2.6 MB, 83 files):
# Sphinx pages (Beautiful Soup in four languages, CopyQ) and Bootstrap 5's pages
# (HTML5 fragments with inline SVG, right-to-left examples)
CORPUS_PACKAGES = ("python-bs4-doc", "copyq-doc", "libjs-bootstrap5-doc")
READ = {"alt", "title", "placeholder", "aria-label", "value", "content"}


def units_of(text: str, unit: str = "sentence") -> tuple[Unit, ...]:
    return segment(text, SegmentationConfig(unit=unit))


def texts(source: str) -> list[str]:
    return [u.text for u in units_of(source)]


def rebuilt(text: str, translate: object = None, language: str = "az") -> str:
    def lookup(source: str) -> str | None:
        return translate(source) if callable(translate) else None

    return align(text, units_of(text), lookup, language)[0]


def element_tree(document: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """The elements html5lib builds, in order, with their attributes but those that are
    translated and lang/dir: the structure a browser renders, text aside."""
    tree = html5lib.parse(document, namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):  # a comment
            found.append(("#comment", ()))
            continue
        kept = {k: v for k, v in element.attrib.items() if k not in READ | {"lang", "dir"}}
        found.append((element.tag, tuple(sorted(kept.items()))))
    return found


def assert_pseudo_keeps_structure(text: str, language: str = "ur") -> str:
    units = units_of(text)
    output, placed = align(text, units, pseudo, language)
    for place in placed:
        assert output[place.start : place.end] == place.text
    assert element_tree(output) == element_tree(text)
    return output


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


# --- byte-exact identity and the rendered structure ---------------------------------------

EDGE_CASES = {
    "unclosed tags": "<p>One <b>bold <i>both</b> italic?<p>Two<li>Three<td>Four</div>",
    "entities": "<p>&amp; &amp &lt;x&gt; &#169; &#xA9; &copy &notin; &nosuchentity; AT&T.</p>",
    "quote styles": '<p title="dq &quot;q&quot;" data-x=\'sq "q"\' id=bare>Text <a href=a>x</a>.',
    "comments": "<!-- one --><p>Text <!-- two --> more.<!----><!-- - -- --></p><!--unclosed",
    "cdata": "<svg><![CDATA[ x < y ]]></svg><p>Text <![CDATA[ inline ]]> here.</p>",
    "template": "<template><p>Later <b>text</b>.</p><tr><td>Cell</td></tr></template>",
    "inline svg": '<p>Icon <svg width="8"><title>T</title><path d="M0 0"/></svg> text.</p>',
    "doctype": '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN">\n<HTML><BODY><P>Old.</BODY>',
    "crlf": "<html>\r\n<body>\r\n<p>Line one\r\nline two.</p>\r\n</body>\r\n</html>\r\n",
    "bom": "\ufeff<!doctype html><title>Title</title><p>Text.</p>",
    "fragment": "Loose text. <b>Bold</b> and <i>italic</i>.\n<p>Para</p> tail text",
    "processing instruction": '<?xml version="1.0"?><p>Text.<?php echo 1; ?></p>',
    "script and style": "<script>if (a < b && c) { x = '</p>'; }</script><style>a>b{}</style><p>T.",
    "attributes without values": "<input disabled title=Hi><option selected>Pick one</option>",
    "stray end tags": "</b></span><p>Text</em> more.</p></p>",
    "malformed": "<p>a < b and <3 <a href='x>y'>link</a> <p / > <br/> &#0; &#x110000;",
    "nested inline": "<p><a href=x><b><i>deep</i></b> text</a>. Next.</p>",
    "block inside a link": '<a href="x"><div>Card title</div><p>Body.</p></a>',
    "whitespace": "<p>\n   Spaced \t out\n   text.   \n</p>",
    "uppercase": "<P CLASS=x>Upper <B>case</B>.</P>",
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_cases_rebuild_byte_for_byte(name: str) -> None:
    text = EDGE_CASES[name]
    assert rebuilt(text) == text
    assert rebuilt(text, lambda s: s) == text


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_cases_keep_their_structure_when_translated(name: str) -> None:
    text = EDGE_CASES[name]
    assert_pseudo_keeps_structure(text)


def corpus_files() -> list[Path]:
    root = Path(os.environ.get("TRANSFLOW_HTML_CORPUS", "/"))
    found: list[Path] = []
    missing = []
    for package in CORPUS_PACKAGES:
        listed = subprocess.run(
            ["dpkg", "-L", package], capture_output=True, text=True, check=False
        ).stdout.split()
        paths = [root / p.lstrip("/") for p in listed if p.endswith((".html", ".htm"))]
        paths = [p for p in paths if p.is_file()]
        if not paths:
            missing.append(package)
        found += paths
    if missing:
        message = f"HTML corpus missing: apt-get install -y {' '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return sorted(found)


def test_the_real_world_corpus_rebuilds_byte_for_byte_and_keeps_its_structure() -> None:
    files = corpus_files()
    size = identical = same_tree = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        size += len(text.encode("utf-8"))
        units = units_of(text)
        unchanged = align(text, units, lambda s: s, "az")[0]
        untranslated = align(text, units, lambda s: None, "az")[0]
        identical += unchanged == text and untranslated == text
        output, placed = align(text, units, pseudo, "ur")
        assert all(output[p.start : p.end] == p.text for p in placed), path
        same_tree += element_tree(output) == element_tree(text)
        assert_events_as_html_parser_reports_them(text)
    assert size >= 1_000_000
    assert (identical, same_tree) == (len(files), len(files))


class _Reference(HTMLParser):
    """html.parser as documented: offsets from getpos(), every attribute read."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.lines = [0, *(n + 1 for n, c in enumerate(text) if c == "\n")]
        self.events: list[tuple[int, str, str, object]] = []

    def _add(self, kind: str, tag: str = "", attrs: object = None) -> None:
        line, column = self.getpos()
        self.events.append((self.lines[line - 1] + column, kind, tag, attrs))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("s", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("v", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._add("/", tag)

    def handle_data(self, data: str) -> None:
        self._add("t")

    def handle_comment(self, data: str) -> None:
        self._add("c")

    handle_pi = unknown_decl = handle_comment

    def handle_decl(self, decl: str) -> None:
        self._add("d")


def assert_events_as_html_parser_reports_them(text: str) -> None:
    """The scanner's parser (offsets kept by updatepos, not counted by getpos) reports
    every construct where html.parser's getpos() puts it."""
    reference = _Reference(text)
    reference.feed(text)
    reference.close()
    fast = html_scan._Events()
    fast.feed(text)
    fast.base = len(text) - len(fast.rawdata)
    fast.close()
    assert [e[:3] for e in fast.events] == [e[:3] for e in reference.events]
    assert [e[3] or [] for e in fast.events] == [e[3] or [] for e in reference.events]


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_cases_are_parsed_as_html_parser_parses_them(name: str) -> None:
    assert_events_as_html_parser_reports_them(EDGE_CASES[name])


# --- golden files and the command line --------------------------------------------------


def html_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(GOLDEN / "page.html", root / "source")
    config = (ROOT / "transflow.toml").read_text(encoding="utf-8")
    config = config.replace('documents = ["**/*.txt"]', 'documents = ["**/*.html"]')
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


_PIECES = [
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<i>",
    "</em>",
    "<a href='x?a=1&amp;b'>",
    "</a>",
    "<br>",
    '<img alt="An &quot;image&quot;" src=x>',
    "<code>",
    "</code>",
    "<pre>",
    "</pre>",
    "<script>",
    "</script>",
    "<div translate=no>",
    "</div>",
    "<li>",
    "<td>",
    "<svg>",
    "</svg>",
    "<!-- c -->",
    "<!--",
    "<![CDATA[x]]>",
    "<!DOCTYPE html>",
    "<html lang=en>",
    "<title>",
    "Text. ",
    "More text",
    " Dr. Who. ",
    "&amp;",
    "&nbsp;",
    "&lt;b1&gt;",
    "<",
    ">",
    "&",
    "\r\n",
    "\n",
    "\ufeff",
    "<span class='notranslate'>",
    "</span>",
    "<input type=submit value=Go>",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_any_mix_of_markup_rebuilds_byte_for_byte(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert rebuilt(text) == text
    assert rebuilt(text, lambda s: s) == text
    output, placed = align(text, units_of(text), pseudo, "ur")
    assert all(output[p.start : p.end] == p.text for p in placed)
    assert_events_as_html_parser_reports_them(text)


@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "<p>" + "<span>" * n + "One more. " * n + "</span>" * n,
        lambda n: "<p>" + "<br><!---->" * n + "Text." + "<img src=x>" * n,
        lambda n: "<p><b>" + "A sentence here. " * n + "</b></p>",
        lambda n: "<ul>" + "<li><a href=x title='Go there'>Item</a> one." * n,
    ],
)
def test_segment_and_align_take_linear_time(shape: object) -> None:
    def run(n: int) -> None:
        text = shape(n)  # type: ignore[operator]
        align(text, units_of(text), pseudo, "az")

    assert growth(run, 2_000) < 8
