"""Argos package files (``.argosmodel``, zip archives): read and checked, never trusted.

:func:`read_archive` checks a whole archive before anything of it is written: its
layout (one top folder holding metadata, model and tokenizer; no unsafe or duplicate
member names), its size once unpacked and its compression ratio against
:class:`Limits` (a zip bomb is refused from its member list, before any byte is
unpacked), its metadata (language codes, a version of reasonable length, and the pair
the top folder is named for, when it is named for one) and every member's checksum.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from transflow.errors import TransflowError

# Real Argos packages unpack to about 80-200 MB, at a compression ratio of 1.1-1.3
# (quantized weights hardly compress); the defaults leave a wide margin.
MAX_UNPACKED = 1 << 30  # 1 GiB
MAX_RATIO = 10.0
MAX_MEMBERS = 10_000
_MAX_METADATA = 1 << 20  # metadata.json: a few hundred bytes in real packages
_CODE = re.compile(r"[A-Za-z0-9-]{1,35}")
_VERSION = re.compile(r"[0-9A-Za-z.+_-]{0,32}")


@dataclass(frozen=True)
class Limits:
    """What an archive may unpack to: bytes in all, and times its own size."""

    max_unpacked: int = MAX_UNPACKED
    max_ratio: float = MAX_RATIO


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Archive:
    """A validated .argosmodel file."""

    path: Path
    top: str
    from_code: str
    to_code: str
    version: str
    unpacked: int = 0  # bytes, once extracted


def size_text(count: float) -> str:
    """1536 -> '1.5 KiB'."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def parse_size(text: str) -> int:
    """'1G', '800M', '300K', '1000' (bytes) -> bytes. Binary units (M = MiB)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", text, re.IGNORECASE)
    if match is None:
        raise ValueError(f"{text!r} is not a size such as 800M or 2G")
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(float(match.group(1)) * 1024**power)


def read_archive(path: Path, limits: Limits = DEFAULT_LIMITS) -> Archive:
    """Validates a package file completely without extracting it; see the module doc."""

    def bad(why: str) -> TransflowError:
        return TransflowError(f"not a valid Argos package: {why}", path)

    if not path.is_file():
        raise TransflowError("no such package file", path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            top = _check_layout([m.filename for m in members if m.filename], bad)
            unpacked = _check_size(members, path.stat().st_size, limits, path)
            meta = archive.getinfo(f"{top}/metadata.json")
            if meta.file_size > _MAX_METADATA:
                raise bad(f"metadata.json is {size_text(meta.file_size)}, too large")
            metadata = json.loads(archive.read(meta))
            try:
                broken = archive.testzip()
            except (zlib.error, EOFError) as exc:
                raise bad(f"damaged data ({exc})") from exc
            if broken is not None:
                raise bad(f"{broken} is damaged (checksum mismatch)")
    except zipfile.BadZipFile as exc:
        raise bad(f"not a zip archive ({exc})") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise bad(f"unreadable ({exc})") from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a 5000-digit number
        raise bad(f"metadata.json is not valid JSON ({_short(str(exc))})") from exc
    from_code, to_code, version = _check_metadata(metadata, top, bad)
    return Archive(path, top, from_code, to_code, version, unpacked)


def _short(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _check_layout(names: list[str], bad: Callable[[str], TransflowError]) -> str:
    """The archive's one top-level folder, holding metadata, model and tokenizer."""
    if not names:
        raise bad("the archive is empty")
    seen: set[str] = set()
    for name in names:
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise bad(f"unsafe path {_short(name)!r} in the archive")
        key = name.replace("\\", "/").rstrip("/")
        if key in seen:  # zipfile reads the last one, and extracts both
            raise bad(f"{_short(key)!r} is in the archive twice")
        seen.add(key)
    tops = sorted({name.split("/")[0] for name in names})
    if len(tops) != 1 or tops[0].startswith(".") or any("/" not in name for name in names):
        found = ", ".join(_short(t, 40) for t in tops[:5])
        raise bad(f"expected exactly one top-level folder (found: {found})")
    top = tops[0]
    for required in ("metadata.json", "model/model.bin"):
        if f"{top}/{required}" not in seen:
            raise bad(f"missing {top}/{required}")
    if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & seen:
        raise bad(f"missing {top}/sentencepiece.model (or bpe.model)")
    return top


def _check_size(members: list[zipfile.ZipInfo], size: int, limits: Limits, path: Path) -> int:
    """The unpacked size, from the member list; an error when it is over the limits.

    The sizes a zip declares bound what extracting writes: zipfile stops each member at
    its declared size (and its checksum then fails), so a lying header gains nothing."""
    if len(members) > MAX_MEMBERS:
        raise TransflowError(
            f"not a valid Argos package: {len(members)} files (at most {MAX_MEMBERS})", path
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked:
        raise TransflowError(
            f"the package would unpack to {size_text(unpacked)}, over the limit of "
            f"{size_text(limits.max_unpacked)}; nothing was installed (if you trust it, "
            "raise the limit with --max-unpacked-size)",
            path,
        )
    ratio = unpacked / max(size, 1)
    if ratio > limits.max_ratio:
        raise TransflowError(
            f"the package would unpack to {size_text(unpacked)}, {ratio:.0f} times its "
            f"size ({size_text(size)}; at most {limits.max_ratio:g} times): a zip bomb? "
            "nothing was installed (if you trust it, raise the limit with "
            "--max-compression-ratio)",
            path,
        )
    return unpacked


def _check_metadata(
    metadata: object, top: str, bad: Callable[[str], TransflowError]
) -> tuple[str, str, str]:
    """(from_code, to_code, version) of a package's metadata.json, checked."""
    if not isinstance(metadata, dict):
        raise bad("metadata.json is not a JSON object")
    codes = [metadata.get(key) for key in ("from_code", "to_code")]
    if not all(isinstance(code, str) and code for code in codes):
        raise bad("metadata.json lacks from_code/to_code")
    from_code, to_code = str(codes[0]), str(codes[1])
    for code in (from_code, to_code):
        if not _CODE.fullmatch(code):
            raise bad(f"metadata.json: {_short(code, 40)!r} is not a language code")
    if metadata.get("type", "translate") != "translate":
        raise bad(f"package type is {_short(str(metadata.get('type')), 40)!r}, not 'translate'")
    version = metadata.get("package_version", "")
    if isinstance(version, bool) or not isinstance(version, str | int | float):
        raise bad(f"metadata.json: package_version is {type(version).__name__}, not a version")
    version = str(version)
    if not _VERSION.fullmatch(version):
        raise bad(
            f"metadata.json: package_version {_short(version, 40)!r} is not a version "
            "such as '1.9' (at most 32 letters, digits and . + _ -)"
        )
    if not _named_for(top, from_code, to_code):
        raise bad(
            f"its folder {top!r} is not named for the pair its metadata.json gives, "
            f"{from_code}→{to_code} (expected translate-{from_code}_{to_code}-VERSION)"
        )
    return from_code, to_code, version


def _named_for(top: str, from_code: str, to_code: str) -> bool:
    """Whether a top folder named as argospm names them (``translate-en_az-1_0``, or
    ``en_az`` in old packages) names this pair; any other name names none."""
    pair = f"{from_code}_{to_code}"
    if top.startswith("translate-"):
        return top == f"translate-{pair}" or top.startswith(f"translate-{pair}-")
    if re.fullmatch(r"[A-Za-z0-9-]+_[A-Za-z0-9-]+", top):
        return top == pair
    return True
