#!/usr/bin/env python3
"""Rebuild the tiny argostranslate test packages in ``tests/data/argos/``.

The packages are real ``.argosmodel`` files (CTranslate2 Transformer, int8,
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
    .venv-fixtures/bin/python tools/build_fixture_models.py            # all pairs
    .venv-fixtures/bin/python tools/build_fixture_models.py en-az      # one pair
    .venv-fixtures/bin/python tools/build_fixture_models.py --verify-only

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
   ``TransformerSpec`` defaults) with PyTorch until it reproduces every
   reference exactly through CTranslate2 (int8) with beam 1 and beam 4;
3. copies the weights into ``ctranslate2.specs.TransformerSpec.from_config``,
   registers the vocabulary, ``optimize(quantization="int8")``, saves;
4. zips ``translate-<from>_<to>-1_0/`` (metadata.json, model/,
   sentencepiece.model, README.md) into
   ``tests/data/argos/translate-<from>_<to>-1_0.argosmodel``;
5. verifies the zip: installs it with ``argostranslate.package.install_from_path``
   into a throw-away ``ARGOS_PACKAGES_DIR`` (all argos settings pointed at a
   temporary folder before argostranslate is imported), checks
   ``get_installed_packages()`` lists it, loads ``model/`` with
   ``ctranslate2.Translator(device="cpu", compute_type="int8")`` and requires
   exact output for all 30 units, translated as one batch, with beam 1 and
   beam 4; an unseen sentence must give some output without crashing.

Decoding contract the engine must respect (see ``translate_units`` below):
tokenize with the package's SentencePiece model, ``encode(text, out_type=str)``
(no BOS/EOS added to the source, no ``target_prefix``), and detokenize the
output tokens with ``SentencePieceProcessor.decode_pieces`` (argostranslate's
own ``SentencePieceTokenizer.decode`` also turns "_" into " ").
References are at most 83 pieces (+ EOS); ``max_decoding_length=256`` is plenty.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

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
CHECK_EVERY = 250
MAX_STEPS = 8000
MIN_MARGIN = 10.0  # logit margin (teacher forcing) before trying CTranslate2;
# a wide margin keeps int8 results exact on other CPUs / GEMM backends too
MAX_DECODING_LENGTH = 256
BEAMS = (1, 4)
UNSEEN_TEXT = "The weather in Lahore was pleasant on Monday, officials said."


# --------------------------------------------------------------------------
# data


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_pair(src: str, tgt: str) -> tuple[list[str], list[str]]:
    units = [row["text"] for row in read_jsonl(UNITS_PATH)]
    refs = {}
    for code in ("az", "ur", "ru"):
        rows = read_jsonl(REFERENCE_DIR / f"{code}.jsonl")
        if [r["source"] for r in rows] != units:
            raise SystemExit(f"{code}.jsonl sources do not match sample-units.jsonl")
        refs[code] = [r["target"] for r in rows]
    refs["en"] = units
    return refs[src], refs[tgt]


def package_name(src: str, tgt: str) -> str:
    return f"translate-{src}_{tgt}-{PACKAGE_VERSION.replace('.', '_')}"


# --------------------------------------------------------------------------
# sentencepiece


def train_sentencepiece(texts: list[str]):
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


def sinusoids(length: int, depth: int):
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


def build_torch_model(vocab_size: int):
    import torch
    from torch import nn

    def ln():
        return nn.LayerNorm(D_MODEL, eps=1e-6)

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = ln()
            self.qkv = nn.Linear(D_MODEL, 3 * D_MODEL)
            self.out = nn.Linear(D_MODEL, D_MODEL)

        def forward(self, x, mask):
            h = self.norm(x)
            q, k, v = self.qkv(h).chunk(3, dim=-1)
            return x + self.out(attend(q, k, v, mask))

    class CrossAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = ln()
            self.q = nn.Linear(D_MODEL, D_MODEL)
            self.kv = nn.Linear(D_MODEL, 2 * D_MODEL)
            self.out = nn.Linear(D_MODEL, D_MODEL)

        def forward(self, x, memory, mask):
            q = self.q(self.norm(x))
            k, v = self.kv(memory).chunk(2, dim=-1)
            return x + self.out(attend(q, k, v, mask))

    class FFN(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm = ln()
            self.l0 = nn.Linear(D_MODEL, FFN_DIM)
            self.l1 = nn.Linear(FFN_DIM, D_MODEL)

        def forward(self, x):
            return x + self.l1(torch.relu(self.l0(self.norm(x))))

    def attend(q, k, v, mask):
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

    class EncoderLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.self_attn = SelfAttention()
            self.ffn = FFN()

        def forward(self, x, mask):
            return self.ffn(self.self_attn(x, mask))

    class DecoderLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.self_attn = SelfAttention()
            self.cross_attn = CrossAttention()
            self.ffn = FFN()

        def forward(self, x, memory, self_mask, cross_mask):
            x = self.self_attn(x, self_mask)
            x = self.cross_attn(x, memory, cross_mask)
            return self.ffn(x)

    class Model(nn.Module):
        def __init__(self):
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

        def embed_tokens(self, ids):
            return self.embed(ids) * math.sqrt(D_MODEL) + self.pe[: ids.shape[1]]

        def forward(self, src, src_len, tgt_in):
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


def make_batch(sp, sources: list[str], targets: list[str]):
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


def min_margin(logits, tgt_out) -> float:
    """Smallest (correct logit - best other logit) over all target positions."""
    import torch

    valid = tgt_out != -100
    lg = logits[valid]
    gold = tgt_out[valid]
    correct = lg.gather(1, gold[:, None])[:, 0]
    other = lg.scatter(1, gold[:, None], float("-inf")).max(1).values
    return float(torch.min(correct - other))


# --------------------------------------------------------------------------
# CTranslate2 side


def to_ctranslate2(model, tokens: list[str], out_dir: Path, quantization="int8"):
    import ctranslate2
    import numpy as np

    def w(t):
        return t.detach().cpu().numpy().astype(np.float32).copy()

    def set_ln(spec, mod):
        spec.gamma = w(mod.weight)
        spec.beta = w(mod.bias)

    def set_lin(spec, mod):
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
    spec.optimize(quantization=quantization)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    spec.save(str(out_dir))


def translate_units(translator, sp, texts: list[str], beam_size: int) -> list[str]:
    """How the engine is expected to call a package (one batch, all units)."""
    batch = [sp.encode(t, out_type=str) for t in texts]
    results = translator.translate_batch(
        batch,
        beam_size=beam_size,
        max_batch_size=64,
        max_decoding_length=MAX_DECODING_LENGTH,
    )
    return [sp.decode_pieces(r.hypotheses[0]) for r in results]


def check_ct2(model_dir: Path, sp, sources, targets) -> dict[str, int]:
    """Exact matches per (compute type, beam); float32 = dequantized weights."""
    import ctranslate2

    counts = {}
    for compute_type in ("int8", "float32"):
        translator = ctranslate2.Translator(
            str(model_dir), device="cpu", compute_type=compute_type, intra_threads=1
        )
        for beam in BEAMS:
            out = translate_units(translator, sp, sources, beam)
            counts[f"{compute_type}/beam{beam}"] = sum(
                o == t for o, t in zip(out, targets, strict=True)
            )
    return counts


# --------------------------------------------------------------------------
# training


def train_pair(src: str, tgt: str, work: Path) -> dict:
    import torch

    sources, targets = load_pair(src, tgt)
    proto, sp = train_sentencepiece(sources + targets)
    tokens = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]

    torch.manual_seed(SEED)
    model = build_torch_model(len(tokens))
    src_b, src_len, tgt_in, tgt_out = make_batch(sp, sources, targets)
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.98), eps=1e-9)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: min(1.0, (step + 1) / WARMUP))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    model_dir = work / "model"
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    step = 0
    margin = float("-inf")
    while step < MAX_STEPS:
        model.train()
        for _ in range(CHECK_EVERY):
            logits = model(src_b, src_len, tgt_in)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
        model.eval()
        with torch.no_grad():
            logits = model(src_b, src_len, tgt_in)
            margin = min_margin(logits, tgt_out)
        print(
            f"  {src}-{tgt} step {step:5d} loss {loss.item():.2e} "
            f"margin {margin:6.2f} ({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )
        if margin < MIN_MARGIN:
            continue
        to_ctranslate2(model, tokens, model_dir)
        counts = check_ct2(model_dir, sp, sources, targets)
        print(f"  {src}-{tgt} ctranslate2 exact: {counts}", flush=True)
        if all(c == len(sources) for c in counts.values()):
            break
    else:
        raise SystemExit(f"{src}-{tgt}: not exact after {MAX_STEPS} steps: {counts}")
    train_s = time.perf_counter() - t0
    (work / "sentencepiece.model").write_bytes(proto)
    return {
        "steps": step,
        "train_s": round(train_s, 1),
        "margin": round(margin, 2),
        "vocab": len(tokens),
        "max_src_pieces": int(src_len.max()),
        "max_tgt_pieces": int(tgt_in.shape[1] - 1),
    }


# --------------------------------------------------------------------------
# packaging


README = """# {name}

