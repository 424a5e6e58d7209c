"""What the HTML tests share: units and rebuilds of a text, the element tree html5lib
builds (what a browser renders), and html.parser's own report of a document."""

from __future__ import annotations

import html.parser
from collections.abc import Callable
from html.parser import HTMLParser

import html5lib

from transflow.config import SegmentationConfig
from transflow.engines.pseudo import pseudo
from transflow.formats import html_tokens
from transflow.formats.html import align, segment
from transflow.model import Unit

READ = {"alt", "title", "placeholder", "aria-label", "value", "content"}


def units_of(text: str, unit: str = "sentence") -> tuple[Unit, ...]:
    return segment(text, SegmentationConfig(unit=unit))


def texts(source: str) -> list[str]:
    return [u.text for u in units_of(source)]


def rebuilt(
    text: str, translate: Callable[[str], str | None] | None = None, language: str = "az"
) -> str:
    return align(text, units_of(text), translate or (lambda source: None), language)[0]


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


# html.parser as html_tokens follows it (Python 3.11-3.13.0): later versions changed how it
# reads comments and raw text, and are not compared with
FOLLOWED = (
    html.parser.tagfind_tolerant.pattern == html_tokens.TAG_NAME.pattern
    and html.parser.attrfind_tolerant.pattern == html_tokens.ATTRIBUTE.pattern
    and html.parser.commentclose.pattern == r"--\s*>"
    and html.parser.endtagfind.pattern == r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>"
)


def assert_events_as_html_parser_reports_them(text: str) -> None:
    """The scanner's tokenizer reports every construct where html.parser's getpos() puts
    it, of the same kind, tag and attributes; but a construct left open at the end, which
    with the rest is one comment (html.parser's ``close()`` reads it as text)."""
    if not FOLLOWED:
        return
    reference = _Reference(text)
    try:
        reference.feed(text)
        fed, rest = len(reference.events), reference.rawdata
        reference.close()
    except AssertionError:  # html.parser's on <![foo[: the tokenizer reads a comment
        return
    if rest.startswith("<") and len(reference.events) > fed:
        reference.events[fed:] = [(len(text) - len(rest), "c", "", None)]
    fast = html_tokens.events(text)
    assert [e[:3] for e in fast] == [e[:3] for e in reference.events]
    found = [html_tokens.attributes(text, at, end)[0] if end >= 0 else [] for at, _, _, end in fast]
    assert found == [e[3] or [] for e in reference.events]
