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
from typing import TYPE_CHECKING

from transflow.engines import Draft, Engine
from transflow.errors import TransflowError

if TYPE_CHECKING:
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


def translate_chunk(
    engine: Engine, pair: tuple[str, str], chunk: Sequence[str]
) -> dict[str, Draft]:
    """The drafts of `chunk`'s texts, by text: each text is cut at its placeholders and
    line breaks (:func:`protect.pieces`); the pieces go to the engine, and their drafts
    are joined back in place. A piece with inline-markup tags goes whole: as it is to an
    engine that keeps tags, else as plain text, its tags then placed by the draft's word
    alignment (:func:`protect.place`); the tags placed by a guess are the draft's
    ``guessed``. Every executor translates its chunks with this."""
    from transflow import markup, protect  # 20 ms of imports: not for --help

    cut = {text: protect.pieces(text) for text in chunk}
    wanted = list(dict.fromkeys(p for ps in cut.values() for p, ok in ps if ok))
    untagged = {}
    if not engine.keeps_markup:
        untagged = {p: protect.untag(p) for p in wanted if markup.TAG.search(p)}
    sent = list(dict.fromkeys(untagged[p].plain if p in untagged else p for p in wanted))
    # (align only when asked: an engine a test wraps may not know the keyword)
    found = engine.translate(*pair, sent, align=True) if untagged else engine.translate(*pair, sent)
    made = dict(zip(sent, found, strict=True))
    drafts = {}
    for piece in wanted:
        if piece not in untagged:
            drafts[piece] = made[piece]
            continue
        draft = made[untagged[piece].plain]
        text, guesses = protect.place(untagged[piece], draft.text, draft.alignment)
        drafts[piece] = Draft(text, draft.score, guessed=tuple(guesses))
    done = {}
    for text, parts in cut.items():
        scores = [s for p, ok in parts if ok and (s := drafts[p].score) is not None]
        joined = "".join(drafts[p].text if ok else p for p, ok in parts)
        guessed = tuple(g for p, ok in parts if ok for g in drafts[p].guessed)
        done[text] = Draft(joined, min(scores) if scores else None, guessed=guessed)
    return done


def get_executor(name: str, options: ExecutorOptions | None = None) -> Executor:
    if name not in EXECUTORS:
        known = ", ".join(sorted(EXECUTORS))
        raise TransflowError(f"unknown executor {name!r} (known: {known})")
    module = importlib.import_module(f"transflow.executors.{EXECUTORS[name]}")
    executor: Executor = module.EXECUTOR(options)
    return executor
