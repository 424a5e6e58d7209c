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

from transflow import markup, protect
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
    line breaks (:func:`protect.pieces`); the pieces go to the engine, and their drafts
    are joined back in place. A piece with inline-markup tags goes whole: as it is to an
    engine that keeps tags, else as plain text, its tags then placed by the draft's word
    alignment (:func:`protect.place`); the tags placed by a guess are the draft's
    ``guessed``. Every executor translates its chunks with this."""
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


def get_executor(name: str) -> Executor:
    if name not in EXECUTORS:
        known = ", ".join(sorted(EXECUTORS))
        raise TransflowError(f"unknown executor {name!r} (known: {known})")
    module = importlib.import_module(f"transflow.executors.{EXECUTORS[name]}")
    executor: Executor = module.EXECUTOR()
    return executor
