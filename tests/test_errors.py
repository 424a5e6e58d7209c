"""Bad input: a clear error naming the file (and line), exit 1, and no file modified."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from tf_helpers import cli, fails_cleanly, msgfmt_check

DOC = "azerbaijan-pak-support"


def test_non_utf8_source(project: Path) -> None:
    (project / "source" / "latin1.txt").write_bytes(b"Title\n\nCaf\xe9 au lait.\n")
    err = fails_cleanly(project, "extract")
    assert "latin1.txt:3: not valid UTF-8 (byte 0xe9)" in err


def test_binary_source(project: Path) -> None:
    (project / "source" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    err = fails_cleanly(project, "extract")
    assert "image.txt:3: this looks like a binary file" in err


def test_empty_document(project: Path) -> None:
    (project / "source" / "empty.txt").write_text("  \n\n", encoding="utf-8")
    err = fails_cleanly(project, "extract")
    assert "empty.txt: the document is empty" in err


def test_malformed_po_reports_path_and_line(project: Path) -> None:
    assert cli(project, "extract").exit_code == 0
    po = project / "locales" / "az" / f"{DOC}.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = next(i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 10)
    lines[broken] = 'msgstr "unterminated\n'
    po.write_text("".join(lines), encoding="utf-8")
    err = fails_cleanly(project, "extract")
    assert f"{DOC}.po:{broken + 1}: syntax error" in err
    assert fails_cleanly(project, "build", "--lang", "az")
    assert fails_cleanly(project, "status")


def test_missing_source_dir(project: Path) -> None:
    (project / "source" / f"{DOC}.txt").unlink()
    (project / "source").rmdir()
    err = fails_cleanly(project, "extract")
    assert "source: the source folder does not exist" in err


def test_unwritable_locales_dir(project: Path, immutable: list[Path]) -> None:
    assert cli(project, "extract").exit_code == 0
    text = (project / "source" / f"{DOC}.txt").read_text(encoding="utf-8")
    (project / "source" / f"{DOC}.txt").write_text(text + "\n\nA new paragraph.", encoding="utf-8")
    folder = project / "locales" / "ru"
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        if os.geteuid() == 0:
            pytest.fail("chattr +i is needed to make a folder read-only for root")
        folder.chmod(0o555)
    else:
        immutable.append(folder)
    err = fails_cleanly(project, "extract")
    assert "locales/ru: cannot write here" in err
    # the az catalog, which could have been written, was not touched either
    assert "A new paragraph." not in (project / "locales" / "az" / f"{DOC}.po").read_text()


def test_document_outside_the_project(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Title\n\nSecret.\n", encoding="utf-8")
    err = fails_cleanly(project, "extract", str(project / "source" / ".." / ".." / "outside.txt"))
    assert "outside the project's source folder" in err
    (project / "source" / "link.txt").symlink_to(outside)
    err = fails_cleanly(project, "extract")
    assert "link.txt: the document links outside" in err


def test_bad_config_names_file_line_and_key(project: Path) -> None:
    config = project / "transflow.toml"
    config.write_text(config.read_text().replace("unit = ", "units = "), encoding="utf-8")
    err = fails_cleanly(project, "extract")
    assert "transflow.toml:11: unknown key segmentation.units" in err
    config.write_text(
        config.read_text()
        .replace("units = ", "unit = ")
        .replace('languages = ["az", "ur", "ru"]', "languages = 'az'"),
        encoding="utf-8",
    )
    err = fails_cleanly(project, "extract")
    assert "transflow.toml:7: project.languages must be a list of language codes" in err
    config.write_text(
        config.read_text()
        .replace("languages = 'az'", "languages = ['az']")
        .replace('source_dir = "source"', 'source_dir = "../x"')
    )
    assert "points outside the project folder" in fails_cleanly(project, "extract")


def test_no_project_file(tmp_path: Path) -> None:
    result = cli(tmp_path, "status")
    assert result.exit_code == 1
    assert "no transflow.toml in this folder" in result.stderr


def test_two_processes_extracting_at_once_never_corrupt_a_catalog(project: Path) -> None:
    text = (project / "source" / f"{DOC}.txt").read_text(encoding="utf-8")
    for i in range(12):
        (project / "source" / f"copy{i}.txt").write_text(f"{text}\n\nCopy {i}.", encoding="utf-8")
    command = [sys.executable, "-m", "transflow", "--project", str(project), "extract", "-q"]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    for path in (project / "locales").rglob("*.po*"):
        msgfmt_check(path)
        assert len(polib.pofile(str(path))) >= 30
    leftovers = [p for p in (project / "locales").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def _hold_lock(root: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that holds `root`'s project lock for `seconds` (it holds it now)."""
    hold = (
        "import sys, time; from pathlib import Path; from transflow.files import project_lock\n"
        "with project_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", hold, str(root), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_held_project_lock_makes_a_second_writer_wait_then_fail(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from transflow.errors import TransflowError
    from transflow.files import project_lock

    holder = _hold_lock(tmp_path, 1.5)
    with pytest.raises(TransflowError) as caught, project_lock(tmp_path, timeout=0.3):
        pass
    # it says whom it waits for, at once and when it gives up (it used to wait silently)
    assert f"process {holder.pid} " in caught.value.message
    assert "has held the project lock for" in caught.value.message
    assert [
        r.getMessage()
        for r in caplog.records
        if "waiting for the project lock" in r.getMessage()
        and f"process {holder.pid} " in r.getMessage()
    ]
    with project_lock(tmp_path, timeout=30):  # waits for the holder to let go, then has it
        assert holder.wait(timeout=30) == 0


def test_the_command_says_on_stderr_whom_it_waits_for(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from transflow.files import warn

    holder = _hold_lock(project, 1.0)
    result = cli(project, "extract", "--lang", "az")
    assert result.exit_code == 0, result.output
    waited = [line for line in result.stderr.splitlines() if "project lock" in line]
    assert len(waited) == 1, result.stderr
    assert waited[0].startswith("transflow: waiting for the project lock ("), waited
    assert f"process {holder.pid} (" in waited[0]
    assert holder.wait(timeout=30) == 0
    # once the command is done, the library's warnings go to the ``transflow`` logger again
    warn("after the command")
    assert [r.getMessage() for r in caplog.records if r.name == "transflow"] == [
        "after the command"
    ]
