"""File-system edges: reading sources strictly, atomic writes, the project lock."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from transflow.errors import TransflowError

LOCK_TIMEOUT_S = 120.0


def read_source(path: Path) -> str:
    """A source document's text, exactly (no newline translation).

    Binary, non-UTF-8 and empty documents are errors that name the file and line.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TransflowError(f"cannot read the document: {exc.strerror}", path) from None
    if b"\x00" in raw[:8192]:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise TransflowError("this looks like a binary file (NUL byte), not text", path, line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TransflowError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); convert it, e.g. with iconv",
            path,
            line,
        ) from None
    if not text.strip():
        raise TransflowError("the document is empty: there is nothing to translate", path)
    return text


def _temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new file of ours in `folder`, open for writing, named after `name`. (tempfile does
    the same, but importing it costs a command 8 ms.)"""
    while True:
        path = folder / f".{name}.{os.urandom(6).hex()}.tmp"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path
        except FileExistsError:
            continue


def write_atomic(path: Path, data: str, durable: bool = True) -> None:
    """Replace `path` with `data` all at once: readers see the old file or the new one.

    `durable`: the data reaches the disk (fsync) before it replaces the old file, so a
    crash leaves the old file or the new one, never an empty one, whatever the file
    system. For what people wrote (catalogs, settings). Files that a rerun makes again
    (build outputs, caches) skip it: it costs about 25 ms a build of a 2 MB document."""
    write_atomic_bytes(path, data.encode("utf-8"), durable)


def write_atomic_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """:func:`write_atomic` for bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temporary(path.parent, path.name)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_writable(folder: Path) -> None:
    """Fail before anything is written when `folder` (or its nearest existing parent) is not
    writable. It probes with a real temporary file, which also catches read-only mounts and
    immutable folders that permission bits don't show."""
    probe = folder
    while not probe.exists():
        probe = probe.parent
    try:
        if not probe.is_dir():
            raise NotADirectoryError(f"{probe} is not a folder")
        fd, probe_file = _temporary(probe, "transflow-probe")
        os.close(fd)
        probe_file.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise TransflowError(f"cannot write here ({reason}); nothing was changed", probe) from None


@contextlib.contextmanager
def project_lock(root: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """One writer at a time per project; a second process waits, then gives up clearly.

    An advisory ``flock`` on ``.transflow/lock``: the kernel drops it when the holder
    exits, however it exits, so a crash leaves no stale lock behind."""
    import fcntl

    folder = root / ".transflow"
    check_writable(folder)
    folder.mkdir(exist_ok=True)
    path = folder / "lock"
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TransflowError(
                        f"another transflow process has held the project lock for {timeout:.0f} s",
                        path,
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # releases the lock
