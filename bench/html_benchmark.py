#!/usr/bin/env python3
"""The HTML format against translate-toolkit's html2po/po2html, side by side.

Run by hand from the repository root, with the project's virtual environment (which has
translate-toolkit: it is in the ``test`` extra):

    .venv/bin/python bench/html_benchmark.py               # 0.5, 1, 2 and 4 MB, 3 runs each
    .venv/bin/python bench/html_benchmark.py --quick       # 0.5 and 1 MB, one run: a smoke test
    .venv/bin/python bench/html_benchmark.py --write-docs  # also docs/benchmarks.md, "HTML"

The input is real HTML: the pages of the Debian packages the HTML tests use
(``apt-get install python-bs4-doc copyq-doc libjs-bootstrap5-doc``), whole, in turn, as
many as make the size (one project of that many documents; one folder for the peers).
Each measure is a real process (``transflow extract``/``build``; ``html2po``,
``po2html``), timed in CPU seconds (user + system, of the process and its children), the
commands run in turns, run by run, so that a drift in the shared machine's speed affects
them alike; the table shows the medians. transflow's modules are byte-compiled first, as
pip compiles an installed package (and the peers' were): an editable install would
otherwise compile every module in every run where PYTHONDONTWRITEBYTECODE is set (as
bench/benchmark.py does). transflow builds from pseudo-translated drafts
(every unit translated, its tags put back); po2html from a catalog whose every msgstr is
its msgid (it rewrites every unit either way).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from common import (
    DOCS_FILE,
    BenchError,
    compile_bytecode,
    log,
    machine,
    removing,
    tree_state,
    write_section,
)

HEADING = "## HTML"
PACKAGES = ("python-bs4-doc", "copyq-doc", "libjs-bootstrap5-doc")
# where they keep their HTML (as tests/test_html_rebuild.py reads them)
FOLDERS = (
    "usr/share/doc/python-bs4-doc",
    "usr/share/doc/copyq/html",
    "usr/share/doc/libjs-bootstrap5",
)
SIZES_MB = (0.5, 1.0, 2.0, 4.0)
TARGETS = {"extract": 0.5, "build": 0.5}  # seconds for 1 MB (issue 11)

Cmd = list[str]


def corpus_pages() -> list[str]:
    """The corpus pages' texts, in a fixed order."""
    pages = []
    for folder in FOLDERS:
        for path in sorted(Path("/", folder).rglob("*.htm*")):
            if path.suffix in (".html", ".htm") and path.is_file():
                pages.append(path.read_text(encoding="utf-8"))
    if not pages:
        raise BenchError(f"no corpus: apt-get install -y {' '.join(PACKAGES)}")
    return pages


def page_set(pages: Sequence[str], size: int) -> dict[str, str]:
    """Pages of at least `size` bytes in all: the corpus pages in turn, as often as needed."""
    found: dict[str, str] = {}
    total = 0
    while total < size:
        text = pages[len(found) % len(pages)]
        found[f"p{len(found):04d}.html"] = text
        total += len(text.encode("utf-8"))
    return found


