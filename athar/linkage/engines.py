"""Splink backends: DuckDB in-process by default, Apache Spark for scale."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from athar.linkage.errors import LinkageError

ENGINES = ("duckdb", "spark")


def db_api_for(engine: str, spark_master: str | None = None) -> Any:
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        return _spark_api(spark_master or "local[*]")
    raise LinkageError(f"unknown linkage engine {engine!r}; use one of: {', '.join(ENGINES)}")


def _spark_api(master: str) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("the Spark engine needs pyspark: install Athar with the 'spark' extra") from e
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    checkpoints = tempfile.mkdtemp(prefix="athar-spark-")
    spark = (
        SparkSession.builder.master(master)
        .appName("athar-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("ATHAR_SPARK_PARTITIONS", "8"))
        .config("spark.default.parallelism", os.environ.get("ATHAR_SPARK_PARTITIONS", "8"))
        .config("spark.driver.memory", os.environ.get("ATHAR_SPARK_DRIVER_MEMORY", "4g"))
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(checkpoints)
    spark.sparkContext.setLogLevel("ERROR")
    return SparkAPI(spark_session=spark, break_lineage_method="persist")
