"""The document-format seam: a registry by suffix, overridable in the config; catalog
names; inline markup as numbered tags (:mod:`transflow.markup`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tf_helpers import DOCUMENTS_LINE, SAMPLE, cli, fails_cleanly, make_project

from transflow import markup
from transflow.errors import TransflowError
from transflow.formats import FORMATS, format_name, get_format


def test_every_registered_format_loads_under_its_name() -> None:
    for name in FORMATS:
        assert get_format(name).name == name


def test_an_unknown_format_is_an_error_that_lists_the_known_ones() -> None:
    with pytest.raises(TransflowError) as caught:
        get_format("docx")
    assert "unknown document format 'docx' (known: " in str(caught.value)
    assert "text" in str(caught.value)


def test_the_format_comes_from_the_suffix_and_globs_override_it() -> None:
    assert format_name("news/a.txt") == "text"
    assert format_name("notes.TXT") == "text"
    assert format_name("a.mdx", {"text": ["*.mdx"]}) == "text"
    assert format_name("news/deep/a.news", {"text": ["news/**/*.news"]}) == "text"


def test_text_catalogs_keep_their_names(project: Path) -> None:
    assert cli(project, "extract", "--lang", "az").exit_code == 0
    assert (project / "locales" / "az" / "azerbaijan-pak-support.po").is_file()
    assert get_format("text").catalog_name("news/a.txt") == "news/a"


def test_a_config_glob_names_a_format(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    shutil.copy(SAMPLE, root / "source" / "second.story")
    config = root / "transflow.toml"
    text = config.read_text(encoding="utf-8").replace(
        DOCUMENTS_LINE,
        'documents = ["**/*.txt", "**/*.story"]',
    )
    config.write_text(text + '\n[formats]\ntext = ["*.story"]\n', encoding="utf-8")
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    assert (root / "locales" / "templates" / "second.pot").is_file()


def test_a_config_naming_an_unknown_format_fails_with_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    config = root / "transflow.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[formats]\ndocx = ["*.docx"]\n', encoding="utf-8"
    )
    lines = config.read_text(encoding="utf-8").splitlines()
    message = fails_cleanly(root, "extract", "--lang", "az")
    assert f"transflow.toml:{len(lines)}: unknown key formats.docx" in message


SOURCE = "The <b1>new</b1> version. See the <a2>setup guide</a2> and run <c3/>."
MARKUP = (("**", "**"), ("[", "](https://example.com/setup)"), ("`pip install`", ""))


def test_tags_moved_by_a_translator_are_valid_and_restored() -> None:
    target = "Run <c3/> after reading the <a2>guide</a2>: a <b1>new</b1> version."
    assert markup.problems(SOURCE, target) == []
    assert markup.restore(target, MARKUP) == (
        "Run `pip install` after reading the [guide](https://example.com/setup): a **new** version."
    )
    assert markup.plain(target) == "Run  after reading the guide: a new version."


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("The new version. See the <a2>guide</a2>, run <c3/>.", "tag <b1> is missing"),
        ("The <b1>new</b1> <b1>one</b1>. <a2>Guide</a2> <c3/>.", "tag <b1> is changed or repeated"),
        ("<b1>New</b1>. <a2>Guide</a2> <c3/> <c4/>.", "tag <c4/> is not in the source"),
        ("<b1>New <a2>guide</b1></a2> <c3/>.", "tags <b1> and <a2> are badly nested"),
        ("</b1>New<b1>. <a2>Guide</a2> <c3/>.", "tag <b1> is closed before it opens"),
        ("<b1>New</b1>. <a2>Guide</a2> <c3>x</c3>.", "tag <c3/> is changed or repeated"),
    ],
)
def test_broken_tags_are_named(target: str, problem: str) -> None:
    assert problem in markup.problems(SOURCE, target)


def test_text_without_tags_has_no_tag_problems() -> None:
    assert markup.problems("Plain <text> & more.", "Düz <mətn> və s.") == []
    assert not markup.looks_like_tag("a <b> c")
    assert markup.looks_like_tag("literal <b1> here")


def test_the_comment_says_what_each_tag_stands_for() -> None:
    assert markup.describe(SOURCE, MARKUP) == (
        "<b1> = **…**",
        "<a2> = […](https://example.com/setup)",
        "<c3/> = `pip install`",
    )


def test_a_new_project_takes_text_markdown_and_html_documents(tmp_path: Path) -> None:
    root = tmp_path / "new"
    root.mkdir()
    assert cli(root, "init", "--lang", "az").exit_code == 0
    for name in ("a.txt", "b.md", "c.markdown", "d.html", "e.htm"):
        (root / "source" / name).write_text("A title\n\nOne sentence here.\n", encoding="utf-8")
    assert cli(root, "extract").exit_code == 0
    found = sorted(p.name for p in (root / "locales" / "az").iterdir())
    assert found == ["a.po", "b.md.po", "c.markdown.po", "d.html.po", "e.htm.po"]