def run(cmd: Cmd, cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`{shlex.join(cmd)}` exited {done.returncode}:\n{done.stderr[-2000:]}")


def cpu_seconds(cmd: Cmd, cwd: Path) -> float:
    """The CPU time (user + system) `cmd` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run(cmd, cwd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fill_identity(po_file: Path) -> None:
    """Every msgstr := its msgid."""
    import polib  # type: ignore[import-untyped,unused-ignore]

    po = polib.pofile(str(po_file))
    for entry in po:
        entry.msgstr = entry.msgid
    po.save(str(po_file))


class Measure:
    def __init__(self, name: str, cmd: Cmd, cwd: Path, prepare: Callable[[], None]) -> None:
        self.name, self.cmd, self.cwd, self.prepare = name, cmd, cwd, prepare
        self.samples: list[float] = []

    def once(self) -> None:
        self.prepare()
        self.samples.append(cpu_seconds(self.cmd, self.cwd))

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def measures(work: Path, pages: dict[str, str], bin_dir: Path) -> dict[str, Measure]:
    """The four commands on one input, set up to run again and again."""
    transflow = str(bin_dir / "transflow")
    project = work / "project"
    source = project / "source"
    source.mkdir(parents=True)
    for name, text in pages.items():
        (source / name).write_text(text, encoding="utf-8")
    run([transflow, "--project", str(project), "init", "--lang", "az"], work)  # takes *.html
    base = [transflow, "--project", str(project)]
    run([*base, "extract", "--lang", "az"], work)
    run([*base, "translate", "--lang", "az", "--engine", "pseudo"], work)
    pristine = work / "locales.pristine"
    shutil.copytree(project / "locales", pristine)

    def fresh_extract() -> None:
        removing(project / "locales", project / ".transflow")()

    def with_catalogs() -> None:
        removing(project / "locales", project / "build")()
        shutil.copytree(pristine, project / "locales")

    html2po, po2html = str(bin_dir / "html2po"), str(bin_dir / "po2html")
    po_dir = work / "tt-po"
    run([html2po, "-i", str(source), "-o", str(po_dir)], work)
    for po in po_dir.glob("*.po"):
        fill_identity(po)
    pot_dir, out_dir = work / "tt-pot", work / "tt-out"
    return {
        "transflow extract": Measure(
            "transflow extract", [*base, "extract", "--lang", "az"], work, fresh_extract
        ),
        "html2po": Measure(
            "html2po -P",
            [html2po, "-P", "-i", str(source), "-o", str(pot_dir)],
            work,
            removing(pot_dir),
        ),
        "transflow build": Measure(
            "transflow build",
            [*base, "build", "--lang", "az", "--drafts", "include"],
            work,
            with_catalogs,
        ),
        "po2html": Measure(
            "po2html",
            [po2html, "-t", str(source), "-i", str(po_dir), "-o", str(out_dir)],
            work,
            removing(out_dir),
        ),
    }


def report(rows: dict[float, dict[str, Measure]], repeat: int) -> str:
    lines = [
        HEADING,
        "",
        "Generated by `bench/html_benchmark.py` (`.venv/bin/python bench/html_benchmark.py"
        " --write-docs`); do not edit by hand.",
        "",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; tree {tree_state()}. Medians of"
        f" {repeat} runs, CPU seconds (user + system) of the whole process. Input: the HTML"
        f" pages of {', '.join(PACKAGES)} (Debian), whole, as many as make the size;"
        " transflow's modules byte-compiled first, as pip compiles an installed package"
        " (and the peers' were).",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in machine("translate-toolkit").items()]
    lines += [
        "",
        "| input | transflow extract | html2po -P | transflow build | po2html |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size, found in rows.items():
        cells = [f"{found[name].median:.2f}" for name in found]
        lines.append(f"| {size:g} MB | {' | '.join(cells)} |")
    first, last = min(rows), max(rows)
    growth = [f"{rows[last][n].median / rows[first][n].median:.1f}×" for n in rows[first]]
    lines.append(
        f"| {last:g} MB ÷ {first:g} MB ({last / first:g}× the input) | {' | '.join(growth)} |"
    )
    if 1.0 in rows:
        one = rows[1.0]
        lines += ["", "Targets for 1 MB (issue 11):", ""]
        for command, target in TARGETS.items():
            seconds = one[f"transflow {command}"].median
            peer = one["html2po" if command == "extract" else "po2html"]
            met = "met" if seconds <= target and seconds <= peer.median else "not met"
            lines.append(
                f"- {command}: {seconds:.2f} s (target ≤ {target} s and no slower than"
                f" {peer.name}, {peer.median:.2f} s): {met}"
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="0.5 and 1 MB, one run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS_FILE}")
    args = parser.parse_args(argv)
    sizes = SIZES_MB[:2] if args.quick else SIZES_MB
    repeat = 1 if args.quick else args.repeat
    bin_dir = Path(sys.executable).parent
    try:
        for tool in ("transflow", "html2po", "po2html"):
            if not (bin_dir / tool).is_file():
                raise BenchError(f"{bin_dir / tool} is missing: pip install -e '.[test]'")
        pages = corpus_pages()
        log(f"byte-compiled {compile_bytecode(Path(sys.executable))}")
        rows: dict[float, dict[str, Measure]] = {}
        with tempfile.TemporaryDirectory(prefix="transflow-html-bench-") as tmp:
            for size in sizes:
                work = Path(tmp) / f"{size:g}MB"
                work.mkdir()
                log(f"{size:g} MB: setting up")
                found = measures(work, page_set(pages, int(size * 1e6)), bin_dir)
                rows[size] = found
                for turn in range(repeat):
                    for measure in found.values():
                        measure.once()
                    log(
                        f"{size:g} MB, run {turn + 1}: "
                        + ", ".join(f"{m.name} {m.samples[-1]:.2f} s" for m in found.values())
                    )
    except BenchError as exc:
        log(f"html_benchmark: {exc}")
        return 1
    section = report(rows, repeat)
    print(section)
    if args.write_docs:
        write_section(HEADING, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
