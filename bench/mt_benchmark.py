#!/usr/bin/env python3
"""Machine-translation throughput: ``transflow translate`` against argostranslate and the ceiling.

Run by hand from the repository root, with the project's virtual environment:

    .venv/bin/python bench/mt_benchmark.py                # full run (~10 minutes on 2 cores)
    .venv/bin/python bench/mt_benchmark.py --per-unit-one-thread  # + a tuned argos peer
    .venv/bin/python bench/mt_benchmark.py --quick        # 64 sentences, one run each: a smoke test
    .venv/bin/python bench/mt_benchmark.py --profile      # also cProfile `transflow translate`
    .venv/bin/python bench/mt_benchmark.py --write-docs   # also rewrite docs/mt-benchmark.md
    .venv/bin/python bench/mt_benchmark.py --work /tmp/mtb  # keep (and reuse) the built setup

Setup, built in a temporary folder (nothing is written into the repository except
docs/mt-benchmark.md with --write-docs; no download, no model from the web):

- a base-size argos package with random weights: CTranslate2 ``TransformerSpec`` 6+6
  layers, d_model 512, 8 heads, ffn 2048, int8, shared SentencePiece (unigram) vocabulary
  of 32k pieces trained on English-like text made locally (prose lines of the Python
  standard library's comments, the sample article, and words from a character-trigram
  model of those). The projection bias of ``<unk>``, ``<s>`` and ``</s>`` is -1e4, so no
  output ever ends early: every output is exactly the cap long, on every path;
- packaged as a real ``.argosmodel`` (zip, one top-level folder, ``metadata.json`` en->az,
  ``sentencepiece.model``, ``model/``) and installed with
  ``argostranslate.package.install_from_path`` into a temporary ``ARGOS_PACKAGES_DIR``
  (``XDG_*`` and ``HOME`` point at temporary folders too, set before argostranslate is
  imported);
- N sentences (default 520) made from the sample article's units (word windows, with a
  counter where needed), each exactly SRC_TOKENS = 15 SentencePiece pieces long, so that
  transflow's per-batch cap ``ceil(max_length_ratio * longest) + 8`` is ``ceil(2.0 * 15) +
  8 = 38`` for every batch; the other paths get ``max_decoding_length = 38`` explicitly;
- a transflow project (``transflow init --lang az``; ``$TRANSFLOW_PACKAGES_DIR`` = the
  temporary packages dir; beam 4, int8, cpu, threads 0, batch 32: the defaults) with one
  source document (one sentence a paragraph), extracted once; the catalogs are restored to
  this state (all entries empty) and ``.transflow/tm.sqlite`` deleted before every run.

Paths (beam 4, int8, CPU, CTranslate2's default intra-op threads, inter_threads 1, the
same N sentences, the same 38-token cap):

1. ``transflow translate --lang az``: a real subprocess of ``.venv/bin/transflow``, wall
   time end to end (startup, catalog update, model load, translation, memory writes,
   catalog writes); ``--dry-run`` gives its fixed costs without the model. Also the engine
   alone in-process: a fresh ``get_engine("argos", EngineOptions(...))`` and one
   ``translate("en", "az", texts)`` (route, model load, tokenize, batches, decode).
2. argostranslate, as peers use it: ``argostranslate.translate.translate(text, "en",
   "az")`` once per unit. Two patches, both on the installed package's translation object
   (``CachedTranslation.underlying``, a ``PackageTranslation``): its MiniSBD sentence
   splitter's ``split_sentences`` returns the text as one sentence (the units are already
   sentences; MiniSBD would try to download a model), and its ``translator`` is set to the
   ctranslate2.Translator argostranslate itself would create (settings.device,
   inter/intra threads, compute type), wrapped so that every ``translate_batch`` call gets
   ``max_decoding_length=38`` (argostranslate passes none: CTranslate2's default is 256).
   The wrapper is created inside the timed region, so the model load is counted, as in
   path 1. Everything else is argostranslate's own: ``ARGOS_BEAM_SIZE=4``,
   ``ARGOS_COMPUTE_TYPE=int8``, ``ARGOS_BATCH_SIZE=32`` (tokens), ``length_penalty=0.2``.
3. The ceiling: one bare ``ctranslate2.Translator.translate_batch`` over all the
   (already SentencePiece-encoded, length-sorted) sentences, ``max_batch_size=32``
   examples, beam 4, ``max_decoding_length=38``; the model is loaded, and warmed up with
   one sentence, before the clock starts.

The machine is shared and its load changes from minute to minute, so the paths are
interleaved: --repeat rounds (default 3), each running the three fast paths (in an order
that rotates) and then one slice (every --repeat-th sentence) of the slow per-unit path.
The fast paths' figures are medians of the rounds (each run covers all N sentences); the
per-unit path is one pass over all N sentences, the sum of its slices (one model load).
Every path's outputs are checked against the bare path's (same model, same cap: they must
agree), and every output is checked to be exactly 38 tokens long (the cap).
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as dt
import io
import json
import math
import os
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import BenchError, log, machine

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "tests" / "data" / "sample-units.jsonl"
DOCS_FILE = REPO / "docs" / "mt-benchmark.md"
TRANSFLOW = REPO / ".venv" / "bin" / "transflow"
PYTHON = REPO / ".venv" / "bin" / "python"

SRC, TGT = "en", "az"
PACKAGE = f"translate-{SRC}_{TGT}-1_0"
LAYERS, D_MODEL, HEADS, FFN = 6, 512, 8, 2048
VOCAB = 32000
SEED = 20240501
SRC_TOKENS = 15  # every benchmark sentence is exactly this many pieces
RATIO = 2.0  # transflow's max_length_ratio (its default)
CAP = math.ceil(RATIO * SRC_TOKENS) + 8  # 38: transflow's cap for every batch
BEAM = 4
BATCH = 32
COMPUTE_TYPE = "int8"
TARGET_VS_PER_UNIT = 8.0
TARGET_VS_BARE = 0.9
ARGOS_ENV = ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "HOME")


# --- environment -----------------------------------------------------------------------------


def argos_environment(work: Path) -> dict[str, str]:
    """argostranslate's settings, all inside `work`; set in os.environ before it is imported."""
    env = {name: str(work / "argos" / name.lower()) for name in ARGOS_ENV}
    env.update(
        ARGOS_DEVICE_TYPE="cpu",
        ARGOS_COMPUTE_TYPE=COMPUTE_TYPE,
        ARGOS_BEAM_SIZE=str(BEAM),
        ARGOS_BATCH_SIZE=str(BATCH),
        ARGOS_INTER_THREADS="1",
        ARGOS_INTRA_THREADS="0",  # argostranslate's default; transflow's threads = 0 too
    )
    for name in ARGOS_ENV:
        Path(env[name]).mkdir(parents=True, exist_ok=True)
    return env


