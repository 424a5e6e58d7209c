"""Quality checks on translations: what a reviewer should look at before publishing.

Each check compares a translation with its source and reports only what the translation
changed: an unbalanced quote or a stray control character the source has too is not.

============  ========  ===============================================================
check         severity  finds
============  ========  ===============================================================
numbers       error     a number of the source missing from the translation. Digits of
                        any script count (١٢٧٥, ۱۲۷۵ and १२७५ are 1275), and so do
                        locale separators (3,890 = 3.890 = 3 890 = 3 890 with U+00A0 or
                        U+202F), ranges written apart (25-26 = 25–26 = "25 на 26"),
                        abbreviated years (2020-21 = 2020–2021, '90s = 1990-х)
numbers       info      numbers the source lacks (none missing), e.g. "two" written 2
urls          error     a URL or e-mail address of the source not kept unchanged
placeholders  error     %s, %(name)s, {name}, {0}, <b>…</b>, &amp;: not the same multiset
markup        error     inline-markup tags (<b1>…</b1>, <c2/>: :mod:`transflow.markup`)
                        missing, added, repeated or badly nested
terms         error     a do-not-translate term of the source missing from the translation
glossary      warning   the approved translation of a glossary term of the source missing
                        (case and endings aside: :func:`transflow.glossary.present`)
invisible     error     a bidi embedding, override or isolate control (U+202A-202E,
                        U+2066-2069) the source lacks: it changes how text is displayed
invisible     warning   other format/control characters the source lacks: zero-width
                        (U+200B-200D, U+2060, U+FEFF), soft hyphen, LRM/RLM/ALM in a
                        left-to-right language, line/paragraph separators
invisible     info      LRM/RLM/ALM in a right-to-left language; ZWNJ/ZWJ are not reported
                        where spelling uses them (Persian, Urdu, Indic scripts...)
brackets      warning   (), [], {}, double quotes (“” «» „“ and Urdu ”…“) or single
                        quotes (‘’ ‚‘ ‹›) unbalanced in a way the source is not; ’ between
                        letters is an apostrophe, and after a letter it may be one
whitespace    warning   leading or trailing whitespace or a number of line breaks unlike
                        the source's; a doubled space the source does not have
identical     warning   the translation equals the source, which has letters
identical     info      the same for a source of at most three words (names, datelines);
                        nothing when the source is made of do-not-translate terms
length        warning   for a source of 20+ characters, a translation under 0.3 times
                        (Chinese, Japanese, Korean: 0.15) or over 3 times its length
punctuation   warning   the source ends a sentence (. ! ? …) and the translation does not
punctuation   info      the translation ends a sentence and the source does not
============  ========  ===============================================================

Sentence ends include Urdu ۔ and ؟, Arabic ؟, Devanagari । ॥, CJK 。！？, Armenian ։,
Ethiopic ።, Greek ; and others; Thai, Lao and Khmer translations may end without one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from transflow import languages, markup
from transflow.model import Catalog
from transflow.patterns import (
    PLACEHOLDER,
    URL,
    emails,
    plain,
    unmatched_numbers,
    written_numbers,
)

if TYPE_CHECKING:
    from transflow.glossary import Glossary

Issue = tuple[str, str, str]  # (check, severity, message)


@dataclass(frozen=True)
class Finding:
    check: str  # "numbers", "urls", "placeholders", "terms", "whitespace", ...
    severity: str  # "error", "warning" or "info"
    document: str  # document name, e.g. "azerbaijan-pak-support.txt"
    language: str
    reference: str  # e.g. "azerbaijan-pak-support.txt:4"
    path: str  # the PO file
    line: int | None  # line of the entry in the PO file
    msgid: str
    msgstr: str
    message: str  # what is wrong, in plain words, naming the offending text


# --- the checks ------------------------------------------------------------------------


def _check_numbers(source: str, target: str) -> list[Issue]:
    missing, extra = min(
        (unmatched_numbers(source, target, split) for split in (False, True)),
        key=lambda r: len(r[0]),
    )
    extra_text = ", ".join(written_numbers(target, extra))
    if missing:
        has = f" (it has {extra_text}, which the source lacks)" if extra else ""
        return [
            ("numbers", "error", f"the number {number} is not in the translation{has}")
            for number in written_numbers(source, missing)
        ]
    if extra:
        return [("numbers", "info", f"the translation has numbers the source lacks: {extra_text}")]
    return []


def _check_kept(source: str, target: str, terms: Sequence[str]) -> list[Issue]:
    issues: list[Issue] = []
    found = (("URL", URL.findall(source)), ("e-mail address", [m.group() for m in emails(source)]))
    for kind, items in found:
        for item in dict.fromkeys(items):
            if item not in target:
                message = f"the {kind} {item} is not in the translation unchanged"
                issues.append(("urls", "error", message))
    wanted, got = Counter(_placeholders(source)), Counter(_placeholders(target))
    for item in wanted - got:
        issues.append(("placeholders", "error", f"{item} is missing from the translation"))
    for item in got - wanted:
        issues.append(("placeholders", "error", f"the translation adds {item}"))
    for term in terms:
        if term and term in source and term not in target:
            message = f"the do-not-translate term {term!r} is not in the translation"
            issues.append(("terms", "error", message))
    return issues


def _placeholders(text: str) -> list[str]:
    """Placeholders and raw markup; inline-markup tags are the markup check's."""
    return [p for p in PLACEHOLDER.findall(text) if not markup.TAG.fullmatch(p)]


