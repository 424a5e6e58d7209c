"""The two line breakers, libunistring's (ctypes) and the Python port, give the same breaks."""

from __future__ import annotations

import random
import shutil

import pytest
from tf_helpers import growth

from transflow import linebreak, uax14

NATIVE = linebreak._native()
needs_native = pytest.mark.skipif(NATIVE is None, reason="libunistring is not installed")

# Characters from every class the rules treat apart: letters and digits, spaces (plain and
# no-break), hyphens and dashes, quotes and brackets (Western and CJK), ideographs, emoji with
# modifiers and joiners, regional indicators, combining marks, zero-width space and joiner,
# soft hyphen, Arabic and Cyrillic letters, Urdu punctuation, mandatory breaks (U+2028, NEL).
CHARS = (
    "abcXYZ  09-/.,;:!?()[]{}\"'%$#\\\t\u00a0\u00ad\u2010\u2013\u2014\u2018\u2019\u201c"
    "\u201d\u00ab\u00bb\u2026\u3001\u3002\u300c\u300d\u4e2d\u6587\u3042\u30a2\uac00\u1100"
    "\u1161\u11a8\u0634\u0627\u0645\u06d4\u061f\u0660\u0410\u0431\u0301\u0300\u200b\u200d"
    "\u2060\ufeff\u2028\u0085\U0001f600\U0001f44d\U0001f3fd\U0001f1e6\U0001f1ff\U00020000"
    "\u0e01\u0e32\u1780\ue000\u0378"
)


def test_libunistring_loads_where_gettext_is_installed() -> None:
    if shutil.which("msgcat") is None:
        pytest.skip("GNU gettext is not installed")
    assert NATIVE is not None  # msgcat links libunistring, so the library is there
    assert linebreak.backend() == "libunistring"


@needs_native
@pytest.mark.parametrize("seed", range(4))
def test_native_and_port_agree(seed: int) -> None:
    assert NATIVE is not None
    rnd = random.Random(seed)
    for _ in range(4000):
        text = "".join(rnd.choice(CHARS) for _ in range(rnd.randint(1, 160)))
        width, col = rnd.randint(2, 80), rnd.randint(0, 12)
        no_break = set(rnd.sample(range(len(text)), min(len(text), rnd.randint(0, 5))))
        expected = linebreak._port(text, width, col, no_break)
        assert NATIVE(text, width, col, no_break) == expected, (text, width, col, no_break)


def test_breaks_fall_on_spaces_and_keep_lines_within_the_width() -> None:
    text = "Azerbaijan thanks Pakistan for its support in the war over Nagorno-Karabakh."
    cuts = linebreak.breaks(text, 30, 0)
    lines = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert lines == [
        "Azerbaijan thanks Pakistan ",
        "for its support in the war ",
        "over Nagorno-Karabakh.",
    ]
    assert linebreak.breaks(text, len(text), 0) == []
    assert linebreak.breaks("x" * 100, 30, 0) == []  # no opportunity: one long line


@needs_native
def test_native_breaks_are_linear_in_a_long_non_ascii_line() -> None:
    # before: each break's character index was found by decoding the text before it (and
    # each no-break index's byte offset by encoding it): 16 times the time for 4 times the text
    assert NATIVE is not None

    def run(n: int) -> None:
        text = ("Azərbaycan Pakistana təşəkkür edir " * (n // 35 + 1))[:n]
        no_break = range(0, n, 7)
        cuts = NATIVE(text, 77, 0, no_break)
        assert len(cuts) > n // 80

    assert growth(run, 100_000) < 8


@needs_native
def test_native_and_port_agree_on_a_text_longer_than_the_result_buffer() -> None:
    assert NATIVE is not None
    rnd = random.Random(7)
    for size in (1023, 1024, 1025, 5000):
        text = "".join(rnd.choice(CHARS) for _ in range(size))
        no_break = set(rnd.sample(range(size), 20))
        expected = linebreak._port(text, 79, 3, no_break)
        assert NATIVE(text, 79, 3, no_break) == expected


def test_no_character_that_fits_takes_as_narrow_is_wide() -> None:
    # fits() counts a character below U+1100 or in the general punctuation one column at most
    narrow = [chr(cp) for cp in range(0x2100) if not linebreak._MAYBE_WIDE.match(chr(cp))]
    assert len(narrow) == 0x1100 + 0x70
    assert max(uax14._width(ch) for ch in narrow) <= 1
    if NATIVE is not None:  # in a line of such characters and spaces, exactly as wide as the page
        for ch in narrow:
            assert NATIVE(f"{ch} " * 20, 40, 0, ()) == [], hex(ord(ch))
    assert linebreak.breaks("\u4e2d " * 20, 40, 0)  # a wide one is not taken for narrow


def test_breaks_where_a_text_fits_only_with_narrow_characters() -> None:
    text = "\u201cQuoted\u201d \u2014 " * 6  # 66 characters, none wide
    assert linebreak.fits(text, 66)
    assert not linebreak.fits(text, 65)
    assert linebreak.breaks(text, 66, 0) == []
    assert linebreak.breaks(text, 65, 0) != []
    assert not linebreak.fits("\u4e2d" * 30, 59)
    assert linebreak.fits("\u4e2d" * 30, 60)
