"""Work in a forked process: same results as here, errors as here, and off when asked."""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from pathlib import Path

import polib
import pytest
from test_poformat import HEADER, random_entry
from tf_helpers import ROOT, SAMPLE, cli

from transflow import parallel, poformat
from transflow.errors import TransflowError
from transflow.model import Catalog

two_cpus = pytest.mark.skipif(parallel.cpus() < 2, reason="one CPU: nothing runs in a child")


@two_cpus
def test_a_background_task_runs_in_a_child_and_sends_its_result() -> None:
    with parallel.background(lambda: (os.getpid(), {"text": "é" * 100_000})) as result:
        pid, data = result()
    assert pid != os.getpid() and data == {"text": "é" * 100_000}


@two_cpus
def test_a_failing_child_gives_the_error_the_task_raises_here() -> None:
    def task() -> int:
        raise TransflowError("bad input", "a.po", 3)

    with pytest.raises(TransflowError) as caught, parallel.background(task) as result:
        result()
    assert str(caught.value) == "a.po:3: bad input"


def test_transflow_jobs_1_keeps_everything_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSFLOW_JOBS", "1")
    assert parallel.cpus() == 1
    with parallel.background(os.getpid) as result:
        assert result() == os.getpid()
    assert parallel.map_split(lambda part: [os.getpid()] * len(part), [1, 2, 3]) == [
        [os.getpid()] * 3
    ]


def test_map_split_keeps_the_order() -> None:
    items = list(range(1001))
    parts = parallel.map_split(lambda part: [x * 2 for x in part], items)
    assert len(parts) == min(parallel.cpus(), 2)
    assert [x for part in parts for x in part] == [x * 2 for x in items]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_catalogs_printed_in_two_halves_are_printed_as_one(
    jobs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSFLOW_JOBS", jobs)
    rnd = random.Random(jobs)
    entries = list({e.key: e for e in (random_entry(rnd, n) for n in range(1500))}.values())
    template = Catalog(header=HEADER, entries=tuple(e.with_(msgstr="") for e in entries))
    catalogs = [template, Catalog(header=HEADER, entries=tuple(entries)), Catalog()]
    assert poformat.format_catalogs(catalogs) == [poformat.format_catalog(c) for c in catalogs]


@two_cpus
def test_a_child_whose_result_is_not_asked_for_is_stopped(tmp_path: Path) -> None:
    mark = tmp_path / "pid"

    def task() -> None:
        mark.write_text(str(os.getpid()))
        time.sleep(60)

    with parallel.background(task):
        while not mark.exists() or not mark.read_text():
            time.sleep(0.01)  # the job fails on another file meanwhile, say
    with pytest.raises(ProcessLookupError):
        os.kill(int(mark.read_text()), 0)  # gone, and reaped: not even a zombie


def _large_project(root: Path) -> Path:
    """A project whose one document (~300 kB, every sentence unique) is large enough for
    the jobs to use a second CPU."""
    blocks = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    body = [
        re.sub(r"([.?!”])(\s|$)", rf" ({copy}.{number})\1\2", block)
        for copy in range(70)
        for number, block in enumerate(blocks[3:])
    ]
    (root / "source").mkdir(parents=True)
    (root / "source" / "big.txt").write_text("\n\n".join([*blocks[:3], *body]), "utf-8")
    shutil.copy(ROOT / "transflow.toml", root)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for folder in ("locales", "build")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


@two_cpus
def test_jobs_on_two_cpus_write_what_one_cpu_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Extract, update and build of a large document: byte for byte the same files with
    TRANSFLOW_JOBS=1, and children were really used (forks counted)."""
    forks = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    results = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("TRANSFLOW_JOBS", jobs)
        root = _large_project(tmp_path / jobs)
        assert cli(root, "extract", "--lang", "az").exit_code == 0
        po = polib.pofile(str(root / "locales" / "az" / "big.po"))
        for entry in po:
            entry.msgstr = entry.msgid.upper()
        po.save()
        source = root / "source" / "big.txt"
        text = source.read_text("utf-8")
        source.write_text(text.replace("Pakistan", "Pakistan's people", 40), "utf-8")
        assert cli(root, "extract", "--lang", "az").exit_code == 0  # an update
        assert cli(root, "build", "--lang", "az").exit_code == 0
        results[jobs] = _files(root)
        assert (len(forks) > 0) == (jobs == "2")
    assert results["1"] == results["2"]
    po = polib.pofile(str(tmp_path / "2" / "locales" / "az" / "big.po"))
    assert len(po) > 1500 and po.fuzzy_entries() and po.obsolete_entries()
