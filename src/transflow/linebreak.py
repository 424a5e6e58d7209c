"""Where gettext breaks a line: GNU libunistring's own line breaker, or a port of it.

``msgcat`` wraps each string portion with libunistring's ``ulc_width_linebreaks`` (UAX #14
with libunistring's pair table, display widths from ``uc_width``). Where the shared library
that gettext links (``libunistring.so.2`` or ``.so.5``) can be loaded, :func:`breaks` calls
its UTF-32 twin ``u32_width_linebreaks`` (``ulc_width_linebreaks`` hands UTF-8 to
``u8_width_linebreaks``, the same code) through :mod:`ctypes`: the same rules and Unicode
tables as the ``msgcat`` on the machine, at C speed. Elsewhere it falls back to
:mod:`transflow.uax14`, a pure-Python port of libunistring 1.0, about five times slower; the
two agree (tested).
"""

from __future__ import annotations

import ctypes
import re
import sys
from collections.abc import Callable, Collection

__all__ = ["backend", "breaks", "fits"]

# libunistring's unilbrk.h: UC_BREAK_PROHIBITED, UC_BREAK_POSSIBLE.
_PROHIBITED, _POSSIBLE = 1, b"\x02"
_LIBRARIES = ("libunistring.so.5", "libunistring.so.2", "libunistring.so", "libunistring.dylib")

Breaker = Callable[[str, int, int, Collection[int]], list[int]]


def _native() -> Breaker | None:
    """``u32_width_linebreaks`` from the system's libunistring, or None."""
    for name in _LIBRARIES:
        try:
            function = ctypes.CDLL(name).u32_width_linebreaks
        except (OSError, AttributeError):
            continue
        function.restype = ctypes.c_int
        function.argtypes = [
            ctypes.c_char_p,  # s: UTF-32, in the machine's byte order
            ctypes.c_size_t,  # n: its characters
            ctypes.c_int,  # width
            ctypes.c_int,  # start_column
            ctypes.c_int,  # at_end_columns
            ctypes.c_char_p,  # override, or NULL
            ctypes.c_char_p,  # encoding (for display widths)
            ctypes.c_char_p,  # p: the result, one status a character
        ]
        return _calling(function)
    return None


# UTF-32: a status per character, so that no index is mapped between bytes and characters.
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
# The result buffer for a text of up to this many characters (ctypes.create_string_buffer
# makes an array type for each new length: 3.5 us a call in an extract, measured).
_RESULT_SIZE = 1024
_Result = ctypes.c_char * _RESULT_SIZE


def _calling(function: Callable[..., int]) -> Breaker:
    def native(text: str, width: int, col: int, no_break: Collection[int]) -> list[int]:
        size = len(text)
        override = None
        if no_break:
            marks = bytearray(size)
            for i in no_break:
                marks[i] = _PROHIBITED
            override = bytes(marks)
        result = _Result() if size <= _RESULT_SIZE else ctypes.create_string_buffer(size)
        function(text.encode(_UTF32), size, width, col, 0, override, b"UTF-8", result)
        status = result.raw  # zeros after `size`
        found = []
        i = status.find(_POSSIBLE)
        while i >= 0:
            found.append(i)
            i = status.find(_POSSIBLE, i + 1)
        return found

    return native


def _port(text: str, width: int, col: int, no_break: Collection[int]) -> list[int]:
    from transflow.uax14 import Portion

    return Portion(text, set(no_break)).breaks(width, col)


_breaker: Breaker | None = None


def backend() -> str:
    """Which line breaker :func:`breaks` uses: "libunistring" or "python"."""
    global _breaker
    if _breaker is None:
        _breaker = _native() or _port
    return "python" if _breaker is _port else "libunistring"


def breaks(text: str, width: int, col: int, no_break: Collection[int] = ()) -> list[int]:
    """The indices of `text` before which gettext starts a new line, the first line
    starting at column `col` and no line (where a break is possible) wider than `width`
    columns; `no_break`: indices where no break may come whatever the rules say."""
    if fits(text, width - col):
        return []
    if _breaker is None:
        backend()
    assert _breaker is not None
    return _breaker(text, width, col, no_break)


# Characters that may be two columns wide: all but those below U+1100 (the first wide one)
# and the general punctuation (typographic quotes and dashes).
_MAYBE_WIDE = re.compile("[^\x00-\u10ff\u2000-\u206f]")


def fits(text: str, columns: int) -> bool:
    """Whether `text` surely takes at most `columns` columns: no character is wider than
    two, and none but those :data:`_MAYBE_WIDE` matches wider than one."""
    size = len(text)
    if size > columns:
        return False
    return text.isascii() or size * 2 <= columns or _MAYBE_WIDE.search(text) is None
