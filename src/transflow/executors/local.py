"""The ``local`` executor: the engine runs in this process, chunk after chunk."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from transflow.engines import Draft, Engine
from transflow.executors import Executor, chunks, translate_chunk
from transflow.memory import Memory


class LocalExecutor(Executor):
    name = "local"

    def run(
        self,
        engine: Engine,
        pair: tuple[str, str],
        texts: Sequence[str],
        memory: Memory,
        provenance: str,
        progress: Callable[[int], None],
        done: dict[str, Draft],
    ) -> None:
        for chunk in chunks(texts):
            done.update(translate_chunk(engine, pair, chunk))
            memory.put(engine.name, provenance, pair, ((t, done[t]) for t in chunk))
            progress(len(chunk))


EXECUTOR = LocalExecutor
