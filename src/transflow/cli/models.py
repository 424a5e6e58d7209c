"""``transflow models``: list, install and remove Argos Translate packages.

A thin layer over :mod:`transflow.engines.argos_packages`, imported only when a
subcommand runs, so importing this module imports click and nothing of argostranslate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from transflow.errors import TransflowError


class _ModelsGroup(click.Group):
    """Turns a TransflowError into one line on stderr and exit 1 (also when run alone)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TransflowError as exc:
            from transflow.cli.common import shown

            if exc.path and Path(exc.path).is_absolute():
                exc.path = shown(Path(exc.path))
            click.echo(f"transflow: error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_ModelsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--packages-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="TRANSFLOW_PACKAGES_DIR",
    show_envvar=True,
    default=None,
    help="Folder of installed packages. Default: $TRANSFLOW_PACKAGES_DIR, then the "
    "project's translate.packages_dir, then argostranslate's own (ARGOS_PACKAGES_DIR or "
    "~/.local/share/argos-translate/packages).",
)
@click.pass_context
def models(ctx: click.Context, packages_dir: Path | None) -> None:
    """Manage the Argos Translate packages the 'argos' engine uses.

    \b
    Examples:
      transflow models list
      transflow models install az ur ru           # en->az, en->ur, en->ru, from the index
      transflow models install az_en              # an explicit pair
      transflow models install --from models/     # offline: .argosmodel file(s)
      transflow models remove az
    """
    ctx.obj = packages_dir if packages_dir is not None else _project_packages_dir(ctx)


def _project_packages_dir(ctx: click.Context) -> Path | None:
    """translate.packages_dir of the project we are in (or of --project), if any."""
    from transflow.cli.common import load_config, project_root

    return load_config(ctx).translate.packages_dir if project_root(ctx) is not None else None


@models.command("list")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines: the packages folder, then a 'package' record per package and a "
    "'pivot' per pair reachable through one intermediate language.",
)
@click.pass_obj
def list_(packages_dir: Path | None, as_json: bool) -> None:
    """Installed packages, and the pairs reachable through one intermediate language."""
    from transflow.engines import argos_packages

    installed = argos_packages.installed_packages(packages_dir)
    pivots = argos_packages.pivots(installed)
    if as_json:
        folder = str(argos_packages.packages_root(packages_dir))
        rows: list[dict[str, str]] = [{"type": "packages_dir", "path": folder}]
        rows += [
            {"type": "package", "pair": p.pair, "from": p.from_code, "to": p.to_code}
            | {"version": p.version, "path": str(p.path)}
            for p in installed
        ]
        rows += [
            {"type": "pivot", "pair": v.pair, "from": v.from_code, "via": v.via, "to": v.to_code}
            for v in pivots
        ]
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not installed:
        root = argos_packages.packages_root(packages_dir)
        click.echo(f"no packages installed in {root}; see 'transflow models install --help'")
        return
    for p in installed:
        click.echo(f"{p.from_code}→{p.to_code}  {p.version:<8} {p.path}")
    for v in pivots:
        click.echo(f"{v.from_code}→{v.to_code}  via {v.via}")


def _size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    from transflow.engines.argos_archives import parse_size

    try:
        return parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@models.command()
@click.argument("codes", nargs=-1, metavar="CODE...")
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path, exists=True),
    default=None,
    help="A local .argosmodel file or a folder of them (offline); "
    "with no CODE, installs every package found there.",
)
@click.option(
    "--source-lang",
    default="en",
    show_default=True,
    help="Source language of a CODE that names only the target.",
)
# the defaults are argos_archives.Limits' (not imported here: zipfile costs every command)
@click.option(
    "--max-unpacked-size",
    "max_unpacked",
    default="1G",
    show_default=True,
    metavar="SIZE",
    callback=_size,
    help="Refuse a package that would unpack to more than SIZE (e.g. 800M, 2G).",
)
@click.option(
    "--max-compression-ratio",
    "max_ratio",
    type=click.FloatRange(min=1),
    default=10,
    show_default=True,
    metavar="N",
    help="Refuse a package that would unpack to more than N times its size (a zip bomb).",
)
@click.pass_obj
def install(
    packages_dir: Path | None,
    codes: tuple[str, ...],
    source: Path | None,
    source_lang: str,
    max_unpacked: int,
    max_ratio: float,
) -> None:
    """Install the packages for CODE: a target language (SOURCE_LANG→CODE) or a pair
    such as az_en. Without --from the Argos package index is used (needs the network).
    A package replaces the installed one for its pair; a bad file installs nothing.
    Real packages unpack to 80-200 MB at a ratio near 1.2; the limits stop zip bombs
    before anything is unpacked."""
    from transflow.engines import argos_packages
    from transflow.engines.argos_archives import Limits

    pairs = [argos_packages.parse_pair(code, source_lang) for code in codes]
    limits = Limits(max_unpacked, max_ratio)
    if source is not None:
        done = argos_packages.install_from(source, pairs, packages_dir, limits)
    elif pairs:
        done = argos_packages.install_from_index(pairs, packages_dir, limits)
    else:
        raise click.UsageError("give at least one CODE, or --from PATH")
    for p in done:
        click.echo(f"installed {p.describe()} ({p.from_code}→{p.to_code}) in {p.path}")


@models.command()
@click.argument("codes", nargs=-1, required=True, metavar="CODE...")
@click.option(
    "--source-lang",
    default="en",
    show_default=True,
    help="Source language of a CODE that names only the target.",
)
@click.pass_obj
def remove(packages_dir: Path | None, codes: tuple[str, ...], source_lang: str) -> None:
    """Remove the installed package(s) for CODE: a target language or a pair (az_en)."""
    from transflow.engines import argos_packages

    pairs = [argos_packages.parse_pair(code, source_lang) for code in codes]
    for p in argos_packages.remove(pairs, packages_dir):
        click.echo(f"removed {p.describe()} from {p.path}")