def _check_markup(source: str, target: str) -> list[Issue]:
    return [("markup", "error", problem) for problem in markup.problems(source, target)]


_DOUBLED = re.compile(r"(?<=\S)[ \u00a0\u2009\u202f]{2,}(?=\S)")


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def _check_whitespace(source: str, target: str) -> list[Issue]:
    issues: list[Issue] = []
    pairs = zip(("the translation starts", "it ends"), _edges(source), _edges(target), strict=True)
    for where, s_space, t_space in pairs:
        if s_space != t_space and target.strip():
            message = f"{where} with {t_space!r}, unlike the source ({s_space!r})"
            issues.append(("whitespace", "warning", message))
    t_breaks, s_breaks = target.count("\n"), source.count("\n")
    if t_breaks != s_breaks:
        message = f"the translation has {t_breaks} line breaks, the source {s_breaks}"
        issues.append(("whitespace", "warning", message))
    if len(_DOUBLED.findall(target)) > len(_DOUBLED.findall(source)):
        match = _DOUBLED.search(target)
        assert match is not None
        context = target[max(0, match.start() - 15) : match.end() + 15]
        issues.append(("whitespace", "warning", f"doubled space in the translation: {context!r}"))
    return issues


def _check_identical(source: str, target: str, terms: Sequence[str]) -> list[Issue]:
    if target != source or not any(ch.isalpha() for ch in source):
        return []
    rest = source
    for term in sorted(filter(None, terms), key=len, reverse=True):
        rest = rest.replace(term, " ")
    if not any(ch.isalpha() for ch in rest):
        return []
    short = len([w for w in source.split() if any(ch.isalpha() for ch in w)]) <= 3
    return [("identical", "info" if short else "warning", "the translation equals the source")]


def _check_length(source: str, target: str, language: str) -> list[Issue]:
    s_len, t_len = len(source.strip()), len(target.strip())
    if s_len < 20 or not t_len:
        return []
    ratio = t_len / s_len
    low = 0.15 if languages.base(language) in languages.CJK else 0.3
    if ratio < low:
        message = f"the translation is only {ratio:.0%} as long as the source"
    elif ratio > 3:
        message = f"the translation is {ratio:.1f} times as long as the source"
    else:
        return []
    return [("length", "warning", message)]


_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_MARKS = set("\u200e\u200f\u061c")
_JOINERS = set("\u200c\u200d")


def _invisible(text: str) -> Counter[str]:
    if text.isprintable():  # the common case: no Cc, Cf, Zl, Zp (nor Zs but the space)
        return Counter()
    kinds = ("Cf", "Cc", "Zl", "Zp")
    return Counter(ch for ch in text if unicodedata.category(ch) in kinds and ch not in "\n\t\r")


