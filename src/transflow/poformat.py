"""Write a catalog as PO text, byte for byte as GNU ``msgcat`` prints it.

The reference is gettext 0.21 (``write-po.c``) with libunistring 1.0 (Unicode 14) and the
default options: UTF-8, page width 79, no indentation.  Strings are wrapped the way
``wrap()`` in ``write-po.c`` does it: the escaped text of each ``\\n``-terminated portion goes
through ``ulc_width_linebreaks``, i.e. libunistring's pair-table variant of the Unicode line
breaking algorithm (UAX #14), ported below.  Line breaking classes come from ``uniseg``'s
Unicode database, mapped onto libunistring's classes; display widths follow ``uc_width``.

Normalisations ``msgcat`` applies are applied here too, so that the output is a fixed point
of ``msgcat``: references lose a leading ``./`` and duplicates, flags are reordered
(``fuzzy`` first, then format flags in gettext's order, ``range:``, ``no-wrap``) and unknown
flags are dropped, ``fuzzy`` is dropped from entries with an empty msgstr, obsolete entries
go to the end and are dropped when their msgstr is empty.  Beyond msgcat: a previous msgctxt
is written only with a previous msgid (alone it is a syntax error), and a comment line that
ends in a backslash gets a trailing space (gettext would join it to the next line).

Not modelled: breaks inside format directives, which msgcat suppresses for entries with a
format flag (only matters for directives that contain a space, such as ``% d``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from uniseg.linebreak import line_break  # type: ignore[import-untyped]

from transflow.model import Catalog, Entry

__all__ = ["PAGE_WIDTH", "format_catalog"]

PAGE_WIDTH = 79

# Format flags in the order of gettext 0.21's format_language[] (format.c).
_FORMATS = (
    "c objc python python-brace java java-printf csharp javascript scheme lisp elisp librep"
    " ruby sh awk lua object-pascal smalltalk qt qt-plural kde kde-kuit boost tcl perl"
    " perl-brace php gcc-internal gfc-internal ycp"
).split()
_FORMAT_FLAG = re.compile(r"(no-|possible-|impossible-)?([a-z-]+)-format")
_RANGE_FLAG = re.compile(r"range: *[0-9]+\.\.[0-9]+")

# C escapes written by write-po.c; everything else is written as is.
_ESCAPES = {
    "\a": "a",
    "\b": "b",
    "\f": "f",
    "\n": "n",
    "\r": "r",
    "\t": "t",
    "\v": "v",
    "\\": "\\",
    '"': '"',
}

# libunistring 1.0 lbrktables.c: unilbrk_table[before][after], D = direct break,
# I = break only after spaces, P = prohibited.  (Its ID2 class, unassigned code points that
# may become emoji, is folded into ID; the two differ only before an emoji modifier.)
_CLASSES = "WJ GL B2 BA BB HY CL CP1 CP2 EX IN NS OP1 OP2 QU IS NU PO PR SY AL H2 H3 ID JL JV JT"
_CLASSES += " HL RI ZWJ EB EM"
_INDEX = {name: i for i, name in enumerate(_CLASSES.split())}
_PAIR_TABLE = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIII",  # WJ
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIII",  # GL
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDD",  # B2
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDD",  # BA
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIII",  # BB
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDD",  # HY
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDD",  # CL
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDIDIDD",  # CP1
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDD",  # CP2
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDD",  # EX
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDD",  # IN
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDD",  # NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OP1
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",  # OP2
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIII",  # QU
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDD",  # IS
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDIDIDD",  # NU
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDIDIDD",  # PO
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIDIII",  # PR
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDIDDDD",  # SY
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDIDIDD",  # AL
    "PIDIDIPPPPIIDDIPDIDPDDDDDIIDDDDD",  # H2
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIDDDDD",  # H3
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDD",  # ID
    "PIDIDIPPPPIIDDIPDIDPDIIDIIDDDDDD",  # JL
    "PIDIDIPPPPIIDDIPDIDPDDDDDIIDDDDD",  # JV
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIDDDDD",  # JT
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDIDIDD",  # HL
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDD",  # RI
    "PIDIDIPPPPIIIDIPIIIPIDDIDDDIDIII",  # ZWJ
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDI",  # EB
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDD",  # EM
)
# UAX #14 classes (Unicode 16, as uniseg has them) that libunistring 1.0 resolves or lacks.
_ALIASES = {
    "AI": "AL",  # ambiguous: alphabetic outside CJK encodings
    "SA": "AL",  # complex context: not handled
    "XX": "AL",
    "SG": "AL",
    "AK": "AL",  # Brahmic classes, new in Unicode 15.1
    "AP": "AL",
    "AS": "AL",
    "VI": "CM",
    "VF": "CM",
    "CB": "ID",
    "CJ": "NS",
    "NL": "BK",
}
# Unassigned code points that uc_width counts as 2 columns.
_WIDE_UNASSIGNED = (
    (0x2E80, 0xA4CF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE6F),
    (0xFF00, 0xFF00),
    (0x1F200, 0x1F2FF),
    (0x20000, 0x3FFFF),
)
# Reserved ranges that libunistring 1.0 gives a class; other unassigned code points are XX.
_UNASSIGNED = (
    (0x20C0, 0x20CF, "PR"),
    (0xF900, 0xFAFF, "ID"),
    (0x1F000, 0x1FAFF, "ID"),
    (0x1FC00, 0x1FFFD, "ID"),
    (0x20000, 0x3FFFD, "ID"),
)
_PROHIBITED, _POSSIBLE, _MANDATORY = 0, 1, 2


@functools.cache
def _lb_class(ch: str) -> str:
    cp = ord(ch)
    if unicodedata.category(ch) == "Cn":  # unassigned in Unicode 14
        return next((cls for low, high, cls in _UNASSIGNED if low <= cp <= high), "AL")
    if 0x0600 <= cp <= 0x0605 or cp in (0x06DD, 0x0890, 0x0891, 0x08E2):
        return "AL"  # Arabic number marks: NU only since Unicode 15.1
    cls = str(line_break(ch).name)
    if cls in ("OP", "CP"):
        return cls + ("2" if unicodedata.east_asian_width(ch) in "WFH" else "1")
    return _ALIASES.get(cls, cls)


@functools.cache
def _width(ch: str) -> int:
    """Columns of `ch` as libunistring's uc_width(ch, "UTF-8"); control characters count 0."""
    cp = ord(ch)
    cat = unicodedata.category(ch)
    if cat == "Cn":
        return 2 if any(low <= cp <= high for low, high in _WIDE_UNASSIGNED) else 1
    if cat in ("Cc", "Cf") or unicodedata.bidirectional(ch) == "NSM":
        return 0
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return 0  # conjoining Hangul jamo: vowels and final consonants
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _possible_breaks(chars: list[str]) -> list[int]:
    """libunistring 1.0 u8_possible_linebreaks: the break status before each character."""
    result = [_PROHIBITED] * len(chars)
    prev = last = "BK"  # previous character; last one that is not a space
    seen_space = False
    ri_count = 0
    for i, ch in enumerate(chars):
        prop = _lb_class(ch)
        if prop in ("BK", "LF", "CR"):
            result[i] = _MANDATORY
            prev, last, seen_space = prop, "BK", False
        else:
            if prop == "SP":
                seen_space = True
            elif prop == "ZW":
                last, seen_space = "ZW", False
            elif prop in ("CM", "ZWJ"):
                if last == "BK":
                    last, seen_space = "AL", False
                elif last == "ZW" or seen_space:
                    result[i] = _POSSIBLE
                    last, seen_space = "AL", False
            else:
                if last == "ZW":
                    result[i] = _POSSIBLE
                elif last == "BK" or prev in ("ZWJ", "HL_BA"):
                    pass
                elif last == "RI" and prop == "RI":
                    result[i] = _POSSIBLE if seen_space or ri_count % 2 == 0 else _PROHIBITED
                else:
                    rule = _PAIR_TABLE[_INDEX[last]][_INDEX[prop]]
                    if rule == "D" or (rule == "I" and seen_space):
                        result[i] = _POSSIBLE
                last, seen_space = prop, False
            prev = "HL_BA" if prev == "HL" and prop in ("HY", "BA") else prop
        ri_count = ri_count + 1 if prop == "RI" else 0
    return result


