"""Where machine translation runs, behind one small interface.

An executor takes one language's pending units (already length-sorted), sends them to
an engine in chunks, stores each finished chunk in the draft cache
(:class:`transflow.memory.Memory`) as soon as it is done, so that an interrupted run
loses only the chunks in flight, and reports progress. The first executor runs the
engine in this process (``local``); others (a Ray cluster) sit beside it, looked up by
name with :func:`get_executor`. Importing this package imports no executor.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

from transflow import protect
from transflow.engines import Draft, Engine
from transflow.errors import TransflowError
from transflow.memory import Memory

# name -> module under transflow.executors that defines EXECUTOR (a subclass of Executor)
EXECUTORS: dict[str, str] = {"local": "local"}


class Executor(ABC):
    """Runs a language's model work for one ``translate``."""

    name: str = ""

    @abstractmethod
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
        """Put a draft for each of `texts` into `done`; store each finished chunk in
        `memory` under `provenance`; call `progress` with the units each chunk finished."""


def translate_chunk(
    engine: Engine, pair: tuple[str, str], chunk: Sequence[str]
) -> dict[str, Draft]:
    """The drafts of `chunk`'s texts, by text: each text is cut at its placeholders and
    markup (:func:`protect.pieces`); the pieces go to the engine, and their drafts are
    joined back in place. Every executor translates its chunks with this."""
    cut = {text: protect.pieces(text) for text in chunk}
    wanted = list(dict.fromkeys(p for ps in cut.values() for p, ok in ps if ok))
    drafts = dict(zip(wanted, engine.translate(*pair, wanted), strict=True))
    done = {}
    for text, parts in cut.items():
        scores = [s for p, ok in parts if ok and (s := drafts[p].score) is not None]
        joined = "".join(drafts[p].text if ok else p for p, ok in parts)
        done[text] = Draft(joined, min(scores) if scores else None)
    return done


def get_executor(name: str) -> Executor:
    if name not in EXECUTORS:
        known = ", ".join(sorted(EXECUTORS))
        raise TransflowError(f"unknown executor {name!r} (known: {known})")
    module = importlib.import_module(f"transflow.executors.{EXECUTORS[name]}")
    executor: Executor = module.EXECUTOR()
    return executor
