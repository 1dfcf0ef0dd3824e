"""The tables `athar sources` and `athar quarantine` print, laid out to read at 80 columns.

No borders (a bold, underlined header instead) and one space between columns, so that at 80 columns
the numbers keep their room and only text wraps: at word boundaries, never cut short with an
ellipsis. What a wider terminal gains is room for the text columns. `--json` gives every field as
stored; these tables are for reading.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from athar.ingest.encoding import CONTROL_IN_TEXT

# Short words for the kinds of list (`athar import --kind`), so that the column stays narrow.
KIND_WORDS = {
    "family_report": "family reports",
    "detention_register": "detention",
    "hospital_or_morgue": "hospital, morgue",
    "returnee_registration": "returnees",
    "other": "other",
}


def _table(title: str | None = None) -> Table:
    return Table(
        box=None,
        padding=(0, 1, 0, 0),
        header_style="bold underline",
        title=title,
        title_justify="left",
        title_style="bold",
    )


def sources_table(rows: Sequence[dict]) -> Table:
    """One row per source: kind, current records, all versions, quarantined rows (open/resolved),
    records kept with bad fields blanked, imports and when the last one ran (to the minute)."""
    table = _table()
    table.add_column("source", min_width=8, ratio=1, overflow="fold")
    table.add_column("kind", min_width=9)
    for name in ("records", "versions"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("quarantined\nopen/resolved", justify="right", no_wrap=True)
    table.add_column("flagged", justify="right", no_wrap=True)
    table.add_column("imports", justify="right", no_wrap=True)
    table.add_column("last\nimport", min_width=10)
    for r in rows:
        last = str(r["last_import"])[:16] if r["last_import"] else "—"
        table.add_row(
            r["source"],
            KIND_WORDS.get(r["kind"], str(r["kind"]).replace("_", " ")),
            f"{r['records']:,}",
            f"{r['versions']:,}",
            f"{r['quarantine_open']:,} / {r['quarantine_resolved']:,}",
            f"{r['flagged']:,}",
            f"{r['imports']:,}",
            last,
        )
    return table


def _one_source(rows: Sequence[dict]) -> str | None:
    sources = {r["source"] for r in rows}
    return next(iter(sources)) if len(sources) == 1 else None


def raw_values(raw: dict, limit: int = 160) -> str:
    """A quarantined row's non-empty values as read, `column=value` joined by "; " (cut at `limit`
    characters: the whole row is in `--json` and in `athar export quarantine`). A control character
    (what quarantined many of these rows) is shown as its escape, ``\\x1b``: written as it is, a
    file's terminal escape sequence would run in the reader's terminal."""
    text = "; ".join(f"{k}={v}" for k, v in raw.items() if v)
    text = CONTROL_IN_TEXT.sub(lambda found: f"\\x{ord(found.group()):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quarantine_table(rows: Sequence[dict], resolved: bool = False) -> Table:
    """One row per quarantined row: where it was read (file:row), the failing field, the reason and
    the values as read; the source as the title when every row comes from one source, else a
    column. With `resolved`, a last column says open, or when and by which import it was resolved."""
    source = _one_source(rows)
    table = _table(f"source: {source}" if source else None)
    if source is None:
        table.add_column("source", min_width=8, ratio=1, overflow="fold")
    table.add_column("file:row", min_width=8, ratio=1, overflow="fold")
    table.add_column("field", min_width=8, overflow="fold")
    table.add_column("reason", min_width=14, ratio=2, overflow="fold")
    table.add_column("raw values", min_width=14, ratio=3, overflow="fold")
    if resolved:
        table.add_column("resolved", min_width=12)
    for r in rows:
        cells = [f"{r['file']}:{r['row_number']}", (r["field"] or "").replace(",", ", "), r["reason"]]
        cells.append(raw_values(r["raw"]))
        if resolved:
            at = r["resolved_at"]
            cells.append(f"by import {r['resolved_by_import']}\n{at[:16]}" if at else "open")
        table.add_row(*([] if source else [r["source"]]), *cells)
    return table


def flagged_table(rows: Sequence[dict]) -> Table:
    """Records kept with their bad fields blanked (`--bad-field blank`): where, which, why."""
    source = _one_source(rows)
    table = _table(f"source: {source}" if source else None)
    if source is None:
        table.add_column("source", min_width=8, ratio=1, overflow="fold")
    table.add_column("file:row", min_width=8, ratio=1, overflow="fold")
    table.add_column("record", min_width=6, overflow="fold")
    table.add_column("blanked", min_width=8, overflow="fold")
    table.add_column("reason", min_width=14, ratio=3, overflow="fold")
    for r in rows:
        where, blanked = f"{r['file']}:{r['row_number']}", (r["field"] or "").replace(",", ", ")
        cells = [where, r["record_id"], blanked, r["reason"]]
        table.add_row(*([] if source else [r["source"]]), *cells)
    return table
