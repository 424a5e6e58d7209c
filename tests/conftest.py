"""Fixtures. pytest-socket (``--disable-socket`` in pyproject.toml) fails any socket use."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tf_helpers import make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding the sample article and this repository's transflow.toml."""
    return make_project(tmp_path)


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Folders made unwritable even for root (chattr +i); restored afterwards."""
    folders: list[Path] = []
    yield folders
    for folder in folders:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
