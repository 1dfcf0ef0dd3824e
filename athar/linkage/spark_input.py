"""How a feature frame reaches Spark: a slice at a time, each slice checkpointed on the executors.

Splink registers a pandas frame with `createDataFrame`, which parallelises it from the driver: the
driver's JVM then holds every row for as long as the table lives, beside the Python process that
made them, and holds it again for each table registered (training's, then scoring's). At a million
records that was some 3 GiB of the driver's 7.6; at five million the driver alone would not have
fit this project's 24 GiB machine beside its executors. Sent a slice at a time, each slice
checkpointed where the executors keep it before the next is sent, the driver holds one slice at a
time and the table is the executors'.

A slice checkpointed locally (`localCheckpoint`) lives in its executor's memory and disk: an
executor lost then fails the run, which `athar link` can be run again after. With
ATHAR_SPARK_CHECKPOINT_DIR set (storage every executor reaches), slices are checkpointed there
instead, and survive a lost executor.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import pandas as pd

# Rows sent to the cluster at a time: the driver's JVM and Python each hold one slice (at five
# million records, some 50 MiB of Arrow each).
SLICE_ROWS = 250_000


def spark_schema(frame: pd.DataFrame) -> Any:
    """The Spark schema of `frame`'s columns: integers (nullable or not) as longs, floats as
    doubles, booleans as booleans, text (Python strings and None) as strings. Every slice is sent
    under it, so that a slice in which a column happens to be empty still unions with the rest."""
    from pyspark.sql import types

    fields = []
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            kind: Any = types.BooleanType()
        elif pd.api.types.is_integer_dtype(dtype):
            kind = types.LongType()
        elif pd.api.types.is_float_dtype(dtype):
            kind = types.DoubleType()
        elif pd.api.types.infer_dtype(frame[name], skipna=True) in ("string", "empty"):
            kind = types.StringType()
        else:
            raise TypeError(f"feature column {name!r} holds values Spark is not sent: {dtype}")
        fields.append(types.StructField(str(name), kind, nullable=True))
    return types.StructType(fields)


def to_spark(spark: Any, frame: pd.DataFrame, slice_rows: int = SLICE_ROWS) -> Any:
    """`frame` as a Spark DataFrame held by the executors (see the module's docstring)."""
    schema = spark_schema(frame)
    reliable = bool(os.environ.get("ATHAR_SPARK_CHECKPOINT_DIR"))
    parts = []
    for start in range(0, max(len(frame), 1), slice_rows):
        part = spark.createDataFrame(frame.iloc[start : start + slice_rows], schema=schema)
        parts.append(part.checkpoint(eager=True) if reliable else part.localCheckpoint(eager=True))
    return functools.reduce(lambda a, b: a.unionByName(b), parts)
