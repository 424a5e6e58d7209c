"""build for publishers: drafts policy, completion threshold, HTML, alignment, manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from tf_helpers import SAMPLE, cli

from transflow.config import load
from transflow.jobs.build import build

DOC = "azerbaijan-pak-support"


def fill(root: Path, lang: str, count: int, fuzzy: bool = False, text: str = "T") -> None:
    path = root / "locales" / lang / f"{DOC}.po"
    catalog = polib.pofile(str(path))
    for entry in list(catalog)[:count]:
        entry.msgstr = f"{text} {entry.msgid}"
        if fuzzy:
            entry.flags = ["fuzzy"]
            entry.tcomment = "machine translation: pseudo 1"
    catalog.save()


def outputs(root: Path) -> dict[tuple[str, str], dict[str, object]]:
    rows = json.loads((root / "build" / "manifest.json").read_text())["outputs"]
    return {(r["document"], r["language"]): r for r in rows}


def test_drafts_excluded_by_default_and_included_on_request(project: Path) -> None:
    cli(project, "extract")
    fill(project, "az", 30, fuzzy=True)
    assert cli(project, "build", "--lang", "az").exit_code == 0
    out = project / "build" / "az" / f"{DOC}.txt"
    assert out.read_bytes() == SAMPLE.read_bytes()
    row = outputs(project)[(f"{DOC}.txt", "az")]
    assert row["drafts"] == 0 and row["untranslated"] == 30 and row["completion"] == 0.0
    assert cli(project, "build", "--lang", "az", "--drafts", "include").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("T Azerbaijan recognizes")
    row = outputs(project)[(f"{DOC}.txt", "az")]
    assert row["drafts"] == 30 and row["completion"] == 100.0
    assert row["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_min_completion_keeps_the_previous_output(project: Path) -> None:
    cli(project, "extract")
    fill(project, "az", 30)
    assert cli(project, "build", "--lang", "az").exit_code == 0
    out = project / "build" / "az" / f"{DOC}.txt"
    good = out.read_bytes()
    # the source grows by ten new paragraphs: completion drops under 80 %
    source = project / "source" / f"{DOC}.txt"
    extra = "".join(f"\n\nNew paragraph number {i}." for i in range(10))
    source.write_text(source.read_text(encoding="utf-8") + extra, encoding="utf-8")
    cli(project, "extract")
    result = cli(project, "build", "--min-completion", "80")
    assert result.exit_code == 3
    assert (
        f"{DOC}.txt [az] is 75.0% translated, under --min-completion 80%: kept the "
        "previous output" in result.stderr
    )
    assert f"{DOC}.txt [ru] is 0.0% translated" in result.stderr
    assert "no output written" in result.stderr
    assert out.read_bytes() == good
    assert not (project / "build" / "ru" / f"{DOC}.txt").exists()
    row = outputs(project)[(f"{DOC}.txt", "az")]
    assert row["written"] is False and row["completion"] == 75.0
    assert row["sha256"] == hashlib.sha256(good).hexdigest()


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.spans: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self.metas: list[dict[str, str | None]] = []
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.html_attrs = dict(attrs)
        if tag == "span":
            self.spans.append(dict(attrs))
        if tag == "meta":
            self.metas.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1] == "style":
            self.style += data
        else:
            self.text.append(data)


def test_html_output_is_escaped_and_right_to_left_for_urdu(project: Path) -> None:
    cli(project, "extract")
    path = project / "locales" / "ur" / f"{DOC}.po"
    catalog = polib.pofile(str(path))
    catalog[0].msgstr = 'آذربائیجان <script>alert("x")</script> & "قدر"'
    catalog[1].msgstr = "نائب وزیر خارجہ"
    catalog.save()
    assert cli(project, "build", "--lang", "ur").exit_code == 0
    page = (project / "build" / "ur" / f"{DOC}.txt.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    parsed = _Page()
    parsed.feed(page)
    assert parsed.html_attrs == {"lang": "ur", "dir": "rtl"}
    assert "script" not in parsed.tags and parsed.tags.count("h1") == 1
    assert 'آذربائیجان <script>alert("x")</script> & "قدر"' in "".join(parsed.text)
    assert len(parsed.spans) == 30
    assert [s["data-status"] for s in parsed.spans[:3]] == ["accepted", "accepted", "untranslated"]
    # a unit that kept its source text is in the source language, its direction its own
    assert [(s.get("lang"), s.get("dir")) for s in parsed.spans[1:3]] == [
        (None, None),
        ("en", "auto"),
    ]
    # readable anywhere: a viewport, an inline style with a face per script, nothing loaded
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in parsed.metas
    assert parsed.tags.count("style") == 1 and "link" not in parsed.tags
    assert "max-width:38em" in parsed.style
    assert ':lang(ur),:lang(ks){font-family:"Noto Nastaliq Urdu"' in parsed.style
    assert ":lang(fa)," in parsed.style and '"Noto Naskh Arabic"' in parsed.style
    assert "url(" not in parsed.style and "@import" not in parsed.style
    assert "Ansar M Bhatti\u00a0in Baku" in "".join(parsed.text)
    cli(project, "build", "--lang", "ru")
    ru = (project / "build" / "ru" / f"{DOC}.txt.html").read_text(encoding="utf-8")
    assert '<html lang="ru" dir="ltr">' in ru


def test_alignment_maps_every_unit_with_offsets(project: Path) -> None:
    cli(project, "extract")
    fill(project, "ru", 12, text="Р")
    catalog = polib.pofile(str(project / "locales" / "ru" / f"{DOC}.po"))
    catalog[12].msgstr = "Черновик."
    catalog[12].flags = ["fuzzy"]
    catalog[12].tcomment = "machine translation: argos translate-en_ru 1.0; score -0.100"
    catalog.save()
    assert cli(project, "build", "--lang", "ru").exit_code == 0
    base = project / "build" / "ru" / f"{DOC}.txt"
    data = json.loads(Path(f"{base}.align.json").read_text(encoding="utf-8"))
    output = base.read_text(encoding="utf-8")
    source = SAMPLE.read_text(encoding="utf-8")
    assert len(data["units"]) == 30
    statuses = [u["status"] for u in data["units"]]
    assert statuses[:12] == ["accepted"] * 12 and statuses[12] == "draft"
    assert statuses[13:] == ["untranslated"] * 17
    for unit in data["units"]:
        s, t = unit["source"], unit["target"]
        assert source[s["start"] : s["end"]] == s["text"]
        assert output[t["start"] : t["end"]] == t["text"]
        assert unit["published"] == (unit["status"] == "accepted")
    assert data["units"][12]["target"]["text"] == data["units"][12]["source"]["text"]


def test_alignment_lines_are_what_json_dumps_writes() -> None:
    from transflow.formats.text import align, segment
    from transflow.project import Document
    from transflow.publish import alignment

    text = (
        'He said: "no\\\\way".\tShe wrote \u0001 a «Привет» (مرحبا) 😀.\n\n'
        "A second\u2028paragraph\u00a0here. And\rmore.\n"
    )
    units = segment(text)
    translations = {u.text: f'{u.text} → "перевод" \\ {i}' for i, u in enumerate(units) if i % 2}
    _, placed = align(text, units, translations.get)
    statuses = ["accepted" if p.translated else "untranslated" for p in placed]
    doc = Document("a.txt", Path("/x/a.txt"))
    written = alignment(doc, "ru", "a.txt", placed, statuses)
    lines = written.split("\n")
    rows = [
        {
            "position": p.unit.position,
            "kind": p.unit.kind,
            "status": status,
            "published": p.translated,
            "source": {"start": p.unit.start, "end": p.unit.end, "text": p.unit.text},
            "target": {"start": p.start, "end": p.end, "text": p.text},
        }
        for p, status in zip(placed, statuses, strict=True)
    ]
    expected = [json.dumps(row, ensure_ascii=False) for row in rows]
    assert len(rows) >= 4 and any(p.translated for p in placed)
    assert [line.removesuffix(",") for line in lines[1:-2]] == expected
    assert json.loads(written)["units"] == rows


def test_catalogs_reach_the_disk_before_the_rename_and_build_outputs_do_not(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fsync for what people wrote; not for what a rerun makes again."""
    root = project
    synced: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert cli(root, "extract").exit_code == 0
    assert len(synced) == 4  # the template and three catalogs
    synced.clear()
    assert cli(root, "build").exit_code == 0
    assert (root / "build" / "az" / f"{DOC}.txt.html").exists()
    assert synced == []


