"""The dashboard: persons by case status, governorate and year, sources and recent imports, each count
drawn as an inline SVG bar chart and given as a table, over only what the viewer's organisation may see.

Two stores: a small hand-built one whose every count the tests know (synthetic names, persons and
memberships written directly), and the linked synthetic store of the other web tests, where the
page's counts are checked against the same counts made the slow way in Python.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from collections import Counter, defaultdict

import pytest
from sqlalchemy import create_engine, insert, select, text, update

from athar.accounts.users import create_user
from athar.accounts.visibility import visible_sources
from athar.cases import STATUSES
from athar.ingest import import_file
from athar.places import governorate_of
from athar.store import open_store
from athar.store.tables import LinkRun, Membership, Person, Record, ReviewTask, Source
from athar.web import WebSettings, create_app
from athar.web.charts import LABEL_WIDTH, WIDTH, bar_chart
from tests.web.conftest import PASSWORD, client_for

ON_POSTGRES = True  # every test here also runs on PostgreSQL (tests/web/conftest.py)

HEADER = "record_id,given_name,father_name,family_name,sex,birth_date,birth_place,event_date,event_place\n"
# Alpha's private family reports. F5 is refused (impossible birth date) and quarantined.
FAMILIES = (
    "F1,Samer,Adel,Haddad,M,1990,Aleppo,2012-05,Douma\n"
    "F2,Rami,Yousef,Khatib,M,1988,حلب,2013-01-02,\n"
    "F6,Rami,Yousef,Al-Khatib,M,1988,Halab,,\n"
    "F3,Nour,Fadi,Saleh,F,1995,Homs,2012,Damascus\n"
    "F4,Lina,Omar,Darwish,F,1992,Nowhere Town Xyz,,\n"
    "F5,Bad,Date,Person,M,1985-13-45,Aleppo,2012,\n"
)
# Beta's private detention register.
DETENTION = "D1,سامر,عادل,حداد,M,1990,Latakia,2011-03-15,\nD2,وائل,حسن,العلي,M,1980,Idlib,2014,\n"
# A returnee list that belongs to no organisation: everyone sees it.
RETURNEES = "R1,Nour,Fadi,Saleh,F,1995,Hama,2021-06-01,Idlib\n"
# Who is who, and each person's case status.
PERSONS = {
    "P1": ("detention_record_found", [("families", "F1"), ("detention", "D1")]),
    "P2": ("missing", [("families", "F2"), ("families", "F6")]),
    "P3": ("located_alive", [("families", "F3"), ("returnees", "R1")]),
    "P4": ("deceased", [("families", "F4")]),
    "P5": ("deceased", [("detention", "D2")]),
}


def _build(engine, folder) -> None:
    from athar.accounts.organisations import ensure_organisation

    with engine.begin() as conn:
        alpha, beta = ensure_organisation(conn, "Alpha"), ensure_organisation(conn, "Beta")
    for name, rows, kind, org in (
        ("families", FAMILIES, "family_report", alpha),
        ("detention", DETENTION, "detention_register", beta),
        ("returnees", RETURNEES, "returnee_registration", None),
    ):
        path = folder / f"{name}.csv"
        path.write_text(HEADER + rows, encoding="utf-8")
        import_file(engine, path, name, kind=kind, organisation_id=org, user="test")
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(update(Source).values(sharing="private"))
        ids = dict(conn.execute(select(Source.name, Source.id)).all())
        for pid, (status, records) in PERSONS.items():
            conn.execute(insert(Person).values(id=pid, created_at=now, status=status))
            for source, record_id in records:
                conn.execute(
                    insert(Membership).values(source_id=ids[source], record_id=record_id, person_id=pid)
                )
        # A retired person keeps nothing: it must not count anywhere.
        conn.execute(insert(Person).values(id="P9", created_at=now, status="missing", retired_at=now))
        run = conn.execute(
            insert(LinkRun)
            .values(started_at=now, engine="duckdb", mode="full", user_name="test", threshold=0.9)
            .returning(LinkRun.id)
        ).scalar_one()
        for left, right in (("F2", "F3"), ("F1", "D1")):
            conn.execute(
                insert(ReviewTask).values(
                    run_id=run,
                    left_source="families",
                    left_record_id=left,
                    right_source="detention" if right.startswith("D") else "families",
                    right_record_id=right,
                    match_probability=0.5,
                    priority=1.0,
                    created_at=now,
                )
            )
    create_user(engine, "admin-alpha", "admin", "Alpha", PASSWORD)
    create_user(engine, "caseworker-beta", "caseworker", "Beta", PASSWORD)


@pytest.fixture(scope="module")
def small(backend, request, tmp_path_factory):
    """The app over the hand-built store (on this module's backend)."""
    folder = tmp_path_factory.mktemp("dashboard-lists")
    if backend == "sqlite":
        url, cleanup = str(folder / "athar.db"), None
    else:
        server = request.getfixturevalue("postgres")
        name = f"athar_dash_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.url(name)

        def cleanup():
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()

    engine = open_store(url)
    _build(engine, folder)
    engine.dispose()
    application = create_app(url, WebSettings())
    yield application
    application.state.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    if cleanup:
        cleanup()


def _table(html: str, table_id: str) -> dict[str, int]:
    """key -> count, from the data-key / data-n attributes of a table's rows."""
    body = re.search(rf'<table class="data" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    return {k: int(n) for k, n in re.findall(r'<tr data-key="([^"]*)" data-n="(\d+)"', body)}


