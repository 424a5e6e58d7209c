"""The project file, ``transflow.toml``: finding it, reading it strictly, writing a new one.

Every key is declared once, in :mod:`transflow.config_schema`; an unknown key or a value
of the wrong type is an error that names the file, the line and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow.config_schema import SCHEMA, UNIT_KINDS
from transflow.errors import TransflowError
from transflow.files import inside, link_out
from transflow.languages import language_problem

CONFIG_NAME = "transflow.toml"
STATE_DIR = ".transflow"  # transflow's own files: lock, caches, translation memory


@dataclass(frozen=True)
class SegmentationConfig:
    unit: str = "sentence"  # "sentence" or "paragraph"
    abbreviations: tuple[str, ...] = ()
    non_breaking: tuple[str, ...] = ()


@dataclass(frozen=True)
class TranslateConfig:
    engine: str = "argos"
    beam_size: int = 4
    device: str = "cpu"
    compute_type: str = "int8"
    threads: int = 0
    max_length_ratio: float = 2.0
    batch_size: int = 32
    packages_dir: Path | None = None
    do_not_translate: tuple[str, ...] = ()
    memory_threshold: int = 75
    executor: str = "local"
    ray_address: str = ""


@dataclass(frozen=True)
class Config:
    root: Path
    path: Path
    source_dir: Path
    locales_dir: Path
    build_dir: Path
    source_lang: str
    languages: tuple[str, ...]
    documents: tuple[str, ...]
    segmentation: SegmentationConfig
    fuzzy_threshold: int
    translate: TranslateConfig = TranslateConfig()
    build_drafts: str = "exclude"  # "include": fuzzy entries (machine drafts) are published
    glossary: Path | None = None  # a .csv or .tbx file inside the project (transflow.glossary)
    check_disable: tuple[str, ...] = ()  # QA check ids not to run (transflow.qa.CHECK_IDS)
    # format name -> globs of the documents in that format, besides those of its suffixes
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # folders already found free of links out of the project (see project.writable)
    checked: dict[str, None] = field(default_factory=dict, init=False, compare=False, repr=False)


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds a transflow.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise TransflowError(
        f"no {CONFIG_NAME} here or in any parent folder; run 'transflow init' or pass --project",
        start,
    )


def _line_of(text: str, section: str, key: str | None) -> int | None:
    """Best-effort line number of `key` in `[section]` (or of the section header)."""
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            if key is None and current == section:
                return number
        elif (
            current == section and key and re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*=", stripped)
        ):
            return number
    return None


def _through(link: Path, target: Path, root: Path) -> str:
    """How a path leaves the project through `link`, when that is a symbolic link in it."""
    if link.is_symlink() and link.is_relative_to(root):
        return f" ({link.relative_to(root)} is a symbolic link to {target})"
    return ""


def _folder(root: Path, value: str, path: Path, key: str, text: str, section: str) -> Path:
    """A folder the project file names: it must be inside the project, links followed."""
    folder = root / value
    escape = link_out(root, folder)
    if escape is not None:
        link, target = escape
        hint = (
            "; a project file only names folders inside the project (give one elsewhere "
            "with --packages-dir or $TRANSFLOW_PACKAGES_DIR)"
            if key == "packages_dir"
            else ""
        )
        raise TransflowError(
            f"{section}.{key} = {value!r} points outside the project folder {root}"
            f"{_through(link, target, root)}{hint}",
            path,
            _line_of(text, section, key),
        )
    return Path(os.path.realpath(folder))


def _apart(folders: dict[str, Path], path: Path, text: str) -> None:
    """source_dir, locales_dir and build_dir may not be one folder or nested: outputs in
    the source folder would become documents on the next run, and so on."""
    keys = list(folders)
    for i, first in enumerate(keys):
        for second in keys[i + 1 :]:
            a, b = folders[first], folders[second]
            if inside(a, b) or inside(b, a):
                relation = "is" if a == b else "overlaps"
                raise TransflowError(
                    f"project.{second} {relation} project.{first} ({b}); the source, locales "
                    "and build folders must be separate, none inside another",
                    path,
                    _line_of(text, "project", second) or _line_of(text, "project", first),
                )


def _check_state_dir(root: Path) -> None:
    """``.transflow`` (and what it holds) must not lead out of the project: transflow writes
    its lock, caches and translation memory there. A cloned repository can hold links."""
    state = root / STATE_DIR
    escape = link_out(root, state)
    if escape is None and state.is_dir():
        with os.scandir(state) as entries:
            links = [Path(e.path) for e in entries if e.is_symlink()]
        escape = next(filter(None, (link_out(root, link) for link in links)), None)
    if escape is not None:
        link, target = escape
        raise TransflowError(
            f"a symbolic link to {target}, outside the project; transflow does not write "
            "through it (remove the link)",
            link,
        )


def load(root: Path) -> Config:
    """Read and validate ``root/transflow.toml``."""
    root = root.resolve()
    path = root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TransflowError(
            f"no {CONFIG_NAME} in this folder; run 'transflow init'", root
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TransflowError(f"cannot read the project file: {exc}", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise TransflowError(
            f"not valid TOML: {exc}", path, int(line.group(1)) if line else None
        ) from None

    values: dict[str, dict[str, Any]] = {}
    for section, table in data.items():
        if section not in SCHEMA:
            known = ", ".join(f"[{s}]" for s in SCHEMA)
            raise TransflowError(
                f"unknown section [{section}] (known: {known})", path, _line_of(text, section, None)
            )
        if not isinstance(table, dict):
            raise TransflowError(f"{section} must be a table [{section}]", path)
        for key, value in table.items():
            if key not in SCHEMA[section]:
                known = ", ".join(SCHEMA[section])
                raise TransflowError(
                    f"unknown key {section}.{key} (known in [{section}]: {known})",
                    path,
                    _line_of(text, section, key),
                )
            check, what, _ = SCHEMA[section][key]
            verdict = check(value)
            if verdict is not True:
                why = f": {verdict}" if isinstance(verdict, str) else f", not {value!r}"
                raise TransflowError(
                    f"{section}.{key} must be {what}{why}", path, _line_of(text, section, key)
                )
        values[section] = table

    def get(section: str, key: str) -> Any:
        return values.get(section, {}).get(key, SCHEMA[section][key][2])

    def folder(key: str, section: str = "project") -> Path:
        return _folder(root, get(section, key), path, key, text, section)

    folders = {key: folder(key) for key in ("source_dir", "locales_dir", "build_dir")}
    _apart(folders, path, text)
    _check_state_dir(root)
    return Config(
        root=root,
        path=path,
        source_dir=folders["source_dir"],
        locales_dir=folders["locales_dir"],
        build_dir=folders["build_dir"],
        source_lang=get("project", "source_lang"),
        languages=tuple(dict.fromkeys(get("project", "languages"))),
        documents=tuple(get("project", "documents")),
        segmentation=SegmentationConfig(
            unit=get("segmentation", "unit"),
            abbreviations=tuple(get("segmentation", "abbreviations")),
            non_breaking=tuple(get("segmentation", "non_breaking")),
        ),
        fuzzy_threshold=get("catalog", "fuzzy_threshold"),
        build_drafts=get("build", "drafts"),
        glossary=folder("file", "glossary") if get("glossary", "file") else None,
        check_disable=tuple(get("check", "disable")),
        formats={name: tuple(globs) for name, globs in values.get("formats", {}).items()},
        translate=TranslateConfig(
            engine=get("translate", "engine"),
            beam_size=get("translate", "beam_size"),
            device=get("translate", "device"),
            compute_type=get("translate", "compute_type"),
            threads=get("translate", "threads"),
            max_length_ratio=float(get("translate", "max_length_ratio")),
            batch_size=get("translate", "batch_size"),
            packages_dir=folder("packages_dir", "translate")
            if get("translate", "packages_dir")
            else None,
            do_not_translate=tuple(get("translate", "do_not_translate")),
            memory_threshold=get("translate", "memory_threshold"),
            executor=get("translate", "executor"),
            ray_address=get("translate", "ray_address"),
        ),
    )


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def render(languages: Sequence[str], source_lang: str = "en", unit: str = "sentence") -> str:
    """The text of a new transflow.toml."""
    for code in (*languages, source_lang):
        why = language_problem(code)
        if why:
            raise TransflowError(why)
    if unit not in UNIT_KINDS:
        raise TransflowError(f"unit must be one of {', '.join(UNIT_KINDS)}, not {unit!r}")
    return f"""\
