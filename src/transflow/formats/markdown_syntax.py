"""The line-level syntax of Markdown blocks: patterns, indentation, HTML block starts,
table rows, list item markers, YAML front matter, what interrupts a paragraph (used by
:mod:`.markdown_blocks` and :mod:`.markdown_inline`), and what a rebuild escapes or quotes
(:mod:`.markdown_build`)."""

from __future__ import annotations

import re

FENCE = re.compile(r"(`{3,}|~{3,})")
ATX = re.compile(r"#{1,6}(?=[ \t]|$)")
THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
SETEXT = re.compile(r"(?:=+|-+)[ \t]*$")
BULLET = re.compile(r"([-+*]|[0-9]{1,9}[.)])(?=[ \t]|$)")
FOOTNOTE = re.compile(r"\[\^((?:[^\]\\\s]|\\.)+)\]:")
DELIMITER_ROW = re.compile(r"[|:-][|: \t-]*$")
DELIMITER_CELL = re.compile(r":?-+:?$")
HTML_1 = re.compile(r"<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.IGNORECASE)
HTML_1_END = re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)
HTML_6 = re.compile(
    r"</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|"
    r"dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    r"h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    r"optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|"
    r"track|ul)(?:[ \t>]|/>|$)",
    re.IGNORECASE,
)
_VALUE = r"""(?:[^ \t\n"'=<>`]+|'[^']*'|"[^"]*")"""
_ATTRIBUTE = rf"(?:[ \t\n]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t\n]*=[ \t\n]*{_VALUE})?)"
OPEN_TAG = rf"<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*[ \t\n]*/?>"
CLOSE_TAG = r"</[A-Za-z][A-Za-z0-9-]*[ \t\n]*>"
HTML_7 = re.compile(rf"(?:{OPEN_TAG}|{CLOSE_TAG})[ \t]*$")
HTML_ENDS = {2: "-->", 3: "?>", 4: ">", 5: "]]>"}
SPACE = " \t"


def normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def skip_blanks(text: str, pos: int, end: int, column: int) -> tuple[int, int]:
    """The first non-blank position from `pos` and its column."""
    while pos < end:
        char = text[pos]
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
        pos += 1
    return pos, column


def advance(text: str, pos: int, end: int, column: int, width: int) -> tuple[int, int]:
    """Past `width` columns of indentation (a tab counts whole)."""
    target = column + width
    while pos < end and column < target and text[pos] in SPACE:
        column = column + 1 if text[pos] == " " else column + 4 - column % 4
        pos += 1
    return pos, column


def html_type(text: str, first: int, end: int, interrupting: bool) -> int:
    """The kind (1-7, CommonMark's) of the HTML block a line opens at `first`; 0: none."""
    if HTML_1.match(text, first, end):
        return 1
    if text.startswith("<!--", first):
        return 2
    if text.startswith("<?", first):
        return 3
    if text.startswith("<![CDATA[", first):
        return 5
    if text.startswith("<!", first) and first + 2 < end and text[first + 2].isalpha():
        return 4
    if HTML_6.match(text, first, end):
        return 6
    if not interrupting and HTML_7.match(text, first, end):
        return 7
    return 0


def trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in SPACE:
        end -= 1
    return end


def split_cells(row: str) -> list[tuple[int, int]]:
    """Spans of a table row's cells in `row` (trimmed), split at unescaped pipes, leading
    and trailing empty cells dropped, as markdown-it does."""
    cells, start, index = [], 0, 0
    size = len(row)
    while index < size:
        char = row[index]
        if char == "\\":
            index += 2
            continue
        if char == "|":
            cells.append((start, index))
            start = index + 1
        index += 1
    cells.append((start, size))
    if cells and not row[cells[0][0] : cells[0][1]].strip():
        cells.pop(0)
    if cells and not row[cells[-1][0] : cells[-1][1]].strip():
        cells.pop()
    trimmed = []
    for s, e in cells:
        while s < e and row[s] in SPACE:
            s += 1
        while e > s and row[e - 1] in SPACE:
            e -= 1
        trimmed.append((s, e))
    return trimmed


def delimiter_cells(row: str) -> int:
    """The number of columns of a table's delimiter row (0: not one)."""
    columns = row.strip().split("|")
    count = 0
    for index, cell in enumerate(columns):
        cell = cell.strip(" \t")
        if not cell:
            if index in (0, len(columns) - 1):
                continue
            return 0
        if not DELIMITER_CELL.match(cell):
            return 0
        count += 1
    return count


BLANK_LINE = re.compile(r"^[ \t]*\r?$", re.MULTILINE)
_CLOSERS: dict[str, re.Pattern[str]] = {}  # fence -> a pattern finding each line that may close it


def closer(fence: str) -> re.Pattern[str]:
    found = _CLOSERS.get(fence)
    if found is None:
        found = _CLOSERS[fence] = re.compile(rf"^[ \t]*{re.escape(fence)}", re.MULTILINE)
    return found


