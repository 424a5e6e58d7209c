"""The ``local`` executor: the engine runs in this process, chunk after chunk."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from transflow.engines import Draft, Engine
from transflow.executors import Executor, translate_chunk
from transflow.memory import Memory

CHUNK = 256  # units per memory commit


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
        """Chunk after chunk through :func:`translate_chunk`."""
        for i in range(0, len(texts), CHUNK):
            chunk = texts[i : i + CHUNK]
            done.update(translate_chunk(engine, pair, chunk))
            memory.put(engine.name, provenance, pair, ((t, done[t]) for t in chunk))
            progress(len(chunk))


EXECUTOR = LocalExecutor