def _chart(html: str, chart_id: str) -> dict[str, int]:
    """key -> count, from the bars of an SVG chart."""
    svg = re.search(rf'<svg id="{chart_id}".*?</svg>', html, re.S).group(0)
    return {k: int(n) for k, n in re.findall(r'<g class="row" data-key="([^"]*)" data-n="(\d+)"', svg)}


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: n for k, n in counts.items() if n}


def test_counts_by_status_cover_only_persons_with_a_visible_record(small):
    alpha = client_for(small, "admin-alpha").get("/dashboard?lang=en").text
    assert _table(alpha, "by-status") == {
        "missing": 1,
        "detention_record_found": 1,
        "located_alive": 1,
        "deceased": 1,  # P4; P5 is only in Beta's private register
        "remains_identified": 0,
    }
    assert re.search(r'id="persons-count">4<', alpha)
    beta = client_for(small, "caseworker-beta").get("/dashboard?lang=en").text
    assert _nonzero(_table(beta, "by-status")) == {
        "detention_record_found": 1,
        "located_alive": 1,
        "deceased": 1,
    }
    assert re.search(r'id="persons-count">3<', beta)


def test_counts_by_governorate_of_the_birth_place_count_each_person_once(small):
    html = client_for(small, "admin-alpha").get("/dashboard?lang=en").text
    assert 'data-field="birth_place"' in html
    counts = _table(html, "by-governorate")
    # P1 (Aleppo) and P2 (حلب and Halab: once); P3 Homs and, through the shared returnees, Hama;
    # Beta's register (Latakia for P1, Idlib for P5) is not Alpha's to count.
    assert _nonzero(counts) == {"sy-ale": 2, "sy-hom": 1, "sy-ham": 1, "unknown": 1}
    assert len(counts) == 15  # every governorate, zeros too, and the unknown row
    beta = _table(client_for(small, "caseworker-beta").get("/dashboard?lang=en").text, "by-governorate")
    assert _nonzero(beta) == {"sy-lat": 1, "sy-ham": 1, "sy-idl": 1}


def test_counts_by_governorate_can_read_the_event_place_instead(small):
    html = client_for(small, "admin-alpha").get("/dashboard?lang=en&place=event").text
    assert 'data-field="event_place"' in html and 'href="?place=birth"' in html
    assert _nonzero(_table(html, "by-governorate")) == {"sy-rdm": 1, "sy-dam": 1, "sy-idl": 1, "unknown": 2}
    assert "Persons by governorate" in html


def test_counts_by_year_take_the_earliest_event_that_is_not_a_return(small):
    alpha = client_for(small, "admin-alpha").get("/dashboard?lang=en").text
    # P1 2012 (the 2011 arrest is in Beta's register), P2 2013, P3 2012 (the 2021 return left out).
    assert _table(alpha, "by-year") == {"2012": 2, "2013": 1, "undated": 1}
    beta = client_for(small, "caseworker-beta").get("/dashboard?lang=en").text
    assert _table(beta, "by-year") == {"2011": 1, "2012": 0, "2013": 0, "2014": 1, "undated": 1}


