"""The units kept in ``.transflow/units/`` (transflow.cache.units): read back only for the
very text, format and settings they were found for, and never trusted when damaged."""

from __future__ import annotations

import hashlib
import shutil
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pytest
from tf_helpers import ROOT, SAMPLE, cli, make_project

from transflow import cache
from transflow.config import SegmentationConfig
from transflow.formats import format_name, get_format, markdown, markdown_blocks
from transflow.model import Placed, Unit

SOURCES = sorted(p.name for p in (ROOT / "source").iterdir())  # the sample: .html .md .txt
GUIDE = ROOT / "tests" / "data" / "markdown" / "guide.md"  # with paragraphs of several lines
OPTIONS = SegmentationConfig()
COUNTS = 3  # integers before the units': their number, the kinds', the layout's


@pytest.fixture
def kept_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the units of any document, however small (the sample's are)."""
    monkeypatch.setattr(cache, "UNITS_ABOVE", 0)


def never_segment(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """From now on, segmenting a document of `name`'s format fails the test."""

    def segment(self: object, text: str, options: SegmentationConfig) -> NoReturn:
        pytest.fail("the document was segmented again")

    monkeypatch.setattr(type(get_format(format_name(name))), "segment", segment)


def kept(root: Path, name: str, text: str, options: SegmentationConfig = OPTIONS) -> list[Unit]:
    return list(cache.units(root, name, format_name(name), text, options))


def segmented(name: str, text: str, options: SegmentationConfig = OPTIONS) -> list[Unit]:
    return list(get_format(format_name(name)).segment(text, options))


def the_file(root: Path) -> Path:
    (found,) = (root / cache.UNITS_DIR).iterdir()
    return found


@pytest.mark.usefixtures("kept_always")
@pytest.mark.parametrize("name", SOURCES)
def test_the_kept_units_are_the_formats_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    text = (ROOT / "source" / name).read_text(encoding="utf-8")
    first = kept(tmp_path, name, text)
    assert first == segmented(name, text)
    assert any(u.tags for u in first) or name.endswith(".txt")  # markup is kept too
    never_segment(monkeypatch, name)
    assert kept(tmp_path, name, text) == first


@pytest.mark.usefixtures("kept_always")
def test_another_text_or_other_settings_are_segmented_again(tmp_path: Path) -> None:
    name = SAMPLE.name
    text = SAMPLE.read_text(encoding="utf-8")
    kept(tmp_path, name, text)
    changed = text.replace("Baku", "Ganja", 1)
    assert kept(tmp_path, name, changed) == segmented(name, changed)
    paragraphs = SegmentationConfig(unit="paragraph")
    assert kept(tmp_path, name, changed, paragraphs) == segmented(name, changed, paragraphs)
    assert kept(tmp_path, name, changed, paragraphs) != segmented(name, changed)


def _resigned(data: bytes, change: int, at: int = COUNTS + 3) -> bytes:
    """`data` with its integer number `at` changed by `change` (by default the start of
    its first unit: after the counts, its block, number, kind), its checksum redone."""
    head, _, body = data.partition(b"\n")
    numbers = array("i")
    numbers.frombytes(body[: (at + 1) * numbers.itemsize])
    numbers[at] += change
    body = numbers.tobytes() + body[(at + 1) * numbers.itemsize :]
    key = head[: -len(hashlib.sha256(b"").hexdigest())]
    assert key.startswith(b"transflow-units ") and not key.endswith(b"\n")
    return key + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body


def _layout_resigned(data: bytes, change: int, at: int) -> bytes:
    """`data` with the integer number `at` of its layout changed by `change`, signed anew."""
    counts = array("i")
    counts.frombytes(data.partition(b"\n")[2][: COUNTS * counts.itemsize])
    assert counts[2] > at  # a layout to damage
    return _resigned(data, change, COUNTS + cache._COLUMNS * counts[0] + at)


DAMAGES = {
    "a flipped bit": lambda d: d[:-40] + bytes([d[-40] ^ 1]) + d[-39:],
    "cut short": lambda d: d[: len(d) // 2],
    "empty": lambda d: b"",
    "an older version's": lambda d: d.replace(cache._MAGIC, b"transflow-units 2 ", 1),
    "a start before the text, signed anew": lambda d: _resigned(d, -(10**6)),
    "a start after the end, signed anew": lambda d: _resigned(d, 10**6),
    "one more unit, signed anew": lambda d: _resigned(d, 1, 0),
}
# Markdown: the lines of the paragraphs its rebuild re-wraps
LAYOUT_DAMAGES = {
    "a region of one line": lambda d: _layout_resigned(d, -1, 0),
    "a region past the layout's end": lambda d: _layout_resigned(d, 10**6, 0),
    "a line's start after its content": lambda d: _layout_resigned(d, 10**6, 1),
    "a line past the text's end": lambda d: _layout_resigned(d, 10**6, 3),
    "a line before the one above": lambda d: _layout_resigned(d, -(10**6), 4),
    "a longer layout": lambda d: _resigned(d, 1, 2),
    "a shorter layout": lambda d: _resigned(d, -1, 2),
}


@pytest.mark.usefixtures("kept_always")
@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("name", SOURCES)
def test_a_damaged_file_is_never_trusted(tmp_path: Path, name: str, damage: str) -> None:
    text = (ROOT / "source" / name).read_text(encoding="utf-8")
    kept(tmp_path, name, text)
    path = the_file(tmp_path)
    path.write_bytes(DAMAGES[damage](path.read_bytes()))
    assert kept(tmp_path, name, text) == segmented(name, text)
    assert kept(tmp_path, name, text) == segmented(name, text)  # and the file written anew


def never_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, scanning a Markdown document's blocks fails the test."""

    def scan(text: str) -> NoReturn:
        pytest.fail("the document's blocks were scanned again")

    monkeypatch.setattr(markdown_blocks, "scan", scan)


def rebuilt(units: Sequence[Unit], text: str) -> tuple[str, list[Placed]]:
    """The Markdown `text` with every unit of `units` translated (paragraphs re-wrapped)."""
    return get_format("markdown").align(text, units, "«{}»".format, "az")


@pytest.mark.usefixtures("kept_always")
def test_markdown_keeps_what_its_rebuild_needs_with_the_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    expected = rebuilt(segmented(GUIDE.name, text), text)
    assert expected[0].count("\n") > text.count("\n")  # re-wrapped: longer translations
    kept(tmp_path, GUIDE.name, text)
    never_segment(monkeypatch, GUIDE.name)
    never_scan(monkeypatch)
    text = GUIDE.read_text(encoding="utf-8")  # read again, as a build after extract does
    assert rebuilt(cache.units(tmp_path, GUIDE.name, "markdown", text, OPTIONS), text) == expected


@pytest.mark.usefixtures("kept_always")
@pytest.mark.parametrize("damage", [*DAMAGES, *LAYOUT_DAMAGES])
def test_a_damaged_markdown_layout_is_never_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    units = segmented(GUIDE.name, text)
    expected = rebuilt(units, text)
    kept(tmp_path, GUIDE.name, text)
    path = the_file(tmp_path)
    path.write_bytes({**DAMAGES, **LAYOUT_DAMAGES}[damage](path.read_bytes()))
    calls: list[str] = []
    segment = markdown.segment
    monkeypatch.setattr(markdown, "segment", lambda *a: calls.append("") or segment(*a))
    found = cache.units(tmp_path, GUIDE.name, "markdown", text, OPTIONS)
    assert calls  # segmented again
    assert list(found) == units
    assert rebuilt(found, text) == expected


@pytest.mark.usefixtures("kept_always")
def test_a_layout_kept_for_a_format_without_one_is_never_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = SAMPLE.name  # a text document: its format has no layout
    text = SAMPLE.read_text(encoding="utf-8")
    form = type(get_format(format_name(name)))
    with monkeypatch.context() as patched:
        patched.setattr(form, "layout", lambda self, text, units: [1, 2, 3])
        units = kept(tmp_path, name, text)  # kept with a layout the format never takes back
    calls: list[str] = []
    segment = form.segment
    monkeypatch.setattr(form, "segment", lambda *a: calls.append("") or segment(*a))
    assert kept(tmp_path, name, text) == units
    assert calls  # segmented again


def test_build_after_extract_does_not_segment_a_large_document_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path)
    article = SAMPLE.read_text(encoding="utf-8")
    large = root / "source" / SAMPLE.name
    large.write_text(article + "\n" + "\n".join([article] * 12), encoding="utf-8")
    assert len(large.read_text(encoding="utf-8")) >= cache.UNITS_ABOVE
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    assert cli(root, "translate", "--engine", "pseudo", "--lang", "az").exit_code == 0
    assert cli(root, "build", "--lang", "az", "--drafts", "include").exit_code == 0
    built = {p.name: p.read_bytes() for p in (root / "build" / "az").iterdir()}
    shutil.rmtree(root / "build")
    never_segment(monkeypatch, SAMPLE.name)
    assert cli(root, "build", "--lang", "az", "--drafts", "include").exit_code == 0
    assert {p.name: p.read_bytes() for p in (root / "build" / "az").iterdir()} == built


def test_a_units_folder_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    large = root / "source" / SAMPLE.name
    large.write_text("\n".join([SAMPLE.read_text(encoding="utf-8")] * 13), encoding="utf-8")
    (root / ".transflow").mkdir()
    (root / cache.UNITS_DIR).write_text("not a folder\n", encoding="utf-8")
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    assert cli(root, "build", "--lang", "az").exit_code == 0


@pytest.mark.usefixtures("kept_always")
def test_extract_deletes_the_units_of_documents_no_longer_in_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    other = root / "source" / "other.txt"
    other.write_text("Another article.\n\nIts one paragraph.\n", encoding="utf-8")
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    folder = root / cache.UNITS_DIR
    assert len(list(folder.iterdir())) == 2
    assert cli(root, "extract", "--lang", "az", str(other)).exit_code == 0
    assert len(list(folder.iterdir())) == 2  # one document named: the others' are kept
    other.unlink()
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    assert len(list(folder.iterdir())) == 1
