#!/usr/bin/env python3
"""The ray executor against the local one, on this machine, with the MT benchmark's model.

Run by hand from the repository root, with the project's virtual environment and Ray
(``pip install -e '.[ray]'``):

    .venv/bin/python bench/ray_benchmark.py                 # 512 sentences, 2 rounds
    .venv/bin/python bench/ray_benchmark.py --work /tmp/mtb  # reuse mt_benchmark's setup

Setup: ``bench/mt_benchmark.py``'s base-size random-weight package (6+6 layers, d_model
512, int8, 32k SentencePiece vocabulary; every output exactly 38 tokens) and its
sentences (each exactly 15 pieces), length-sorted as ``translate`` sends them; beam 4,
int8, CPU, threads 0, batch 32 (the defaults). Nothing is downloaded; the only sockets
are Ray's, on this machine.

Measured, in-process, interleaved rounds (the order rotates; medians reported):

1. ``local``: :class:`LocalExecutor` ``run`` over all sentences with a fresh engine (the
   model load counted) and a fresh translation memory;
2. ``ray`` with 1 and with 2 actors on a local Ray started once before the rounds
   (``ray.init(num_cpus=<cores>)``, as a running cluster would be): the same ``run``,
   counting actor start, package shipping (the package's tar is put into the object
   store each run; each node's cache already holds it after a warm-up run), model load
   in the actors and the chunks' round trips. Every run's drafts must equal the local
   run's;
3. Ray's overhead per batch, with the pseudo engine (no model): a chunk of CHUNK
   sentences to an actor and back (serialization, scheduling, return) against
   ``translate_chunk`` on the same chunk in this process; and the driver's CPU time per
   chunk over a whole ``RayExecutor.run`` (submit, wait, get, memory write), which bounds
   what one driver can feed.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import BenchError, log, machine, tree_state
from mt_benchmark import (
    SRC,
    TGT,
    argos_environment,
    build_package,
    engine_options,
    install,
    make_sentences,
)

PAIR = (SRC, TGT)


def executor(name: str, workers: int) -> Any:
    from transflow.executors import ExecutorOptions, get_executor

    return get_executor(name, ExecutorOptions(workers=workers))


def one_run(
    work: Path, name: str, workers: int, engine_name: str, options: Any, texts: list[str]
) -> tuple[float, float, float, dict[str, Any]]:
    """(wall s, actor start s, driver CPU s outside actor start, drafts) of one run."""
    from transflow.engines import get_engine
    from transflow.memory import Memory

    memory = Memory(Path(tempfile.mkdtemp(dir=work)) / "tm.sqlite")
    engine = get_engine(engine_name, options)
    runner = executor(name, workers)
    marks: list[tuple[float, float]] = []  # (wall, CPU) at the first spawn, each placement
    if name == "ray":
        spawn, placed = runner._spawn, runner._placed

        def mark() -> None:
            marks.append((time.perf_counter(), time.process_time()))

        def timed_spawn(*args: Any) -> Any:
            if not marks:
                mark()
            return spawn(*args)

        def timed_placed(*args: Any) -> Any:
            try:
                return placed(*args)
            finally:
                mark()

        runner._spawn, runner._placed = timed_spawn, timed_placed
    done: dict[str, Any] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        runner.run(engine, PAIR, texts, memory, engine.provenance(*PAIR), lambda n: None, done)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        runner.close()
        engine.close()
        memory.close()
    if len(done) != len(texts):
        raise BenchError(f"{name}: {len(done)} drafts for {len(texts)} texts")
    # actor start: from the first spawn to the last of the first actors' placements
    start = marks[-1][0] - marks[0][0] if marks else 0.0  # (no replacements here)
    start_cpu = marks[-1][1] - marks[0][1] if marks else 0.0
    return wall, start, cpu - start_cpu, done


def overhead(work: Path, texts: list[str]) -> dict[str, float]:
    """Ray's cost per chunk, measured with the pseudo engine (no model time)."""
    import ray

    from transflow import executors
    from transflow.engines import EngineOptions, get_engine
    from transflow.executors.ray import Worker

    chunk = (texts * (executors.CHUNK // len(texts) + 1))[: executors.CHUNK]
    pseudo = get_engine("pseudo", EngineOptions())
    remote: Any = ray.remote(Worker)
    actor = remote.options(num_cpus=1).remote("pseudo", EngineOptions(), PAIR, [])
    ray.get(actor.where.remote())
    trips, local = [], []
    for _ in range(30):
        began = time.perf_counter()
        drafts = ray.get(actor.translate.remote(chunk))
        trips.append(time.perf_counter() - began)
        began = time.perf_counter()
        executors.translate_chunk(pseudo, PAIR, chunk)
        local.append(time.perf_counter() - began)
    ray.kill(actor)
    many = [f"{text} ({n}.{i})" for n in range(100) for i, text in enumerate(chunk)]
    wall, start, cpu, _ = one_run(work, "ray", 1, "pseudo", EngineOptions(), many)
    chunks = len(many) / executors.CHUNK
    return {
        "round trip per chunk (ms, median)": 1000 * statistics.median(trips),
        "same chunk in-process (ms, median)": 1000 * statistics.median(local),
        "overhead per chunk (ms)": 1000 * (statistics.median(trips) - statistics.median(local)),
        "chunk pickled (kB)": len(pickle.dumps(chunk)) / 1000,
        "drafts pickled (kB)": len(pickle.dumps(drafts)) / 1000,
        "driver CPU per chunk in a run, actor start excluded (ms)": 1000 * cpu / chunks,
        "wall per chunk in a run, 1 actor, actor start excluded (ms)": 1000
        * (wall - start)
        / chunks,
        "chunk size (sentences)": float(executors.CHUNK),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--sentences", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, help="keep (and reuse) the built setup here")
    args = parser.parse_args()
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        return bench_in(args.work.resolve(), args)
    with tempfile.TemporaryDirectory(prefix="ray-bench-") as work:
        return bench_in(Path(work), args)


def bench_in(work: Path, args: argparse.Namespace) -> int:
    env = argos_environment(work)
    os.environ.update(env)  # before anything imports argostranslate
    os.environ.pop("TRANSFLOW_PACKAGES_DIR", None)
    os.environ.update(RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")  # this machine
    try:
        import ray
        import sentencepiece as spm
    except ImportError as exc:
        raise BenchError(f"{exc.name} is needed: pip install -e '.[ray]'") from None
    log("building the package (once per --work folder)")
    packages_dir = Path(env["ARGOS_PACKAGES_DIR"])
    folder = install(build_package(work), packages_dir)
    sp = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    texts = sorted(make_sentences(lambda s: sp.encode(s, out_type=str), args.sentences), key=len)
    options = engine_options(packages_dir)
    cores = os.cpu_count() or 1
    began = time.perf_counter()
    ray.init(address="local", num_cpus=cores, include_dashboard=False, log_to_driver=False)
    ray_start = time.perf_counter() - began
    log(f"local Ray up in {ray_start:.1f} s; warm-up run (unpacks the package into the cache)")
    one_run(work, "ray", 1, "argos", options, texts[:32])
    paths: dict[str, Callable[[], tuple[float, float, float, dict[str, Any]]]] = {
        "local": lambda: one_run(work, "local", 0, "argos", options, texts),
        "ray, 1 actor": lambda: one_run(work, "ray", 1, "argos", options, texts),
        "ray, 2 actors": lambda: one_run(work, "ray", 2, "argos", options, texts),
    }
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in paths}
    reference: dict[str, Any] = {}
    names = list(paths)
    for number in range(args.rounds):
        for name in names[number % 3 :] + names[: number % 3]:
            wall, start, cpu, drafts = paths[name]()
            log(f"round {number + 1}: {name}: {wall:.1f} s (actor start {start:.1f} s)")
            reference = reference or drafts
            if drafts != reference:
                raise BenchError(f"{name}: drafts differ from the first run's")
            runs[name].append((wall, start, cpu))
    costs = overhead(work, texts)
    ray.shutdown()
    print(report(len(texts), runs, costs, ray_start))
    return 0


def report(
    n: int, runs: dict[str, list[tuple[float, float, float]]], costs: dict[str, float], up: float
) -> str:
    facts = machine("ray", "ctranslate2")
    lines = [f"- {k}: {v}" for k, v in facts.items()]
    lines += [f"- tree: {tree_state()}", f"- local Ray start (ray.init): {up:.1f} s", ""]
    lines += [
        "| executor | sentences/s (median) | runs (s) | actor start (s, median) | "
        "sentences/s after actor start | vs local |",
        "|---|---:|---|---:|---:|---:|",
    ]
    local = n / statistics.median(w for w, _, _ in runs["local"])
    for name, rows in runs.items():
        wall = statistics.median(w for w, _, _ in rows)
        start = statistics.median(s for _, s, _ in rows)
        after = n / (wall - start) if name != "local" else n / wall
        walls = ", ".join(f"{w:.1f}" for w, _, _ in rows)
        lines.append(
            f"| {name} | {n / wall:.2f} | {walls} | {start:.2f} | {after:.2f} | "
            f"{n / wall / local:.2f} |"
        )
    lines += ["", "| Ray's cost per chunk (pseudo engine) | |", "|---|---:|"]
    lines += [f"| {k} | {v:.2f} |" for k, v in costs.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        log(f"ray_benchmark: {exc}")
        sys.exit(2)
