"""`athar dna import FILE`: laboratories' match reports between bodies' samples and missing persons.

Columns: ``dna_sample_id`` (a remains case's sample), ``reference`` (``source:record_id`` of the
missing person's record), ``relationship`` (of the reference donor), ``likelihood_ratio``,
``posterior``, ``lab``, ``report_date``. Athar does no DNA analysis: a report is evidence. Rows naming
a sample or a record the store does not hold, or with values out of range, are quarantined (under
the source ``dna reports``); a report already stored is unchanged. Conflicts are flagged: one body
matched at or above the threshold to two persons, or two bodies (not parts of one) to one person.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson
from sqlalchemy import Connection, Engine, insert, select

from athar.audit import record_event
from athar.ingest.counts import record_import_counts
from athar.ingest.limits import MAX_REASON_CHARS, bounded_row, cut
from athar.ingest.readers import read_bytes, read_table
from athar.ingest.values import BadValue, ascii_digits, clean_text, parse_date
from athar.remains.candidates import DEFAULT_POSTERIOR_THRESHOLD
from athar.remains.postmortem import header
from athar.remains.sites import new_id
from athar.store.engine import lock_timeout_as_store_busy
from athar.store.tables import DnaReport, Import, Membership, Quarantine, Record, RemainsCase, Source

DNA_SOURCE = "dna reports"


@dataclass
class DnaImportResult:
    file: str
    import_id: int
    threshold: float
    read: int = 0
    stored: int = 0
    quarantined: int = 0
    new: int = 0
    unchanged: int = 0
    conclusive: int = 0
    inconclusive: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def _float(text: str, low: float, high: float, what: str) -> float | None:
    value = ascii_digits(text).strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadValue(f"{text!r} is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise BadValue(f"{text!r}: {what}")
    return number


def _dna_source(conn: Connection, now: dt.datetime) -> int:
    found = conn.execute(select(Source.id).where(Source.name == DNA_SOURCE)).scalar()
    if found is not None:
        return found
    return new_id(
        conn.execute(
            insert(Source).values(
                name=DNA_SOURCE, kind="other", created_at=now, description="laboratories' DNA reports"
            )
        )
    )


def import_dna(
    engine: Engine,
    path: Path,
    user: str | None = None,
    threshold: float = DEFAULT_POSTERIOR_THRESHOLD,
    today: dt.date | None = None,
) -> DnaImportResult:
    user = user or getpass.getuser()
    today = today or dt.date.today()
    data = read_bytes(path)
    table = read_table(path, data=data)
    now = dt.datetime.now(dt.UTC)
    with lock_timeout_as_store_busy(f"{path}: DNA import"), engine.begin() as conn:
        source_id = _dna_source(conn, now)
        import_id = new_id(conn.execute(
            insert(Import).values(
                source_id=source_id, file_name=path.name, sha256=hashlib.sha256(data).hexdigest(),
                file_format=table.file_format, encoding=table.encoding, imported_at=now, imported_by=user,
            )
        ))  # fmt: skip
        result = DnaImportResult(str(path), import_id, threshold)
        samples = dict(conn.execute(select(RemainsCase.dna_sample_id, RemainsCase.id)).all())
        sources = dict(conn.execute(select(Source.name, Source.id)).all())
        known_hashes = set(conn.execute(select(DnaReport.content_hash)).scalars())

        def quarantine(row_number: int, raw: dict[str, str], problems: list[tuple[str, str]]) -> None:
            fields = ", ".join(dict.fromkeys(f for f, _ in problems))
            reason = cut("; ".join(f"{f}: {r}" for f, r in problems), MAX_REASON_CHARS)
            result.quarantined += 1
            for name in fields.split(", "):
                result.reasons[name] = result.reasons.get(name, 0) + 1
            result.problems.append({"row": row_number, "field": fields, "reason": reason})
            digest = hashlib.blake2b(
                orjson.dumps(raw, option=orjson.OPT_SORT_KEYS), digest_size=16
            ).hexdigest()
            conn.execute(
                insert(Quarantine).values(
                    source_id=source_id, import_id=import_id, row_number=row_number, raw=bounded_row(raw),
                    raw_hash=digest, field=fields[:200], reason=reason,
                )
            )  # fmt: skip

        for row in table.rows:
            result.read += 1
            if row.problem is not None:
                quarantine(row.row_number, row.values, [(row.problem[0] or "row", row.problem[1])])
                continue
            values = {header(k): v for k, v in row.values.items()}
            problems: list[tuple[str, str]] = []
            out: dict[str, object] = {}
            for name, parse in (
                ("dna_sample_id", lambda t: clean_text(ascii_digits(t))),
                ("reference", clean_text),
                ("relationship", clean_text),
                ("lab", clean_text),
                ("likelihood_ratio", lambda t: _float(t, 0, math.inf, "a likelihood ratio is positive")),
                ("posterior", lambda t: _float(t, 0, 1, "a posterior lies between 0 and 1")),
                ("report_date", lambda t: parse_date(t, today)),
            ):
                try:
                    out[name] = parse(values.get(name) or "")
                except BadValue as e:
                    problems.append((name, str(e)))
            sample = out.get("dna_sample_id")
            if not sample and "dna_sample_id" not in dict(problems):
                problems.append(("dna_sample_id", "missing dna_sample_id"))
            elif sample and sample not in samples:
                problems.append(("dna_sample_id", f"no remains case holds sample {sample!r}"))
            if out.get("posterior") is None and "posterior" not in dict(problems):
                problems.append(("posterior", "missing posterior"))
            reference = str(out.get("reference") or "")
            source, sep, record_id = reference.rpartition(":")
            if not sep or source not in sources:
                problems.append(("reference", f"{reference!r} names no source (write source:record_id)"))
            elif not conn.execute(
                select(Record.id)
                .where(Record.source_id == sources[source], Record.record_id == record_id)
                .limit(1)
            ).first():
                problems.append(("reference", f"no record {reference!r} in the store"))
            if problems:
                quarantine(row.row_number, row.values, problems)
                continue
            content_hash = hashlib.blake2b(
                orjson.dumps(out, option=orjson.OPT_SORT_KEYS), digest_size=16
            ).hexdigest()
            result.stored += 1
            conclusive = float(out["posterior"]) >= threshold  # type: ignore[arg-type]
            result.conclusive += conclusive
            result.inconclusive += not conclusive
            if content_hash in known_hashes:
                result.unchanged += 1
                continue
            known_hashes.add(content_hash)
            result.new += 1
            conn.execute(
                insert(DnaReport).values(
                    import_id=import_id, row_number=row.row_number, remains_case_id=samples[str(sample)],
                    dna_sample_id=sample, source_id=sources[source], record_id=record_id,
                    relationship=out["relationship"], likelihood_ratio=out["likelihood_ratio"],
                    posterior=out["posterior"], lab=out["lab"], report_date=out["report_date"],
                    content_hash=content_hash, created_at=now,
                )
            )  # fmt: skip
        record_import_counts(conn, import_id, result)
        result.conflicts = conflicts(conn, threshold)
        record_event(conn, user, "dna.imported", "import", str(import_id), detail={"read": result.read})
    assert result.read == result.stored + result.quarantined
    return result


def conflicts(conn: Connection, threshold: float = DEFAULT_POSTERIOR_THRESHOLD) -> list[dict]:
    """Reports at or above `threshold` that cannot all be true: one body to two persons, or one person
    to two bodies that are not parts of one (commingled parts share their whole)."""
    rows = conn.execute(
        select(
            RemainsCase.case_id,
            RemainsCase.id,
            RemainsCase.part_of_id,
            Source.name,
            DnaReport.record_id,
            Membership.person_id,
        )
        .join(RemainsCase, RemainsCase.id == DnaReport.remains_case_id)
        .join(Source, Source.id == DnaReport.source_id)
        .outerjoin(
            Membership,
            (Membership.source_id == DnaReport.source_id) & (Membership.record_id == DnaReport.record_id),
        )
        .where(DnaReport.posterior >= threshold)
    ).all()
    persons_of: dict[str, set[str]] = defaultdict(set)
    bodies_of: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for case_id, case_pk, part_of, source, record_id, person_id in rows:
        who = person_id or f"{source}:{record_id}"
        persons_of[case_id].add(who)
        bodies_of[who].add((case_id, part_of or case_pk))
    out = [
        {"kind": "one body, several persons", "case_id": c, "persons": sorted(p)}
        for c, p in sorted(persons_of.items())
        if len(p) > 1
    ]
    out += [
        {"kind": "one person, several bodies", "person": who, "case_ids": sorted(c for c, _ in cases)}
        for who, cases in sorted(bodies_of.items())
        if len({root for _, root in cases}) > 1
    ]
    return out
