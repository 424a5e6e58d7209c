"""What the command modules share: options, config loading, progress, path display."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from transflow.errors import TransflowError

EXIT_ERROR = 1
EXIT_BELOW_THRESHOLD = 3
EXIT_INTERRUPTED = 130


_Codes = TypeVar("_Codes", str, tuple[str, ...])


def check_languages(ctx: click.Context, param: click.Parameter, values: _Codes) -> _Codes:
    """A click callback: each value (or the one) must be a language code (a BCP 47 tag);
    a code names folders, so '../x' or '/abs' is a usage error (exit 2) that names the
    option."""
    from transflow.languages import language_problem

    for value in (values,) if isinstance(values, str) else values:
        why = language_problem(value)
        if why:
            raise click.BadParameter(why, ctx, param)
    return values


LANG_OPTION = click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="CODE",
    callback=check_languages,
    help="Target language (repeatable), a BCP 47 tag such as az or pt-BR. "
    "Default: the project's languages.",
)
UNIT_OPTION = click.option(
    "--unit",
    type=click.Choice(["sentence", "paragraph"]),
    default=None,
    help="Translation unit. Default: segmentation.unit in transflow.toml (sentence).",
)
QUIET_OPTION = click.option(
    "-q", "--quiet", is_flag=True, help="Print only the summary, no progress or file list."
)
DOCS_ARGUMENT = click.argument("docs", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))


def live(quiet: bool) -> bool:
    """Whether to show progress: on a terminal, unless quiet or in CI (``CI`` set, as every
    CI service does)."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return not quiet and not ci and sys.stderr.isatty()


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    cwd = Path.cwd()
    return str(path.relative_to(cwd)) if path != cwd and path.is_relative_to(cwd) else str(path)


def project_root(ctx: click.Context) -> Path | None:
    """The project folder: --project, else the nearest folder up with a transflow.toml,
    else None."""
    from transflow.config import find_root

    root: Path | None = ctx.find_root().obj
    if root is not None:
        return root
    try:
        return find_root(Path.cwd())
    except TransflowError:
        return None


def load_config(ctx: click.Context, unit: str | None = None) -> Any:
    """The project's configuration (an error when there is no project), `unit` applied."""
    from dataclasses import replace

    from transflow.config import find_root, load

    project: Path | None = ctx.find_root().obj
    config = load(project if project is not None else find_root(Path.cwd()))
    if unit:
        config = replace(config, segmentation=replace(config.segmentation, unit=unit))
    return config


@contextmanager
def progress_bar(label: str, quiet: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal's stderr for long jobs; nothing in CI or pipes."""
    if not live(quiet):
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


def merges(written: Sequence[Any]) -> None:
    """On stderr: the catalogs someone saved while transflow ran, and the entries where
    the person's version was kept over transflow's."""
    for item in written:
        if getattr(item, "merged", False):
            click.echo(
                f"transflow: {shown(item.path)}: saved by someone else meanwhile; "
                "their edits were kept and merged",
                err=True,
            )
        for conflict in getattr(item, "conflicts", ()):
            where = f"{shown(item.path)}:{conflict.line}" if conflict.line else shown(item.path)
            click.echo(
                f"transflow: {where}: warning: edited meanwhile; kept the person's version "
                f"of {conflict.msgid[:60]!r}, not transflow's",
                err=True,
            )


def report(written: Sequence[Any], noun: str, quiet: bool) -> None:
    """One line per file written (unless `quiet`), then a summary line of counts."""
    counts: dict[str, int] = {}
    for item in written:
        counts[item.action] = counts.get(item.action, 0) + 1
        if item.action != "unchanged" and not quiet:
            click.echo(f"{item.action:8} {shown(item.path)}")
    merges(written)
    summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    plural = "" if len(written) == 1 else "s"
    click.echo(f"{len(written)} {noun}{plural}: {summary or 'none'}")
