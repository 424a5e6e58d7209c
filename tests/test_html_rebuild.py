"""The HTML format's rebuild: byte for byte with no translations (or each one equal to
its source), and the same element tree as the source, text aside, when every unit is
translated, on HTML5 edge cases, on any mix of markup, and on a real-world corpus: the
HTML documentation of three Debian packages (`.ci/run` installs them; it must be there
when ``CI=true``). Also: html.parser's own reading of them (tests/test_html_tokens.py
has more), and linear time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from html_helpers import (
    FOLLOWED,
    assert_events_as_html_parser_reports_them,
    assert_pseudo_keeps_structure,
    element_tree,
    rebuilt,
    units_of,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from tf_helpers import growth

from transflow.engines.pseudo import pseudo
from transflow.formats.html import align

# The real-world corpus: the HTML documentation of three Debian packages (2.6 MB, 83
# files), Sphinx pages (Beautiful Soup in four languages, CopyQ) and Bootstrap 5's pages
# (HTML5 fragments with inline SVG, right-to-left examples): package -> its folder.
# TRANSFLOW_HTML_CORPUS may name a folder the packages were unpacked into (dpkg -x).
CORPUS = {
    "python-bs4-doc": "usr/share/doc/python-bs4-doc",
    "copyq-doc": "usr/share/doc/copyq/html",
    "libjs-bootstrap5-doc": "usr/share/doc/libjs-bootstrap5",
}

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


@pytest.mark.skipif(not FOLLOWED, reason="this Python's html.parser is not the one followed")
@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_cases_are_parsed_as_html_parser_parses_them(name: str) -> None:
    assert_events_as_html_parser_reports_them(EDGE_CASES[name])


def corpus_files() -> list[Path]:
    root = Path(os.environ.get("TRANSFLOW_HTML_CORPUS", "/"))
    found: list[Path] = []
    missing = []
    for package, folder in CORPUS.items():
        paths = [p for p in (root / folder).rglob("*.htm*") if p.suffix in (".html", ".htm")]
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
    assert size >= 1_000_000 and len(files) == 83
    assert (identical, same_tree) == (len(files), len(files))


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
