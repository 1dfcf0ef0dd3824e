"""`athar demo`: the whole flow on synthetic people, from lists to a summary of the store."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import Engine

from athar.ingest import ImportResult, import_file
from athar.store import open_store
from athar.synth.inclusion import SOURCES

# What kind of list each synthetic list is (athar.synth writes them with those habits).
SYNTHETIC_KINDS: dict[str, str] = {
    "families": "family_report",
    "detention": "detention_register",
    "returnees": "returnee_registration",
    "morgue": "hospital_or_morgue",
}


def import_synthetic_lists(
    engine: Engine,
    folder: Path,
    user: str = "synth",
    progress: Callable[[str, int], None] | None = None,
) -> list[ImportResult]:
    """Import the lists `athar synth` wrote into `folder`, each as the source it is named after, with
    its kind (`SYNTHETIC_KINDS`).

    `progress(source, rows_read)` is called as each file is read.
    """
    return [
        import_file(
            engine,
            Path(folder) / f"{name}.csv",
            name,
            user=user,
            progress=partial(progress, name) if progress else None,
            kind=SYNTHETIC_KINDS[name],
        )
        for name in SOURCES
    ]


def run_demo(
    workdir: Path, persons: int, seed: int, console: Console, progress: Callable[[], Progress]
) -> None:
    from athar.synth import generate

    lists_dir = workdir / "lists"
    db_path = workdir / "athar.db"
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in (db_path, db_path.with_name("athar.db-wal"), db_path.with_name("athar.db-shm")):
        stale.unlink(missing_ok=True)

    with progress() as bar:
        task = bar.add_task("generating synthetic lists", total=None)
        summary = generate(
            lists_dir,
            persons=persons,
            seed=seed,
            progress=lambda d, t: bar.update(task, completed=d, total=t),
        )
    engine = open_store(str(db_path))
    table = Table("list", "file", "encoding", "read", "stored", "quarantined", title="Import")
    with progress() as bar:
        task = bar.add_task("importing", total=None)
        results = import_synthetic_lists(
            engine,
            lists_dir,
            user="demo",
            progress=lambda name, n: bar.update(task, description=f"importing {name}.csv", completed=n),
        )
    totals = [0, 0, 0]
    for result in results:
        table.add_row(
            result.source,
            Path(result.file).name,
            result.encoding or "",
            f"{result.read:,}",
            f"{result.stored:,}",
            f"{result.quarantined:,}",
        )
        for i, n in enumerate((result.read, result.stored, result.quarantined)):
            totals[i] += n
    table.add_row("all", "", "", *(f"{n:,}" for n in totals), style="bold")
    console.print(table)
    console.print(
        f"{summary.persons:,} synthetic people; {summary.persons_in_no_source:,} of them are in no list "
        "(the ones estimation must find). Every row read was stored or quarantined: "
        f"{totals[0]:,} = {totals[1]:,} + {totals[2]:,}.",
        highlight=False,
    )
    _link_and_estimate(engine, lists_dir, summary.persons, console, progress)
    file_demo_requests(engine, lists_dir, console)
    console.print(f"Store: {db_path}   Lists and truth: {lists_dir}", highlight=False)
    console.print(
        f"Next: athar review list --db {db_path}   athar explain SOURCE:ID SOURCE:ID --db {db_path}   "
        f"athar report --db {db_path} --out report.html",
        highlight=False,
    )
    engine.dispose()


def _link_and_estimate(engine, lists_dir: Path, true_total: int, console: Console, progress) -> None:
    import csv

    from athar.estimate.from_store import person_capture_rows, uncertain_links
    from athar.estimate.histories import stratify
    from athar.estimate.linkage_draws import DEFAULT_DRAWS
    from athar.estimate.service import compute_estimates
    from athar.exports import current_records
    from athar.linkage.run import LinkOptions, link

    with progress() as bar:
        task = bar.add_task("linking records into persons", total=None)
        result = link(engine, LinkOptions(user="demo"), progress=lambda m: bar.update(task, description=m))
    with (lists_dir / "truth.csv").open(encoding="utf-8") as f:
        truth = {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}
    linked = {(r["source"], r["record_id"]): r["person_id"] for r in current_records(engine)}
    true_in_lists = len({truth[k] for k in linked if k in truth})
    console.print(
        f"Linkage: {result.records:,} records → {result.persons:,} persons "
        f"(the truth: {true_in_lists:,} people appear in the lists); "
        f"{result.review_tasks:,} uncertain pairs wait for a reviewer.",
        highlight=False,
    )
    left_out: list[str] = []
    rows = list(person_capture_rows(engine, left_out))
    histories = stratify(rows)[()]
    links = uncertain_links(engine, rows, left_out)
    # as many draws of the uncertain pairs as `athar estimate` makes
    [estimate] = compute_estimates(histories, method="auto", seed=0, links=links, linkage_draws=DEFAULT_DRAWS)
    console.print(
        f"Estimate: {estimate.estimate:,.0f} people in all "
        f"({estimate.ci_level:.0%} interval {estimate.ci_low:,.0f}–{estimate.ci_high:,.0f}); "
        f"the synthetic truth is {true_total:,}. {len(left_out):,} persons known only from nameless records "
        "are left out. Linkage errors move this number: merged people lower it, split people raise it.",
        highlight=False,
    )


DEMO_ORGANISATION = "Demo organisation"
DEMO_REQUESTS = 3


def file_demo_requests(engine: Engine, lists_dir: Path, console: Console) -> list[str]:
    """File a few tracing requests for synthetic people (as families would on /trace), ranked against
    the linked store at once, and show their references (and secrets: synthetic, shown this once)."""
    import csv
    import random

    from athar.requests.intake import cipher_for, submit_request
    from athar.search import PersonIndex

    with (lists_dir / "persons.csv").open(encoding="utf-8") as f:
        people = list(csv.DictReader(f))
    rng = random.Random(7)
    index = PersonIndex.build(engine)
    cipher = cipher_for(engine)
    table = Table("reference", "secret", "sought (synthetic)", "best candidate", title="Tracing requests")
    references = []
    for n, person in enumerate(rng.sample(people, min(DEMO_REQUESTS, len(people)))):
        script = "ar" if n % 2 == 0 else "latin"
        values = {
            "given_name": person[f"given_name_{script}"],
            "father_name": person[f"father_name_{script}"],
            "family_name": person[f"family_name_{script}"],
            "mother_name": person[f"mother_name_{script}"],
            "sex": person["sex"],
            "birth_date": person["birth_date"][:4],
            "requester_name": f"Demo requester {n + 1}",
            "requester_relationship": "sister",
            "requester_phone": f"+96394{rng.randrange(1_000_000, 9_999_999)}",
            "preferred_channel": "sms",
            "language": "ar" if script == "ar" else "en",
        }
        result = submit_request(engine, values, DEMO_ORGANISATION, cipher, index, user="demo")
        best = result.candidates[0] if result.candidates else None
        sought = " ".join(values[k] for k in ("given_name", "father_name", "family_name"))
        table.add_row(
            result.reference,
            result.secret,
            sought,
            f"{best['person_id']} ({best['score']:.2f})" if best else "-",
        )
        references.append(result.reference)
    console.print(table)
    console.print(
        "Families read a request's status at /trace/status with its reference and secret; caseworkers "
        "of the demo organisation work on them at /requests (`athar demo --serve`).",
        highlight=False,
    )
    return references


def serve_demo(workdir: Path, console: Console, port: int = 8000) -> None:
    """Serve the demo store on this machine, with one synthetic account per role, printed once."""
    import os

    from athar.accounts.permissions import ROLES
    from athar.cli.accounts import add_user
    from athar.web import server

    os.environ.setdefault("ATHAR_WEB_TRACE_ORGANISATION", DEMO_ORGANISATION)  # /trace files with the demo's
    db = str(workdir / "athar.db")
    table = Table("account", "role", "password", title="Demo accounts (this machine only)")
    for role in ROLES:
        name = f"demo-{role}"
        password = f"demo-{role}-{secrets.token_hex(4)}"
        add_user(db, name, role, DEMO_ORGANISATION, password=password, by="demo")
        table.add_row(name, role, password)
    console.print(table)
    console.print(f"Open http://127.0.0.1:{port}/ (the family search needs no account). Ctrl-C stops.")
    server.serve(db, host="127.0.0.1", port=port, insecure_http=True)