def _width_breaks(chars: list[str], overrides: list[int | None], width: int, col: int) -> set[int]:
    """libunistring u8_width_linebreaks: the indices before which a line is broken."""
    breaks: set[int] = set()
    last_break: int | None = None
    piece = 0
    for i, (ch, brk) in enumerate(zip(chars, _possible_breaks(chars), strict=True)):
        override = overrides[i]
        if override is not None:
            brk = override
        if brk != _PROHIBITED and last_break is not None and col + piece > width:
            breaks.add(last_break)
            col = 0
        if brk == _MANDATORY:
            last_break, col, piece = None, 0, 0
        else:
            if brk == _POSSIBLE:
                last_break, col, piece = i, col + piece, 0
            piece += _width(ch)
    if last_break is not None and col + piece > width:
        breaks.add(last_break)
    return breaks


def _wrap(out: list[str], prefix: str, name: str, value: str, do_wrap: bool) -> None:
    """write-po.c wrap(): `name "value"` in lines of at most PAGE_WIDTH columns."""
    after_break = len(prefix) + 1
    width = (PAGE_WIDTH if do_wrap else 2**31 - 1) - 1 - after_break
    portions = re.findall(r"[^\n]*\n|[^\n]+", value) or [""]
    first_line = True
    for number, portion in enumerate(portions, 1):
        chars: list[str] = []
        overrides: list[int | None] = []
        for ch in portion:
            if ch in _ESCAPES:
                chars += ["\\", _ESCAPES[ch]]
                overrides += [None, _PROHIBITED]
            else:
                chars.append(ch)
                overrides.append(None)
        if portion.endswith("\n"):
            overrides[-2] = _PROHIBITED  # no break just before the final \n
        while True:
            col = len(prefix) + (len(name) + 1 if first_line else 0) + 1 - after_break
            breaks = _width_breaks(chars, overrides, width, col)
            if not (first_line and chars and (number < len(portions) or col > width or breaks)):
                break
            out.append(f'{prefix}{name} ""')
            first_line = False
        line = prefix + (name + " " if first_line else "") + '"'
        first_line = False
        for i, ch in enumerate(chars):
            if i in breaks:
                out.append(line + '"')
                line = prefix + '"'
            line += ch
        out.append(line + '"')


