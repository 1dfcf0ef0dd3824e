"""No CSV Athar writes holds a cell a spreadsheet would run as a formula (OWASP's CSV injection rule)."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from athar.cli import app
from athar.csv_safety import SafeDictWriter, SafeWriter, neutralise
from athar.estimate.histories import CaptureHistories

FORMULAS = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tcell", "\rcell"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_opening_like_a_formula_gets_a_leading_quote(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("value", ["Mohammad Al-Hamoud", "محمد", "", "1985-03", 42, -3, None])
def test_ordinary_text_and_non_text_values_pass_unchanged(value):
    assert neutralise(value) == value


def test_both_writers_neutralise_the_header_and_every_row():
    out = io.StringIO()
    SafeWriter(out).writerows([["=head", "ok"], ["@x", "-y"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=head", "ok"], ["'@x", "'-y"]]
    out = io.StringIO()
    writer = SafeDictWriter(out, fieldnames=["+a", "b"])
    writer.writeheader()
    writer.writerow({"+a": "=1", "b": "2"})
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'+a", "b"], ["'=1", "2"]]


def test_athar_export_records_neutralises_formula_names(tmp_path):
    db = str(tmp_path / "athar.db")
    listing = tmp_path / "list.csv"
    listing.write_text(
        'record_id,full_name\n1,"=HYPERLINK(""http://x"",""y"")"\n2,@SUM(1)\n3,Sara Khatib\n', "utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(listing), "--source", "families", "--db", db]).exit_code == 0
    out = tmp_path / "records.csv"
    result = runner.invoke(app, ["export", "records", "--out", str(out), "--db", db, "--user", "tester"])
    assert result.exit_code == 0, result.output
    names = [row["full_name"] for row in csv.DictReader(out.open(encoding="utf-8"))]
    assert names == ['\'=HYPERLINK("http://x","y")', "'@SUM(1)", "Sara Khatib"]


def test_capture_histories_csv_neutralises_list_names(tmp_path):
    path = tmp_path / "histories.csv"
    CaptureHistories(["=evil", "register"], {(1, 0): 3, (0, 1): 2, (1, 1): 1}).to_csv(path)
    header = next(csv.reader(path.open(encoding="utf-8")))
    assert header == ["'=evil", "register", "count"]
