"""libunistring 1.0's line breaking (UAX #14), ported to Python: gettext's line breaker
where libunistring itself cannot be loaded (see :mod:`transflow.linebreak`).

``msgcat`` wraps each string with ``ulc_width_linebreaks``: the pair-table variant of the
Unicode line breaking algorithm, with display widths from ``uc_width``. Classes come from
``uniseg``'s Unicode database, mapped onto libunistring 1.0's (Unicode 14) classes.
:class:`Portion` gives the breaks of one escaped string portion at a page width.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence

from uniseg.linebreak import line_break  # type: ignore[import-untyped]

__all__ = ["Portion"]

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


class _Codes(dict[int, str]):
    """Code point -> a one-character code of its line-break class, filled on first use, so
    that ``str.translate`` gives a string's classes at C speed."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}  # class name -> code
        self.classes: dict[str, str] = {}  # code -> class name
        self.history = ""  # the codes of the _HISTORY classes met so far
        self.self_breaking = ""  # the codes of the _SELF_BREAKING classes met so far

    def __missing__(self, cp: int) -> str:
        name = _lb_class(chr(cp))
        code = self.names.get(name)
        if code is None:
            code = self.names[name] = chr(0x41 + len(self.names))
            self.classes[code] = name
            self.history += code if name in _HISTORY else ""
            self.self_breaking += code if name in _SELF_BREAKING else ""
        self[cp] = code
        return code


class _Widths(dict[int, int]):
    def __missing__(self, cp: int) -> int:
        width = self[cp] = _width(chr(cp))
        return width


