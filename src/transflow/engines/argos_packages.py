"""Argos Translate packages: find, route, install (validated, atomic) and remove.

argostranslate is imported inside functions only, through :func:`argos_settings`, which
points it at ``packages_dir`` when one is given. It is used for its settings, its
``Package`` class (metadata and tokenizer of an installed package) and the package index;
never for translation (that splits sentences and may reach the network).

An installed package is a folder ``<packages dir>/<top folder of the .argosmodel>``.
Installing validates the whole archive first (:mod:`.argos_archives`: layout, metadata,
unpacked size and compression ratio, checksums), extracts it into a hidden staging folder
inside the packages dir and renames it into place only when complete, so a failed
install leaves nothing behind. It replaces the installed packages of its pair (as its
metadata gives it), never a folder that holds another pair's package. Hidden folders
and folders without ``metadata.json`` are ignored when listing (argostranslate's
``get_installed_packages()`` fails on them).
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from transflow.engines.argos_archives import DEFAULT_LIMITS, Archive, Limits, read_archive
from transflow.errors import TransflowError

STAGING_PREFIX = ".transflow-install-"


@dataclass(frozen=True)
class PackageInfo:
    """An installed translation package."""

    from_code: str
    to_code: str
    version: str
    path: Path
    target_prefix: str = ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}_{self.to_code}"

    @property
    def name(self) -> str:  # argospm's name
        return f"translate-{self.pair}"

    def describe(self) -> str:
        return f"{self.name} {self.version}".rstrip()


@dataclass(frozen=True)
class Pivot:
    """A pair with no package of its own, reachable through one intermediate language."""

    from_code: str
    via: str
    to_code: str

    @property
    def pair(self) -> str:
        return f"{self.from_code}_{self.to_code}"


_argos_default_dirs: list[Path] = []  # argostranslate's own package_dirs, found at first use


def argos_settings(packages_dir: Path | None) -> tuple[ModuleType, ModuleType]:
    """``(argostranslate.settings, argostranslate.package)``, pointed at ``packages_dir``.

    argostranslate reads its environment once, at first import: ``ARGOS_PACKAGES_DIR`` is
    set for that import only (so its default packages folder isn't created), then the
    ``settings`` module variables are set, so ``get_installed_packages()`` sees exactly
    ``packages_dir``. ``None``: argostranslate's own default (restored if changed).
    """
    if packages_dir is not None:
        packages_dir = packages_dir.resolve()
        packages_dir.mkdir(parents=True, exist_ok=True)
    if packages_dir is not None and "argostranslate.settings" not in sys.modules:
        saved = os.environ.get("ARGOS_PACKAGES_DIR")
        os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
        try:
            importlib.import_module("argostranslate.settings")
        finally:
            if saved is None:
                del os.environ["ARGOS_PACKAGES_DIR"]
            else:
                os.environ["ARGOS_PACKAGES_DIR"] = saved
    import argostranslate.package as package
    import argostranslate.settings as settings

    if not _argos_default_dirs:
        default = settings.get_setting("ARGOS_PACKAGES_DIR", settings.data_dir / "packages")
        _argos_default_dirs.extend([Path(default), *map(Path, settings.package_dirs[1:])])
    dirs = [packages_dir] if packages_dir is not None else list(_argos_default_dirs)
    settings.package_data_dir = dirs[0]
    settings.package_dirs = dirs
    return settings, package


def packages_root(packages_dir: Path | None) -> Path:
    """The folder packages are installed into."""
    settings, _ = argos_settings(packages_dir)
    return Path(settings.package_data_dir)


def installed_packages(packages_dir: Path | None) -> list[PackageInfo]:
    """Installed translation packages, sorted by pair and version."""
    settings, package = argos_settings(packages_dir)
    found = []
    for folder in map(Path, settings.package_dirs):
        children = sorted(folder.iterdir()) if folder.is_dir() else []
        for path in children:
            if path.name.startswith(".") or not (path / "metadata.json").is_file():
                continue
            try:
                pkg = package.Package(path)
            except (OSError, ValueError):  # unreadable metadata: not a package
                continue
            codes = (pkg.from_code, pkg.to_code)
            if pkg.type == "translate" and all(isinstance(c, str) and c for c in codes):
                version, prefix = str(pkg.package_version), str(pkg.target_prefix or "")
                found.append(PackageInfo(*codes, version, path, prefix))
    return sorted(found, key=lambda p: (p.pair, _version_key(p.version)))


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Numeric order of a version's numbers, without int(): a 5000-digit number in a
    hand-made metadata.json would be a ValueError."""
    numbers = (n.lstrip("0") for n in re.findall(r"\d+", version))
    return tuple((len(n), n) for n in numbers)


def _best(packages: Sequence[PackageInfo]) -> dict[tuple[str, str], PackageInfo]:
    """The newest package per (from, to)."""
    best: dict[tuple[str, str], PackageInfo] = {}
    for pkg in packages:  # sorted by version: the last one wins
        best[pkg.from_code, pkg.to_code] = pkg
    return best


def find_route(
    packages: Sequence[PackageInfo], source: str, target: str
) -> tuple[PackageInfo, ...] | None:
    """The direct package, else two through one intermediate language (English first,
    then alphabetical), else None."""
    best = _best(packages)
    if (source, target) in best:
        return (best[source, target],)
    vias = sorted(
        (to for (frm, to) in best if frm == source and (to, target) in best),
        key=lambda code: (code != "en", code),
    )
    return (best[source, vias[0]], best[vias[0], target]) if vias else None


def route(packages_dir: Path | None, source: str, target: str) -> tuple[PackageInfo, ...]:
    """The packages that translate source→target, in order; an error when there are none."""
    if source == target:
        raise TransflowError(f"source and target language are both {source!r}")
    found = find_route(installed_packages(packages_dir), source, target)
    if found is None:
        raise missing_pair_error(source, target)
    return found


def missing_pair_error(source: str, target: str) -> TransflowError:
    code = target if source == "en" else f"{source}_{target}"
    return TransflowError(
        f"no argos package for {source}→{target}; install one with "
        f"'transflow models install {code}' (or '--from FILE' offline)"
    )


def pivots(packages: Sequence[PackageInfo]) -> list[Pivot]:
    """Pairs with no package of their own that one intermediate language reaches."""
    best = _best(packages)
    codes = sorted({code for pair in best for code in pair})
    found = []
    for source in codes:
        for target in codes:
            if source != target and (source, target) not in best:
                hops = find_route(packages, source, target)
                if hops is not None:
                    found.append(Pivot(source, hops[0].to_code, target))
    return found


def parse_pair(code: str, source_lang: str) -> tuple[str, str]:
    """``az`` -> (source_lang, az); ``az_en`` -> (az, en)."""
    parts = code.split("_") if "_" in code else [source_lang, code]
    if len(parts) != 2 or not all(re.fullmatch(r"[A-Za-z0-9-]+", p) for p in parts):
        raise TransflowError(f"bad language code {code!r} (expected e.g. 'az' or 'az_en')")
    if parts[0] == parts[1]:
        raise TransflowError(f"{code!r}: source and target language are the same")
    return parts[0], parts[1]


def install_archive(archive: Archive, packages_dir: Path | None) -> PackageInfo:
    """Installs a validated archive, replacing installed packages for the same pair."""
    root = packages_root(packages_dir)
    replaced = [
        p
        for p in installed_packages(packages_dir)
        if (p.from_code, p.to_code) == (archive.from_code, archive.to_code)
        and p.path.parent == root
    ]
    dest = root / archive.top
    if dest.exists() and dest not in {p.path for p in replaced}:
        there = next((p for p in installed_packages(packages_dir) if p.path == dest), None)
        what = f"the installed {there.from_code}→{there.to_code} package" if there else "a folder"
        raise TransflowError(
            f"its folder {archive.top} would replace {what} at {dest}, not a "
            f"{archive.from_code}→{archive.to_code} package; nothing was installed",
            archive.path,
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    except OSError as exc:
        raise TransflowError(f"cannot write to the packages folder: {exc}", root) from exc
    try:
        with zipfile.ZipFile(archive.path) as zipped:
            zipped.extractall(staging / "new")
        moved: list[tuple[Path, Path]] = []
        olds = {p.path for p in replaced} | ({dest} if dest.exists() else set())
        for number, old in enumerate(sorted(olds)):
            aside = staging / f"old-{number}"
            old.rename(aside)
            moved.append((aside, old))
        try:
            (staging / "new" / archive.top).rename(dest)
        except OSError:
            for aside, old in moved:
                aside.rename(old)
            raise
    except OSError as exc:
        raise TransflowError(f"could not install into {root}: {exc}", archive.path) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _forget_argos_languages()
    return next(p for p in installed_packages(packages_dir) if p.path == dest)


def install_from(
    source: Path,
    pairs: Sequence[tuple[str, str]],
    packages_dir: Path | None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[PackageInfo]:
    """Installs packages from a .argosmodel file or a folder of them: those for ``pairs``,
    or all of them when ``pairs`` is empty. Every file is validated before any install."""
    if source.is_dir():
        files = sorted(source.glob("*.argosmodel"))
        if not files:
            raise TransflowError("no .argosmodel files in this folder", source)
    else:
        files = [source]
    archives = [read_archive(path, limits) for path in files]
    newest: dict[tuple[str, str], Archive] = {}
    for archive in sorted(archives, key=lambda a: _version_key(a.version)):
        newest[archive.from_code, archive.to_code] = archive
    wanted = list(pairs) or sorted(newest)
    missing = [f"{a}→{b}" for a, b in wanted if (a, b) not in newest]
    if missing:
        have = ", ".join(f"{a}→{b}" for a, b in sorted(newest)) or "none"
        raise TransflowError(f"no package for {', '.join(missing)} here (found: {have})", source)
    return [install_archive(newest[pair], packages_dir) for pair in dict.fromkeys(wanted)]


@contextmanager
def _quiet_argos() -> Iterator[None]:
    """argostranslate logs every network failure; the caller reports them instead."""
    logger = logging.getLogger("argostranslate.utils")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def install_from_index(
    pairs: Sequence[tuple[str, str]], packages_dir: Path | None, limits: Limits = DEFAULT_LIMITS
) -> list[PackageInfo]:
    """Downloads and installs packages from the Argos package index (needs the network)."""
    settings, package = argos_settings(packages_dir)
    index = Path(settings.local_package_index)
    hint = (
        "download the .argosmodel file(s) elsewhere and use 'transflow models install --from PATH'"
    )
    with _quiet_argos():
        package.update_package_index()  # logs and returns on failure
    if not index.is_file():
        raise TransflowError(
            f"could not reach the Argos package index ({settings.remote_package_index}); {hint}"
        )
    try:
        available = package.get_available_packages()
    except (OSError, ValueError) as exc:
        raise TransflowError(f"unreadable package index: {exc}", index) from exc
    chosen = []
    for source, target in pairs:
        matches = [
            p
            for p in available
            if (p.from_code, p.to_code, p.type) == (source, target, "translate")
        ]
        if not matches:
            raise TransflowError(f"the Argos package index has no package for {source}→{target}")
        chosen.append(max(matches, key=lambda p: _version_key(str(p.package_version))))
    installed = []
    for available_package in chosen:
        try:
            with _quiet_argos():
                downloaded = Path(available_package.download())
        except Exception as exc:  # argostranslate raises a bare Exception
            raise TransflowError(f"could not download {available_package}: {exc}; {hint}") from exc
        try:
            installed.append(install_archive(read_archive(downloaded, limits), packages_dir))
        finally:
            downloaded.unlink(missing_ok=True)
    return installed


def remove(pairs: Sequence[tuple[str, str]], packages_dir: Path | None) -> list[PackageInfo]:
    """Removes every installed package for each pair; nothing when one pair has none."""
    installed = installed_packages(packages_dir)
    doomed = []
    for source, target in pairs:
        found = [p for p in installed if (p.from_code, p.to_code) == (source, target)]
        if not found:
            raise TransflowError(f"no argos package for {source}→{target} is installed")
        doomed += [p for p in found if p not in doomed]
    for pkg in doomed:
        try:
            shutil.rmtree(pkg.path)
        except OSError as exc:
            raise TransflowError(f"could not remove: {exc}", pkg.path) from exc
    _forget_argos_languages()
    return doomed


def _forget_argos_languages() -> None:
    """Clears argostranslate's cache of installed languages, if something loaded it."""
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.get_installed_languages.cache_clear()
