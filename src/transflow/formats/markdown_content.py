"""A Markdown leaf block's inline content: the pieces of text and tags that
:mod:`.markdown_units` makes units of, found by :class:`.markdown_inline.Inline`, and
the children (alt texts, link titles) inside them."""

from __future__ import annotations

from collections.abc import Callable

from transflow.formats.markdown_inline import TAG_NAME, Child, Delim, Inline, Piece

_new = tuple.__new__  # a named tuple made without its Python-level __new__


def pieces(
    text: str, spans: list[tuple[int, int]], references: dict[str, None]
) -> tuple[list[Piece], list[Child], str, Callable[[int], int]]:
    """The inline content of a leaf whose content lines are `spans` of `text`: its pieces
    (offsets in the content, the lines joined by line breaks), its children, the content,
    and the source offset of each content offset."""
    at: Callable[[int], int]  # content offset -> source offset
    if len(spans) == 1:
        base, stop = spans[0]
        content = text[base:stop]
        at = range(base, stop + 1).__getitem__
    else:
        parts: list[str] = []
        where: list[int] = []
        for start, end in spans:
            parts.append(text[start:end])
            where.extend(range(start, end + 1))  # a line and its break
        content = "\n".join(parts)
        at = where.__getitem__

    scanner = Inline(content, references)
    nodes = scanner.scan()
    out: list[Piece] = []
    add = out.append
    for node in nodes:
        if type(node) is Piece:
            if node.kind == "bracket":  # a bracket that opened nothing: text
                add(_new(Piece, ("text", node.start, node.end, "", "", 0)))
            else:
                add(node)
            continue
        assert isinstance(node, Delim)
        start = node.start
        for role, letter, tag, pair in node.before:
            add(_new(Piece, (role, start, start + len(tag), letter, tag, pair)))
            start += len(tag)
        stop = node.end - node.right
        if start < stop:
            add(_new(Piece, ("text", start, stop, "", "", 0)))
        for role, letter, tag, pair in node.after:
            add(_new(Piece, (role, stop, stop + len(tag), letter, tag, pair)))
            stop += len(tag)
    children = [
        Child(kind, at(start), at(end - 1) + 1, content[start:end].replace("\n", " "))
        for kind, start, end in scanner.children
        if end > start
    ]
    if scanner.html or scanner.lookalike:
        out = _pair_html(out, scanner.pairs)
    return out, children, content, at


def _pair_html(out: list[Piece], pairs: int) -> list[Piece]:
    """Inline HTML open and close tags of one element, properly nested, made a pair."""
    stack: list[tuple[int, str]] = []  # (index in out, HTML name or "" for other pairs)
    for index, piece in enumerate(out):
        if piece.kind == "open":
            stack.append((index, ""))
        elif piece.kind == "close":
            while stack and stack[-1][1]:
                stack.pop()
            if stack:
                stack.pop()
        elif piece.kind == "empty" and piece.letter == "x" and piece.markup.startswith("<"):
            name = TAG_NAME.match(piece.markup)
            if name is None or piece.markup.endswith("/>"):
                continue
            if piece.markup.startswith("</"):
                for depth in range(len(stack) - 1, -1, -1):
                    if not stack[depth][1]:
                        break
                    if stack[depth][1] == name.group(1).lower():
                        pairs += 1
                        opening = out[stack[depth][0]]
                        out[stack[depth][0]] = opening._replace(kind="open", pair=pairs)
                        out[index] = piece._replace(kind="close", pair=pairs)
                        del stack[depth:]
                        break
            else:
                stack.append((index, name.group(1).lower()))
    return out
