"""Every key of the project file, ``transflow.toml``, declared once: the check of its
value, what the value must be (for the error message), and its default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transflow.engines import ENGINES
from transflow.executors import EXECUTORS, RAY_ADDRESS
from transflow.formats import FORMATS
from transflow.languages import language_problem

UNIT_KINDS = ("sentence", "paragraph")


def _str(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def _strs(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) and x for x in v)


def _langs(v: Any) -> bool | str:
    if not _strs(v):
        return False
    return next((why for x in v if (why := language_problem(x))), True)


def _lang(v: Any) -> bool | str:
    return isinstance(v, str) and (language_problem(v) or True)


def _patterns(v: Any) -> bool | str:
    if not _strs(v):
        return False
    for pattern in v:
        parts = pattern.replace("\\", "/").split("/")
        if pattern.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts:
            return (
                f"{pattern!r} is not a glob relative to source_dir "
                "(no leading '/', no drive, no '..')"
            )
    return True


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


def _glossary_file(v: Any) -> bool:
    return isinstance(v, str) and (v == "" or v.lower().endswith((".csv", ".tbx")))


def _check_ids(v: Any) -> bool | str:
    if not _strs(v) and v != []:
        return False
    from transflow.qa import CHECK_IDS

    unknown = [x for x in v if x not in CHECK_IDS]
    return f"unknown check {unknown[0]!r} (known: {', '.join(CHECK_IDS)})" if unknown else True


Check = tuple[Callable[[Any], bool | str], str, Any]
# section -> key -> (check, what the value must be, default); a check returns True, False
# or the reason (a string) why the value is wrong
SCHEMA: dict[str, dict[str, Check]] = {
    "project": {
        "source_dir": (_str, "a folder path", "source"),
        "locales_dir": (_str, "a folder path", "locales"),
        "build_dir": (_str, "a folder path", "build"),
        "source_lang": (_lang, "a language code such as 'en'", "en"),
        "languages": (_langs, "a list of language codes such as ['az', 'ru']", []),
        "documents": (_patterns, "a list of glob patterns such as ['**/*.txt']", ["**/*.txt"]),
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
        "engine": (_one_of(*ENGINES), " or ".join(f"'{e}'" for e in ENGINES), "argos"),
        "beam_size": (_count(1), "an integer of at least 1", 4),
        "device": (_one_of("cpu", "cuda", "auto"), "'cpu', 'cuda' or 'auto'", "cpu"),
        "compute_type": (_str, "a CTranslate2 compute type such as 'int8'", "int8"),
        "threads": (_count(0), "an integer of at least 0 (0: the engine's default)", 0),
        "max_length_ratio": (_ratio, "a number of at least 1", 2.0),
        "batch_size": (_count(1), "an integer of at least 1", 32),
        "packages_dir": (lambda v: isinstance(v, str), "a folder path", ""),
        "do_not_translate": (_strs, "a list of strings such as ['Mammadov']", []),
        "memory_threshold": (_percent, "an integer from 0 to 100", 75),
        "executor": (_one_of(*EXECUTORS), " or ".join(f"'{e}'" for e in EXECUTORS), "local"),
        "ray_address": (
            lambda v: isinstance(v, str) and bool(RAY_ADDRESS.fullmatch(v)),
            "'', 'auto', 'HOST:PORT' or 'ray://HOST:PORT'",
            "",
        ),
    },
    "glossary": {
        "file": (_glossary_file, "a .csv or .tbx file such as 'glossary.csv'", ""),
    },
    "check": {
        "disable": (_check_ids, "a list of QA check ids such as ['length']", []),
    },
    "formats": {
        name: (_strs, f"a list of globs of {name} documents such as ['*.mdx']", [])
        for name in FORMATS
    },
}