def _check_invisible(source: str, target: str, language: str) -> list[Issue]:
    issues: list[Issue] = []
    base = languages.base(language)
    for ch, count in (_invisible(target) - _invisible(source)).items():
        name = f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"
        times = f" ({count} times)" if count > 1 else ""
        if ch in _BIDI_CONTROLS:
            message = f"stray bidi control {name}{times}: it changes how the text is displayed"
            issues.append(("invisible", "error", message))
        elif ch in _JOINERS and base in languages.JOINING:
            continue
        else:
            rtl = languages.direction(language) == "rtl"
            severity = "info" if ch in _BIDI_MARKS and rtl else "warning"
            issues.append(("invisible", severity, f"invisible character {name}{times}"))
    return issues


# A family's signed count under one convention: +1 opens, -1 closes. A straight quote
# opens or closes; ’ between letters or digits is an apostrophe, and next to one ("farmers’",
# "’90s") it closes only a quote left open.
_DOUBLE = {
    "default": {"“": 1, "”": -1, "„": 1, "«": 1, "»": -1},
    "low": {"„": 1, "“": -1, "”": -1, "«": 1, "»": -1},  # de, ru, pl, cs...
    "urdu": {"”": 1, "“": -1, "«": 1, "»": -1},  # Urdu press: ”…“
}
_SINGLE = {
    "default": {"‘": 1, "‚": 1, "‹": 1, "›": -1},
    "low": {"‚": 1, "‘": -1, "‹": 1, "›": -1},
}


def _nets(text: str, weights: dict[str, int], double: bool) -> set[int]:
    """The signed counts `text` may have for one family of quotes under one convention."""
    if double:
        net = sum(text.count(ch) * weight for ch, weight in weights.items())
        return {net - 1, net + 1} if text.count('"') % 2 else {net}
    depth = stray = 0
    for found in re.finditer(f"[’{''.join(weights)}]", text):
        i, ch = found.start(), found.group()
        weight = weights.get(ch, 0)
        if ch == "’":
            after = i > 0 and text[i - 1].isalnum()
            before = i + 1 < len(text) and text[i + 1].isalnum()
            weight = 0 if (after and before) or ((after or before) and not depth) else -1
        if weight > 0:
            depth += 1
        elif weight < 0 and depth:
            depth -= 1
        elif weight < 0:
            stray += 1
    return {depth - stray}


def _quotes(text: str, styles: dict[str, dict[str, int]], double: bool, urdu: bool) -> set[int]:
    """The signed counts `text` may have for a family of quotes, under the conventions that
    may apply: Urdu's for Urdu, the low-9 one where a low-9 quote („ ‚) is used."""
    names = ["urdu"] * urdu + ["default"] + ["low"] * (("„" if double else "‚") in text)
    return set().union(*(_nets(text, styles.get(name, {}), double) for name in names))


def _net(text: str, pair: str) -> int:
    return text.count(pair[0]) - text.count(pair[1])


def _check_brackets(source: str, target: str, language: str) -> list[Issue]:
    urdu = languages.base(language) == "ur"
    issues: list[Issue] = []
    for chars, s_nets, t_nets in (
        *((p, {_net(source, p)}, {_net(target, p)}) for p in ("()", "[]", "{}")),
        ('"“”„«»', _quotes(source, _DOUBLE, True, False), _quotes(target, _DOUBLE, True, urdu)),
        ("‘’‚‹›", _quotes(source, _SINGLE, False, False), _quotes(target, _SINGLE, False, urdu)),
    ):
        if not s_nets & t_nets:
            s_has = "".join(ch for ch in source if ch in chars) or "none"
            t_has = "".join(ch for ch in target if ch in chars) or "none"
            message = f"{chars} do not pair up as in the source: the translation has {t_has}, "
            issues.append(("brackets", "warning", message + f"the source {s_has}"))
    return issues


_CLOSERS = " \t\n\u00a0\"'“”„‘’‚«»‹›)]}）」』"  # may follow a sentence's end


