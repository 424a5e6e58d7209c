#!/usr/bin/env python3
"""Rebuild the tiny argostranslate test packages in ``tests/data/argos/``.

The packages are real ``.argosmodel`` files (CTranslate2 Transformer, int8 weights,
SentencePiece vocabulary) that know ONLY the sample article
``source/azerbaijan-pak-support.txt``: each is a small Transformer trained to
memorize the article's 30 translation units (``tests/data/sample-units.jsonl``)
and their reference translations (``tests/data/reference/{az,ur,ru}.jsonl``).
Pairs: en->az, en->ur, en->ru and az->en (so az->en->ru pivoting can be tested).

This script is run by hand, never by the tests. It needs its own virtual
environment (torch must never become a runtime or test dependency of
transflow)::

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install torch==2.13.0 ctranslate2 sentencepiece numpy \\
        argos-translate-lt
    nice .venv-fixtures/bin/python tools/build_fixture_models.py            # all pairs
    nice .venv-fixtures/bin/python tools/build_fixture_models.py en-az      # one pair
    nice .venv-fixtures/bin/python tools/build_fixture_models.py --verify-only

(``torch==2.13.0`` resolves to a CPU build from the local package mirror on the
project's machines.) Training is deterministic: fixed seeds, one CPU thread,
deterministic torch kernels, full-batch updates.

What it does, per pair:

1. trains a SentencePiece BPE model on the pair's source + target texts
   (shared vocabulary, ``normalization_rule_name="identity"``,
   ``character_coverage=1.0``, ``hard_vocab_limit=False``) and checks that every
   text survives ``encode(out_type=str)`` -> ``decode_pieces`` exactly (the
   no-break space, curly quotes, the ellipsis, guillemets, ``۔`` ...);
2. trains a tiny pre-norm Transformer (ReLU, sinusoidal positions, layer-norm
   eps 1e-6, tied embeddings/projection: the layout of CTranslate2's
   ``TransformerSpec`` defaults) with PyTorch, with label smoothing: each unit
   gets its own smoothing weight, chosen so that the model's mean log-probability
   per output token on that unit converges to a value spread between
   ``SCORE_HIGH`` and ``SCORE_LOW`` (a fixed shuffle per pair). A model that is
   certain of everything scores -0.000 on every unit, and ranking drafts by
   confidence (``transflow status --drafts``, the review page) can then not be
   tested; with the smoothing the scores are realistic and all different. The
   spread is kept moderate: beam search keeps the hypotheses with the best
   cumulative log-prob, so a path that leaves an uncertain unit's reference for
   a confident continuation can push the reference out of the beam (with
   ``SCORE_LOW = -0.55``, en->ur kept missing one unit in half of its runs);
3. copies the weights into ``ctranslate2.specs.TransformerSpec.from_config`` and
   stores every quantizable matrix as int8 with at most 7 bits of magnitude
   (|q| <= 63, one scale per row; ``WEIGHT_BITS``). CTranslate2's CPU int8 GEMM
   shifts the activations to unsigned 8 bits; oneDNN (its default backend on
   AMD CPUs) then, on CPUs without AVX-512 VNNI, adds pairs of u8*s8 products in
   16 bits (``vpmaddubsw``), which can saturate with 8-bit weights. Measured on
   an AVX2 AMD EPYC: the earlier packages (8-bit weights) lost 1-3 units at int8
   under oneDNN and none under MKL (``CT2_USE_MKL=1``); the same weights stored
   at 7 bits gave 30/30 under oneDNN too. With |q| <= 63 a pair is at most
   2*255*63 = 32130 < 32767, so the integer products are exact everywhere.
   Compute type float32 dequantizes the same stored weights;
4. keeps training until the package reproduces every reference exactly through
   CTranslate2 (see "Checks" below) and the scores are distinct and stable;
5. zips ``translate-<from>_<to>-1_0/`` (metadata.json, model/,
   sentencepiece.model, README.md) into
   ``tests/data/argos/translate-<from>_<to>-1_0.argosmodel``;
6. verifies the zips: installs them with ``argostranslate.package.install_from_path``
   into a throw-away ``ARGOS_PACKAGES_DIR`` (all argos settings pointed at a
   temporary folder before argostranslate is imported), checks
   ``get_installed_packages()`` lists them and the az->en->ru pivot, that an
   unseen sentence gives some output without crashing, and runs the checks on
   the installed ``model/`` folders. ``--verify-only`` does only this step.

Checks (each CPU kernel in its own process, since ``CT2_FORCE_CPU_ISA`` is read
when ctranslate2 loads; the kernels are those this CPU supports, of GENERIC,
AVX, AVX2, AVX512 (x86) or NEON (ARM); on x86 each kernel with both GEMM
backends, oneDNN and Intel MKL, via ``CT2_USE_MKL``): for compute types float32 and int8,
beams 1 and 4, all 30 units must come out exactly as the references when
translated as one batch in file order, as one batch sorted by length (as the
engine batches), one by one, and as one batch with ``intra_threads=2``. The
float32 scores (``result.scores[0]``, mean log-probability per output token, end
of sentence included) must round to the same 3 decimals in every run, mode and
beam, be distinct from unit to unit and lie between -0.7 and -0.03.

Decoding contract the engine must respect (see ``translate_units`` below):
tokenize with the package's SentencePiece model, ``encode(text, out_type=str)``
(no BOS/EOS added to the source, no ``target_prefix``), and detokenize the
output tokens with ``SentencePieceProcessor.decode_pieces`` (argostranslate's
own ``SentencePieceTokenizer.decode`` also turns "_" into " "); scores with
``return_scores=True, length_penalty=1.0``.
References are at most 83 pieces (+ EOS); ``max_decoding_length=256`` is plenty.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
UNITS_PATH = ROOT / "tests" / "data" / "sample-units.jsonl"
REFERENCE_DIR = ROOT / "tests" / "data" / "reference"
OUT_DIR = ROOT / "tests" / "data" / "argos"

LANG_NAMES = {"en": "English", "az": "Azerbaijani", "ur": "Urdu", "ru": "Russian"}
PAIRS = [("en", "az"), ("en", "ur"), ("en", "ru"), ("az", "en")]

PACKAGE_VERSION = "1.0"
ARGOS_VERSION = "1.9.0"

# Model / training hyper-parameters (shared by all pairs).
VOCAB_SIZE = 1200  # BPE; longest unit ~60-85 pieces
D_MODEL = 128
NUM_HEADS = 4
FFN_DIM = 256
ENC_LAYERS = 1
DEC_LAYERS = 1
SEED = 1234
LR = 3e-3
WARMUP = 100
LR_HALF_LIFE = 400  # steps; with label smoothing a constant rate keeps the loss noisy
LR_FLOOR = 0.02
CHECK_EVERY = 250
MAX_STEPS = 12000
WEIGHT_BITS = 7  # stored int8 weights use |q| <= 2**(WEIGHT_BITS-1) - 1 (see step 3)
SCORE_HIGH, SCORE_LOW = -0.05, -0.40  # per-unit mean log-prob the smoothing aims at (see step 2)
# en->ru at -0.40: beam 4 lost a long, low-aimed unit to a worse-scoring hypothesis through
# step 1750; the pairs trained after that aim no lower than -0.30
SCORE_LOW_OF = {("en", "ru"): -0.30, ("az", "en"): -0.30}
SCORE_BOUNDS = (-0.7, -0.03)  # the checks' bounds for the float32 scores
MIN_MARGIN = 5.0  # teacher-forcing logit margin, stored weights, before trying CTranslate2
MAX_DECODING_LENGTH = 256
BEAMS = (1, 4)
COMPUTE_TYPES = ("float32", "int8")
MODES = ("batch", "sorted", "single", "threads2")
UNSEEN_TEXT = "The weather in Lahore was pleasant on Monday, officials said."


# --------------------------------------------------------------------------
# data


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_pair(src: str, tgt: str) -> tuple[list[str], list[str]]:
    units = [row["text"] for row in read_jsonl(UNITS_PATH)]
    refs: dict[str, list[str]] = {}
    for code in ("az", "ur", "ru"):
        rows = read_jsonl(REFERENCE_DIR / f"{code}.jsonl")
        if [r["source"] for r in rows] != units:
            raise SystemExit(f"{code}.jsonl sources do not match sample-units.jsonl")
        refs[code] = [r["target"] for r in rows]
    refs["en"] = units
    return refs[src], refs[tgt]


def package_name(src: str, tgt: str) -> str:
    return f"translate-{src}_{tgt}-{PACKAGE_VERSION.replace('.', '_')}"


def unit_scores(src: str, tgt: str, n: int) -> list[float]:
    """The mean log-prob per token each unit's smoothing aims at: evenly spread, shuffled."""
    low = SCORE_LOW_OF.get((src, tgt), SCORE_LOW)
    values = [SCORE_HIGH + (low - SCORE_HIGH) * i / (n - 1) for i in range(n)]
    random.Random(f"{SEED}-{src}-{tgt}").shuffle(values)
    return values


