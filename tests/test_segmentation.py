"""Blocks, front matter, datelines and offsets (sentence splitting itself: test_sentences)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tf_helpers import SAMPLE, sample_units

from transflow.config import SegmentationConfig
from transflow.formats.text import blocks, fold, segment


def test_sample_article_units() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    units = segment(text)
    assert [(u.block, u.number, u.kind, u.text) for u in units] == [
        (u["block"], u["index"], u["kind"], u["text"]) for u in sample_units()
    ]
    for unit in units:
        assert fold(text[unit.start : unit.end]) == unit.text


def test_byline_keeps_its_no_break_space() -> None:
    units = segment(SAMPLE.read_text(encoding="utf-8"))
    assert units[2].text == "Ansar M Bhatti\u00a0in Baku"


def test_hard_wrapped_sentences_fold_to_one_line() -> None:
    text = "Title\n\nIt was a long\n  sentence.  And a\r\nsecond one.\n"
    units = segment(text)
    assert [u.text for u in units] == ["Title", "It was a long sentence.", "And a second one."]
    assert text[units[1].start : units[1].end] == "It was a long\n  sentence."


def test_no_front_matter_without_a_body() -> None:
    units = segment("One line\n\nAnother line\n")
    assert [u.kind for u in units] == ["sentence", "sentence"]


def test_datelines() -> None:
    for opening, dateline in [
        ("LONDON — The", "LONDON —"),
        ("NEW YORK, N.Y.: The", "NEW YORK, N.Y.:"),
        ("WASHINGTON -- The", "WASHINGTON --"),
    ]:
        units = segment(f"Headline\n\n{opening} rest is here.\n")
        assert [u.kind for u in units] == ["headline", "dateline", "sentence"], opening
        assert units[1].text == dateline
    assert segment("Headline\n\nA: no dateline here.\n")[1].kind == "sentence"


def test_paragraph_units_keep_whole_blocks() -> None:
    text = "Head\n\nISLAMABAD: One. Two.\nThree.\n"
    units = segment(text, SegmentationConfig(unit="paragraph"))
    assert [(u.kind, u.text) for u in units] == [
        ("headline", "Head"),
        ("paragraph", "ISLAMABAD: One. Two. Three."),
    ]


def test_user_abbreviations() -> None:
    text = "Title\n\nHe met the approx. Minister there. It went well.\n"
    default = [u.text for u in segment(text)]
    custom = [u.text for u in segment(text, SegmentationConfig(abbreviations=("approx",)))]
    assert len(custom) == 3 and custom[1] == "He met the approx. Minister there."
    assert len(default) >= 3


_line = st.text(
    alphabet=st.sampled_from(list("abc XYZ.,!?\t\u00a0əşжد“”’…")), min_size=0, max_size=30
)


@given(st.lists(st.tuples(_line, st.sampled_from(["\n", "\r\n"])), max_size=12))
def test_blocks_and_units_index_the_text(lines: list[tuple[str, str]]) -> None:
    text = "".join(a + b for a, b in lines)
    spans = blocks(text)
    for start, end in spans:
        assert text[start:end] == text[start:end].strip(" \t\r\n")
        assert text[start:end].strip()
    for unit in segment(text):
        assert fold(text[unit.start : unit.end]) == unit.text
        assert unit.text.strip()
