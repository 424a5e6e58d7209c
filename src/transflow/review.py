"""``transflow review``: a static HTML page per document and language, for reviewers.

``build/review/<lang>/<doc>.html`` shows, from the current source and catalog:
- the completion figures (:func:`transflow.status.count`) and the QA summary (findings
  of :func:`transflow.qa.check_catalog` per severity);
- the machine drafts with a model score, least confident first, each linked to its row;
- the document side by side, block by block: each unit's source and translation in one
  row, coloured and labelled by status (accepted, draft, fuzzy, untranslated), with its
  position (``4.2``), the comments of its entry (a draft's provenance; an accepted
  entry's without the model score) and its findings; a fuzzy row shows what changed in
  the source since the translation was made, as a word diff of ``#| msgid`` and the new
  text. On a narrow screen (a phone) each row is a card: source over translation.

The page is self-contained: inline CSS, no script, nothing loaded from elsewhere (its
Content-Security-Policy forbids both). Every text and attribute is escaped.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from transflow.languages import direction
from transflow.model import (
    SEVERITIES,
    Catalog,
    Provenance,
    Status,
    Unit,
    status_of,
    unit_entries,
)
from transflow.review_style import CSS
from transflow.status import Counts, ScoredDraft, count, scored_drafts

if TYPE_CHECKING:
    from transflow.glossary import Glossary
    from transflow.qa import Finding

REVIEW_DIR = "review"  # below the build folder
UI_LANGUAGE = "en"  # the language of the page's own words
STATUSES = {
    Status.ACCEPTED: "translated and accepted by a person",
    Status.DRAFT: "machine or memory draft, awaiting review",
    Status.FUZZY: "fuzzy suggestion (e.g. after a source change), awaiting review",
    Status.UNTRANSLATED: "no translation yet",
}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Row:
    """One unit of the document as the page shows it."""

    unit: Unit
    status: Status  # accepted, draft, fuzzy or untranslated
    target: str  # the entry's msgstr; "" when untranslated
    comments: tuple[str, ...]  # the entry's translator comments (a draft's provenance)
    findings: tuple[Finding, ...]
    previous: str | None = None  # the old source of a fuzzy entry ("#| msgid")


@dataclass(frozen=True)
class Page:
    document: str
    language: str
    source_language: str
    counts: Counts
    drafts: tuple[ScoredDraft, ...]  # least confident first
    drafts_total: int  # scored drafts in the catalog (``drafts`` may list fewer)
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]  # all of them
    unplaced: tuple[Finding, ...]  # on entries that no unit of the document has
    glossary: Glossary | None = None  # its terms are marked in the source column


def page_of(
    document: str,
    language: str,
    source_language: str,
    units: Sequence[Unit],
    catalog: Catalog,
    findings: Sequence[Finding] = (),
    listed: int | None = None,
    glossary: Glossary | None = None,
) -> Page:
    """The page's data: each unit with its entry's translation, status and findings."""
    entries = unit_entries(catalog.entries)
    texts = {u.text for u in units}
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    findings = sorted(findings, key=lambda f: rank.get(f.severity, len(rank)))  # worst first
    rows = []
    for unit in units:
        entry = entries.get(unit.text)
        status = status_of(entry)
        rows.append(
            Row(
                unit=unit,
                status=status,
                target=entry.msgstr if entry is not None and status != Status.UNTRANSLATED else "",
                comments=entry.translator_comments if entry is not None else (),
                findings=tuple(f for f in findings if f.msgid == unit.text),
                previous=entry.previous_msgid if entry is not None else None,
            )
        )
    drafts = [d for d in scored_drafts(document, language, catalog) if d.msgid in texts]
    return Page(
        document=document,
        language=language,
        source_language=source_language,
        counts=count(document, language, catalog),
        drafts=tuple(drafts if listed is None else drafts[:listed]),
        drafts_total=len(drafts),
        rows=tuple(rows),
        findings=tuple(findings),
        unplaced=tuple(f for f in findings if f.msgid not in texts),
        glossary=glossary,
    )


# --- rendering -------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _anchor(unit: Unit) -> str:
    return f"unit-{unit.block}-{unit.number}"


def _badge(kind: str, label: str) -> str:
    return f'<span class="badge {kind}">{_e(label)}</span>'


def _langdir(language: str) -> str:
    """The lang and dir attributes of text in `language`."""
    return f' lang="{_e(language.replace("_", "-"))}" dir="{direction(language)}"'


def _figures(page: Page) -> str:
    c = page.counts
    cells = [
        ("units", "Units", c.units),
        ("accepted", "Accepted", c.accepted),
        ("draft", "Drafts", c.drafts),
        ("fuzzy", "Fuzzy", c.fuzzy),
        ("untranslated", "Untranslated", c.untranslated),
    ]
    items = "".join(
        f'<div class="figure st-{key}"><dt>{label}</dt><dd data-figure="{key}">{n}</dd></div>'
        for key, label, n in cells
    )
    items += (
        f'<div class="figure percent"><dt>Percent accepted</dt>'
        f'<dd data-figure="percent">{c.percent:.1f}%</dd></div>'
    )
    parts = [("accepted", c.accepted), ("draft", c.drafts), ("fuzzy", c.fuzzy)]
    parts.append(("untranslated", c.untranslated))
    total = max(c.units, 1)
    bar = "".join(
        f'<span class="st-{key}" style="width:{100 * n / total:.2f}%"></span>'
        for key, n in parts
        if n
    )
    words = ", ".join(f"{n} {key}" for key, n in parts)
    return (
        '<section class="panel" aria-labelledby="h-completion">'
        '<h2 id="h-completion">Completion</h2>'
        f'<dl class="figures">{items}</dl>'
        f'<div class="bar" role="img" aria-label="{_e(words)}">{bar}</div>'
        '<p class="hint">Catalog entries; identical units share one entry.</p></section>'
    )


def _qa_summary(page: Page) -> str:
    counts = {s: sum(1 for f in page.findings if f.severity == s) for s in SEVERITIES}
    items = "".join(
        f'<li class="sev-{s}" data-severity="{s}">{_badge("sev-" + s, s)}'
        f' <strong data-count="{s}">{counts[s]}</strong></li>'
        for s in SEVERITIES
    )
    checks: dict[str, int] = {}
    for f in page.findings:
        checks[f.check] = checks.get(f.check, 0) + 1
    by_check = ", ".join(f"{_e(name)} {n}" for name, n in sorted(checks.items()))
    detail = f'<p class="hint">By check: {by_check}.</p>' if checks else ""
    detail += "".join(
        f'<p class="finding sev-{_e(f.severity)}">{_badge("sev-" + _e(f.severity), f.severity)}'
        f" {_e(f.reference)}: {_e(f.check)}: {_e(f.message)}</p>"
        for f in page.unplaced
    )
    return (
        '<section class="panel" aria-labelledby="h-qa"><h2 id="h-qa">QA findings</h2>'
        f'<ul class="qa-summary">{items}</ul>{detail}</section>'
    )


def _legend() -> str:
    statuses = "".join(
        f"<li>{_badge('st-' + key, key)} {_e(meaning)}</li>" for key, meaning in STATUSES.items()
    )
    severities = "".join(f"<li>{_badge('sev-' + s, s)}</li>" for s in SEVERITIES)
    return (
        '<section class="panel" aria-labelledby="h-legend"><h2 id="h-legend">Legend</h2>'
        f'<ul class="legend">{statuses}</ul>'
        f'<p class="hint">QA severities:</p><ul class="legend inline">{severities}</ul></section>'
    )


def _drafts(page: Page) -> str:
    rows_by_text: dict[str, Row] = {}
    for row in page.rows:
        rows_by_text.setdefault(row.unit.text, row)
    body = []
    for draft in page.drafts:
        row = rows_by_text[draft.msgid]
        body.append(
            f'<tr><td class="score">{draft.score:.3f}</td>'
            f'<td class="pos"><a href="#{_anchor(row.unit)}">{row.unit.position}</a></td>'
            f'<td class="source"{_langdir(page.source_language)}>{_e(_short(draft.msgid))}</td>'
            f'<td class="target"{_langdir(page.language)}>{_e(_short(row.target))}</td></tr>'
        )
    shown = f"{len(page.drafts)} of {page.drafts_total}"
    table = (
        '<table class="drafts"><thead><tr><th scope="col">Score</th><th scope="col">Unit</th>'
        '<th scope="col">Source</th><th scope="col">Draft</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        if body
        else '<p class="hint">No machine drafts with a score.</p>'
    )
    return (
        '<section aria-labelledby="h-drafts">'
        f'<h2 id="h-drafts">Least confident machine drafts first ({shown})</h2>'
        '<p class="hint">Score: the model\'s mean log-probability per token; '
        "closer to 0 is more confident.</p>"
        f"{table}</section>"
    )


def _marked(page: Page, text: str) -> str:
    """`text`, escaped, each glossary term in it a ``<mark class="term">`` whose title is
    its approved translation."""
    spans = page.glossary.spans(text) if page.glossary else []
    out, last = [], 0
    for start, end, term in spans:
        approved = term.approved(page.language)
        title = f"glossary: {term.source} = {approved}" if approved else f"glossary: {term.source}"
        out += [_e(text[last:start]), f'<mark class="term" title="{_e(title)}">']
        out += [_e(text[start:end]), "</mark>"]
        last = end
    return "".join(out) + _e(text[last:])


def _short(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


_WORDS = re.compile(r"(\s*)(\S+)")  # a word and the whitespace before it


def word_diff(old: str, new: str) -> str:
    """HTML of `new` against `old`, word by word: removed words in <del>, added ones in
    <ins>, both escaped; the whitespace between words is the new text's."""
    was = [word for _, word in _WORDS.findall(old)]
    now = _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, was, [word for _, word in now], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        space = now[j1][0] if j1 < len(now) else " "
        text = "".join(s + w for s, w in now[j1:j2])[len(space) :]
        space = space or " "  # after a deleted first word
        if op == "equal":
            out.append(_e(space + text))
            continue
        out.append((space if j2 > j1 else " ") if out else "")  # the next word has its own
        if i2 > i1:
            out.append(f"<del>{_e(' '.join(was[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"{' ' if i2 > i1 else ''}<ins>{_e(text)}</ins>")
    return "".join(out).strip()


def _change(row: Row) -> str:
    """What changed in the source since a fuzzy entry's translation was made."""
    if row.previous is None or row.previous == row.unit.text or row.status == Status.ACCEPTED:
        return ""
    return (
        f'<p class="change"><span class="label" lang="{UI_LANGUAGE}">source changed:</span> '
        f'<span class="diff">{word_diff(row.previous, row.unit.text)}</span></p>'
    )


def _unit_row(page: Page, row: Row, first: bool, members: int) -> str:
    unit = row.unit
    block = (
        f'<th scope="rowgroup" class="block" rowspan="{members}">¶&#8239;{unit.block}</th>'
        if first
        else ""
    )
    target = (
        _e(row.target)
        if row.target
        else f'<span class="missing" lang="{UI_LANGUAGE}" dir="ltr">untranslated</span>'
    )
    notes = [_badge("st-" + row.status, row.status)]
    for comment in row.comments:
        made = Provenance.read(comment)
        kind = "provenance" if made is not None else "comment"
        if made is not None and row.status == Status.ACCEPTED and made.score is not None:
            comment = replace(made, score=None).comment()  # accepted: the score is history
        notes.append(f'<p class="{kind}">{_e(comment)}</p>')
    if row.findings:
        items = "".join(
            f'<li class="finding sev-{_e(f.severity)}" data-severity="{_e(f.severity)}">'
            f"{_badge('sev-' + _e(f.severity), f.severity)} "
            f'<span class="check">{_e(f.check)}</span>: {_e(f.message)}</li>'
            for f in row.findings
        )
        notes.append(f'<ul class="findings">{items}</ul>')
    return (
        f'<tr id="{_anchor(unit)}" class="unit st-{row.status}" data-status="{row.status}"'
        f' data-unit="{unit.position}">{block}'
        f'<th scope="row" class="pos"><a href="#{_anchor(unit)}">{unit.position}</a>'
        f'<span class="kind">{_e(unit.kind)}</span></th>'
        f'<td class="source"{_langdir(page.source_language)}>'
        f"{_marked(page, unit.text)}{_change(row)}</td>"
        f'<td class="target"{_langdir(page.language)} data-status="{row.status}">{target}</td>'
        f'<td class="notes">{"".join(notes)}</td></tr>'
    )


def _document(page: Page) -> str:
    blocks: dict[int, list[Row]] = {}
    for row in page.rows:
        blocks.setdefault(row.unit.block, []).append(row)
    bodies = "".join(
        f'<tbody class="block" id="block-{number}">'
        + "".join(_unit_row(page, row, i == 0, len(rows)) for i, row in enumerate(rows))
        + "</tbody>"
        for number, rows in blocks.items()
    )
    src, tgt = _e(page.source_language), _e(page.language)
    return (
        '<section aria-labelledby="h-document"><h2 id="h-document">Document</h2>'
        '<table class="document"><colgroup><col class="c-block"><col class="c-pos">'
        '<col class="c-source"><col class="c-target"><col class="c-notes"></colgroup>'
        '<thead><tr><th scope="col"><abbr title="block">¶</abbr></th><th scope="col">Unit</th>'
        f'<th scope="col">Source ({src})</th><th scope="col">Translation ({tgt})</th>'
        '<th scope="col">Status, provenance, QA</th></tr></thead>'
        f"{bodies}</table></section>"
    )


def render(page: Page) -> str:
    """The review page as a standalone HTML document."""
    title = f"Review: {page.document} [{page.language}]"
    way = "right-to-left" if direction(page.language) == "rtl" else "left-to-right"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{UI_LANGUAGE}" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>Review: <span class="doc">{_e(page.document)}</span>'
        f' <span class="lang">{_e(page.language)}</span></h1>'
        f'<p class="hint">{_e(page.source_language)} → {_e(page.language)} ({way}),'
        " from the catalog as it is now.</p></header>\n"
        f'<div class="panels">{_figures(page)}{_qa_summary(page)}{_legend()}</div>\n'
        f"{_drafts(page)}\n{_document(page)}\n</body>\n</html>\n"
    )


# --- the job ---------------------------------------------------------------------------
