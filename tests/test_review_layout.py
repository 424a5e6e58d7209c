"""The review page and the published page as headless Chromium lays them out, on a phone
(390 px wide) and a desktop (1280 px): widths measured in the DOM, screenshots kept as
test artifacts in build/test-artifacts/ (look at them after a layout change)."""

from __future__ import annotations

import html
import json
import re
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_review import DOC, PAGE, chromium_command, review_sample
from tf_helpers import ROOT, cli

ARTIFACTS = ROOT / "build" / "test-artifacts"
PHONE, DESKTOP = 390, 1280
HEIGHT = 2000  # of the window; the page is as tall as it needs

# Appended to a copy of the page (whose CSP forbids scripts), shown in a frame of the
# width measured (headless Chromium's window is at least 500 px wide): the boxes of what
# the tests measure, as JSON in an attribute of the outer page, which --dump-dom prints.
MEASURE = """<script>
const box = e => { const r = e.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width}; };
const all = s => [...document.querySelectorAll(s)].map(box);
const root = document.documentElement;
parent.document.documentElement.setAttribute("data-layout", JSON.stringify({
  viewport: root.clientWidth, scrollWidth: root.scrollWidth, height: root.scrollHeight,
  right: Math.max(...[...document.body.querySelectorAll("*")].map(e => box(e).right)),
  rows: [...document.querySelectorAll("tr.unit")].map(tr => ({
    unit: tr.dataset.unit, row: box(tr),
    source: box(tr.querySelector("td.source")), target: box(tr.querySelector("td.target"))})),
  panels: all(".panel"), paragraphs: all("article > *"),
  fonts: [...document.querySelectorAll("article > *")].map(e => getComputedStyle(e).fontFamily),
}));
</script>"""


def measure(chromium: list[str], page: Path, width: int, tmp: Path) -> dict[str, Any]:
    """The layout of `page` in a viewport `width` px wide."""
    markup = page.read_text(encoding="utf-8")
    markup, csp = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", markup)
    assert csp == (1 if "review" in page.parts else 0)
    framed = html.escape(markup.replace("</body>", MEASURE + "</body>"), quote=True)
    frame = f'<iframe style="border:0;width:{width}px;height:{HEIGHT}px" srcdoc="{framed}">'
    copy = tmp / f"measured-{width}-{page.name}"
    copy.write_text(f'<!DOCTYPE html><body style="margin:0">{frame}</iframe>', encoding="utf-8")
    window = f"--window-size={width + 100},{HEIGHT + 100}"
    done = subprocess.run(
        [*chromium, "--dump-dom", window, copy.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<html[^>]* data-layout="([^"]*)"', done.stdout)
    assert found, done.stdout[:2000]
    layout: dict[str, Any] = json.loads(html.unescape(found[1]))
    assert layout["viewport"] == width
    return layout


def screenshot(chromium: list[str], page: Path, width: int, name: str) -> Path:
    """A PNG of the top of the page as it is (CSP and all), kept in build/test-artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / name
    out.unlink(missing_ok=True)
    shot = [f"--screenshot={out}", f"--window-size={width},{HEIGHT}", page.resolve().as_uri()]
    done = subprocess.run(
        [*chromium, *shot], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (width, HEIGHT)
    assert len(data) > 20_000 * width // PHONE  # a blank page compresses to a few kB
    return out


@pytest.fixture(scope="module")
def review_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tf_helpers import make_project

    return review_sample(make_project(tmp_path_factory.mktemp("review"))) / PAGE


@pytest.fixture
def chromium(tmp_path: Path) -> list[str]:
    return chromium_command(tmp_path)


def test_review_page_on_a_phone(review_page: Path, chromium: list[str], tmp_path: Path) -> None:
    layout = measure(chromium, review_page, PHONE, tmp_path)
    assert layout["scrollWidth"] <= PHONE and layout["right"] <= PHONE + 0.5  # no sideways
    assert len(layout["rows"]) == 30 and len(layout["panels"]) == 3
    for row in layout["rows"]:
        source, target = row["source"], row["target"]
        assert source["width"] >= 300 and target["width"] >= 300, row  # not 50 px
        assert target["top"] >= source["bottom"] - 0.5, row  # stacked: source, then translation
        assert source["right"] <= PHONE and target["right"] <= PHONE
    for panel in layout["panels"]:  # the summary cards fit the screen, one under another
        assert panel["right"] <= PHONE and panel["width"] >= 300
    screenshot(chromium, review_page, PHONE, "review-ur-390.png")


def test_review_page_on_a_desktop(review_page: Path, chromium: list[str], tmp_path: Path) -> None:
    layout = measure(chromium, review_page, DESKTOP, tmp_path)
    assert layout["scrollWidth"] <= DESKTOP
    for row in layout["rows"]:
        source, target = row["source"], row["target"]
        assert abs(source["top"] - target["top"]) < 0.5, row  # side by side
        assert source["right"] <= target["left"] + 0.5 and source["width"] >= 300, row
    panels = layout["panels"]
    assert len({round(p["top"]) for p in panels}) == 1  # the cards in one row
    phone = measure(chromium, review_page, PHONE, tmp_path)
    assert phone["height"] < 4 * layout["height"], (phone["height"], layout["height"])
    screenshot(chromium, review_page, DESKTOP, "review-ur-1280.png")


@pytest.fixture(scope="module")
def published(review_page: Path) -> Path:
    """The Urdu page that build publishes from the review test's catalog, drafts included:
    Urdu paragraphs, and English ones where a unit has no translation."""
    root = review_page.parents[3]
    assert cli(root, "build", "--lang", "ur", "--drafts", "include").exit_code == 0
    return root / "build" / "ur" / f"{DOC}.txt.html"


def test_published_page_on_a_phone(published: Path, chromium: list[str], tmp_path: Path) -> None:
    layout = measure(chromium, published, PHONE, tmp_path)
    assert layout["scrollWidth"] <= PHONE and layout["right"] <= PHONE + 0.5
    blocks = layout["paragraphs"]
    assert len(blocks) >= 9 and all(300 <= b["width"] <= PHONE for b in blocks)
    assert all(f.startswith('"Noto Nastaliq Urdu"') for f in layout["fonts"]), layout["fonts"]
    screenshot(chromium, published, PHONE, "publish-ur-390.png")


def test_published_page_has_a_measure(published: Path, chromium: list[str], tmp_path: Path) -> None:
    layout = measure(chromium, published, DESKTOP, tmp_path)
    for block in layout["paragraphs"]:
        assert 500 <= block["width"] <= 760, block  # about 38em, not 1280 px of text
        assert abs(block["left"] - (DESKTOP - block["right"])) < 2  # centred