def test_sources_and_recent_imports_hide_another_organisations_private_list(small):
    html = client_for(small, "admin-alpha").get("/dashboard?lang=en").text
    assert _table(html, "by-source") == {"families": 5, "returnees": 1}
    imports = re.search(r'<table class="data" id="recent-imports">(.*?)</table>', html, re.S).group(1)
    assert "families.csv" in imports and "returnees.csv" in imports and "detention" not in imports
    families = next(
        row for row in re.findall(r"<tr data-import.*?</tr>", imports, re.S) if "families.csv" in row
    )
    cells = re.findall(r'<td class="num[^"]*">([^<]+)</td>', families)
    assert cells == ["6", "5", "1"]  # read, stored, quarantined
    beta = client_for(small, "caseworker-beta").get("/dashboard?lang=en").text
    assert _table(beta, "by-source") == {"detention": 2, "returnees": 1}
    assert "families" not in re.search(r'id="recent-imports">(.*?)</table>', beta, re.S).group(1)


def test_open_review_tasks_count_only_pairs_whose_records_are_both_visible(small):
    alpha = client_for(small, "admin-alpha").get("/dashboard?lang=en").text
    assert re.search(r'id="review-count">1<', alpha)  # F2-F3; F1-D1 has Beta's record
    beta = client_for(small, "caseworker-beta").get("/dashboard?lang=en").text
    assert re.search(r'id="review-count">0<', beta)


def test_each_count_is_also_a_bar_chart_with_a_title_a_description_and_its_numbers(small):
    html = client_for(small, "admin-alpha").get("/dashboard?lang=en&digits=latin").text
    for chart, table in (
        ("chart-status", "by-status"),
        ("chart-governorate", "by-governorate"),
        ("chart-year", "by-year"),
        ("chart-sources", "by-source"),
    ):
        svg = re.search(rf'<svg id="{chart}".*?</svg>', html, re.S).group(0)
        assert 'role="img"' in svg and f'aria-labelledby="{chart}-title {chart}-desc"' in svg
        assert re.search(rf'<title id="{chart}-title">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{chart}-desc">[^<]+</desc>', svg)
        bars = _chart(html, chart)
        rows = {k: n for k, n in _table(html, table).items() if k not in ("unknown", "undated")}
        assert bars == rows
        for n in bars.values():  # each bar shows its number
            assert re.search(rf'<text class="value"[^>]*>{n}</text>', svg)
    status = re.search(r'<svg id="chart-status".*?</svg>', html, re.S).group(0)
    assert ">Missing</text>" in status and ">Detention record found</text>" in status
    assert "<script" not in html.split("<main>")[1]


def test_bars_are_as_long_as_their_counts_and_mirrored_right_to_left():
    ltr, rtl = (
        bar_chart([("a", 4), ("b", 2), ("c", 0)], rtl=False),
        bar_chart([("a", 4), ("b", 2), ("c", 0)], rtl=True),
    )
    assert ltr.bars[0].width == 2 * ltr.bars[1].width and ltr.bars[2].width == 0
    assert ltr.bars[0].x == LABEL_WIDTH and ltr.bars[0].label_x < LABEL_WIDTH < ltr.bars[0].value_x
    for a, b in zip(ltr.bars, rtl.bars, strict=True):
        assert b.width == a.width
        assert b.x + b.width == WIDTH - LABEL_WIDTH  # bars grow leftwards from the labels on the right
        assert b.label_x > WIDTH - LABEL_WIDTH > b.value_x
    assert rtl.total == 6 and bar_chart([], rtl=True).bars == ()


