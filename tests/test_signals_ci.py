"""Ctrl-C exits 130 in every phase with nothing half-written; CI gets no progress display."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tf_helpers import SAMPLE, msgfmt_check

DOC = "azerbaijan-pak-support"


def _project(tmp_path: Path, paragraphs: int) -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    (root / "transflow.toml").write_text(
        '[project]\nlanguages = ["az", "ru"]\n\n[translate]\nengine = "pseudo"\n',
        encoding="utf-8",
    )
    filler = "".join(f"\n\nParagraph {n} says {n * 3} things." for n in range(paragraphs))
    (root / "source" / f"{DOC}.txt").write_text(
        SAMPLE.read_text(encoding="utf-8") + filler + "\n", encoding="utf-8"
    )
    return root


def _interrupt(root: Path, command: str, when: float | str) -> subprocess.CompletedProcess[str]:
    """Run `command` and send it SIGINT after `when` seconds, or (``"locked"``) as soon as
    it holds the project lock, that is while it does its work."""
    started = subprocess.Popen(
        [sys.executable, "-m", "transflow", "--project", str(root), command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: a test run started in the background of a script inherits
        # SIGINT ignored, and Python then never turns it into KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    if when == "locked":
        lock, deadline = root / ".transflow" / "lock", time.monotonic() + 60
        while f"process {started.pid} " not in (lock.read_text() if lock.exists() else ""):
            assert started.poll() is None and time.monotonic() < deadline, "never took the lock"
            time.sleep(0.002)
    else:
        assert isinstance(when, float)
        time.sleep(when)
    started.send_signal(signal.SIGINT)
    out, err = started.communicate(timeout=60)
    return subprocess.CompletedProcess(started.args, started.returncode, out, err)


@pytest.mark.parametrize(
    ("command", "when"),
    [("extract", 0.3), ("extract", "locked"), ("translate", 0.3), ("translate", 1.5)],
)
def test_ctrl_c_exits_130_in_every_phase(tmp_path: Path, command: str, when: float | str) -> None:
    """Early (the command starting, catalogs being read, the engine loading) or mid-run
    (extract holding the lock; translate's model run): always 130, never click's
    "Aborted!" and status 1; every catalog there is whole."""
    root = _project(tmp_path, 30000)
    done = _interrupt(root, command, when)
    assert done.returncode != 0, f"{command} finished before the interrupt ({when})"
    assert done.returncode == 130, done.stderr
    assert "Aborted!" not in done.stderr
    assert "Traceback" not in done.stderr
    for path in (root / "locales").rglob("*.po"):
        msgfmt_check(path)
    assert not list((root / "locales").rglob("*.tmp"))


def test_ci_on_a_terminal_shows_no_progress(tmp_path: Path) -> None:
    """The README says CI gets the summary only; a terminal without CI set gets progress."""
    import pty

    root = _project(tmp_path, 300)

    def run_on_terminal(ci: str | None) -> str:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        if ci is not None:
            env["CI"] = ci
        leader, follower = pty.openpty()
        done = subprocess.run(
            [sys.executable, "-m", "transflow", "--project", str(root), "translate"],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            env=env,
            timeout=120,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert done.returncode == 0
        return b"".join(chunks).decode("utf-8", "replace")

    assert "units/s" in run_on_terminal(None)
    (root / ".transflow" / "tm.sqlite").unlink()
    for path in (root / "locales").rglob("*.po"):
        path.unlink()
    assert "units" not in run_on_terminal("true")


def test_the_first_rate_shown_is_measured_from_the_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was 45,462,617 units/s: the clock started when the first chunk was done. The
    job now reports the start of each language's model work (0 done), and the display
    shows no rate until units are done."""
    from transflow.cli import translate as cli_translate
    from transflow.config import load
    from transflow.jobs.translate import translate

    calls: list[tuple[str, int, int]] = []
    root = _project(tmp_path, 300)
    translate(load(root), progress=lambda *call: calls.append(call))
    assert calls[0] == ("az", 0, calls[0][2]) and calls[0][2] > 256
    assert next(c for c in calls if c[0] == "ru")[1] == 0

    now = [100.0]
    rate = cli_translate._Rate(quiet=False)
    rate.live = True
    rate.clock = lambda: now[0]
    for language, done, total in calls[:2]:
        rate(language, done, total)
        now[0] += 16.0
    shown = capsys.readouterr().err
    assert f"az: 0/{calls[0][2]} units  " in shown
    assert f"256/{calls[0][2]} units, 16.0 units/s, ETA" in shown
