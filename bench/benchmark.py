#!/usr/bin/env python3
"""transflow against its peers (po4a, Translate Toolkit, GNU gettext), side by side.

Run by hand from the repository root, with the project's virtual environment:

    .venv/bin/python bench/benchmark.py              # full run (several minutes)
    .venv/bin/python bench/benchmark.py --quick      # small inputs, one run each: a smoke test
    .venv/bin/python bench/benchmark.py --profile    # also a cProfile breakdown of the 2 MB extract
    .venv/bin/python bench/benchmark.py --write-docs # also rewrite docs/benchmarks.md

The peers are po4a and msgmerge (Debian packages ``po4a`` and ``gettext``) and txt2po /
po2txt (Translate Toolkit, installed into its own virtual environment ``.venv-bench`` so
that the project's stays clean). ``--install`` installs what is missing.

Every input is built in a temporary folder; nothing is written into the repository
except docs/benchmarks.md with --write-docs. Each measure is a real process
(``.venv/bin/transflow``, the peers' own commands) timed with time.perf_counter around
subprocess.run, repeated --repeat times from the same starting state; the table shows
the medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import pstats
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    DOCS_FILE,
    REPO,
    BenchError,
    compile_bytecode,
    log,
    machine,
    other_sections,
    removing,
    tree_state,
)

ARTICLE = REPO / "source" / "azerbaijan-pak-support.txt"
BENCH_VENV = REPO / ".venv-bench"
FRONT_BLOCKS = 3  # headline, deck, byline: kept once at the top of the corpus

Cmd = list[str]


# --- tools ---------------------------------------------------------------------------------


@dataclass
class Tools:
    transflow: Path
    python: Path  # the transflow venv's interpreter (for `python -c pass` and cProfile)
    po4a: str | None
    po4a_updatepo: str | None
    po4a_translate: str | None
    msgmerge: str | None
    txt2po: str | None
    po2txt: str | None

    def missing(self) -> list[str]:
        names = ["po4a", "po4a_updatepo", "po4a_translate", "msgmerge", "txt2po", "po2txt"]
        return [n.replace("_", "-") for n in names if getattr(self, n) is None]


def _which(name: str, *folders: Path) -> str | None:
    for folder in folders:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def find_tools(transflow: Path) -> Tools:
    bench_bin = BENCH_VENV / "bin"
    return Tools(
        transflow=transflow,
        python=transflow.parent / "python",
        po4a=_which("po4a"),
        po4a_updatepo=_which("po4a-updatepo"),
        po4a_translate=_which("po4a-translate"),
        msgmerge=_which("msgmerge"),
        txt2po=_which("txt2po", bench_bin),
        po2txt=_which("po2txt", bench_bin),
    )


def install_commands(tools: Tools) -> list[Cmd]:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    commands: list[Cmd] = []
    missing = set(tools.missing())
    if missing & {"po4a", "po4a-updatepo", "po4a-translate", "msgmerge"}:
        commands.append([*sudo, "apt-get", "update"])
        commands.append([*sudo, "apt-get", "install", "-y", "po4a", "gettext"])
    if missing & {"txt2po", "po2txt"}:
        if not (BENCH_VENV / "bin" / "python").exists():
            commands.append([sys.executable, "-m", "venv", str(BENCH_VENV)])
        commands.append([str(BENCH_VENV / "bin" / "pip"), "install", "translate-toolkit", "polib"])
    return commands


def ensure_tools(tools: Tools, install: bool) -> Tools:
    if not tools.transflow.exists():
        raise BenchError(
            f"{tools.transflow} not found: create the project venv and `pip install -e .`, "
            "or pass --transflow"
        )
    commands = install_commands(tools)
    if not commands:
        return tools
    if not install:
        log("missing peers: " + ", ".join(tools.missing()))
        log("install them with these commands (or rerun with --install):")
        for cmd in commands:
            log("    " + shlex.join(cmd))
        log("measures whose peer is missing are shown as n/a\n")
        return tools
    for cmd in commands:
        log("$ " + shlex.join(cmd))
        subprocess.run(cmd, check=True)
    return find_tools(tools.transflow)


def _first_line(cmd: Cmd) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0].strip() if lines else "?"


def versions(tools: Tools) -> dict[str, str]:
    found = {
        "transflow": _first_line([str(tools.transflow), "--version"]),
        "Python (transflow venv)": _first_line([str(tools.python), "-V"]),
    }
    if tools.po4a:
        found["po4a"] = _first_line([tools.po4a, "--version"])
    if tools.msgmerge:
        found["msgmerge"] = _first_line([tools.msgmerge, "--version"])
    if tools.txt2po:
        found["translate-toolkit"] = _first_line([tools.txt2po, "--version"])
    return found


# --- inputs --------------------------------------------------------------------------------

_BLANK = re.compile(r"\n[ \t]*\n\s*")
_TERMINAL_TAIL = re.compile(r"[.!?…]+[\"'”’»)\]]*$")
_WORD = re.compile(r"\b[a-z]{4,}\b")


def article_blocks() -> list[str]:
    text = ARTICLE.read_text(encoding="utf-8")
    return [b.strip() for b in _BLANK.split(text.strip()) if b.strip()]


def sentence_spans(tools: Tools, work: Path) -> dict[str, list[tuple[int, int]]]:
    """For each block of the article: the spans of its sentences, per `transflow segments`."""
    folder = work / "segments"
    folder.mkdir()
    sample = folder / "article.txt"
    sample.write_text("\n\n".join(article_blocks()) + "\n", encoding="utf-8")
    out = subprocess.run(
        [str(tools.transflow), "segments", "--json", str(sample)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = sample.read_text(encoding="utf-8")
    spans: dict[str, list[tuple[int, int]]] = {}
    starts = {m.start(): m.group() for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)}
    block_at = sorted(starts)
    for line in out.splitlines():
        unit = json.loads(line)
        if unit["kind"] != "sentence":
            continue
        block_start = max(s for s in block_at if s <= unit["start"])
        spans.setdefault(starts[block_start], []).append(
            (unit["start"] - block_start, unit["end"] - block_start)
        )
    return spans


def numbered(block: str, spans: Sequence[tuple[int, int]], n: int) -> str:
    """`block` with " (n)" in each of its sentences, before the final punctuation."""
    for start, end in sorted(spans or [(0, len(block))], reverse=True):
        tail = _TERMINAL_TAIL.search(block, start, end)
        at = tail.start() if tail else end
        block = f"{block[:at]} ({n}){block[at:]}"
    return block


def build_corpus(tools: Tools, work: Path, size: int) -> tuple[list[str], list[str]]:
    """Front matter + body paragraphs of ~`size` bytes, every sentence unique."""
    blocks = article_blocks()
    spans = sentence_spans(tools, work)
    front, body = blocks[:FRONT_BLOCKS], blocks[FRONT_BLOCKS:]
    paragraphs: list[str] = []
    total = sum(len(b.encode()) + 2 for b in front)
    n = 0
    while total < size:
        for block in body:
            n += 1
            paragraph = numbered(block, spans.get(block, []), n)
            paragraphs.append(paragraph)
            total += len(paragraph.encode()) + 2
            if total >= size:
                break
    return front, paragraphs


def changed(paragraphs: Sequence[str], every: int = 7) -> list[str]:
    """Every `every`-th paragraph with one word replaced."""
    return [
        _WORD.sub("changed", p, count=1) if i % every == every - 1 else p
        for i, p in enumerate(paragraphs)
    ]


def join(front: Sequence[str], paragraphs: Sequence[str]) -> str:
    return "\n\n".join([*front, *paragraphs]) + "\n"


def transflow_project(
    tools: Tools, folder: Path, files: dict[str, str], langs: Sequence[str], unit: str = "sentence"
) -> Path:
    (folder / "source").mkdir(parents=True)
    for name, text in files.items():
        (folder / "source" / name).write_text(text, encoding="utf-8")
    cmd = [str(tools.transflow), "--project", str(folder), "init", "--unit", unit]
    for lang in langs:
        cmd += ["--lang", lang]
    run(cmd, folder)
    return folder


def run(cmd: Cmd, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BenchError(
            f"`{shlex.join(cmd)}` in {cwd} exited {proc.returncode}:\n{proc.stderr[-2000:]}"
        )
    return proc


def fill(po_file: Path) -> int:
    """Every msgstr := its msgid upper-cased (written with polib). Returns the entry count."""
    try:
        import polib
    except ImportError:
        raise BenchError("polib is missing: run this script with .venv/bin/python") from None
    po = polib.pofile(str(po_file))
    count = 0
    for entry in po:
        if not entry.obsolete:
            entry.msgstr = entry.msgid.upper()
            count += 1
    po.save(str(po_file))
    return count


def restore(pristine: Path, target: Path) -> Callable[[], None]:
    def prepare() -> None:
        removing(target)()
        if pristine.is_dir():
            shutil.copytree(pristine, target, symlinks=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(pristine, target)

    return prepare


# --- timing --------------------------------------------------------------------------------


@dataclass
class Timing:
    command: str
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def _once(cmd: Cmd, cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace")[-2000:]
        raise BenchError(f"`{shlex.join(cmd)}` in {cwd} exited {proc.returncode}:\n{err}")
    return elapsed


Prepare = Callable[[], None] | None


class Rounds:
    """Commands timed in turns, run by run (A, B, C, A, B, C, ...), each from the same
    starting state: a shared machine whose speed drifts during a measure then slows them
    all alike, and the ratios between them hold."""

    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.jobs: list[tuple[Timing, Cmd, Path, Prepare]] = []

    def add(self, cmd: Cmd, cwd: Path, prepare: Prepare = None) -> Timing:
        """A command to time; its Timing is filled by :meth:`run`."""
        shown = [Path(cmd[0]).name, *cmd[1:]]
        timing = Timing(shlex.join(shown), [])
        self.jobs.append((timing, cmd, cwd, prepare))
        return timing

    def peer(
        self, available: str | None, cmd: Callable[[str], Cmd], cwd: Path, prepare: Prepare = None
    ) -> Timing | None:
        """:meth:`add` for a peer's command; None when the peer is not installed."""
        return None if available is None else self.add(cmd(available), cwd, prepare)

    def run(self) -> None:
        for _ in range(self.repeat):
            for timing, cmd, cwd, prepare in self.jobs:
                if prepare:
                    prepare()
                timing.samples.append(_once(cmd, cwd))
        for timing, _, cwd, _ in self.jobs:
            log(f"  {timing.median:8.3f} s  {timing.command}  (cwd {cwd.name})")


