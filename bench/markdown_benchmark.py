#!/usr/bin/env python3
"""Markdown: transflow's extract and build against mdpo, Translate Toolkit and po4a.

Run by hand from the repository root, with the project's virtual environment, after
``.ci/run`` (or its download lines) filled ``.external/markdown-corpus``:

    .venv/bin/python bench/markdown_benchmark.py               # 0.5, 1, 2 and 4 MB
    .venv/bin/python bench/markdown_benchmark.py --sizes 0.5   # one size
    .venv/bin/python bench/markdown_benchmark.py --write-docs  # also write the table into
                                                               # docs/benchmarks.md, "Markdown"

Input: Node.js's API reference as Debian's nodejs-doc ships it (64 files, 3.2 MB), its
files joined in name order, over again when needed, into one document of each size.
Each tool runs as its own process on that one document, timed in CPU seconds (user +
system, its children included: ``getrusage(RUSAGE_CHILDREN)``), once:

- transflow: ``extract --lang az`` from nothing (it writes the template and the az
  catalog); ``build --lang az`` with every unit pseudo-translated (``translate --engine
  pseudo`` first, not timed), so that every paragraph is rewritten;
- mdpo (``md2po``/``po2md``), Translate Toolkit (``python -m translate.convert.md2po``/
  ``po2md``), po4a (``po4a-updatepo``/``po4a-translate -f text -o markdown``): extract
  to a template, then build from it with every msgstr equal to its msgid.

transflow's modules are byte-compiled first, as pip compiles an installed package (and the
peers' were); an editable install would otherwise compile every module in every run where
PYTHONDONTWRITEBYTECODE is set.

A tool that takes longer than --timeout seconds is stopped; its cell says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from common import (
    DOCS_FILE,
    REPO,
    BenchError,
    compile_bytecode,
    log,
    machine,
    tree_state,
    write_section,
)

CORPUS = REPO / ".external" / "markdown-corpus"
HEADING = "## Markdown"
PYTHON = Path(sys.executable)
MB = 1_000_000


def document(size: float, corpus: Path) -> str:
    """The corpus's files joined, over again as needed, cut at a line end near `size` MB."""
    files = sorted(corpus.glob("*.md"))
    if not files:
        raise BenchError(f"no Markdown files in {corpus} (run .ci/run's download lines)")
    texts = [f.read_text(encoding="utf-8") for f in files]
    wanted = int(size * MB)
    parts, total = [], 0
    while total < wanted:
        for text in texts:
            parts.append(text if text.endswith("\n") else text + "\n")
            total += len(parts[-1].encode("utf-8"))
            if total >= wanted:
                break
    return "\n".join(parts)


