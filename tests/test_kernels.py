"""Same results on every machine: the fixture packages under every CPU kernel CTranslate2
can choose here, and the main job reproducing the committed catalogs byte for byte.

CTranslate2 picks its kernels by the CPU (``CT2_FORCE_CPU_ISA`` forces one: GENERIC,
AVX, AVX2, AVX512 on x86; NEON on ARM). A new user's machine is another CPU: the README's
first command must give the outputs committed in ``locales/`` there too.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from tf_helpers import DATA, ROOT, cli, install_fixture_packages, sample_units

COMPUTE_TYPE = tomllib.loads((ROOT / "transflow.toml").read_text(encoding="utf-8"))["translate"][
    "compute_type"
]
PAIRS = {"en_az": "az", "en_ur": "ur", "en_ru": "ru"}

# A child process: CT2_FORCE_CPU_ISA is read when CTranslate2 loads. It translates the
# sample's units with the project's compute type through transflow's argos engine (every
# direct pair, beams 1 and 4, all in one call and one by one; and az->en->ru by pivot).
CHILD = r"""
import json, sys
from pathlib import Path
from transflow.engines import EngineOptions, get_engine
packages, compute_type, units, az = Path(sys.argv[1]), sys.argv[2], *map(json.loads, sys.argv[3:5])
found = {}
for beam in (1, 4):
    engine = get_engine("argos", EngineOptions(
        packages_dir=packages, threads=1, beam_size=beam, compute_type=compute_type))
    for lang in ("az", "ur", "ru"):
        drafts = engine.translate("en", lang, units)
        found[f"en_{lang}/{beam}"] = [(d.text, f"{d.score:.3f}") for d in drafts]
    singles = [engine.translate("en", "ur", [u])[0] for u in units[:8]]
    found[f"en_ur/{beam}/single"] = [(d.text, f"{d.score:.3f}") for d in singles]
    found[f"az_ru/{beam}"] = [(d.text, f"{d.score:.3f}") for d in engine.translate("az", "ru", az)]
    engine.close()
print(json.dumps(found, ensure_ascii=False))
"""


def kernels() -> list[str]:
    """The kernels this machine's CPU can run."""
    if platform.machine().lower() in ("aarch64", "arm64"):
        return ["GENERIC", "NEON"]
    flags: set[str] = set()
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("flags"):
                flags.update(line.split(":", 1)[1].split())
                break
    found = ["GENERIC"]
    if "avx" in flags:
        found.append("AVX")
    if {"avx2", "fma"} <= flags:
        found.append("AVX2")
    if {"avx512f", "avx512bw", "avx512vl"} <= flags:
        found.append("AVX512")
    return found


def reference(lang: str) -> list[dict[str, str]]:
    lines = (DATA / "reference" / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_fixture_packages(tmp_path_factory.mktemp("packages"), "az", "ur", "ru", "az_en")


@pytest.mark.skipif(not Path("/proc/cpuinfo").exists(), reason="reads the CPU's flags there")
def test_every_kernel_gives_the_references_and_the_same_scores(packages: Path) -> None:
    units = [str(u["text"]) for u in sample_units()]
    az = [r["target"] for r in reference("az")]
    expected = {lang: [r["target"] for r in reference(lang)] for lang in PAIRS.values()}
    expected["ru_by_source"] = [r["target"] for r in reference("ru")]
    by_kernel = {}
    for kernel in kernels():
        env = {**os.environ, "CT2_FORCE_CPU_ISA": kernel}
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(packages),
                COMPUTE_TYPE,
                json.dumps(units),
                json.dumps(az),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        by_kernel[kernel] = found = json.loads(done.stdout)
        for beam in (1, 4):
            for pair, lang in PAIRS.items():
                texts = [text for text, _ in found[f"{pair}/{beam}"]]
                wrong = [
                    i for i, (a, b) in enumerate(zip(texts, expected[lang], strict=True)) if a != b
                ]
                assert not wrong, f"{kernel} {pair} beam {beam}: units {wrong} differ"
            singles = [text for text, _ in found[f"en_ur/{beam}/single"]]
            assert singles == expected["ur"][:8], f"{kernel}: one by one differs"
            # az->en->ru gives the Russian reference of the English source
            pivot = [text for text, _ in found[f"az_ru/{beam}"]]
            assert pivot == expected["ru_by_source"], f"{kernel} az->ru beam {beam}"
    first, *others = by_kernel.values()
    for kernel, found in zip(list(by_kernel)[1:], others, strict=True):
        assert found == first, f"{kernel} gives other words or scores than GENERIC"
    scores = {score for _, score in first["en_az/4"]}
    assert len(scores) > 5, f"scores that rank nothing: {sorted(scores)}"
    print(f"kernels: {', '.join(by_kernel)}; compute type {COMPUTE_TYPE}")


def test_the_main_job_reproduces_the_committed_catalogs(tmp_path: Path) -> None:
    """The README's first command (its transflow part) on a copy of this repository leaves
    the committed catalogs as they are, and so `git status` clean."""
    root = tmp_path / "repo"
    for name in ("source", "locales"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "transflow.toml", root)
    langs = ("az", "ur", "ru")
    steps = [
        ("models", "install", "--from", str(ROOT / "tests" / "data" / "argos"), *langs),
        ("translate", "--refresh-drafts"),
        ("build", "--drafts", "include"),
        ("status", "--drafts", "3"),
    ]
    for step in steps:
        result = cli(root, *step)
        assert result.exit_code == 0, result.output
    changed = [
        str(path.relative_to(root))
        for path in sorted((root / "locales").rglob("*"))
        if path.is_file() and path.read_bytes() != (ROOT / path.relative_to(root)).read_bytes()
    ]
    assert not changed
    # the least confident drafts rank something: their scores differ (a sentence of the
    # Markdown and the HTML versions is the same text, with the same score, in both)
    listed = result.output.split("least confident machine drafts", 1)[1].splitlines()[1:]
    assert len({line.split()[0] for line in listed if line.strip()}) >= 2, result.output
