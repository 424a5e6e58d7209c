"""The units cache: a large document split by one job is not split again by the next, and
a stale, damaged or unwritable cache is never used and never an error."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from test_parallel import _files, _large_project
from tf_helpers import cli

from transflow import cache, project
from transflow.config import SegmentationConfig
from transflow.segmentation import Unit, segment


@pytest.fixture
def splits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the documents split into units (all work stays in this process)."""
    monkeypatch.setenv("TRANSFLOW_JOBS", "1")
    calls: list[int] = []

    def counted(text: str, options: SegmentationConfig | None = None) -> tuple[Unit, ...]:
        calls.append(len(text))
        return segment(text, options)

    monkeypatch.setattr(project, "segment", counted)
    return calls


def _cached(root: Path) -> list[Path]:
    return sorted((root / cache.UNITS_FOLDER).glob("*.bin"))


def _build(root: Path) -> dict[str, bytes]:
    assert cli(root, "build", "--lang", "az").exit_code == 0
    return {name: data for name, data in _files(root).items() if name.startswith("build/")}


@pytest.fixture
def extracted(tmp_path: Path) -> Path:
    root = _large_project(tmp_path / "p")
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    return root


def test_build_after_extract_reads_the_units_back(extracted: Path, splits: list[int]) -> None:
    assert len(_cached(extracted)) == 1
    built = _build(extracted)
    assert splits == []
    (extracted / "build").rename(extracted / "build-before")
    for path in _cached(extracted):
        path.unlink()
    assert _build(extracted) == built  # split again: the same outputs
    assert len(splits) == 1 and len(_cached(extracted)) == 1


def test_a_small_document_is_not_cached(tmp_path: Path) -> None:
    root = _large_project(tmp_path / "p")
    source = root / "source" / "big.txt"
    source.write_text(source.read_text("utf-8")[: cache.UNITS_ABOVE // 2], "utf-8")
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    assert _cached(root) == []


def test_a_changed_document_is_split_again(extracted: Path, splits: list[int]) -> None:
    source = extracted / "source" / "big.txt"
    text = source.read_text("utf-8")
    before = _cached(extracted)[0].read_bytes()
    source.write_text(text.replace("Baku", "Gǝnc", 1), "utf-8")  # same length
    output = _build(extracted)["build/az/big.txt"].decode("utf-8")
    assert "Gǝnc" in output and len(splits) == 1
    assert _cached(extracted)[0].read_bytes() != before  # the new units replace the old


def test_other_segmentation_settings_split_again(extracted: Path, splits: list[int]) -> None:
    config = extracted / "transflow.toml"
    text = config.read_text("utf-8")
    config.write_text(text.replace("non_breaking = []", 'non_breaking = ["Mr X"]'), "utf-8")
    assert config.read_text("utf-8") != text
    _build(extracted)
    assert len(splits) == 1


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2 - 3]


def _header_only(data: bytes) -> bytes:
    return data[: data.index(b"\n") + 1]


def _signed(head: bytes, body: bytes) -> bytes:
    """A file whose body matches its hash: damage that only the checks of values catch."""
    return head[: -len(_sha(b""))] + _sha(body) + b"\n" + body


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).hexdigest().encode("ascii")


def _end_past_text(data: bytes) -> bytes:
    head, _, body = data.partition(b"\n")
    return _signed(head, body[:-8] + (10**9).to_bytes(8, "little"))


def _unknown_kind(data: bytes) -> bytes:
    head, _, body = data.partition(b"\n")
    return _signed(head, body[:16] + (99).to_bytes(8, "little") + body[24:])


def _flipped(data: bytes) -> bytes:
    return data[:-3] + bytes([data[-3] ^ 1]) + data[-2:]


def _other_text(data: bytes) -> bytes:
    return data.replace(b"transflow-units 1 ", b"transflow-units 1 0", 1)


@pytest.mark.parametrize(
    "damage", [_truncate, _header_only, _flipped, _end_past_text, _unknown_kind, _other_text]
)
def test_a_damaged_cache_is_not_used(
    extracted: Path, splits: list[int], damage: Callable[[bytes], bytes]
) -> None:
    good = _build(extracted)
    (extracted / "build").rename(extracted / "build-before")
    saved = _cached(extracted)[0]
    saved.write_bytes(damage(saved.read_bytes()))
    assert _build(extracted) == good
    assert len(splits) == 1


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path, splits: list[int]) -> None:
    root = _large_project(tmp_path / "p")
    (root / ".transflow").mkdir()
    (root / cache.UNITS_FOLDER).write_text("not a folder", "utf-8")
    assert cli(root, "extract", "--lang", "az").exit_code == 0
    _build(root)
    assert len(splits) == 2  # nothing was kept


def test_extract_deletes_the_units_of_documents_no_longer_there(extracted: Path) -> None:
    renamed = extracted / "source" / "renamed.txt"
    (extracted / "source" / "big.txt").rename(renamed)
    assert cli(extracted, "extract", "--lang", "az", str(renamed)).exit_code == 0
    assert len(_cached(extracted)) == 2  # extract of one document: the others are kept
    (extracted / cache.UNITS_FOLDER / ".left-by-a-killed-save.tmp").write_bytes(b"")
    assert cli(extracted, "extract", "--lang", "az").exit_code == 0
    assert len(_cached(extracted)) == 1
    assert len(list((extracted / cache.UNITS_FOLDER).iterdir())) == 1
    assert _build(extracted)["build/az/renamed.txt"]