_CODES = _Codes()
_WIDTHS = _Widths()
_RUN = re.compile(r"(.)\1*", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Classes whose runs need the character-by-character rules; any other class X repeated
# is X X X..., whose breaks are all given by the pair table's entry for X before X.
_CHAR_BY_CHAR = frozenset({"BK", "LF", "CR", "SP", "ZW", "CM", "ZWJ", "RI", "HY", "BA"})


def _possible_breaks(text: str) -> list[int]:
    """libunistring 1.0 u8_possible_linebreaks: the break status before each character.

    Works run by run (a word is one run): the rules look at the classes of the previous
    characters only through `last` and `prev`, which a run of one class repeats."""
    result = [_PROHIBITED] * len(text)
    prev = last = "BK"  # previous character; last one that is not a space
    seen_space = False
    ri_count = 0
    codes = text.translate(_CODES)
    for run in _RUN.finditer(codes):
        start, end = run.span()
        prop = _CODES.classes[codes[start]]
        repeated = end - start > 1 and prop not in _CHAR_BY_CHAR
        for i in range(start, start + 1 if repeated else end):
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
                        even = seen_space or ri_count % 2 == 0
                        result[i] = _POSSIBLE if even else _PROHIBITED
                    else:
                        rule = _PAIR_TABLE[_INDEX[last]][_INDEX[prop]]
                        if rule == "D" or (rule == "I" and seen_space):
                            result[i] = _POSSIBLE
                    last, seen_space = prop, False
                prev = "HL_BA" if prev == "HL" and prop in ("HY", "BA") else prop
            ri_count = ri_count + 1 if prop == "RI" else 0
        if repeated and _PAIR_TABLE[_INDEX[prop]][_INDEX[prop]] == "D":
            result[start + 1 : end] = [_POSSIBLE] * (end - start - 1)
    return result


def _width_breaks(
    text: str, opportunities: list[tuple[int, int]], width: int, col: int
) -> list[int]:
    """libunistring u8_width_linebreaks: the indices before which a line is broken.

    Only the break opportunities, (index, status) pairs, are visited; the widths in between
    come from prefix sums."""
    total = _columns(text)
    breaks: list[int] = []
    last_break: int | None = None
    piece_start = 0
    for i, brk in opportunities:
        if last_break is not None and col + total[i] - total[piece_start] > width:
            breaks.append(last_break)
            col = 0
        if brk == _MANDATORY:
            last_break, col, piece_start = None, 0, i + 1
        else:
            col += total[i] - total[piece_start]
            last_break, piece_start = i, i
    if last_break is not None and col + total[-1] - total[piece_start] > width:
        breaks.append(last_break)
    return breaks


def _columns(text: str) -> Sequence[int]:
    """Prefix sums of the characters' widths: columns of text[:i] at index i."""
    if text.isascii() and not _CONTROL.search(text):
        return range(len(text) + 1)  # one column a character
    return [0, *itertools.accumulate(map(_WIDTHS.__getitem__, map(ord, text)))]


class Portion:
    """One escaped, newline-terminated portion of a string, and its line breaks.

    Most text has none of the classes whose rules need the whole history (mandatory
    breaks, combining marks, ZW, ZWJ, regional indicators); there, whether a break may
    come before a character depends only on the characters back to the previous non-space
    one, so only the few places around each line's end are looked at (:meth:`_local`),
    with the same result as running the whole algorithm (:func:`_width_breaks`)."""

    def __init__(self, text: str, no_break: set[int]) -> None:
        self.text = text
        self.no_break = no_break  # indices where a break is prohibited whatever the rules say
        self.total = _columns(text)
        self.codes = ""
        self.opportunities: list[tuple[int, int]] | None = None
        self.candidates: list[int] | None = None

    def breaks(self, width: int, col: int, first: bool = False) -> list[int]:
        """Where the lines break, the first line starting at column `col` (`first`: stop at
        the first break, when only whether there is one matters)."""
        if col + self.total[-1] <= width:
            return []  # it all fits: no break whatever the opportunities
        if not self.codes:
            self.codes = self.text.translate(_CODES)
            if any(code in self.codes for code in _CODES.history):
                possible = _possible_breaks(self.text)
                for i in self.no_break:
                    possible[i] = _PROHIBITED
                self.opportunities = [(i, brk) for i, brk in enumerate(possible) if brk]
        if self.opportunities is not None:
            return _width_breaks(self.text, self.opportunities, width, col)
        return self._local(width, col, first)

    def _may_break(self, i: int) -> bool:
        codes, classes = self.codes, _CODES.classes
        space = _CODES.names.get("SP")
        prop = classes[codes[i]]
        if prop == "SP" or i in self.no_break:
            return False
        j = i - 1
        while j >= 0 and codes[j] == space:
            j -= 1
        if j < 0:
            return False  # nothing but spaces before: the start of the text
        last = classes[codes[j]]
        seen_space = j < i - 1
        if not seen_space and last in ("HY", "BA") and j and classes[codes[j - 1]] == "HL":
            return False
        rule = _PAIR_TABLE[_INDEX[last]][_INDEX[prop]]
        return rule == "D" or (rule == "I" and seen_space)

    def _candidates(self) -> list[int]:
        """Where a break can be at all: where the class changes (never inside a word of
        letters), or anywhere when a class may break before itself (ideographs)."""
        if any(code in self.codes for code in _CODES.self_breaking):
            return list(range(1, len(self.codes)))
        return list(map(re.Match.start, _boundary(_CODES.names.get("SP")).finditer(self.codes, 1)))

    def _local(self, width: int, col: int, first: bool = False) -> list[int]:
        total, end = self.total, len(self.text)
        if self.candidates is None:
            self.candidates = self._candidates()
        candidates, may_break = self.candidates, self._may_break
        breaks: list[int] = []
        start = 0
        while col + total[end] - total[start] > width:
            # the last index whose text from `start` still fits on the line
            fits = bisect.bisect_right(total, total[start] + width - col) - 1
            k = bisect.bisect_right(candidates, start)
            while k < len(candidates) and not may_break(candidates[k]):
                k += 1
            if k == len(candidates):
                break
            cut = candidates[k]
            j = bisect.bisect_right(candidates, min(fits, end - 1)) - 1
            while j > k:
                if may_break(candidates[j]):
                    cut = candidates[j]
                    break
                j -= 1
            breaks.append(cut)
            if first:
                break
            start, col = cut, 0
        return breaks


# Classes whose rules depend on more than the previous non-space character.
_HISTORY = ("BK", "LF", "CR", "ZW", "CM", "ZWJ", "RI")
# Classes that may break before a character of their own class.
_SELF_BREAKING = tuple(name for name, i in _INDEX.items() if _PAIR_TABLE[i][i] == "D")


@functools.cache
def _boundary(space: str | None) -> re.Pattern[str]:
    """Where the class code changes to one that is not a space (no break comes before one)."""
    following = f"[^{re.escape(space)}]" if space else "."
    return re.compile(rf"(?<=(.))(?!\1)(?={following})", re.DOTALL)
