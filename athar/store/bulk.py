"""Inserting many rows at the driver's full speed: COPY on PostgreSQL, executemany on SQLite.

SQLAlchemy's per-row parameter processing is the main cost of an import or a linkage run's writes;
this bypasses it. Values must already be what the column stores (JSON as text, booleans as bool).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection


def bulk_insert(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    if not rows:
        return
    dbapi: Any = conn.connection.dbapi_connection  # psycopg's or sqlite3's own connection
    names = ", ".join(columns)
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join("?" for _ in columns)
    cursor = dbapi.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)
    finally:
        cursor.close()


def value_writer(conn: Connection, column: ColumnElement[Any]) -> Callable[[object], object]:
    """A function giving a value as the driver must be given it for `column` (a datetime is text on
    SQLite); resolved once, for loops over many rows."""
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process or (lambda value: value)


def stored_value(conn: Connection, column: ColumnElement[Any], value: object) -> object:
    """`value` as the driver must be given it for `column`."""
    return value_writer(conn, column)(value)
