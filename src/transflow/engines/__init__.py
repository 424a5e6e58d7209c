"""Machine-translation engines behind one small interface.

An engine turns a batch of source texts into drafts. It never splits sentences (the
texts are already units) and never reaches the network. Engines are looked up by name
with :func:`get_engine`; importing this package imports no engine.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from transflow.errors import TransflowError

# name -> module under transflow.engines that defines ENGINE (a subclass of Engine): the one
# list of engines, from which the config's and the CLI's choices and the contract test come
ENGINES: dict[str, str] = {"argos": "argos", "pseudo": "pseudo"}

Progress = Callable[[int], None]  # called with the number of texts just finished


# A word-alignment link of a draft: (source start, source end, target start, target end,
# weight): a character span of the source text, one of the draft's text, and how much
# the model attended from that target piece to that source piece (0..1).
Link = tuple[int, int, int, int, float]


@dataclass(frozen=True)
class Draft:
    text: str
    score: float | None = None  # length-normalized log-probability; higher is more confident
    # asked for with `align=True`: the model's attention as links; None when it can't say
    alignment: tuple[Link, ...] | None = None
    # inline-markup tags placed by a guess, not by the model (executors.translate_chunk)
    guessed: tuple[str, ...] = ()


@dataclass(frozen=True)
class EngineOptions:
    beam_size: int = 4
    device: str = "cpu"  # "cpu", "cuda" or "auto"
    compute_type: str = "int8"  # CTranslate2 compute type: int8, int8_float32, float32, auto...
    threads: int = 0  # intra-op threads; 0: the engine's default
    max_length_ratio: float = 2.0  # output tokens at most this times the input tokens (+ 8)
    batch_size: int = 32  # units per batch
    packages_dir: Path | None = None  # where argos packages are installed; None: argos default


class Engine(ABC):
    """Translates units for one run; may hold loaded models until :meth:`close`."""

    name: str = ""
    # True: the engine keeps inline-markup tags (markup.py) in place itself and is given
    # texts with their tags; False: it is given the plain text, and the tags are placed
    # by word alignment (executors.translate_chunk)
    keeps_markup: bool = False

    def __init__(self, options: EngineOptions) -> None:
        self.options = options

    @abstractmethod
    def provenance(self, source: str, target: str) -> str:
        """What will make the drafts, e.g. ``argos translate-en_az 1.0``. Raises
        :class:`TransflowError` naming the pair (and how to install it) when it can't."""

    @abstractmethod
    def translate(
        self,
        source: str,
        target: str,
        texts: Sequence[str],
        progress: Progress | None = None,
        *,
        align: bool = False,
    ) -> list[Draft]:
        """One draft per text, in order; with `align`, drafts carry the model's word
        alignment (:attr:`Draft.alignment`) where the engine has one. Aligning never
        changes a draft's text or score."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release loaded models."""


def get_engine(name: str, options: EngineOptions | None = None) -> Engine:
    if name not in ENGINES:
        known = ", ".join(sorted(ENGINES))
        raise TransflowError(f"unknown engine {name!r} (known: {known})")
    module = importlib.import_module(f"transflow.engines.{ENGINES[name]}")
    engine: Engine = module.ENGINE(options or EngineOptions())
    return engine
