"""Commands on the project's documents and catalogs: init, segments, extract, build, status."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from transflow.cli.common import (
    DOCS_ARGUMENT,
    EXIT_BELOW_THRESHOLD,
    LANG_OPTION,
    QUIET_OPTION,
    UNIT_OPTION,
    load_config,
    progress_bar,
    project_root,
    report,
)
from transflow.errors import TransflowError


@click.command()
@click.option(
    "--lang",
    "languages",
    multiple=True,
    required=True,
    metavar="CODE",
    help="Target language (repeatable), e.g. --lang az --lang ur.",
)
@click.option(
    "--source-lang",
    default="en",
    show_default=True,
    metavar="CODE",
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
    from transflow.segmentation import segment

    inside = project_root(ctx) is not None
    options = load_config(ctx).segmentation if inside else SegmentationConfig()
    if unit:
        options = replace(options, unit=unit)
    for item in segment(read_source(file), options):
        if as_json:
            row = {"block": item.block, "index": item.number, "kind": item.kind}
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
    from transflow.project import extract as run

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
    from transflow.publish import build as run

    config = load_config(ctx)
    include = None if drafts is None else drafts == "include"
    with progress_bar("building", quiet) as progress:
        written, outputs = run(config, languages, docs, progress, include, min_completion)
    report(written, "file", quiet)
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
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document and language.")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PCT",
    help="Exit with status 3 when any catalog is less than PCT percent translated.",
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
    """Show units, translated, fuzzy (of which machine drafts), untranslated and obsolete
    counts per catalog, and the percent translated (accepted, not fuzzy)."""
    from transflow.project import status as run

    figures, drafts = run(load_config(ctx), languages, docs)
    if as_json:
        for item in figures:
            click.echo(json.dumps({**asdict(item), "percent": round(item.percent, 1)}))
        for draft in drafts[:show_drafts]:
            click.echo(json.dumps({"draft": asdict(draft)}, ensure_ascii=False))
    else:
        click.echo(
            f"{'document':40} {'lang':5} {'units':>6} {'done':>6} {'fuzzy':>6} "
            f"{'drafts':>6} {'empty':>6} {'obsol.':>6} {'%':>6}"
        )
        for item in figures:
            click.echo(
                f"{item.document:40} {item.language:5} {item.units:6} {item.translated:6} "
                f"{item.fuzzy:6} {item.drafts:6} {item.untranslated:6} {item.obsolete:6} "
                f"{item.percent:6.1f}"
            )
        if show_drafts:
            shown = min(show_drafts, len(drafts))
            click.echo(f"\nleast confident machine drafts ({shown} of {len(drafts)}):")
            for draft in drafts[:show_drafts]:
                text = draft.msgid if len(draft.msgid) <= 60 else draft.msgid[:57] + "..."
                click.echo(f"{draft.score:8.3f} {draft.language:5} {draft.reference:40} {text}")
    if fail_under is not None:
        low = [f for f in figures if f.percent < fail_under]
        for item in low:
            click.echo(
                f"transflow: {item.document} [{item.language}] is {item.percent:.1f}% "
                f"translated, under {fail_under:g}%",
                err=True,
            )
        if low:
            sys.exit(EXIT_BELOW_THRESHOLD)
