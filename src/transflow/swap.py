"""Writing a file someone else may be saving: merge-on-write.

A person saving a catalog in an editor takes no lock. So a job that read a file and now
writes it first looks whether the file is still what it read (:class:`Seen`: its size
and SHA-256), waits for a save in progress to finish (:func:`settled`), merges what it
finds (the caller's ``remerge``), and swaps its file in with ``renameat2``'s exchange,
which catches a save landing at that very moment (:func:`replace_merged`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from transflow.errors import TransflowError
from transflow.files import TMP_DIR, temporary

SETTLE_S = 0.02  # how long a file must stay the same before it is taken as saved
SETTLE_TRIES = 50  # a file still changing after this many looks is read as it is


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


class Seen(NamedTuple):
    """What a file held, known by its size and SHA-256 rather than kept: a job that reads
    large catalogs holds their entries, not their texts as well."""

    size: int
    digest: bytes

    @classmethod
    def of(cls, data: bytes) -> Seen:
        import hashlib

        return cls(len(data), hashlib.sha256(data).digest())


def seen(path: Path) -> Seen | None:
    """What `path` holds now (None: no file), read a block at a time."""
    import hashlib

    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            return Seen(size, hashlib.file_digest(handle, "sha256").digest())
    except FileNotFoundError:
        return None


def settled(path: Path, data: bytes | None) -> bytes | None:
    """`path`'s bytes once they stop changing: an editor saving in place (truncate, then
    write) may be half-way through when we look."""
    for _ in range(SETTLE_TRIES):
        time.sleep(SETTLE_S)
        again = _read(path)
        if again == data:
            break
        data = again
    return data


_RENAMEAT2: list[Callable[..., int] | None] = []


def _renameat2() -> Callable[..., int] | None:
    if not _RENAMEAT2:
        _RENAMEAT2.append(_load_renameat2())
    return _RENAMEAT2[0]


def _load_renameat2() -> Callable[..., int] | None:
    import ctypes

    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two files in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system or the file system cannot."""
    import ctypes

    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, bytes(a), _AT_FDCWD, bytes(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


# What to write: the bytes, or what makes them a piece at a time (called again for each
# time they are written, so that a large catalog is never held whole).
Data = bytes | Callable[[], Iterable[bytes]]


def _stage(folder: Path, name: str, data: Data) -> tuple[Path, Seen]:
    """`data` in a new temporary file in `folder` (not yet on the disk), and what it holds."""
    import hashlib

    fd, tmp = temporary(folder, name)
    try:
        digest, size = hashlib.sha256(), 0
        with open(fd, "wb") as handle:
            for piece in (data,) if isinstance(data, bytes) else data():
                handle.write(piece)
                digest.update(piece)
                size += len(piece)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp, Seen(size, digest.digest())


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_merged(
    path: Path,
    old: bytes | Seen | None,
    ours: Data,
    remerge: Callable[[bytes], Data],
    root: Path,
) -> Seen | None:
    """Write `ours` to `path`, which held `old` when it was read (the bytes, or what
    :class:`Seen` of them), without losing a save made since by someone else (a person in
    an editor, who takes no lock); nothing is written when `ours` is what `path` held.

    Whenever the file is found other than expected, before or at the very moment of the
    replacement, ``remerge(found)`` makes the data to write instead (:mod:`reconcile`).
    The replacement swaps the new file with the old in one step (where the system can), so
    that a save landing at that moment is caught in the swapped-out file, swapped back at
    once and merged in the next round; elsewhere (macOS, or a file system without the swap)
    a save in the microseconds between the last look and the rename can still be lost.
    The data reaches the disk before it replaces the old file. Returns what was written
    (its size and digest), or None when there was nothing to write."""
    scratch = root / TMP_DIR
    scratch.mkdir(parents=True, exist_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.stat(scratch).st_dev != os.stat(path.parent).st_dev:
        scratch = path.parent  # a rename cannot cross file systems
    on_disk = Seen.of(old) if isinstance(old, bytes) else old  # what `path` holds, we know
    # `ours` is compared (written to `tmp`, if pieces) before anything else: unchanged,
    # the file need not be looked at
    tmp: Path | None = None
    try:
        if isinstance(ours, bytes) and Seen.of(ours) == on_disk:
            return None  # (bytes are compared before they are written; pieces, as written)
        tmp, mine = _stage(scratch, path.name, ours)
        synced = False
        if mine == on_disk:
            return None
        for _ in range(100):
            if seen(path) != on_disk:
                current = settled(path, _read(path))
                if current is not None:
                    ours = remerge(current)
                    if tmp is not None:
                        os.unlink(tmp)
                    tmp = None
                    tmp, mine = _stage(scratch, path.name, ours)
                    synced = False
                on_disk = None if current is None else Seen.of(current)
            if mine == on_disk:
                return None
            if tmp is None:  # it went into `path`, or may hold someone else's save now
                tmp, mine = _stage(scratch, path.name, ours)
                synced = False
            if not synced:
                _sync(tmp)
                synced = True
            if on_disk is None:
                os.chmod(tmp, 0o644)
                try:
                    os.link(tmp, path)  # fails if someone made the file meanwhile
                except FileExistsError:
                    continue
                except OSError:  # a file system without hard links
                    if path.exists():
                        continue
                    os.replace(tmp, path)
                    tmp = None
                return mine
            os.chmod(tmp, path.stat().st_mode & 0o777)
            if seen(path) != on_disk:  # saved while we merged and wrote: merge that first
                continue
            if not _exchange(tmp, path):
                os.replace(tmp, path)
                tmp = None
                return mine
            if seen(tmp) == on_disk:
                return mine
            # someone saved at that very moment, and their file is now `tmp`: put it back
            # at once (and a save made between the two swaps, the newer one), then merge
            _exchange(tmp, path)
            if seen(tmp) != mine:
                _exchange(tmp, path)
            os.unlink(tmp)  # ours, or someone's earlier save: made again if need be
            tmp = None
            on_disk = mine  # not what `path` holds now: the next round merges it
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    raise TransflowError("the file keeps changing while transflow writes it; nothing lost", path)