def test_the_dashboard_is_arabic_and_right_to_left_with_arabic_indic_digits(small):
    html = client_for(small, "admin-alpha").get("/dashboard").text
    assert '<html lang="ar" dir="rtl">' in html
    assert 'direction="rtl"' in html and "Persons by governorate" not in html
    status = re.search(r'<svg id="chart-status".*?</svg>', html, re.S).group(0)
    assert re.search(r'data-key="missing"[^>]*>\s*<text class="label"[^>]*>[\u0600-\u06ff ]+</text>', status)
    governorates = re.search(r'<svg id="chart-governorate".*?</svg>', html, re.S).group(0)
    assert ">حلب</text>" in governorates and '<text class="value"' in governorates
    assert re.search(r'<text class="value"[^>]*>٢</text>', governorates)  # Aleppo: 2
    years = re.search(r'<svg id="chart-year".*?</svg>', html, re.S).group(0)
    assert ">٢٠١٢</text>" in years
    english = client_for(small, "admin-alpha").get("/dashboard?lang=en").text
    assert '<html lang="en" dir="ltr">' in english and 'direction="ltr"' in english
    assert ">Aleppo</text>" in english and ">2012</text>" in english


def _expected(engine, principal, place_field: str) -> dict:
    """The dashboard's counts made the slow way: every visible record of every person, in Python."""
    query = (
        select(
            Membership.person_id,
            Person.status,
            Source.kind,
            Record.event_date,
            getattr(Record, place_field),
        )
        .join(Person, Person.id == Membership.person_id)
        .join(Source, Source.id == Membership.source_id)
        .join(
            Record,
            (Record.source_id == Membership.source_id)
            & (Record.record_id == Membership.record_id)
            & Record.is_current.is_(True),
        )
        .where(Person.retired_at.is_(None), visible_sources(principal))
    )
    status, governorates, dates = {}, defaultdict(set), defaultdict(list)
    with engine.connect() as conn:
        for pid, st, kind, date, place in conn.execute(query):
            status[pid] = st
            found = governorate_of(place) if place else None
            governorates[pid] |= {found} if found else set()
            if date and kind != "returnee_registration":
                dates[pid].append(date)
    by_governorate = Counter(g for gs in governorates.values() for g in gs)
    by_governorate["unknown"] = sum(1 for gs in governorates.values() if not gs)
    return {
        "status": Counter(status.values()),
        "governorate": by_governorate,
        "year": Counter(min(d)[:4] for d in dates.values()),
        "undated": len(status) - len(dates),
        "persons": len(status),
    }


@pytest.mark.parametrize("user", ["reviewer-alpha", "investigator-beta"])
def test_on_the_linked_synthetic_store_the_counts_match_the_records(app, user):
    from athar.accounts.permissions import Principal
    from athar.store.tables import User

    engine = app.state.engine
    with engine.connect() as conn:
        role, org = conn.execute(select(User.role, User.organisation_id).where(User.name == user)).one()
    principal = Principal(name=user, role=role, organisation_id=org)
    client = client_for(app, user)
    for place, field in (("birth", "birth_place"), ("event", "event_place")):
        expected = _expected(engine, principal, field)
        html = client.get(f"/dashboard?lang=en&place={place}").text
        assert _nonzero(_table(html, "by-status")) == dict(expected["status"])
        assert _nonzero(_table(html, "by-governorate")) == _nonzero(dict(expected["governorate"]))
        years = _table(html, "by-year")
        assert years.pop("undated") == expected["undated"]
        assert _nonzero(years) == dict(expected["year"])
        assert re.search(rf'id="persons-count">{expected["persons"]:,}<', html)
    assert set(STATUSES) <= set(_table(html, "by-status"))


def test_the_dashboard_shows_counts_only_and_writes_no_person_view_to_the_audit_log(small):
    from sqlalchemy import func

    from athar.store.tables import AuditEntry

    engine = small.state.engine
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    html = client_for(small, "admin-alpha").get("/dashboard?lang=en").text
    for name in ("Samer", "Haddad", "Khatib", "Nour", "Darwish", "F1", "P1"):
        assert f">{name}<" not in html and name not in re.sub(r"<[^>]+>", " ", html).split()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == before


def _estimate_section(html: str) -> str:
    return re.search(r'<section id="estimate".*?</section>', html, re.S).group(0)


def _headline(html: str) -> tuple[int, int, int]:
    """(estimate, low, high) of the dashboard's headline estimate."""
    found = re.search(
        r'id="estimate-headline" data-estimate="(\d+)" data-low="(\d+)" data-high="(\d+)"', html
    )
    assert found, _estimate_section(html)
    return int(found[1]), int(found[2]), int(found[3])


