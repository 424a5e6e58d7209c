"""status: units and source words per state, as translate-toolkit's pocount counts them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import polib
from tf_helpers import ROOT, cli
from translate.tools import pocount

from transflow.status import word_count

DOC = "azerbaijan-pak-support"
EXTRA = (
    "Click <b>here</b> now.<br/>Visit example.com or a.b.c today.\n\n"
    'Version 3.5 costs $4,000 (e.g. 1.5 m), <a href="x.html">don\'t</a> stop—ever.\n\n'
    "Le café n'est pas cher: 12h30, 3,890 km; co-operate & re-enter x_y 😀."
)
TRICKY = [
    "",
    "   ",
    "<br>a<br />b<BR>c",
    "a.b 1.2 a.1 1.a ... U.S.A.",
    "۱۲۷۵ لوگوں نے ووٹ دیا۔ آذربائیجان",
    "日本語のテキストです。中文也可以",
    "ภาษาไทยไม่มีช่องว่าง",
    "<x:y a=\"1\" b='2'/>tag</x:y> <notatag",
    "Привет, мир! 3.890,5",
]


def states(record: dict[str, Any]) -> dict[str, int]:
    """A status record in pocount's terms (drafts are fuzzy there)."""
    return {
        "total": record["units"],
        "translated": record["accepted"],
        "fuzzy": record["drafts"] + record["fuzzy"],
        "untranslated": record["untranslated"],
        "totalsourcewords": record["words"],
        "translatedsourcewords": record["accepted_words"],
        "fuzzysourcewords": record["drafts_words"] + record["fuzzy_words"],
        "untranslatedsourcewords": record["untranslated_words"],
    }


def pocounts(path: Path) -> dict[str, int]:
    """pocount's figures of a catalog, those that `states` gives."""
    stats: dict[str, Any] = dict(pocount.calcstats(str(path)))
    return {key: stats[key] for key in states(dict.fromkeys(RECORD_KEYS, 0))}


RECORD_KEYS = ("units", "accepted", "drafts", "fuzzy", "untranslated", "words")
RECORD_KEYS += ("accepted_words", "drafts_words", "fuzzy_words", "untranslated_words")


def records(root: Path, *args: str) -> list[dict[str, Any]]:
    result = cli(root, "status", "--json", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_word_count_is_pocounts() -> None:
    texts = [e.msgid for e in polib.pofile(str(ROOT / "locales" / "ur" / f"{DOC}.po"))]
    texts += [e.msgstr for e in polib.pofile(str(ROOT / "locales" / "ur" / f"{DOC}.po"))]
    texts += TRICKY + EXTRA.split("\n\n")
    counted = [word_count(t) for t in texts]
    assert counted == [pocount.wordcount(t) for t in texts]
    assert sum(counted) > 1000
    assert word_count(TRICKY[7]) < len(TRICKY[7].split())  # tags are not words


def mix(path: Path) -> None:
    """Every state in one catalog: accepted, machine and memory drafts, another fuzzy
    suggestion, a fuzzy entry with no translation, untranslated."""
    catalog = polib.pofile(str(path))
    for i, entry in enumerate(catalog):
        kind = i % 6
        entry.msgstr = "" if kind in (4, 5) else f"T {entry.msgid}"
        if kind in (1, 2, 3, 4):
            entry.flags = ["fuzzy"]
        if kind == 1:
            entry.tcomment = f"machine translation: argos translate-en_ur 1.0; score -0.{i}"
        if kind == 2:
            entry.tcomment = "translation memory: accepted in other.txt"
    catalog.save()


def test_status_counts_each_state_as_pocount_does(project: Path) -> None:
    (project / "source" / "extra.txt").write_text(EXTRA, encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    for doc in (DOC, "extra"):
        mix(project / "locales" / "ur" / f"{doc}.po")
    # a removed paragraph: one obsolete entry in every catalog of the sample
    source = project / "source" / f"{DOC}.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(text.split("\n\n")[3] + "\n\n", "", 1), encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    rows = records(project, "--drafts", "2")
    assert [r["type"] for r in rows] == ["catalog"] * 6 + ["total"] * 3 + ["draft"] * 2
    catalogs = {(r["document"], r["language"]): r for r in rows if r["type"] == "catalog"}
    for (document, language), record in catalogs.items():
        path = project / "locales" / language / f"{Path(document).stem}.po"
        assert states(record) == pocounts(path), (document, language)
        assert record["obsolete"] == len(polib.pofile(str(path)).obsolete_entries())
        assert (
            sum(record[k] for k in ("accepted", "drafts", "fuzzy", "untranslated"))
            == (record["units"])
        )
    ur = catalogs[(f"{DOC}.txt", "ur")]
    assert min(ur[k] for k in ("accepted", "drafts", "fuzzy", "untranslated")) >= 1
    assert ur["obsolete"] == 1 and ur["untranslated"] > ur["units"] // 6  # empty fuzzy too
    assert ur["percent"] == round(100 * ur["accepted"] / ur["units"], 1)
    assert ur["percent_words"] == round(100 * ur["accepted_words"] / ur["words"], 1)
    # one total per language across the documents
    for total in (r for r in rows if r["type"] == "total"):
        parts = [r for r in catalogs.values() if r["language"] == total["language"]]
        assert len(parts) == 2 and "document" not in total
        assert all(total[k] == sum(p[k] for p in parts) for k in (*RECORD_KEYS, "obsolete"))
    drafts = [r for r in rows if r["type"] == "draft"]
    assert [d["score"] for d in drafts] == sorted(d["score"] for d in drafts)
    assert all(d["language"] == "ur" and d["msgid"] for d in drafts)
    # the table shows the same units / words, and the totals
    table = cli(project, "status", "--lang", "ur").output.splitlines()
    line = next(t for t in table if t.startswith(f"{DOC}.txt"))
    for key, words in (("units", "words"), ("accepted", "accepted_words")):
        assert f" {ur[key]} / {ur[words]} " in line
    total = next(t for t in table if t.startswith("total "))
    ur_total = next(r for r in rows if r["type"] == "total" and r["language"] == "ur")
    assert f" {ur_total['units']} / {ur_total['words']} " in total
    assert "accepted" in table[1].split() and "translated" not in " ".join(table).split()


def test_committed_catalogs_count_as_pocount_counts_them(project: Path) -> None:
    shutil.copytree(ROOT / "locales", project / "locales")
    rows = records(project)
    catalogs = [r for r in rows if r["type"] == "catalog"]
    assert len(catalogs) == 3
    for record in catalogs:
        path = project / "locales" / record["language"] / f"{DOC}.po"
        assert states(record) == pocounts(path)
        assert record["words"] > 500
    # one document: no total row in the table, one per language in JSON
    assert [r["type"] for r in rows].count("total") == 3
    assert not [t for t in cli(project, "status").output.splitlines() if t.startswith("total")]
