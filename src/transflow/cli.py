"""The ``transflow`` command: parses options, calls the library, prints the results."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from transflow import __version__
from transflow.errors import TransflowError

EXIT_ERROR = 1
EXIT_BELOW_THRESHOLD = 3

_LANG_OPTION = click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="CODE",
    help="Target language (repeatable). Default: the project's languages.",
)
_UNIT_OPTION = click.option(
    "--unit",
    type=click.Choice(["sentence", "paragraph"]),
    default=None,
    help="Translation unit. Default: segmentation.unit in transflow.toml (sentence).",
)
_DOCS_ARGUMENT = click.argument("docs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))


class _Group(click.Group):
    """Turns a TransflowError from any command into one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TransflowError as exc:
            if exc.path and Path(exc.path).is_absolute():
                exc.path = _shown(Path(exc.path))
            click.echo(f"transflow: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    cwd = Path.cwd()
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transflow")
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Project folder (holds transflow.toml). Default: found by walking up from here.",
)
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """Translate documents through gettext PO catalogs.

    \b
    Typical flow:
      transflow init --lang az --lang ur --lang ru   # once
      transflow extract        # source/ -> locales/templates/*.pot, locales/<lang>/*.po
      (translators edit the PO files in Poedit, Lokalize, Weblate...)
      transflow build          # source/ + locales/ -> build/<lang>/<doc>
      transflow status         # completion per document and language

    Exit codes: 0 success, 1 error (bad input, bad configuration),
    2 wrong usage, 3 completion below --fail-under.
    """
    ctx.obj = project


def _config(ctx: click.Context, unit: str | None = None) -> Any:
    from dataclasses import replace

    from transflow.config import find_root, load

    project: Path | None = ctx.obj
    config = load(project if project is not None else find_root(Path.cwd()))
    if unit:
        config = replace(config, segmentation=replace(config.segmentation, unit=unit))
    return config


