"""The ``argos`` engine: Argos Translate packages run directly with CTranslate2.

argostranslate finds the packages, resolves pivots and provides each package's tokenizer
(see :mod:`transflow.engines.argos_packages`); it never translates here, because it would
split sentences again (and may download a sentence splitter). Instead all units of a call
go through one loaded ``ctranslate2.Translator`` per package, in length-sorted batches of
``options.batch_size`` units, and come back in their original order.

Units: every non-empty line of a text (a text with internal newlines is translated line
by line; identical lines of a call are translated once). The whitespace around each line
is kept as in the input; a text that is empty or only whitespace is returned as is, with
no model call.

Score: the length-normalized log-probability of the output, i.e. the mean log-probability
per output token, the end-of-sentence token included. CTranslate2 returns exactly this
with ``length_penalty=1`` (its score is the summed log-probabilities divided by the
output length), which is the length penalty used here. A text of several lines gets the
token-weighted mean of its lines; through a pivot, the lower of the two legs' scores. An
untouched (empty) text scores 0.0.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transflow.engines import Draft, Engine, EngineOptions, Progress
from transflow.engines.argos_packages import PackageInfo, route
from transflow.errors import TransflowError


@dataclass(frozen=True)
class _Line:
    lead: str
    unit: int | None  # index into the call's unique units; None: blank line
    trail: str


@dataclass(frozen=True)
class _Output:
    text: str
    score: float
    tokens: int  # output tokens, end of sentence included


class Tokenizer:
    """The package's own tokenizer; SentencePiece output is decoded without
    argostranslate's ``.replace("_", " ")``, which corrupts underscores."""

    def __init__(self, package_path: Path) -> None:
        import argostranslate.package as package
        from argostranslate.tokenizer import SentencePieceTokenizer

        tokenizer = getattr(package.Package(package_path), "tokenizer", None)
        if tokenizer is None:
            raise TransflowError("package has no sentencepiece.model or bpe.model", package_path)
        self._argos = tokenizer
        self._sp = (
            tokenizer.lazy_processor() if isinstance(tokenizer, SentencePieceTokenizer) else None
        )

    def encode(self, text: str) -> list[str]:
        if self._sp is not None:
            return list(self._sp.encode(text, out_type=str))
        return list(self._argos.encode(text))

    def decode(self, tokens: list[str]) -> str:
        if self._sp is not None:
            return str(self._sp.decode_pieces(tokens))
        return str(self._argos.decode(tokens))


def split_lines(text: str, units: dict[str, int]) -> list[_Line]:
    """A text as lines, each with its surrounding whitespace; new units are added to ``units``."""
    lines = []
    for line in text.split("\n"):
        core = line.strip()
        if not core:
            lines.append(_Line(line, None, ""))
            continue
        lead = line[: len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()) :]
        lines.append(_Line(lead, units.setdefault(core, len(units)), trail))
    return lines


