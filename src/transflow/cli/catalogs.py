"""Commands on the project's documents and catalogs: init, segments, extract, build, status."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transflow.cli.common import (
    DOCS_ARGUMENT,
    EXIT_BELOW_THRESHOLD,
    LANG_OPTION,
    QUIET_OPTION,
    UNIT_OPTION,
    check_languages,
    load_config,
    progress_bar,
    project_root,
    report,
    shown,
)
from transflow.errors import TransflowError

if TYPE_CHECKING:
    from transflow.status import Counts


@click.command()
@click.option(
    "--lang",
    "languages",
    multiple=True,
    required=True,
    metavar="CODE",
    callback=check_languages,
    help="Target language (repeatable), e.g. --lang az --lang ur.",
)
@click.option(
    "--source-lang",
    default="en",
    show_default=True,
    metavar="CODE",
    callback=check_languages,
    help="Language of the source documents.",
)
@UNIT_OPTION
@click.option("--force", is_flag=True, help="Overwrite an existing transflow.toml.")
@click.pass_context
def init(
    ctx: click.Context, languages: tuple[str, ...], source_lang: str, unit: str | None, force: bool
) -> None:
    """Create transflow.toml (and source/) in the project folder."""
    from transflow import config, files

    root: Path = ctx.find_root().obj or Path.cwd()
    path = root / config.CONFIG_NAME
    if path.exists() and not force:
        raise TransflowError("a project file already exists here (use --force to replace it)", path)
    text = config.render(languages, source_lang, unit or "sentence")
    files.check_writable(root)
    files.write_atomic(path, text)
    (root / "source").mkdir(exist_ok=True)
    click.echo(f"created {path}; put documents in {root / 'source'} and run 'transflow extract'")


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per unit, per line.")
@UNIT_OPTION
@click.pass_context
def segments(ctx: click.Context, file: Path, as_json: bool, unit: str | None) -> None:
    """Print the translation units of FILE.

    Uses the project's segmentation settings when run inside a project, the
    defaults elsewhere. JSON lines carry block, index, kind, text and the
    start/end character offsets into the file.
    """
    from dataclasses import replace

    from transflow.config import SegmentationConfig
    from transflow.files import read_source
    from transflow.formats import format_name, get_format

    config = load_config(ctx) if project_root(ctx) is not None else None
    options = config.segmentation if config else SegmentationConfig()
    if unit:
        options = replace(options, unit=unit)
    kind = get_format(format_name(file.name, config.formats if config else None))
    for item in kind.segment(read_source(file), options):
        if as_json:
            row = {"type": "unit", "block": item.block, "index": item.number, "kind": item.kind}
            row |= {"text": item.text, "start": item.start, "end": item.end}
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{item.position:>6} {item.kind:9} {item.text}")


@click.command()
@LANG_OPTION
@UNIT_OPTION
@QUIET_OPTION
@DOCS_ARGUMENT
@click.pass_context
def extract(
    ctx: click.Context,
    languages: tuple[str, ...],
    unit: str | None,
    quiet: bool,
    docs: tuple[Path, ...],
) -> None:
    """Update the template and the catalogs of each document (or of DOCS).

    New units are added empty; a changed unit gets its old translation as a
    fuzzy suggestion (with the old text as '#| msgid'); removed units become
    obsolete ('#~'). Accepted translations are never changed.
    """
    from transflow.jobs.extract import extract as run

    config = load_config(ctx, unit)
    with progress_bar("extracting", quiet) as progress:
        written = run(config, languages, docs, progress)
    report(written, "catalog", quiet)


@click.command()
@LANG_OPTION
@click.option(
    "--drafts",
    type=click.Choice(["include", "exclude"]),
    default=None,
    help="Publish fuzzy entries (machine drafts, suggestions after a source change) too, "
    "or keep the source text for them. Default: build.drafts in transflow.toml (exclude).",
)
@click.option(
    "--min-completion",
    type=click.FloatRange(0, 100),
    default=0,
    metavar="PCT",
    help="Write an output only when at least PCT percent of its units are published "
    "translated; otherwise keep the previous output and exit with status 3.",
)
@QUIET_OPTION
@DOCS_ARGUMENT
@click.pass_context
def build(
    ctx: click.Context,
    languages: tuple[str, ...],
    drafts: str | None,
    min_completion: float,
    quiet: bool,
    docs: tuple[Path, ...],
) -> None:
    """Write build/<lang>/<doc> (text, .html and .align.json) and build/manifest.json.

    Accepted translations replace their units; untranslated units, and fuzzy
    ones unless --drafts include, keep the source text. Layout, blank lines and
    line endings are the source's; the HTML page has the language's lang and
    dir (rtl for Urdu); the alignment file maps every source unit to its text
    and offsets in the output, with its status.
    """
    from transflow.jobs.build import build as run

    config = load_config(ctx)
    include = None if drafts is None else drafts == "include"
    with progress_bar("building", quiet) as progress:
        written, outputs = run(config, languages, docs, progress, include, min_completion)
    report(written, "file", quiet)
    for o in outputs:
        for item in o.broken:
            where = shown(config.root / item.catalog) + (f":{item.line}" if item.line else "")
            click.echo(
                f"transflow: {where}: warning: broken inline markup ({item.problem}); "
                f"{item.reference} [{o.language}] was published in the source language",
                err=True,
            )
    below = [o for o in outputs if not o.written]
    for o in below:
        kept = "kept the previous output" if o.sha256 else "no output written"
        click.echo(
            f"transflow: {o.document} [{o.language}] is {o.completion:.1f}% translated, "
            f"under --min-completion {min_completion:g}%: {kept}",
            err=True,
        )
    if below:
        sys.exit(EXIT_BELOW_THRESHOLD)


@click.command()
@LANG_OPTION
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines: a 'catalog' record per document and language, a 'total' per "
    "language, a 'draft' per listed draft.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PCT",
    help="Exit with status 3 when less than PCT percent of any catalog's units are accepted.",
)
@click.option(
    "--drafts",
    "show_drafts",
    type=click.IntRange(0),
    default=0,
    metavar="N",
    help="Also list the N least confident machine drafts awaiting review.",
)
@DOCS_ARGUMENT
@click.pass_context
def status(
    ctx: click.Context,
    languages: tuple[str, ...],
    as_json: bool,
    fail_under: float | None,
    show_drafts: int,
    docs: tuple[Path, ...],
) -> None:
    """Show, per catalog, units and source words (counted as pocount does) in each
    state: accepted, machine or memory drafts, other fuzzy, untranslated; obsolete
    entries, and the percent of units accepted. A total per language follows when
    there are several documents (always in --json)."""
    from transflow.jobs.status import status as run
    from transflow.status import totals

    figures, drafts = run(load_config(ctx), languages, docs)
    sums = totals(figures)
    if as_json:
        for kind, items in (("catalog", figures), ("total", sums)):
            for item in items:
                row = {"type": kind, **asdict(item), "percent": round(item.percent, 1)}
                row["percent_words"] = round(item.percent_words, 1)
                if kind == "total":
                    del row["document"]
                click.echo(json.dumps(row, ensure_ascii=False))
        for draft in drafts[:show_drafts]:
            click.echo(json.dumps({"type": "draft", **asdict(draft)}, ensure_ascii=False))
    else:
        rows = figures + sums if len({f.document for f in figures}) > 1 else figures
        for line in _status_table(rows):
            click.echo(line)
        if show_drafts:
            listed = min(show_drafts, len(drafts))
            click.echo(f"\nleast confident machine drafts ({listed} of {len(drafts)}):")
            for draft in drafts[:show_drafts]:
                text = draft.msgid if len(draft.msgid) <= 60 else draft.msgid[:57] + "..."
                guessed = (
                    f"  [tags placed by guess: {' '.join(draft.guessed)}]" if draft.guessed else ""
                )
                click.echo(
                    f"{draft.score:8.3f} {draft.language:5} {draft.reference:40} {text}{guessed}"
                )
    if fail_under is not None:
        low = [f for f in figures if f.percent < fail_under]
        for item in low:
            click.echo(
                f"transflow: {item.document} [{item.language}] is {item.percent:.1f}% "
                f"accepted, under {fail_under:g}%",
                err=True,
            )
        if low:
            sys.exit(EXIT_BELOW_THRESHOLD)


_STATE_COLUMNS = ("units", "accepted", "drafts", "fuzzy", "untranslated")
_WORDS = {c: "words" if c == "units" else f"{c}_words" for c in _STATE_COLUMNS}


def _status_table(figures: list[Counts]) -> list[str]:
    """The status table: per state, units and (below the same heading) source words."""
    names = [f.document or "total" for f in figures]
    width = max([len("document"), *map(len, names)])
    cells = [
        [f"{getattr(f, c)} / {getattr(f, _WORDS[c])}" for c in _STATE_COLUMNS] for f in figures
    ]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(_STATE_COLUMNS)]
    head = " ".join(f"{c:>{w}}" for c, w in zip(_STATE_COLUMNS, widths, strict=True))
    lines = [
        "units / source words (counted as pocount does) per state:",
        f"{'document':{width}} {'lang':5} {head} {'obsolete':>8} {'% acc.':>6}",
    ]
    for name, f, row in zip(names, figures, cells, strict=True):
        numbers = " ".join(f"{c:>{w}}" for c, w in zip(row, widths, strict=True))
        lines.append(f"{name:{width}} {f.language:5} {numbers} {f.obsolete:8} {f.percent:6.1f}")
    return lines
