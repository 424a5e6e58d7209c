"""Paths a user, a project file or a cloned repository can make hostile: nothing makes
transflow write outside the project, and each is refused with an error that names where
the bad value came from (the option, or transflow.toml and its line)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tf_helpers import DATA, DOCUMENTS_LINE, cli, snapshot

DOC = "azerbaijan-pak-support"
EN_AZ = DATA / "argos" / "translate-en_az-1_0.argosmodel"


def everything(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, the project's state folder included (but its lock file
    and the .gitignore beside it, which a job makes before it looks at any path)."""
    return {
        str(p): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not (p.parent.name == ".transflow" and p.name in ("lock", ".gitignore"))
    }


def fails_cleanly(root: Path, *args: str, code: int = 1) -> str:
    """The command fails with `code`, and no file changes anywhere under the test's folder
    (inside the project or out of it)."""
    before = everything(root.parent)
    result = cli(root, *args)
    assert result.exit_code == code, result.output
    assert everything(root.parent) == before
    if code == 1:
        assert result.stderr.startswith("transflow: error: "), result.stderr
        assert len(result.stderr.splitlines()) == 1, result.stderr
    return result.stderr


def set_config(root: Path, old: str, new: str) -> None:
    path = root / "transflow.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- language codes ----------------------------------------------------------------------

COMMANDS = [
    ["extract"],
    ["translate", "--engine", "pseudo"],
    ["build"],
    ["status"],
    ["check"],
    ["review"],
    ["export", "tmx"],
    ["import", "tmx", "MEMORY"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("code", ["../../escaped", "/abs", "az/../../x", "..", "sr@latin"])
def test_a_lang_option_that_is_no_language_code_is_refused(
    project: Path, command: list[str], code: str
) -> None:
    assert cli(project, "extract").exit_code == 0
    (project / "memory.tmx").write_text('<tmx version="1.4"><body/></tmx>', encoding="utf-8")
    command = [str(project / "memory.tmx") if arg == "MEMORY" else arg for arg in command]
    err = fails_cleanly(project, *command, "--lang", code, code=2)
    assert "Invalid value for '--lang'" in err and repr(code) in err
    assert not (project.parent.parent / "escaped").exists()


@pytest.mark.parametrize("option", ["--lang", "--source-lang"])
def test_init_refuses_what_is_no_language_code_as_a_usage_error(
    tmp_path: Path, option: str
) -> None:
    """As every other command's --lang (it exited 1, a project error, and only later)."""
    args = ["init", "--lang", "az", option, "../x"]
    result = cli(tmp_path, *args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.stderr
    assert os.listdir(tmp_path) == []


def test_a_gettext_modifier_gets_its_bcp47_tag(project: Path) -> None:
    err = fails_cleanly(project, "extract", "--lang", "sr@latin", code=2)
    assert "write it as a BCP 47 tag: 'sr-Latn'" in err


def test_bcp47_tags_are_accepted(project: Path) -> None:
    codes = ["pt_BR", "pt-BR", "zh-Hant", "sr-Latn-RS", "de-CH-1996", "en-x-a"]
    args = [arg for code in codes for arg in ("--lang", code)]
    result = cli(project, "extract", *args)
    assert result.exit_code == 0, result.output
    for code in codes:
        assert (project / "locales" / code / f"{DOC}.po").is_file()


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            'languages = ["az", "ur", "ru"]',
            'languages = ["az", "../x"]',
            7,
            "project.languages must be a list of language codes such as ['az', 'ru']: "
            "'../x' is not a language code",
        ),
        ('source_lang = "en"', 'source_lang = "/abs"', 6, "'/abs' is not a language code"),
        (
            DOCUMENTS_LINE,
            'documents = ["/etc/*.conf"]',
            8,
            "'/etc/*.conf' is not a glob relative to source_dir",
        ),
        (
            DOCUMENTS_LINE,
            'documents = ["../*.txt"]',
            8,
            "'../*.txt' is not a glob",
        ),
        (
            DOCUMENTS_LINE,
            'documents = ["a/**/../../*"]',
            8,
            "is not a glob",
        ),
        (
            'build_dir = "build"',
            'build_dir = "source"',
            5,
            "project.build_dir is project.source_dir",
        ),
        ('build_dir = "build"', 'build_dir = "source/out"', 5, "build_dir overlaps project.source"),
        ('locales_dir = "locales"', 'locales_dir = "build/l"', 5, "build_dir overlaps project.loc"),
        ('source_dir = "source"', 'source_dir = "."', 4, "locales_dir overlaps project.source"),
    ],
)
def test_a_bad_project_value_names_the_file_and_line(
    project: Path, old: str, new: str, line: int, message: str
) -> None:
    set_config(project, old, new)
    err = fails_cleanly(project, "extract")
    assert f"transflow.toml:{line}: " in err and message in err


