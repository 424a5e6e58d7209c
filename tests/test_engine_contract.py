"""The contract every engine keeps: one test class, run against each engine in ENGINES.

The argos engine runs with the en_az fixture package installed (through the CLI) into a
temporary packages dir; its texts are sentences that package knows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from transflow.cli.models import models
from transflow.engines import ENGINES, Draft, Engine, EngineOptions, get_engine
from transflow.errors import TransflowError

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Case:
    engine: Engine
    pair: tuple[str, str]
    texts: list[str]  # non-empty, distinct, each a unit the engine can translate
    missing_pair: tuple[str, str] | None  # a pair it can't make; None: it makes every pair
    model_calls: Callable[[], int]
    aligns: bool = False  # its drafts carry an alignment when asked


def _pseudo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    texts = ["Hello, world.", "Save %(count)s files?", "A longer sentence, with {name} in it."]
    return Case(get_engine("pseudo"), ("en", "az"), texts, None, lambda: 0)


def _argos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Case:
    import ctranslate2

    result = CliRunner().invoke(
        models,
        ["--packages-dir", str(tmp_path), "install", "az", "--from", str(DATA / "argos")],
    )
    assert result.exit_code == 0, result.output
    calls: list[int] = []
    real = ctranslate2.Translator

    class Counting:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.real = real(*args, **kwargs)

        def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            return self.real.translate_batch(*args, **kwargs)

        def unload_model(self) -> None:
            self.real.unload_model()

    monkeypatch.setattr(ctranslate2, "Translator", Counting)
    lines = (DATA / "reference" / "az.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["source"] for line in lines][:6]
    options = EngineOptions(packages_dir=tmp_path, threads=1, batch_size=4)
    return Case(
        get_engine("argos", options), ("en", "az"), texts, ("en", "xx"), lambda: len(calls), True
    )


# Engines that don't keep the contract yet (strict: an engine that starts keeping it fails
# here until it is taken off this list).
KNOWN_GAPS: dict[str, str] = {}

CASES: dict[str, Callable[[Path, pytest.MonkeyPatch], Case]] = {
    "pseudo": _pseudo,
    "argos": _argos,
}


def test_every_engine_has_a_case() -> None:
    assert set(CASES) == set(ENGINES)


@pytest.fixture(params=sorted(CASES))
def case(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Case]:
    made = CASES[request.param](tmp_path, monkeypatch)
    yield made
    made.engine.close()


class TestEngineContract:
    def test_one_draft_per_text_in_order(self, case: Case) -> None:
        drafts = case.engine.translate(*case.pair, case.texts)
        assert len(drafts) == len(case.texts)
        assert all(isinstance(d, Draft) and d.text for d in drafts)
        alone = [case.engine.translate(*case.pair, [text])[0] for text in case.texts]
        assert [d.text for d in drafts] == [d.text for d in alone]
        backwards = case.engine.translate(*case.pair, case.texts[::-1])
        assert [d.text for d in backwards] == [d.text for d in drafts][::-1]

    def test_scores_are_none_or_log_probabilities(self, case: Case) -> None:
        for draft in case.engine.translate(*case.pair, case.texts):
            assert draft.score is None or draft.score <= 0.0

    def test_whitespace_around_a_text_is_kept(self, case: Case) -> None:
        bare = [d.text for d in case.engine.translate(*case.pair, case.texts[:2])]
        padded = [f"  {case.texts[0]}\n", f"\n{case.texts[1]} \t"]
        drafts = case.engine.translate(*case.pair, padded)
        assert [d.text for d in drafts] == [f"  {bare[0]}\n", f"\n{bare[1]} \t"]

    def test_empty_text_is_returned_as_is_without_a_model_call(
        self, case: Case, request: pytest.FixtureRequest
    ) -> None:
        if case.engine.name in KNOWN_GAPS:
            request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case.engine.name]))
        texts = ["", " ", "\n", " \n\t "]
        before = case.model_calls()
        assert [d.text for d in case.engine.translate(*case.pair, texts)] == texts
        assert case.model_calls() == before

    def test_progress_counts_every_text(self, case: Case) -> None:
        seen: list[int] = []
        case.engine.translate(*case.pair, [*case.texts, ""], seen.append)
        assert sum(seen) == len(case.texts) + 1

    def test_provenance_is_a_non_empty_string(self, case: Case) -> None:
        provenance = case.engine.provenance(*case.pair)
        assert isinstance(provenance, str) and provenance.strip()

    def test_missing_pair_is_a_transflow_error(self, case: Case) -> None:
        if case.missing_pair is None:
            pytest.skip(f"{case.engine.name} makes every pair")
        with pytest.raises(TransflowError, match="→"):
            case.engine.provenance(*case.missing_pair)
        with pytest.raises(TransflowError, match="→"):
            case.engine.translate(*case.missing_pair, case.texts)

    def test_aligning_changes_no_draft_and_links_lie_inside_the_texts(self, case: Case) -> None:
        texts = [*case.texts[:3], "  two\nlines "]
        plain = case.engine.translate(*case.pair, texts)
        aligned = case.engine.translate(*case.pair, texts, align=True)
        assert [(d.text, d.score) for d in aligned] == [(d.text, d.score) for d in plain]
        assert not case.aligns or all(d.alignment for d in aligned)
        for text, draft in zip(texts, aligned, strict=True):
            for s0, s1, t0, t1, weight in draft.alignment or ():
                assert 0 <= s0 < s1 <= len(text) and 0 <= t0 < t1 <= len(draft.text)
                assert text[s0:s1].strip() and draft.text[t0:t1].strip()
                assert 0 < weight <= 1

    def test_close_is_safe_and_the_engine_works_after_it(self, case: Case) -> None:
        first = case.engine.translate(*case.pair, case.texts[:1])
        case.engine.close()
        case.engine.close()
        assert case.engine.translate(*case.pair, case.texts[:1]) == first
