"""The HTML tokenizer (transflow.formats.html_tokens) against html.parser itself: the same
constructs at the same offsets, with the same tags and attributes, on markup that takes
each of its paths (the usual tags it reads with one pattern, and everything html.parser
reads otherwise), and on random tag soup; and its two documented departures."""

from __future__ import annotations

import pytest
from html_helpers import FOLLOWED, assert_events_as_html_parser_reports_them
from hypothesis import given, settings
from hypothesis import strategies as st

from transflow.formats import html_scan, html_tokens
from transflow.formats.html import segment

pytestmark = pytest.mark.skipif(
    not FOLLOWED, reason="this Python's html.parser reads differently from the one followed"
)

TRICKY = [
    "<a b='c'd=e>x</a>",  # no space after a quoted value
    "<a/b>x<a /b/>y",
    "<a \xa0b=c>x",  # a space html.parser's tag name pattern does not stop at
    "<a b=c/>x<img src=x/>",  # a bare value ending in "/"
    "<a b = 'c' >x</a >",
    "<a b=`c` d=e=f g=<h>x",
    "<A HREF=X TITLE='T'>x</A><BR/>",
    "<p\x00q>x</p\x00q>",
    "<a b='c>d'>x</a>",  # ">" inside a quoted value
    "<a b=c>d>e</a> <a b=c>d</a>",  # a bare value ends at ">"
    "<a b=c\"d>x</a><a b=c'd e=f>x</a>",
    "<a b='c>",  # left open at the end
    "<a b",
    "<a b=",
    "<a title=\"x\" title='y'>x</a>",
    "<script>a < b; '</p>'; </script >x",
    "<script>x</SCRIPT>y<style>p>q{}</style\t>z",
    "<script>x</\u017fcript>y</script>z",  # a long s: html.parser's raw text end, not its tag
    "<script/>x",
    "<script>unclosed",
    "<!-- c -- ><!--->x<!---->y<!-- -- -->",
    "<!x y><!><!DOCTYPE html><!doctype x>",
    "<![CDATA[ a < b ]]>x<![if x]>y<![endif]>",
    "<![CDATA[ unclosed",
    "<?xml version='1.0'?>x<?pi",
    "</ a></a b='>'></>x</3><//>",
    "a < b <3 <",
    "<p>a &amp; b &lt;c&gt; &#169; &copy</p>",
    "<K>x</K><İ title=x>y",  # non-ASCII tag names (the Kelvin sign lowercases to k)
    '<meta name="description" content="A &quot;page&quot;"><input type=submit value=Go>',
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_markup_is_read_as_html_parser_reads_it(text: str) -> None:
    assert_events_as_html_parser_reports_them(text)


_SOUP = [
    *("<a", "<b", "<p", "<span", "<script", "<style", "<img", "<title", "</a", "</b", "</ p"),
    *("</script", " ", "\t", "\n", "\xa0", "\x0b", "\x00", "=", "==", "x", "-", ":", "x=y"),
    *("x='y'", 'x="y"', "'", '"', "`", "/", "/>", ">", "<", "&amp;", "&", "z=a/b", "title="),
    *("alt", "translate=no", "class=notranslate", "<!--", "-->", "<![CDATA[", "]]>", "<?"),
    *("<!", "text ", "K", "\u017f", "İ", "x=y>z>", "x=y/>"),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_SOUP), max_size=30))
def test_tag_soup_is_read_as_html_parser_reads_it(pieces: list[str]) -> None:
    assert_events_as_html_parser_reports_them("".join(pieces))


def test_a_construct_left_open_at_the_end_is_one_comment_with_the_rest() -> None:
    text = "<p>One.</p><!-- open <p>Two.</p>"
    assert html_tokens.events(text)[-1] == (text.index("<!--"), "c", "", -1)
    assert [u.text for u in segment(text)] == ["One."]


def test_a_marked_section_with_an_unknown_keyword_is_a_comment() -> None:
    # html.parser raises AssertionError on it; a browser reads a comment to the next ">"
    text = "<![foo[ x ]]><p>Hi there.</p>"
    p = text.index("<p>")
    assert html_tokens.events(text)[:2] == [(0, "c", "", -1), (p, "s", "p", p + 3)]
    assert [u.text for u in segment(text)] == ["Hi there."]


def test_text_and_inline_tags_in_pre_are_one_text_event_for_the_scanner() -> None:
    text = "<pre><span class=k>if</span> a < b:<br></pre><p>A <code><i>x</i></code>.</p>"
    every = html_tokens.events(text)
    assert len(every) == 18 and every[8] == (text.index("</pre>"), "/", "pre", -1)
    assert (
        html_tokens.events(text, html_scan.QUIET)
        == [
            (0, "s", "pre", 5),
            (5, "t", "", -1),  # instead of 7 events
            *every[8:],
        ]
    )


_QUIET_SOUP = [
    *("<pre>", "</pre>", "<PRE\t>", "<textarea>", "</textarea>", "<code>", "</code>", "<CODE/>"),
    *("<span class=k>", "</span>", "<SPAN\n>", "</ span >", "<span/>", "<span a=b/c>", "<spanx>"),
    *("<\u017fpan>", "<span class=notranslate>", "<b translate=no>", "</b>", "<i>", "</i>"),
    *("<a href=x>", "<br>", "<svg>", "</svg>", "<math>", "<path/>", "<div>", "</div>", "<p>"),
    *("<div translate=yes>", "<li>", "<title>", "<!--", "-->", "<", "</", "'", '"', "=", ">"),
    *("x", "Text. ", " ", "&amp;"),
]


@pytest.mark.parametrize(
    "text",
    [
        "<p><span class=notranslate>a<code>b</span>c</code> d",  # what ends the span counts
        "<p><b translate=no><pre>x</b>y</pre>z",
        "<p>A <svg><pre>x</svg>Yes.</pre>z",  # in an svg, its own end tag counts
        "<pre>x<p>y</p>z</pre>",
    ],
)
def test_the_scanner_finds_the_same_with_and_without_the_tokenizers_runs_here(text: str) -> None:
    assert html_scan.scan(text) == html_scan.scan(text, html_tokens.NO_RUNS)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_QUIET_SOUP), max_size=30))
def test_the_scanner_finds_the_same_with_and_without_the_tokenizers_runs(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert html_scan.scan(text) == html_scan.scan(text, html_tokens.NO_RUNS)
