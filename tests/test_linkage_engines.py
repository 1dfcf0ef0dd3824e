"""The Spark session's settings for a local run and for a cluster (no JVM needed), and DuckDB's."""

from pathlib import Path

import duckdb
import pytest

from athar.linkage.engines import (
    LineageBreaks,
    db_api_for,
    lineage_breaks,
    on_this_machine,
    release,
    spark_conf,
)


@pytest.mark.parametrize(
    ("master", "local"),
    [
        ("local[*]", True),
        ("local[2]", True),
        ("spark://127.0.0.1:7077", True),
        ("spark://localhost:7077,127.0.0.1:7078", True),
        ("spark://spark-master.internal:7077", False),
        ("spark://127.0.0.1:7077,10.0.0.5:7077", False),
        ("yarn", False),
        ("k8s://https://10.0.0.1:6443", False),
    ],
)
def test_only_masters_whose_executors_run_here_count_as_this_machine(master, local):
    assert on_this_machine(master) is local


def test_the_session_ships_the_similarity_jar_and_takes_memory_from_the_environment(monkeypatch):
    monkeypatch.setenv("ATHAR_SPARK_DRIVER_MEMORY", "6g")
    monkeypatch.setenv("ATHAR_SPARK_EXECUTOR_MEMORY", "9g")
    monkeypatch.setenv("ATHAR_SPARK_PARTITIONS", "64")
    conf = spark_conf("spark://10.0.0.5:7077")
    assert Path(conf["spark.jars"]).is_file() and conf["spark.jars"].endswith(".jar")
    assert conf["spark.master"] == "spark://10.0.0.5:7077"
    assert (conf["spark.driver.memory"], conf["spark.executor.memory"]) == ("6g", "9g")
    assert conf["spark.sql.shuffle.partitions"] == conf["spark.default.parallelism"] == "64"


def test_without_a_master_the_launcher_chooses_it_and_executor_memory_is_the_clusters(monkeypatch):
    monkeypatch.delenv("ATHAR_SPARK_EXECUTOR_MEMORY", raising=False)
    conf = spark_conf(None)
    assert "spark.master" not in conf and "spark.executor.memory" not in conf


def test_a_shared_checkpoint_folder_writes_intermediate_tables_there(monkeypatch):
    monkeypatch.setenv("ATHAR_SPARK_CHECKPOINT_DIR", "hdfs://namenode/athar/checkpoints")
    breaks = lineage_breaks("yarn")
    assert (breaks.method, breaks.checkpoint_dir) == ("parquet", "hdfs://namenode/athar/checkpoints")


def test_without_one_a_cluster_persists_and_gets_no_local_folder(monkeypatch):
    monkeypatch.delenv("ATHAR_SPARK_CHECKPOINT_DIR", raising=False)
    assert lineage_breaks("k8s://https://10.0.0.1:6443") == LineageBreaks("persist", None)
    local = lineage_breaks("local[2]")
    assert local.method == "persist" and Path(local.checkpoint_dir).is_dir()


def test_duckdb_is_held_to_its_memory_limit_and_spills_to_a_folder_of_its_own(monkeypatch):
    monkeypatch.setenv("ATHAR_DUCKDB_MEMORY_LIMIT", "300MB")
    api = db_api_for("duckdb")
    ((limit, folder),) = api.duckdb_con.sql(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchall()
    assert limit == "286.1 MiB"  # DuckDB's MB are 10^6 bytes
    assert Path(folder).is_dir() and Path(folder).name.startswith("athar-duckdb-")
    release(api)
    with pytest.raises(duckdb.ConnectionException):
        api.duckdb_con.sql("SELECT 1")
    assert not Path(folder).exists()  # the spill folder goes with the connection, not with the object
