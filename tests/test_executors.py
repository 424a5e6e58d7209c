"""The executor seam, and the lock held only while catalogs are written: a build started
while translate runs a model goes ahead, and nothing either writes is lost."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from tf_helpers import cli, fails_cleanly

from transflow.config import load
from transflow.engines import Draft, pseudo
from transflow.errors import TransflowError
from transflow.executors import EXECUTORS, get_executor

DOC = "azerbaijan-pak-support"


def test_executors_are_looked_up_by_name() -> None:
    assert get_executor("local").name == "local" and set(EXECUTORS) == {"local", "ray"}
    with pytest.raises(TransflowError, match="unknown executor 'nope' \\(known: local, ray\\)"):
        get_executor("nope")


def test_a_build_started_during_the_model_run_does_not_wait(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.jobs.build import build
    from transflow.jobs.translate import translate

    assert cli(project, "extract").exit_code == 0
    entered, release = threading.Event(), threading.Event()
    original = pseudo.PseudoEngine.translate

    def slow(
        self: pseudo.PseudoEngine, s: str, t: str, texts: Sequence[str], progress: object = None
    ) -> list[Draft]:
        entered.set()
        assert release.wait(60), "the test never let the model finish"
        return original(self, s, t, texts)

    monkeypatch.setattr(pseudo.PseudoEngine, "translate", slow)
    config = load(project)
    outcome: dict[str, object] = {}

    def run_translate() -> None:
        outcome["report"] = translate(config, ["az"], engine_name="pseudo")

    worker = threading.Thread(target=run_translate)
    worker.start()
    try:
        assert entered.wait(30), "translate never reached the model"
        built = threading.Thread(target=lambda: outcome.setdefault("build", build(config)))
        built.start()
        built.join(20)  # it used to wait for the lock (and give up after 120 s)
        assert not built.is_alive(), "build waited for translate's model run"
    finally:
        release.set()
        worker.join(60)
    assert "build" in outcome and "report" in outcome
    # translate's drafts were written after the build, whole
    catalog = polib.pofile(str(project / "locales" / "az" / f"{DOC}.po"))
    assert all(e.msgstr == pseudo.pseudo(e.msgid) and "fuzzy" in e.flags for e in catalog)


def test_without_the_extra_ray_is_a_clear_error(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    stderr = fails_cleanly(project, "translate", "--engine", "pseudo", "--executor", "ray")
    assert "needs Ray, which is not installed: pip install 'transflow[ray]'" in stderr
    config = project / "transflow.toml"  # and chosen in the project file
    text = config.read_text(encoding="utf-8")
    assert '\nexecutor = "local" ' in text
    config.write_text(text.replace('\nexecutor = "local" ', '\nexecutor = "ray" '))
    stderr = fails_cleanly(project, "translate", "--engine", "pseudo")
    assert "needs Ray, which is not installed: pip install 'transflow[ray]'" in stderr


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ('executor = "spark"', "translate.executor must be 'local' or 'ray', not 'spark'"),
        ('ray_address = "my cluster"', "translate.ray_address must be '', 'auto', 'HOST:PORT'"),
        ('ray_address = "10.0.0.5"', "translate.ray_address must be '', 'auto', 'HOST:PORT'"),
    ],
)
def test_executor_settings_are_checked(project: Path, line: str, why: str) -> None:
    config = project / "transflow.toml"
    lines = config.read_text(encoding="utf-8").splitlines()
    key = line.split(" = ")[0]
    number = next(i for i, x in enumerate(lines, 1) if x.startswith(f"{key} = "))
    lines[number - 1] = line
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = fails_cleanly(project, "translate", "--engine", "pseudo")
    assert stderr.startswith(f"transflow: error: {config}:{number}: {why}"), stderr


@pytest.mark.parametrize("address", ["", "auto", "10.0.0.5:6379", "ray://head.example:10001"])
def test_ray_addresses_are_read(project: Path, address: str) -> None:
    config = project / "transflow.toml"
    text = re.sub(r'(?m)^executor = "local"', 'executor = "ray"', config.read_text("utf-8"))
    text = re.sub(r'(?m)^ray_address = ""', f'ray_address = "{address}"', text)
    config.write_text(text, encoding="utf-8")
    translate = load(project).translate
    assert (translate.executor, translate.ray_address) == ("ray", address)


def test_the_local_executor_imports_no_ray(project: Path) -> None:
    import subprocess
    import sys

    for args in (["--help"], ["--project", str(project), "translate", "--engine", "pseudo"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "transflow", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        modules = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
        assert "transflow.cli" in modules  # importtime listed what was imported
        assert not [m for m in modules if m == "ray" or m.startswith("ray.")], args
