"""The ``transflow`` console script and ``python -m transflow``.

Ctrl-C while Python is still importing the command exits 130 like Ctrl-C anywhere else
(nothing has been read or written yet), not with a traceback and status 1."""

from __future__ import annotations

import sys
from typing import NoReturn


def main() -> NoReturn:
    try:
        from transflow.cli import run
    except KeyboardInterrupt:
        sys.stderr.write("\ntransflow: interrupted; nothing was changed\n")
        raise SystemExit(130) from None
    run()


if __name__ == "__main__":
    main()
