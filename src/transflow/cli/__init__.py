"""The ``transflow`` command: parses options, calls the library, prints the results.

One module per group of commands; this one holds the top-level group, which turns a
:class:`~transflow.errors.TransflowError` from any command into one line on stderr, and
imports a command's module only when that command runs (or help lists it).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
from importlib import import_module
from pathlib import Path
from typing import Any, NoReturn

import click

from transflow import __version__, files
from transflow.cli.common import EXIT_ERROR, EXIT_INTERRUPTED, shown
from transflow.errors import TransflowError

# name -> "module:attribute" of each command. A run imports one command's module, not
# every one (translate's engines and executors, check's model, models, review, tmx): a
# command starts sooner (`transflow --version`: 242 -> 195 million instructions, callgrind;
# an extract, which needs much of what they import, 8 million fewer).
_COMMANDS = {
    "init": "transflow.cli.catalogs:init",
    "segments": "transflow.cli.catalogs:segments",
    "extract": "transflow.cli.catalogs:extract",
    "translate": "transflow.cli.translate:translate",
    "build": "transflow.cli.catalogs:build",
    "status": "transflow.cli.catalogs:status",
    "check": "transflow.cli.check:check",
    "review": "transflow.cli.review:review",
    "models": "transflow.cli.models:models",
    "export": "transflow.cli.tmx:export_group",
    "import": "transflow.cli.tmx:import_group",
}


class _Group(click.Group):
    """Turns a TransflowError from any command into one line on stderr and exit 1.

    `lazy` names commands ("module:attribute") that are imported when first asked for."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, attribute = self.lazy[cmd_name].split(":")
            self.add_command(getattr(import_module(module), attribute), cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and self.get_command(ctx, args[0]) is None:  # click suggests from commands
            for name in self.lazy:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TransflowError as exc:
            if exc.path and Path(exc.path).is_absolute():
                exc.path = shown(Path(exc.path))
            click.echo(f"transflow: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            # every file is written whole or not at all (atomic replacement): say so, and
            # exit as a shell expects of Ctrl-C, not with click's "Aborted!" and status 1
            click.echo("\ntransflow: interrupted; no file was left half-written", err=True)
            sys.exit(EXIT_INTERRUPTED)


@click.group(cls=_Group, lazy=_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
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
      transflow extract      # source/ -> locales/templates/*.pot, locales/<lang>/*.po
      transflow models install az ur ru              # once: offline MT packages
      transflow translate    # extract, then machine drafts (fuzzy) for empty entries
      (translators review and edit the PO files in Poedit, Lokalize, Weblate...)
      transflow build        # source/ + locales/ -> build/<lang>/<doc>
      transflow status       # completion per document and language

    \b
    Exit codes: 0 success; 1 error (bad input, bad configuration: one line on
    stderr naming the file and line, nothing changed); 2 wrong usage;
    3 completion below --fail-under or --min-completion; 4 check --check found
    QA errors; 5 check --check found catalogs out of date; 130 translate
    interrupted (finished drafts saved; run it again to resume).
    """
    # A run builds tens of thousands of small objects (catalog entries) that all live to
    # its end; with the default thresholds the collector rescans them again and again
    # (a fifth of an update's time). Cycles are rare here: collect far less often.
    gc.set_threshold(100_000, 50, 1000)
    # what the library reports as it happens (waiting for the project lock), on stderr
    ctx.with_resource(files.warnings_to(_say))
    ctx.obj = project


def _say(message: str) -> None:
    click.echo(f"transflow: {message}", err=True)


def run() -> NoReturn:
    """The console script: :func:`main`, then exit at once. A large job leaves hundreds of
    thousands of objects that the interpreter would free one by one on its way out (a
    tenth of a second on a 2 MB document); every file is closed and written by then."""
    unwritten: OSError | ValueError | None = None  # why the output could not be written
    try:
        main(prog_name="transflow")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:  # before a command ran (while Python imported it)
        code = EXIT_INTERRUPTED
    except OSError as exc:
        if not _printing(exc):
            raise  # (the library's errors are TransflowErrors: this is a defect)
        code, unwritten = EXIT_ERROR, exc  # what it printed could not be written: a full disk
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError) as exc:
            code = code or EXIT_ERROR
            if stream is sys.stdout:
                unwritten = unwritten or exc
    if unwritten is not None and getattr(unwritten, "errno", None) != errno.EPIPE:
        # (a reader that stopped reading, as `transflow segments doc.md | head`: nothing
        # to say, as click does)
        reason = getattr(unwritten, "strerror", None) or unwritten
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"transflow: error: cannot write the output: {reason}\n")
            sys.stderr.flush()
    os._exit(code or 0)


def _printing(exc: OSError) -> bool:
    """Whether `exc` was raised where :func:`click.echo` writes (stdout, or stderr)."""
    trace = exc.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace is not None and trace.tb_frame.f_code is click.echo.__code__
