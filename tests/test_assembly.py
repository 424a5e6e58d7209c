"""Reassembly: layout is the source's; unchanged blocks come back byte for byte."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tf_helpers import SAMPLE

from transflow.formats.text import align, assemble, segment
from transflow.languages import separator
from transflow.model import Placed, Placements


def none(_: str) -> str | None:
    return None


def same(text: str) -> str:
    return text


# Documents with CRLF, tabs, trailing spaces, several blank lines, no final newline, non-ASCII.
_word = st.sampled_from(
    [
        "Mr.",
        "Dr. Smith",
        "U.S.",
        "3,890",
        "it.",
        "word",
        "Ünïcödé",
        "жизнь.",
        "سلام۔",
        "“Quote.”",
        "end.Next",
        "e.g.",
        "…",
        "No. 5",
        "a\u00a0b",
        "tab\there",
        "x!",
        "why?",
    ]
)
_line = st.lists(_word, min_size=0, max_size=8).map(" ".join)
_indent = st.sampled_from(["", " ", "  ", "\t"])
_trail = st.sampled_from(["", " ", "\t", "  "])
_newline = st.sampled_from(["\n", "\r\n"])
_document = st.lists(st.tuples(_indent, _line, _trail, _newline), min_size=1, max_size=25).map(
    lambda lines: "".join(a + b + c + d for a, b, c, d in lines)
)


@settings(max_examples=300)
@given(_document, st.booleans())
def test_no_or_identical_translations_give_the_source_back(text: str, cut_end: bool) -> None:
    if cut_end:
        text = text.rstrip("\r\n")
    units = segment(text)
    assert assemble(text, units, none) == text
    assert assemble(text, units, same) == text
    output, placed = align(text, units, lambda s: s.upper() if len(s) % 2 else None)
    assert [p.unit for p in placed] == list(units)
    for p in placed:
        assert output[p.start : p.end] == p.text
        expected = p.unit.text.upper() if p.translated else p.unit.text
        assert p.text.split() == expected.split()  # hard-wrapped blocks are re-wrapped


def test_sample_round_trips() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    units = segment(text)
    assert assemble(text, units, none) == text
    assert assemble(text, units, same) == text


def test_translated_sentences_never_glue() -> None:
    text = "Title\n\nBody here.\n\nHeavy conditions.Mammadov said so. Ok.\n"
    units = segment(text)
    table = {"Heavy conditions.": "Тяжёлые условия.", "Mammadov said so.": "Мамедов сказал."}
    assert assemble(text, units, table.get) == (
        "Title\n\nBody here.\n\nТяжёлые условия. Мамедов сказал. Ok.\n"
    )
    only_second = {"Mammadov said so.": "Мамедов сказал."}
    assert "conditions. Мамедов" in assemble(text, units, only_second.get)
    assert "条件。" + "马" in assemble(
        text,
        units,
        {"Heavy conditions.": "条件。", "Mammadov said so.": "马"}.get,
        separator("zh"),
    )


def test_crlf_and_indentation_kept_for_changed_blocks() -> None:
    text = "Title\r\n\r\n   Body here. Second one.\r\n\r\n\r\nLast.  "
    units = segment(text)
    out = assemble(text, units, {"Body here.": "Тело.", "Last.": "Конец.\nЕщё."}.get)
    assert out == "Title\r\n\r\n   Тело. Second one.\r\n\r\n\r\nКонец.\r\nЕщё.  "


def test_hard_wrapped_paragraph_is_rewrapped_to_its_width() -> None:
    text = (
        "Title\n\n  The first sentence is long enough\n  to wrap. The second one\n  too.\n\nEnd.\n"
    )
    units = segment(text)
    assert [u.text for u in units][1:3] == [
        "The first sentence is long enough to wrap.",
        "The second one too.",
    ]
    table = {
        "The first sentence is long enough to wrap.": "Birinci cümlə kifayət qədər "
        "uzundur ki, sətir sonuna çatsın."
    }
    out = assemble(text, units, table.get)
    body = out.split("\n\n")[1]
    lines = body.split("\n")
    assert len(lines) > 1
    assert all(len(line) <= 35 for line in lines)
    assert all(line.startswith("  ") and line[2] != " " for line in lines)
    assert " ".join(line.strip() for line in lines) == (
        "Birinci cümlə kifayət qədər uzundur ki, sətir sonuna çatsın. The second one too."
    )
    assert out.endswith("\n\nEnd.\n")


def test_placements_read_back_as_placed_them() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    units = segment(text)
    rows = [
        Placed(u, u.text, 7 * i, 7 * i + len(u.text), i % 2 == 0, i % 3 == 0)
        for i, u in enumerate(units)
    ]
    placements = Placements()
    for row in rows:
        placements.append(row)
    assert len(placements) == len(rows)
    assert list(placements) == rows
    assert [placements[i] for i in range(len(rows))] == rows
    assert placements[-1] == rows[-1]
    assert placements[3:9] == rows[3:9] and placements[::2] == rows[::2]


def test_units_out_of_order_or_outside_every_block_are_placed_as_in_order() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    units = segment(text)
    stray = units[0]._replace(block=len(units) + 1000)  # in no block: never placed
    shuffled = [*units[5:], stray, *units[:5]]
    upper = str.upper
    assert align(text, shuffled, upper)[0] == assemble(text, units, upper)
    assert (
        sorted(align(text, shuffled, upper)[1], key=lambda p: p.start)
        == align(text, units, upper)[1]
    )