def test_the_estimate_is_made_from_the_viewers_visible_lists_only(small):
    alpha = _estimate_section(client_for(small, "admin-alpha").get("/dashboard?lang=en").text)
    beta = _estimate_section(client_for(small, "caseworker-beta").get("/dashboard?lang=en").text)
    # Alpha: its family reports and the ownerless returnees (P1-P4); Beta: its register and the returnees.
    assert 'data-observed="4" data-lists="families|returnees"' in alpha
    assert 'data-observed="3" data-lists="detention|returnees"' in beta
    for section in (alpha, beta):
        assert "could reach" in section and "never who" in section
        assert "athar report" in section


def test_on_the_linked_store_the_dashboard_states_the_rule_in_arabic_too(app):
    english = _estimate_section(client_for(app, "reviewer-alpha").get("/dashboard?lang=en").text)
    estimate, low, high = _headline(english)
    assert low <= estimate <= high
    method = re.search(r'data-method="([^"]+)"', english)[1]
    assert method in ("averaged log-linear", "LCMCR") and "The default rule that athar estimate" in english
    arabic = _estimate_section(client_for(app, "reviewer-alpha").get("/dashboard").text)
    assert "القاعدة الافتراضية" in arabic and "default rule" not in arabic
    assert _headline(arabic) == (estimate, low, high)


@pytest.fixture(scope="module")
def all_shared(backend, linked_store, tmp_path_factory):
    """A copy of the linked store whose every list is shared: the CLI, the report and every
    organisation's dashboard see the same lists."""
    if backend != "sqlite":
        pytest.skip("the command line is tested on SQLite")
    folder = tmp_path_factory.mktemp("all-shared")
    path = folder / "athar.db"
    shutil.copy(linked_store, path)
    engine = open_store(str(path))
    with engine.begin() as conn:
        conn.execute(update(Source).values(sharing="shared"))
    engine.dispose()
    application = create_app(str(path), WebSettings())
    yield path, application
    application.state.engine.dispose()


def test_the_cli_the_report_and_the_dashboard_give_the_same_estimate_for_one_store(all_shared, monkeypatch):
    import json

    from typer.testing import CliRunner

    from athar.cli import app as cli
    from athar.estimate import linkage_draws
    from athar.web import dashboard_estimate

    # the command line draws as many times as the tests' dashboard (tests/conftest.py): 3, not 20
    monkeypatch.setattr(linkage_draws, "DEFAULT_DRAWS", dashboard_estimate.DEFAULT_DRAWS)
    path, application = all_shared
    runner = CliRunner()
    result = runner.invoke(cli, ["estimate", "--db", str(path), "--json"])
    assert result.exit_code == 0, result.output
    cli_headline = json.loads(result.stdout)["estimates"][0]
    expected = tuple(round(cli_headline[k]) for k in ("estimate", "ci_low", "ci_high"))
    report = path.parent / "report.html"
    # few LCMCR iterations: they shape only the comparison beside the headline, which is the default's
    args = ["report", "--db", str(path), "--out", str(report), "--by", "", "--iterations", "200"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    page = report.read_text("utf-8")
    found = re.search(r'id=headline data-estimate="(\d+)" data-low="([\d,]+)" data-high="([\d,]+)"', page)
    assert tuple(int(v.replace(",", "")) for v in found.groups()) == expected
    assert "comparison" in page  # the other methods are there, labelled, not as the headline
    for user in ("reviewer-alpha", "investigator-beta"):
        html = client_for(application, user).get("/dashboard?lang=en").text
        assert _headline(html) == expected
        assert f'data-observed="{cli_headline["n_observed"]}"' in html
    # Alpha makes its family reports private again: Beta's estimate no longer draws on them.
    with application.state.engine.begin() as conn:
        conn.execute(update(Source).where(Source.name == "families").values(sharing="private"))
    alpha = _estimate_section(client_for(application, "reviewer-alpha").get("/dashboard?lang=en").text)
    beta = _estimate_section(client_for(application, "investigator-beta").get("/dashboard?lang=en").text)
    assert "families" in re.search(r'data-lists="([^"]*)"', alpha)[1]
    assert "families" not in re.search(r'data-lists="([^"]*)"', beta)[1]