def test_outputs_never_become_documents(project: Path) -> None:
    """What build_dir = "source" did: the second extract took the outputs as documents."""
    set_config(project, 'build_dir = "build"', 'build_dir = "source"')
    fails_cleanly(project, "build")
    assert sorted(p.name for p in (project / "source").rglob("*")) == [f"{DOC}.txt"]


# --- the packages folder -----------------------------------------------------------------


@pytest.mark.parametrize("outside", ["../OUTSIDE", "ABSOLUTE"])
def test_a_project_file_cannot_send_packages_outside(project: Path, outside: str) -> None:
    """Relative or absolute (an absolute one gave a traceback: ValueError)."""
    if outside == "ABSOLUTE":
        outside = str(project.parent / "OUTSIDE")
    set_config(project, 'packages_dir = ".transflow/packages"', f'packages_dir = "{outside}"')
    err = fails_cleanly(project, "models", "install", "--from", str(EN_AZ))
    assert f"transflow.toml:29: translate.packages_dir = '{outside}' points outside" in err
    assert "--packages-dir or $TRANSFLOW_PACKAGES_DIR" in err
    assert not (project.parent / "OUTSIDE").exists()
    assert fails_cleanly(project, "translate", "--lang", "az")  # every command says it


def test_a_packages_folder_named_on_the_command_line_may_be_anywhere(project: Path) -> None:
    elsewhere = project.parent / "shared-packages"
    result = cli(
        project, "models", "--packages-dir", str(elsewhere), "install", "--from", str(EN_AZ)
    )
    assert result.exit_code == 0, result.output
    assert (elsewhere / "translate-en_az-1_0" / "metadata.json").is_file()


# --- symbolic links out of the project ---------------------------------------------------


@pytest.mark.parametrize(
    ("link", "command"),
    [
        ("locales/az", ["extract"]),
        ("locales/templates", ["extract"]),
        ("build/az", ["build", "--lang", "az"]),
        ("build/review", ["review", "--lang", "az"]),
        ("build/review/az", ["review", "--lang", "az"]),
        (".transflow", ["extract"]),
        (".transflow/units", ["extract"]),
        (".transflow/tm.sqlite", ["translate", "--engine", "pseudo"]),
    ],
)
def test_a_link_out_of_the_project_is_not_written_through(
    project: Path, link: str, command: list[str]
) -> None:
    if command[0] != "extract":
        assert cli(project, "extract").exit_code == 0
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    at = project / link
    if at.is_dir():
        shutil.rmtree(at)
    at.parent.mkdir(parents=True, exist_ok=True)
    at.symlink_to(elsewhere / "target" if link.endswith(".sqlite") else elsewhere)
    err = fails_cleanly(project, *command)
    assert f"{link}: " in err and str(elsewhere) in err
    assert "outside the project" in err
    assert os.listdir(elsewhere) == []


def test_a_link_out_named_as_a_folder_in_the_project_file(project: Path) -> None:
    elsewhere = project.parent / "elsewhere"
    elsewhere.mkdir()
    (project / "build").symlink_to(elsewhere)
    err = fails_cleanly(project, "build")
    assert "transflow.toml:5: project.build_dir = 'build' points outside the project" in err
    assert f"(build is a symbolic link to {elsewhere})" in err


def test_a_link_inside_the_project_is_followed(project: Path) -> None:
    (project / "locales" / "az-real").mkdir(parents=True)
    (project / "locales" / "az").symlink_to(project / "locales" / "az-real")
    result = cli(project, "extract", "--lang", "az")
    assert result.exit_code == 0, result.output
    assert (project / "locales" / "az-real" / f"{DOC}.po").is_file()
    before = snapshot(project)
    assert cli(project, "extract", "--lang", "az").exit_code == 0
    assert snapshot(project) == before
