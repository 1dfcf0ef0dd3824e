"""An import killed half-way leaves nothing half-written: it is one transaction."""

import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from athar.ingest import import_file
from athar.store.tables import Import, Quarantine, Record

KILL_AFTER_FIRST_BATCH = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from athar.ingest import importer
    from athar.store import open_store

    original = importer._Writer.flush
    def flush_then_die(self):
        original(self)
        os.kill(os.getpid(), signal.SIGKILL)
    importer._Writer.flush = flush_then_die
    importer.import_file(open_store(sys.argv[1]), Path(sys.argv[2]), "families")
    """
)


def test_killed_import_leaves_nothing_half_written(store, store_url, tmp_path):
    lines = ["record_id,full_name,birth_date"] + [f"{i},Person {i},1980" for i in range(12_000)]
    lines.append("bad,Broken,1980-13-01")
    f = tmp_path / "big.csv"
    f.write_text("\n".join(lines) + "\n", "utf-8")
    proc = subprocess.run([sys.executable, "-c", KILL_AFTER_FIRST_BATCH, store_url, str(f)], check=False)
    assert proc.returncode == -signal.SIGKILL
    with store.connect() as conn:
        for table in (Record, Quarantine, Import):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0
    result = import_file(store, f, "families")
    assert (result.read, result.stored, result.quarantined) == (12_001, 12_000, 1)
