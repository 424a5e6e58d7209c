"""What transflow knows about languages, in one place: which codes it accepts, the
direction of their script, whether they put spaces between sentences, which joiners they
use, how their sentences end.

A language is a tag as the project writes it (``ur``, ``pt_BR``, ``zh-Hant``,
``ku-Arab``): its primary subtag decides, unless a script subtag says otherwise (Kurdish
is written in Latin letters as ``ku`` and in Arabic script as ``ku-Arab`` or ``ckb``).
"""

from __future__ import annotations

import functools
import re

# primary subtags whose usual script runs right to left
RTL = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand"})
LTR_SCRIPTS = frozenset({"latn", "cyrl", "deva", "grek", "armn", "geor"})
# written without spaces between words or sentences
NO_SPACE = frozenset({"ja", "zh", "yue", "th", "lo", "my", "km", "bo"})
CJK = frozenset({"zh", "ja", "ko", "yue"})
# scripts where ZWNJ/ZWJ are part of normal spelling
JOINING = RTL | frozenset("hi mr ne sa bn as pa gu or ta te kn ml si my km".split())
# characters that end a sentence, in every script transflow knows (Urdu ۔ and ؟ included)
SENTENCE_ENDS = frozenset(".!?…۔؟।॥。！？．‼⁇‽։።፧။།។")
NO_FULL_STOP = frozenset({"th", "lo", "km"})  # sentences often end without a mark


def _subtags(language: str) -> list[str]:
    return language.replace("_", "-").lower().split("-")


def base(language: str) -> str:
    """The primary subtag: ``pt_BR`` -> ``pt``."""
    return _subtags(language)[0]


def script(language: str) -> str | None:
    """The script subtag, lower-case (``zh-Hant`` -> ``hant``), if the tag has one."""
    for tag in _subtags(language)[1:]:
        if len(tag) == 4 and tag.isalpha():
            return tag
    return None


def direction(language: str) -> str:
    """``rtl`` or ``ltr``: the ``dir`` of text in `language`."""
    written = script(language)
    if written in RTL_SCRIPTS:
        return "rtl"
    if written in LTR_SCRIPTS:
        return "ltr"
    return "rtl" if base(language) in RTL else "ltr"


def separator(language: str) -> str:
    """What goes between sentences that the source wrote with no space between them."""
    return "" if base(language) in NO_SPACE else " "


# A BCP 47 tag (RFC 5646) as gettext and Argos write them: a lower-case language, then
# subtags of 1-8 letters or digits after '-' or '_' (pt-BR, pt_BR, zh-Hant, sr-Latn-RS,
# de-CH-1996, en-x-custom). Only letters, digits, '-' and '_': a code names folders.
_LANG_RE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*")
_GETTEXT_SCRIPTS = {"latin": "Latn", "cyrillic": "Cyrl", "devanagari": "Deva", "arabic": "Arab"}


@functools.lru_cache(maxsize=256)
def language_problem(code: str) -> str | None:
    """Why `code` is not a language code transflow accepts, or None when it is one.

    Codes name folders (``locales/<code>/``, ``build/<code>/``), so anything with a path
    separator, a dot or another character outside BCP 47 is refused. A gettext locale
    with a modifier (``sr@latin``) is refused with the BCP 47 tag that says the same."""
    if len(code) <= 35 and _LANG_RE.fullmatch(code):
        return None
    if "@" in code and _LANG_RE.fullmatch(code.split("@", 1)[0]):
        language, modifier = code.split("@", 1)
        script = _GETTEXT_SCRIPTS.get(modifier.lower())
        hint = f"'{language}-{script}'" if script else "e.g. 'sr-Latn'"
        return (
            f"{code!r} is a gettext locale name with a modifier; write it as a BCP 47 tag: {hint}"
        )
    return (
        f"{code!r} is not a language code: a BCP 47 tag such as 'az', 'pt-BR' (or pt_BR) "
        "or 'zh-Hant' is expected"
    )
