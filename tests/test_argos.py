"""The argos engine and ``transflow models``, with the tiny real packages in data/argos.

Offline: argostranslate's folders point at a temporary folder (conftest.py) and every
test gets its own packages dir; pytest-socket fails any socket use.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner, Result
from test_kernels import COMPUTE_TYPE

from transflow.cli.models import models
from transflow.engines import EngineOptions, get_engine
from transflow.engines.argos import Tokenizer
from transflow.errors import TransflowError

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = DATA / "argos"
EN_AZ = FIXTURES / "translate-en_az-1_0.argosmodel"


def fixture_file(pair: str) -> Path:
    return FIXTURES / f"translate-{pair}-1_0.argosmodel"


def reference(lang: str) -> list[dict[str, str]]:
    lines = (DATA / "reference" / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def needs(*pairs: str) -> None:
    missing = [p for p in pairs if not fixture_file(p).exists()]
    if missing:
        pytest.skip(f"fixture package(s) not built yet: {', '.join(missing)}")


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(models, [str(a) for a in args], catch_exceptions=False)


def install(packages: Path, *args: str | Path) -> Result:
    result = cli("--packages-dir", packages, "install", *args)
    assert result.exit_code == 0, result.output
    return result


def listing(packages: Path) -> dict[str, Any]:
    """The JSON lines of 'models list --json', gathered by record type."""
    result = cli("--packages-dir", packages, "list", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["type"] for r in rows[:1]] == ["packages_dir"]  # the folder first, once
    data: dict[str, Any] = {"packages_dir": rows[0]["path"], "packages": [], "pivots": []}
    for row in rows[1:]:
        data[f"{row.pop('type')}s"].append(row)  # a package, or a pivot
    return data


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture package, installed once through the CLI (read-only for the tests)."""
    assert EN_AZ.exists(), "the en_az fixture package is required"
    packages = tmp_path_factory.mktemp("packages")
    install(packages, "--from", FIXTURES)
    return packages


class Counting:
    """Stands in for ctranslate2.Translator; counts loads and translate_batch calls."""

    real: Any = None  # the real ctranslate2.Translator
    loads: ClassVar[list[str]] = []
    calls: ClassVar[list[int]] = []  # batch sizes
    unloads: ClassVar[int] = 0

    def __init__(self, model_path: str, **kwargs: Any) -> None:
        self._real = Counting.real(model_path, **kwargs)
        Counting.loads.append(model_path)

    def translate_batch(self, batch: list[list[str]], **kwargs: Any) -> Any:
        Counting.calls.append(len(batch))
        return self._real.translate_batch(batch, **kwargs)

    def unload_model(self) -> None:
        Counting.unloads += 1
        self._real.unload_model()


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[Counting]:
    import ctranslate2

    Counting.real = ctranslate2.Translator
    Counting.loads, Counting.calls, Counting.unloads = [], [], 0
    monkeypatch.setattr(ctranslate2, "Translator", Counting)
    return Counting


def engine(packages: Path, **options: Any) -> Any:
    """The argos engine at the compute type of this repository's sample project (float32:
    the fixture models are exact with it on every CPU kernel; see test_kernels.py)."""
    options.setdefault("compute_type", COMPUTE_TYPE)
    return get_engine("argos", EngineOptions(packages_dir=packages, threads=1, **options))


# --- exact outputs ----------------------------------------------------------------------


@pytest.mark.parametrize("beam", [1, 4])
@pytest.mark.parametrize("lang", ["az", "ur", "ru"])
def test_every_reference_exact_in_one_batched_call(installed: Path, lang: str, beam: int) -> None:
    if lang != "az":
        needs(f"en_{lang}")
    refs = reference(lang)
    argos = engine(installed, beam_size=beam, batch_size=8)
    try:
        assert argos.provenance("en", lang) == f"argos translate-en_{lang} 1.0"
        drafts = argos.translate("en", lang, [r["source"] for r in refs])
    finally:
        argos.close()
    assert [d.text for d in drafts] == [r["target"] for r in refs]


def test_texts_take_one_call_per_batch_not_per_text(installed: Path, counting: Any) -> None:
    sources = [r["source"] for r in reference("az")]
    argos = engine(installed, batch_size=7)
    progress: list[int] = []
    first = argos.translate("en", "az", sources, progress.append)
    again = argos.translate("en", "az", sources[:3])
    argos.close()
    assert counting.calls == [7, 7, 7, 7, 2, 3]  # ceil(30 / 7) calls, then one
    assert len(counting.loads) == 1 and counting.unloads == 1  # one model for the engine's life
    assert sum(progress) == len(sources)
    assert [d.text for d in again] == [d.text for d in first[:3]]


