"""The ``ray`` executor: engines in actors on a Ray cluster (``pip install 'transflow[ray]'``).

Per language, the driver (this process) starts actors (:class:`Worker`), each holding
one loaded engine for the language's pair: ``num_gpus=1`` each when the device is
``cuda``, else ``num_cpus`` = the engine's threads (1 for the engine's default), spread
over the nodes; by default one actor per node on a CPU (its engine uses the node's cores,
as the local executor does on one machine), one per GPU on GPUs, or ``workers`` of them.
The length-sorted chunks (:data:`transflow.executors.CHUNK` units, the local executor's)
stream to them, two in flight per actor; each finished chunk is stored in the draft
cache as it arrives, so a killed driver's rerun resumes where it stopped. A chunk whose
actor died (its process killed, its node lost) is sent to another actor, and a new actor
takes the dead one's place; a chunk's drafts come from :func:`translate_chunk` wherever
it ran, so they are the local executor's.

Packages reach the workers without a shared filesystem: each package folder a route
needs is packed once per run (a tar with fixed metadata, the same bytes for the same
files), put into the object store, and unpacked by a worker that lacks it into its local
cache, ``$XDG_CACHE_HOME/transflow/ray-packages/<SHA-256 of the tar>/``, checked first.
Every node needs transflow (and its engine's libraries) installed, as any Ray code does.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import socket
import tarfile
import tempfile
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from transflow.engines import Draft, Engine, EngineOptions, get_engine
from transflow.errors import TransflowError
from transflow.executors import (
    RAY_ADDRESS,
    Executor,
    ExecutorOptions,
    Placement,
    chunks,
    translate_chunk,
)
from transflow.memory import Memory

INSTALL = "pip install 'transflow[ray]'"
IN_FLIGHT = 2  # chunks queued per actor: one running, the next waiting
CONNECT_TIMEOUT = 5.0  # seconds to reach HOST:PORT before handing it to Ray
START_TIMEOUT = 600.0  # seconds for the actors to load their models

Package = tuple[str, str, Any]  # (SHA-256 of the tar, folder name, object ref of the tar)


def import_ray() -> ModuleType:
    try:
        import ray
    except ImportError:
        raise TransflowError(
            f"the ray executor needs Ray, which is not installed: {INSTALL}"
        ) from None
    return ray


# --- packages ----------------------------------------------------------------------------


def pack(folder: Path) -> bytes:
    """An installed package folder as an uncompressed tar whose bytes depend only on the
    names and contents of its files (no times, owners or modes)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted([folder, *folder.rglob("*")]):
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                continue
            info = tarfile.TarInfo(path.relative_to(folder.parent).as_posix())
            info.mode = 0o755 if path.is_dir() else 0o644
            if path.is_dir():
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = path.stat().st_size
                with path.open("rb") as f:
                    tar.addfile(info, f)
    return buffer.getvalue()


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "transflow" / "ray-packages"