def timed(cmd: Cmd, cwd: Path, repeat: int, prepare: Prepare = None) -> Timing:
    """One command timed `repeat` times (see :class:`Rounds`)."""
    rounds = Rounds(repeat)
    timing = rounds.add(cmd, cwd, prepare)
    rounds.run()
    return timing


@dataclass
class Row:
    measure: str
    transflow: Timing
    peer_name: str
    peer: Timing | None
    target: str
    # speed-up wanted (peer / transflow), or an absolute ceiling for transflow's time, or neither
    min_speedup: float | None = None
    max_seconds: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def speedup(self) -> float | None:
        if self.peer is None:
            return None
        return self.peer.median / self.transflow.median

    @property
    def met(self) -> str:
        verdicts = []
        if self.max_seconds is not None:
            verdicts.append(self.transflow.median < self.max_seconds)
        if self.min_speedup is not None:
            if self.speedup is None:
                return "n/a"
            verdicts.append(self.speedup >= self.min_speedup)
        if not verdicts:
            return "—"
        return "yes" if all(verdicts) else "**no**"


def _seconds(timing: Timing | None, repeat: int) -> str:
    if timing is None:
        return "n/a"
    value = timing.median
    text = f"{value:.3f}" if value < 10 else f"{value:.1f}"
    if len(timing.samples) != repeat:
        text += f" (n={len(timing.samples)})"
    return text