def test_pivot_goes_through_english(tmp_path: Path, counting: Any) -> None:
    needs("az_en", "en_ru")
    install(tmp_path, "az_en", "ru", "--from", FIXTURES)
    assert {"pair": "az_ru", "from": "az", "via": "en", "to": "ru"} in listing(tmp_path)["pivots"]
    az = {r["source"]: r["target"] for r in reference("az")}
    ru = reference("ru")
    argos = engine(tmp_path, batch_size=16)
    assert argos.provenance("az", "ru") == "argos translate-az_en 1.0 + translate-en_ru 1.0"
    drafts = argos.translate("az", "ru", [az[r["source"]] for r in ru])
    assert [d.text for d in drafts] == [r["target"] for r in ru]
    assert counting.calls == [16, 14, 16, 14]  # ceil(30 / 16) per package
    one_leg = engine(tmp_path).translate("en", "ru", [ru[0]["source"]])[0]
    assert drafts[0].score is not None and one_leg.score is not None
    assert drafts[0].score <= one_leg.score + 1e-6  # the lower of the two legs


# --- units, whitespace, scores ------------------------------------------------------------


def test_whitespace_and_lines_kept(installed: Path, counting: Any) -> None:
    refs = reference("az")
    (s1, t1), (s3, t3) = (
        (refs[0]["source"], refs[0]["target"]),
        (refs[2]["source"], refs[2]["target"]),
    )
    texts = [f"  {s1}\n\n{s3} \n", "", " \n\t", f"\r\n{s1}\r\n", f"{s1}\n{s1}"]
    drafts = engine(installed).translate("en", "az", texts)
    assert [d.text for d in drafts] == [
        f"  {t1}\n\n{t3} \n",
        "",
        " \n\t",
        f"\r\n{t1}\r\n",
        f"{t1}\n{t1}",
    ]
    assert counting.calls == [2]  # two distinct lines, one batch
    assert drafts[1].score == drafts[2].score == 0.0


def test_blank_texts_need_no_model(installed: Path, counting: Any) -> None:
    argos = engine(installed)
    progress: list[int] = []
    assert [d.text for d in argos.translate("en", "az", ["", "  ", "\n"], progress.append)] == [
        "",
        "  ",
        "\n",
    ]
    assert counting.calls == [] and counting.loads == [] and progress == [3]


def test_score_is_mean_log_probability_per_output_token(installed: Path) -> None:
    import ctranslate2

    refs = reference("az")[:5]
    drafts = engine(installed, beam_size=4).translate("en", "az", [r["source"] for r in refs])
    path = installed / "translate-en_az-1_0"
    tokenizer = Tokenizer(path)
    scorer = ctranslate2.Translator(str(path / "model"), compute_type=COMPUTE_TYPE, intra_threads=1)
    sources = [tokenizer.encode(r["source"]) for r in refs]
    targets = [tokenizer.encode(r["target"]) for r in refs]
    for draft, scored in zip(drafts, scorer.score_batch(sources, targets), strict=True):
        mean = sum(scored.log_probs) / len(scored.log_probs)  # end of sentence included
        assert draft.score is not None and draft.score <= 0 and math.isfinite(draft.score)
        assert draft.score == pytest.approx(mean, rel=1e-3, abs=1e-7)


def test_tokenizer_keeps_underscores(installed: Path) -> None:
    tokenizer = Tokenizer(installed / "translate-en_az-1_0")
    for text in ["%(user_name)s", "snake_case and __dunder__"]:
        assert tokenizer.decode(tokenizer.encode(text)) == text


def test_runaway_output_is_capped(installed: Path, counting: Any, monkeypatch: Any) -> None:
    seen: list[int] = []
    real = Counting.translate_batch

    def spy(self: Counting, batch: list[list[str]], **kwargs: Any) -> Any:
        seen.append(kwargs["max_decoding_length"])
        return real(self, batch, **kwargs)

    monkeypatch.setattr(Counting, "translate_batch", spy)
    text = reference("az")[2]["source"]
    tokens = len(Tokenizer(installed / "translate-en_az-1_0").encode(text))
    engine(installed, max_length_ratio=1.5).translate("en", "az", [text])
    assert seen == [math.ceil(1.5 * tokens) + 8]


