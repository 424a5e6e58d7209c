"""The main job through the CLI with the real fixture packages: extract -> translate -> build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polib
import pytest
from tf_helpers import DATA, SAMPLE, cli, msgcat, msgfmt_check, sample_units, snapshot

DOC = "azerbaijan-pak-support"
LANGS = ("az", "ur", "ru")


def references(lang: str) -> dict[str, str]:
    lines = (DATA / "reference" / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["source"]: row["target"] for row in map(json.loads, lines)}


class Calls:
    """Counts translate_batch calls of every loaded ctranslate2 model."""

    count = 0


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> type[Calls]:
    import ctranslate2

    real = ctranslate2.Translator

    class Counting:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._real = real(*args, **kwargs)

        def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
            Calls.count += 1
            return self._real.translate_batch(*args, **kwargs)

        def unload_model(self) -> None:
            self._real.unload_model()

    Calls.count = 0
    monkeypatch.setattr(ctranslate2, "Translator", Counting)
    return Calls


@pytest.fixture
def packages(project: Path) -> Path:
    result = cli(project, "models", "install", "--from", str(DATA / "argos"), *LANGS)
    assert result.exit_code == 0, result.output
    return project / ".transflow" / "packages"


def test_translate_then_build_gives_the_reference_translations(
    project: Path, packages: Path, counted: type[Calls]
) -> None:
    assert sorted(p.name for p in packages.iterdir()) == [
        "translate-en_az-1_0",
        "translate-en_ru-1_0",
        "translate-en_ur-1_0",
    ]
    result = cli(project, "translate", "--beam-size", "4")
    assert result.exit_code == 0, result.output
    assert "az: 30 drafts: 30 new from argos translate-en_az 1.0" in result.output
    assert counted.count == 3  # one batch of 30 units per language
    source = SAMPLE.read_text(encoding="utf-8")
    for lang in LANGS:
        table = references(lang)
        path = project / "locales" / lang / f"{DOC}.po"
        msgfmt_check(path)
        assert msgcat(path) == path.read_bytes()
        for entry in polib.pofile(str(path)):
            assert entry.msgstr == table[entry.msgid]
            assert "fuzzy" in entry.flags
            assert entry.tcomment.startswith(f"machine translation: argos translate-en_{lang} 1.0")
        # drafts are not published by default ...
        assert cli(project, "build", "--lang", lang).exit_code == 0
        output = project / "build" / lang / f"{DOC}.txt"
        assert output.read_bytes() == SAMPLE.read_bytes()
        # ... and are with --drafts include: the article, unit by unit, in the source's layout
        assert cli(project, "build", "--lang", lang, "--drafts", "include").exit_code == 0
        assert output.read_text(encoding="utf-8") == spliced(source, table)


def spliced(source: str, table: dict[str, str]) -> str:
    """The source with each unit (found in order) replaced by its reference translation,
    a space put where two units had none between them."""
    out, cursor = [], 0
    for unit in sample_units():
        start = source.index(str(unit["text"]), cursor)
        gap = source[cursor:start]
        out += [gap or (" " if cursor else ""), table[str(unit["text"])]]
        cursor = start + len(str(unit["text"]))
    return "".join(out) + source[cursor:]


def test_second_run_makes_zero_model_calls(
    project: Path, packages: Path, counted: type[Calls]
) -> None:
    cli(project, "translate", "--lang", "az")
    first = counted.count
    assert first >= 1
    before = snapshot(project)
    result = cli(project, "translate", "--lang", "az", "--refresh-drafts")
    assert result.exit_code == 0
    assert counted.count == first + 1  # refresh asks the model again
    counted.count = 0
    # a new document sharing every sentence: served from the translation memory
    (project / "source" / "again.txt").write_text(SAMPLE.read_text(encoding="utf-8"))
    result = cli(project, "translate", "--lang", "az")
    assert "30 drafts: 0 new from argos translate-en_az 1.0, 30 from the translation memory" in (
        result.output
    )
    assert counted.count == 0
    assert snapshot(project)[f"locales/az/{DOC}.po"] == before[f"locales/az/{DOC}.po"]


def test_missing_pair_names_the_install_command(project: Path, packages: Path) -> None:
    config = project / "transflow.toml"
    config.write_text(config.read_text().replace('["az", "ur", "ru"]', '["az", "de"]'))
    result = cli(project, "translate")
    assert result.exit_code == 1
    assert "en→de" in result.stderr and "transflow models install" in result.stderr
