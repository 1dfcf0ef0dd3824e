"""``athar estimate`` and ``athar report`` behaviour, through the functions the CLI calls."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rich.console import Console

from athar.cli.estimate import run_estimate
from athar.estimate import CaptureHistories
from athar.estimate.service import write_report

DATA = Path(__file__).parent / "data" / "mse"


def western_csv(tmp_path: Path) -> Path:
    path = tmp_path / "western.csv"
    CaptureHistories.from_json(DATA / "western_us_sex_trafficking_5lists.json").to_csv(path)
    return path


def test_json_output_has_observed_estimate_interval_model_and_warnings(tmp_path, capsys):
    assert run_estimate(western_csv(tmp_path), json_out=True) == 0
    doc = json.loads(capsys.readouterr().out)
    est = doc["estimates"][0]
    assert doc["n_observed"] == 345
    assert est["ci_low"] < est["estimate"] < est["ci_high"]
    assert est["model"]
    assert isinstance(est["warnings"], list)


def test_text_output_names_the_model_and_warns_about_disjoint_lists(tmp_path):
    console = Console(record=True, width=200)
    assert run_estimate(western_csv(tmp_path), console=console) == 0
    text = console.export_text()
    assert "345 persons observed on 5 lists" in text
    assert "main + A:E" in text
    assert "share nobody" in text


def test_missing_input_is_an_error_not_a_crash(capsys):
    assert run_estimate(None) == 2


def test_unreadable_csv_is_an_error_not_a_crash(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,count\n2,0,1\n", encoding="utf-8")
    assert run_estimate(bad) == 2


def test_strata_are_estimated_separately_and_thin_ones_are_pooled_into_the_smallest(tmp_path, capsys):
    hist = CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json")
    thin = CaptureHistories(hist.lists, {(1, 0, 0, 0): 3})
    assert run_estimate(json_out=True, histories=hist, strata={"big": hist, "thin": thin}) == 0
    doc = json.loads(capsys.readouterr().out)
    pooled = "big + small strata, pooled"
    assert list(doc["strata"]) == [pooled]
    assert doc["strata_pooled"] == {pooled: ["big", "thin"]}
    assert doc["strata"][pooled][0]["n_observed"] == hist.n_observed + 3
    assert doc["strata_total"]["estimate"] == doc["strata"][pooled][0]["estimate"]
    assert "pooled" in doc["strata_pooling_rule"]


def test_report_is_self_contained_with_charts_and_both_languages(tmp_path):
    hist = CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json")
    out = write_report(
        tmp_path / "r.html",
        histories=hist,
        strata={"EXH+ABA only": hist.select(["EXH", "ABA", "OSCE"])},
        iterations=500,
    )
    page = out.read_text("utf-8")
    assert page.count("<svg") == 5  # estimates, distribution, strata, combinations and pairs of lists
    assert "dir=rtl" in page and "تقدير" in page
    assert "what the estimate says" in page.lower()
    urls = set(re.findall(r"(?:src|href)=[\"']?([^\"' >]+)", page))
    assert urls == set()  # nothing loaded from anywhere
    assert "4,400" in page


def test_too_many_lists_for_log_linear_still_gets_a_latent_class_estimate(capsys):
    hist = CaptureHistories.from_json(DATA / "colombia_child_recruitment_1999_male_verdata_20lists.json")
    assert run_estimate(json_out=True, histories=hist, method="both", iterations=300) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [e["method"] for e in doc["estimates"]] == ["LCMCR (Bayesian latent classes)"]
    assert any("no log-linear estimate" in w for w in doc["estimates"][0]["warnings"])
    assert run_estimate(histories=hist, method="loglinear") == 2


def test_strata_from_stratify_are_labelled_by_their_fields(capsys):
    from athar.estimate import stratify

    hist = CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json")
    rows = []
    pid = 0
    for history, n in hist.counts.items():
        for _ in range(n):
            pid += 1
            sources = {name for name, on in zip(hist.lists, history, strict=True) if on}
            rows.append((pid, sources, {"half": "first" if pid % 2 else None}))
    strata = stratify(rows, by=["half"], lists=hist.lists)
    assert run_estimate(json_out=True, histories=hist, strata=strata) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["strata"]) == {"first", "unknown"}


def test_cli_defaults_to_the_stated_rule_seeded_and_honours_the_loglinear_flags(tmp_path):
    from typer.testing import CliRunner

    from athar.cli import app

    csv_path = tmp_path / "kosovo.csv"
    CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json").to_csv(csv_path)
    # The flags on three lists: the default stepwise search with BCa repeats the search in each of
    # 1,000 resamples, 19 s of CPU on Kosovo's four lists and 5 s on three.
    three_lists = tmp_path / "korea.csv"
    CaptureHistories.from_json(DATA / "korea_palembang_comfort_women_3lists.json").to_csv(three_lists)
    runner = CliRunner()

    def estimate(*flags: str, histories: Path = csv_path) -> dict:
        result = runner.invoke(
            app, ["estimate", "--histories", str(histories), "--iterations", "1000", "--json", *flags]
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["estimates"][0]

    default = estimate()
    assert default["method"].startswith("default: ")
    assert default["details"]["default"]["rule"].startswith("default rule")
    assert estimate() == default  # seeded: the same figures every time
    stepwise = estimate("--method", "loglinear", histories=three_lists)
    assert (stepwise["details"]["search"], stepwise["interval"]) == ("stepwise", "bca")
    chosen = estimate(
        "--method", "loglinear", "--search", "exhaustive", "--interval", "profile", histories=three_lists
    )
    assert (chosen["details"]["search"], chosen["interval"]) == ("exhaustive", "profile")


def _strict(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"not standard JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_json_output_is_standard_json_even_with_minus_infinity_terms(tmp_path, capsys):
    # lists C and D never meet: the chosen model's C:D term is -infinity
    path = tmp_path / "disjoint.csv"
    CaptureHistories.from_rows(
        ["A", "B", "C", "D"],
        [
            ((1, 0, 0, 0), 50),
            ((0, 1, 0, 0), 40),
            ((0, 0, 1, 0), 30),
            ((0, 0, 0, 1), 30),
            ((1, 1, 0, 0), 12),
            ((1, 0, 1, 0), 9),
            ((1, 0, 0, 1), 8),
            ((0, 1, 1, 0), 7),
            ((0, 1, 0, 1), 6),
            ((1, 1, 1, 0), 3),
        ],
    ).to_csv(path)
    for method in ("loglinear", "bma", "both"):
        assert run_estimate(path, json_out=True, method=method, iterations=500) == 0
        doc = _strict(capsys.readouterr().out)
        assert doc["estimates"]


def test_bma_method_runs_from_the_cli_entry_point(tmp_path, capsys):
    assert run_estimate(western_csv(tmp_path), json_out=True, method="bma") == 0
    est = _strict(capsys.readouterr().out)["estimates"][0]
    assert est["method"].startswith("BMA")
    assert est["ci_low"] <= est["estimate"] <= est["ci_high"]
    assert est["details"]["graphs"] == 822


def _kosovo_csv(tmp_path: Path) -> Path:
    path = tmp_path / "kosovo.csv"
    CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json").to_csv(path)
    return path


def test_progress_is_drawn_on_a_terminal_and_json_output_stays_clean_json(tmp_path, monkeypatch):
    import io

    from typer.testing import CliRunner

    from athar.cli import app, common

    terminal = io.StringIO()
    monkeypatch.setattr(common, "err", Console(file=terminal, force_terminal=True, width=80))
    csv_path = _kosovo_csv(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["estimate", "--histories", str(csv_path), "--iterations", "500", "--json"])
    assert result.exit_code == 0, result.output
    assert _strict(result.stdout)["estimates"][0]["method"].startswith("default: ")
    assert terminal.getvalue() == ""  # --json: no bar even on a terminal
    result = runner.invoke(app, ["estimate", "--histories", str(csv_path), "--iterations", "500"])
    assert result.exit_code == 0, result.output
    assert "estimating" in terminal.getvalue()
    assert "estimating" not in result.stdout
    drawn = len(terminal.getvalue())
    result = runner.invoke(
        app,
        ["report", "--histories", str(csv_path), "--iterations", "500", "--out", str(tmp_path / "r.html")],
    )
    assert result.exit_code == 0, result.output
    assert "estimating" in terminal.getvalue()[drawn:]


def test_no_progress_is_drawn_when_standard_error_is_not_a_terminal(tmp_path):
    from typer.testing import CliRunner

    from athar.cli import app

    result = CliRunner().invoke(
        app, ["estimate", "--histories", str(_kosovo_csv(tmp_path)), "--iterations", "500"]
    )
    assert result.exit_code == 0, result.output
    assert "estimating" not in result.output and "\x1b[" not in result.output


def test_estimate_compare_labels_the_other_methods_and_says_why_they_differ(tmp_path, capsys):
    hist = CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json")
    assert (
        run_estimate(json_out=True, histories=hist, method="auto", compare=True, iterations=500, seed=0) == 0
    )
    estimates = _strict(capsys.readouterr().out)["estimates"]
    roles = [e["details"]["role"] for e in estimates]
    assert roles[0] == "headline" and set(roles[1:]) == {"comparison"} and len(roles) == 4
    assert estimates[0]["method"].startswith("default: ")
    chosen = estimates[0]["details"]["default"]["chosen"].split(" ")[0]
    assert not any(e["method"].startswith(chosen) for e in estimates[1:])  # the default is not repeated
    for e in estimates[1:]:
        assert e["details"]["why"].startswith(("log-linear:", "LCMCR:", "BMA:"))
    assert estimates[0]["details"]["default"]["chosen"].startswith("averaged log-linear")
    console = Console(record=True, width=80)
    assert (
        run_estimate(histories=hist, method="auto", compare=True, iterations=500, seed=0, console=console)
        == 0
    )
    text = console.export_text()
    assert text.count("comparison:") >= 2 and "quote this figure" in text


def test_text_output_names_governorates_and_json_keeps_their_ids(capsys):
    hist = CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json")
    strata = {("sy-ale",): hist}
    console = Console(record=True, width=80)
    assert run_estimate(histories=hist, strata=strata, method="bma", console=console) == 0
    text = console.export_text()
    assert "Aleppo · حلب" in text and "sy-ale" not in text
    capsys.readouterr()  # the recording console printed too
    assert run_estimate(histories=hist, strata=strata, method="bma", json_out=True) == 0
    assert set(_strict(capsys.readouterr().out)["strata"]) == {"sy-ale"}
