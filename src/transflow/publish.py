"""Localized outputs for publishers, apart from the job that writes them
(:mod:`transflow.jobs.build`):

- the reading page: a text document's output as a standalone HTML page, ``lang`` and
  ``dir`` set (Urdu, Arabic, Persian, Hebrew... are right-to-left), everything escaped;
- the alignment file: each source unit, its text in the output, its status (accepted,
  draft, fuzzy, untranslated) and its character offsets in the source and the output;
  ``"markup": "broken"`` on a unit whose translation's inline markup was broken (the
  source text was published for it, and the build report names its catalog entry).

Each is made a piece at a time (:func:`encoded`), so that no whole file is in memory.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Sequence

from transflow.languages import direction
from transflow.model import Placed, placed_rows
from transflow.project import Document

PAGE_CSS = (
    "body{margin:0 auto;max-width:38em;padding:1.5em 1.25em 3em;color:#1f2328;"
    'background:#fff;font:1.125rem/1.6 "Noto Serif",Georgia,"DejaVu Serif",serif}'
    "h1{font-size:1.6em;line-height:1.3;margin:0 0 .6em}p{margin:0 0 1em}"
    ".deck{font-size:1.1em;color:#3d444d}.byline{color:#57606a;font-style:italic}"
    "p,h1{overflow-wrap:break-word}"
    ':where(span[lang]){font-family:"Noto Serif",Georgia,"DejaVu Serif",serif}'
    ':lang(ur),:lang(ks){font-family:"Noto Nastaliq Urdu","Noto Naskh Arabic",serif;'
    "line-height:2.3}"
    ":lang(ar),:lang(fa),:lang(ps),:lang(sd),:lang(ckb),:lang(ug),:lang(dv){"
    'font-family:"Noto Naskh Arabic","Noto Sans Arabic",serif;line-height:1.9}'
    ':lang(he),:lang(yi){font-family:"Noto Serif Hebrew","Noto Sans Hebrew",serif}'
    "[dir=rtl] .byline{font-style:normal}"  # no slanted Arabic or Hebrew script
)


def render_html(
    document: str,
    language: str,
    placed: Sequence[Placed],
    statuses: Sequence[str],
    source_language: str = "",
) -> str:
    """The output as a standalone HTML page (inline style, nothing loaded from elsewhere):
    front matter as headings, one <p> per block. A unit that kept the source text is in
    `source_language` (when given) and takes its direction from its text."""
    return "".join(html_parts(document, language, placed, statuses, source_language))


def html_parts(
    document: str,
    language: str,
    placed: Sequence[Placed],
    statuses: Sequence[str],
    source_language: str = "",
) -> Iterator[str]:
    """:func:`render_html`'s text, a block at a time."""
    lang = html.escape(language.replace("_", "-"), quote=True)
    source = html.escape(source_language.replace("_", "-"), quote=True)
    kept = f' lang="{source}" dir="auto"' if source else ' dir="auto"'
    escape, one_line = html.escape, _one_line
    title = escape(one_line(placed[0].text) if placed else document)
    yield (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}" dir="{direction(language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f"<style>{PAGE_CSS}</style>\n"
        "</head>\n"
        "<body>\n<article>"
    )
    spans: list[str] = []  # of the block being written, whose first unit is of `kind`
    block, kind = None, ""
    for (unit, text, _, _, translated, _), status in zip(
        placed_rows(placed), statuses, strict=True
    ):
        if unit.block != block:  # units come block by block
            yield from _paragraph(kind, spans)
            block, kind, spans = unit.block, unit.kind, []
        spans.append(
            f'<span data-unit="{unit.block}.{unit.number}" data-status="{status}"'
            f"{'' if translated else kept}>"
            f"{escape(one_line(text))}</span>"
        )
    yield from _paragraph(kind, spans)
    yield "\n</article>\n</body>\n</html>\n" if placed else "\n\n</article>\n</body>\n</html>\n"


_TAGS = {"headline": ("h1", ""), "deck": ("p", ' class="deck"'), "byline": ("p", ' class="byline"')}


def _paragraph(kind: str, spans: list[str]) -> Iterator[str]:
    """One block's element, on a line of its own: a heading for the headline, a paragraph
    otherwise."""
    if spans:
        tag, attrs = _TAGS.get(kind, ("p", ""))
        yield f"\n<{tag}{attrs}>{' '.join(spans)}</{tag}>"


def _one_line(text: str) -> str:
    """Line breaks and indentation folded to spaces (HTML reflows); no-break spaces kept."""
    if "\n" in text or "\t" in text or "\r" in text or "  " in text:
        text = _WHITESPACE.sub(" ", text)
    return text.strip(" ")


_WHITESPACE = re.compile(r"[ \t\r\n]+")


_quoted = json.encoder.encode_basestring  # a JSON string, non-ASCII kept (as json.dumps does)


def alignment(
    doc: Document, language: str, output: str, placed: Sequence[Placed], statuses: Sequence[str]
) -> str:
    """One JSON object: the document, language and output, and its units, one a line
    (readable and diffable); each exactly as ``json.dumps(row, ensure_ascii=False)``.
    Positions, kinds and statuses are plain ASCII words that JSON writes as they are."""
    return "".join(alignment_parts(doc, language, output, placed, statuses))


def alignment_parts(
    doc: Document, language: str, output: str, placed: Sequence[Placed], statuses: Sequence[str]
) -> Iterator[str]:
    """:func:`alignment`'s text, some thousand units at a time."""
    head = json.dumps(
        {"document": doc.name, "language": language, "output": output}, ensure_ascii=False
    )
    q = _quoted
    yield f'{head[:-1]}, "units": [\n'
    for first in range(0, len(placed), _ROWS):
        yield ("" if first == 0 else ",\n") + ",\n".join(
            f'{{"position": "{block}.{number}", "kind": "{kind}", "status": "{status}", '
            f'"published": {"true" if translated else "false"}, '
            f'"source": {{"start": {start}, "end": {end}, "text": {q(source)}}}, '
            f'"target": {{"start": {at}, "end": {to}, "text": {q(text)}}}'
            f"{_BROKEN if broken else ''}}}"
            for (
                (block, number, kind, source, start, end, *_),
                text,
                at,
                to,
                translated,
                broken,
            ), status in zip(
                placed_rows(placed, slice(first, first + _ROWS)),
                statuses[first : first + _ROWS],
                strict=True,
            )
        )
    yield "\n]}\n"


_ROWS = 512  # units of the alignment made into text at a time


_BROKEN = ', "markup": "broken"'  # on a unit whose translation's inline markup was broken


def encoded(parts: Iterable[str]) -> Iterator[bytes]:
    """The UTF-8 of the text `parts` make, some :data:`CHUNK` characters at a time, to be
    written as it comes: the whole file is never in memory."""
    pending: list[str] = []
    size = 0
    for part in parts:
        pending.append(part)
        size += len(part)
        if size >= CHUNK:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


CHUNK = 1 << 18  # characters of a file encoded and written at a time
