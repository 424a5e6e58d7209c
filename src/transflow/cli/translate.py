"""``transflow translate``: machine drafts for the untranslated entries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from transflow.cli.common import (
    DOCS_ARGUMENT,
    EXIT_INTERRUPTED,
    LANG_OPTION,
    QUIET_OPTION,
    live,
    load_config,
    merges,
    shown,
)
from transflow.engines import ENGINES
from transflow.executors import EXECUTORS


class _Rate:
    """``az: 120/500 units, 14.2 units/s, ETA 0:27`` on a terminal's stderr, in place."""

    def __init__(self, quiet: bool) -> None:
        import time

        self.clock = time.monotonic
        self.live = live(quiet)
        self.started: dict[str, float] = {}

    def __call__(self, language: str, done: int, total: int) -> None:
        """Called with ``done == 0`` when the language's model work starts."""
        if not self.live:
            return
        start = self.started.setdefault(language, self.clock())
        elapsed = self.clock() - start
        shown = f"\r{language}: {done}/{total} units"
        if done and elapsed > 0:
            rate = done / elapsed
            left = int((total - done) / rate)
            shown += f", {rate:.1f} units/s, ETA {left // 60}:{left % 60:02d}"
        end = "\n" if done >= total else ""
        click.echo(f"{shown}  ", err=True, nl=False)
        if end:
            click.echo(err=True)


@click.command()
@LANG_OPTION
@click.option(
    "--all",
    "all_languages",
    is_flag=True,
    help="Every language of the project (the default when no --lang is given).",
)
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
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
@click.option(
    "--executor",
    type=click.Choice(list(EXECUTORS)),
    default=None,
    help="Where the model runs: here (local), or in actors on a Ray cluster (ray; "
    "pip install 'transflow[ray]'). Default: translate.executor (local).",
)
@click.option(
    "--ray-address",
    default=None,
    metavar="auto|HOST:PORT|ray://HOST:PORT",
    help="The Ray cluster to run on. Default: translate.ray_address; empty: start a Ray "
    "on this machine for the run.",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Ray actors (default: one per node on CPUs, one per GPU with --device cuda).",
)
@QUIET_OPTION
@DOCS_ARGUMENT
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
    executor: str | None,
    ray_address: str | None,
    workers: int | None,
    quiet: bool,
    docs: tuple[Path, ...],
) -> None:
    """Update the catalogs, then fill untranslated entries with machine drafts.

    Drafts are marked fuzzy, with a translator comment giving the engine, the
    package and version, and the model's score, so every PO editor shows them
    for review. An accepted (or imported TMX) translation of the same text, or
    of a similar one (translate.memory_threshold), is offered first, instead of
    MT. Entries a person translated, and fuzzy
    suggestions from a source change, are never touched. Every draft is kept
    in .transflow/tm.sqlite: a unit goes to the model once, and an interrupted
    run resumes where it stopped.
    """
    import signal

    from transflow.executors import ExecutorOptions
    from transflow.jobs.translate import engine_options
    from transflow.jobs.translate import translate as run

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    config = load_config(ctx)
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
    previous = signal.signal(signal.SIGTERM, stop)  # a kill saves drafts, as Ctrl-C does
    try:
        report = run(
            config,
            () if all_languages else languages,
            docs,
            engine_name=engine,
            options=options,
            executor_name=executor,
            executor_options=ExecutorOptions(
                config.translate.ray_address if ray_address is None else ray_address,
                workers or 0,
            ),
            refresh=refresh_drafts,
            dry_run=dry_run,
            progress=_Rate(quiet),
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not dry_run:
        for item in report.written:
            if item.action != "unchanged" and not quiet:
                click.echo(f"{item.action:8} {shown(item.path)}")
        merges(report.written)
    for lang in report.languages:
        click.echo(_translate_summary(lang, dry_run))
    if report.interrupted:
        click.echo(
            "transflow: interrupted; finished drafts were saved, run the same command to resume",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)


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
        f"{lang.from_project} from accepted translations"
        + (f" ({lang.similar} of them for similar text)" if lang.similar else "")
        + f"; {lang.flagged} flagged for review"
        + _placement(lang)
    )


def _placement(lang: Any) -> str:
    """``; ray: 2 actors on 2 nodes (10.0.0.5 3f2a9c1e: 1, 10.0.0.6 77b0d2aa: 1)``."""
    if not lang.actors:
        return ""
    count = sum(lang.actors.values())
    nodes = ", ".join(f"{node}: {n}" for node, n in sorted(lang.actors.items()))
    retried = f", {lang.retried} chunk(s) sent again after an actor died" if lang.retried else ""
    return (
        f"; ray: {count} actor{'s' * (count != 1)} on {len(lang.actors)} "
        f"node{'s' * (len(lang.actors) != 1)} ({nodes}){retried}"
    )
