"""The one exception family that users see.

Every error a user can cause (bad input, bad configuration, a locked or unwritable
project) is a :class:`TransflowError`. The CLI catches it in one place and prints
``path:line: message``; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class TransflowError(Exception):
    """A problem the user can fix; the message says where and what."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message
