"""Peak resident memory of a run's processes, sampled from /proc while it runs, by role: the driver
(Athar's Python and the JVM it starts), Spark's executors, and the cluster's master and workers."""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Self

ROLES = {
    "org.apache.spark.executor.CoarseGrainedExecutorBackend": "executors",
    "org.apache.spark.deploy.master.Master": "master_and_workers",
    "org.apache.spark.deploy.worker.Worker": "master_and_workers",
}


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def _parent_and_group(pid: int) -> tuple[int, int]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[2])


def descendants(root: int, parents: dict[int, int]) -> set[int]:
    out, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - out
        out |= frontier
    return out


class _Sampler:
    """Calls `sample` every `interval` seconds, in a thread of its own, from entering to leaving."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        raise NotImplementedError


class PeakMemory(_Sampler):
    """Samples every `interval` seconds until stopped: each role's peak of the sum of its processes'
    resident memory (pages shared after a fork count in each), and its largest single process."""

    def __init__(self, driver_pid: int, cluster_groups: Sequence[int] = (), interval: float = 1.0) -> None:
        super().__init__(interval)
        self.driver_pid = driver_pid
        self.cluster_groups = set(cluster_groups)  # the daemons' process groups: theirs and their executors
        self.peak_sum_mib: dict[str, float] = defaultdict(float)
        self.peak_process_mib: dict[str, float] = defaultdict(float)
        self.max_processes: dict[str, int] = defaultdict(int)

    def sample(self) -> None:
        parents, by_role, commands = {}, defaultdict(list), {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                parents[pid], group = _parent_and_group(pid)
                if group not in self.cluster_groups:
                    continue
                commands[pid] = _cmdline(pid)
            except (FileNotFoundError, ProcessLookupError, ValueError):
                continue
        for pid, cmd in commands.items():
            role = next((r for cls, r in ROLES.items() if cls in cmd), None)
            # a JVM's child that has not yet run what it spawns is a copy of it, not another executor
            if role and commands.get(parents[pid]) != cmd:
                with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                    by_role[role].append(_rss_mib(pid))
        try:
            driver = [_rss_mib(p) for p in {self.driver_pid} | descendants(self.driver_pid, parents)]
        except (FileNotFoundError, ProcessLookupError):
            driver = []
        by_role["driver"] = driver
        for role, sizes in by_role.items():
            if sizes:
                self.peak_sum_mib[role] = max(self.peak_sum_mib[role], sum(sizes))
                self.peak_process_mib[role] = max(self.peak_process_mib[role], max(sizes))
                self.max_processes[role] = max(self.max_processes[role], len(sizes))

    def as_json(self) -> dict:
        return {
            role: {
                "peak_rss_mib_sum": round(self.peak_sum_mib[role]),
                "peak_rss_mib_largest_process": round(self.peak_process_mib[role]),
                "processes": self.max_processes[role],
            }
            for role in sorted(self.peak_sum_mib)
        }


def _pss_mib(pid: int) -> float:
    """Proportional set size: a page shared by n processes (after a fork) counts 1/n in each, so
    the sum over processes is the memory they hold together."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
                parents[int(entry.name)] = _parent_and_group(int(entry.name))[0]
    return parents


class TreePeakPss(_Sampler):
    """The peak, over samples every `interval` seconds until stopped, of the memory a process and
    its descendants hold together (the sum of their PSS): a forked child's pages shared with its
    parent count once, where the sum of their peaks counts them twice."""

    def __init__(self, root_pid: int, interval: float = 0.25) -> None:
        super().__init__(interval)
        self.root_pid = root_pid
        self.peak_mib = 0.0
        self.max_processes = 0

    def sample(self) -> None:
        tree = {self.root_pid} | descendants(self.root_pid, _parents())
        total = 0.0
        for pid in tree:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
                total += _pss_mib(pid)
        self.peak_mib = max(self.peak_mib, total)
        self.max_processes = max(self.max_processes, len(tree))
