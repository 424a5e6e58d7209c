#!/usr/bin/env python3
"""Linearity: how each command's time and memory grow with its input.

Run by hand from the repository root, with the project's virtual environment:

    .venv/bin/python bench/linearity.py               # the full run (a few minutes)
    .venv/bin/python bench/linearity.py --scale 0.1   # every input a tenth as large
    .venv/bin/python bench/linearity.py --write-docs  # also write the table into
                                                      # docs/benchmarks.md, "Linearity"
    .venv/bin/python bench/linearity.py --only document  # one group of rows (runs,
                                                         # line, document)

Each input is made at sizes n, 2n and 4n, and each command run on it once as a process
(``python -m transflow`` from this tree's ``src``). The table gives the wall time, its
ratio to the size before (about 2 when the command is linear, 4 when it is quadratic),
and the process's peak resident memory (its largest process: ``os.wait4``'s
``ru_maxrss``), also as a multiple of the input's size. A child's ``ru_maxrss`` counts
from its parent's resident size when it was forked, so this script makes the large
documents and fills their catalogs in child processes of their own, and stays small.

Inputs, built in a temporary folder:
- a msgstr that is one long run of word characters (letters; and one of digits, in a
  second entry), as the e-mail and number patterns see it, and one of ``%(`` again and
  again (a third entry), as the placeholder pattern sees it: ``check`` and ``review``;
- a document that is one long line of non-ASCII text (Azerbaijani, no sentence end),
  so one msgid to wrap: ``extract`` (template and catalog);
- a large document (the sample article's body repeated, every sentence numbered):
  ``extract`` from nothing, ``build`` with every msgstr filled (its msgid upper-cased),
  and ``extract`` again over the filled catalog (the source touched).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from common import DOCS_FILE, write_section  # noqa: E402

from transflow import catalog, poformat  # noqa: E402 (from this tree, as the commands)
from transflow.model import Catalog  # noqa: E402

ARTICLE = REPO / "source" / "azerbaijan-pak-support.txt"
HEADING = "## Linearity"
LANG = "az"
MB = 1_000_000


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time
    cpu: float  # user + system time of the process and the children it waited for
    peak: int  # bytes


@dataclass(frozen=True)
class Row:
    measure: str
    size: int  # of the input, in `unit`
    unit: str  # "characters" or "bytes"
    run: Run


def log(message: str) -> None:
    print(f"[linearity] {message}", file=sys.stderr, flush=True)


def transflow(project: Path, *args: str) -> Run:
    """``transflow --project PROJECT ARGS`` as a process: its wall time and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, "-m", "transflow", "--project", str(project), *args]
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    assert child.stderr is not None
    errors = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 4):  # check: 4 is "QA errors found"
        raise SystemExit(f"{' '.join(cmd)} failed ({child.returncode}): {errors}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def project(folder: Path, document: str | int) -> Path:
    """A project of one document: `document`, or (an int) a :func:`large_document` of that
    size, made by a child process (see :func:`in_child`)."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "source").mkdir(parents=True)
    source = folder / "source" / "doc.txt"
    if isinstance(document, str):
        source.write_text(document, encoding="utf-8")
    else:
        in_child("document", str(document), str(source))
    transflow(folder, "init", "--lang", LANG)
    return folder


def in_child(step: str, *args: str) -> None:
    """One of :func:`child_step`'s steps in a process of its own. A child's peak memory, as
    ``wait4`` reports it, starts from its parent's resident size when it is forked; so
    what takes much memory (making a large document, filling its catalog) is not done in
    this process, which then stays smaller than every command it measures."""
    subprocess.run([sys.executable, __file__, "--step", step, *args], check=True)


def child_step(step: str, *args: str) -> None:
    if step == "document":
        Path(args[1]).write_text(large_document(int(args[0])), encoding="utf-8")
    elif step == "fill":
        fill(Path(args[0]), str.upper)
    else:
        raise SystemExit(f"unknown step {step!r}")


def fill(path: Path, translate: Callable[[str], str]) -> None:
    """Every msgstr of the catalog at `path` set to ``translate(msgid)``."""
    found = catalog.read(path)
    entries = tuple(e._replace(msgstr=translate(e.msgid)) if e.msgid else e for e in found.entries)
    filled = Catalog(found.header, found.header_comments, found.header_fuzzy, entries)
    path.write_text(poformat.format_catalog(filled), encoding="utf-8")


def po(folder: Path) -> Path:
    return folder / "locales" / LANG / "doc.po"


# --- the inputs ------------------------------------------------------------------------


def article() -> tuple[list[str], list[str]]:
    """The sample article's front matter (headline, deck, byline) and body paragraphs."""
    text = ARTICLE.read_text(encoding="utf-8")
    blocks = [b.strip() for b in re.split(r"\n[ \t]*\n\s*", text.strip()) if b.strip()]
    return blocks[:3], blocks[3:]


_END = re.compile(r"([.!?])(?=\s|$)")


def large_document(size: int) -> str:
    """About `size` bytes: the front matter, then the body paragraphs again and again, with
    a counter before each sentence's final punctuation, so every sentence is unique."""
    front, body = article()
    parts, total, n = list(front), sum(len(b.encode()) + 2 for b in front), 0
    while total < size:
        for paragraph in body:
            n += 1
            numbered = _END.sub(rf" ({n})\1", paragraph)
            parts.append(numbered)
            total += len(numbered.encode()) + 2
            if total >= size:
                break
    return "\n\n".join(parts) + "\n"


def long_line(size: int) -> str:
    """One line of `size` characters of Azerbaijani, with no sentence end."""
    words = "Azərbaycan Pakistanın Vətən müharibəsi zamanı dəstəyini yüksək qiymətləndirir "
    return (words * (size // len(words) + 1))[:size].rstrip() + "\n"


# --- the measures ----------------------------------------------------------------------


def word_runs(work: Path, sizes: Sequence[int]) -> list[Row]:
    rows = []
    for size in sizes:
        folder = project(work / f"runs-{size}", ARTICLE.read_text(encoding="utf-8"))
        transflow(folder, "extract", "-q")
        first, second, third = [e.msgid for e in catalog.read(po(folder)).entries if e.msgid][:3]
        # letters (as in e-mails), digits, and "%(" again and again (as a placeholder starts)
        runs = {first: "ab" * (size // 2), second: "7" * size, third: "%(" * (size // 2)}
        fill(po(folder), defaultdict(str, runs).__getitem__)
        log(f"check and review, msgstrs of {size:,} word characters or '%('s")
        what = "msgstrs of n word characters or '%('s"
        rows.append(Row(f"check, {what}", size, "characters", check(folder)))
        run = transflow(folder, "review", "-q")
        rows.append(Row(f"review, {what}", size, "characters", run))
        shutil.rmtree(folder)
    return rows


def check(folder: Path) -> Run:
    return transflow(folder, "check", "--severity", "error")


def wrapping(work: Path, sizes: Sequence[int]) -> list[Row]:
    rows = []
    for size in sizes:
        folder = project(work / f"line-{size}", long_line(size))
        log(f"extract, one line of {size:,} non-ASCII characters")
        run = transflow(folder, "extract", "-q")
        rows.append(Row("extract, one non-ASCII line of n characters", size, "characters", run))
        shutil.rmtree(folder)
    return rows


def large(work: Path, sizes: Sequence[int]) -> list[Row]:
    rows = []
    for size in sizes:
        folder = project(work / f"doc-{size}", size)
        actual = (folder / "source" / "doc.txt").stat().st_size
        log(f"extract, build, extract: a document of {actual / MB:.1f} MB")
        rows.append(Row("extract, n-byte document, fresh", actual, "bytes", extract(folder)))
        in_child("fill", str(po(folder)))
        run = transflow(folder, "build", "-q")
        rows.append(Row("build, n-byte document, every msgstr filled", actual, "bytes", run))
        (folder / "source" / "doc.txt").touch()
        run = extract(folder)
        rows.append(Row("extract, n-byte document, over the filled catalog", actual, "bytes", run))
        shutil.rmtree(folder)
    return rows


def extract(folder: Path) -> Run:
    return transflow(folder, "extract", "-q")


# the groups of rows (--only): each measure, and its smallest input's size
GROUPS: dict[str, tuple[Callable[[Path, Sequence[int]], list[Row]], float]] = {
    "runs": (word_runs, 1 * MB),
    "line": (wrapping, 0.4 * MB),
    "document": (large, 12.5 * MB),
}


# --- the report ------------------------------------------------------------------------


def _size(row: Row) -> str:
    if row.unit == "bytes":
        return f"{row.size / MB:.1f} MB"
    return f"{row.size / MB:.2f} M chars" if row.size >= MB else f"{row.size // 1000:,} k chars"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| measure | n | time (s) | ÷ at n/2 | CPU time (s) | ÷ at n/2 | peak memory (MB) "
        "| memory ÷ n |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous: dict[str, Row] = {}
    order = {measure: i for i, measure in reversed(list(enumerate(r.measure for r in rows)))}
    for row in sorted(rows, key=lambda r: order[r.measure]):
        before = previous.get(row.measure)
        ratio = f"{row.run.seconds / before.run.seconds:.2f}×" if before else "—"
        cpu = f"{row.run.cpu / before.run.cpu:.2f}×" if before else "—"
        times = f"{row.run.peak / row.size:.1f}×" if row.unit == "bytes" else "—"
        lines.append(
            f"| {row.measure} | {_size(row)} | {row.run.seconds:.2f} | {ratio} | "
            f"{row.run.cpu:.2f} | {cpu} | {row.run.peak / MB:.0f} | {times} |"
        )
        previous[row.measure] = row
    return "\n".join(lines)


def report(rows: Sequence[Row], started: dt.datetime, scale: float) -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    took = (dt.datetime.now(dt.UTC) - started).seconds
    return "\n".join(
        [
            HEADING,
            "",
            "Generated by `bench/linearity.py`"
            + (f" (`--scale {scale}`)" if scale != 1 else "")
            + "; do not edit by hand. "
            f"Date: {started:%Y-%m-%d %H:%M} UTC, tree {head}, {os.cpu_count()} CPUs, load "
            f"average at the end {load}, {took} s in all.",
            "",
            "Each input at sizes n, 2n and 4n, each command run once as a process. A linear "
            "command takes about 2× the time at 2n (a quadratic one 4×); CPU time (the "
            "process's and its children's) is less disturbed by other load than wall time "
            "on a shared machine. Peak memory is the "
            "resident size of its largest process (the parent or the child it forks), and "
            "for a document also as a multiple of the document's size. See the script's "
            "docstring for the inputs.",
            "",
            table(rows),
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="every input this many times")
    parser.add_argument("--write-docs", action="store_true", help=f"write into {DOCS_FILE}")
    parser.add_argument(
        "--only", choices=GROUPS, action="append", help="run this group of rows only (repeatable)"
    )
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)  # see in_child
    args = parser.parse_args(argv)
    if args.step:
        child_step(*args.step)
        return 0

    def sizes(base: float) -> list[int]:
        return [int(base * args.scale * k) for k in (1, 2, 4)]

    started = dt.datetime.now(dt.UTC)
    work = Path(tempfile.mkdtemp(prefix="transflow-linearity-"))
    try:
        rows = []
        for name, (measure, base) in GROUPS.items():
            if not args.only or name in args.only:
                rows += measure(work, sizes(base))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = report(rows, started, args.scale)
    print(section)
    if args.write_docs:
        write_section(HEADING, section)
        log(f"wrote {DOCS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