Test fixture for transflow: a tiny CTranslate2 Transformer ({from_name} ->
{to_name}, {enc}+{dec} layers, d_model {d}, int8) that knows ONLY the sample
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
# verification through argostranslate (runs in a child process so that the
# argos settings can be pointed at a temporary folder before import)


def verify(pairs: list[tuple[str, str]]) -> dict:
    import subprocess

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
        return json.loads(out.stdout.strip().splitlines()[-1])


def _verify_child(arg: str) -> None:
    assert "argostranslate" not in sys.modules
    import argostranslate.package
    import argostranslate.settings
    import ctranslate2
    import sentencepiece as spm

    pkg_dir = Path(argostranslate.settings.package_data_dir)
    assert str(pkg_dir).startswith(os.environ["ARGOS_PACKAGES_DIR"]), pkg_dir
    pairs = [tuple(p.split("-")) for p in arg.split(",")]
    report = {}
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
        sources, targets = load_pair(src, tgt)
        entry = {"size_bytes": zpath.stat().st_size}
        for beam in BEAMS:
            out = translate_units(translator, sp, sources, beam)
            bad = [i for i, (o, t) in enumerate(zip(out, targets, strict=True)) if o != t]
            entry[f"exact_beam{beam}"] = f"{len(sources) - len(bad)}/{len(sources)}"
            for i in bad[:3]:
                print(f"MISMATCH {src}-{tgt} beam{beam} #{i}: {out[i]!r}", file=sys.stderr)
        unseen = translate_units(translator, sp, [UNSEEN_TEXT, ""], 4)
        assert isinstance(unseen[0], str)
        entry["unseen_output"] = unseen[0][:80]
        report[f"{src}-{tgt}"] = entry
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
    args = ap.parse_args()
    if args.verify_child:
        _verify_child(args.verify_child)
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
            print(f"  wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")

    report = verify(pairs)
    ok = True
    for key, entry in report.items():
        if not isinstance(entry, dict):
            print(key, entry)
            continue
        entry.update(stats.get(key, {}))
        print(key, json.dumps(entry, ensure_ascii=False))
        ok &= all(
            entry[f"exact_beam{b}"].split("/")[0] == entry[f"exact_beam{b}"].split("/")[1]
            for b in BEAMS
        )
    if not ok:
        raise SystemExit("verification FAILED")
    print("all packages verified")


if __name__ == "__main__":
    main()