def add_lines(
    text: str, start: int, stop: int, spans: list[tuple[int, int]], starts: list[int]
) -> int:
    """The lines from `start` to `stop` (a line's start or the text's end) added whole to
    a top-level block's `spans` and `starts`, as the line-by-line scan adds them; how many."""
    count = 0
    while start < stop:
        newline = text.find("\n", start, stop)
        end = stop if newline < 0 else newline
        after = end + 1
        if end > start and text[end - 1] == "\r":
            end -= 1
        spans.append((start, end))
        starts.append(start)
        count += 1
        start = after
    return count


def front_matter(text: str) -> tuple[list[tuple[int, int]], list[int], int, int] | None:
    """YAML front matter: its lines' spans and numbers, where the text after it starts
    and that line's number less one; None: none (or not closed)."""
    first = text.find("\n")
    if first < 0 or text[:first].rstrip("\r") != "---":
        return None
    spans: list[tuple[int, int]] = []
    numbers: list[int] = []
    start, number = first + 1, 1
    while start < len(text):
        newline = text.find("\n", start)
        end = len(text) if newline < 0 else newline
        line = text[start:end].rstrip("\r")
        number += 1
        if line.rstrip(" \t") in ("---", "..."):
            return spans, numbers, (len(text) if newline < 0 else newline + 1), number
        spans.append((start, start + len(line)))
        numbers.append(number)
        if newline < 0:
            break
        start = newline + 1
    return None


def list_item(
    text: str, first: int, first_column: int, column: int, end: int, interrupting: bool
) -> tuple[int, int, int, bool] | None:
    """The list item a line opens at `first`: where its content starts, its column, its
    width and whether it is empty; None: none (`interrupting`: a paragraph goes on)."""
    match = BULLET.match(text, first, end)
    if match is None:
        return None
    marker = match.end()
    content, content_column = skip_blanks(text, marker, end, first_column + marker - first)
    empty = content == end
    if interrupting and (empty or (marker - first > 1 and text[first : marker - 1] != "1")):
        return None
    spaces = content_column - (first_column + marker - first)
    if empty or spaces > 4:
        pos, new_column = advance(text, marker, end, first_column + marker - first, 1)
        width = first_column - column + marker - first + 1
        return (pos, new_column, width, empty)
    return (content, content_column, content_column - column, False)


def interrupts(text: str, first: int, indent: int, end: int) -> bool:
    """Whether a line that no container took may not be a paragraph's lazy continuation."""
    if indent >= 4:
        return False
    char = text[first]
    if char == ">":
        return True
    if char in "`~" and FENCE.match(text, first, end):
        return True
    if char == "#" and ATX.match(text, first, end):
        return True
    if char in "-*_" and THEMATIC.match(text, first, end):
        return True
    if char == "<" and html_type(text, first, end, True):
        return True
    if char == "[" and FOOTNOTE.match(text, first, end):
        return True
    # no container took the line: a list item opens whatever it holds (CommonMark's
    # limits on items interrupting a paragraph apply to the paragraph's own container)
    return (char in "-+*" or char.isdigit()) and BULLET.match(text, first, end) is not None


# a word that opens a block (or ends the paragraph) when a line starts with it: a quote,
# a fence, a footnote; or, followed by a blank or alone, a heading, a list item, a
# thematic break, a setext underline, a table's delimiter row
OPENS_BLOCK = re.compile(
    r">|`{3}|~{3}|\[\^[^\]]*\]:|(?:#{1,6}|[-+*=_]+|[0-9]{1,9}[.)]|[|:-]*-[|:-]*)$"
)


def opens_block(word: str) -> bool:
    if OPENS_BLOCK.match(word):
        return True
    return word.startswith("<") and html_type(word, 0, len(word), True) > 0


def escaped(word: str) -> str:
    """A word that would open a block at the start of a line, made text."""
    match = re.match(r"[0-9]{1,9}", word)
    if match:
        return word[: match.end()] + "\\" + word[match.end() :]
    return "\\" + word


YAML_PLAIN = re.compile(r"[^\s\[\]{}|>&*!%@`#,?:'\"-](?:(?!: | #).)*(?<![:\s])$")


def front_value(quote: str, written: str) -> str:
    """A front-matter value's translation, quoted as YAML needs (`quote`: the source's
    character before the value)."""
    if quote == '"':
        return written.replace("\\", "\\\\").replace('"', '\\"')
    if quote == "'":
        return written.replace("'", "''")
    if YAML_PLAIN.match(written):
        return written
    return '"' + written.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quoted(written: str, quote: str) -> str:
    """A title's translation, escaped for its delimiter."""
    end = ")" if quote == "(" else quote
    if end not in written:
        return written
    return re.sub(rf"(?<!\\)\{end}", lambda m: "\\" + m.group(), written)
