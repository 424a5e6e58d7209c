"""Work in a forked process: same results as here, errors as here, and off when asked."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from test_poformat import HEADER, random_entry

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
