"""Hostile .argosmodel files: an archive's folder name, duplicate members, a zip bomb or
absurd metadata never removes another package, fills the disk or crashes the install.

The archives are made here from the real fixture package (tests/data/argos), in the
test's temporary folder; the largest unpacks to 64 MiB of zeros and is refused from its
member list, so nothing of it is written."""

from __future__ import annotations

import json
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from transflow.cli.models import models
from transflow.engines.argos_archives import parse_size

FIXTURES = Path(__file__).resolve().parent / "data" / "argos"
EN_AZ = FIXTURES / "translate-en_az-1_0.argosmodel"
EN_RU = FIXTURES / "translate-en_ru-1_0.argosmodel"


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(models, [str(a) for a in args], catch_exceptions=False)


def members(source: Path, top: str | None = None) -> list[tuple[str, bytes]]:
    """The files of a fixture package, under the top folder `top` if given."""
    with zipfile.ZipFile(source) as archive:
        old = archive.namelist()[0].split("/")[0]
        return [
            (name.replace(old, top, 1) if top else name, archive.read(name))
            for name in archive.namelist()
            if not name.endswith("/")
        ]


def write_zip(path: Path, files: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return path


def with_metadata(files: list[tuple[str, bytes]], **changes: Any) -> list[tuple[str, bytes]]:
    out = []
    for name, data in files:
        if name.endswith("/metadata.json"):
            data = json.dumps(json.loads(data) | changes).encode()
        out.append((name, data))
    return out


def installed(packages: Path) -> dict[str, str]:
    """Pair -> installed folder name."""
    result = cli("--packages-dir", packages, "list", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]  # JSON lines
    return {p["pair"]: Path(p["path"]).name for p in rows if p["type"] == "package"}


def refused(packages: Path, archive: Path, *options: str) -> str:
    """Installing `archive` fails with one error line and changes no installed package."""
    before = sorted(str(p.relative_to(packages)) for p in packages.rglob("*"))
    result = cli("--packages-dir", packages, "install", "--from", archive, *options)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("transflow: error: "), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert sorted(str(p.relative_to(packages)) for p in packages.rglob("*")) == before
    return result.stderr


@pytest.fixture
def packages(tmp_path: Path) -> Path:
    """A packages folder holding the real en→az and en→ru packages."""
    folder = tmp_path / "packages"
    for source in (EN_AZ, EN_RU):
        assert cli("--packages-dir", folder, "install", "--from", source).exit_code == 0
    assert installed(folder) == {"en_az": "translate-en_az-1_0", "en_ru": "translate-en_ru-1_0"}
    return folder


def test_a_folder_named_for_another_pair_is_refused(packages: Path, tmp_path: Path) -> None:
    """Before: this en→az archive deleted the installed en→ru package."""
    bad = write_zip(tmp_path / "x.argosmodel", members(EN_AZ, "translate-en_ru-1_0"))
    err = refused(packages, bad)
    assert "its folder 'translate-en_ru-1_0' is not named for the pair" in err
    assert "metadata.json gives, en→az" in err


def test_a_folder_of_another_package_is_never_replaced(packages: Path, tmp_path: Path) -> None:
    """A folder name that names no pair may be anything, but it may not take the place of
    another pair's installed package."""
    shared = write_zip(tmp_path / "ru.argosmodel", members(EN_RU, "shared"))
    other = tmp_path / "other"
    assert cli("--packages-dir", other, "install", "--from", shared).exit_code == 0
    bad = write_zip(tmp_path / "az.argosmodel", members(EN_AZ, "shared"))
    err = refused(other, bad)
    assert "its folder shared would replace the installed en→ru package" in err
    assert installed(other) == {"en_ru": "shared"}
    # and one of the same pair is replaced, as before
    same = write_zip(tmp_path / "ru2.argosmodel", with_metadata(members(EN_RU, "shared")))
    assert cli("--packages-dir", other, "install", "--from", same).exit_code == 0
    assert installed(other) == {"en_ru": "shared"}


def test_duplicate_members_are_refused(packages: Path, tmp_path: Path) -> None:
    """Before: a second metadata.json (en→ru) made the install remove both packages."""
    files = members(EN_AZ)
    ru_metadata = next(data for name, data in members(EN_RU) if name.endswith("metadata.json"))
    files.append(("translate-en_az-1_0/metadata.json", ru_metadata))
    with pytest.warns(UserWarning, match="Duplicate name"):
        bad = write_zip(tmp_path / "dup.argosmodel", files)
    err = refused(packages, bad)
    assert "'translate-en_az-1_0/metadata.json' is in the archive twice" in err
    assert set(installed(packages)) == {"en_az", "en_ru"}


def _bomb(path: Path, zeros: int) -> Path:
    """The en→az package plus `zeros` bytes of zeros, streamed (never all in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members(EN_AZ):
            archive.writestr(name, data)
        with archive.open("translate-en_az-1_0/padding.bin", "w", force_zip64=True) as out:
            chunk = bytes(1 << 20)
            for _ in range(zeros >> 20):
                out.write(chunk)
    return path


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.argosmodel", 64 << 20)
    assert bomb.stat().st_size < 1 << 20  # 64.5 MiB in under 1 MiB
    packages = tmp_path / "packages"
    started = time.perf_counter()
    result = cli("--packages-dir", packages, "install", "--from", bomb)
    took = time.perf_counter() - started
    assert result.exit_code == 1
    assert "would unpack to 64.5 MiB" in result.stderr
    assert "at most 10 times): a zip bomb?" in result.stderr
    assert "--max-compression-ratio" in result.stderr
    assert not packages.exists() or list(packages.rglob("*.bin")) == []
    assert took < 5, took  # the checksums of 64 MiB are not even read


def test_the_ratio_limit_can_be_raised(tmp_path: Path) -> None:
    padded = _bomb(tmp_path / "padded.argosmodel", 6 << 20)  # 6.5 MiB in 0.5 MiB
    with zipfile.ZipFile(padded) as archive:
        ratio = sum(m.file_size for m in archive.infolist()) / padded.stat().st_size
    assert 10 < ratio < 20
    packages = tmp_path / "packages"
    err = refused(tmp_path / "first", padded)
    assert f"{ratio:.0f} times its size" in err
    result = cli(
        "--packages-dir", packages, "install", "--from", padded, "--max-compression-ratio", "20"
    )
    assert result.exit_code == 0, result.output
    assert installed(packages) == {"en_az": "translate-en_az-1_0"}


def test_the_size_limit(tmp_path: Path) -> None:
    packages = tmp_path / "packages"
    err = refused(tmp_path / "first", EN_AZ, "--max-unpacked-size", "500K")
    assert "would unpack to 541.1 KiB, over the limit of 500.0 KiB" in err
    assert "--max-unpacked-size" in err
    ok = cli("--packages-dir", packages, "install", "--from", EN_AZ, "--max-unpacked-size", "1M")
    assert ok.exit_code == 0, ok.output
    bad = cli("--packages-dir", packages, "install", "--from", EN_AZ, "--max-unpacked-size", "x")
    assert bad.exit_code == 2 and "'x' is not a size such as 800M or 2G" in bad.output


def test_sizes_parse_in_binary_units() -> None:
    assert [parse_size(s) for s in ("1000", "300K", "800M", "2G", "1.5g", "64MiB")] == [
        1000,
        300 << 10,
        800 << 20,
        2 << 30,
        3 << 29,
        64 << 20,
    ]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"package_version": "1" * 100_000}, "package_version '1111"),
        ({"package_version": "1.0/../../x"}, "is not a version such as '1.9'"),
        ({"package_version": ["1"]}, "package_version is list, not a version"),
        ({"to_code": "../az"}, "'../az' is not a language code"),
    ],
)
def test_absurd_metadata_is_refused(
    packages: Path, tmp_path: Path, changes: dict[str, Any], why: str
) -> None:
    bad = write_zip(tmp_path / "meta.argosmodel", with_metadata(members(EN_AZ), **changes))
    err = refused(packages, bad)
    assert "not a valid Argos package: metadata.json" in err and why in err
    assert len(err) < 400


def test_a_100000_digit_number_is_not_a_traceback(packages: Path, tmp_path: Path) -> None:
    files = [
        (name, data.replace(b'"1.0"', b"1" * 100_000) if name.endswith("metadata.json") else data)
        for name, data in members(EN_AZ)
    ]
    err = refused(packages, write_zip(tmp_path / "digits.argosmodel", files))
    assert "metadata.json is not valid JSON" in err and len(err) < 400


def test_a_hand_installed_package_with_a_huge_version_does_not_break_listing(
    packages: Path,
) -> None:
    metadata = packages / "translate-en_ru-1_0" / "metadata.json"
    data = json.loads(metadata.read_text()) | {"package_version": "9" * 100_000}
    metadata.write_text(json.dumps(data))
    assert set(installed(packages)) == {"en_az", "en_ru"}
    assert os.listdir(packages)