def forbid_network() -> list[str]:
    """Make any socket connection in this process fail; returns the list of attempts."""
    import socket

    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[1:2] or args[:1]))
        raise OSError("network disabled by mt_benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.getaddrinfo = refuse
    socket.create_connection = refuse
    return attempts


# --- the package -----------------------------------------------------------------------------


def english_like_corpus(rng: random.Random) -> list[str]:
    """Prose lines of the stdlib's comments, the sample article, and trigram words."""
    prose = re.compile(r"^[A-Za-z][A-Za-z ,.;:'()-]{30,}$")
    lines: dict[str, None] = {}
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.rglob("*.py")):
        if "site-packages" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for line in text.splitlines():
            s = line.strip().lstrip("#").strip()
            if prose.match(s) and s.count(" ") >= 4 and "=" not in s and "()" not in s:
                lines[s] = None
    article = [row["text"] for row in read_units()]
    words = re.findall(r"[A-Za-z]+", " ".join([*lines, *article]))
    follow: dict[str, list[str]] = collections.defaultdict(list)
    for w in sorted(set(words)):
        chars = "^^" + w.lower() + "$"
        for i in range(len(chars) - 2):
            follow[chars[i : i + 2]].append(chars[i + 2])

    def made_up() -> str:
        s = "^^"
        while len(s) < 16:
            c = rng.choice(follow[s[-2:]])
            if c == "$":
                break
            s += c
        return s[2:]

    generated = []
    for _ in range(60000):
        n = rng.randint(6, 16)
        ws = [made_up() if rng.random() < 0.5 else rng.choice(words) for _ in range(n)]
        generated.append(" ".join(ws).capitalize() + ".")
    return [*lines, *(article * 20), *generated]