def _into_place(staging: Path, target: Path) -> None:
    """Rename a finished folder into place; another actor may have been first."""
    try:
        staging.rename(target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not target.is_dir():
            raise


def unpack(packages: Sequence[Package]) -> Path:
    """A packages folder holding `packages`, from this node's cache; a package it lacks
    is fetched from the object store, checked against its digest and unpacked first."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    for digest, name, ref in packages:
        if (root / digest / name).is_dir():
            continue
        data = import_ray().get(ref)
        if hashlib.sha256(data).hexdigest() != digest:
            raise TransflowError(f"package {name} arrived damaged (SHA-256 differs)")
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(staging, filter="data")
        _into_place(staging, root / digest)
    # the route's packages side by side, as links, in a folder named by their digests
    key = hashlib.sha256(" ".join(f"{d}/{n}" for d, n, _ in packages).encode()).hexdigest()
    view = root / "routes" / key
    if not view.is_dir():
        view.parent.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=view.parent))
        for digest, name, _ in packages:
            (staging / name).symlink_to(root / digest / name, target_is_directory=True)
        _into_place(staging, view)
    return view


def _package_folders(engine: Engine, pair: tuple[str, str]) -> list[Path]:
    """The installed package folders the engine needs for `pair` (none: pseudo)."""
    if engine.name != "argos":
        return []
    from transflow.engines.argos_packages import route

    return [pkg.path for pkg in route(engine.options.packages_dir, *pair)]


# --- the actor ---------------------------------------------------------------------------


class Worker:
    """One loaded engine for one pair, in a Ray actor."""

    def __init__(
        self, engine: str, options: EngineOptions, pair: tuple[str, str], packages: list[Package]
    ) -> None:
        if packages:
            options = replace(options, packages_dir=unpack(packages))
        self.engine = get_engine(engine, options)
        self.pair = pair
        self.provenance = self.engine.provenance(*pair)

    def where(self) -> tuple[str, str, str, int]:
        """(node id, node address, provenance, process id)."""
        ray = import_ray()
        node = ray.get_runtime_context().get_node_id()
        return node, ray.util.get_node_ip_address(), self.provenance, os.getpid()

    def translate(self, chunk: Sequence[str]) -> dict[str, Draft]:
        return translate_chunk(self.engine, self.pair, chunk)


# --- the executor ------------------------------------------------------------------------


class RayExecutor(Executor):
    name = "ray"

    def __init__(self, options: ExecutorOptions | None = None) -> None:
        super().__init__(options)
        if not RAY_ADDRESS.fullmatch(self.options.address):
            raise TransflowError(
                f"not a Ray address: {self.options.address!r} (use auto, HOST:PORT or "
                "ray://HOST:PORT)"
            )
        self.ray = import_ray()
        self._connected = False  # whether this executor called ray.init (and shuts it down)
        self._packed: dict[Path, Package] = {}
        self.pids: list[int] = []  # the actors' processes, last run (for the fault tests)

    # connection

    def _where(self) -> str:
        return self.options.address or "a new local Ray"

    def _connect(self) -> None:
        ray = self.ray
        if ray.is_initialized():  # a caller connected this process already (library, tests)
            return
        address = self.options.address
        if address not in ("", "auto"):
            host, _, port = address.removeprefix("ray://").rpartition(":")
            try:
                socket.create_connection((host, int(port)), CONNECT_TIMEOUT).close()
            except OSError as exc:
                why = exc.strerror or str(exc) or type(exc).__name__
                raise TransflowError(f"cannot reach the Ray cluster at {address}: {why}") from None
        try:
            ray.init(
                address=address or "local",  # "": a new Ray, not one found running
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
        except Exception as exc:  # Ray raises ConnectionError, ValueError, RuntimeError...
            raise TransflowError(
                f"cannot reach the Ray cluster at {self._where()}: {exc}"
            ) from None
        self._connected = True

    def close(self) -> None:
        if self._connected:
            self.ray.shutdown()
            self._connected = False
        self._packed.clear()

    # actors

    def _package(self, folder: Path) -> Package:
        if folder not in self._packed:
            data = pack(folder)
            digest = hashlib.sha256(data).hexdigest()
            self._packed[folder] = (digest, folder.name, self.ray.put(data))
        return self._packed[folder]

    def _resources(self, engine: Engine) -> dict[str, float]:
        if engine.options.device == "cuda":
            return {"num_cpus": 1, "num_gpus": 1}
        return {"num_cpus": max(1, engine.options.threads), "num_gpus": 0}

    def _count(self, engine: Engine, need: dict[str, float], chunks: int) -> int:
        """How many actors: ``workers``, or what the cluster has room for; at most one per
        chunk. More than there is room for is an error (they would wait forever)."""
        ray = self.ray
        total = ray.cluster_resources()
        cpus, gpus = total.get("CPU", 0), total.get("GPU", 0)
        room = int(cpus // need["num_cpus"])
        if need["num_gpus"]:
            room = min(room, int(gpus))
        nodes = sum(1 for n in ray.nodes() if n.get("Alive") and n["Resources"].get("CPU"))
        wanted = self.options.workers or (int(gpus) if need["num_gpus"] else min(room, nodes))
        if wanted > room or room == 0:
            raise TransflowError(
                f"the Ray cluster at {self._where()} has room for {room} actor(s) of "
                f"{need['num_cpus']:g} CPU(s){' and 1 GPU' if need['num_gpus'] else ''} "
                f"({cpus:g} CPUs, {gpus:g} GPUs); asked for {wanted}"
            )
        return max(1, min(wanted, chunks))

    def _spawn(self, engine: Engine, pair: tuple[str, str], count: int) -> dict[Any, Any]:
        """`count` new actors, starting: {ref of its `where()` -> actor}."""
        packages = [self._package(folder) for folder in _package_folders(engine, pair)]
        remote = self.ray.remote(Worker).options(
            **self._resources(engine),
            max_restarts=0,
            max_task_retries=0,
            scheduling_strategy="SPREAD",
        )
        actors = [remote.remote(engine.name, engine.options, pair, packages) for _ in range(count)]
        return {actor.where.remote(): actor for actor in actors}

    def _placed(self, ref: Any, provenance: str) -> None:
        """Record where a started actor runs; an error if it could not load the model."""
        ray = self.ray
        try:
            node, address, theirs, pid = ray.get(ref)
        except ray.exceptions.RayError as exc:
            raise TransflowError(f"a Ray actor could not load {provenance}: {exc}") from None
        if theirs != provenance:
            raise TransflowError(f"a Ray actor on {address} has {theirs}, not {provenance}")
        label = f"{address} {node[:8]}"
        self.placement.actors[label] = self.placement.actors.get(label, 0) + 1
        self.pids.append(pid)

    def run(
        self,
        engine: Engine,
        pair: tuple[str, str],
        texts: Sequence[str],
        memory: Memory,
        provenance: str,
        progress: Callable[[int], None],
        done: dict[str, Draft],
    ) -> None:
        self.placement, self.pids = Placement(), []
        work = chunks(texts)
        if not work:
            return
        self._connect()
        ray = self.ray
        count = self._count(engine, self._resources(engine), len(work))
        first = self._spawn(engine, pair, count)
        actors: list[Any] = list(first.values())
        starting: dict[Any, Any] = {}  # where() ref -> a replacement actor not yet ready
        try:
            ready, _ = ray.wait(list(first), num_returns=len(first), timeout=START_TIMEOUT)
            if len(ready) < len(first):
                raise TransflowError(
                    f"the Ray actors did not start within {START_TIMEOUT:g} s at {self._where()}"
                )
            for ref in first:  # all of them loaded the model, or an error
                self._placed(ref, provenance)
        except BaseException:
            for actor in actors:
                ray.kill(actor)
            raise
        spares = count  # new actors that may replace dead ones, this run
        queue = deque(range(len(work)))
        flying: dict[Any, tuple[Any, int]] = {}  # result ref -> (actor, chunk index)
        load = {id(actor): 0 for actor in actors}
        died = (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError)
        try:
            while queue or flying:
                for actor in actors:
                    while queue and load[id(actor)] < IN_FLIGHT:
                        index = queue.popleft()
                        flying[actor.translate.remote(work[index])] = (actor, index)
                        load[id(actor)] += 1
                if not flying and not starting:
                    raise TransflowError(
                        f"every Ray actor died at {self._where()}; drafts so far are saved"
                    )
                ready, _ = ray.wait(
                    [*flying, *starting], num_returns=1, timeout=None if flying else START_TIMEOUT
                )
                if not ready:
                    raise TransflowError(
                        f"no Ray actor started within {START_TIMEOUT:g} s at {self._where()}"
                    )
                if ready[0] in starting:  # a replacement is ready, or could not start
                    actor = starting.pop(ready[0])
                    try:
                        self._placed(ready[0], provenance)
                    except TransflowError:
                        continue  # e.g. its node is gone too; the others go on
                    actors.append(actor)
                    load[id(actor)] = 0
                    continue
                actor, index = flying.pop(ready[0])
                load[id(actor)] -= 1
                try:
                    drafts = ray.get(ready[0])
                except died:
                    queue.appendleft(index)  # its chunk goes to another actor
                    self.placement.retried += 1
                    if actor in actors:
                        actors.remove(actor)
                        if spares:  # a new actor takes its place once it is ready
                            spares -= 1
                            starting.update(self._spawn(engine, pair, 1))
                    continue
                except ray.exceptions.RayTaskError as exc:
                    if isinstance(exc.cause, TransflowError):
                        raise exc.cause from None
                    raise
                chunk = work[index]
                done.update(drafts)
                memory.put(engine.name, provenance, pair, ((t, done[t]) for t in chunk))
                progress(len(chunk))
        finally:
            for actor in [*actors, *starting.values()]:
                ray.kill(actor)


EXECUTOR = RayExecutor
