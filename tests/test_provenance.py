"""Provenance: the one type that writes a draft's translator comment and reads it back."""

from __future__ import annotations

import math

import polib
from hypothesis import given
from hypothesis import strategies as st
from tf_helpers import ROOT

from transflow.model import Provenance

sources = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40)


@given(sources, st.floats(min_value=-50, max_value=0, allow_nan=False) | st.none())
def test_a_machine_comment_reads_back(source: str, score: float | None) -> None:
    made = Provenance(True, source.strip() or "x", score)
    back = Provenance.read(made.comment())
    assert back is not None and back.machine and back.source == made.source
    if score is None:
        assert back.score is None
    else:
        assert back.score is not None and math.isclose(back.score, score, abs_tol=0.0005)
        assert Provenance.read(back.comment()) == back  # rounded once, then stable


@given(sources, st.floats(min_value=-50, max_value=0) | st.none())
def test_guessed_tags_read_back(source: str, score: float | None) -> None:
    made = Provenance(True, source.strip() or "x", score, ("<b1>", "<c2/>"))
    assert made.comment().endswith("; tags placed by guess: <b1> <c2/>")
    back = Provenance.read(made.comment())
    assert back is not None and back.guessed == made.guessed and back.source == made.source
    assert (back.score is None) == (score is None)


@given(sources)
def test_a_memory_comment_reads_back(source: str) -> None:
    made = Provenance(False, source)
    assert Provenance.read(made.comment()) == made


def test_other_comments_are_not_provenance() -> None:
    assert Provenance.read("checked by Aysel") is None
    assert Provenance.read("machine translation check: not kept: 613") is None


def test_every_committed_draft_comment_is_written_as_read() -> None:
    """The sample's catalogs: each provenance comment reads back to itself, score included."""
    seen = 0
    for path in sorted((ROOT / "locales").glob("*/*.po")):
        for entry in polib.pofile(str(path)):
            made = Provenance.read(entry.tcomment)
            assert made is not None and made.machine and made.score is not None
            assert made.comment() == entry.tcomment
            seen += 1
    assert seen == 3 * (30 + 30 + 29)  # az, ur, ru x the text, Markdown and HTML articles
