"""The ray executor on real Ray clusters started by these tests, on this machine only: a
local Ray in this process, and a two-node cluster (``ray start --head`` plus a second
``ray start --address``, each with its own temp dir and package cache). Sockets are
allowed to 127.0.0.1 only, for these tests (pytest-socket's ``allow_hosts``).

Each checks the catalogs against the local executor's, byte for byte, with the same
chunks (``executors.CHUNK``): with the fixture argos packages and the pseudo engine, with
a worker killed mid-run (kill -9), and after the driver was killed mid-run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tf_helpers import DATA, cli, fails_cleanly, make_project, snapshot

import transflow
from transflow import executors
from transflow.memory import Memory

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

RAY = Path(sys.executable).with_name("ray")
ENV = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
SRC = str(Path(transflow.__file__).resolve().parents[1])  # workers import this transflow
LANGS = ("--lang", "az", "--lang", "ru")


@pytest.fixture(scope="module")
def ray_env() -> Iterator[dict[str, str]]:
    """Ray's settings for these tests, in this process and the clusters it starts."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in ENV.items():
            mp.setenv(name, value)
        path = os.environ.get("PYTHONPATH")
        mp.setenv("PYTHONPATH", SRC + (os.pathsep + path if path else ""))
        yield dict(os.environ)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the fixture packages installed (in .transflow/packages)."""
    root = make_project(tmp_path_factory.mktemp("template"))
    result = cli(root, "models", "install", "--from", str(DATA / "argos"))
    assert result.exit_code == 0, result.output
    return root


def copies(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the template project: one for ray, one for the local executor."""
    return shutil.copytree(template, tmp_path / "ray"), shutil.copytree(template, tmp_path / "lo")


def with_markup(*roots: Path) -> None:
    """Add an HTML page (inline tags: sentences go to the model whole, tags put back)."""
    for root in roots:
        shutil.copy(DATA / "html" / "page.html", root / "source")
        assert '"**/*.html"' in (root / "transflow.toml").read_text(encoding="utf-8")


def translated(root: Path, *args: str) -> str:
    result = cli(root, "translate", *args)
    assert result.exit_code == 0, result.output
    return result.output


def counts(output: str, lang: str) -> tuple[int, int]:
    """(units sent to the model, units from the translation memory) of a language."""
    found = re.search(
        rf"^{lang}: \d+ drafts: (\d+) new from .*?, (\d+) from the translation", output, re.M
    )
    assert found, output
    return int(found[1]), int(found[2])