def _reference(ref: str) -> str:
    """A reference as msgcat writes it back: no leading ./, line number without zeros."""
    while ref.startswith("./"):
        ref = ref[2:]
    match = re.fullmatch(r"(.+):([0-9]+)", ref, re.DOTALL)
    return f"{match[1]}:{int(match[2])}" if match else ref


def _flags(entry: Entry) -> tuple[list[str], bool]:
    """The flags msgcat keeps, in its order, and whether strings are wrapped."""
    formats: dict[str, str] = {}
    ranges: list[str] = []
    do_wrap = True
    for flag in entry.flags:
        match = _FORMAT_FLAG.fullmatch(flag)
        if match and match[2] in _FORMATS:
            kind = match[1] or ""
            formats[match[2]] = "" if kind == "possible-" else kind
        elif _RANGE_FLAG.fullmatch(flag):
            low, high = re.findall(r"[0-9]+", flag)
            ranges = [f"range: {int(low)}..{int(high)}"]
        elif flag in ("wrap", "no-wrap"):
            do_wrap = flag == "wrap"
    flags = ["fuzzy"] if entry.fuzzy and entry.msgstr else []
    flags += [
        f"{formats[lang]}{lang}-format"
        for lang in _FORMATS
        if lang in formats and formats[lang] != "impossible-"
    ]
    flags += ranges + ([] if do_wrap else ["no-wrap"])
    return flags, do_wrap


def _comment_lines(out: list[str], mark: str, comments: tuple[str, ...]) -> None:
    for comment in comments:
        for line in comment.split("\n"):
            if line.endswith("\\"):
                line += " "  # gettext's lexer joins a line ending in a backslash to the next
            out.append(f"{mark} {line}" if line else mark)


def _entry(out: list[str], entry: Entry) -> None:
    obsolete = entry.obsolete
    _comment_lines(out, "#", entry.translator_comments)
    _comment_lines(out, "#.", entry.extracted_comments)
    if entry.references:
        refs = list(dict.fromkeys(_reference(ref) for ref in entry.references))
        line, column = "#:", 2
        for ref in refs:
            size = len(ref.encode()) + 1
            if column > 2 and column + size > PAGE_WIDTH:
                out.append(line)
                line, column = "#:", 2
            line += " " + ref
            column += size
        out.append(line)
    flags, do_wrap = _flags(entry)
    if obsolete:  # msgcat writes no other flag there, so it will not see no-wrap either
        flags, do_wrap = ["fuzzy"] if entry.fuzzy else [], True
    if flags:
        out.append("#, " + ", ".join(flags))
    previous = "#~| " if obsolete else "#| "
    if entry.previous_msgid is not None:  # a previous msgctxt alone is a syntax error
        if entry.previous_msgctxt is not None:
            _wrap(out, previous, "msgctxt", entry.previous_msgctxt, do_wrap)
        _wrap(out, previous, "msgid", entry.previous_msgid, do_wrap)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        _wrap(out, prefix, "msgctxt", entry.msgctxt, do_wrap)
    _wrap(out, prefix, "msgid", entry.msgid, do_wrap)
    _wrap(out, prefix, "msgstr", entry.msgstr, do_wrap)


def format_catalog(catalog: Catalog) -> str:
    """The PO/POT text of `catalog`, byte for byte what `msgcat` (default options, UTF-8) would
    print when given this file: same wrapping at the default page width, same escaping, same
    comment order, obsolete entries at the end as msgcat leaves them."""
    entries: list[Entry] = []
    if catalog.header or catalog.header_comments or catalog.header_fuzzy:
        header = "".join(f"{name}: {value}\n" for name, value in catalog.header)
        flags = ("fuzzy",) if catalog.header_fuzzy else ()
        entries.append(Entry("", header, translator_comments=catalog.header_comments, flags=flags))
    entries += [entry for entry in catalog.entries if not entry.obsolete]
    entries += [entry for entry in catalog.entries if entry.obsolete and entry.msgstr]
    blocks: list[str] = []
    for entry in entries:
        out: list[str] = []
        _entry(out, entry)
        blocks.append("".join(line + "\n" for line in out))
    return "\n".join(blocks)
