"""A Spark standalone cluster on this machine: a master and workers run from the pip pyspark's own
jars, for the Spark bench and test (and to try `athar link --spark-master` without a real cluster).

The pip pyspark has no `sbin/start-master.sh`, so each daemon is `bin/spark-class` with the master's
or the worker's main class, started as a subprocess in a session of its own: stopping kills that
whole process group, which also takes the executors a worker launched. Everything binds to
127.0.0.1 on free ports, and `standalone_cluster` stops every daemon however its block ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from athar.linkage.errors import LinkageError

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
HOST = "127.0.0.1"


class ClusterDidNotStart(LinkageError):
    """A daemon exited or the workers did not register in time; the message ends with its log."""


@dataclass(frozen=True)
class ClusterSpec:
    workers: int = 2
    cores_per_worker: int = 1
    memory_per_worker: str = "2g"  # what the worker offers its executors
    daemon_memory: str = "256m"  # the master's and each worker's own JVM heap
    start_timeout_seconds: float = 120.0


@dataclass
class StandaloneCluster:
    master_url: str  # spark://127.0.0.1:PORT, what `athar link --spark-master` takes
    status_url: str  # the master's web UI as JSON
    spec: ClusterSpec
    logs: Path
    daemons: list[subprocess.Popen] = field(default_factory=list)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.daemons]

    def status(self) -> dict:
        with urllib.request.urlopen(self.status_url, timeout=5) as response:
            return json.load(response)

    def alive_workers(self) -> int:
        return sum(w.get("state") == "ALIVE" for w in self.status().get("workers", []))


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def daemon_environment(home: Path, logs: Path, spec: ClusterSpec) -> dict[str, str]:
    return {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": HOST,
        "SPARK_LOG_DIR": str(logs),
        "SPARK_WORKER_DIR": str(logs / "work"),
        "SPARK_DAEMON_MEMORY": spec.daemon_memory,
        # the executors' Python workers: the driver names its own (engines.py), this is the fallback
        "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", sys.executable),
    }


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(spark_home() / "bin" / "spark-class"), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() kills its executors too
        )


def live_processes(groups: list[int]) -> list[int]:
    """Processes still running (zombies aside: nothing may be left to reap them) in these groups."""
    live = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        state, pgid = fields[0], int(fields[2])
        if pgid in groups and state != "Z":
            live.append(int(entry.name))
    return live


def stop(daemons: list[subprocess.Popen], grace_seconds: float = 10.0) -> None:
    """SIGTERM each daemon's process group (the daemon and the executors it launched), then SIGKILL
    whatever is left after the grace period; returns once none of them runs."""
    groups = [d.pid for d in daemons]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, sig)
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline:
            for daemon in daemons:
                daemon.poll()  # reap our own children
            if not live_processes(groups):
                return
            time.sleep(0.2)


def _log_tail(logs: Path, lines: int = 20) -> str:
    tails = []
    for log in sorted(logs.glob("*.log")):
        text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        tails.append(f"--- {log.name}\n" + "\n".join(text))
    return "\n".join(tails)


def _wait_for_workers(cluster: StandaloneCluster) -> None:
    deadline = time.monotonic() + cluster.spec.start_timeout_seconds
    while time.monotonic() < deadline:
        exited = [d for d in cluster.daemons if d.poll() is not None]
        if exited:
            raise ClusterDidNotStart(
                f"a Spark daemon exited with status {exited[0].returncode}\n{_log_tail(cluster.logs)}"
            )
        try:
            if cluster.alive_workers() >= cluster.spec.workers:
                return
        except OSError:
            pass  # the master's UI is not up yet
        time.sleep(0.5)
    raise ClusterDidNotStart(
        f"{cluster.spec.workers} Spark workers did not register within "
        f"{cluster.spec.start_timeout_seconds:.0f} s\n{_log_tail(cluster.logs)}"
    )


@contextmanager
def standalone_cluster(
    spec: ClusterSpec | None = None, logs: Path | None = None
) -> Iterator[StandaloneCluster]:
    """A running master with `spec.workers` registered workers; all stopped when the block ends."""
    spec = spec or ClusterSpec()
    with ExitStack() as stack:
        if logs is None:
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="athar-spark-cluster-")))
        logs.mkdir(parents=True, exist_ok=True)
        home = spark_home()
        env = daemon_environment(home, logs, spec)
        port, ui_port = free_port(), free_port()
        cluster = StandaloneCluster(
            master_url=f"spark://{HOST}:{port}",
            status_url=f"http://{HOST}:{ui_port}/json/",
            spec=spec,
            logs=logs,
        )
        stack.callback(stop, cluster.daemons)
        master = ["--host", HOST, "--port", str(port), "--webui-port", str(ui_port)]
        cluster.daemons.append(_start([MASTER_CLASS, *master], env, logs / "master.log"))
        for n in range(spec.workers):
            worker = [
                WORKER_CLASS,
                "--host",
                HOST,
                "--port",
                str(free_port()),
                "--webui-port",
                str(free_port()),
                "--cores",
                str(spec.cores_per_worker),
                "--memory",
                spec.memory_per_worker,
                "--work-dir",
                str(logs / f"work-{n}"),
                cluster.master_url,
            ]
            cluster.daemons.append(_start(worker, env, logs / f"worker-{n}.log"))
        _wait_for_workers(cluster)
        yield cluster