def cpu(command: Sequence[str], cwd: Path, timeout: float) -> float | None:
    """CPU seconds of a command and its children (None: it ran past `timeout`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    try:
        done = subprocess.run(
            list(command), cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def transflow(folder: Path, text: str, timeout: float) -> tuple[float | None, float | None]:
    root = folder / "transflow"
    (root / "source").mkdir(parents=True)
    (root / "source" / "doc.md").write_text(text, encoding="utf-8")
    shutil.copy(REPO / "transflow.toml", root)  # the project holds doc.md alone
    run = [str(PYTHON), "-m", "transflow", "--project", str(root)]
    extract = cpu([*run, "extract", "--lang", "az"], root, timeout)
    cpu([*run, "translate", "--engine", "pseudo", "--lang", "az"], root, 10 * timeout)
    build = cpu([*run, "build", "--lang", "az", "--drafts", "include"], root, timeout)
    return extract, build


def _msgen(template: Path, catalog: Path) -> None:
    """The template with every msgstr its msgid (as ``msgen``, which refuses a template
    with duplicate entries, as Translate Toolkit's has)."""
    import polib

    entries = polib.pofile(str(template), wrapwidth=0)
    for entry in entries:
        entry.msgstr = entry.msgid
    entries.save(str(catalog))


def _peer(
    folder: Path, text: str, timeout: float, extract: Sequence[str], build: Sequence[str]
) -> tuple[float | None, float | None]:
    """A peer's `extract` (doc.md -> doc.pot) and, after every msgstr := msgid, its `build`
    (doc.po -> out.md), run in a folder of its own holding the document."""
    root = folder / "peer"
    root.mkdir()
    (root / "doc.md").write_text(text, encoding="utf-8")
    extracted = cpu(extract, root, timeout)
    if extracted is None:
        return None, None
    _msgen(root / "doc.pot", root / "doc.po")
    return extracted, cpu(build, root, timeout)


def mdpo(folder: Path, text: str, timeout: float) -> tuple[float | None, float | None]:
    bin_dir = PYTHON.parent
    return _peer(
        folder,
        text,
        timeout,
        [str(bin_dir / "md2po"), "doc.md", "-q", "-s", "-p", "doc.pot", "-w", "inf"],
        [str(bin_dir / "po2md"), "doc.md", "-q", "-p", "doc.po", "-s", "out.md", "-w", "inf"],
    )


def toolkit(folder: Path, text: str, timeout: float) -> tuple[float | None, float | None]:
    module = [str(PYTHON), "-m"]
    return _peer(
        folder,
        text,
        timeout,
        [*module, "translate.convert.md2po", "-i", "doc.md", "-o", "doc.pot"],
        [*module, "translate.convert.po2md", "-i", "doc.po", "-t", "doc.md", "-o", "out.md"],
    )


def po4a(folder: Path, text: str, timeout: float) -> tuple[float | None, float | None]:
    options = ["-f", "text", "-o", "markdown", "-M", "UTF-8", "-m", "doc.md"]
    return _peer(
        folder,
        text,
        timeout,
        ["po4a-updatepo", *options, "-p", "doc.pot"],
        ["po4a-translate", *options, "-p", "doc.po", "-l", "out.md", "-k", "0"],
    )


TOOLS = {"transflow": transflow, "mdpo": mdpo, "translate-toolkit": toolkit, "po4a": po4a}


def available(name: str) -> bool:
    if name == "mdpo":
        return (PYTHON.parent / "md2po").exists() and (PYTHON.parent / "po2md").exists()
    if name == "translate-toolkit":
        return subprocess.run([str(PYTHON), "-c", "import translate.convert.md2po"]).returncode == 0
    if name == "po4a":
        return shutil.which("po4a-updatepo") is not None
    return True


def seconds(value: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} (stopped)" if value is None else f"{value:.2f}"


def table(
    results: dict[str, dict[float, tuple[float | None, float | None]]], timeout: float
) -> str:
    sizes = sorted({size for by_size in results.values() for size in by_size})
    lines = [
        "| tool | "
        + " | ".join(f"extract {s:g} MB" for s in sizes)
        + " | "
        + " | ".join(f"build {s:g} MB" for s in sizes)
        + " |",
        "|---|" + "---:|" * (2 * len(sizes)),
    ]
    for name, by_size in results.items():
        extract = [seconds(by_size[s][0], timeout) for s in sizes]
        build = [seconds(by_size[s][1], timeout) for s in sizes]
        lines.append(f"| {name} | " + " | ".join(extract + build) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.5, 1, 2, 4], help="MB")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--tools", nargs="+", choices=sorted(TOOLS), default=list(TOOLS))
    ap.add_argument("--timeout", type=float, default=120, help="seconds a tool may run")
    ap.add_argument("--write-docs", action="store_true", help=f"write the table into {DOCS_FILE}")
    args = ap.parse_args()
    tools = [name for name in args.tools if available(name)]
    missing = sorted(set(args.tools) - set(tools))
    if missing:
        log(f"not installed, left out: {', '.join(missing)}")
    facts = machine("markdown-it-py", "mdpo", "translate-toolkit")
    this_tree = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    log(f"byte-compiled {compile_bytecode(PYTHON, this_tree)}")
    results: dict[str, dict[float, tuple[float | None, float | None]]] = {n: {} for n in tools}
    for size in args.sizes:
        text = document(size, args.corpus)
        for name in tools:
            with tempfile.TemporaryDirectory(prefix="md-bench-") as folder:
                log(f"{name}, {size:g} MB")
                results[name][size] = TOOLS[name](Path(folder), text, args.timeout)
    po4a_version = subprocess.run(["po4a", "--version"], capture_output=True, text=True).stdout
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    about = "; ".join(f"{k} {v}" for k, v in facts.items())
    text = "\n".join(
        [
            HEADING,
            "",
            "Generated by `bench/markdown_benchmark.py` (`.venv/bin/python"
            " bench/markdown_benchmark.py --write-docs`); see its docstring for the input and"
            f" the protocol. CPU seconds, one run each. Date: {date}; tree {tree_state()};"
            f" {about}; po4a {po4a_version.split()[2].rstrip('.') if po4a_version else '-'};"
            f" load average at the end {load}.",
            "",
            table(results, args.timeout),
            "",
        ]
    )
    print(text)
    if args.write_docs:
        write_section(HEADING, text)
        log(f"wrote {DOCS_FILE}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        log(f"markdown_benchmark: {error}")
        sys.exit(1)