def build_package(work: Path) -> Path:
    """Train the vocabulary, write random int8 weights, zip the .argosmodel; returns it."""
    import ctranslate2
    import numpy as np
    import sentencepiece as spm

    path = work / f"{PACKAGE}.argosmodel"
    if path.exists():
        return path
    started = time.perf_counter()
    rng = random.Random(SEED)
    corpus = english_like_corpus(rng)
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_writer=proto,
        vocab_size=VOCAB,
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="identity",
        num_threads=os.cpu_count() or 1,
        minloglevel=2,
    )
    sp = spm.SentencePieceProcessor(model_proto=proto.getvalue())
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    log(f"  vocabulary: {len(pieces)} pieces ({time.perf_counter() - started:.0f} s)")

    gen = np.random.default_rng(SEED)

    def weight(rows: int, cols: int) -> Any:
        return gen.normal(0.0, 1.0 / math.sqrt(cols), (rows, cols)).astype(np.float32)

    def zeros(n: int) -> Any:
        return np.zeros(n, dtype=np.float32)

    def norm(spec: Any) -> None:
        spec.gamma = np.ones(D_MODEL, dtype=np.float32)
        spec.beta = zeros(D_MODEL)

    def linear(spec: Any, rows: int, cols: int) -> None:
        spec.weight = weight(rows, cols)
        spec.bias = zeros(rows)

    d, v = D_MODEL, len(pieces)
    spec = ctranslate2.specs.TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    spec.encoder.embeddings[0].weight = weight(v, d)
    spec.decoder.embeddings.weight = weight(v, d)
    spec.decoder.projection.weight = weight(v, d)
    bias = zeros(v)
    for special in (sp.unk_id(), sp.bos_id(), sp.eos_id()):
        bias[special] = -1e4  # never chosen: every output runs to the cap
    spec.decoder.projection.bias = bias
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d, d)
        linear(layer.self_attention.linear[1], d, d)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, FFN, d)
        linear(layer.ffn.linear_1, d, FFN)
    for layer in spec.decoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d, d)
        linear(layer.self_attention.linear[1], d, d)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], d, d)
        linear(layer.attention.linear[1], 2 * d, d)
        linear(layer.attention.linear[2], d, d)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, FFN, d)
        linear(layer.ffn.linear_1, d, FFN)
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    spec.optimize(quantization=COMPUTE_TYPE)
    model_dir = work / "build-model"
    shutil.rmtree(model_dir, ignore_errors=True)
    model_dir.mkdir()
    spec.save(str(model_dir))

    metadata = {
        "package_version": "1.0",
        "argos_version": "1.9.0",
        "from_code": SRC,
        "from_name": "English",
        "to_code": TGT,
        "to_name": "Azerbaijani",
        "type": "translate",
        "links": [],
    }
    partial = path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{PACKAGE}/", b"")
        zf.writestr(f"{PACKAGE}/model/", b"")
        zf.writestr(f"{PACKAGE}/metadata.json", json.dumps(metadata, indent=2) + "\n")
        zf.writestr(f"{PACKAGE}/sentencepiece.model", proto.getvalue())
        for p in sorted(model_dir.iterdir()):
            zf.write(p, f"{PACKAGE}/model/{p.name}")
    partial.rename(path)
    shutil.rmtree(model_dir)
    size = path.stat().st_size / 1e6
    log(f"  package: {path.name}, {size:.0f} MB ({time.perf_counter() - started:.0f} s)")
    return path


def engine_options(packages_dir: Path) -> Any:
    """The engine settings every measure here uses (an ``EngineOptions``)."""
    from transflow.engines import EngineOptions

    return EngineOptions(
        beam_size=BEAM,
        device="cpu",
        compute_type=COMPUTE_TYPE,
        threads=0,
        max_length_ratio=RATIO,
        batch_size=BATCH,
        packages_dir=packages_dir,
    )


def install(path: Path, packages_dir: Path) -> Path:
    """Install with argostranslate's own installer (just unzips); returns the package folder."""
    import argostranslate.package
    import argostranslate.settings

    assert Path(argostranslate.settings.package_data_dir) == packages_dir, "argos settings"
    folder = packages_dir / PACKAGE
    if not folder.exists():
        argostranslate.package.install_from_path(path)
    found = [(p.from_code, p.to_code) for p in argostranslate.package.get_installed_packages()]
    if found != [(SRC, TGT)]:
        raise BenchError(f"installed packages: {found}")
    return folder


# --- the input -------------------------------------------------------------------------------


