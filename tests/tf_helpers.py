"""Helpers shared by the tests (importable as ``tf_helpers``; pyproject adds tests/ to the path)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from transflow.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE = ROOT / "source" / "azerbaijan-pak-support.txt"
# the documents line of this repository's transflow.toml (and of a new one)
DOCUMENTS_LINE = 'documents = ["**/*.txt", "**/*.md", "**/*.markdown", "**/*.html", "**/*.htm"]'


def sample_units() -> list[dict[str, object]]:
    lines = (DATA / "sample-units.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def make_project(tmp_path: Path) -> Path:
    """A project folder holding the sample article and this repository's transflow.toml."""
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    shutil.copy(SAMPLE, root / "source")
    shutil.copy(ROOT / "transflow.toml", root)
    return root


def cli(root: Path, *args: str) -> Result:
    """Run ``transflow --project ROOT ARGS`` in-process, as a user would from a shell."""
    return CliRunner().invoke(main, ["--project", str(root), *args], catch_exceptions=False)


def install_fixture_packages(folder: Path, *languages: str) -> Path:
    """`folder` with the test packages for `languages` installed in it (``models install
    --from tests/data/argos``, run from a bare project beside it)."""
    root = folder.parent / f"{folder.name}-installer"
    root.mkdir(parents=True, exist_ok=True)
    (root / "transflow.toml").write_text("[project]\n", encoding="utf-8")
    args = ["models", "--packages-dir", str(folder), "install", "--from", str(DATA / "argos")]
    result = cli(root, *args, *languages)
    assert result.exit_code == 0, result.output
    return folder


def msgfmt_check(path: Path) -> str:
    """`msgfmt --check` accepts the file; what it said on stderr (its warnings)."""
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext's msgfmt is required (apt-get install gettext)")
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def fails_cleanly(root: Path, *args: str) -> str:
    """Run a command that must fail: exit 1, one error line, and no file changed."""
    before = snapshot(root)
    result = cli(root, *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("transflow: error: "), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert snapshot(root) == before
    return result.stderr


def msgcat(path: Path) -> bytes:
    if shutil.which("msgcat") is None:
        pytest.fail("GNU gettext's msgcat is required (apt-get install gettext)")
    return subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` (but transflow's own state folder) and its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".transflow" not in p.parts
    }


def growth(run: Callable[[int], object], n: int) -> float:
    """How many times the CPU time of ``run(n)`` that of ``run(4 * n)`` is: about 4 when
    the work is linear in n, 16 when quadratic. For input sizes where the quadratic term
    would be seconds, not for wall-time limits: each is the best of three runs (one where a
    run takes over a second), so that another process's load distorts it little."""

    def best(size: int) -> float:
        times: list[float] = []
        while len(times) < 3 and sum(times) < 1.0:
            start = time.process_time()
            run(size)
            times.append(time.process_time() - start)
        return min(times)

    small = best(n)
    return best(4 * n) / max(small, 1e-6)


def record_engine_calls(monkeypatch: pytest.MonkeyPatch, calls: list[list[str]]) -> None:
    """From now on, append the texts of each call of the pseudo engine to `calls`."""
    from transflow.engines import pseudo

    original = pseudo.PseudoEngine.translate

    def recording(
        self: pseudo.PseudoEngine, s: str, t: str, texts: Any, progress: Any = None
    ) -> Any:
        calls.append(list(texts))
        return original(self, s, t, texts)

    monkeypatch.setattr(pseudo.PseudoEngine, "translate", recording)