def test_build_makes_one_output_at_a_time(tmp_path: Path) -> None:
    # before: the text, HTML and alignment of every output were all made (as strings,
    # two bytes a character here, as the text has ’) before the first was written: the
    # peak was 32 times the document's size, then 22 (traced: 18.8); with the catalog
    # read a piece at a time into its units' translations only and the outputs written a
    # chunk at a time, 16.7
    root = tmp_path / "big"
    (root / "source").mkdir(parents=True)
    paragraphs = SAMPLE.read_text(encoding="utf-8").split("\n\n")
    body = [f"{p.strip()} ({n})." for n in range(300) for p in paragraphs if p.strip()]
    document = "\n\n".join(body) + "\n"
    (root / "source" / "doc.txt").write_text(document, encoding="utf-8")
    assert cli(root, "init", "--lang", "az").exit_code == 0
    assert cli(root, "extract", "-q").exit_code == 0
    po = root / "locales" / "az" / "doc.po"
    catalog = polib.pofile(str(po))
    for entry in catalog:
        entry.msgstr = entry.msgid.upper()
    catalog.save()
    config = load(root)
    tracemalloc.start()
    try:
        build(config)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (root / "build" / "az" / "doc.txt").read_text(encoding="utf-8") != document
    assert peak < 18 * len(document.encode())


def test_a_streamed_output_is_rewritten_only_when_its_bytes_differ(project: Path) -> None:
    """The HTML page and the alignment are written a chunk at a time, compared with the file
    already there as they go: same bytes, file untouched; any byte different, file replaced."""
    cli(project, "extract")
    fill(project, "az", 30)
    assert cli(project, "build", "--lang", "az").exit_code == 0
    align = project / "build" / "az" / f"{DOC}.txt.align.json"
    page = project / "build" / "az" / f"{DOC}.txt.html"
    good, when = align.read_bytes(), align.stat().st_mtime_ns
    result = cli(project, "build", "--lang", "az")
    assert "4 unchanged" in result.output and align.stat().st_mtime_ns == when
    tampered = good[:-3] + (b"X" if good[-3:-2] != b"X" else b"Y") + good[-2:]
    align.write_bytes(tampered)  # one byte differs near the end, the size is the same
    page.write_bytes(page.read_bytes() + b"\n")  # one byte more
    result = cli(project, "build", "--lang", "az")
    assert "2 updated" in result.output, result.output
    assert align.read_bytes() == good and page.read_bytes().endswith(b"</html>\n")
    assert not [p for p in align.parent.iterdir() if p.name.endswith(".tmp")]
