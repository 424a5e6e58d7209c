"""Where machine translation runs, behind one small interface.

An executor takes one language's pending units (already length-sorted), sends them to
an engine in chunks of :data:`CHUNK` units, stores each finished chunk in the draft cache
(:class:`transflow.memory.Memory`) as soon as it is done, so that an interrupted run
loses only the chunks in flight, and reports progress. ``local`` runs the engine in this
process; ``ray`` runs engines in actors on a Ray cluster. Both turn a chunk into drafts
with :func:`translate_chunk`, so a chunk's drafts do not depend on where it ran. They are
looked up by name with :func:`get_executor`; importing this package imports no executor.
"""

from __future__ import annotations

import importlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from transflow import protect
from transflow.engines import Draft, Engine
from transflow.errors import TransflowError
from transflow.memory import Memory

# name -> module under transflow.executors that defines EXECUTOR (a subclass of Executor):
# the one list of executors, from which the config's and the CLI's choices come
EXECUTORS: dict[str, str] = {"local": "local", "ray": "ray"}

CHUNK = 256  # units per engine call and per memory commit, whatever the executor
# a Ray cluster's address: "" (start one for the run), "auto", HOST:PORT or ray://HOST:PORT
RAY_ADDRESS = re.compile(r"|auto|(ray://)?[^\s:/]+:\d{1,5}")


@dataclass(frozen=True)
class ExecutorOptions:
    address: str = ""  # ray: "" (a Ray started for this run), "auto", HOST:PORT, ray://HOST:PORT
    workers: int = 0  # ray: actors; 0: as many as the cluster has room for


@dataclass
class Placement:
    """Where a run's model work went: actors per node, and chunks sent again."""

    actors: dict[str, int] = field(default_factory=dict)  # node -> actors that ran there
    retried: int = 0  # chunks sent to another actor after theirs died


def translate_chunk(engine: Engine, pair: tuple[str, str], chunk: Sequence[str]) -> list[Draft]:
    """The drafts of `chunk`, in order. Each text is cut at its placeholders and markup
    (:func:`protect.pieces`); the distinct translatable pieces go to the engine in one
    call, and their drafts are joined back in place (score: the lowest of its pieces')."""
    cut = [protect.pieces(text) for text in chunk]
    wanted = list(dict.fromkeys(p for ps in cut for p, ok in ps if ok))
    drafts = dict(zip(wanted, engine.translate(*pair, wanted), strict=True))
    result = []
    for parts in cut:
        scores = [s for p, ok in parts if ok and (s := drafts[p].score) is not None]
        joined = "".join(drafts[p].text if ok else p for p, ok in parts)
        result.append(Draft(joined, min(scores) if scores else None))
    return result


def chunks(texts: Sequence[str]) -> list[Sequence[str]]:
    """`texts` in runs of :data:`CHUNK`, in order."""
    return [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]


class Executor(ABC):
    """Runs the model work of one ``translate``, language after language."""

    name: str = ""

    def __init__(self, options: ExecutorOptions | None = None) -> None:
        self.options = options or ExecutorOptions()
        self.placement = Placement()  # of the last run

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

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the runs held (a cluster connection, actors)."""


def get_executor(name: str, options: ExecutorOptions | None = None) -> Executor:
    if name not in EXECUTORS:
        known = ", ".join(sorted(EXECUTORS))
        raise TransflowError(f"unknown executor {name!r} (known: {known})")
    module = importlib.import_module(f"transflow.executors.{EXECUTORS[name]}")
    executor: Executor = module.EXECUTOR(options)
    return executor