def _threads(options: EngineOptions) -> tuple[int, int]:
    """(inter, intra) threads. On a CPU, several batches in parallel with one thread each
    beat one batch at a time on every core (measured: 26 against 19 sentences/s on two
    cores); `options.threads` sets the threads a batch uses, and the batches share the rest.
    """
    if options.device != "cpu":
        return 1, max(0, options.threads)
    cores = os.cpu_count() or 1
    intra = options.threads or 1
    return max(1, min(4, cores // intra)), intra


class ArgosEngine(Engine):
    name = "argos"

    def __init__(self, options: EngineOptions) -> None:
        super().__init__(options)
        self._translators: dict[Path, Any] = {}
        self._tokenizers: dict[Path, Tokenizer] = {}

    def _route(self, source: str, target: str) -> tuple[PackageInfo, ...]:
        return route(self.options.packages_dir, source, target)

    def provenance(self, source: str, target: str) -> str:
        return "argos " + " + ".join(pkg.describe() for pkg in self._route(source, target))

    def translate(
        self,
        source: str,
        target: str,
        texts: Sequence[str],
        progress: Progress | None = None,
    ) -> list[Draft]:
        hops = self._route(source, target)
        index: dict[str, int] = {}
        layouts = [split_lines(text, index) for text in texts]
        units = list(index)
        waiting = _Waiting(layouts, progress)
        outputs: list[list[_Output]] = []
        for number, pkg in enumerate(hops):
            last = number == len(hops) - 1
            outputs.append(self._translate_units(pkg, units, waiting.done if last else None))
            units = [output.text for output in outputs[-1]]
        waiting.finish()
        return [_draft(layout, outputs) for layout in layouts]

    def close(self) -> None:
        for translator in self._translators.values():
            translator.unload_model()
        self._translators.clear()
        self._tokenizers.clear()

    # --- one package ---------------------------------------------------------------------

    def _translator(self, pkg: PackageInfo) -> Any:
        if pkg.path not in self._translators:
            import ctranslate2

            options = self.options
            try:
                inter, intra = _threads(options)
                self._translators[pkg.path] = ctranslate2.Translator(
                    str(pkg.path / "model"),
                    device=options.device,
                    compute_type=options.compute_type,
                    inter_threads=inter,
                    intra_threads=intra,
                )
            except (RuntimeError, ValueError) as exc:
                raise TransflowError(
                    f"cannot load {pkg.describe()} (device {options.device}, "
                    f"compute type {options.compute_type}): {exc}",
                    pkg.path / "model",
                ) from exc
        return self._translators[pkg.path]

    def _tokenizer(self, pkg: PackageInfo) -> Tokenizer:
        if pkg.path not in self._tokenizers:
            self._tokenizers[pkg.path] = Tokenizer(pkg.path)
        return self._tokenizers[pkg.path]

    def _translate_units(
        self,
        pkg: PackageInfo,
        units: list[str],
        done: Callable[[list[int]], None] | None,
    ) -> list[_Output]:
        """All units through one package, in length-sorted batches; order kept."""
        if not units:
            return []
        tokenizer, translator = self._tokenizer(pkg), self._translator(pkg)
        tokens = [tokenizer.encode(unit) for unit in units]
        order = sorted(range(len(units)), key=lambda i: len(tokens[i]))
        prefix = [pkg.target_prefix] if pkg.target_prefix else None
        size = max(1, self.options.batch_size)
        outputs: dict[int, _Output] = {}
        # Every batch is queued at once; the translator runs `inter_threads` of them in
        # parallel, and they are collected in order.
        pending = []
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            batch = [tokens[i] for i in chunk]
            longest = max(len(t) for t in batch)
            limit = math.ceil(self.options.max_length_ratio * longest) + 8 + len(prefix or [])
            try:
                results = translator.translate_batch(
                    batch,
                    target_prefix=[prefix] * len(batch) if prefix else None,
                    beam_size=self.options.beam_size,
                    num_hypotheses=1,
                    length_penalty=1.0,
                    max_decoding_length=limit,
                    replace_unknowns=True,
                    return_scores=True,
                    asynchronous=True,
                )
            except RuntimeError as exc:
                raise TransflowError(f"{pkg.describe()} failed: {exc}", pkg.path) from exc
            pending.append((chunk, results))
        for chunk, results in pending:
            for i, waiting in zip(chunk, results, strict=True):
                try:
                    result = waiting.result()
                except RuntimeError as exc:
                    raise TransflowError(f"{pkg.describe()} failed: {exc}", pkg.path) from exc
                hypothesis = list(result.hypotheses[0])
                hypothesis = hypothesis[len(prefix or []) :]  # forced, maybe replaced if unknown
                text = tokenizer.decode(hypothesis).strip()
                outputs[i] = _Output(text, float(result.scores[0]), len(hypothesis) + 1)
            if done:
                done(chunk)
        return [outputs[i] for i in range(len(units))]


class _Waiting:
    """Reports texts to ``progress`` as their last unit is finished."""

    def __init__(self, layouts: list[list[_Line]], progress: Progress | None) -> None:
        self.progress = progress
        self.left = [{line.unit for line in layout if line.unit is not None} for layout in layouts]
        self.owners: dict[int, list[int]] = {}
        for text, units in enumerate(self.left):
            for unit in units:
                self.owners.setdefault(unit, []).append(text)
        self.reported = 0
        self._report(sum(not units for units in self.left))  # nothing to translate

    def _report(self, count: int) -> None:
        if self.progress and count:
            self.progress(count)
        self.reported += count

    def done(self, units: list[int]) -> None:
        finished = 0
        for unit in units:
            for text in self.owners.get(unit, []):
                self.left[text].discard(unit)
                finished += not self.left[text]
        self._report(finished)

    def finish(self) -> None:
        self._report(len(self.left) - self.reported)


def _draft(layout: list[_Line], outputs: list[list[_Output]]) -> Draft:
    lines, scores = [], []
    for line in layout:
        if line.unit is None:
            lines.append(line.lead)
        else:
            lines.append(line.lead + outputs[-1][line.unit].text + line.trail)
    used = {line.unit for line in layout if line.unit is not None}
    for leg in outputs:
        tokens = sum(leg[unit].tokens for unit in used)
        if tokens:
            scores.append(sum(leg[unit].score * leg[unit].tokens for unit in used) / tokens)
    return Draft("\n".join(lines), min(scores) if scores else 0.0)


ENGINE = ArgosEngine
