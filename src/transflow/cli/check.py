"""The ``check`` command: QA checks on the translations, and a gate for CI."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from transflow.cli.common import DOCS_ARGUMENT, LANG_OPTION, load_config, shown
from transflow.model import SEVERITIES

EXIT_QA_ERRORS = 4
EXIT_OUTDATED = 5


@click.command()
@LANG_OPTION
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finding, per line.")
@click.option(
    "--check",
    "gate",
    is_flag=True,
    help="For CI: also check that the catalogs are up to date with the sources, and exit "
    "with 4 on QA errors, 5 on catalogs out of date.",
)
@click.option(
    "--severity",
    type=click.Choice(SEVERITIES),
    default="info",
    show_default=True,
    help="Report findings of this severity and worse.",
)
@DOCS_ARGUMENT
@click.pass_context
def check(
    ctx: click.Context,
    languages: tuple[str, ...],
    as_json: bool,
    gate: bool,
    severity: str,
    docs: tuple[Path, ...],
) -> None:
    """Check the translations (accepted and fuzzy) of each document (or of DOCS).

    Errors: a number, URL, e-mail, placeholder, markup or do-not-translate term of
    the source missing or changed; a stray bidi control character. Warnings and
    info: whitespace, brackets and quotes, sentence-end punctuation, a translation
    identical to its source or of a suspicious length, invisible characters.
    Digits of any script (۱۲۷۵ = 1,275) and Urdu/Arabic punctuation (۔ ؟) are
    understood.

    \b
    Output: path:line: severity: [check] message (reference), then a summary line;
    --json prints one object per finding per line, and nothing else, on stdout.

    \b
    Exit codes: 0 done (without --check, whatever was found); 1 error (such as a
    missing catalog: run 'transflow extract'); 2 wrong usage. With --check:
    0 no QA errors (warnings and info allowed), 4 QA errors found, 5 catalogs
    missing or out of date with the sources (run 'transflow extract'; 5 wins
    over 4). A catalog counts as out of date when extract would change what it
    says, not merely how another tool wrapped it.
    """
    from transflow.jobs.check import check as check_project
    from transflow.jobs.extract import outdated

    config = load_config(ctx)
    stale = outdated(config, languages, docs) if gate else []
    missing = any(not path.exists() for path in stale)  # nothing to check there yet
    found = [] if missing else check_project(config, languages, docs)
    shown_up_to = SEVERITIES.index(severity)
    reported = [f for f in found if SEVERITIES.index(f.severity) <= shown_up_to]
    for item in reported:
        name = shown(Path(item.path))
        if as_json:
            row = {"type": "finding", **asdict(item), "path": name}
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            where = f"{name}:{item.line}" if item.line is not None else name
            click.echo(
                f"{where}: {item.severity}: [{item.check}] {item.message} ({item.reference})"
            )
    for catalog in stale:
        click.echo(
            f"transflow: {shown(catalog)} is out of date with its source; run 'transflow extract'",
            err=True,
        )
    if not as_json:
        counts = [sum(f.severity == s for f in reported) for s in SEVERITIES]
        summary = f"{_n(counts[0], 'error')}, {_n(counts[1], 'warning')}, {counts[2]} info"
        if gate:
            summary += f"; {_n(len(stale), 'catalog')} out of date"
        click.echo(summary)
    if gate and stale:
        sys.exit(EXIT_OUTDATED)
    if gate and any(f.severity == "error" for f in found):
        sys.exit(EXIT_QA_ERRORS)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