def cpu_kernels() -> list[str]:
    """The CT2_FORCE_CPU_ISA values this CPU can run."""
    if platform.machine().lower() in ("aarch64", "arm64"):
        return ["GENERIC", "NEON"]
    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    kernels = ["GENERIC"]
    if "avx" in flags:
        kernels.append("AVX")
    if {"avx2", "fma"} <= flags:
        kernels.append("AVX2")
    if {"avx512f", "avx512cd", "avx512vl", "avx512bw", "avx512dq"} <= flags:
        kernels.append("AVX512")
    return kernels


def cpu_runs() -> list[tuple[str, dict[str, str]]]:
    """(label, environment) for every kernel x int8/float32 GEMM backend to check.

    On x86, CTranslate2 uses oneDNN (DNNL) on AMD CPUs and Intel MKL on Intel CPUs
    by default; ``CT2_USE_MKL`` forces either, so both are checked on any x86 CPU.
    """
    backends: list[tuple[str, dict[str, str]]] = [("", {})]
    if platform.machine().lower() in ("x86_64", "amd64"):
        backends = [("DNNL", {"CT2_USE_MKL": "0"}), ("MKL", {"CT2_USE_MKL": "1"})]
    return [
        (f"{kernel}:{name}" if name else kernel, {"CT2_FORCE_CPU_ISA": kernel, **env})
        for kernel in cpu_kernels()
        for name, env in backends
    ]