# transflow project file (see the Configuration section of the README)
[project]
source_dir = "source"            # the documents to translate
locales_dir = "locales"          # templates/<doc>.pot and <lang>/<doc>.po
build_dir = "build"              # <lang>/<doc>, written by 'transflow build'
source_lang = "{source_lang}"
languages = {_toml_list(languages)}
documents = ["**/*.txt", "**/*.md", "**/*.markdown", "**/*.html", "**/*.htm"]  # in source_dir

[segmentation]
unit = "{unit}"               # "sentence" or "paragraph" (whole paragraphs, as po4a)
abbreviations = []               # extra abbreviations, without the final period: ["Dy", "approx"]
non_breaking = []                # strings never split, e.g. ["Dr. No"]

[catalog]
fuzzy_threshold = 80             # similarity (0-100) for reusing an old translation as fuzzy

[build]
drafts = "exclude"               # "include": publish fuzzy entries (machine drafts) too

[translate]
engine = "argos"                 # "argos" (offline MT packages) or "pseudo" (pseudo-localization)
beam_size = 4
device = "cpu"                   # "cpu", "cuda" or "auto"
compute_type = "int8"
threads = 0                      # 0: the engine's default
max_length_ratio = 2.0           # output at most this many times the input tokens (+ 8)
batch_size = 32                  # units per model call
packages_dir = ""                # "": argostranslate's default folder
do_not_translate = []            # terms MT must keep as they are, e.g. ["Mammadov"]
memory_threshold = 75            # similarity (0-100) for offering a similar text's translation
executor = "local"               # where the model runs: "local" or "ray" (transflow[ray])
ray_address = ""                 # ray: "" starts one here; "auto", "HOST:PORT", "ray://HOST:10001"
"""
