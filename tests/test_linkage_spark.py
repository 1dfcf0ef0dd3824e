"""The same settings on Apache Spark give the same persons as on DuckDB (slow: Spark's JVM starts)."""

import shutil

import pytest

from athar.exports import current_records
from athar.ingest import import_file
from athar.linkage.run import LinkOptions, link
from athar.store import open_store
from athar.synth import generate

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.spark,
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


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_linkage_matches_duckdb(tmp_path):
    generate(tmp_path / "lists", persons=300, seed=11)
    duck = open_store(str(tmp_path / "duck.db"))
    for name in ("families", "detention", "returnees", "morgue"):
        import_file(duck, tmp_path / "lists" / f"{name}.csv", name)
    duck.dispose()
    shutil.copy(tmp_path / "duck.db", tmp_path / "spark.db")
    duck, spark = open_store(str(tmp_path / "duck.db")), open_store(str(tmp_path / "spark.db"))

    on_duckdb = link(duck, LinkOptions(engine="duckdb", full=True))
    on_spark = link(spark, LinkOptions(engine="spark", spark_master="local[2]", full=True))

    assert on_spark.engine == "spark" and on_spark.records == on_duckdb.records
    assert same_partition(persons(duck), persons(spark)) >= 0.98
    assert abs(on_spark.pairs_scored - on_duckdb.pairs_scored) <= 0.05 * on_duckdb.pairs_scored