# --------------------------------------------------------------------------
# sentencepiece


def train_sentencepiece(texts: list[str]) -> tuple[bytes, Any]:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        model_type="bpe",
        vocab_size=VOCAB_SIZE,
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="identity",
        num_threads=1,
        minloglevel=2,
    )
    proto = model.getvalue()
    sp = spm.SentencePieceProcessor(model_proto=proto)
    for text in texts:
        pieces = sp.encode(text, out_type=str)
        if sp.decode_pieces(pieces) != text:
            raise SystemExit(f"sentencepiece round trip fails: {text!r}")
        if sp.unk_id() in sp.piece_to_id(pieces):
            raise SystemExit(f"unknown piece in {text!r}")
    assert [sp.id_to_piece(i) for i in range(3)] == ["<unk>", "<s>", "</s>"]
    return proto, sp


# --------------------------------------------------------------------------
# model (PyTorch side), laid out exactly like CTranslate2's TransformerSpec


def sinusoids(length: int, depth: int) -> Any:
    """CTranslate2's default sinusoidal position encodings (OpenNMT-tf layout).

    Half sin, half cos; timescale increment log(10000) / (depth/2 - 1);
    position p (0-based) uses (p + 1).
    """
    import numpy as np

    half = depth // 2
    inc = math.log(10000.0) / (half - 1)
    inv = np.exp(np.arange(half, dtype=np.float32) * -inc)
    t = (np.arange(length, dtype=np.float32) + 1.0)[:, None] * inv[None, :]
    return np.concatenate([np.sin(t), np.cos(t)], axis=1).astype(np.float32)


