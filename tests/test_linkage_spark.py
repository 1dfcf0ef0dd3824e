"""On a Spark standalone cluster (a master and two workers on this machine), `athar link --engine
spark --spark-master URL` gives the persons DuckDB gives, and the cluster leaves no process behind
(slow: four JVMs start, and Splink's training on Spark takes minutes even for a few hundred rows)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from athar.exports import current_records
from athar.ingest import import_file
from athar.linkage.run import LinkOptions, link
from athar.linkage.spark_cluster import ClusterSpec, live_processes, standalone_cluster
from athar.store import open_store
from athar.synth import generate

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def persons(engine):
    return {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}


def same_partition(a: dict, b: dict) -> float:
    """Share of records whose fellow members are the same under both partitions."""

    def groups(assignment):
        out = {}
        for key, pid in assignment.items():
            out.setdefault(pid, set()).add(key)
        return {key: frozenset(out[pid]) for key, pid in assignment.items()}

    ga, gb = groups(a), groups(b)
    return sum(ga[k] == gb[k] for k in a) / len(a)


def test_link_on_a_standalone_cluster_matches_duckdb_and_stops_the_cluster(tmp_path):
    generate(tmp_path / "lists", persons=300, seed=11)
    duck = open_store(str(tmp_path / "duck.db"))
    for name in ("families", "detention", "returnees", "morgue"):
        import_file(duck, tmp_path / "lists" / f"{name}.csv", name)
    duck.dispose()
    shutil.copy(tmp_path / "duck.db", tmp_path / "spark.db")
    duck = open_store(str(tmp_path / "duck.db"))
    on_duckdb = link(duck, LinkOptions(engine="duckdb", full=True))

    env = {
        **os.environ,
        "ATHAR_SPARK_DRIVER_MEMORY": "1g",
        "ATHAR_SPARK_EXECUTOR_MEMORY": "1g",
        "ATHAR_SPARK_PARTITIONS": "4",
        # one machine: a local folder is shared storage for every executor
        "ATHAR_SPARK_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
    }
    command = [Path(sys.executable).parent / "athar", "link", "--engine", "spark", "--full", "--json"]
    spec = ClusterSpec(workers=2, cores_per_worker=1, memory_per_worker="1g")
    with standalone_cluster(spec, logs=tmp_path / "cluster") as cluster:
        ran = subprocess.run(
            [*command, "--spark-master", cluster.master_url, "--db", str(tmp_path / "spark.db")],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,  # a hang guard: a loaded 2-core machine takes minutes
        )
        assert ran.returncode == 0, ran.stderr[-3000:]
        apps = cluster.status()["completedapps"]
        daemons = cluster.pids
    on_spark = json.loads(ran.stdout.strip().splitlines()[-1])

    assert [app["name"] for app in apps] == ["athar-link"]
    # each worker launched an executor for the run
    assert all(list((tmp_path / "cluster" / f"work-{n}").glob("app-*/*")) for n in range(2))
    assert live_processes(daemons) == []

    assert on_spark["engine"] == "spark" and on_spark["records"] == on_duckdb.records
    assert same_partition(persons(duck), persons(open_store(str(tmp_path / "spark.db")))) >= 0.98
    assert abs(on_spark["pairs_scored"] - on_duckdb.pairs_scored) <= 0.05 * on_duckdb.pairs_scored


def test_a_frame_sent_in_slices_reaches_spark_whole_with_its_types_and_missing_values():
    """`to_spark` sends a frame a slice at a time, each checkpointed on the executors: the rows come
    back as they were, in order, a missing value missing (also in a column that one slice holds
    none of), and a column holding what Spark is not sent is refused by name."""
    import pandas as pd

    from athar.linkage.engines import db_api_for
    from athar.linkage.spark_input import to_spark

    frame = pd.DataFrame(
        {
            "unique_id": pd.Series([0, 1, 2, 3, 4, 5, 6], dtype="int64"),
            "given_key": pd.Series(["mhmd", None, "ahmd", "mhmd", None, "ali", "omr"], dtype=object),
            "birth_year": pd.array([1980, None, 1975, None, None, None, 1990], dtype="Int64"),
            "reading_bits": [0.0, -1.5, 0.0, 0.0, -0.25, 0.0, 0.0],
            "mother_key": pd.Series([None, None, None, "fatm", "zynb", None, None], dtype=object),
        }
    )
    spark = db_api_for("spark").spark
    sent = to_spark(spark, frame, slice_rows=3)
    back = [row.asDict() for row in sent.orderBy("unique_id").collect()]
    assert dict(sent.dtypes) == {
        "unique_id": "bigint",
        "given_key": "string",
        "birth_year": "bigint",
        "reading_bits": "double",
        "mother_key": "string",
    }
    expected = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert back == expected
    assert sent.rdd.getNumPartitions() >= 3  # three slices, each its own checkpointed partitions
    assert to_spark(spark, frame.iloc[:0]).count() == 0

    with pytest.raises(TypeError, match="'national_id'"):
        to_spark(
            spark, frame.assign(national_id=pd.Series([1, "a", None, None, None, None, None], dtype=object))
        )
