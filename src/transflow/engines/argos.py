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

Alignment (``align=True``): CTranslate2's attention (``return_attention=True``, the
model's alignment head) as links between the character spans of source and output
tokens, every weight of at least ``_LINK_MIN``. None through a pivot (two models' tokens
would have to be matched up) and for a package without a SentencePiece model.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transflow.engines import Draft, Engine, EngineOptions, Link, Progress
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
    links: tuple[Link, ...] | None = None  # offsets in the unit and in `text`


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

    @property
    def aligns(self) -> bool:
        """Whether tokens map to character spans (:func:`token_spans`)."""
        return self._sp is not None

    def decode(self, tokens: list[str]) -> str:
        if self._sp is not None:
            return str(self._sp.decode_pieces(tokens))
        return str(self._argos.decode(tokens))


def token_spans(pieces: Sequence[str], text: str) -> list[tuple[int, int] | None]:
    """Where each SentencePiece piece of `text` lies in it (None: not found as written,
    e.g. changed by the tokenizer's normalization)."""
    spans: list[tuple[int, int] | None] = []
    position = 0
    for piece in pieces:
        core = piece.replace("\u2581", " ").strip()
        found = text.find(core, position) if core else -1
        if found < 0 or text[position:found].strip():
            spans.append(None)
            continue
        spans.append((found, found + len(core)))
        position = found + len(core)
    return spans


def _links(
    attention: Sequence[Sequence[float]],
    source: list[tuple[int, int] | None],
    target: list[tuple[int, int] | None],
) -> tuple[Link, ...]:
    links = []
    for row, target_span in zip(attention, target, strict=False):
        if target_span is None:
            continue
        for column, weight in enumerate(row[: len(source)]):
            source_span = source[column]
            if source_span is not None and weight >= _LINK_MIN:
                links.append((*source_span, *target_span, round(float(weight), 4)))
    return tuple(links)


_LINK_MIN = 0.05


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
        *,
        align: bool = False,
    ) -> list[Draft]:
        hops = self._route(source, target)
        align = align and len(hops) == 1
        index: dict[str, int] = {}
        layouts = [split_lines(text, index) for text in texts]
        units = list(index)
        waiting = _Waiting(layouts, progress)
        outputs: list[list[_Output]] = []
        for number, pkg in enumerate(hops):
            last = number == len(hops) - 1
            outputs.append(self._translate_units(pkg, units, waiting.done if last else None, align))
            units = [output.text for output in outputs[-1]]
        waiting.finish()
        return [
            _draft(layout, outputs, text if align else None)
            for layout, text in zip(layouts, texts, strict=True)
        ]

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
        align: bool = False,
    ) -> list[_Output]:
        """All units through one package, in length-sorted batches; order kept."""
        if not units:
            return []
        tokenizer, translator = self._tokenizer(pkg), self._translator(pkg)
        tokens = [tokenizer.encode(unit) for unit in units]
        align = align and tokenizer.aligns
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
                    return_attention=align,
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
                forced = len(prefix or [])
                hypothesis = hypothesis[forced:]  # forced, maybe replaced if unknown
                decoded = tokenizer.decode(hypothesis)
                text = decoded.strip()
                links = None
                if align:
                    rows = list(result.attention[0])
                    rows = rows[len(rows) - len(hypothesis) :] if forced else rows
                    shift = len(decoded) - len(decoded.lstrip())
                    spans = [
                        None if s is None else (s[0] - shift, s[1] - shift)
                        for s in token_spans(hypothesis, decoded)
                    ]
                    links = _links(rows, token_spans(tokens[i], units[i]), spans)
                score = float(result.scores[0])
                outputs[i] = _Output(text, score, len(hypothesis) + 1, links)
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


def _draft(layout: list[_Line], outputs: list[list[_Output]], text: str | None) -> Draft:
    """A text's draft from its lines' outputs; `text`: the source text, to give the
    draft its alignment (None: no alignment)."""
    lines, scores = [], []
    links: list[Link] = []
    source = target = 0  # where the line starts in the text and in the draft
    originals = text.split("\n") if text is not None else [""] * len(layout)
    for line, original in zip(layout, originals, strict=True):
        if line.unit is None:
            lines.append(line.lead)
        else:
            output = outputs[-1][line.unit]
            lines.append(line.lead + output.text + line.trail)
            a, b = source + len(line.lead), target + len(line.lead)
            links += [(s + a, e + a, t + b, u + b, w) for s, e, t, u, w in output.links or ()]
        source += len(original) + 1
        target += len(lines[-1]) + 1
    used = {line.unit for line in layout if line.unit is not None}
    for leg in outputs:
        tokens = sum(leg[unit].tokens for unit in used)
        if tokens:
            scores.append(sum(leg[unit].score * leg[unit].tokens for unit in used) / tokens)
    alignment = tuple(links) if text is not None and len(outputs) == 1 else None
    return Draft("\n".join(lines), min(scores) if scores else 0.0, alignment)


ENGINE = ArgosEngine