def table(rows: Sequence[Row], repeat: int) -> str:
    lines = [
        "| # | measure | transflow (s) | peer | peer (s) "
        "| speed-up (peer ÷ transflow) | target | met |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for number, row in enumerate(rows, 1):
        speed = f"{row.speedup:.2f}×" if row.speedup is not None else "n/a"
        lines.append(
            f"| {number} | {row.measure} | {_seconds(row.transflow, repeat)} "
            f"| {row.peer_name} | {_seconds(row.peer, repeat)} | {speed} | {row.target} "
            f"| {row.met} |"
        )
    return "\n".join(lines)


def commands(rows: Sequence[Row], work: Path) -> str:
    def clean(command: str) -> str:
        return command.replace(str(work) + "/", "").replace(str(work), ".")

    lines = []
    for number, row in enumerate(rows, 1):
        lines.append(f"{number}. `{clean(row.transflow.command)}`")
        if row.peer is not None:
            lines.append(f"   vs `{clean(row.peer.command)}`")
        lines += [f"   ({note})" for note in row.notes]
    return "\n".join(lines)


# --- profile -------------------------------------------------------------------------------

_AREAS = (
    (
        "segmentation (formats/text.py, sentences*.py)",
        ("transflow/formats/text.py", "transflow/sentences"),
    ),
    ("PO writing: poformat.py", ("transflow/poformat.py",)),
    ("PO writing: line breaks (libunistring via ctypes)", ("transflow/linebreak.py", "/ctypes/")),
    ("PO writing: line breaks (Python port, uniseg)", ("transflow/uax14.py", "/uniseg/")),
    ("PO reading: poparse.py + catalog.py", ("transflow/poparse.py", "transflow/catalog.py")),
    ("merge: merge.py", ("transflow/merge.py",)),
    ("merge: rapidfuzz", ("/rapidfuzz/",)),
    ("model (Entry, Catalog)", ("transflow/model.py", "/dataclasses.py", "<string>")),
    ("file I/O, lock, fsync", ("transflow/files.py", "/tempfile.py")),
    ("project orchestration", ("transflow/project.py",)),
    ("CLI (click, transflow/cli)", ("/click/", "transflow/cli")),
    ("imports and start-up", ("<frozen importlib", "<frozen zipimport")),
)
_IO_BUILTIN = re.compile(
    r"'(write|read|readinto|close|flush)' of '_io|posix\.(fsync|stat|replace|open|lstat|"
    r"mkdir|unlink|chmod|fstat|close|write|read|getcwd)|io\.open|_io\.open"
)
_IMPORT_BUILTIN = re.compile(r"marshal\.loads|_imp\.|builtins\.__import__|exec_dynamic")


def _area(func: tuple[str, int, str]) -> str | None:
    filename, _, name = func
    if filename == "~":
        if _IO_BUILTIN.search(name):
            return "file I/O, lock, fsync"
        if _IMPORT_BUILTIN.search(name):
            return "imports and start-up"
        return None
    if name == "<module>":
        return "imports and start-up"
    path = filename.replace("\\", "/")
    for area, needles in _AREAS:
        if any(needle in path for needle in needles):
            return area
    if "/transflow/" in path:  # a module the list above does not name yet
        return "transflow/" + path.rsplit("/transflow/", 1)[1]
    return None


def areas(stats: pstats.Stats) -> dict[str, float]:
    """Self time per area; functions of no area (stdlib, builtins) count for their callers."""
    raw = stats.stats  # type: ignore[attr-defined]
    memo: dict[tuple[str, int, str], dict[str, float]] = {}

    def shares(func: tuple[str, int, str], depth: int) -> dict[str, float]:
        own = _area(func)
        if own is not None:
            return {own: 1.0}
        if func in memo:
            return memo[func]
        callers = raw[func][4] if func in raw else {}
        if depth > 12 or not callers:
            return {"other": 1.0}
        memo[func] = {"other": 1.0}  # cycle guard
        weights: dict[str, float] = {}
        total = sum(edge[3] for edge in callers.values()) or float(len(callers))
        for caller, edge in callers.items():
            weight = (edge[3] or (0 if total else 1)) / total if total else 1 / len(callers)
            for area, share in shares(caller, depth + 1).items():
                weights[area] = weights.get(area, 0.0) + weight * share
        memo[func] = weights or {"other": 1.0}
        return memo[func]

    result: dict[str, float] = {}
    for func, (_, _, tottime, _, _) in raw.items():
        for area, share in shares(func, 0).items():
            result[area] = result.get(area, 0.0) + tottime * share
    return dict(sorted(result.items(), key=lambda kv: -kv[1]))


def _short(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/src/", "/lib/python3."):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "/lib/python3.":
                path = path.split("/", 1)[-1]
            break
    return f"{path}:{line}({name})"


_WRAPPERS = ("/click/", "transflow/__main__.py", "transflow/cli", "<string>")


def _top(rows: list[tuple[tuple[str, int, str], tuple[Any, ...]]], count: int) -> list[str]:
    lines = ["| ncalls | tottime (s) | cumtime (s) | function |", "|---:|---:|---:|---|"]
    for func, (cc, nc, tt, ct, _) in rows:
        if func[2] == "<built-in method builtins.exec>" or func[0].startswith("<frozen"):
            continue
        if any(w in func[0].replace("\\", "/") for w in _WRAPPERS):
            continue
        calls = str(nc) if nc == cc else f"{nc}/{cc}"
        lines.append(f"| {calls} | {tt:.3f} | {ct:.3f} | `{_short(func)}` |")
        if len(lines) == count + 2:
            break
    return lines


def profile_run(tools: Tools, project: Path, title: str, args: Cmd, work: Path, slug: str) -> str:
    """cProfile of `transflow ARGS` run as a process in a copy of `project`."""
    target = work / f"profile-{slug}"
    restore(project, target)()
    removing(target / "build")()  # as in the timed runs
    out = work / f"profile-{slug}.prof"
    # main(), not the console script (which leaves with os._exit, before cProfile writes)
    driver = work / "profile-driver.py"
    driver.write_text("from transflow.cli import main\nmain(prog_name='transflow')\n")
    cmd = [str(tools.python), "-m", "cProfile", "-o", str(out), str(driver), *args]
    start = time.perf_counter()
    subprocess.run(cmd, cwd=target, check=True, capture_output=True)
    wall = time.perf_counter() - start
    stats = pstats.Stats(str(out), stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    lines = [
        f"### {title}: `transflow {' '.join(args)}`",
        "",
        f"Under cProfile: {wall:.2f} s wall, {total:.2f} s profiled "
        "(cProfile inflates call-heavy code).",
        "",
        "Self time by area (functions outside transflow count for their callers):",
        "",
        "| area | self time (s) | share |",
        "|---|---:|---:|",
    ]
    for area, seconds in areas(stats).items():
        if seconds >= 0.005:
            lines.append(f"| {area} | {seconds:.2f} | {100 * seconds / total:.0f}% |")
    raw = list(stats.stats.items())  # type: ignore[attr-defined]
    lines += ["", "Top 15 by cumulative time (below the CLI wrappers):", ""]
    lines += _top(sorted(raw, key=lambda kv: -kv[1][3]), 15)
    lines += ["", "Top 10 by self time:", ""]
    lines += _top(sorted(raw, key=lambda kv: -kv[1][2]), 10)
    return "\n".join(lines)


# --- the measures --------------------------------------------------------------------------


@dataclass
class Options:
    repeat: int
    size: int
    docs: int
    po4a_docs: int
    po4a_repeat: int
    skip_po4a_project: bool
    profile: bool


def corpus_measures(tools: Tools, work: Path, opts: Options) -> tuple[list[Row], dict[str, str]]:
    tf = str(tools.transflow)
    repeat = opts.repeat
    rows: list[Row] = []
    facts: dict[str, str] = {}

    log("building the corpus...")
    front, paragraphs = build_corpus(tools, work, opts.size)
    text = join(front, paragraphs)
    new_text = join(front, changed(paragraphs))
    inputs = work / "inputs"
    inputs.mkdir()
    (inputs / "corpus.txt").write_text(text, encoding="utf-8")
    (inputs / "corpus-changed.txt").write_text(new_text, encoding="utf-8")
    langs = ("az", "ur", "ru")
    sentence = transflow_project(tools, work / "corpus-sentence", {"corpus.txt": text}, langs)
    paragraph = transflow_project(
        tools, work / "corpus-paragraph", {"corpus.txt": text}, langs, unit="paragraph"
    )
    run_dir = work / "run"
    facts["corpus"] = (
        f"{len(text.encode()) / 1e6:.2f} MB, {len(front)} front-matter blocks + "
        f"{len(paragraphs)} body paragraphs"
    )

    # 1. extract, sentence units, fresh
    log("extract, sentence units, fresh")
    rounds = Rounds(repeat)
    tf_sentence = rounds.add(
        [tf, "extract", "--lang", "az", "-q"], run_dir, restore(sentence, run_dir)
    )
    po4a_fresh = rounds.peer(
        tools.po4a_updatepo,
        lambda exe: [exe, "-f", "text", "-m", "corpus.txt", "-p", "az.po", "-M", "UTF-8"],
        inputs,
        removing(inputs / "az.po"),
    )
    rounds.run()
    pot = (run_dir / "locales" / "templates" / "corpus.pot").read_text(encoding="utf-8")
    sentence_units = len(re.findall(r"^msgid ", pot, re.MULTILINE)) - 1  # less the header
    facts["corpus"] += f", {sentence_units} distinct sentence units"
    rows.append(
        Row(
            "extract, sentence units, 1 language, fresh",
            tf_sentence,
            "po4a-updatepo (paragraphs)",
            po4a_fresh,
            "no slower than po4a",
            min_speedup=1.0,
            notes=["transflow writes the template and az.po; po4a-updatepo writes az.po"],
        )
    )

    # 2. extract, paragraph units, fresh
    log("extract, paragraph units, fresh")
    rounds = Rounds(repeat)
    tf_paragraph = rounds.add(
        [tf, "extract", "--unit", "paragraph", "--lang", "az", "-q"],
        run_dir,
        restore(sentence, run_dir),
    )
    txt2po = rounds.peer(
        tools.txt2po,
        lambda exe: [exe, "--progress", "none", "-i", "corpus.txt", "-o", "corpus.po"],
        inputs,
        removing(inputs / "corpus.po"),
    )
    rounds.run()
    rows.append(
        Row(
            "extract, paragraph units, 1 language, fresh",
            tf_paragraph,
            "txt2po",
            txt2po,
            "no slower than txt2po",
            min_speedup=1.0,
        )
    )

    # catalogs for the build and update measures
    log("preparing translated catalogs...")
    run([tf, "extract", "--lang", "az", "-q"], sentence)
    empty_sentence = work / "corpus-sentence-empty"
    shutil.copytree(sentence, empty_sentence)
    fill(sentence / "locales" / "az" / "corpus.po")
    run([tf, "extract", "--lang", "az", "-q"], paragraph)
    fill(paragraph / "locales" / "az" / "corpus.po")
    peers = work / "peers"
    peers.mkdir()
    shutil.copy2(inputs / "corpus.txt", peers / "corpus.txt")
    if tools.txt2po:
        run([tools.txt2po, "--progress", "none", "-i", "corpus.txt", "-o", "tt-empty.po"], peers)
        shutil.copy2(peers / "tt-empty.po", peers / "tt-filled.po")
        fill(peers / "tt-filled.po")
    if tools.po4a_updatepo:
        args = ["-f", "text", "-m", "corpus.txt", "-M", "UTF-8"]
        run([tools.po4a_updatepo, *args, "-p", "po4a-filled.po"], peers)
        fill(peers / "po4a-filled.po")

    # 3-6. build
    log("build")
    build_cmd = [tf, "build", "--lang", "az", "-q"]
    rounds = Rounds(repeat)
    tf_build = rounds.add(build_cmd, sentence, removing(sentence / "build"))
    tf_build_para = rounds.add(build_cmd, paragraph, removing(paragraph / "build"))
    tf_build_empty = rounds.add(build_cmd, empty_sentence, removing(empty_sentence / "build"))
    uncached = work / "corpus-sentence-uncached"  # no units kept by an extract
    shutil.copytree(sentence, uncached)
    tf_build_uncached = rounds.add(
        build_cmd, uncached, removing(uncached / "build", uncached / ".transflow" / "units")
    )

    def po2txt(po: str, out: str) -> Callable[[str], Cmd]:
        return lambda exe: [exe, "--progress", "none", "-t", "corpus.txt", "-i", po, "-o", out]

    po2txt_filled = rounds.peer(
        tools.po2txt if tools.txt2po else None,
        po2txt("tt-filled.po", "out.txt"),
        peers,
        removing(peers / "out.txt"),
    )
    po2txt_empty = rounds.peer(
        tools.po2txt if tools.txt2po else None,
        po2txt("tt-empty.po", "out-empty.txt"),
        peers,
        removing(peers / "out-empty.txt"),
    )
    po4a_translate = rounds.peer(
        tools.po4a_translate if tools.po4a_updatepo else None,
        lambda exe: [
            exe,
            "-f",
            "text",
            "-m",
            "corpus.txt",
            "-M",
            "UTF-8",
            "-p",
            "po4a-filled.po",
            "-l",
            "out-po4a.txt",
            "-L",
            "UTF-8",
            "-k",
            "0",
        ],
        peers,
        removing(peers / "out-po4a.txt"),
    )
    rounds.run()
    built = (sentence / "build" / "az" / "corpus.txt").read_text(encoding="utf-8")
    if built == text or "AZERBAIJAN" not in built:
        raise BenchError("transflow build did not use the filled catalog")
    rows.append(
        Row(
            "build, sentence units, every msgstr filled",
            tf_build,
            "po2txt (paragraphs)",
            po2txt_filled,
            "no slower than po2txt",
            min_speedup=1.0,
            notes=[
                "the build reads the document's units from .transflow/units/, which the"
                " extract that made the catalog wrote (the usual order: extract, translate,"
                " build); see the row 'units not kept' for a build without them"
            ],
        )
    )
    rows.append(
        Row(
            "build, paragraph units, every msgstr filled",
            tf_build_para,
            "po2txt",
            po2txt_filled,
            "no slower than po2txt",
            min_speedup=1.0,
        )
    )
    rows.append(
        Row(
            "build, sentence units, every msgstr filled",
            tf_build,
            "po4a-translate -k 0",
            po4a_translate,
            "—",
        )
    )
    rows.append(
        Row(
            "build, sentence units, empty catalog",
            tf_build_empty,
            "po2txt, empty catalog",
            po2txt_empty,
            "no slower than po2txt",
            min_speedup=1.0,
        )
    )
    rows.append(
        Row(
            "build, sentence units, every msgstr filled, units not kept",
            tf_build_uncached,
            "po2txt (paragraphs)",
            po2txt_filled,
            "—",
            notes=[
                "as in a fresh clone, or when the document changed since the last extract:"
                " build segments it again"
            ],
        )
    )

    # 7-8. update after 1 paragraph in 7 changed
    log("update after 1 paragraph in 7 changed")
    updated = work / "corpus-updated"
    shutil.copytree(sentence, updated)
    shutil.copy2(inputs / "corpus-changed.txt", updated / "source" / "corpus.txt")
    # msgmerge gets the template the update makes: made once, untimed
    restore(updated, run_dir)()
    run([tf, "extract", "--lang", "az", "-q"], run_dir)
    merge_dir = work / "msgmerge"
    merge_dir.mkdir()
    shutil.copy2(updated / "locales" / "az" / "corpus.po", merge_dir / "old.po")
    shutil.copy2(run_dir / "locales" / "templates" / "corpus.pot", merge_dir / "new.pot")
    shutil.copy2(inputs / "corpus-changed.txt", peers / "corpus-changed.txt")
    rounds = Rounds(repeat)
    tf_update = rounds.add(
        [tf, "extract", "--lang", "az", "-q"], run_dir, restore(updated, run_dir)
    )
    msgmerge = rounds.peer(
        tools.msgmerge,
        lambda exe: [exe, "--quiet", "--previous", "old.po", "new.pot", "-o", "out.po"],
        merge_dir,
        removing(merge_dir / "out.po"),
    )
    po4a_update = rounds.peer(
        tools.po4a_updatepo,
        lambda exe: [exe, "-f", "text", "-m", "corpus-changed.txt", "-M", "UTF-8", "-p", "az.po"],
        peers,
        restore(peers / "po4a-filled.po", peers / "az.po"),
    )
    rounds.run()
    fuzzy = (run_dir / "locales" / "az" / "corpus.po").read_text(encoding="utf-8")
    facts["update"] = (
        f"{sum(1 for i in range(len(paragraphs)) if i % 7 == 6)} paragraphs changed; "
        f"transflow's az.po afterwards has {fuzzy.count('#, fuzzy')} fuzzy entries"
    )
    rows.append(
        Row(
            "update after 1 paragraph in 7 changed (sentence units)",
            tf_update,
            "msgmerge --previous",
            msgmerge,
            "no slower than msgmerge",
            min_speedup=1.0,
            notes=["msgmerge gets transflow's old az.po and the new template transflow makes"],
        )
    )
    rows.append(
        Row(
            "update after 1 paragraph in 7 changed",
            tf_update,
            "po4a-updatepo (paragraphs)",
            po4a_update,
            "3× faster than po4a-updatepo",
            min_speedup=3.0,
            notes=[
                "po4a-updatepo gets its own filled az.po (paragraph units) and the changed file"
            ],
        )
    )

    if opts.profile:
        log("profiling transflow on the corpus...")
        fresh = sentence_fresh(sentence, work)
        extract = ["extract", "--lang", "az", "-q"]
        runs = [
            (fresh, "Fresh extract, sentence units", extract, "s"),
            (fresh, "Fresh extract, paragraph units", [*extract, "--unit", "paragraph"], "p"),
            (updated, "Update after 1 paragraph in 7 changed", extract, "u"),
            (
                sentence,
                "Build, sentence units, filled catalog",
                ["build", "--lang", "az", "-q"],
                "b",
            ),
        ]
        facts["profile"] = "\n\n".join(
            profile_run(tools, project, title, args, work, slug)
            for project, title, args, slug in runs
        )
    return rows, facts


def sentence_fresh(project: Path, work: Path) -> Path:
    """A copy of `project` without catalogs or state: the starting point of a fresh extract."""
    fresh = work / "fresh-project"
    if not fresh.exists():
        shutil.copytree(
            project, fresh, ignore=shutil.ignore_patterns("locales", ".transflow", "build")
        )
    return fresh


def many_documents(tools: Tools, work: Path, opts: Options) -> tuple[list[Row], dict[str, str]]:
    tf = str(tools.transflow)
    repeat = opts.repeat
    article = ARTICLE.read_text(encoding="utf-8")
    headline, _, rest = article.partition("\n")

    def doc(i: int) -> str:
        return f"{headline} ({i})\n{rest}"

    width = len(str(opts.docs))
    files = {f"article-{i:0{width}d}.txt": doc(i) for i in range(1, opts.docs + 1)}
    log(f"{opts.docs} documents x 3 languages")
    project = transflow_project(tools, work / "docs-project", files, ("az", "ur", "ru"))
    run_dir = work / "docs-run"
    first = timed([tf, "extract", "-q"], run_dir, repeat, restore(project, run_dir))
    noop = timed([tf, "extract", "-q"], run_dir, max(repeat, 5))
    facts = {"documents": f"{opts.docs} copies of the sample article, a counter in the headline"}

    po4a_first = po4a_noop = None
    notes: list[str] = []
    if tools.po4a and not opts.skip_po4a_project:
        folder = work / "po4a-project"
        (folder / "source").mkdir(parents=True)
        lines = ["[po4a_langs] az ur ru", "[po4a_paths] po/$master.pot $lang:po/$master.$lang.po"]
        wide = len(str(opts.po4a_docs))
        for i in range(1, opts.po4a_docs + 1):
            name = f"article-{i:0{wide}d}.txt"
            (folder / "source" / name).write_text(doc(i), encoding="utf-8")
            lines.append(f"[type: text] source/{name} $lang:out/$lang/{name}")
        (folder / "po4a.cfg").write_text("\n".join(lines) + "\n", encoding="utf-8")
        cmd = [tools.po4a, "--no-translations", "-M", "UTF-8", "po4a.cfg"]
        log(f"po4a over {opts.po4a_docs} documents (slow: minutes per run at 500)")
        po4a_first = timed(cmd, folder, 1)
        po4a_noop = timed(cmd, folder, opts.po4a_repeat)
        if opts.po4a_docs != opts.docs:
            notes.append(f"po4a ran over {opts.po4a_docs} documents, not {opts.docs}")
    elif tools.po4a:
        notes.append("po4a project skipped (--skip-po4a-project)")
    notes.append("po4a --no-translations: update the POT and PO files only, like transflow extract")
    rows = [
        Row(
            f"extract {opts.docs} documents × 3 languages, first run",
            first,
            "po4a --no-translations",
            po4a_first,
            "—",
            notes=notes,
        ),
        Row(
            f"no-op re-extract, {opts.docs} documents × 3 languages",
            noop,
            "po4a --no-translations, rerun",
            po4a_noop,
            "under 0.5 s (issue: po4a 0.74 s)",
            max_seconds=0.5,
            notes=list(notes),
        ),
    ]
    return rows, facts


def startup(tools: Tools, work: Path, opts: Options) -> Row:
    log("--help")
    repeat = max(opts.repeat, 10)
    helped = timed([str(tools.transflow), "--help"], work, repeat)
    bare = timed([str(tools.python), "-c", "pass"], work, repeat)
    return Row(
        "`transflow --help`, process wall time",
        helped,
        "`python -c pass` (same venv)",
        bare,
        "under 0.3 s",
        max_seconds=0.3,
    )


# --- report --------------------------------------------------------------------------------


def report(
    rows: Sequence[Row],
    facts: dict[str, str],
    tools: Tools,
    opts: Options,
    work: Path,
    started: dt.datetime,
    info: dict[str, str],
) -> str:
    versions_found = versions(tools)
    setup = "\n".join(f"- {k}: {v}" for k, v in {**info, **versions_found}.items())
    inputs = "\n".join(f"- {k}: {v}" for k, v in facts.items() if k != "profile")
    parts = [
        "# Benchmarks",
        "",
        "Generated by `bench/benchmark.py` (`taskset -c 0 .venv/bin/python bench/benchmark.py"
        " --write-docs"
        + (" --profile" if opts.profile else "")
        + "`: one CPU, as the targets are set); do not edit by hand.",
        "",
        f"Date: {started:%Y-%m-%d %H:%M} UTC. Medians of {opts.repeat} runs "
        "(`--help`: at least 10; n=… where fewer), wall time of the whole process, "
        "in seconds. Speed-up above 1 means transflow is faster. The commands of a measure"
        " run in turns, run by run (transflow, each peer; again), so"
        " that a drift in the shared machine's speed affects them alike.",
        "",
        table(rows, opts.repeat),
        "",
        "## Machine",
        "",
        setup,
        "",
        "## Inputs",
        "",
        inputs,
        "- the corpus is the sample article's body paragraphs repeated, with a counter"
        " `(n)` before the final punctuation of every sentence, so every sentence and"
        " every paragraph is unique; its first three blocks (headline, deck, byline) come"
        " once at the top",
        "- filled catalogs: every msgstr = its msgid upper-cased, written with polib",
        "- changed corpus: in every 7th body paragraph the first lower-case word of four"
        " letters or more is replaced by `changed`",
        "",
        "## Commands",
        "",
        commands(rows, work),
        "",
        "## Caveats",
        "",
        "- Timings are wall time on a shared machine; expect ±10-20% between runs.",
        "- transflow writes every file atomically (a temporary file, then a rename) and"
        " fsyncs the catalogs before the rename; the peers do neither.",
        "- transflow's modules are byte-compiled before timing, as pip compiles an installed"
        " package (and the peers' were): an editable install would otherwise compile them in"
        " every run on a machine that sets PYTHONDONTWRITEBYTECODE.",
        "- po4a and txt2po cut the text into paragraphs; transflow's default unit is the"
        " sentence, which makes about three times as many entries.",
        "- transflow, like its peers, does all its work in one process on one CPU; the"
        " benchmark is run under `taskset -c 0` so that each command has one CPU.",
    ]
    if "profile" in facts:
        parts += ["", "## Where transflow's time goes (cProfile)", "", facts["profile"]]
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measure (median)")
    parser.add_argument("--size-mb", type=float, default=2.0, help="corpus size (default 2)")
    parser.add_argument("--docs", type=int, default=500, help="documents in the many-files case")
    parser.add_argument(
        "--po4a-docs",
        type=int,
        default=None,
        help="documents in po4a's many-files project (default: --docs)",
    )
    parser.add_argument(
        "--po4a-repeat",
        type=int,
        default=1,
        help="timed po4a reruns over the many files (default 1: minutes each)",
    )
    parser.add_argument(
        "--skip-po4a-project",
        action="store_true",
        help="skip po4a over the many files (the slowest part)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 0.2 MB, 50 documents, 1 run per measure"
    )
    parser.add_argument(
        "--profile", action="store_true", help="add a cProfile breakdown of the corpus extract"
    )
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS_FILE}")
    parser.add_argument(
        "--install",
        action="store_true",
        help="install missing peers (apt-get: po4a gettext; pip into .venv-bench)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--transflow",
        type=Path,
        default=REPO / ".venv" / "bin" / "transflow",
        help="the transflow console script (default: .venv/bin/transflow)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.size_mb, args.docs, args.repeat = 0.2, 50, 1
    opts = Options(
        repeat=args.repeat,
        size=int(args.size_mb * 1_000_000),
        docs=args.docs,
        po4a_docs=args.po4a_docs or args.docs,
        po4a_repeat=args.po4a_repeat,
        skip_po4a_project=args.skip_po4a_project,
        profile=args.profile,
    )
    started = dt.datetime.now(dt.UTC)
    info = {**machine(), "transflow tree": tree_state()}
    try:
        tools = ensure_tools(find_tools(args.transflow), args.install)
        log(f"byte-compiled {compile_bytecode(tools.python)}")
        work = Path(tempfile.mkdtemp(prefix="transflow-bench-"))
        log(f"working in {work}")
        try:
            rows, facts = corpus_measures(tools, work, opts)
            more, more_facts = many_documents(tools, work, opts)
            rows += more
            facts.update(more_facts)
            rows.append(startup(tools, work, opts))
            info["load average at end"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            info["benchmark wall time"] = f"{(dt.datetime.now(dt.UTC) - started).seconds} s"
            text = report(rows, facts, tools, opts, work, started, info)
        finally:
            if args.keep:
                log(f"kept {work}")
            else:
                shutil.rmtree(work, ignore_errors=True)
    except (BenchError, subprocess.CalledProcessError) as exc:
        log(f"benchmark: error: {exc}")
        return 1
    print(text)
    if args.write_docs:
        DOCS_FILE.parent.mkdir(exist_ok=True)
        old = DOCS_FILE.read_text(encoding="utf-8") if DOCS_FILE.exists() else ""
        text = text.rstrip("\n") + "\n" + other_sections(old)  # the other scripts' stay
        DOCS_FILE.write_text(text, encoding="utf-8")
        log(f"wrote {DOCS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
