"""A few records scored against a few others in one query, on SQL that Splink generates once.

Splink's `score_pair` generates its SQL anew on each call, parsing every comparison level's SQL
with sqlglot: about a quarter of a second of CPU, for a query DuckDB answers in milliseconds, and
four times over for a pair whose two names may each be read two ways. That SQL depends only on the
model and on the input's columns (the values reach it as tables), so it is generated once, by
Splink's own `score_pairs` on two tables of fixed names, parsed once by DuckDB, and run again on
each pair's rows put under those names (DuckDB binds and plans it each time, which is most of the
20-odd milliseconds left). The rows that come back are the ones `score_pair` gives, column for
column.

DuckDB only (the review page's scorer is a DuckDB linker); one query at a time per linker: the
caller holds the scorer's lock.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

LEFT_TABLE = "athar_explain_left"
RIGHT_TABLE = "athar_explain_right"


class PairScorer:
    """Scores rows against rows with a DuckDB linker's model, compiling its SQL once per set of columns."""

    def __init__(self, linker: Any) -> None:
        self._linker = linker
        self._statements: dict[tuple[str, ...], Any] = {}  # DuckDB's parsed statement by columns

    def score(self, lefts: list[dict], rights: list[dict]) -> dict[tuple[Any, Any], dict]:
        """Splink's scored row of every left row against every right row, with whether a blocking rule
        finds the pair (`score_pair(left, right, include_found_by_blocking_rules=True)`), by the
        pair's (`unique_id` of the left, of the right): the rows' unique ids must differ."""
        columns = tuple(lefts[0])
        if any(tuple(row) != columns for row in (*lefts, *rights)):
            raise ValueError("every row to score must have the same columns, in the same order")
        connection = self._linker._db_api.duckdb_con
        # registering under a name already registered replaces that table
        connection.register(LEFT_TABLE, pa.Table.from_pylist(lefts))
        connection.register(RIGHT_TABLE, pa.Table.from_pylist(rights))
        statement = self._statements.get(columns)
        if statement is None:
            (statement,) = connection.extract_statements(self._compiled())
            self._statements[columns] = statement
        cursor = connection.execute(statement)
        names = [column[0] for column in cursor.description]
        scored = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return {(row["unique_id_l"], row["unique_id_r"]): row for row in scored}

    def _compiled(self) -> str:
        """The SQL of `score_pairs` over the two tables as registered now (their columns are what it
        depends on)."""
        db_api = self._linker._db_api
        left = db_api.table_to_splink_dataframe(LEFT_TABLE, LEFT_TABLE)
        right = db_api.table_to_splink_dataframe(RIGHT_TABLE, RIGHT_TABLE)
        result = self._linker.inference.score_pairs(left, right, include_found_by_blocking_rules=True)
        sql = result.sql_used_to_create
        result.drop_table_from_database_and_remove_from_cache()
        return sql
