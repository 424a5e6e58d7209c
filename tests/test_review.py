"""review: the static HTML review page, read back with html.parser and rendered by Chromium."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import click
import polib
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st
from tf_helpers import ROOT, cli

from transflow.cli.review import review
from transflow.config import load
from transflow.project import documents, po_path, read_catalog, units_of
from transflow.qa import Finding
from transflow.review import page_of, render, word_diff
from transflow.status import count

DOC = "azerbaijan-pak-support"
PAGE = Path("build") / "review" / "ur" / f"{DOC}.txt.html"
SCRIPT = "<script>alert(1)</script>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

ACCEPTED = ("1.1", "4.2", "5.1", "6.1", "7.1")
DRAFTS = {"2.1": -0.412, "4.1": -0.05, "7.2": -1.234, "8.1": -0.321, "8.2": -0.7, "9.1": -0.15}
FUZZY = ("3.1",)  # a fuzzy suggestion that is not a transflow draft, after a source change
OLD_SOURCE = "Ansar M. Bhatti <b>from</b> Baku"  # its "#| msgid" (now "Ansar M Bhatti in Baku")
MACHINE_ACCEPTED = "5.1"  # an accepted entry that began as a scored machine draft
MACHINE = "machine translation: argos translate-en_ur 1.0"
SCRIPTED = "7.2"  # a draft whose msgstr is markup
WRONG_NUMBER = "4.2"  # "44" in the source, "45" in the translation


@click.group()
@click.option("--project", type=click.Path(path_type=Path, file_okay=False))
@click.pass_context
def group(ctx: click.Context, project: Path | None) -> None:
    """The main group's way of passing the project: ctx.obj is the --project folder."""
    ctx.obj = project


group.add_command(review)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        group, ["--project", str(root), "review", *args], catch_exceptions=False
    )


def fill(root: Path) -> None:
    """The Urdu catalog: accepted entries (one a machine draft once), scored machine
    drafts, one fuzzy suggestion after a source change, markup in one draft, a wrong
    number in one accepted entry, the rest empty."""
    known = {e.msgid: e.msgstr for e in polib.pofile(str(ROOT / "locales" / "ur" / f"{DOC}.po"))}
    catalog = polib.pofile(str(root / "locales" / "ur" / f"{DOC}.po"))
    config = load(root)
    positions: dict[str, str] = {}  # msgid -> the position of its first unit
    for unit in units_of(config, documents(config)[0])[1]:
        positions.setdefault(unit.text, unit.position)
    for entry in catalog:
        position = positions[entry.msgid]
        text = known[entry.msgid]
        if position in ACCEPTED:
            entry.msgstr = text.replace("44", "45") if position == WRONG_NUMBER else text
            assert position != WRONG_NUMBER or "44" in text
            if position == MACHINE_ACCEPTED:
                entry.tcomment = f"{MACHINE}; score -0.100"
        elif position in DRAFTS:
            entry.msgstr = SCRIPT if position == SCRIPTED else text
            entry.flags = ["fuzzy"]
            entry.tcomment = f"{MACHINE}; score {DRAFTS[position]:.3f}"
        elif position in FUZZY:
            entry.msgstr = text
            entry.flags = ["fuzzy"]
            entry.previous_msgid = OLD_SOURCE
    catalog.save()


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""  # of the element and its descendants
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str, cls: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            if child.tag == tag and (cls is None or cls in child.classes()):
                found.append(child)
            found += child.find(tag, cls)
        return found


class Tree(HTMLParser):
    """Every element with its attributes and text, as a small tree."""

    VOID = frozenset({"meta", "col", "br", "img", "link", "input", "hr", "wbr", "source"})

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


def _walk(element: Element) -> list[Element]:
    found = []
    for child in element.children:
        found += [child, *_walk(child)]
    return found


