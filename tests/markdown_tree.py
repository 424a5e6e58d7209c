"""The element tree of rendered Markdown, text aside: what the pseudo-translated output of
a document must share with its source (markdown-it-py, tables, footnotes, front matter)."""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

_TRANSLATED = {"alt", "title"}  # attributes whose values are translated
_CODE = {"code"}


def renderer() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin).use(footnote_plugin)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = sorted((k, "" if k in _TRANSLATED else (v or "")) for k, v in attrs)
        self.items.append(f"<{tag} {kept}>")
        self.code += tag in _CODE

    def handle_endtag(self, tag: str) -> None:
        self.items.append(f"</{tag}>")
        self.code -= tag in _CODE

    def handle_data(self, data: str) -> None:
        if self.code > 0:
            self.items.append(data)

    def handle_comment(self, data: str) -> None:
        self.items.append("<!---->")  # its text aside (html.parser reads "<!-->" oddly)


def tree(html: str) -> list[str]:
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return parser.items


def structure(markdown: str, md: MarkdownIt | None = None) -> list[str]:
    """The rendered element tree of `markdown`: elements, attributes (alt and title
    values aside), code, comments; no other text."""
    return tree((md or renderer()).render(markdown))