def test_target_prefix_is_forced_and_dropped(
    tmp_path: Path, counting: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _good_files()
    metadata = json.loads(files["translate-en_az-1_0/metadata.json"])
    files["translate-en_az-1_0/metadata.json"] = json.dumps(
        metadata | {"target_prefix": "__az__"}
    ).encode()
    install(tmp_path / "pk", "--from", _zip(tmp_path / "prefixed.argosmodel", files))
    seen: list[Any] = []
    real = Counting.translate_batch

    def spy(self: Counting, batch: list[list[str]], **kwargs: Any) -> Any:
        results = real(self, batch, **kwargs)
        first = results[0].result() if kwargs.get("asynchronous") else results[0]
        seen.append((kwargs["target_prefix"], first.hypotheses[0]))
        return results

    monkeypatch.setattr(Counting, "translate_batch", spy)
    (draft,) = engine(tmp_path / "pk").translate("en", "az", [reference("az")[0]["source"]])
    ((prefix, tokens),) = seen
    assert prefix == [["__az__"]]  # unknown to this model: replaced by a source token
    assert (
        draft.text == Tokenizer(tmp_path / "pk" / "translate-en_az-1_0").decode(tokens[1:]).strip()
    )


def test_same_language_is_an_error(installed: Path) -> None:
    with pytest.raises(TransflowError, match="both 'en'"):
        engine(installed).provenance("en", "en")


# --- errors -------------------------------------------------------------------------------


def test_missing_pair_names_the_install_command(installed: Path) -> None:
    argos = engine(installed)
    with pytest.raises(
        TransflowError, match=r"en→xx; install one with 'transflow models install xx'"
    ):
        argos.provenance("en", "xx")
    with pytest.raises(TransflowError, match=r"ur→az.*'transflow models install ur_az'"):
        argos.translate("ur", "az", ["x"])


def test_missing_pair_suggested_command_is_a_real_one(tmp_path: Path) -> None:
    with pytest.raises(TransflowError, match="models install az"):
        engine(tmp_path).provenance("en", "az")
    install(tmp_path, "az", "--from", FIXTURES)
    assert engine(tmp_path).provenance("en", "az") == "argos translate-en_az 1.0"


def test_bad_device_is_a_clear_error(installed: Path) -> None:
    with pytest.raises(TransflowError, match="compute type nonsense"):
        engine(installed, compute_type="nonsense").translate("en", "az", ["Hello"])


# --- models install / list / remove -------------------------------------------------------


def test_install_list_remove(tmp_path: Path) -> None:
    packages = tmp_path / "pk"
    result = install(packages, "az", "--from", EN_AZ)
    assert "installed translate-en_az 1.0" in result.stdout
    data = listing(packages)
    assert data["packages_dir"] == str(packages.resolve())
    assert data["packages"] == [
        {
            "pair": "en_az",
            "from": "en",
            "to": "az",
            "version": "1.0",
            "path": str(packages.resolve() / "translate-en_az-1_0"),
        }
    ]
    install(packages, "az", "--from", EN_AZ)  # again: replaces, no duplicate
    assert len(listing(packages)["packages"]) == 1
    assert "en→az" in cli("--packages-dir", packages, "list").stdout

    import argostranslate.package

    found = argostranslate.package.get_installed_packages()  # argostranslate sees that folder
    assert [(p.from_code, p.to_code, p.package_path) for p in found] == [
        ("en", "az", packages.resolve() / "translate-en_az-1_0")
    ]

    result = cli("--packages-dir", packages, "remove", "az")
    assert result.exit_code == 0 and "removed translate-en_az 1.0" in result.stdout
    assert listing(packages)["packages"] == [] and os.listdir(packages) == []
    result = cli("--packages-dir", packages, "remove", "az")
    assert result.exit_code == 1 and "no argos package for en→az is installed" in result.stderr


def test_packages_dir_from_environment(tmp_path: Path) -> None:
    result = CliRunner(env={"TRANSFLOW_PACKAGES_DIR": str(tmp_path)}).invoke(
        models, ["install", "--from", str(EN_AZ)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "translate-en_az-1_0" / "metadata.json").is_file()
    assert "TRANSFLOW_PACKAGES_DIR" in cli("--help").stdout


def test_install_wants_a_pair_that_is_there(tmp_path: Path) -> None:
    result = cli("--packages-dir", tmp_path, "install", "xx", "--from", FIXTURES)
    assert result.exit_code == 1
    assert "no package for en→xx here (found: " in result.stderr and "en→az" in result.stderr
    assert os.listdir(tmp_path) == []
    assert cli("--packages-dir", tmp_path, "install", "a_b_c").exit_code == 1


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_install_without_from_needs_the_index(tmp_path: Path) -> None:
    result = cli("--packages-dir", tmp_path, "install", "az")  # no network here
    assert result.exit_code == 1
    assert "could not reach the Argos package index" in result.stderr
    assert "--from" in result.stderr
    assert os.listdir(tmp_path) == []


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _good_files(top: str = "translate-en_az-1_0") -> dict[str, bytes]:
    with zipfile.ZipFile(EN_AZ) as archive:
        return {
            name.replace("translate-en_az-1_0", top, 1): archive.read(name)
            for name in archive.namelist()
            if not name.endswith("/")
        }


def _corrupt(kind: str, folder: Path) -> Path:
    target = folder / "translate-en_az-1_0.argosmodel"
    files = _good_files()
    if kind == "text file":
        target.write_text("not a package\n")
    elif kind == "truncated":
        target.write_bytes(EN_AZ.read_bytes()[: EN_AZ.stat().st_size // 2])
    elif kind == "two top-level folders":
        _zip(target, files | _good_files("translate-en_az-2_0"))
    elif kind == "no top-level folder":
        _zip(target, {n.split("/", 1)[1]: d for n, d in files.items()})
    elif kind == "bad metadata":
        _zip(target, files | {"translate-en_az-1_0/metadata.json": b"{not json"})
    elif kind == "no model":
        _zip(target, {n: d for n, d in files.items() if "/model/" not in n})
    elif kind == "no tokenizer":
        _zip(target, {n: d for n, d in files.items() if "sentencepiece" not in n})
    elif kind == "damaged data":
        data = bytearray(EN_AZ.read_bytes())
        data[len(data) // 3] ^= 0xFF  # inside model.bin: the checksum fails
        target.write_bytes(bytes(data))
    return target


CORRUPTIONS = [
    ("text file", "not a zip archive"),
    ("truncated", "not a zip archive"),
    ("two top-level folders", "exactly one top-level folder"),
    ("no top-level folder", "exactly one top-level folder"),
    ("bad metadata", "metadata.json is not valid JSON"),
    ("no model", "missing translate-en_az-1_0/model/model.bin"),
    ("no tokenizer", "missing translate-en_az-1_0/sentencepiece.model"),
    ("damaged data", "damaged"),
]


@pytest.mark.parametrize(("kind", "why"), CORRUPTIONS)
def test_corrupt_package_installs_nothing(tmp_path: Path, kind: str, why: str) -> None:
    (tmp_path / "in").mkdir()
    bad = _corrupt(kind, tmp_path / "in")
    packages = tmp_path / "packages"
    for source in (bad, tmp_path / "in"):  # the file, or a folder holding it
        result = cli("--packages-dir", packages, "install", "--from", source)
        assert result.exit_code == 1
        assert f"{bad}: not a valid Argos package: " in result.stderr and why in result.stderr
        assert not packages.exists() or os.listdir(packages) == []


def test_bad_file_in_folder_stops_the_whole_install(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / EN_AZ.name).write_bytes(EN_AZ.read_bytes())
    _corrupt("text file", tmp_path).rename(folder / "zz.argosmodel")
    result = cli("--packages-dir", tmp_path / "pk", "install", "az", "--from", folder)
    assert result.exit_code == 1 and "zz.argosmodel" in result.stderr
    assert not (tmp_path / "pk").exists() or os.listdir(tmp_path / "pk") == []


# --- imports ------------------------------------------------------------------------------

_SCRIPT = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network use")
socket.socket.connect = refuse
socket.getaddrinfo = refuse
import transflow.cli, transflow.cli.models, transflow.engines
from click.testing import CliRunner
from transflow.cli.models import models
assert CliRunner().invoke(models, ["--help"]).exit_code == 0
heavy = ("argostranslate", "ctranslate2", "sentencepiece")
assert not [m for m in sys.modules if m.startswith(heavy)], "imported too early"
from pathlib import Path
from transflow.engines import EngineOptions, get_engine
packages = Path(sys.argv[1])
args = ["--packages-dir", sys.argv[1], "install", "--from", sys.argv[2]]
assert CliRunner().invoke(models, args).exit_code == 0
options = EngineOptions(packages_dir=packages, threads=1, compute_type=sys.argv[4])
engine = get_engine("argos", options)
print(ascii(engine.translate("en", "az", [sys.argv[3]])[0].text))
banned = ("argostranslate.translate", "argostranslate.sbd", "stanza", "spacy", "minisbd", "torch")
print(sorted(m for m in sys.modules if m.startswith(banned)))
"""


def test_imports_are_lazy_and_nothing_splits_sentences(tmp_path: Path) -> None:
    ref = reference("az")[2]
    env = dict(os.environ)
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "HOME"):
        env[name] = str(tmp_path / name.lower())
    env.pop("ARGOS_PACKAGES_DIR", None)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _SCRIPT,
            str(tmp_path / "pk"),
            str(EN_AZ),
            ref["source"],
            COMPUTE_TYPE,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [ascii(ref["target"]), "[]"]
    # the default argos packages folder was not created: only the one asked for
    assert not (tmp_path / "xdg_data_home" / "argos-translate" / "packages").exists()
