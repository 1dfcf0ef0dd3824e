"""Splink backends: DuckDB in-process by default, Apache Spark for scale.

On Spark, Athar's process is the driver: it reads the records from the store, hands Splink a
DataFrame, and collects the scored pairs back to cluster and write them. The master may be local
(`local[*]`, the default), a standalone cluster (`spark://host:7077`), YARN (`yarn`) or Kubernetes
(`k8s://https://…`); docs/linkage-spark.md says what each needs.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from athar.linkage.errors import LinkageError

ENGINES = ("duckdb", "spark")
LOCAL_MASTER = "local[*]"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


# DuckDB's own memory (hash tables, materialised tables) is held to this, beyond it spilling to a
# temporary folder: left to itself DuckDB takes up to 80% of the machine, and at a million records
# its predict step took 5 GiB beside the 4 GiB of Python's records and features.
DUCKDB_MEMORY_LIMIT = "2GB"


def db_api_for(engine: str, spark_master: str | None = None) -> Any:
    if engine == "duckdb":
        return _duckdb_api()
    if engine == "spark":
        return _spark_api(spark_master)
    raise LinkageError(f"unknown linkage engine {engine!r}; use one of: {', '.join(ENGINES)}")


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """The DuckDB connection's settings: its memory limit (ATHAR_DUCKDB_MEMORY_LIMIT, DuckDB's
    notation: `2GB`, `500MB`) and a temporary folder of its own to spill to."""
    return {
        "memory_limit": os.environ.get("ATHAR_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT),
        "temp_directory": tempfile.mkdtemp(prefix="athar-duckdb-"),
    }


def _duckdb_api() -> Any:
    import duckdb
    from splink import DuckDBAPI

    config = duckdb_config()
    connection = duckdb.connect(":memory:", config=config)
    api = DuckDBAPI(connection)
    # the folder goes with the connection (DuckDB leaves it empty once it has read back what it spilt)
    weakref.finalize(api, shutil.rmtree, str(config["temp_directory"]), ignore_errors=True)
    return api


def release(db_api: Any) -> None:
    """Close a DuckDB backend once its step is done, so that its tables' memory goes back before
    the next step makes its own (Splink's objects hold cycles: left to the collector, the training
    step's tables outlived it into scoring). A Spark session is shared and left open."""
    connection = getattr(db_api, "duckdb_con", None)
    if connection is not None:
        (spill,) = connection.execute("SELECT current_setting('temp_directory')").fetchone()
        connection.close()
        if spill and os.path.basename(spill).startswith("athar-duckdb-"):  # ours, not a caller's
            shutil.rmtree(spill, ignore_errors=True)


def on_this_machine(master: str) -> bool:
    """Whether every executor of `master` runs on this machine, so that it may bind to the loopback
    address and share the driver's local temporary folder."""
    if master.startswith("local"):
        return True
    if master.startswith("spark://"):
        hosts = [urlparse(f"spark://{h}").hostname for h in master.removeprefix("spark://").split(",")]
        return all(h in LOOPBACK_HOSTS for h in hosts)
    return False


def spark_conf(master: str | None) -> dict[str, str]:
    """The session's settings: the similarity jar, partitions and memory from ATHAR_SPARK_*.

    `master` None leaves the master to whoever launched the driver (spark-submit, a Databricks
    notebook); Athar's own default, local[*], applies only when nobody did."""
    from splink.backends.spark import similarity_jar_location

    partitions = os.environ.get("ATHAR_SPARK_PARTITIONS", "8")
    conf = {
        "spark.app.name": "athar-link",
        "spark.jars": similarity_jar_location(),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": partitions,
        "spark.default.parallelism": partitions,
        "spark.driver.memory": os.environ.get("ATHAR_SPARK_DRIVER_MEMORY", "4g"),
        # pandas -> Spark through Arrow: a million records' features cross in seconds, not minutes
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }
    if master is not None:
        conf["spark.master"] = master
    executor_memory = os.environ.get("ATHAR_SPARK_EXECUTOR_MEMORY")
    if executor_memory:
        conf["spark.executor.memory"] = executor_memory
    return conf


@dataclass(frozen=True)
class LineageBreaks:
    """How Splink cuts the lineage of its intermediate tables, and the checkpoint folder if any."""

    method: str  # Splink's break_lineage_method
    checkpoint_dir: str | None


def lineage_breaks(master: str | None) -> LineageBreaks:
    """ATHAR_SPARK_CHECKPOINT_DIR set: intermediate tables are written there as Parquet and read
    back, so it must be storage every executor and the driver reach (hdfs://, s3a://, dbfs:/, a shared
    mount); a lost executor then costs no recomputation from the start. Unset: they are persisted in
    the executors' memory and local disk, which needs no shared storage; a local temporary folder is
    still set as Spark's checkpoint folder when every executor is on this machine."""
    configured = os.environ.get("ATHAR_SPARK_CHECKPOINT_DIR")
    if configured:
        return LineageBreaks("parquet", configured)
    if master is not None and on_this_machine(master):
        return LineageBreaks("persist", tempfile.mkdtemp(prefix="athar-spark-"))
    return LineageBreaks("persist", None)


def _launched_by_spark() -> bool:
    """spark-submit (or a notebook) already started this driver's JVM and chose its master."""
    from pyspark.sql import SparkSession

    return "PYSPARK_GATEWAY_PORT" in os.environ or SparkSession.getActiveSession() is not None


def _spark_api(master: str | None) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("the Spark engine needs pyspark: install Athar with the 'spark' extra") from e
    from splink import SparkAPI

    if master is None and not _launched_by_spark():
        master = LOCAL_MASTER
    if master is not None and on_this_machine(master):
        # a driver bound to the loopback address cannot be reached from another machine's executors
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # the executors' Python workers must be the driver's Python (same version, pyspark importable);
    # on a cluster whose nodes keep it elsewhere, set PYSPARK_PYTHON to that path
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in spark_conf(master).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    breaks = lineage_breaks(master)
    if breaks.checkpoint_dir is not None:
        spark.sparkContext.setCheckpointDir(breaks.checkpoint_dir)
    spark.sparkContext.setLogLevel("ERROR")
    return SparkAPI(spark_session=spark, break_lineage_method=breaks.method)
