"""Work on a second CPU: a task run in a forked process, its result sent back pickled.

Jobs use it where the work splits into parts whose results are cheap to send: the two
halves of the catalogs to print (text), a large document's sentences found while its
catalogs are read (positions). A task runs in a child only when that can pay off and is
safe: on Linux, with a second CPU, when no other thread runs in this process (forking one
is unsafe), and unless ``TRANSFLOW_JOBS`` is ``1``. Otherwise, and whenever the child
fails in any way, the task runs here, so a result (or the task's own exception) is what
running it here gives.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

__all__ = ["background", "cpus", "map_split"]

T = TypeVar("T")
R = TypeVar("R")


def cpus() -> int:
    """The CPUs transflow may use: this process's affinity, capped by TRANSFLOW_JOBS."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    setting = os.environ.get("TRANSFLOW_JOBS", "")
    return max(1, min(available, int(setting))) if setting.isdigit() else available


def _can_fork() -> bool:
    # Linux only: on macOS some system libraries are not safe in a forked child
    linux = sys.platform.startswith("linux")
    return linux and cpus() > 1 and threading.active_count() == 1


@contextlib.contextmanager
def background(task: Callable[[], T], fork: bool = True) -> Iterator[Callable[[], T]]:
    """Start `task` in a child process when that can pay off (and `fork`). Inside the block,
    calling the function given waits for the result (or runs `task` here); a child whose
    result was not asked for is stopped when the block ends."""
    if not fork or not _can_fork():
        yield task
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()  # or the child would write this process's buffers again
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running any exit handler
        os.close(reader)
        status = 0
        try:
            data = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
            with open(writer, "wb") as out:
                out.write(data)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(writer)
    channel = open(reader, "rb")  # noqa: SIM115 (closed below, whatever happens)
    done = False

    def result() -> T:
        nonlocal done
        data = channel.read()
        done = True
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:
            return task()  # the child failed: the real result, or the real error, from here
        value: T = pickle.loads(data)
        return value

    try:
        yield result
    finally:
        channel.close()
        if not done:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def map_split(function: Callable[[Sequence[T]], R], items: Sequence[T]) -> list[R]:
    """`function` applied to consecutive slices of `items`, one a CPU (at most two), the
    first slice here and the others in children; the results in slice order."""
    parts = min(cpus(), 2) if len(items) > 1 and _can_fork() else 1
    size = -(-len(items) // parts)
    slices = [items[i : i + size] for i in range(0, len(items), size)] or [items]
    with contextlib.ExitStack() as stack:
        others = [
            stack.enter_context(background(functools.partial(function, part)))
            for part in slices[1:]
        ]
        return [function(slices[0]), *(other() for other in others)]
