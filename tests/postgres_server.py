"""A throwaway PostgreSQL server for the test suite, started from the machine's own binaries.

PostgreSQL refuses to run as root, so under root the cluster is owned and run by the `postgres` user.
It listens on 127.0.0.1 only, trusts local connections and is removed when the tests end.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(initdb).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    bindir: Path
    datadir: Path
    port: int
    user: str

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run_as(self.user, [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"])
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def _run_as(user: str, argv: list[str]) -> None:
    if os.geteuid() == 0:
        argv = ["runuser", "-u", user, "--", *argv]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start(bindir: Path, durable: bool = False) -> PostgresServer:
    """Start a cluster. Tests turn durability off for speed; benchmarks keep PostgreSQL's defaults."""
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    root = Path(tempfile.mkdtemp(prefix="athar-pg-"))
    datadir = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, user)
        os.chmod(root, 0o755)
    _run_as(
        user,
        [
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
    )
    port = _free_port()
    options = (
        f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    _run_as(
        user,
        [str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options, "-l", str(root / "log"), "-w", "start"],
    )
    server = PostgresServer(bindir=bindir, datadir=datadir, port=port, user=user)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not start; see {root / 'log'}")
