"""transflow translate with the pseudo engine: drafts, memory, refresh, interruption."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from tf_helpers import cli, msgcat, msgfmt_check, record_engine_calls, snapshot

from transflow.engines import Draft, pseudo
from transflow.protect import lost, pieces

DOC = "azerbaijan-pak-support"
calls: list[list[str]] = []  # the texts of each call of the pseudo engine


@pytest.fixture(autouse=True)
def count_model_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    calls.clear()
    record_engine_calls(monkeypatch, calls)


def po(root: Path, lang: str = "az") -> polib.POFile:
    return polib.pofile(str(root / "locales" / lang / f"{DOC}.po"))


def test_drafts_are_fuzzy_with_provenance(project: Path) -> None:
    result = cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    assert result.exit_code == 0, result.output
    assert "az: 30 drafts: 30 new from pseudo 1" in result.output
    catalog = po(project)
    assert all("fuzzy" in e.flags for e in catalog)
    assert all(e.tcomment == "machine translation: pseudo 1" for e in catalog)
    assert all(e.msgstr == pseudo.pseudo(e.msgid) for e in catalog)
    path = project / "locales" / "az" / f"{DOC}.po"
    msgfmt_check(path)
    assert msgcat(path) == path.read_bytes()
    # drafts are not published by build: fuzzy entries keep the source text
    cli(project, "build", "--lang", "az")
    source = (project / "source" / f"{DOC}.txt").read_bytes()
    assert (project / "build" / "az" / f"{DOC}.txt").read_bytes() == source


def test_second_run_makes_no_model_call(project: Path) -> None:
    cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    assert sum(map(len, calls)) == 30
    calls.clear()
    before = snapshot(project)
    result = cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    assert result.exit_code == 0
    assert "az: nothing to translate" in result.output
    assert calls == [] and snapshot(project) == before
    # a new document with the same sentences: all from memory
    text = (project / "source" / f"{DOC}.txt").read_text(encoding="utf-8")
    (project / "source" / "copy.txt").write_text(text, encoding="utf-8")
    result = cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    assert "30 drafts: 0 new from pseudo 1, 30 from the translation memory" in result.output
    assert calls == []


def test_accepted_work_and_fuzzy_suggestions_are_never_touched(project: Path) -> None:
    cli(project, "extract", "--lang", "az")
    path = project / "locales" / "az" / f"{DOC}.po"
    catalog = polib.pofile(str(path))
    catalog[0].msgstr = "Azərbaycan Pakistanın dəstəyini tanıyır"
    catalog[1].msgstr = "Köhnə təklif"
    catalog[1].flags = ["fuzzy"]
    catalog[1].previous_msgid = "Old text"
    catalog.save()
    cli(project, "translate", "--engine", "pseudo", "--lang", "az", "--refresh-drafts")
    after = polib.pofile(str(path))
    assert after[0].msgstr == "Azərbaycan Pakistanın dəstəyini tanıyır" and not after[0].flags
    assert after[1].msgstr == "Köhnə təklif" and after[1].previous_msgid == "Old text"
    assert sum(map(len, calls)) == 28


def test_accepted_translation_elsewhere_is_offered_first(project: Path) -> None:
    text = (project / "source" / f"{DOC}.txt").read_text(encoding="utf-8")
    (project / "source" / "other.txt").write_text(text, encoding="utf-8")
    cli(project, "extract", "--lang", "az")
    other = project / "locales" / "az" / "other.po"
    catalog = polib.pofile(str(other))
    catalog[0].msgstr = "Azərbaycan Pakistanın dəstəyini tanıyır"
    catalog.save()
    result = cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    assert "1 from accepted translations" in result.output
    first = po(project)[0]
    assert first.msgstr == "Azərbaycan Pakistanın dəstəyini tanıyır"
    assert "fuzzy" in first.flags and first.tcomment == "translation memory: accepted in other.txt"


def test_refresh_redoes_drafts(project: Path) -> None:
    cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    calls.clear()
    cli(project, "translate", "--engine", "pseudo", "--lang", "az", "--refresh-drafts")
    assert sum(map(len, calls)) == 30
    assert all(e.tcomment == "machine translation: pseudo 1" for e in po(project))


def test_dry_run_changes_nothing(project: Path) -> None:
    cli(project, "extract")
    before = snapshot(project)
    result = cli(project, "translate", "--engine", "pseudo", "--dry-run")
    assert result.exit_code == 0
    assert "az: 30 entries to fill: 30 units to translate with pseudo 1" in result.output
    assert snapshot(project) == before and calls == []


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_interrupted_run_leaves_valid_catalogs_and_resumes(
    project: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Ctrl-C (KeyboardInterrupt) or a real SIGTERM, as `kill` sends, in the second chunk."""
    import os
    import signal

    from transflow import executors

    monkeypatch.setattr(executors, "CHUNK", 10)
    original = pseudo.PseudoEngine.translate
    seen = []

    def interrupted(
        self: pseudo.PseudoEngine, s: str, t: str, texts: Sequence[str], progress: object = None
    ) -> list[Draft]:
        seen.append(len(texts))
        if len(seen) == 2:
            if how == "kill":
                os.kill(os.getpid(), signal.SIGTERM)  # the handler must stop the run here
                pytest.fail("SIGTERM did not interrupt the run")
            raise KeyboardInterrupt
        return original(self, s, t, texts)

    monkeypatch.setattr(pseudo.PseudoEngine, "translate", interrupted)
    before = signal.getsignal(signal.SIGTERM)
    result = cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    assert signal.getsignal(signal.SIGTERM) is before  # the handler is put back
    path = project / "locales" / "az" / f"{DOC}.po"
    msgfmt_check(path)
    assert len([e for e in po(project) if e.msgstr]) == 10
    monkeypatch.setattr(pseudo.PseudoEngine, "translate", original)
    calls.clear()
    result = cli(project, "translate", "--engine", "pseudo", "--lang", "az")
    assert result.exit_code == 0
    assert "20 new from pseudo 1" in result.output
    assert all(e.msgstr for e in po(project))


def test_placeholders_are_kept_and_lost_terms_flagged(project: Path) -> None:
    (project / "source" / "ui.txt").write_text(
        "Title\n\nHello %(user_name)s, open <b>{count}</b> files at https://example.org/a_b.\n",
        encoding="utf-8",
    )
    config = project / "transflow.toml"
    text = config.read_text().replace("do_not_translate = []", 'do_not_translate = ["Hello"]')
    config.write_text(text)
    cli(
        project,
        "translate",
        "--engine",
        "pseudo",
        "--lang",
        "ru",
        str(project / "source" / "ui.txt"),
    )
    entry = polib.pofile(str(project / "locales" / "ru" / "ui.po"))[1]
    assert "%(user_name)s" in entry.msgstr and "<b>{count}</b>" in entry.msgstr
    assert "https://example.org/a_b" in entry.msgstr
    assert "machine translation check: not kept: Hello" in entry.tcomment


def test_pieces_and_lost() -> None:
    text = "Hi %s,\n  see <a href='x'>this</a> {0}. "
    assert "".join(p for p, _ in pieces(text)) == text
    assert [p for p, ok in pieces(text) if ok] == ["Hi", "see", "this"]
    assert lost("In 1992, 3,890 people", "В 1992 году 3 890 человек") == []
    assert lost("1,275 taken", "۱۲۷۵ لوگ") == []
    assert lost("150 of them", "из них") == ["150"]
    assert lost("Mail a@b.org", "Почта") == ["a@b.org"]
