"""``transflow review``: static HTML review pages, one per document and language."""

from __future__ import annotations

from pathlib import Path

import click

from transflow.cli.common import (
    DOCS_ARGUMENT,
    LANG_OPTION,
    QUIET_OPTION,
    load_config,
    progress_bar,
    report,
)


@click.command()
@LANG_OPTION
@click.option(
    "--drafts",
    "listed",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    metavar="N",
    help="How many of the least confident machine drafts to list at the top of each page.",
)
@QUIET_OPTION
@DOCS_ARGUMENT
@click.pass_context
def review(
    ctx: click.Context,
    languages: tuple[str, ...],
    listed: int,
    quiet: bool,
    docs: tuple[Path, ...],
) -> None:
    """Write build/review/<lang>/<doc>.html: a review page per document and language.

    Each page shows the completion figures, a QA summary, the least confident
    machine drafts first (linked to their rows) and the document side by side,
    block by block: source and translation of every unit, coloured and labelled
    by status (accepted, draft, fuzzy, untranslated), with its position, the
    draft's provenance and its QA findings. The translation column has the
    language's lang and dir (rtl for Urdu). Pages are self-contained (inline CSS,
    no script, nothing loaded from the network): open them in any browser.
    """
    from transflow.jobs.review import review as run

    config = load_config(ctx)
    with progress_bar("reviewing", quiet) as progress:
        written = run(config, languages, docs, listed, progress)
    report(written, "page", quiet)
