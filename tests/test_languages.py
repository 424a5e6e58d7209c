"""languages.py: one answer per fact, used by the build, QA and the review page alike."""

from __future__ import annotations

import pytest

from transflow import languages
from transflow.publish import render_html
from transflow.qa import check_entry


@pytest.mark.parametrize(
    ("tag", "way"),
    [
        ("ur", "rtl"),
        ("ar", "rtl"),
        ("ckb", "rtl"),  # Sorani: Arabic script
        ("ku", "ltr"),  # Kurmanji: Latin letters (QA used to call it RTL, the build LTR)
        ("ku-Arab", "rtl"),
        ("az", "ltr"),
        ("az-Arab", "rtl"),  # South Azerbaijani in Arabic script
        ("pt_BR", "ltr"),
        ("sd-Deva", "ltr"),
        ("he", "rtl"),
        ("zh-Hant", "ltr"),
    ],
)
def test_direction(tag: str, way: str) -> None:
    assert languages.direction(tag) == way
    page = render_html("a.txt", tag, [], [])
    assert f'dir="{way}"' in page.split("\n", 3)[1]
    # QA: a left-to-right mark is an ordinary thing in right-to-left text only
    findings = check_entry("The report.", "The \u200ereport.", tag)
    severity = {f[1] for f in findings if f[0] == "invisible"}
    assert severity == ({"info"} if way == "rtl" else {"warning"})


def test_spaces_between_sentences() -> None:
    assert languages.separator("zh-Hans") == ""
    assert languages.separator("ja") == ""
    assert languages.separator("ru") == " "
