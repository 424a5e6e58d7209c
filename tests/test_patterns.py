"""MT protection and QA read a text with the same patterns, so they agree."""

from __future__ import annotations

import pytest

from transflow.protect import lost, pieces
from transflow.qa import check_entry


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("It cost 3,890 manats.", "Bu 3 890 manata başa gəldi."),  # a space before 3 digits
        ("It cost 3,890 manats.", "Bu 3.890 manata başa gəldi."),
        ("In 2020-21 it grew.", "В 2020–2021 годах вырос."),  # a range written out
        ("In the '90s.", "В 1990-х."),
        ("613 were killed.", "۶۱۳ ہلاک ہوئے۔"),  # Urdu digits
        ("613 were killed.", "614 were killed."),
        ("1 275 people.", "1275 человек."),
        ("12 and 34.", "12 и 43."),
    ],
)
def test_a_number_mt_flags_is_one_qa_reports(source: str, target: str) -> None:
    """They used to disagree: protect.lost flagged numbers that QA accepted."""
    qa_error = any(c == "numbers" and s == "error" for c, s, _ in check_entry(source, target, "ru"))
    assert bool(lost(source, target)) == qa_error


def test_a_placeholder_for_qa_never_reaches_the_model() -> None:
    """`%1$s` was a placeholder for QA and sent to the model by MT protection."""
    text = "Hello %1$s, you have %2$d messages and {count} {0} <b>new</b> &amp; more."
    sent = " ".join(piece for piece, translatable in pieces(text) if translatable)
    for placeholder in ("%1$s", "%2$d", "{count}", "{0}", "<b>", "</b>", "&amp;"):
        assert placeholder not in sent
    assert not [c for c, _, _ in check_entry(text, text.replace("Hello", "Salam"), "az")
                if c == "placeholders"]  # fmt: skip
