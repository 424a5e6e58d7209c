#!/usr/bin/env python3
"""Translation-memory matching speed: similar-text lookup against machine translation.

Run by hand from the repository root, with the project's virtual environment:

    .venv/bin/python bench/memory_matching.py               # 100,000 stored, 10,000 pending
    .venv/bin/python bench/memory_matching.py --quick       # 10,000 / 1,000: a smoke test
    .venv/bin/python bench/memory_matching.py --write-docs  # also write the table into
                                                            # docs/benchmarks.md

What it does (nothing is read from or written to a project; no network):

- makes STORED synthetic stored units and PENDING pending units, English-like: the words
  are those of the sample article (tests/data/sample-units.jsonl), most frequent first,
  then a long tail of made-up words (names, rarer words), drawn with a Zipf-Mandelbrot
  law, so that sentences share their common words as real text does; 6-40 words, 40%
  with a number. 10% of the stored units are edited copies of earlier ones (news repeats
  itself). Of the pending units: 60% new sentences, 20% a stored sentence with 1-3 words
  replaced, inserted or deleted, 8% one with a number changed, 7% one with no-break
  spaces, curly quotes or doubled spaces (equal after normalisation), 5% exact copies;
- times building a :class:`transflow.fuzzymatch.FuzzyIndex` over the stored units and
  matching every pending unit (``best_of``, threshold 75: the default of
  ``[translate] memory_threshold``), the way ``transflow translate`` does;
- checks the index against an exhaustive scan (rapidfuzz ``process.extractOne`` over every
  stored unit) on a sample of the pending units that are not equal to a stored one after
  normalisation: how many of the exhaustive best scores the index found;
- compares the matching time with the time machine translation would take for the same
  pending units, at MT rates measured on this machine kind (sentences per second, base-size
  random-weight model, beam 4, int8, 2 cores): 16.8, the bare CTranslate2
  ``translate_batch`` (/work/shared/notes/argos-offline.md), and 24.7, ``transflow
  translate`` end to end (docs/mt-benchmark.md); ``--mt-rate`` adds another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from common import DOCS_FILE, write_section  # noqa: E402

from transflow.fuzzymatch import FuzzyIndex, Stored, normalize  # noqa: E402

UNITS = REPO / "tests" / "data" / "sample-units.jsonl"
HEADING = "## Memory matching"
THRESHOLD = 75
SEED = 13
TAIL_WORDS = 40_000
MT_RATES = {
    "bare CTranslate2 translate_batch, base-size model (argos-offline.md)": 16.8,
    "transflow translate end to end, base-size model (docs/mt-benchmark.md)": 24.7,
}
_SYLLABLES = (
    "ka lo mi ne ra ti su ve do ba ze fu gra pen sto mar lin der tor sal "
    "ish an el or um bek ov zad rah"
).split()


def vocabulary(rng: random.Random) -> list[str]:
    """The sample article's words by frequency, then made-up words: rank order."""
    counts: Counter[str] = Counter()
    for line in UNITS.read_text(encoding="utf-8").splitlines():
        counts.update(re.findall(r"[A-Za-z’'-]+", json.loads(line)["text"]))
    words = [w for w, _ in counts.most_common()]
    seen = set(words)
    while len(words) < len(counts) + TAIL_WORDS:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.3:
            word = word.capitalize()  # a name
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Corpus:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.weights = [1 / (rank + 2.7) for rank in range(len(self.words))]

    def word(self) -> str:
        return self.rng.choices(self.words, self.weights)[0]

    def number(self) -> str:
        rng = self.rng
        return rng.choice([str(rng.randint(1990, 2026)), str(rng.randint(2, 999)), "1,275"])

    def sentence(self) -> str:
        rng = self.rng
        n = round(rng.triangular(6, 40, 18))
        words = rng.choices(self.words, self.weights, k=n)
        if rng.random() < 0.4:
            words.insert(rng.randrange(n), self.number())
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def edited(self, text: str) -> str:
        """`text` with 1-3 words replaced, inflected, inserted or deleted."""
        rng = self.rng
        words = text.rstrip(".").split(" ")
        for _ in range(rng.choice((1, 1, 2, 3))):
            i = rng.randrange(len(words))
            how = rng.random()
            if how < 0.4:
                words[i] = self.word()
            elif how < 0.6:
                word = words[i]
                words[i] = word[:-1] if word.endswith(("s", "d")) else word + rng.choice("sd")
            elif how < 0.8 or len(words) < 4:
                words.insert(i, self.word())
            else:
                del words[i]
        return " ".join(words) + "."

    def renumbered(self, text: str) -> str:
        found = list(re.finditer(r"\d+", text))
        if not found:
            return self.edited(text)
        m = self.rng.choice(found)
        return text[: m.start()] + str(int(m.group()) + 1) + text[m.end() :]

    def respaced(self, text: str) -> str:
        """The same text after normalisation: NBSP, curly quotes, doubled spaces."""
        words = text.split(" ")
        i = self.rng.randrange(len(words))
        words[i] = f"“{words[i]}”"
        out = " ".join(words)
        return out.replace(" ", "\u00a0", 2).replace(" ", "  ", 1)


