"""The project file, ``transflow.toml``: finding it, reading it strictly, writing a new one.

Every key is declared once in :data:`_SCHEMA`; an unknown key or a value of the wrong
type is an error that names the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transflow.errors import TransflowError

CONFIG_NAME = "transflow.toml"
UNIT_KINDS = ("sentence", "paragraph")
_LANG_RE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")


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


def _str(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def _strs(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) and x for x in v)


def _langs(v: Any) -> bool:
    return _strs(v) and all(_LANG_RE.match(x) for x in v)


def _lang(v: Any) -> bool:
    return isinstance(v, str) and bool(_LANG_RE.match(v))


def _unit(v: Any) -> bool:
    return v in UNIT_KINDS


def _count(minimum: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum


def _ratio(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v >= 1


def _one_of(*choices: str) -> Callable[[Any], bool]:
    return lambda v: v in choices


def _percent(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100


_Check = tuple[Callable[[Any], bool], str, Any]
# section -> key -> (check, what the value must be, default)
_SCHEMA: dict[str, dict[str, _Check]] = {
    "project": {
        "source_dir": (_str, "a folder path", "source"),
        "locales_dir": (_str, "a folder path", "locales"),
        "build_dir": (_str, "a folder path", "build"),
        "source_lang": (_lang, "a language code such as 'en'", "en"),
        "languages": (_langs, "a list of language codes such as ['az', 'ru']", []),
        "documents": (_strs, "a list of glob patterns such as ['**/*.txt']", ["**/*.txt"]),
    },
    "segmentation": {
        "unit": (_unit, "'sentence' or 'paragraph'", "sentence"),
        "abbreviations": (_strs, "a list of strings such as ['Dy', 'approx']", []),
        "non_breaking": (_strs, "a list of strings", []),
    },
    "catalog": {
        "fuzzy_threshold": (_percent, "an integer from 0 to 100", 80),
    },
    "build": {
        "drafts": (_one_of("include", "exclude"), "'include' or 'exclude'", "exclude"),
    },
    "translate": {
        "engine": (_one_of("argos", "pseudo"), "'argos' or 'pseudo'", "argos"),
        "beam_size": (_count(1), "an integer of at least 1", 4),
        "device": (_one_of("cpu", "cuda", "auto"), "'cpu', 'cuda' or 'auto'", "cpu"),
        "compute_type": (_str, "a CTranslate2 compute type such as 'int8'", "int8"),
        "threads": (_count(0), "an integer of at least 0 (0: the engine's default)", 0),
        "max_length_ratio": (_ratio, "a number of at least 1", 2.0),
        "batch_size": (_count(1), "an integer of at least 1", 32),
        "packages_dir": (lambda v: isinstance(v, str), "a folder path", ""),
        "do_not_translate": (_strs, "a list of strings such as ['Mammadov']", []),
        "memory_threshold": (_percent, "an integer from 0 to 100", 75),
    },
}


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


def _inside(root: Path, value: str, path: Path, key: str, text: str, section: str) -> Path:
    folder = (root / value).resolve()
    if folder != root and root not in folder.parents:
        raise TransflowError(
            f"{section}.{key} = {value!r} points outside the project folder {root}",
            path,
            _line_of(text, section, key),
        )
    return folder


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
        if section not in _SCHEMA:
            known = ", ".join(f"[{s}]" for s in _SCHEMA)
            raise TransflowError(
                f"unknown section [{section}] (known: {known})", path, _line_of(text, section, None)
            )
        if not isinstance(table, dict):
            raise TransflowError(f"{section} must be a table [{section}]", path)
        for key, value in table.items():
            if key not in _SCHEMA[section]:
                known = ", ".join(_SCHEMA[section])
                raise TransflowError(
                    f"unknown key {section}.{key} (known in [{section}]: {known})",
                    path,
                    _line_of(text, section, key),
                )
            check, what, _ = _SCHEMA[section][key]
            if not check(value):
                raise TransflowError(
                    f"{section}.{key} must be {what}, not {value!r}",
                    path,
                    _line_of(text, section, key),
                )
        values[section] = table

    def get(section: str, key: str) -> Any:
        return values.get(section, {}).get(key, _SCHEMA[section][key][2])

    def folder(key: str) -> Path:
        return _inside(root, get("project", key), path, key, text, "project")

    return Config(
        root=root,
        path=path,
        source_dir=folder("source_dir"),
        locales_dir=folder("locales_dir"),
        build_dir=folder("build_dir"),
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
        translate=TranslateConfig(
            engine=get("translate", "engine"),
            beam_size=get("translate", "beam_size"),
            device=get("translate", "device"),
            compute_type=get("translate", "compute_type"),
            threads=get("translate", "threads"),
            max_length_ratio=float(get("translate", "max_length_ratio")),
            batch_size=get("translate", "batch_size"),
            packages_dir=(root / get("translate", "packages_dir")).resolve()
            if get("translate", "packages_dir")
            else None,
            do_not_translate=tuple(get("translate", "do_not_translate")),
            memory_threshold=get("translate", "memory_threshold"),
        ),
    )


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def render(languages: Sequence[str], source_lang: str = "en", unit: str = "sentence") -> str:
    """The text of a new transflow.toml."""
    for code in (*languages, source_lang):
        if not _LANG_RE.match(code):
            raise TransflowError(f"{code!r} is not a language code such as 'az' or 'pt_BR'")
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
documents = ["**/*.txt"]         # globs relative to source_dir

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
"""
