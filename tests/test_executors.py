"""The executor seam, and the lock held only while catalogs are written: a build started
while translate runs a model goes ahead, and nothing either writes is lost."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from tf_helpers import cli

from transflow.config import load
from transflow.engines import Draft, pseudo
from transflow.errors import TransflowError
from transflow.executors import EXECUTORS, get_executor

DOC = "azerbaijan-pak-support"


def test_executors_are_looked_up_by_name() -> None:
    assert get_executor("local").name == "local" and set(EXECUTORS) == {"local"}
    with pytest.raises(TransflowError, match="unknown executor 'nope' \\(known: local\\)"):
        get_executor("nope")


def test_a_build_started_during_the_model_run_does_not_wait(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.jobs.translate import translate
    from transflow.publish import build

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
