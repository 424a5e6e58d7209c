"""Fixtures. pytest-socket (``--disable-socket`` in pyproject.toml) fails any socket use."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tf_helpers import make_project

# --- argostranslate isolation: keep this block before anything that imports it ----------
# argostranslate reads ARGOS_PACKAGES_DIR, XDG_DATA_HOME, XDG_CACHE_HOME, XDG_CONFIG_HOME
# and HOME once, when first imported, and creates folders there. Point them all at a
# throw-away folder before any test runs (nothing imported above imports argostranslate;
# tests still pass their own packages dirs).
_ARGOS_HOME = tempfile.mkdtemp(prefix="transflow-tests-argos-")
atexit.register(shutil.rmtree, _ARGOS_HOME, True)
for _name in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "HOME"):
    os.environ[_name] = os.path.join(_ARGOS_HOME, _name.lower())
# ----------------------------------------------------------------------------------------
# Catalog header dates come from SOURCE_DATE_EPOCH when it is set (the reproducible-builds
# convention): tests that compare two runs' files must not depend on the minute they ran in.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01 00:00 UTC


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