def review_sample(project: Path) -> Path:
    """The sample project with the Urdu catalog of `fill`, and its review page written."""
    assert cli(project, "extract", "--lang", "ur").exit_code == 0
    fill(project)
    result = run(project, "--lang", "ur")
    assert result.exit_code == 0, result.output
    assert "created" in result.output and f"{DOC}.txt.html" in result.output
    return project


@pytest.fixture
def reviewed(project: Path) -> Path:
    return review_sample(project)


def expected_statuses() -> Counter[str]:
    statuses = Counter({"accepted": len(ACCEPTED), "draft": len(DRAFTS), "fuzzy": len(FUZZY)})
    statuses["untranslated"] = 30 - sum(statuses.values())
    return statuses


def check_page(tree: Tree) -> None:
    """What the page must say, whether read by html.parser or as Chromium built it."""
    elements = _walk(tree.root)
    assert not [e for e in elements if e.tag in ("script", "b")]
    rows = tree.root.find("tr", "unit")
    assert Counter(r.attrs["data-status"] for r in rows) == expected_statuses()
    targets = tree.root.find("td", "target")
    units = [t for t in targets if "data-status" in t.attrs]
    assert Counter(t.attrs["data-status"] for t in units) == expected_statuses()
    assert all(t.attrs["dir"] == "rtl" and t.attrs["lang"] == "ur" for t in targets)
    sources = tree.root.find("td", "source")
    assert all(s.attrs["dir"] == "ltr" and s.attrs["lang"] == "en" for s in sources)
    by_unit = {r.attrs["data-unit"]: r for r in rows}
    scripted = by_unit[SCRIPTED].find("td", "target")[0]
    assert scripted.text == SCRIPT  # shown as text, not run
    for position, row in by_unit.items():
        target = row.find("td", "target")[0]
        if row.attrs["data-status"] == "untranslated":
            assert target.text == "untranslated" and target.find("span", "missing")
        else:
            assert target.text.strip() and not target.find("span", "missing")
        notes = row.find("td", "notes")[0]
        assert row.attrs["data-status"] in notes.find("span", "badge")[0].text
        provenance = notes.find("p", "provenance")
        if position in DRAFTS:
            assert provenance[0].text.endswith(f"score {DRAFTS[position]:.3f}")
        elif position == MACHINE_ACCEPTED:  # accepted: no machine score shown
            assert [p.text for p in provenance] == [MACHINE] and "score" not in row.text
        else:
            assert not provenance
        change = row.find("p", "change")
        if position in FUZZY:  # the old source against the new, word by word
            source = row.find("td", "source")[0]
            assert len(change) == 1 and change[0].parent is source
            deleted = [d.text for d in change[0].find("del")]
            inserted = [i.text for i in change[0].find("ins")]
            assert deleted and inserted and "<b>from</b>" in deleted  # as text: escaped
            new = source.text.removesuffix(change[0].text).split()
            assert all(w in OLD_SOURCE.split() and w not in new for w in deleted)
            assert all(w in new and w not in OLD_SOURCE.split() for w in inserted)
        else:
            assert not change
    wrong = by_unit[WRONG_NUMBER].find("li", "finding")
    assert any(f.attrs["data-severity"] == "error" and "numbers" in f.text for f in wrong)
    assert any("44" in f.text for f in wrong)
    shown = Counter(f.attrs["data-severity"] for f in tree.root.find("li", "finding"))
    summary = {e.attrs["data-count"]: int(e.text) for e in elements if "data-count" in e.attrs}
    assert summary == {s: shown[s] for s in ("error", "warning", "info")}
    assert summary["error"] >= 1
    # least confident drafts first, each linked to its row
    table = tree.root.find("table", "drafts")[0]
    links = [a.attrs["href"] for a in table.find("a")]
    ordered = sorted(DRAFTS, key=lambda p: DRAFTS[p])
    assert links == [f"#unit-{p.replace('.', '-')}" for p in ordered]
    ids = {e.attrs.get("id") for e in elements}
    assert all(link[1:] in ids for link in links)
    assert all(t.attrs["dir"] == "rtl" for t in table.find("td", "target"))