@contextmanager
def _progress(label: str, quiet: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal's stderr for long jobs; nothing in CI or pipes."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None and total >= 20:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True)
            bar.__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _report(config: Any, written: Sequence[Any], noun: str, quiet: bool) -> None:
    counts: dict[str, int] = {}
    for item in written:
        counts[item.action] = counts.get(item.action, 0) + 1
        if item.action != "unchanged" and not quiet:
            click.echo(f"{item.action:8} {_shown(item.path)}")
    summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    click.echo(f"{len(written)} {noun}: {summary or 'none'}")


@main.command()
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
@_UNIT_OPTION
@click.option("--force", is_flag=True, help="Overwrite an existing transflow.toml.")
@click.pass_context
def init(
    ctx: click.Context, languages: tuple[str, ...], source_lang: str, unit: str | None, force: bool
) -> None:
    """Create transflow.toml (and source/) in the project folder."""
    from transflow import config, files

    root: Path = ctx.obj if ctx.obj is not None else Path.cwd()
    path = root / config.CONFIG_NAME
    if path.exists() and not force:
        raise TransflowError("a project file already exists here (use --force to replace it)", path)
    text = config.render(languages, source_lang, unit or "sentence")
    files.check_writable(root)
    files.write_atomic(path, text)
    (root / "source").mkdir(exist_ok=True)
    click.echo(f"created {path}; put documents in {root / 'source'} and run 'transflow extract'")


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per unit, per line.")
@_UNIT_OPTION
@click.pass_context
def segments(ctx: click.Context, file: Path, as_json: bool, unit: str | None) -> None:
    """Print the translation units of FILE.

    Uses the project's segmentation settings when run inside a project, the
    defaults elsewhere. JSON lines carry block, index, kind, text and the
    start/end character offsets into the file.
    """
    from dataclasses import replace

    from transflow.config import SegmentationConfig, find_root, load
    from transflow.files import read_source
    from transflow.segmentation import segment

    options = SegmentationConfig()
    try:
        options = _config(ctx).segmentation
    except TransflowError:
        if ctx.obj is not None or _has_project():
            raise
    if unit:
        options = replace(options, unit=unit)
    del find_root, load
    for item in segment(read_source(file), options):
        if as_json:
            click.echo(json.dumps(asdict(item), ensure_ascii=False))
        else:
            click.echo(f"{item.position:>6} {item.kind:9} {item.text}")


def _has_project() -> bool:
    from transflow.config import find_root

    try:
        find_root(Path.cwd())
    except TransflowError:
        return False
    return True


@main.command()
@_LANG_OPTION
@_UNIT_OPTION
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@_DOCS_ARGUMENT
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

    config = _config(ctx, unit)
    with _progress("extracting", quiet) as progress:
        written = run(config, languages, docs, progress)
    _report(config, written, "catalogs", quiet)


class _Rate:
    """``az: 120/500 units, 14.2 units/s, ETA 0:27`` on a terminal's stderr, in place."""

    def __init__(self, quiet: bool) -> None:
        import time

        self.clock = time.monotonic
        self.live = not quiet and sys.stderr.isatty()
        self.started: dict[str, float] = {}

    def __call__(self, language: str, done: int, total: int) -> None:
        if not self.live:
            return
        start = self.started.setdefault(language, self.clock())
        elapsed = max(self.clock() - start, 1e-6)
        rate = done / elapsed
        left = int((total - done) / rate) if rate else 0
        end = "\n" if done >= total else ""
        click.echo(
            f"\r{language}: {done}/{total} units, {rate:.1f} units/s, "
            f"ETA {left // 60}:{left % 60:02d}  ",
            err=True,
            nl=False,
        )
        if end:
            click.echo(err=True)


@main.command()
@_LANG_OPTION
@click.option(
    "--all",
    "all_languages",
    is_flag=True,
    help="Every language of the project (the default when no --lang is given).",
)
@click.option(
    "--engine",
    type=click.Choice(["argos", "pseudo"]),
    default=None,
    help="MT engine. Default: translate.engine in transflow.toml (argos).",
)
@click.option(
    "--refresh-drafts",
    is_flag=True,
    help="Redo the drafts transflow made before (e.g. after installing a better "
    "package). Accepted translations are never touched.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be translated, and by which package; change nothing.",
)
@click.option("--beam-size", type=click.IntRange(1), default=None, help="Beam size (4).")
@click.option(
    "--device",
    type=click.Choice(["cpu", "cuda", "auto"]),
    default=None,
    help="Where the model runs (cpu).",
)
@click.option("--compute-type", default=None, help="CTranslate2 compute type (int8).")
@click.option(
    "--threads",
    type=click.IntRange(0),
    default=None,
    help="Threads per translation (0: the engine's default).",
)
@click.option(
    "--max-length-ratio",
    type=click.FloatRange(1),
    default=None,
    help="Cap a draft at this many times its source's tokens, plus 8 (2.0).",
)
@click.option(
    "--batch-size", type=click.IntRange(1), default=None, help="Units per model call (32)."
)
@click.option(
    "--packages-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    envvar="TRANSFLOW_PACKAGES_DIR",
    help="Folder of installed argos packages. Default: $TRANSFLOW_PACKAGES_DIR, then "
    "translate.packages_dir, then argostranslate's own folder.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary.")
@_DOCS_ARGUMENT
@click.pass_context
def translate(
    ctx: click.Context,
    languages: tuple[str, ...],
    all_languages: bool,
    engine: str | None,
    refresh_drafts: bool,
    dry_run: bool,
    beam_size: int | None,
    device: str | None,
    compute_type: str | None,
    threads: int | None,
    max_length_ratio: float | None,
    batch_size: int | None,
    packages_dir: Path | None,
    quiet: bool,
    docs: tuple[Path, ...],
) -> None:
    """Update the catalogs, then fill untranslated entries with machine drafts.

    Drafts are marked fuzzy, with a translator comment giving the engine, the
    package and version, and the model's score, so every PO editor shows them
    for review. An accepted translation of the same text elsewhere in the
    project is offered first. Entries a person translated, and fuzzy
    suggestions from a source change, are never touched. Every draft is kept
    in .transflow/tm.sqlite: a unit goes to the model once, and an interrupted
    run resumes where it stopped.
    """
    import signal

    from transflow.translate import engine_options
    from transflow.translate import translate as run

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a kill saves finished drafts, as Ctrl-C does
    config = _config(ctx)
    options = engine_options(
        config,
        beam_size=beam_size,
        device=device,
        compute_type=compute_type,
        threads=threads,
        max_length_ratio=max_length_ratio,
        batch_size=batch_size,
        packages_dir=packages_dir.resolve() if packages_dir else None,
    )
    report = run(
        config,
        () if all_languages else languages,
        docs,
        engine_name=engine,
        options=options,
        refresh=refresh_drafts,
        dry_run=dry_run,
        progress=_Rate(quiet),
    )
    if not dry_run:
        for item in report.written:
            if item.action != "unchanged" and not quiet:
                click.echo(f"{item.action:8} {_shown(item.path)}")
    for lang in report.languages:
        click.echo(_translate_summary(lang, dry_run))
    if report.interrupted:
        click.echo(
            "transflow: interrupted; finished drafts were saved, run the same command to resume",
            err=True,
        )
        sys.exit(130)


def _translate_summary(lang: Any, dry_run: bool) -> str:
    reused = lang.pending - lang.to_model - lang.from_memory
    if not lang.pending:
        return f"{lang.language}: nothing to translate"
    if dry_run:
        return (
            f"{lang.language}: {lang.pending} entries to fill: {lang.to_model} units to "
            f"translate with {lang.provenance or 'no engine'}, {lang.from_memory} from the "
            f"translation memory, {reused} from accepted translations or repeated units"
        )
    return (
        f"{lang.language}: {lang.filled} drafts: {lang.from_model} new from "
        f"{lang.provenance or 'no engine'}, {lang.from_memory} from the translation memory, "
        f"{lang.from_project} from accepted translations; {lang.flagged} flagged for review"
    )


@main.command()
@_LANG_OPTION
@click.option(
    "--drafts",
    type=click.Choice(["include", "exclude"]),
    default=None,
    help="Publish fuzzy entries (machine drafts, suggestions after a source change) too, "
    "or keep the source text for them. Default: build.drafts in transflow.toml (exclude).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
@_DOCS_ARGUMENT
@click.pass_context
def build(
    ctx: click.Context,
    languages: tuple[str, ...],
    drafts: str | None,
    quiet: bool,
    docs: tuple[Path, ...],
) -> None:
    """Write build/<lang>/<doc>: each source document with its translations.

    Accepted translations replace their units; untranslated units, and fuzzy
    ones unless --drafts include, keep the source text. Layout, blank lines and
    line endings are the source's.
    """
    from transflow.project import build as run

    config = _config(ctx)
    include = None if drafts is None else drafts == "include"
    with _progress("building", quiet) as progress:
        written = run(config, languages, docs, progress, include)
    _report(config, written, "outputs", quiet)


@main.command()
@_LANG_OPTION
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
@_DOCS_ARGUMENT
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

    figures, drafts = run(_config(ctx), languages, docs)
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


def _register() -> None:
    from transflow.cli_models import models

    main.add_command(models)


_register()
