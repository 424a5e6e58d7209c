"""File-system edges: reading sources strictly, atomic writes, the project lock. Writing
a file a person may be saving meanwhile (merge-on-write) is :mod:`transflow.swap`."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from transflow.errors import TransflowError

LOCK_TIMEOUT_S = 120.0
STATE_DIR = ".transflow"
TMP_DIR = ".transflow/tmp"  # catalogs being written: never inside locales/, where git looks

# where warn() sends what a user should know as it happens, innermost last: while empty,
# the ``transflow`` logger (logging is imported then: at start-up it cost every command
# 16 million instructions, a twelfth of `transflow --version`'s)
_listeners: list[Callable[[str], None]] = []


def warn(message: str) -> None:
    """Tell the user `message` now (the library never prints): a warning on the
    ``transflow`` logger, or what :func:`warnings_to` set instead."""
    if _listeners:
        _listeners[-1](message)
        return
    import logging

    logging.getLogger("transflow").warning(message)


@contextlib.contextmanager
def warnings_to(say: Callable[[str], None]) -> Iterator[None]:
    """Within the block, :func:`warn` calls `say` instead of logging (the command line
    prints on stderr)."""
    _listeners.append(say)
    try:
        yield
    finally:
        _listeners.remove(say)


def read_source(path: Path) -> str:
    """A source document's text, exactly (no newline translation).

    Binary, UTF-16/32, non-UTF-8 and empty documents are errors that name the file and
    line. Only regular files are read: a device (``/dev/zero``) or a named pipe is refused
    before anything is read from it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except OSError as exc:
        raise TransflowError(f"cannot read the document: {exc.strerror}", path) from None
    with open(fd, "rb") as handle:
        kind = _not_regular(os.fstat(fd).st_mode)
        if kind:
            raise TransflowError(f"not a regular file ({kind}); give a text file", path)
        try:
            raw = handle.read()
        except OSError as exc:
            raise TransflowError(f"cannot read the document: {exc.strerror}", path) from None
    wide = _wide_encoding(raw)
    if wide:
        codec = wide.replace(" (little-endian)", "LE").replace(" (big-endian)", "BE")
        raise TransflowError(
            f"this is {wide} text, not UTF-8; convert it, e.g. with iconv -f {codec} -t UTF-8",
            path,
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise TransflowError("this looks like a binary file (NUL byte), not text", path, line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise TransflowError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); convert it, e.g. with iconv",
            path,
            line,
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise TransflowError("the document is empty: there is nothing to translate", path)
    return text


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a folder" if stat.S_ISDIR(mode) else "not a file"


_BOMS = (  # the UTF-32 ones first: FF FE 00 00 begins with the UTF-16LE mark
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)", "utf-32-be"),
    (b"\xff\xfe", "UTF-16 (little-endian)", "utf-16-le"),
    (b"\xfe\xff", "UTF-16 (big-endian)", "utf-16-be"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """The name of the UTF-16 or UTF-32 encoding `raw` is in, when it is plainly one:
    it starts with that encoding's byte-order mark, or (UTF-16 without a mark) its first
    8 KB has NUL bytes at every other position, as ASCII text in UTF-16 has, and decodes.
    None for anything else (UTF-8, binary data)."""
    sample = raw[:8192]
    for mark, name, codec in _BOMS:
        if sample.startswith(mark) and _decodes(sample, codec):
            return name
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even == 0 and _decodes(sample, "utf-16-le"):
        return "UTF-16 (little-endian)"
    if odd == 0 and _decodes(sample, "utf-16-be"):
        return "UTF-16 (big-endian)"
    return None


def _decodes(sample: bytes, codec: str) -> bool:
    width = 4 if "32" in codec else 2
    cut = len(sample) - len(sample) % width
    try:
        sample[:cut].decode(codec)
    except UnicodeDecodeError:
        # the 8 KB cut may split a surrogate pair: one more unit is allowed to be cut
        try:
            sample[: max(cut - 2, 0)].decode(codec)
        except UnicodeDecodeError:
            return False
    return True


def temporary(folder: Path, name: str) -> tuple[int, Path]:
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
    fd, tmp = temporary(path.parent, path.name)
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


def write_changed_chunks(path: Path, chunks: Iterable[bytes]) -> str:
    """Write the bytes `chunks` make into `path` atomically, one chunk at a time (the whole
    file is never in memory), unless the file already holds exactly them; not fsynced (for
    files a rerun makes again). Returns "created", "updated" or "unchanged" (then the file
    is left as it was)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        old: BinaryIO | None = open(path, "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        old = None
    try:
        fd, tmp = temporary(path.parent, path.name)
        try:
            same = old is not None
            with open(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                    if same and old is not None:
                        same = old.read(len(chunk)) == chunk
            if old is not None and same and old.read(1) == b"":
                os.unlink(tmp)
                return "unchanged"
            os.chmod(tmp, os.fstat(old.fileno()).st_mode & 0o777 if old else 0o644)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    finally:
        if old is not None:
            old.close()
    return "updated" if old is not None else "created"


def state_dir(root: Path) -> Path:
    """The project's ``.transflow`` folder, made with a ``.gitignore`` that ignores all of it,
    so that nothing transflow keeps or leaves there can be committed by mistake."""
    folder = root / STATE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# transflow's own state and temporary files\n*\n", encoding="utf-8")
    return folder


def cleantemporary(root: Path) -> None:
    """Delete the temporary files a killed transflow left. Call it holding the lock."""
    folder = root / TMP_DIR
    if folder.is_dir():
        for path in folder.iterdir():
            path.unlink(missing_ok=True)


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or below it (both resolved)."""
    return path == folder or folder in path.parents


def link_out(root: Path, path: Path) -> tuple[Path, Path] | None:
    """The symbolic link on the way from `root` (resolved) to `path` that leads outside
    `root`, and where it leads; None when `path` resolves inside `root`. `path` need not
    exist: what exists of it is followed."""
    real = Path(os.path.realpath(path))
    if inside(real, root):
        return None
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return path, real
    probe = root
    for part in parts:
        probe = probe / part
        if probe.is_symlink():
            target = Path(os.path.realpath(probe))
            if not inside(target, root):
                return probe, target
    return path, real


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
        fd, probe_file = temporary(probe, "transflow-probe")
        os.close(fd)
        probe_file.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise TransflowError(f"cannot write here ({reason}); nothing was changed", probe) from None


def _holder(descriptor: int) -> str:
    with contextlib.suppress(OSError):
        text = os.pread(descriptor, 400, 0).decode("utf-8", "replace").strip()
        if text:
            return text
    return "another transflow process"


@contextlib.contextmanager
def project_lock(root: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """One writer at a time per project; a second process says whom it waits for (on the
    ``transflow`` logger, see :func:`warn`), waits, then gives up clearly.

    An advisory ``flock`` on ``.transflow/lock``: the kernel drops it when the holder
    exits, however it exits, so a crash leaves no stale lock behind. The holder writes
    who it is into the file. Temporary files a killed run left are deleted on taking it."""
    import fcntl

    folder = root / STATE_DIR
    check_writable(folder)
    state_dir(root)
    path = folder / "lock"
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        said = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not said:
                    warn(f"waiting for the project lock ({path}): {_holder(descriptor)}")
                    said = True
                if time.monotonic() >= deadline:
                    raise TransflowError(
                        f"{_holder(descriptor)} has held the project lock for {timeout:.0f} s",
                        path,
                    ) from None
                time.sleep(0.05)
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:120]
        os.ftruncate(descriptor, 0)
        stamp = time.strftime("%H:%M:%S")
        os.pwrite(descriptor, f"process {os.getpid()} ({command}, since {stamp})".encode(), 0)
        cleantemporary(root)
        yield
    finally:
        os.close(descriptor)  # releases the lock