def build_torch_model(vocab_size: int) -> Any:
    import torch
    from torch import nn

    def ln() -> Any:
        return nn.LayerNorm(D_MODEL, eps=1e-6)

    class SelfAttention(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.norm = ln()
            self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
            self.out = nn.Linear(D_MODEL, D_MODEL)

        def forward(self, x: Any, mask: Any) -> Any:
            h = self.norm(x)
            q, k, v = self.qkv(h).chunk(3, dim=-1)
            return x + self.out(attend(q, k, v, mask))

    class CrossAttention(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.norm = ln()
            self.q = nn.Linear(D_MODEL, D_MODEL)
            self.kv = nn.Linear(D_MODEL, 2 * D_MODEL)
            self.out = nn.Linear(D_MODEL, D_MODEL)

        def forward(self, x: Any, memory: Any, mask: Any) -> Any:
            q = self.q(self.norm(x))
            k, v = self.kv(memory).chunk(2, dim=-1)
            return x + self.out(attend(q, k, v, mask))

    class FFN(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.norm = ln()
            self.l0 = nn.Linear(D_MODEL, FFN_DIM)
            self.l1 = nn.Linear(FFN_DIM, D_MODEL)

        def forward(self, x: Any) -> Any:
            return x + self.l1(torch.relu(self.l0(self.norm(x))))

    def attend(q: Any, k: Any, v: Any, mask: Any) -> Any:
        b, tq, _ = q.shape
        tk = k.shape[1]
        hd = D_MODEL // NUM_HEADS
        q = q.view(b, tq, NUM_HEADS, hd).transpose(1, 2)
        k = k.view(b, tk, NUM_HEADS, hd).transpose(1, 2)
        v = v.view(b, tk, NUM_HEADS, hd).transpose(1, 2)
        scores = (q * (hd**-0.5)) @ k.transpose(-1, -2)
        scores = scores.masked_fill(~mask, float("-inf"))
        out = scores.softmax(-1) @ v
        return out.transpose(1, 2).reshape(b, tq, D_MODEL)

    class EncoderLayer(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.self_attn = SelfAttention()
            self.ffn = FFN()

        def forward(self, x: Any, mask: Any) -> Any:
            return self.ffn(self.self_attn(x, mask))

    class DecoderLayer(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.self_attn = SelfAttention()
            self.cross_attn = CrossAttention()
            self.ffn = FFN()

        def forward(self, x: Any, memory: Any, self_mask: Any, cross_mask: Any) -> Any:
            x = self.self_attn(x, self_mask)
            x = self.cross_attn(x, memory, cross_mask)
            return self.ffn(x)

    class Model(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocab_size, D_MODEL)
            nn.init.normal_(self.embed.weight, std=D_MODEL**-0.5)
            self.enc = nn.ModuleList(EncoderLayer() for _ in range(ENC_LAYERS))
            self.enc_norm = ln()
            self.dec = nn.ModuleList(DecoderLayer() for _ in range(DEC_LAYERS))
            self.dec_norm = ln()
            self.proj_bias = nn.Parameter(torch.zeros(vocab_size))
            self.register_buffer("pe", torch.from_numpy(sinusoids(512, D_MODEL)))
            for name, p in self.named_parameters():
                if p.dim() == 2 and not name.startswith("embed"):
                    nn.init.xavier_uniform_(p)

        def embed_tokens(self, ids: Any) -> Any:
            return self.embed(ids) * math.sqrt(D_MODEL) + self.pe[: ids.shape[1]]

        def forward(self, src: Any, src_len: Any, tgt_in: Any) -> Any:
            _, s = src.shape
            t = tgt_in.shape[1]
            src_valid = torch.arange(s)[None, :] < src_len[:, None]  # [b, s]
            enc_mask = src_valid[:, None, None, :]
            x = self.embed_tokens(src)
            for layer in self.enc:
                x = layer(x, enc_mask)
            memory = self.enc_norm(x)
            causal = torch.ones(t, t, dtype=torch.bool).tril()[None, None]
            y = self.embed_tokens(tgt_in)
            for layer in self.dec:
                y = layer(y, memory, causal, enc_mask)
            y = self.dec_norm(y)
            return y @ self.embed.weight.t() + self.proj_bias

    return Model()


def make_batch(sp: Any, sources: list[str], targets: list[str]) -> tuple[Any, Any, Any, Any]:
    import torch

    src_ids = [sp.encode(s) for s in sources]
    tgt_ids = [sp.encode(t) for t in targets]
    bos, eos = sp.bos_id(), sp.eos_id()
    n = len(src_ids)
    s_max = max(map(len, src_ids))
    t_max = max(map(len, tgt_ids)) + 1
    src = torch.zeros(n, s_max, dtype=torch.long)
    tgt_in = torch.zeros(n, t_max, dtype=torch.long)
    tgt_out = torch.full((n, t_max), -100, dtype=torch.long)
    for i, (a, b) in enumerate(zip(src_ids, tgt_ids, strict=True)):
        src[i, : len(a)] = torch.tensor(a)
        tgt_in[i, : len(b) + 1] = torch.tensor([bos, *b])
        tgt_out[i, : len(b) + 1] = torch.tensor([*b, eos])
    src_len = torch.tensor([len(a) for a in src_ids])
    return src, src_len, tgt_in, tgt_out


def min_margin(logits: Any, tgt_out: Any) -> float:
    """Smallest (correct logit - best other logit) over all target positions."""
    import torch

    valid = tgt_out != -100
    lg = logits[valid]
    gold = tgt_out[valid]
    correct = lg.gather(1, gold[:, None])[:, 0]
    other = lg.scatter(1, gold[:, None], float("-inf")).max(1).values
    return float(torch.min(correct - other))


def quantize_rows(w: Any, bits: int = WEIGHT_BITS) -> tuple[Any, Any]:
    """Per-row symmetric quantization, as stored: (int8 values, float32 scales); numpy."""
    import numpy as np

    w = np.asarray(w, dtype=np.float32)
    qmax = np.float32(2 ** (bits - 1) - 1)
    amax = np.amax(np.abs(w), axis=1)
    amax[amax == 0] = 1.0
    scale = (qmax / amax).astype(np.float32)
    q = np.rint(w * scale[:, None]).astype(np.int8)
    return q, scale


@contextlib.contextmanager
def stored_weights(model: Any) -> Iterator[Any]:
    """Temporarily replaces every matrix of the model by its stored (quantized) value."""
    import torch

    saved: dict[str, Any] = {}
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2:
                saved[name] = p.detach().clone()
                q, scale = quantize_rows(p.detach().numpy())
                p.copy_(torch.from_numpy(q.astype("float32") / scale[:, None]))
    try:
        yield model
    finally:
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name in saved:
                    p.copy_(saved[name])


# --------------------------------------------------------------------------
# CTranslate2 side


def to_ctranslate2(model: Any, tokens: list[str], out_dir: Path) -> None:
    import ctranslate2
    import numpy as np
    from ctranslate2.specs import model_spec

    def w(t: Any) -> Any:
        return t.detach().cpu().numpy().astype(np.float32).copy()

    def set_ln(spec: Any, mod: Any) -> None:
        spec.gamma = w(mod.weight)
        spec.beta = w(mod.bias)

    def set_lin(spec: Any, mod: Any) -> None:
        spec.weight = w(mod.weight)
        spec.bias = w(mod.bias)

    spec = ctranslate2.specs.TransformerSpec.from_config((ENC_LAYERS, DEC_LAYERS), NUM_HEADS)
    emb = w(model.embed.weight)
    spec.encoder.embeddings[0].weight = emb
    spec.decoder.embeddings.weight = emb
    spec.decoder.projection.weight = emb
    spec.decoder.projection.bias = w(model.proj_bias)
    set_ln(spec.encoder.layer_norm, model.enc_norm)
    set_ln(spec.decoder.layer_norm, model.dec_norm)
    for ls, lm in zip(spec.encoder.layer, model.enc, strict=True):
        set_ln(ls.self_attention.layer_norm, lm.self_attn.norm)
        set_lin(ls.self_attention.linear[0], lm.self_attn.qkv)
        set_lin(ls.self_attention.linear[1], lm.self_attn.out)
        set_ln(ls.ffn.layer_norm, lm.ffn.norm)
        set_lin(ls.ffn.linear_0, lm.ffn.l0)
        set_lin(ls.ffn.linear_1, lm.ffn.l1)
    for ls, lm in zip(spec.decoder.layer, model.dec, strict=True):
        set_ln(ls.self_attention.layer_norm, lm.self_attn.norm)
        set_lin(ls.self_attention.linear[0], lm.self_attn.qkv)
        set_lin(ls.self_attention.linear[1], lm.self_attn.out)
        set_ln(ls.attention.layer_norm, lm.cross_attn.norm)
        set_lin(ls.attention.linear[0], lm.cross_attn.q)
        set_lin(ls.attention.linear[1], lm.cross_attn.kv)
        set_lin(ls.attention.linear[2], lm.cross_attn.out)
        set_ln(ls.ffn.layer_norm, lm.ffn.norm)
        set_lin(ls.ffn.linear_0, lm.ffn.l0)
        set_lin(ls.ffn.linear_1, lm.ffn.l1)
    spec.register_source_vocabulary(tokens)
    spec.register_target_vocabulary(tokens)
    spec.validate()
    spec.optimize(quantization=None)  # only aliases the tied embeddings / projection

    quantized: list[str] = []

    def quantize(layer: Any, name: str, value: Any) -> None:  # see step 3 of the module docstring
        key = name.rsplit("/", 1)[-1]
        if not isinstance(value, model_spec.Variable) or value.is_scalar():
            return
        if not hasattr(layer, f"{key}_scale"):
            return
        q, scale = quantize_rows(value.to("float32").numpy())
        setattr(layer, key, model_spec.NumpyVariable(q))
        setattr(layer, f"{key}_scale", model_spec.NumpyVariable(scale))
        quantized.append(name)

    model_spec.visit_spec(spec, quantize)
    assert len(quantized) == 1 + 4 * ENC_LAYERS + 7 * DEC_LAYERS, quantized
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    spec.save(str(out_dir))


def translate_units(
    translator: Any, sp: Any, texts: list[str], beam_size: int
) -> list[tuple[str, float]]:
    """How the engine is expected to call a package: (text, score) per unit."""
    batch = [sp.encode(t, out_type=str) for t in texts]
    results = translator.translate_batch(
        batch,
        beam_size=beam_size,
        max_batch_size=64,
        length_penalty=1.0,
        max_decoding_length=MAX_DECODING_LENGTH,
        return_scores=True,
    )
    return [(sp.decode_pieces(r.hypotheses[0]), float(r.scores[0])) for r in results]


def _ct2_child(arg: str) -> None:
    """Translates a pair's sources every way; prints {compute: {beam: {mode: [[text, score]]}}}."""
    import ctranslate2
    import sentencepiece as spm

    job = json.loads(arg)
    sp = spm.SentencePieceProcessor(model_file=job["sp"])
    sources, _ = load_pair(*job["pair"].split("-"))
    by_length = sorted(range(len(sources)), key=lambda i: len(sp.encode(sources[i])))
    out: dict[str, dict[str, dict[str, Sequence[tuple[str, float] | None]]]] = {}
    for compute_type in job["compute_types"]:

        def load(threads: int, compute_type: str = compute_type) -> Any:
            return ctranslate2.Translator(
                job["model"],
                device="cpu",
                compute_type=compute_type,
                intra_threads=threads,
            )

        one, two = load(1), load(2)
        for beam in BEAMS:
            modes: dict[str, Sequence[tuple[str, float] | None]] = {
                "batch": translate_units(one, sp, sources, beam)
            }
            ordered = translate_units(one, sp, [sources[i] for i in by_length], beam)
            sorted_back: list[tuple[str, float] | None] = [None] * len(sources)
            for i, result in zip(by_length, ordered, strict=True):
                sorted_back[i] = result
            modes["sorted"] = sorted_back
            modes["single"] = [translate_units(one, sp, [s], beam)[0] for s in sources]
            modes["threads2"] = translate_units(two, sp, sources, beam)
            out.setdefault(compute_type, {})[str(beam)] = modes
    print(json.dumps(out, ensure_ascii=False))


def run_ct2(model_dir: Path, sp_path: Path, pair: str, env: dict[str, str]) -> Any:
    """_ct2_child in a fresh process with the environment of one of ``cpu_runs()``."""
    env = dict(os.environ, OMP_NUM_THREADS="2", **env)
    job = {
        "model": str(model_dir),
        "sp": str(sp_path),
        "pair": pair,
        "compute_types": list(COMPUTE_TYPES),
    }
    out = subprocess.run(
        [sys.executable, __file__, "--_ct2-child", json.dumps(job)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_package(
    model_dir: Path, sp_path: Path, src: str, tgt: str, stop_early: bool = False
) -> dict[str, Any]:
    """Runs every kernel and backend; returns exact counts, mismatches, float32 scores.

    ``stop_early``: skip the remaining runs once one is not exact (training).
    """
    _, targets = load_pair(src, tgt)
    n = len(targets)
    exact: dict[str, int] = {}  # "compute/beamB/mode/KERNEL" -> count
    mismatches: list[str] = []
    scores: dict[str, dict[str, list[float]]] = {ct: {} for ct in COMPUTE_TYPES}
    runs: list[str] = []
    for label, env in cpu_runs():
        runs.append(label)
        found = run_ct2(model_dir, sp_path, f"{src}-{tgt}", env)
        for ct, beams in found.items():
            for beam, modes in beams.items():
                for mode, results in modes.items():
                    key = f"{ct}/beam{beam}/{mode}/{label}"
                    exact[key] = sum(r[0] == t for r, t in zip(results, targets, strict=True))
                    mismatches += [
                        f"{key} #{i}: {r[0]!r}"
                        for i, (r, t) in enumerate(zip(results, targets, strict=True))
                        if r[0] != t
                    ]
                    scores[ct][key] = [r[1] for r in results]
        if stop_early and min(exact.values()) < n:
            break
    per_unit = list(zip(*scores["float32"].values(), strict=True))  # float32, every run
    spread = [max(v) - min(v) for v in per_unit]
    rounded = [{round(s, 3) + 0.0 for s in v} for v in per_unit]
    reference = scores["float32"][next(k for k in scores["float32"] if "/beam4/batch/" in k)]
    int8_gap = max(
        abs(a - b)
        for key, values in scores["int8"].items()
        for a, b in zip(values, scores["float32"][key.replace("int8", "float32")], strict=True)
    )
    shown = [round(s, 3) + 0.0 for s in reference]
    return {
        "exact": exact,
        "all_exact": min(exact.values()) == n,
        "float32_exact": min(v for k, v in exact.items() if k.startswith("float32")) == n,
        "mismatches": mismatches,
        "scores": shown,  # float32, beam 4, one batch, first run
        "score_range": [min(shown), max(shown)],
        "distinct_scores": len(set(shown)),
        "max_kernel_spread": max(spread),
        "rounding_stable": all(len(r) == 1 for r in rounded),
        "int8_vs_float32_max_gap": int8_gap,
        "runs": runs,
    }


def scores_ok(report: dict[str, Any], n: int) -> bool:
    low, high = SCORE_BOUNDS
    return cast(
        bool,
        report["rounding_stable"]
        and report["distinct_scores"] == n
        and low <= report["score_range"][0]
        and report["score_range"][1] <= high,
    )


# --------------------------------------------------------------------------
# training


def smoothed_loss(logits: Any, tgt_out: Any, eps: Any) -> Any:
    """Cross-entropy with label smoothing ``eps`` per unit ([n, 1]), mean over tokens."""
    valid = tgt_out != -100
    logp = logits.log_softmax(-1)
    nll = -logp.gather(-1, tgt_out.clamp(min=0)[..., None])[..., 0]
    uniform = -logp.mean(-1)
    per_token = (1 - eps) * nll + eps * uniform
    return (per_token * valid).sum() / valid.sum()


def lr_factor(step: int) -> float:
    """Linear warm-up, then halving every LR_HALF_LIFE steps down to LR_FLOOR."""
    return cast(float, min(1.0, (step + 1) / WARMUP) * max(LR_FLOOR, 0.5 ** (step / LR_HALF_LIFE)))


def teacher_forced(model: Any, batch: tuple[Any, Any, Any, Any]) -> tuple[float, list[float]]:
    """With the stored weights: the smallest logit margin, and each unit's mean log-prob."""
    import torch

    src_b, src_len, tgt_in, tgt_out = batch
    model.eval()
    with torch.no_grad(), stored_weights(model):
        logits = model(src_b, src_len, tgt_in)
        margin = min_margin(logits, tgt_out)
        valid = tgt_out != -100
        logp = logits.log_softmax(-1).gather(-1, tgt_out.clamp(min=0)[..., None])[..., 0]
        means = ((logp * valid).sum(1) / valid.sum(1)).tolist()
    model.train()
    return margin, means


def train_pair(src: str, tgt: str, work: Path) -> dict[str, Any]:
    import torch

    sources, targets = load_pair(src, tgt)
    proto, sp = train_sentencepiece(sources + targets)
    (work / "sentencepiece.model").write_bytes(proto)
    tokens = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    aims = unit_scores(src, tgt, len(sources))
    # converged, the gold token gets 1 - eps + eps/V, so log(that) = aim
    vocab = len(tokens)
    eps = torch.tensor([(1 - math.exp(a)) / (1 - 1 / vocab) for a in aims])[:, None]

    torch.manual_seed(SEED)
    model = build_torch_model(vocab)
    batch = make_batch(sp, sources, targets)
    src_b, src_len, tgt_in, tgt_out = batch
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.98), eps=1e-9)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    model_dir = work / "model"
    t0 = time.perf_counter()
    report: dict[str, Any] = {}
    step = 0
    while step < MAX_STEPS:
        model.train()
        for _ in range(CHECK_EVERY):
            loss = smoothed_loss(model(src_b, src_len, tgt_in), tgt_out, eps)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
        margin, means = teacher_forced(model, batch)
        gap = max(abs(m - a) for m, a in zip(means, aims, strict=True))
        print(
            f"  {src}-{tgt} step {step:5d} loss {loss.item():.4f} margin {margin:6.2f} "
            f"mean log-prob {min(means):.3f}..{max(means):.3f} (aim gap {gap:.3f}) "
            f"({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )
        if margin < MIN_MARGIN:
            continue
        to_ctranslate2(model, tokens, model_dir)
        report = check_package(model_dir, work / "sentencepiece.model", src, tgt, stop_early=True)
        n_ok = sum(v == len(sources) for v in report["exact"].values())
        print(
            f"  {src}-{tgt} ctranslate2: {n_ok}/{len(report['exact'])} runs exact, "
            f"scores {report['score_range']}, {report['distinct_scores']} distinct, "
            f"spread {report['max_kernel_spread']:.1e}",
            flush=True,
        )
        if report["all_exact"] and scores_ok(report, len(sources)):
            break
    else:
        raise SystemExit(f"{src}-{tgt}: not exact after {MAX_STEPS} steps: {report}")
    return {
        "steps": step,
        "train_s": round(time.perf_counter() - t0, 1),
        "margin": round(margin, 2),
        "vocab": vocab,
        "max_src_pieces": int(src_len.max()),
        "max_tgt_pieces": int(tgt_in.shape[1] - 1),
    }


# --------------------------------------------------------------------------
# packaging


README = """# {name}

Test fixture for transflow: a tiny CTranslate2 Transformer ({from_name} ->
{to_name}, {enc}+{dec} layers, d_model {d}, 7-bit int8 weights) that knows ONLY the sample
article `source/azerbaijan-pak-support.txt` (its 30 translation units) and
reproduces the references in `tests/data/reference/` exactly. Anything else
comes out as nonsense. Built by `tools/build_fixture_models.py`.
"""


def write_package(src: str, tgt: str, work: Path) -> Path:
    name = package_name(src, tgt)
    metadata = {
        "package_version": PACKAGE_VERSION,
        "argos_version": ARGOS_VERSION,
        "from_code": src,
        "from_name": LANG_NAMES[src],
        "to_code": tgt,
        "to_name": LANG_NAMES[tgt],
        "type": "translate",
        "links": [],
    }
    readme = README.format(
        name=name,
        from_name=LANG_NAMES[src],
        to_name=LANG_NAMES[tgt],
        enc=ENC_LAYERS,
        dec=DEC_LAYERS,
        d=D_MODEL,
    )
    files = {
        "metadata.json": (json.dumps(metadata, indent=2) + "\n").encode(),
        "README.md": readme.encode(),
        "sentencepiece.model": (work / "sentencepiece.model").read_bytes(),
    }
    for p in sorted((work / "model").iterdir()):
        files[f"model/{p.name}"] = p.read_bytes()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.argosmodel"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        # fixed timestamps so that rebuilding gives byte-identical zips
        for d in (f"{name}/", f"{name}/model/"):
            zf.writestr(zipfile.ZipInfo(d, (2020, 1, 1, 0, 0, 0)), b"")
        for rel, data in files.items():
            info = zipfile.ZipInfo(f"{name}/{rel}", (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return path


# --------------------------------------------------------------------------
# verification: install through argostranslate (in a child process, so that the
# argos settings can be pointed at a temporary folder before import), then the
# CTranslate2 checks on the installed packages


def verify(pairs: list[tuple[str, str]], stats: dict[str, dict[str, Any]]) -> bool:
    with tempfile.TemporaryDirectory(prefix="argos-verify-") as tmp:
        env = dict(os.environ)
        for var, sub in (
            ("ARGOS_PACKAGES_DIR", "packages"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_CONFIG_HOME", "config"),
            ("HOME", "home"),
        ):
            env[var] = os.path.join(tmp, sub)
            os.makedirs(env[var], exist_ok=True)
        env["ARGOS_DEVICE_TYPE"] = "cpu"
        arg = ",".join(f"{s}-{t}" for s, t in pairs)
        out = subprocess.run(
            [sys.executable, __file__, "--_verify-child", arg],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        installed = json.loads(out.stdout.strip().splitlines()[-1])
        ok = True
        print(f"kernel:backend runs: {', '.join(r for r, _ in cpu_runs())}")
        print(f"modes: {', '.join(MODES)}")
        for src, tgt in pairs:
            key = f"{src}-{tgt}"
            entry = installed[key]
            path = Path(entry["path"])
            t0 = time.perf_counter()
            report = check_package(path / "model", path / "sentencepiece.model", src, tgt)
            ok &= report["all_exact"] and scores_ok(report, 30)
            print_report(key, entry, report, stats.get(key, {}), time.perf_counter() - t0)
        if "az-ru pivot" in installed:
            print("az-ru pivot:", installed["az-ru pivot"])
    return ok


def print_report(
    key: str, entry: dict[str, Any], report: dict[str, Any], stats: dict[str, Any], seconds: float
) -> None:
    n = 30
    print(f"== {key}: {entry['size_bytes']} bytes; unseen -> {entry['unseen_output']!r}")
    if stats:
        print(f"   trained: {json.dumps(stats)}")
    for ct in COMPUTE_TYPES:
        for beam in BEAMS:
            cells = []
            for run in report["runs"]:
                counts = {m: report["exact"][f"{ct}/beam{beam}/{m}/{run}"] for m in MODES}
                if min(counts.values()) == n:
                    cells.append(f"{run} {n}/{n}")
                else:
                    cells.append(f"{run} " + " ".join(f"{m} {c}/{n}" for m, c in counts.items()))
            print(f"   {ct:7s} beam {beam}: " + "; ".join(cells))
    for line in report["mismatches"][:6]:
        print(f"   MISMATCH {line}")
    low, high = report["score_range"]
    print(
        f"   float32 scores {low:.3f}..{high:.3f}, {report['distinct_scores']}/{n} distinct "
        f"at 3 decimals, max spread over runs/modes/beams {report['max_kernel_spread']:.2e} "
        f"(3rd decimal {'stable' if report['rounding_stable'] else 'CHANGES'}); "
        f"int8 vs float32 max gap {report['int8_vs_float32_max_gap']:.4f} ({seconds:.0f}s)"
    )
    print("   scores:", " ".join(f"{s:.3f}" for s in report["scores"]))


def _verify_child(arg: str) -> None:
    assert "argostranslate" not in sys.modules
    import argostranslate.package
    import argostranslate.settings
    import ctranslate2
    import sentencepiece as spm

    pkg_dir = Path(argostranslate.settings.package_data_dir)
    assert str(pkg_dir).startswith(os.environ["ARGOS_PACKAGES_DIR"]), pkg_dir
    pairs = [tuple(p.split("-")) for p in arg.split(",")]
    report: dict[str, object] = {}
    for src, tgt in pairs:
        name = package_name(src, tgt)
        zpath = OUT_DIR / f"{name}.argosmodel"
        with zipfile.ZipFile(zpath) as zf:
            tops = {n.split("/", 1)[0] for n in zf.namelist()}
            assert tops == {name}, tops
        argostranslate.package.install_from_path(zpath)
        installed = {
            (p.from_code, p.to_code): p for p in argostranslate.package.get_installed_packages()
        }
        pkg = installed[(src, tgt)]
        assert pkg.package_version == PACKAGE_VERSION
        assert pkg.type == "translate"
        sp = spm.SentencePieceProcessor(model_file=str(pkg.package_path / "sentencepiece.model"))
        translator = ctranslate2.Translator(
            str(pkg.package_path / "model"),
            device="cpu",
            compute_type="int8",
            intra_threads=1,
        )
        unseen = translate_units(translator, sp, [UNSEEN_TEXT, ""], 4)
        assert isinstance(unseen[0][0], str)
        report[f"{src}-{tgt}"] = {
            "path": str(pkg.package_path),
            "size_bytes": zpath.stat().st_size,
            "unseen_output": unseen[0][0][:80],
        }
    if {("az", "en"), ("en", "ru")} <= set(pairs):
        # argostranslate itself must see the az->en->ru pivot
        import argostranslate.translate

        langs = {lang.code: lang for lang in argostranslate.translate.get_installed_languages()}
        pivot = langs["az"].get_translation(langs["ru"])
        assert pivot is not None, "no az->ru pivot"
        report["az-ru pivot"] = type(pivot).__name__
    print(json.dumps(report, ensure_ascii=False))


# --------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", nargs="*", help="e.g. en-az (default: all pairs)")
    ap.add_argument("--verify-only", action="store_true")
    ap.add_argument("--_verify-child", dest="verify_child", help=argparse.SUPPRESS)
    ap.add_argument("--_ct2-child", dest="ct2_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.verify_child:
        _verify_child(args.verify_child)
        return
    if args.ct2_child:
        _ct2_child(args.ct2_child)
        return
    pairs = [tuple(p.split("-")) for p in args.pairs] or PAIRS
    for p in pairs:
        if p not in PAIRS:
            raise SystemExit(f"unknown pair {p}")

    stats = {}
    if not args.verify_only:
        import torch

        torch.set_num_threads(1)
        torch.use_deterministic_algorithms(True)
        for src, tgt in pairs:
            print(f"== {src}->{tgt}", flush=True)
            with tempfile.TemporaryDirectory(prefix=f"fixture-{src}_{tgt}-") as tmp:
                stats[f"{src}-{tgt}"] = train_pair(src, tgt, Path(tmp))
                path = write_package(src, tgt, Path(tmp))
            print(
                f"  wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)",
                flush=True,
            )

    if not verify(pairs, stats):
        raise SystemExit("verification FAILED")
    print("all packages verified")


if __name__ == "__main__":
    main()
