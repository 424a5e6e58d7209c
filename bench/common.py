"""What the benchmark scripts share: their error, their log, and the facts of the machine
and of the tree a run measured (each report prints them above its tables)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS_FILE = REPO / "docs" / "benchmarks.md"
# the sections of DOCS_FILE that scripts other than bench/benchmark.py write, each its own
SECTIONS = ("## Linearity", "## Memory matching", "## HTML", "## Markdown")


class BenchError(Exception):
    """A benchmark that cannot run as asked (a peer missing, a bad option)."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def compile_bytecode(python: Path, env: dict[str, str] | None = None) -> str:
    """Byte-compile the transflow package that `python` imports (with `env`), as pip does
    when it installs a package; its folder. An editable install has no bytecode until a
    first run writes it, and none ever where PYTHONDONTWRITEBYTECODE is set (this
    workplace sets it), so every timed run would compile every module again; the peers
    were installed by pip (or apt), compiled."""
    where = subprocess.run(
        [str(python), "-c", "import os, transflow; print(os.path.dirname(transflow.__file__))"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    subprocess.run([str(python), "-m", "compileall", "-q", where], check=True)
    return where


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


def removing(*paths: Path) -> Callable[[], None]:
    """A run's preparation: delete `paths` (files or folders) that a timed run makes."""

    def prepare() -> None:
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

    return prepare


def write_section(heading: str, section: str) -> None:
    """`section` (starting with `heading`) in place of that section of DOCS_FILE, or at
    its end."""
    text = DOCS_FILE.read_text(encoding="utf-8") if DOCS_FILE.exists() else "# Benchmarks\n"
    start = text.find(f"\n{heading}\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[: start + 1] + section + (text[end:] if end >= 0 else "")
    DOCS_FILE.write_text(text, encoding="utf-8")


def other_sections(text: str) -> str:
    """The part of DOCS_FILE's `text` that other scripts wrote (:data:`SECTIONS`), from the
    first of them on."""
    found = [i for h in SECTIONS if (i := text.find(f"\n{h}\n")) >= 0]
    return text[min(found) :] if found else ""
