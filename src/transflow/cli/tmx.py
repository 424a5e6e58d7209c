"""``transflow export tmx`` and ``transflow import tmx``: TMX 1.4 translation memories."""

from __future__ import annotations

from pathlib import Path

import click

from transflow.cli.common import LANG_OPTION, QUIET_OPTION, load_config, shown


@click.group("export")
def export_group() -> None:
    """Write the project's translations in an exchange format."""


@click.group("import")
def import_group() -> None:
    """Read translations from an exchange format into the catalogs."""


@export_group.command("tmx")
@LANG_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Where to write the TMX. Default: translations.tmx in the build folder.",
)
@click.pass_context
def export_tmx(ctx: click.Context, languages: tuple[str, ...], output: Path | None) -> None:
    """Write the accepted translations as a TMX 1.4 translation memory.

    One unit per distinct source text, with the source and every language that
    has a translation a person accepted (obsolete entries included). Fuzzy
    entries, drafts and empty entries are left out. The same catalogs always
    give the same file.
    """
    from transflow.jobs.tmx import export

    report = export(load_config(ctx), languages, output)
    counts = ", ".join(f"{lang} {n}" for lang, n in report.languages.items())
    click.echo(f"wrote {shown(report.path)}: {report.units} units; translations: {counts}")


@import_group.command("tmx")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@LANG_OPTION
@QUIET_OPTION
@click.pass_context
def import_tmx(ctx: click.Context, file: Path, languages: tuple[str, ...], quiet: bool) -> None:
    """Fill empty entries with the translations a TMX file holds for their text.

    The catalogs are brought up to date with the sources first, as extract
    does. An empty entry whose text is a source segment of FILE gets its
    translation as a fuzzy draft, with the translator comment 'translation
    memory: imported from FILE', for review; one whose text is similar to a
    segment (translate.memory_threshold) gets that segment's, with the segment
    as the previous msgid and the similarity in the comment. The translations
    are also kept for later translate runs. Language variants match their
    language ('az-AZ' fills 'az'). Entries that have a translation, fuzzy or
    not, are never touched.
    """
    from transflow.jobs.tmx import import_ as run

    report = run(load_config(ctx), file, languages)
    for item in report.written:
        if item.action != "unchanged" and not quiet:
            click.echo(f"{item.action:8} {shown(item.path)}")
    for lang in report.languages:
        click.echo(
            f"{lang.language}: {lang.filled} of {lang.empty} empty entries filled "
            f"from {file.name} ({report.units} units read)"
        )
