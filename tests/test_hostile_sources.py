"""Hostile or odd source documents: each is refused with a clear error that names the
file (and line), exit 1, and no file written; none crashes or hangs."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from tf_helpers import cli, fails_cleanly

from transflow.formats.text import blocks, segment

DOC = "azerbaijan-pak-support"


@pytest.mark.parametrize("command", ["extract", "translate", "review"])
@pytest.mark.parametrize(
    "body", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n \t\n", b"\xef\xbb\xbf\xef\xbb\xbf"]
)
def test_a_document_of_only_a_bom_is_empty(project: Path, command: str, body: bytes) -> None:
    assert cli(project, "extract").exit_code == 0
    (project / "source" / "bom.txt").write_bytes(body)
    args = ["--engine", "pseudo"] if command == "translate" else []
    err = fails_cleanly(project, command, *args)
    assert "source/bom.txt: the document is empty" in err


def test_segmentation_of_a_lone_bom_gives_no_unit() -> None:
    for text in ("\ufeff", "Title\n\n\ufeff", "\ufeff \t", "Title.\n\n\ufeff  \n\nBody."):
        assert all(start < end for start, end in blocks(text)), text
        assert all(unit.text.strip() for unit in segment(text)), text
    assert [u.text for u in segment("\ufeffTitle\n\n\ufeff\n\nBody one.")] == ["Title", "Body one."]


def test_a_nul_byte_anywhere_is_refused(project: Path) -> None:
    text = "Title\n\n" + "A long sentence that fills the first part.\n" * 300  # > 8 KB
    (project / "source" / "late.txt").write_bytes(text.encode() + b"\x00 end.\n")
    err = fails_cleanly(project, "extract")
    assert "source/late.txt:303: this looks like a binary file (NUL byte)" in err


@pytest.mark.parametrize(
    ("encoding", "bom", "name"),
    [
        ("utf-16-le", True, "UTF-16 (little-endian)"),
        ("utf-16-be", True, "UTF-16 (big-endian)"),
        ("utf-16-le", False, "UTF-16 (little-endian)"),
        ("utf-16-be", False, "UTF-16 (big-endian)"),
        ("utf-32-le", True, "UTF-32 (little-endian)"),
        ("utf-32-be", True, "UTF-32 (big-endian)"),
    ],
)
def test_utf16_and_utf32_are_named(project: Path, encoding: str, bom: bool, name: str) -> None:
    data = "Title\n\nSome text, Azərbaycan, Пакистан.\n".encode(encoding)
    if bom:
        data = "\ufeff".encode(encoding) + data
    (project / "source" / "wide.txt").write_bytes(data)
    err = fails_cleanly(project, "extract")
    assert f"source/wide.txt: this is {name} text, not UTF-8" in err
    assert "iconv -f " in err
    assert "NUL" not in err


def test_real_binary_is_still_called_binary(project: Path) -> None:
    (project / "source" / "blob.txt").write_bytes(bytes(range(256)) * 4)
    err = fails_cleanly(project, "extract")
    assert "source/blob.txt:1: this looks like a binary file (NUL byte)" in err


def _limited() -> None:  # a runaway read fails at 1 GiB instead of eating the machine
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _segments(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    src = Path(__file__).resolve().parent.parent / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [sys.executable, "-m", "transflow", "segments", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
        preexec_fn=_limited,
    )


def test_a_device_is_not_read(tmp_path: Path) -> None:
    done = _segments(Path("/dev/zero"), tmp_path)
    assert done.returncode == 1, done.stderr[-300:]
    assert (
        done.stderr
        == "transflow: error: /dev/zero: not a regular file (a device); give a text file\n"
    )


def test_a_fifo_is_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    done = _segments(fifo, tmp_path)  # before: blocked until the timeout
    assert done.returncode == 1, done.stderr[-300:]
    assert "pipe.txt: not a regular file (a named pipe)" in done.stderr


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (b"a\nb.txt", "a control character (U+000A)"),
        (b"a\rb.txt", "a control character (U+000D)"),
        (b"tab\tname.txt", "a control character (U+0009)"),
        (b"caf\xe9.txt", "not valid UTF-8"),
    ],
)
def test_a_file_name_a_reference_cannot_carry_is_refused(
    project: Path, name: bytes, why: str
) -> None:
    text = (project / "source" / f"{DOC}.txt").read_bytes()
    with open(os.path.join(os.fsencode(project / "source"), name), "wb") as handle:
        handle.write(text)
    err = fails_cleanly(project, "extract")
    assert why in err and "rename the file" in err
    assert repr(os.fsdecode(name)) in err
    # and the project is not broken: the other commands say the same, nothing else
    assert why in fails_cleanly(project, "status")
