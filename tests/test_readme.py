"""The README's examples run as written: every shell line of its sections from
"## Commands" up to "## Development", in order, in a copy of this repository after the
Quickstart's transflow part, as the README says they run ("with .venv/bin on PATH"), each
exiting 0. Only ``/tmp/`` is this test's own folder instead."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tf_helpers import ROOT

README = ROOT / "README.md"


def examples(text: str) -> list[tuple[int, str]]:
    """The commands of the ```sh blocks between "## Commands" and "## Development", one
    per line (a line ending in a backslash goes on), with the README line each starts on."""
    start = text.index("## Commands\n")
    end = text.index("\n## Development\n", start)
    first_line = text.count("\n", 0, start) + 2
    found: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    inside = False
    for number, line in enumerate(text[start:end].splitlines()[1:], first_line):
        if line.startswith("```"):
            inside = line == "```sh"
        elif inside:
            at, so_far = pending or (number, "")
            pending = (at, so_far + line[:-1]) if line.endswith("\\") else None
            if pending is None:
                found.append((at, so_far + line))
    return found


def test_the_examples_are_found() -> None:
    text = "## Commands\n```sh\na \\\n  b\nc\n```\nnot\n```toml\nd\n```\n## Development\n"
    assert examples(text) == [(3, "a   b"), (5, "c")]
    found = examples(README.read_text(encoding="utf-8"))
    assert len(found) >= 30 and all(command.strip() for _, command in found)


def test_every_example_runs_as_written(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for name in ("source", "locales", "tests/data"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / "transflow.toml", repo)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "transflow").is_file(), "the transflow command is not installed"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    quickstart = re.search(r"&& (\.venv/bin/transflow models .*)", README.read_text("utf-8"))
    assert quickstart, "the Quickstart's transflow part"
    steps = [(0, quickstart.group(1).replace(".venv/bin/", ""))]
    for number, command in [*steps, *examples(README.read_text(encoding="utf-8"))]:
        command = command.replace("/tmp/", f"{scratch}/")
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"README.md:{number}: {command}\n{done.stderr}"
