"""End-to-end runs of the transflow command on a copy of the sample project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from tf_helpers import SAMPLE, cli, msgcat, msgfmt_check, sample_units, snapshot

import transflow

DOC = "azerbaijan-pak-support"


def catalogs(root: Path) -> list[Path]:
    return sorted((root / "locales").rglob("*.po*"))


def translate_all(po_path: Path, fn: object) -> None:
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = fn(entry.msgid)  # type: ignore[operator]
    po.save()


def test_extract_writes_template_and_catalogs(project: Path) -> None:
    result = cli(project, "extract")
    assert result.exit_code == 0, result.output
    assert "4 catalogs: 4 created" in result.output
    pot = project / "locales" / "templates" / f"{DOC}.pot"
    assert [p.relative_to(project).as_posix() for p in catalogs(project)] == [
        f"locales/az/{DOC}.po",
        f"locales/ru/{DOC}.po",
        f"locales/templates/{DOC}.pot",
        f"locales/ur/{DOC}.po",
    ]
    units = sample_units()
    po = polib.pofile(str(project / "locales" / "ru" / f"{DOC}.po"))
    assert [e.msgid for e in po] == [u["text"] for u in units]
    assert po.metadata["Language"] == "ru"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert po.metadata["X-Generator"].startswith("transflow ")
    first = po[0]
    assert first.occurrences == [(f"{DOC}.txt", "1")]  # block 1
    assert first.comment == "headline"
    assert po[3].comment == "dateline" and po[3].msgid == "ISLAMABAD:"
    for path in catalogs(project):
        msgfmt_check(path)
        assert msgcat(path) == path.read_bytes(), f"{path} is not as msgcat prints it"
    assert "Language: \\n" in pot.read_text(encoding="utf-8")


def test_extract_twice_changes_no_byte(project: Path) -> None:
    cli(project, "extract")
    before = snapshot(project)
    result = cli(project, "extract")
    assert result.exit_code == 0
    assert "4 catalogs: 4 unchanged" in result.output
    assert snapshot(project) == before
    # also when the fast path is not taken (no state file)
    (project / ".transflow" / "extract-state.json").unlink()
    assert cli(project, "extract").exit_code == 0
    assert snapshot(project) == before


def test_build_without_translations_is_byte_identical(project: Path) -> None:
    cli(project, "extract")
    result = cli(project, "build")
    assert result.exit_code == 0, result.output
    for lang in ("az", "ur", "ru"):
        assert (project / "build" / lang / f"{DOC}.txt").read_bytes() == SAMPLE.read_bytes()


def test_build_with_identity_translations_is_byte_identical(project: Path) -> None:
    cli(project, "extract")
    translate_all(project / "locales" / "az" / f"{DOC}.po", lambda s: s)
    assert cli(project, "build", "--lang", "az").exit_code == 0
    assert (project / "build" / "az" / f"{DOC}.txt").read_bytes() == SAMPLE.read_bytes()


def test_build_replaces_accepted_translations_only(project: Path) -> None:
    cli(project, "extract")
    path = project / "locales" / "ru" / f"{DOC}.po"
    po = polib.pofile(str(path))
    po.find("ISLAMABAD:").msgstr = "ИСЛАМАБАД:"
    entry = po.find(
        "The Dy Foreign Minister expressed these views during a talk with the "
        "Pakistani media people, who called on him on Thursday."
    )
    entry.msgstr = "Замминистра высказал эти мнения."
    fuzzy = next(e for e in po if e.msgid.startswith("He said the Armenian military"))
    fuzzy.msgstr = "НЕ ПУБЛИКОВАТЬ"
    fuzzy.flags.append("fuzzy")
    glued = next(e for e in po if e.msgid.startswith("“The results of the investigations"))
    glued.msgstr = "«Результаты расследований показывают, что пленных пытают."
    po.save()
    assert cli(project, "build", "--lang", "ru").exit_code == 0
    out = (project / "build" / "ru" / f"{DOC}.txt").read_text(encoding="utf-8")
    assert "\nИСЛАМАБАД: Deputy Foreign Minister" in out
    assert "\n\nЗамминистра высказал эти мнения.\n\n" in out
    assert "НЕ ПУБЛИКОВАТЬ" not in out
    # the source had no space before "Mammadov said"; the translation must not glue to it
    assert (
        "taking hostages. «Результаты расследований показывают, что пленных пытают. "
        "Mammadov said that Azerbaijan" in out
    )
    assert out.endswith("played by Russian.")  # no final newline, as in the source


def test_status_counts_and_fail_under(project: Path) -> None:
    cli(project, "extract")
    translate_all(project / "locales" / "az" / f"{DOC}.po", lambda s: "X " + s)
    result = cli(project, "status", "--json")
    rows = [json.loads(line) for line in result.output.splitlines()]
    by_lang = {r["language"]: r for r in rows if r["type"] == "catalog"}
    assert by_lang["az"]["units"] == 30 and by_lang["az"]["accepted"] == 30
    assert by_lang["az"]["percent"] == 100.0
    assert by_lang["ru"]["untranslated"] == 30 and by_lang["ru"]["percent"] == 0.0
    assert cli(project, "status", "--lang", "az", "--fail-under", "100").exit_code == 0
    low = cli(project, "status", "--fail-under", "50")
    assert low.exit_code == 3
    assert f"{DOC}.txt [ru] is 0.0% accepted, under 50%" in low.stderr
    text = cli(project, "status").output
    assert "units" in text and f"{DOC}.txt" in text


def test_segments_json_offsets(project: Path) -> None:
    result = cli(project, "segments", "--json", str(project / "source" / f"{DOC}.txt"))
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    text = SAMPLE.read_text(encoding="utf-8")
    assert [(r["block"], r["index"], r["kind"], r["text"]) for r in rows] == [
        (u["block"], u["index"], u["kind"], u["text"]) for u in sample_units()
    ]
    for row in rows:
        assert row["type"] == "unit"
        assert text[row["start"] : row["end"]] == row["text"]


def test_paragraph_units(project: Path) -> None:
    result = cli(project, "segments", "--unit", "paragraph", str(SAMPLE))
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 17
    assert cli(project, "extract", "--unit", "paragraph", "--lang", "az").exit_code == 0
    po = polib.pofile(str(project / "locales" / "az" / f"{DOC}.po"))
    assert len(po) == 17
    assert po[3].msgid.startswith("ISLAMABAD: Deputy Foreign")


def test_init_writes_a_project_file(tmp_path: Path) -> None:
    result = cli(tmp_path, "init", "--lang", "az", "--lang", "ur")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "transflow.toml").read_text()
    assert 'languages = ["az", "ur"]' in text
    assert (tmp_path / "source").is_dir()
    again = cli(tmp_path, "init", "--lang", "az")
    assert again.exit_code == 1 and "already exists" in again.stderr
    bad = cli(tmp_path, "init", "--force", "--lang", "not a code")
    assert bad.exit_code == 2 and "'not a code' is not a language code" in bad.stderr


def test_help_and_version_from_a_real_process() -> None:
    env = {**os.environ, "PYTHONPATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "transflow", "--help"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0
    for command in ("init", "segments", "extract", "build", "status"):
        assert command in done.stdout
    imported = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "transflow", "--help"],
        capture_output=True,
        text=True,
        env=env,
    ).stderr
    for heavy in ("polib", "rapidfuzz", "argostranslate", "ctranslate2", "uniseg", "transflow.qa"):
        assert f" {heavy}\n" not in imported and f" {heavy}." not in imported, heavy


def test_update_after_the_source_changes(project: Path) -> None:
    cli(project, "extract", "--lang", "az")
    path = project / "locales" / "az" / f"{DOC}.po"
    translate_all(path, lambda s: "AZ " + s)
    source = project / "source" / f"{DOC}.txt"
    text = source.read_text(encoding="utf-8")
    changed = text.replace("during the 44 day Patriotic War", "during the 44-day Patriotic War")
    changed = changed.replace(
        "He said the Armenian military had placed thousands of mines in the "
        "liberated areas and it took us considerable time to clear all "
        "those mines.\n\n",
        "",
    )
    changed = changed.replace("Eight families", "Nobody expected this at all. Eight families")
    source.write_text(changed, encoding="utf-8")
    result = cli(project, "extract", "--lang", "az")
    assert result.exit_code == 0 and "updated" in result.output
    po = polib.pofile(str(path))
    edited = next(e for e in po if "44-day" in e.msgid)
    assert "fuzzy" in edited.flags
    assert edited.msgstr.startswith("AZ ") and "44 day" in edited.msgstr
    assert edited.previous_msgid is not None and "44 day" in edited.previous_msgid
    removed = next(e for e in po.obsolete_entries() if e.msgid.startswith("He said the Armenian"))
    assert removed.msgstr == "AZ " + removed.msgid
    added = po.find("Nobody expected this at all.")
    assert added is not None and added.msgstr == "" and not added.flags
    untouched = [e for e in po.translated_entries()]
    assert len(untouched) == 28 and all(e.msgstr == "AZ " + e.msgid for e in untouched)
    msgfmt_check(path)
    assert msgcat(path) == path.read_bytes()
    assert cli(project, "build", "--lang", "az").exit_code == 0
    out = (project / "build" / "az" / f"{DOC}.txt").read_text(encoding="utf-8")
    assert "44-day" in out and "AZ Eight families" in out and "AZ He said the Armenian" not in out


def test_outdated_ignores_another_editors_wrapping(project: Path) -> None:
    from transflow.config import load
    from transflow.jobs.extract import outdated

    cli(project, "extract")
    path = project / "locales" / "az" / f"{DOC}.po"
    catalog = polib.pofile(str(path), wrapwidth=40)
    catalog[0].msgstr = "Azərbaycan"
    catalog.save()
    assert outdated(load(project)) == []
    source = project / "source" / f"{DOC}.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n\nOne more.", encoding="utf-8")
    assert len(outdated(load(project))) == 4


def test_template_is_made_anew_and_keeps_its_header(project: Path) -> None:
    cli(project, "extract", "--lang", "az")
    pot = project / "locales" / "templates" / f"{DOC}.pot"
    template = polib.pofile(str(pot))
    template.header = "Sample article.\nCopyright the publisher."
    template.metadata["Report-Msgid-Bugs-To"] = "desk@example.org"
    template[0].tcomment = "a comment nobody should write in a template"
    template.append(polib.POEntry(msgid="A unit the document no longer has."))
    template.save()
    source = project / "source" / f"{DOC}.txt"
    source.write_text(source.read_text(encoding="utf-8") + "\n\nOne more.", encoding="utf-8")
    assert cli(project, "extract", "--lang", "az").exit_code == 0
    after = polib.pofile(str(pot))
    assert after.header == "Sample article.\nCopyright the publisher."
    assert after.metadata["Report-Msgid-Bugs-To"] == "desk@example.org"
    assert [e.msgid for e in after] == [u["text"] for u in sample_units()] + ["One more."]
    assert not after[0].tcomment and not after.obsolete_entries()
    assert msgcat(pot) == pot.read_bytes()


def test_the_console_script_keeps_exit_codes_and_output(project: Path) -> None:
    """`python -m transflow` ends with os._exit: what it prints and its exit code survive."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "transflow", "--project", str(project), *args]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    segments = run("segments", "--json", str(project / "source" / f"{DOC}.txt"))
    assert segments.returncode == 0, segments.stderr
    assert [json.loads(line)["text"] for line in segments.stdout.splitlines()] == [
        u["text"] for u in sample_units()
    ]
    assert run("extract", "--lang", "az").returncode == 0
    below = run("status", "--lang", "az", "--fail-under", "50")
    assert below.returncode == 3 and "az" in below.stdout
    missing = run("build", "--lang", "ur")
    assert missing.returncode == 1
    assert missing.stderr.startswith("transflow: error: ") and "no ur catalog" in missing.stderr
    assert run("status", "--no-such-option").returncode == 2


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_output_that_cannot_be_written_is_one_line_on_stderr(project: Path) -> None:
    """A full disk under stdout (``> /dev/full``) is an error on stderr, exit 1, whether the
    output fails as it is printed (a long one) or when it is flushed at the end (a short
    one); it used to be a traceback."""
    big = project / "source" / "big.txt"
    big.write_text("A sentence that is long enough to fill lines. " * 2000, encoding="utf-8")
    for args in (["segments", str(big)], ["--version"], ["--help"]):
        with open("/dev/full", "w", encoding="utf-8") as full:
            done = subprocess.run(
                [sys.executable, "-m", "transflow", "--project", str(project), *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert done.returncode == 1, (args, done.stderr)
        assert done.stderr == "transflow: error: cannot write the output: No space left on device\n"


def test_a_command_imports_only_its_own_module(project: Path) -> None:
    """Each command's module is imported when it runs (extract needs neither translate's
    engines nor check's, review's, models' or tmx's modules); help and a mistyped command
    still see every command."""
    script = (
        "import sys\nfrom transflow.cli import main\n"
        "try:\n    main(sys.argv[1:], prog_name='transflow')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('transflow.cli.')), file=sys.stderr)"
    )
    src = str(Path(transflow.__file__).parent.parent)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", script, "--project", str(project), *args]
        env = {**os.environ, "PYTHONPATH": src}
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    extract = run("extract", "--lang", "az")
    assert extract.returncode == 0, extract.stderr
    assert extract.stderr.splitlines()[-1] == "['transflow.cli.catalogs', 'transflow.cli.common']"
    listed = run("--help")
    for command in ("check", "export", "import", "models", "review", "translate"):
        assert f"\n  {command} " in listed.stdout, command
    assert "transflow.cli.translate" in listed.stderr
    typo = run("translat")
    assert "No such command 'translat'. Did you mean 'translate'?" in typo.stderr
