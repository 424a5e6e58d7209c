"""The ``local`` executor: the engine runs in this process, chunk after chunk."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from transflow import protect
from transflow.engines import Draft, Engine
from transflow.executors import Executor
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
        """Each text is cut at its placeholders and markup (:func:`protect.pieces`); the
        pieces go to the engine, and their drafts are joined back in place."""
        for i in range(0, len(texts), CHUNK):
            chunk = texts[i : i + CHUNK]
            cut = {text: protect.pieces(text) for text in chunk}
            wanted = list(dict.fromkeys(p for ps in cut.values() for p, ok in ps if ok))
            drafts = dict(zip(wanted, engine.translate(*pair, wanted), strict=True))
            for text, parts in cut.items():
                scores = [s for p, ok in parts if ok and (s := drafts[p].score) is not None]
                joined = "".join(drafts[p].text if ok else p for p, ok in parts)
                done[text] = Draft(joined, min(scores) if scores else None)
            memory.put(engine.name, provenance, pair, ((t, done[t]) for t in chunk))
            progress(len(chunk))


EXECUTOR = LocalExecutor
