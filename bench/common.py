"""What the benchmark scripts share: their error, their log, and the facts of the machine
and of the tree a run measured (each report prints them above its tables)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class BenchError(Exception):
    """A benchmark that cannot run as asked (a peer missing, a bad option)."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def machine(*packages: str) -> dict[str, str]:
    """The CPU, the CPUs this process may use, the load, the OS and Python, and the
    versions of `packages` (distribution names)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    facts = {
        "CPU": _cpu_model(),
        "nproc": str(usable),
        "load average at start": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
    }
    facts.update({name: _version(name) for name in packages})
    return facts


def tree_state() -> str:
    """The measured tree: its commit, and whether src/ had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{head}{' + uncommitted changes in src/' if dirty else ''}"