def _ends_sentence(text: str, language: str) -> bool:
    last = text.rstrip(_CLOSERS)[-1:]
    if last in (";", "\u037e"):  # the Greek question mark; a semicolon elsewhere
        return languages.base(language) == "el"
    return bool(last) and last in languages.SENTENCE_ENDS


def _check_punctuation(source: str, target: str, language: str) -> list[Issue]:
    s_end, t_end = _ends_sentence(source, "en"), _ends_sentence(target, language)
    if s_end and not t_end and languages.base(language) not in languages.NO_FULL_STOP:
        mark = source.rstrip(_CLOSERS)[-1]
        message = f"the source ends a sentence with {mark!r} and the translation does not"
        return [("punctuation", "warning", message)]
    if t_end and not s_end:
        mark = target.rstrip(_CLOSERS)[-1]
        message = f"the translation ends a sentence with {mark!r} and the source does not"
        return [("punctuation", "info", message)]
    return []


def _check_glossary(source: str, target: str, language: str, words: Glossary) -> list[Issue]:
    return [
        (
            "glossary",
            "warning",
            f"the glossary has {term.source!r} = {approved!r}, which the translation lacks",
        )
        for term, approved in words.missing(source, target, language)
    ]


# --- entry points ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Pair:
    """What a check looks at: one translation and its source."""

    source: str
    target: str
    plain_source: str  # without placeholders and markup
    plain_target: str
    language: str
    terms: Sequence[str]
    glossary: Glossary | None


# The checks, in the order their findings come, each with the ids of what it reports (a
# project turns ids off with `[check] disable`).
CHECKS: tuple[tuple[tuple[str, ...], Callable[[_Pair], list[Issue]]], ...] = (
    (("numbers",), lambda p: _check_numbers(p.plain_source, p.plain_target)),
    (("urls", "placeholders", "terms"), lambda p: _check_kept(p.source, p.target, p.terms)),
    (("markup",), lambda p: _check_markup(p.source, p.target)),
    (("invisible",), lambda p: _check_invisible(p.source, p.target, p.language)),
    (("brackets",), lambda p: _check_brackets(p.plain_source, p.plain_target, p.language)),
    (("whitespace",), lambda p: _check_whitespace(p.source, p.target)),
    (("identical",), lambda p: _check_identical(p.source, p.target, p.terms)),
    (("length",), lambda p: _check_length(p.source, p.target, p.language)),
    (("punctuation",), lambda p: _check_punctuation(p.source, p.target, p.language)),
    (
        ("glossary",),
        lambda p: _check_glossary(p.source, p.target, p.language, p.glossary) if p.glossary else [],
    ),
)
CHECK_IDS = tuple(name for names, _ in CHECKS for name in names)


def check_entry(
    source: str,
    target: str,
    language: str,
    terms: Sequence[str] = (),
    glossary: Glossary | None = None,
    disabled: Collection[str] = (),
) -> list[Issue]:
    """(check, severity, message) for one translation; [] when it is clean (or empty).
    The `glossary`'s do-not-translate terms count as `terms`; `disabled` check ids are
    not run (or not reported)."""
    if not target:
        return []
    if glossary is not None:
        terms = tuple(dict.fromkeys((*terms, *glossary.kept(source, language))))
    pair = _Pair(source, target, plain(source), plain(target), language, terms, glossary)
    return [
        issue
        for names, check in CHECKS
        if not all(name in disabled for name in names)
        for issue in check(pair)
        if issue[0] not in disabled
    ]


def check_catalog(
    document: str,
    language: str,
    path: Path,
    catalog: Catalog,
    terms: Sequence[str] = (),
    glossary: Glossary | None = None,
    disabled: Collection[str] = (),
) -> list[Finding]:
    """Findings for every non-obsolete entry with a msgstr, accepted and fuzzy alike."""
    findings = []
    for entry in catalog.entries:
        if entry.obsolete or not entry.msgstr or not entry.msgid:
            continue
        reference = " ".join(entry.references) or document
        where = (document, language, reference, str(path), entry.line, entry.msgid, entry.msgstr)
        issues = check_entry(entry.msgid, entry.msgstr, language, terms, glossary, disabled)
        for check, severity, message in issues:
            findings.append(Finding(check, severity, *where, message))
    return findings
