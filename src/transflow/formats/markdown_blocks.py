"""The block structure of a Markdown document: its leaf blocks and their lines.

A line-by-line scanner after the CommonMark 0.31 block algorithm (containers: block
quotes, list items, footnote definitions; leaves: paragraphs, headings, code, HTML
blocks, thematic breaks, GFM tables, link reference definitions, YAML front matter),
as markdown-it-py with its table, footnote and front-matter rules parses them. It
returns, for each leaf, the source spans of its content lines with the container
prefixes (``> ``, list indentation) left out, which is all the formats need: the
text between the spans is copied from the source, never re-rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transflow.formats.markdown_syntax import (
    ATX,
    BLANK_LINE,
    DELIMITER_ROW,
    FENCE,
    FOOTNOTE,
    HTML_1_END,
    HTML_ENDS,
    SETEXT,
    SPACE,
    THEMATIC,
    add_lines,
    advance,
    closer,
    delimiter_cells,
    front_matter,
    html_type,
    interrupts,
    list_item,
    normalize_label,
    skip_blanks,
    split_cells,
    trim_end,
)


@dataclass
class Leaf:
    """A leaf block: its kind, first line (1-based) and content spans, one per line."""

    kind: str  # paragraph, heading, setext, row, code, html, front, break
    line: int
    spans: list[tuple[int, int]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # each line's start in the source
    footnote: bool = False  # inside a footnote definition
    cells: int = 0  # table rows: the number of columns


@dataclass
class _Container:
    kind: str  # quote, item, footnote
    width: int = 0  # items, footnotes: the content's indentation
    blank_start: bool = False  # an item that began with a blank line
    lines: int = 0  # lines seen


@dataclass
class Blocks:
    leaves: list[Leaf]
    references: dict[str, None]  # normalized labels of link reference definitions
    titles: list[tuple[int, int, int]]  # link definitions' titles: (line, start, end)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.leaves: list[Leaf] = []
        self.references: dict[str, None] = {}
        self.titles: list[tuple[int, int, int]] = []
        self.containers: list[_Container] = []
        self.leaf: Leaf | None = None
        self.fence = ""  # an open fenced code block's fence
        self.html_end = 0  # an open HTML block's type
        self.cells = 0  # an open table's number of columns

    def close(self) -> None:
        leaf = self.leaf
        if leaf is not None:
            if leaf.kind == "paragraph":
                _trim_last(self.text, leaf)
                from transflow.formats.markdown_refs import definitions

                definitions(self.text, leaf, self.references, self.titles)
                if leaf.spans:
                    self.leaves.append(leaf)
            else:
                self.leaves.append(leaf)
        self.leaf = None

    def add(self, kind: str, number: int, start: int, pos: int, end: int) -> Leaf:
        self.close()
        leaf = Leaf(kind, number, [(pos, end)], [start])
        leaf.footnote = any(c.kind == "footnote" for c in self.containers)
        self.leaf = leaf
        return leaf

    def scan(self) -> Blocks:
        text, size = self.text, len(self.text)
        start, number = 0, 0
        front = front_matter(text) if text.startswith("---") else None
        if front is not None:
            spans, starts, start, number = front
            self.leaves.append(Leaf("front", 1, spans, starts))  # starts: line numbers
        containers = self.containers
        while start < size or (start == size and number == 0 and size == 0):
            leaf = self.leaf
            if leaf is not None and not containers and leaf.kind in ("code", "html"):
                # lines inside top-level fenced code or HTML that cannot end it, at once
                stop = self._inside(leaf, start)
                if stop > start:
                    number += add_lines(text, start, stop, leaf.spans, leaf.starts)
                    start = stop
                    if start >= size:
                        break
            newline = text.find("\n", start)
            after = size if newline < 0 else newline + 1
            end = size if newline < 0 else newline
            if end > start and text[end - 1] == "\r":
                end -= 1
            number += 1
            if containers:
                self._line(number, start, end)
            elif start == end:  # an empty line outside containers ends all but code
                if leaf is None or leaf.kind not in ("code", "html"):
                    self.close()
                    self.cells = 0
                else:
                    self._line(number, start, end)
            elif not self.cells and text[start].isalpha():
                # a letter in column 0 opens no block: a paragraph goes on or starts
                if leaf is None:
                    self.add("paragraph", number, start, start, end)
                elif leaf.kind == "paragraph":
                    leaf.spans.append((start, end))
                    leaf.starts.append(start)
                else:
                    self._line(number, start, end)
            else:
                self._line(number, start, end)
            start = after
            if newline < 0:
                break
        self.close()
        return Blocks(self.leaves, self.references, self.titles)

    def _inside(self, leaf: Leaf, start: int) -> int:
        """Where the first line from `start` that may end the top-level fenced code or HTML
        block `leaf` starts (the text's end: none); `start` when it is not such a block."""
        text = self.text
        if leaf.kind == "code":
            if not self.fence:
                return start
            found = closer(self.fence).search(text, start)
        elif self.html_end in (6, 7):
            found = BLANK_LINE.search(text, start)
        elif self.html_end == 1:
            found = HTML_1_END.search(text, start)
        else:
            at = text.find(HTML_ENDS[self.html_end], start)
            return len(text) if at < 0 else text.rfind("\n", start, at) + 1 or start
        return len(text) if found is None else text.rfind("\n", start, found.start()) + 1 or start

    def _line(self, number: int, start: int, end: int) -> None:
        text = self.text
        containers = self.containers
        pos, column = start, 0
        matched = 0
        first, first_column = skip_blanks(text, pos, end, column)
        for container in containers:
            blank = first == end
            if container.kind == "quote":
                if first_column - column < 4 and first < end and text[first] == ">":
                    pos, column = first + 1, first_column + 1
                    if pos < end and text[pos] in SPACE:
                        pos, column = advance(text, pos, end, column, 1)
                else:
                    break
            elif blank:
                if container.blank_start and container.lines == 1:
                    break
                pos, column = first, first_column
            elif first_column - column >= container.width:
                pos, column = advance(text, pos, end, column, container.width)
            else:
                break
            container.lines += 1
            matched += 1
            first, first_column = skip_blanks(text, pos, end, column)
        blank = first == end
        leaf = self.leaf
        everything = matched == len(containers)
        if leaf is not None and everything:
            if leaf.kind == "code" and self.fence:
                self._fenced(leaf, start, first, first_column - column, end)
                return
            if leaf.kind == "html":
                self._html(leaf, start, pos, end, blank)
                return
            if leaf.kind == "code" and (blank or first_column - column >= 4):
                leaf.spans.append((pos, end))
                leaf.starts.append(start)
                return
        paragraph = leaf is not None and leaf.kind == "paragraph"
        if self.cells and (blank or not everything or first_column - column >= 4):
            self.cells = 0
        if not everything:
            if paragraph and not blank and not interrupts(text, first, first_column - column, end):
                assert leaf is not None
                leaf.spans.append((first, end))
                leaf.starts.append(start)
                return
            del containers[matched:]
            self.close()
            paragraph = False
        # new containers
        interrupting = paragraph  # an item that opens here interrupts a paragraph
        while not blank and first_column - column < 4:
            char = text[first]
            if char == ">":
                self.close()
                containers.append(_Container("quote", lines=1))
                pos, column = first + 1, first_column + 1
                if pos < end and text[pos] in SPACE:
                    pos, column = advance(text, pos, end, column, 1)
            elif char == "[" and (match := FOOTNOTE.match(text, first, end)):
                self.close()
                self.references.setdefault("footnote:" + normalize_label(match.group(1)), None)
                containers.append(_Container("footnote", width=4, lines=1))
                pos, column = match.end(), first_column + match.end() - first
            elif (
                (char in "-+*" or char.isdigit())
                and not THEMATIC.match(text, first, end)
                and (item := list_item(text, first, first_column, column, end, interrupting))
            ):
                pos, column, width, empty = item
                self.close()
                containers.append(_Container("item", width=width, blank_start=empty, lines=1))
            else:
                break
            interrupting = paragraph = False
            self.cells = 0
            first, first_column = skip_blanks(text, pos, end, column)
            blank = first == end
        self._leaf(number, start, pos, first, first_column - column, end, blank, paragraph)

    def _leaf(
        self,
        number: int,
        start: int,
        pos: int,
        first: int,
        indent: int,
        end: int,
        blank: bool,
        paragraph: bool,
    ) -> None:
        text = self.text
        leaf = self.leaf
        if blank:
            if leaf is not None and leaf.kind != "code":
                self.close()
            elif leaf is not None:
                leaf.spans.append((pos, end))
                leaf.starts.append(start)
            return
        if indent >= 4:
            if paragraph and leaf is not None:
                leaf.spans.append((first, end))
                leaf.starts.append(start)
            else:
                self.add("code", number, start, pos, end)
                self.fence = ""
            return
        char = text[first]
        if char in "`~" and (fence := FENCE.match(text, first, end)):
            marker = fence.group(1)
            if not (char == "`" and "`" in text[fence.end() : end]):
                self.add("code", number, start, pos, end)
                self.fence = marker
                self.cells = 0
                return
        if char == "#" and (atx := ATX.match(text, first, end)):
            content = skip_blanks(text, atx.end(), end, 0)[0]
            stop = trim_end(text, content, end)
            closing = stop
            while closing > content and text[closing - 1] == "#":
                closing -= 1
            if closing == content or text[closing - 1] in SPACE:
                stop = trim_end(text, content, closing)
            self.add("heading", number, start, content, stop)
            self.close()
            self.cells = 0
            return
        if paragraph and leaf is not None and char in "=-" and SETEXT.match(text, first, end):
            self.close_setext(leaf)
            return
        if char in "-*_" and THEMATIC.match(text, first, end):
            self.close()
            self.cells = 0
            return
        if char == "<" and (kind := html_type(text, first, end, paragraph)):
            self.cells = 0
            self.add("html", number, start, pos, end)
            self.html_end = kind
            self._html_ended(self.leaf, first, end)
            return
        if self.cells:
            row = Leaf("row", number, [(first, trim_end(text, first, end))], [start])
            row.cells, row.footnote = self.cells, any(c.kind == "footnote" for c in self.containers)
            self.leaves.append(row)
            return
        if (
            paragraph
            and leaf is not None
            and char in "|:-"
            and DELIMITER_ROW.match(text, first, end)
            and self._table(leaf, first, end)
        ):
            return
        if paragraph and leaf is not None:
            leaf.spans.append((first, end))
            leaf.starts.append(start)
            return
        self.add("paragraph", number, start, first, end)

    def close_setext(self, leaf: Leaf) -> None:
        from transflow.formats.markdown_refs import definitions

        _trim_last(self.text, leaf)
        definitions(self.text, leaf, self.references, self.titles)
        self.leaf = None
        if leaf.spans:
            leaf.kind = "setext"
            self.leaves.append(leaf)

    def _table(self, leaf: Leaf, first: int, end: int) -> bool:
        text = self.text
        count = delimiter_cells(text[first:end])
        if not count:
            return False
        header_start, header_end = leaf.spans[-1]
        header = text[header_start:header_end]
        if "|" not in header or len(split_cells(header)) != count:
            return False
        line = leaf.line + len(leaf.spans) - 1
        line_start = leaf.starts[-1]
        del leaf.spans[-1], leaf.starts[-1]
        if not leaf.spans:
            self.leaf = None
        self.close()
        row = Leaf("row", line, [(header_start, header_end)], [line_start], cells=count)
        row.footnote = any(c.kind == "footnote" for c in self.containers)
        self.leaves.append(row)
        self.cells = count
        return True

    def _fenced(self, leaf: Leaf, start: int, first: int, indent: int, end: int) -> None:
        text = self.text
        leaf.spans.append((start, end))
        leaf.starts.append(start)
        fence = self.fence
        if indent < 4 and text.startswith(fence[0] * len(fence), first):
            stop = first
            while stop < end and text[stop] == fence[0]:
                stop += 1
            if skip_blanks(text, stop, end, 0)[0] == end:
                self.fence = ""
                self.close()

    def _html(self, leaf: Leaf, start: int, pos: int, end: int, blank: bool) -> None:
        if blank and self.html_end in (6, 7):
            self.close()
            return
        leaf.spans.append((pos, end))
        leaf.starts.append(start)
        self._html_ended(leaf, pos, end)

    def _html_ended(self, leaf: Leaf | None, pos: int, end: int) -> None:
        kind, line = self.html_end, self.text[pos:end]
        if (kind == 1 and HTML_1_END.search(line)) or (
            kind in HTML_ENDS and HTML_ENDS[kind] in line
        ):
            self.close()


def _trim_last(text: str, leaf: Leaf) -> None:
    """A paragraph's last line without its trailing blanks (the others keep theirs: two
    spaces before a line break are a hard break)."""
    start, end = leaf.spans[-1]
    leaf.spans[-1] = (start, trim_end(text, start, end))


def scan(text: str) -> Blocks:
    """The leaf blocks of a Markdown document."""
    return _Scanner(text).scan()
