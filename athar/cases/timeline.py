"""A person's timeline: their records' event dates, read by each source's kind, and their case events."""

from __future__ import annotations

# What a record's event date means, by its source's kind (`athar.store.tables.SOURCE_KINDS`): a family
# report's date is when the person was last seen, a detention register's the detention, a morgue's or
# hospital's the death, a returnee registration's the return. Other lists (and sources from before kinds
# existed, whose kind may read as NULL) give a plain "record".
TIMELINE_KINDS: dict[str, str] = {
    "family_report": "last_seen",
    "detention_register": "detention_record",
    "hospital_or_morgue": "died",
    "returnee_registration": "returned",
}


def record_event_kind(source_kind: str | None) -> str:
    return TIMELINE_KINDS.get(source_kind or "other", "record")


def timeline(records: list[dict], events: list[dict], with_inquiries: bool) -> list[dict]:
    """Records' event dates and case events, oldest first (undated at the end)."""
    items = [
        {
            "date": r["event_date"],
            "kind": record_event_kind(r.get("source_kind")),
            "source": r["source"],
            "record": r,
        }
        for r in records
        if r.get("event_date")
    ]
    for event in events:
        if event["kind"] == "inquiry" and not with_inquiries:
            continue
        created = event["created_at"]
        date = event["event_date"] or (created.date().isoformat() if created else None)
        items.append({"date": date, "kind": event["kind"], "event": event})
    return sorted(items, key=lambda item: (item["date"] is None, item["date"] or ""))