def actors(output: str, lang: str) -> tuple[int, int]:
    """(actors, nodes) the CLI reported for a language."""
    found = re.search(rf"^{lang}: .*; ray: (\d+) actors? on (\d+) nodes?", output, re.M)
    assert found, output
    return int(found[1]), int(found[2])


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The ray executors created from now on (their `pids`: the actors' processes)."""
    from transflow.executors import ray as ray_executor

    made: list[Any] = []
    original = ray_executor.RayExecutor.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(ray_executor.RayExecutor, "__init__", init)
    return made


# --- a local Ray, in this process ----------------------------------------------------------


@pytest.fixture(scope="class")
def local_ray(ray_env: dict[str, str]) -> Iterator[float]:
    started = time.perf_counter()
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield time.perf_counter() - started
    ray.shutdown()


@pytest.mark.usefixtures("local_ray")
class TestLocalRay:
    @pytest.mark.parametrize("engine", ["argos", "pseudo"])
    def test_catalogs_are_the_local_executors(
        self, template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
    ) -> None:
        monkeypatch.setattr(executors, "CHUNK", 8)  # several chunks over 2 actors
        on_ray, on_local = copies(template, tmp_path)
        with_markup(on_ray, on_local)  # and the sample article
        shown = translated(
            on_ray, "--engine", engine, *LANGS, "--executor", "ray", "--workers", "2"
        )
        assert actors(shown, "az") == (2, 1) and actors(shown, "ru") == (2, 1)
        here = translated(on_local, "--engine", engine, *LANGS)
        assert "ray:" not in here
        assert snapshot(on_ray) == snapshot(on_local)
        assert (on_ray / "locales" / "az" / "page.html.po").is_file()
        assert counts(shown, "az") == counts(here, "az") and counts(here, "az")[1] == 0


# --- a two-node cluster: `ray start --head` and `ray start --address` -------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(check: Any, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} not within {seconds} s"
        time.sleep(0.2)


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
    except OSError:
        return False
    return True


class Cluster:
    def __init__(self, base: Path, env: dict[str, str]) -> None:
        self.base, self.port = base, free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.caches = [base / "head-cache", base / "node2-cache"]
        self.nodes: list[subprocess.Popen[bytes]] = []
        common = ["--block", "--num-cpus=1", "--disable-usage-stats", "--node-ip-address=127.0.0.1"]
        head = ["--head", f"--port={self.port}", "--include-dashboard=false"]
        for number, (cache, role) in enumerate(
            zip(self.caches, [head, [f"--address={self.address}"]], strict=True)
        ):
            node_env = dict(env, XDG_CACHE_HOME=str(cache))  # no shared package cache
            temp = base / f"temp{number}"  # a node's own temp dir (sockets, logs)
            self.nodes.append(
                subprocess.Popen(
                    [str(RAY), "start", *role, *common, f"--temp-dir={temp}"],
                    env=node_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            if not number:
                wait_for(lambda: listening(self.port), "the head node")

    def alive_nodes(self) -> int:
        ray.init(address=self.address, log_to_driver=False)
        try:
            return sum(1 for n in ray.nodes() if n["Alive"])
        finally:
            ray.shutdown()

    def stop(self) -> None:
        """SIGTERM to each `ray start --block`: it stops the node's processes."""
        for node in reversed(self.nodes):
            node.send_signal(signal.SIGTERM)
        for node in self.nodes:
            node.wait(60)


@pytest.fixture(scope="class")
def cluster(tmp_path_factory: pytest.TempPathFactory, ray_env: dict[str, str]) -> Iterator[Cluster]:
    base = Path(tempfile.mkdtemp(prefix="tf-ray-", dir="/tmp"))  # short: Ray's socket paths
    started = time.perf_counter()
    made = Cluster(base, ray_env)
    try:
        wait_for(lambda: made.alive_nodes() == 2, "the second node")
        made.started_s = time.perf_counter() - started  # type: ignore[attr-defined]
        yield made
    finally:
        made.stop()
        shutil.rmtree(base, ignore_errors=True)


class TestTwoNodes:
    @pytest.mark.parametrize("engine", ["argos", "pseudo"])
    def test_catalogs_are_the_local_executors(
        self,
        cluster: Cluster,
        template: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        engine: str,
    ) -> None:
        monkeypatch.setattr(executors, "CHUNK", 8)
        on_ray, on_local = copies(template, tmp_path)
        where = ("--executor", "ray", "--ray-address", cluster.address)
        shown = translated(on_ray, "--engine", engine, *LANGS, *where)
        assert actors(shown, "az") == (2, 2) and actors(shown, "ru") == (2, 2)  # one per node
        translated(on_local, "--engine", engine, *LANGS)
        assert snapshot(on_ray) == snapshot(on_local)
        if engine == "argos":  # each node unpacked the packages into its own cache
            for cache in cluster.caches:
                unpacked = {p.name for p in (cache / "transflow" / "ray-packages").glob("*/*")}
                assert {"translate-en_az-1_0", "translate-en_ru-1_0"} <= unpacked, cache

    def test_a_killed_worker_costs_only_its_chunk(
        self,
        cluster: Cluster,
        template: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        recorded: list[Any],
    ) -> None:
        monkeypatch.setattr(executors, "CHUNK", 2)  # 15 chunks
        on_ray, on_local = copies(template, tmp_path)
        original, killed = Memory.put, []

        def put(self: Memory, *args: Any) -> None:
            original(self, *args)
            if not killed:  # after the first chunk is stored: kill -9 an actor's process
                killed.append(recorded[-1].pids[0])
                os.kill(killed[0], signal.SIGKILL)

        monkeypatch.setattr(Memory, "put", put)
        where = ("--executor", "ray", "--ray-address", cluster.address)
        shown = translated(on_ray, "--lang", "az", *where)
        retried = re.search(r"(\d+) chunk\(s\) sent again after an actor died", shown)
        assert killed and retried and int(retried[1]) >= 1, shown
        # two, and the one that took the dead one's place if it was ready before the end
        assert actors(shown, "az")[0] in (2, 3)
        monkeypatch.setattr(Memory, "put", original)
        translated(on_local, "--lang", "az")
        assert snapshot(on_ray) == snapshot(on_local)
        assert counts(shown, "az") == (30, 0)  # no unit lost, none twice

    def test_a_killed_driver_resumes_from_the_cache(
        self, cluster: Cluster, template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        on_ray, on_local = copies(template, tmp_path)
        where = ("--executor", "ray", "--ray-address", cluster.address)
        driver = subprocess.run(
            [
                sys.executable,
                "-c",
                KILLED_DRIVER,
                "--project",
                str(on_ray),
                "translate",
                "--lang",
                "az",
                *where,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert driver.returncode == -signal.SIGKILL, driver.stderr
        monkeypatch.setattr(executors, "CHUNK", 4)
        shown = translated(on_ray, "--lang", "az", *where)
        assert counts(shown, "az") == (30 - 8, 8)  # two chunks of 4 were saved before the kill
        translated(on_local, "--lang", "az")
        assert snapshot(on_ray) == snapshot(on_local)


# A driver that kills itself (kill -9) when it is about to store its third chunk.
KILLED_DRIVER = """
import os, signal, sys
from transflow import executors, memory
executors.CHUNK = 4
original, stored = memory.Memory.put, []
def put(self, *args):
    if len(stored) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    stored.append(1)
    original(self, *args)
memory.Memory.put = put
from transflow.cli import main
sys.argv = ["transflow", *sys.argv[1:]]
main()
"""


# --- no cluster -------------------------------------------------------------------------------


def test_an_unreachable_cluster_is_a_clear_error(
    template: Path, tmp_path: Path, ray_env: Any
) -> None:
    assert not ray.is_initialized()
    project = shutil.copytree(template, tmp_path / "p")
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    stderr = fails_cleanly(
        project, "translate", "--engine", "pseudo", "--executor", "ray", "--ray-address", address
    )
    assert f"cannot reach the Ray cluster at {address}" in stderr
    assert not (project / "locales").exists()


def test_gpu_actors(template: Path, tmp_path: Path, ray_env: Any) -> None:
    """--device cuda: one GPU per actor; the drafts are the local executor's on the GPU."""
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        pytest.skip("no CUDA device here")
    on_ray, on_local = copies(template, tmp_path)
    gpu = ("--device", "cuda", "--compute-type", "float16")
    shown = translated(on_ray, "--lang", "az", *gpu, "--executor", "ray", "--workers", "1")
    assert actors(shown, "az") == (1, 1)
    translated(on_local, "--lang", "az", *gpu)
    assert snapshot(on_ray) == snapshot(on_local)


def test_a_dry_run_reaches_no_cluster(template: Path, tmp_path: Path, ray_env: Any) -> None:
    project = shutil.copytree(template, tmp_path / "p")
    address = f"127.0.0.1:{free_port()}"  # nothing listens there: a connection would fail
    result = cli(project, "translate", "--dry-run", "--executor", "ray", "--ray-address", address)
    assert result.exit_code == 0, result.output
    assert "az: 30 entries to fill: 30 units to translate with argos translate-en_az 1.0" in (
        result.output
    )
    assert not ray.is_initialized() and not (project / "locales").exists()