def read_units() -> list[dict[str, Any]]:
    with open(UNITS, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def make_sentences(encode: Callable[[str], list[str]], count: int) -> list[str]:
    """`count` distinct sentences of exactly SRC_TOKENS pieces, from the article's units."""
    windows: list[list[str]] = []
    for row in read_units():
        words = re.sub(r"[.?!;…]", "", row["text"]).split()
        windows.extend(words[start:] for start in range(len(words)) if len(words) - start >= 3)
    out: dict[str, None] = {}
    counter = 0
    for round_ in range(200):
        for words in windows:
            if len(out) >= count:
                return list(out)
            for end in range(3, len(words) + 1):
                text = " ".join(words[:end])
                if round_:  # later rounds: a counter makes new sentences from the same words
                    counter += 1
                    text = f"{text} ({counter})"
                n = len(encode(text + "."))
                if n == SRC_TOKENS and text + "." not in out:
                    out[text + "."] = None
                    break
                if n > SRC_TOKENS:
                    break
    raise BenchError(f"only {len(out)} sentences of {SRC_TOKENS} pieces")


# --- the transflow project -------------------------------------------------------------------


@dataclass
class Project:
    root: Path
    pristine: Path  # a copy of locales/ after extract: every entry empty

    def reset(self) -> None:
        shutil.rmtree(self.root / "locales")
        shutil.copytree(self.pristine, self.root / "locales")
        shutil.rmtree(self.root / ".transflow", ignore_errors=True)  # tm.sqlite, lock


def make_project(work: Path, sentences: list[str], env: dict[str, str]) -> Project:
    root = work / "project"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    run([str(TRANSFLOW), "--project", str(root), "init", "--lang", TGT], env)
    config = root / "transflow.toml"
    text = config.read_text(encoding="utf-8")
    settings = {
        "beam_size": str(BEAM),
        "device": '"cpu"',
        "compute_type": f'"{COMPUTE_TYPE}"',
        "threads": "0",
        "max_length_ratio": str(RATIO),
        "batch_size": str(BATCH),
    }
    for key, value in settings.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if n != 1:
            raise BenchError(f"transflow init wrote no single {key} line")
    config.write_text(text, encoding="utf-8")
    (root / "source" / "bench.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    run([str(TRANSFLOW), "--project", str(root), "extract"], env)
    msgids = [e.msgid for e in read_catalog(root)]
    if msgids != sentences:
        raise BenchError(
            f"the catalog has {len(msgids)} entries, not the {len(sentences)} sentences"
        )
    pristine = work / "pristine-locales"
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.copytree(root / "locales", pristine)
    return Project(root, pristine)


def read_catalog(root: Path) -> list[Any]:
    from transflow import catalog

    return list(catalog.read(root / "locales" / TGT / "bench.po").entries)


def run(cmd: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode:
        raise BenchError(f"{' '.join(cmd)} -> {done.returncode}\n{done.stderr[-2000:]}")
    return took


# --- the paths -------------------------------------------------------------------------------


@dataclass
class Path_:
    key: str
    label: str
    runs: list[float] = field(default_factory=list)  # seconds for all N sentences
    note: str = ""

    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass
class Ratio:
    name: str
    medians: float
    best: float
    rounds: list[float]  # the same ratio within each round (per-unit: its slice)
    target: float


class Bench:
    def __init__(self, work: Path, env: dict[str, str], package_dir: Path, sentences: list[str]):
        import sentencepiece as spm

        self.work = work
        self.env = env
        self.package_dir = package_dir
        self.packages_dir = package_dir.parent
        self.sentences = sentences
        self.sp = spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
        self.tokens = [self.sp.encode(s, out_type=str) for s in sentences]
        assert {len(t) for t in self.tokens} == {SRC_TOKENS}
        self.reference: list[str] = []  # the bare path's outputs, decoded
        self.checks: list[str] = []

    def child_env(self) -> dict[str, str]:
        # the packages folder, outside the project: named in the environment, as a project
        # file may name only folders inside the project
        return {**os.environ, **self.env, "TRANSFLOW_PACKAGES_DIR": str(self.packages_dir)}

    def check(self, name: str, outputs: Sequence[str], strip_underscores: bool = False) -> None:
        want = self.reference
        if strip_underscores:  # argostranslate's decode turns "_" into " "
            want = [t.replace("_", " ").strip() for t in want]
            outputs = [t.strip() for t in outputs]
        same = sum(a == b for a, b in zip(outputs, want, strict=True))
        line = f"{name}: {same}/{len(want)} outputs identical to the bare path's"
        if line not in self.checks:
            self.checks.append(line)

    # 3. the ceiling
    def bare(self) -> float:
        import ctranslate2

        translator = ctranslate2.Translator(
            str(self.package_dir / "model"),
            device="cpu",
            compute_type=COMPUTE_TYPE,
            inter_threads=1,
            intra_threads=0,
        )
        order = sorted(range(len(self.tokens)), key=lambda i: len(self.tokens[i]))
        batch = [self.tokens[i] for i in order]
        translator.translate_batch(batch[:1], beam_size=BEAM, max_decoding_length=CAP)  # warm-up
        started = time.perf_counter()
        results = translator.translate_batch(
            batch,
            max_batch_size=BATCH,
            batch_type="examples",
            beam_size=BEAM,
            max_decoding_length=CAP,
        )
        took = time.perf_counter() - started
        lengths = {len(r.hypotheses[0]) for r in results}
        if lengths != {CAP}:
            raise BenchError(f"bare outputs are {sorted(lengths)} tokens long, not all {CAP}")
        outputs = [""] * len(batch)
        for i, r in zip(order, results, strict=True):
            outputs[i] = self.sp.decode_pieces(list(r.hypotheses[0])).strip()
        if not self.reference:
            self.reference = outputs
        elif outputs != self.reference:
            self.checks.append("bare: outputs differ between runs")
        translator.unload_model()
        return took

    # 1b. transflow's engine in-process
    def engine(self) -> float:
        from transflow.engines import get_engine

        options = engine_options(self.packages_dir)
        started = time.perf_counter()
        engine = get_engine("argos", options)
        drafts = engine.translate(SRC, TGT, self.sentences)
        took = time.perf_counter() - started
        engine.close()
        self.check("engine", [d.text for d in drafts])
        return took

    # 1a. the real command
    def cli(self, project: Project, extra: Sequence[str] = ()) -> float:
        project.reset()
        cmd = [str(TRANSFLOW), "--project", str(project.root), "translate", "--lang", TGT]
        took = run([*cmd, *extra], self.child_env())
        if not extra:
            entries = read_catalog(project.root)
            filled = [e for e in entries if e.msgstr and e.fuzzy]
            if len(filled) != len(self.sentences):
                raise BenchError(f"transflow filled {len(filled)} of {len(self.sentences)}")
            self.check("transflow translate", [e.msgstr for e in entries])
        return took

    # 2. argostranslate once per unit
    def per_unit(self, intra_threads: int | None = None) -> PerUnit:
        return PerUnit(self, intra_threads)


class PerUnit:
    """argostranslate's ``translate()`` once per unit, timed slice by slice (so that the
    slow path's slices can be interleaved with the fast paths' runs)."""

    def __init__(self, bench: Bench, intra_threads: int | None) -> None:
        import argostranslate.settings
        import argostranslate.translate

        self.bench = bench
        self.intra_threads = intra_threads
        self.translate = argostranslate.translate.translate
        self.settings = argostranslate.settings
        cached = argostranslate.translate.get_translation_from_codes(SRC, TGT)
        self.underlying = cached.underlying  # the PackageTranslation
        self.underlying.sentencizer.split_sentences = lambda text: [text]  # no MiniSBD
        self.capped: Any = None
        self.outputs: dict[int, str] = {}
        self.seconds = 0.0
        self.slices: list[float] = []

    def _capped(self) -> Any:
        """argostranslate's own Translator (as in PackageTranslation.hypotheses), capped."""
        import ctranslate2

        settings = self.settings
        params: dict[str, Any] = {
            "device": settings.device,
            "inter_threads": settings.inter_threads,
            "intra_threads": settings.intra_threads
            if self.intra_threads is None
            else self.intra_threads,
        }
        if settings.compute_type != "auto":
            params["compute_type"] = settings.compute_type
        translator = ctranslate2.Translator(
            str(self.underlying.pkg.package_path / "model"), **params
        )

        class Capped:
            calls = 0

            def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
                Capped.calls += 1
                assert "max_decoding_length" not in kwargs
                results = translator.translate_batch(*args, max_decoding_length=CAP, **kwargs)
                assert all(len(r.hypotheses[0]) == CAP for r in results)
                return results

            def unload_model(self) -> None:
                translator.unload_model()

        return Capped()

    def run(self, indices: Sequence[int]) -> float:
        sentences = self.bench.sentences
        started = time.perf_counter()
        if self.capped is None:  # the model load is timed, once, as in the other paths
            self.capped = self._capped()
        self.underlying.translator = self.capped
        for i in indices:
            self.outputs[i] = self.translate(sentences[i], SRC, TGT)
        took = time.perf_counter() - started
        self.underlying.translator = None
        self.seconds += took
        self.slices.append(took)
        return took

    def finish(self) -> None:
        if self.capped is not None:
            if self.capped.calls != len(self.outputs):
                raise BenchError(
                    f"argostranslate made {self.capped.calls} model calls "
                    f"for {len(self.outputs)} texts"
                )
            self.capped.unload_model()
        if len(self.outputs) == len(self.bench.sentences):
            name = "argostranslate per unit" + (
                f", {self.intra_threads} thread" if self.intra_threads else ""
            )
            outputs = [self.outputs[i] for i in range(len(self.outputs))]
            self.bench.check(name, outputs, strip_underscores=True)


# --- profile ---------------------------------------------------------------------------------

# (label, file suffix, function, depth); "rest" rows are computed from their parent
PROFILE_TREE: list[tuple[str, str, str, int]] = [
    ("`transflow.jobs.translate.translate()`", "transflow/jobs/translate.py", "translate", 0),
    ("catalog update (the extract step)", "transflow/project.py", "update_catalogs", 1),
    ("package route + provenance", "transflow/engines/argos.py", "provenance", 1),
    ("translation memory: open", "transflow/memory.py", "__init__", 1),
    ("translation memory: lookups", "transflow/memory.py", "get", 1),
    ("protect.pieces (placeholders)", "transflow/protect.py", "pieces", 1),
    ("engine.translate()", "transflow/engines/argos.py", "translate", 1),
    ("model load (ctranslate2.Translator)", "transflow/engines/argos.py", "_translator", 2),
    ("SentencePiece encode", "transflow/engines/argos.py", "encode", 2),
    ("ctranslate2 translate_batch", "~", "<built-in method ctranslate2._ext.translate_batch>", 2),
    ("SentencePiece decode", "transflow/engines/argos.py", "decode", 2),
    ("translation memory: writes (Memory.put)", "transflow/memory.py", "put", 1),
    ("filling the entries (_apply)", "transflow/jobs/translate.py", "_apply", 1),
    ("catalog writes", "transflow/project.py", "write_catalogs", 1),
]


def profile_cli(bench: Bench, project: Project) -> tuple[float, list[tuple[str, float, int]], str]:
    """cProfile of one `transflow translate` process: (profiled wall time, breakdown, top)."""
    project.reset()
    out = bench.work / "translate.prof"
    cmd = [str(PYTHON), "-m", "cProfile", "-o", str(out), "-m", "transflow"]
    cmd += ["--project", str(project.root), "translate", "--lang", TGT]
    wall = run(cmd, bench.child_env())
    stats = pstats.Stats(str(out))
    rows = stats.stats  # type: ignore[attr-defined]

    def cumulative(suffix: str, func: str) -> float:
        found = [v[3] for (f, _line, fn), v in rows.items() if fn == func and f.endswith(suffix)]
        return max(found, default=0.0)  # the outermost call when recursive

    profiled = stats.total_tt  # type: ignore[attr-defined]
    breakdown: list[tuple[str, float, int]] = []
    parents: list[tuple[str, float, float]] = []  # (label, seconds, children's seconds)

    def close_to(depth: int) -> None:
        while len(parents) > depth:
            label, secs, children = parents.pop()
            breakdown.append((f"rest of {label}", secs - children, len(parents) + 1))

    top = cumulative("transflow/jobs/translate.py", "translate")
    breakdown.append(("process start, imports, CLI (outside translate())", profiled - top, 0))
    for i, (label, suffix, func, depth) in enumerate(PROFILE_TREE):
        close_to(depth)
        secs = cumulative(suffix, func)
        if parents:
            name, total, children = parents[-1]
            parents[-1] = (name, total, children + secs)
        breakdown.append((label, secs, depth))
        if i + 1 < len(PROFILE_TREE) and PROFILE_TREE[i + 1][3] > depth:  # has children
            parents.append((label, secs, 0.0))
    close_to(0)
    text = io.StringIO()
    pstats.Stats(str(out), stream=text).sort_stats("tottime").print_stats(15)
    summary = f"wall {wall:.1f} s, profiled {profiled:.1f} s"
    return profiled, breakdown, summary + "\n" + text.getvalue()


def profile_engine(bench: Bench) -> str:
    text = io.StringIO()
    profiler = cProfile.Profile()
    profiler.enable()
    bench.engine()
    profiler.disable()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(12)
    return text.getvalue()


# --- report ----------------------------------------------------------------------------------


def ordinal(k: int) -> str:
    return {1: "", 2: "second", 3: "third"}.get(k, f"{k}th")


def render(
    n: int,
    rounds: int,
    paths: dict[str, Path_],
    ratios: list[Ratio],
    info: dict[str, str],
    checks: list[str],
    profile: str,
) -> str:
    def fmt_runs(p: Path_) -> str:
        return ", ".join(f"{t:.1f}" for t in p.runs)

    lines = [
        "# Machine-translation throughput",
        "",
        f"Measured {dt.date.today().isoformat()} with `bench/mt_benchmark.py` "
        "(run by hand; see its docstring for the protocol).",
        "",
        f"{n} sentences, each exactly {SRC_TOKENS} SentencePiece pieces; every output is "
        f"exactly {CAP} tokens (the cap, the same on every path); beam {BEAM}, "
        f"{COMPUTE_TYPE}, CPU, CTranslate2's default intra-op threads.",
        "",
        "| path | sentences/s (median) | sentences/s (best run) | seconds (median) | runs (s) |",
        "|---|---:|---:|---:|---|",
    ]
    order = ["cli", "dry", "engine", "per_unit", "per_unit_1", "bare"]
    for p in sorted(paths.values(), key=lambda p: order.index(p.key)):
        lines.append(
            f"| {p.label}{(' ' + p.note) if p.note else ''} | {n / p.median():.2f} | "
            f"{n / min(p.runs):.2f} | {p.median():.2f} | {fmt_runs(p)} |"
        )
    lines += [
        "",
        "| ratio of sentences/s | of the medians | of the best runs | within each round | "
        "target | |",
        "|---|---:|---:|---|---:|---|",
    ]
    for r in ratios:
        met = "met" if r.medians >= r.target else "MISSED"
        each = ", ".join(f"{x:.2f}" for x in r.rounds)
        lines.append(
            f"| {r.name} | {r.medians:.2f} | {r.best:.2f} | {each} | >= {r.target:g} | "
            f"{met} (medians) |"
        )
    lines += [
        "",
        "## Setup",
        "",
        f"- Package: `{PACKAGE}.argosmodel`, random weights, CTranslate2 `TransformerSpec` "
        f"{LAYERS}+{LAYERS} layers, d_model {D_MODEL}, {HEADS} heads, ffn {FFN}, int8; "
        f"shared SentencePiece unigram vocabulary of {VOCAB} pieces trained on English-like "
        "text made locally (stdlib comment prose, the sample article, trigram words). "
        "The output projection's bias is -1e4 for `<unk>`, `<s>` and `</s>`, so every "
        f"output runs to the cap. Built in a temporary folder, installed with "
        "`argostranslate.package.install_from_path` into a temporary `ARGOS_PACKAGES_DIR` "
        "(`XDG_*`, `HOME` temporary too).",
        f"- Input: {n} distinct sentences made from `tests/data/sample-units.jsonl` (word "
        f"windows, a counter where needed), each exactly {SRC_TOKENS} pieces, so that "
        f"transflow's per-batch cap `ceil(max_length_ratio * longest) + 8` is "
        f"`ceil({RATIO} * {SRC_TOKENS}) + 8 = {CAP}` for every batch; the other paths get "
        f"`max_decoding_length={CAP}`.",
        "- transflow project: `transflow init --lang az`, `[translate]` beam_size 4, "
        "compute_type int8, device cpu, threads 0, max_length_ratio 2.0, batch_size 32, "
        "`$TRANSFLOW_PACKAGES_DIR` = the temporary packages folder; one document, one "
        "sentence a paragraph, extracted once. Before each run the catalogs are restored "
        "(all entries empty) and `.transflow/` (the translation memory) is deleted.",
        "- `transflow translate`: a subprocess of `.venv/bin/transflow`, wall time end to end. "
        "`--dry-run`: the same command without the model (startup, catalog update, routing). "
        'Engine in-process: a fresh `get_engine("argos", EngineOptions(...))` and one '
        '`translate("en", "az", texts)` (routing, model load, tokenization, batches, '
        "decoding).",
        '- argostranslate per unit: `argostranslate.translate.translate(text, "en", "az")` '
        "for each sentence, settings `ARGOS_BEAM_SIZE=4`, `ARGOS_COMPUTE_TYPE=int8`, "
        "`ARGOS_BATCH_SIZE=32` (tokens), `ARGOS_INTER_THREADS=1`, `ARGOS_INTRA_THREADS=0` "
        "(its defaults except the compute type). Patched on the package's "
        "`PackageTranslation`: the MiniSBD sentence splitter returns the text as one sentence "
        "(it would try to download a model), and its `translator` is argostranslate's own "
        f"`ctranslate2.Translator` wrapped to add `max_decoding_length={CAP}` to each "
        "`translate_batch` call (argostranslate passes none: CTranslate2's default is 256). "
        "The model load is inside the timed region.",
        f"- Bare CTranslate2: one `Translator.translate_batch` over all sentences, already "
        f"encoded and length-sorted, `max_batch_size={BATCH}` (examples), beam {BEAM}, "
        f"`max_decoding_length={CAP}`, model loaded and warmed up (one sentence) before timing: "
        "the ceiling.",
        "- Interleaved rounds (the machine's load changes from minute to minute): each round "
        "runs the fast paths over all sentences, in an order that rotates, then one slice "
        f"(every {ordinal(rounds)} sentence) of the per-unit path(s). Fast paths: median of "
        f"the {rounds} rounds. "
        "Per unit: one pass over all sentences (the sum of its slices, one model load).",
        "",
        "Checks:",
        "",
        *[f"- {c}" for c in checks],
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        f"The machine has {os.cpu_count()} cores and other work was running at the same "
        "time (see the load averages): the figures are noisy, by tens of percent from one "
        "minute to the next (see the runs column). The paths are interleaved so that each "
        "sees the same conditions; ratios within a round are steadier than absolute rates.",
    ]
    if profile:
        lines += ["", "## Where `transflow translate`'s time goes (cProfile)", "", profile]
    return "\n".join(lines) + "\n"


def profile_text(total: float, breakdown: list[tuple[str, float, int]], top: str) -> str:
    lines = [
        f"One `transflow translate` process (same input) under cProfile: {total:.1f} s "
        "profiled (cProfile adds a little).",
        "",
        "| part | seconds | share |",
        "|---|---:|---:|",
    ]
    for name, secs, depth in breakdown:
        indent = "&nbsp;&nbsp;" * (2 * depth)
        lines.append(f"| {indent}{name} | {secs:.2f} | {100 * secs / total:.1f}% |")
    lines += ["", "Top functions by own time:", "", "```", top.strip(), "```"]
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sentences", type=int, default=520)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each fast path (median)")
    ap.add_argument("--per-unit-limit", type=int, help="time argostranslate on the first N only")
    ap.add_argument("--skip-per-unit", action="store_true")
    ap.add_argument(
        "--per-unit-one-thread",
        action="store_true",
        help="also time argostranslate per unit with ARGOS_INTRA_THREADS=1",
    )
    ap.add_argument("--quick", action="store_true", help="64 sentences, one run each")
    ap.add_argument("--profile", action="store_true", help="cProfile one transflow translate")
    ap.add_argument("--work", type=Path, help="keep the setup here (reused when present)")
    ap.add_argument("--write-docs", action="store_true", help=f"rewrite {DOCS_FILE.name}")
    args = ap.parse_args()
    if args.quick:
        args.sentences, args.repeat = 64, 1
    if "argostranslate" in sys.modules:
        raise BenchError("argostranslate was imported before its settings were set")

    temporary = args.work is None
    work = Path(tempfile.mkdtemp(prefix="transflow-mtbench-")) if temporary else args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        return bench_in(work, args)
    finally:
        if temporary:
            shutil.rmtree(work, ignore_errors=True)


def bench_in(work: Path, args: argparse.Namespace) -> int:
    env = argos_environment(work)
    os.environ.update(env)  # before anything imports argostranslate
    os.environ.pop("TRANSFLOW_PACKAGES_DIR", None)
    attempts = forbid_network()
    packages_dir = Path(env["ARGOS_PACKAGES_DIR"])

    log("building the package")
    package_dir = install(build_package(work), packages_dir)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    sentences = make_sentences(lambda s: sp.encode(s, out_type=str), args.sentences)
    n = len(sentences)
    log(f"{n} sentences of {SRC_TOKENS} pieces, cap {CAP}; e.g. {sentences[0]!r}")
    bench = Bench(work, env, package_dir, sentences)
    project = make_project(work, sentences, bench.child_env())

    paths = {
        "cli": Path_("cli", "`transflow translate --lang az` (subprocess, end to end)"),
        "dry": Path_("dry", "`transflow translate --dry-run` (fixed costs, no model)"),
        "engine": Path_("engine", "transflow engine in-process (fresh engine, one call)"),
        "per_unit": Path_("per_unit", "argostranslate `translate()` once per unit"),
        "bare": Path_("bare", "bare `Translator.translate_batch` (ceiling)"),
    }
    fast: list[tuple[str, Callable[[], float]]] = [
        ("bare", bench.bare),
        ("cli", lambda: bench.cli(project)),
        ("engine", bench.engine),
    ]
    slow: list[tuple[str, PerUnit]] = []
    if args.skip_per_unit:
        del paths["per_unit"]
    else:
        slow.append(("per_unit", bench.per_unit()))
        if args.per_unit_one_thread:
            label = "same, `ARGOS_INTRA_THREADS=1` (a tuned peer; not a target)"
            paths["per_unit_1"] = Path_("per_unit_1", label)
            slow.append(("per_unit_1", bench.per_unit(1)))
    limit = args.per_unit_limit if args.per_unit_limit and args.per_unit_limit < n else n
    slices = [range(limit)[r :: args.repeat] for r in range(args.repeat)]
    loads: list[float] = []
    for r in range(args.repeat):
        loads.append(os.getloadavg()[0])
        log(f"run {r + 1}/{args.repeat} (load average {loads[-1]:.2f})")
        order = fast[r % len(fast) :] + fast[: r % len(fast)]  # rotated: no path always first
        for key, fn in [*order, ("dry", lambda: bench.cli(project, ["--dry-run"]))]:
            paths[key].runs.append(fn())
            log(f"  {key}: {paths[key].runs[-1]:.2f} s ({n / paths[key].runs[-1]:.2f}/s)")
        for key, per_unit in slow:  # one slice of the slow paths per run
            took = per_unit.run(slices[r])
            log(f"  {key} slice {r + 1}: {took:.1f} s ({len(slices[r]) / took:.2f}/s)")
    for key, per_unit in slow:
        per_unit.finish()
        paths[key].runs.append(per_unit.seconds * n / limit)
        paths[key].note = (
            "(one pass"
            + (f", in {args.repeat} slices between the runs above" if args.repeat > 1 else "")
            + (f"; first {limit} sentences, time scaled to {n}" if limit < n else "")
            + ")"
        )
    if attempts:
        bench.checks.append(f"network attempts (refused): {attempts}")
    else:
        bench.checks.append("no network connection attempted in the benchmark process")

    # seconds per sentence, per round; a per-unit path's rounds are its slices
    per_round = {key: [t / n for t in p.runs] for key, p in paths.items()}
    for key, per_unit in slow:
        per_round[key] = [t / len(ix) for ix, t in zip(slices, per_unit.slices, strict=True)]
    ratios: list[Ratio] = []
    pairs = [
        ("transflow translate / argostranslate per unit", "cli", "per_unit", TARGET_VS_PER_UNIT),
        ("transflow translate / bare translate_batch", "cli", "bare", TARGET_VS_BARE),
        ("transflow engine / bare translate_batch", "engine", "bare", TARGET_VS_BARE),
    ]
    for name, fast_key, slow_key, target in pairs:
        if fast_key in paths and slow_key in paths:
            rounds = [b / a for a, b in zip(per_round[fast_key], per_round[slow_key], strict=True)]
            ratios.append(
                Ratio(
                    name,
                    paths[slow_key].median() / paths[fast_key].median(),
                    min(paths[slow_key].runs) / min(paths[fast_key].runs),
                    rounds,
                    target,
                )
            )

    info = machine("transflow", "ctranslate2", "sentencepiece", "argos-translate-lt")
    info["load"] = (
        "1-minute load average at the start of each round: "
        + ", ".join(f"{x:.2f}" for x in loads)
        + f"; at the end: {os.getloadavg()[0]:.2f}"
    )
    raw = {k: p.runs for k, p in paths.items()}
    (work / "results.json").write_text(json.dumps({"n": n, "runs": raw, "machine": info}) + "\n")

    def publish(profile: str) -> None:
        report = render(n, args.repeat, paths, ratios, info, bench.checks, profile)
        print(report, flush=True)
        if args.write_docs:
            DOCS_FILE.parent.mkdir(exist_ok=True)
            DOCS_FILE.write_text(report, encoding="utf-8")
            log(f"wrote {DOCS_FILE.relative_to(REPO)}")

    publish("")  # the measurements are safe even if profiling fails
    if args.profile:
        log("profiling transflow translate")
        try:
            total, groups, top = profile_cli(bench, project)
        except BenchError as exc:
            log(f"profiling failed: {exc}")
            return 1
        log(profile_engine(bench))
        publish(profile_text(total, groups, top))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        log(f"mt_benchmark: {exc}")
        sys.exit(1)