def make(stored_count: int, pending_count: int) -> tuple[list[str], list[str], Counter[str]]:
    rng = random.Random(SEED)
    corpus = Corpus(rng)
    stored: list[str] = []
    for _ in range(stored_count):
        if stored and rng.random() < 0.1:
            stored.append(corpus.edited(rng.choice(stored)))
        else:
            stored.append(corpus.sentence())
    pending: list[str] = []
    kinds: Counter[str] = Counter()
    for _ in range(pending_count):
        roll, base = rng.random(), rng.choice(stored)
        kind, text = (
            ("new", corpus.sentence())
            if roll < 0.60
            else ("1-3 words edited", corpus.edited(base))
            if roll < 0.80
            else ("a number changed", corpus.renumbered(base))
            if roll < 0.88
            else ("spacing/quotes", corpus.respaced(base))
            if roll < 0.95
            else ("exact copy", base)
        )
        kinds[kind] += 1
        pending.append(text)
    return stored, pending, kinds


def exhaustive(texts: list[str], stored: list[str]) -> list[float | None]:
    from rapidfuzz import fuzz, process

    normalized = [normalize(s) for s in stored]
    out: list[float | None] = []
    for text in texts:
        best = process.extractOne(
            normalize(text), normalized, scorer=fuzz.ratio, score_cutoff=THRESHOLD
        )
        out.append(best[1] if best else None)
    return out


def table(rows: list[tuple[str, str]]) -> str:
    lines = ["| measure | value |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--stored", type=int, default=100_000)
    ap.add_argument("--pending", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=200, help="pending units checked exhaustively")
    ap.add_argument("--mt-rate", type=float, help="another MT rate, sentences per second")
    ap.add_argument("--quick", action="store_true", help="10,000 stored, 1,000 pending")
    ap.add_argument("--write-docs", action="store_true", help=f"write the table into {DOCS_FILE}")
    args = ap.parse_args()
    if args.quick:
        args.stored, args.pending, args.sample = 10_000, 1_000, 50
    rates = dict(MT_RATES)
    if args.mt_rate:
        rates["--mt-rate"] = args.mt_rate

    stored, pending, kinds = make(args.stored, args.pending)
    units = [Stored(s, f"t{i}", "stored") for i, s in enumerate(stored)]
    began, cpu = time.perf_counter(), time.process_time()
    index = FuzzyIndex(units)
    built, built_cpu = time.perf_counter() - began, time.process_time() - cpu
    began, cpu = time.perf_counter(), time.process_time()
    found = index.best_of(pending, THRESHOLD)
    matched, matched_cpu = time.perf_counter() - began, time.process_time() - cpu
    total = built + matched

    rng = random.Random(SEED + 1)
    normal = {normalize(s) for s in stored}
    candidates = [t for t in dict.fromkeys(pending) if normalize(t) not in normal]
    sample = rng.sample(candidates, min(args.sample, len(candidates)))
    began = time.perf_counter()
    truth = exhaustive(sample, stored)
    scan = (time.perf_counter() - began) / max(len(sample), 1)
    with_match = [(t, s) for t, s in zip(sample, truth, strict=True) if s is not None]
    hits = sum(1 for t, s in with_match if t in found and found[t].score >= s - 1e-9)
    wrong = sum(1 for t, s in zip(sample, truth, strict=True) if s is None and t in found)

    distinct = len(dict.fromkeys(pending))
    rows = [
        ("stored units (distinct after normalisation)", f"{args.stored:,} ({len(index):,})"),
        ("pending units (distinct)", f"{args.pending:,} ({distinct:,})"),
        ("pending units by kind", ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items()))),
        ("threshold", str(THRESHOLD)),
        ("build the index: wall (CPU) s", f"{built:.2f} ({built_cpu:.2f})"),
        ("match every pending unit: wall (CPU) s", f"{matched:.2f} ({matched_cpu:.2f})"),
        ("build + match: wall (CPU) s", f"{total:.2f} ({built_cpu + matched_cpu:.2f})"),
        ("lookups per second (wall)", f"{distinct / matched:,.0f}"),
        ("pending units with a match >= threshold", f"{len(found):,}"),
        ("of which the numbers differ", f"{sum(1 for m in found.values() if m.numbers):,}"),
        (
            f"exhaustive scan, {len(sample)} sampled units: best score found by the index",
            f"{hits} of {len(with_match)}",
        ),
        ("exhaustive scan: a match the scan does not have", str(wrong)),
        ("exhaustive scan, s per unit", f"{scan:.3f}"),
        (f"exhaustive scan of all {distinct:,} distinct (s, estimated)", f"{scan * distinct:.0f}"),
    ]
    for name, rate in rates.items():
        mt = args.pending / rate
        rows.append((f"MT of the pending units at {rate} sentences/s: {name} (s)", f"{mt:.0f}"))
        rows.append(("MT time ÷ build + match (wall)", f"{mt / total:.0f}×"))

    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    text = "\n".join(
        [
            HEADING,
            "",
            "Generated by `bench/memory_matching.py` (`.venv/bin/python bench/memory_matching.py"
            " --write-docs`); see its docstring for the data and the protocol. "
            f"Date: {date}; one run; Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, load average at the end {load}.",
            "",
            table(rows),
            "",
        ]
    )
    print(text)
    if args.write_docs:
        write_section(HEADING, text)
        print(f"wrote {DOCS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
