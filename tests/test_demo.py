import json

import pytest
from typer.testing import CliRunner

from athar.cli import app
from athar.estimate import linkage_draws
from athar.store import open_store
from athar.store.summary import source_summaries

runner = CliRunner()


@pytest.fixture(autouse=True)
def few_linkage_draws(monkeypatch):
    """The demo's estimate draws the uncertain pairs 3 times here, not `athar estimate`'s 20: these
    tests check what the demo imports, creates and says, and the 20 draws were half its time."""
    monkeypatch.setattr(linkage_draws, "DEFAULT_DRAWS", 3)


def test_demo_generates_imports_and_accounts_for_every_row(tmp_path):
    result = runner.invoke(app, ["demo", "--workdir", str(tmp_path), "--persons", "300", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Estimate:" in result.output and "the synthetic truth is" in result.output
    engine = open_store(str(tmp_path / "athar.db"))
    summaries = {s["source"]: s for s in source_summaries(engine)}
    requests = summaries.pop("tracing requests: Demo organisation")  # the demo's synthetic requests
    assert requests["records"] == 3
    assert set(summaries) == {"families", "detention", "returnees", "morgue"}
    assert {name: s["kind"] for name, s in summaries.items()} == {
        "families": "family_report",
        "detention": "detention_register",
        "returnees": "returnee_registration",
        "morgue": "hospital_or_morgue",
    }
    truth_rows = (tmp_path / "lists" / "truth.csv").read_text("utf-8").count("\n") - 1
    assert sum(s["records"] + s["quarantined"] for s in summaries.values()) == truth_rows
    engine.dispose()


def test_synth_command_writes_lists_and_truth(tmp_path):
    result = runner.invoke(app, ["synth", str(tmp_path), "--persons", "200", "--seed", "1"])
    assert result.exit_code == 0, result.output
    for name in ("families.csv", "detention.csv", "returnees.csv", "morgue.csv", "truth.csv", "persons.csv"):
        assert (tmp_path / name).stat().st_size > 0
    imported = runner.invoke(
        app,
        [
            "import",
            str(tmp_path / "detention.csv"),
            "--source",
            "detention",
            "--json",
            "--db",
            str(tmp_path / "a.db"),
        ],
    )
    counts = json.loads(imported.stdout)
    assert counts["encoding"] == "windows-1256" and counts["unmapped_columns"] == []
    assert counts["read"] == counts["stored"] + counts["quarantined"] > 0


def test_demo_serve_creates_an_account_per_role_and_serves_on_loopback(tmp_path, monkeypatch):
    from sqlalchemy import select

    from athar.store.tables import User
    from athar.web import server

    served = {}
    monkeypatch.setattr(
        server, "serve", lambda db, host, port, insecure_http: served.update(host=host, db=db)
    )
    result = runner.invoke(app, ["demo", "--workdir", str(tmp_path), "--persons", "200", "--serve"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1"
    with open_store(str(tmp_path / "athar.db")).connect() as conn:
        roles = dict(conn.execute(select(User.name, User.role)).all())
    assert roles == {f"demo-{r}": r for r in ("admin", "investigator", "reviewer", "caseworker")}