def test_page_as_html_parser_reads_it(reviewed: Path) -> None:
    markup = (reviewed / PAGE).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and SCRIPT not in markup
    tree = Tree(markup)
    html = tree.root.find("html")[0]
    assert html.attrs == {"lang": "en", "dir": "ltr"}
    title = tree.root.find("title")[0].text
    assert f"{DOC}.txt" in title and "ur" in title
    assert not [e for e in _walk(tree.root) if e.tag == "link" or "src" in e.attrs]
    check_page(tree)
    # completion figures are status.count's
    config = load(reviewed)
    doc = documents(config)[0]
    figures = count(doc.name, "ur", read_catalog(po_path(config, doc, "ur")))
    shown = {e.attrs["data-figure"]: e.text for e in _walk(tree.root) if "data-figure" in e.attrs}
    assert shown == {
        "units": str(figures.units),
        "accepted": str(figures.accepted),
        "draft": str(figures.drafts),
        "fuzzy": str(figures.fuzzy),
        "untranslated": str(figures.untranslated),
        "percent": f"{figures.percent:.1f}%",
    }
    assert figures.units == 30 and figures.accepted == len(ACCEPTED)
    # the legend names every status
    legend = tree.root.find("ul", "legend")[0].text
    assert all(status in legend for status in expected_statuses())
    # a second run changes nothing
    again = run(reviewed, "--lang", "ur")
    assert again.exit_code == 0 and "1 page: 1 unchanged" in again.output


def test_attributes_are_escaped(reviewed: Path) -> None:
    config = load(reviewed)
    doc = documents(config)[0]
    _, units = units_of(config, doc)
    catalog = read_catalog(po_path(config, doc, "ur"))
    assert catalog is not None
    evil = 'x" onmouseover="alert(1)'
    finding = Finding(
        evil, evil, doc.name, "ur", f"{doc.name}:1.1", "p.po", 1, units[0].text, "", evil
    )
    page = page_of(f"{evil}<b>.txt", "ur", "en", units, catalog, [finding])
    tree = Tree(render(page))
    elements = _walk(tree.root)
    assert not [e for e in elements if "onmouseover" in e.attrs or e.tag in ("b", "script")]
    assert any(e.attrs.get("data-severity") == evil for e in elements)
    assert f"{evil}<b>.txt" in tree.root.find("h1")[0].text


def test_help_names_the_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(review, ["--help"])
    assert "build/review/<lang>/<doc>.html" in result.output


def chromium_command(tmp_path: Path) -> list[str]:
    """Headless Chromium with a throw-away profile and nothing that reaches the network."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]


@pytest.fixture
def chromium(tmp_path: Path) -> list[str]:
    return chromium_command(tmp_path)


def test_page_as_chromium_builds_it(reviewed: Path, chromium: list[str]) -> None:
    url = (reviewed / PAGE).resolve().as_uri()
    done = subprocess.run(
        [*chromium, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "alert(1)" in done.stdout
    check_page(Tree(done.stdout))


_TEXT = st.lists(st.sampled_from(["a", "bc", "M.", "<b>", "&", '"', "آذر", " ", "  ", "\n"])).map(
    "".join
)


def _without(markup: str, tag: str) -> str:
    """The text of a word diff with the <tag> parts left out, other tags dropped."""
    kept = re.sub(f"<{tag}>.*?</{tag}>", " ", markup, flags=re.S)
    return " ".join(html.unescape(re.sub(r"</?(del|ins)>", "", kept)).split())


@given(old=_TEXT, new=_TEXT)
def test_word_diff_gives_back_both_texts(old: str, new: str) -> None:
    markup = word_diff(old, new)
    assert _without(markup, "del") == " ".join(new.split())
    assert _without(markup, "ins") == " ".join(old.split())
    assert not re.search(r"<(?!/?(del|ins)>)", markup)  # every other "<" is escaped
    assert ("<del>" in markup or "<ins>" in markup) == (old.split() != new.split())
