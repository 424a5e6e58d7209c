"""transflow.sentences.split_sentences: the sample article, targeted cases, properties."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transflow.sentences import split_sentences

DATA = Path(__file__).parent / "data"
ARTICLE = Path(__file__).parents[1] / "source" / "azerbaijan-pak-support.txt"
_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")


def _split(
    text: str, abbreviations: frozenset[str] = frozenset(), non_breaking: tuple[str, ...] = ()
) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, abbreviations, non_breaking)]


def _blocks() -> list[str]:
    return [m.group().strip() for m in _BLOCK.finditer(ARTICLE.read_text(encoding="utf-8"))]


def _expected(block: int) -> list[str]:
    units = [
        json.loads(line) for line in (DATA / "sample-units.jsonl").read_text("utf-8").splitlines()
    ]
    return [u["text"] for u in units if u["block"] == block and u["kind"] == "sentence"]


# --- the sample article -------------------------------------------------------------------


@pytest.mark.parametrize("block", range(4, 18))
def test_article_body_paragraphs(block: int) -> None:
    text = _blocks()[block - 1]
    if block == 4:
        assert text.startswith("ISLAMABAD: ")
        text = text[len("ISLAMABAD: ") :]
    assert _split(text) == _expected(block)


@pytest.mark.parametrize("block", [1, 2, 3])
def test_article_front_matter_is_one_span(block: int) -> None:
    text = _blocks()[block - 1]
    assert split_sentences(text) == [(0, len(text))]


def test_byline_with_no_break_space() -> None:
    byline = _blocks()[2]
    assert byline == "Ansar M Bhatti\u00a0in Baku"
    assert _split(byline) == [byline]


# --- targeted cases -------------------------------------------------------------------------

CASES: list[tuple[str, list[str]]] = [
    # abbreviations and initials
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("He moved to the U.S. in 1990. He stayed.", ["He moved to the U.S. in 1990.", "He stayed."]),
    ("I live in the U.S. He lives in Baku.", ["I live in the U.S.", "He lives in Baku."]),
    (
        "Talks open on Feb. 25 in Baku. They end later.",
        ["Talks open on Feb. 25 in Baku.", "They end later."],
    ),
    ("See No. 5 on the list. It is long.", ["See No. 5 on the list.", "It is long."]),
    ("It was led by J. R. Smith and A. B. Jones.", ["It was led by J. R. Smith and A. B. Jones."]),
    ("Ansar M Bhatti reports. He is in Baku.", ["Ansar M Bhatti reports.", "He is in Baku."]),
    ("Mr. Elnur spoke. Mrs. Aliyeva agreed.", ["Mr. Elnur spoke.", "Mrs. Aliyeva agreed."]),
    ("Smith et al. (2019) disagree.", ["Smith et al. (2019) disagree."]),
    # numbers and dates
    (
        "Some 3,890 people are missing. About 1.2 million fled. The bill was $160.5 million. "
        "Pi is 3.14 exactly.",
        [
            "Some 3,890 people are missing.",
            "About 1.2 million fled.",
            "The bill was $160.5 million.",
            "Pi is 3.14 exactly.",
        ],
    ),
    ("It fell in 1991. 1992 was worse.", ["It fell in 1991.", "1992 was worse."]),
    (
        "On the night of Feb 25-26, 1992, forces attacked. Many died.",
        ["On the night of Feb 25-26, 1992, forces attacked.", "Many died."],
    ),
    # ellipses
    ("He paused … and then went on.", ["He paused … and then went on."]),
    ("He said... and left.", ["He said... and left."]),
    ("63 children … 1,275 were taken.", ["63 children … 1,275 were taken."]),
    ("He waited… Then he left.", ["He waited…", "Then he left."]),
    ("He waited... Then he left.", ["He waited...", "Then he left."]),
    # URLs and e-mail addresses
    (
        "Visit https://example.com/a.b?x=1. Next comes more.",
        ["Visit https://example.com/a.b?x=1.", "Next comes more."],
    ),
    (
        "Write to john.doe@example.org. He replies.",
        ["Write to john.doe@example.org.", "He replies."],
    ),
    ("Mail John.Doe@example.org today.", ["Mail John.Doe@example.org today."]),
    ("See www.example.com/About.Us for more.", ["See www.example.com/About.Us for more."]),
    # quotes
    ("He said: “It is done.” Then he left.", ["He said: “It is done.”", "Then he left."]),
    (
        "150 of them are still missing.”On the night of Feb 25-26, 1992, they attacked.",
        ["150 of them are still missing.”", "On the night of Feb 25-26, 1992, they attacked."],
    ),
    (
        "He spoke. “The results are in.” We agreed.",
        ["He spoke.", "“The results are in.”", "We agreed."],
    ),
    ("“Is it true?” he asked.", ["“Is it true?” he asked."]),
    ("It held.“Then it broke.", ["It held.", "“Then it broke."]),
    # a missing space after the period
    ("in heavy conditions.Mammadov said so.", ["in heavy conditions.", "Mammadov said so."]),
    ("I visited the U.S.A. last year.", ["I visited the U.S.A. last year."]),
    ("Use fruit, e.g. apples.", ["Use fruit, e.g. apples."]),
    ("Use fruit, e.g.Apples.", ["Use fruit, e.g.Apples."]),
    ("Pi is 3.14 today.", ["Pi is 3.14 today."]),
    ("Visit example.com today.", ["Visit example.com today."]),
    ("It starts at 9 a.m. sharp.", ["It starts at 9 a.m. sharp."]),
    ("It starts at 9 a.m.Sharp.", ["It starts at 9 a.m.Sharp."]),
    # question and exclamation marks
    ("Really? Yes! Fine.", ["Really?", "Yes!", "Fine."]),
    ("She works at Yahoo! in Baku.", ["She works at Yahoo! in Baku."]),
    # parentheses after a period
    ("He left. (She stayed.) Then it rained.", ["He left.", "(She stayed.)", "Then it rained."]),
    ("He works (as an engineer.) at home.", ["He works (as an engineer.) at home."]),
    # lists
    ("Steps: 1. Open it. 2. Close it.", ["Steps: 1. Open it.", "2. Close it."]),
    (
        "Section 2. Then section 3. Then the end.",
        ["Section 2.", "Then section 3.", "Then the end."],
    ),
    # nothing to split
    ("", []),
    ("   \n ", []),
    ("No final stop", ["No final stop"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_targeted_case(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


def test_hard_wrapped_text_keeps_original_offsets() -> None:
    text = "  The Minister said\nthe talks went well with Mr.\nElnur. He\n  left for Baku.  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "The Minister said\nthe talks went well with Mr.\nElnur.",
        "He\n  left for Baku.",
    ]
    assert spans[0][0] == 2


def test_user_abbreviations_are_case_sensitive() -> None:
    text = "The Dy. Foreign Minister spoke."
    assert _split(text, frozenset({"Dy"})) == [text]
    assert _split(text) == ["The Dy.", "Foreign Minister spoke."]
    assert _split(text, frozenset({"dy"})) == ["The Dy.", "Foreign Minister spoke."]
    assert _split("It is approx. Ten.", frozenset({"approx"})) == ["It is approx. Ten."]


def test_non_breaking_strings() -> None:
    text = "Visit Yahoo! Japan today. It is big."
    assert _split(text) == ["Visit Yahoo!", "Japan today.", "It is big."]
    assert _split(text, non_breaking=("Yahoo! Japan",)) == [
        "Visit Yahoo! Japan today.",
        "It is big.",
    ]
    assert _split(text, non_breaking=("today. It",)) == ["Visit Yahoo!", "Japan today. It is big."]
    assert _split(text, non_breaking=("",)) == _split(text)


# --- properties ------------------------------------------------------------------------------

_PIECES = [
    "Mr.",
    "U.S.",
    "The",
    "he",
    "I",
    "a",
    "1.",
    "2.",
    "2)",
    "a.",
    "b.",
    "Feb.",
    "No.",
    "3.14",
    ". ",
    ". . .",
    "...",
    "…",
    "?",
    "!",
    "?!",
    "“",
    "”",
    '"',
    "'",
    "(",
    ")",
    "[",
    "]",
    " ",
    "  ",
    "\n",
    "\u00a0",
    ",",
    "https://x.com/a.b",
    "j@x.org",
    "•",
    "a.m.",
    "e.g.",
    "x",
]
_texts = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=40).map("".join),
    st.text(alphabet=st.sampled_from(list("aZI1. ?!…“”\"'()[]\n\u00a0,;•-")), max_size=120),
    st.text(max_size=80),
)


@settings(max_examples=400, deadline=None)
@given(text=_texts)
def test_spans_are_ordered_stripped_and_cover_the_text(text: str) -> None:
    spans = split_sentences(text, frozenset({"Dy"}), ("x.com",))
    covered = [False] * len(text)
    previous_end = 0
    for s, e in spans:
        assert previous_end <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        for j in range(s, e):
            covered[j] = True
        previous_end = e
    assert all(covered[j] or text[j].isspace() for j in range(len(text)))


_ANY_LABEL_END = re.compile(r"[.)]\)?(?=\s+[^\sa-z])")  # what _list_items once searched


_PIECES = ["1", "12", "123", "1234", "a", "b", "ab", "X", ".", ")", "))", ".)", " ", "  "]
_PIECES += ["\u00a0", "•", "* ", "\n", ",", "(", ":"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=24).map("".join))
def test_list_labels_are_found_where_any_label_end_makes_a_marker(text: str) -> None:
    """The two literal-first patterns find exactly the label ends that searching every
    "." and ")" and keeping those that make a list marker finds."""
    from transflow import sentences

    def markers(matches: list[re.Match[str]]) -> list[tuple[int, str]]:
        return [
            (m.start(), m.group())
            for m in matches
            if m.group() != "))" and sentences._marker(text, m.start(), m.group()) is not None
        ]

    found = [m for pattern in sentences._LABEL_ENDS for m in pattern.finditer(text)]
    assert markers(sorted(found, key=lambda m: m.start())) == markers(
        list(_ANY_LABEL_END.finditer(text))
    )
