"""``athar report``: one headline (the default estimate), the other methods as labelled comparisons,
every estimate drawn on its interval, governorates in words, the lists' overlaps as figures, and
what the estimate covers and what it does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from athar.estimate import CaptureHistories
from athar.estimate.report import governorate_names, stratum_title
from athar.estimate.service import headline_estimates, write_report

DATA = Path(__file__).parent / "data" / "mse"
ITERATIONS = 500


@pytest.fixture(scope="module")
def kosovo() -> CaptureHistories:
    return CaptureHistories.from_json(DATA / "kosovo_1999_killings_4lists.json")


@pytest.fixture(scope="module")
def page(kosovo, tmp_path_factory) -> str:
    strata = {("sy-ale",): kosovo.select(["EXH", "ABA", "OSCE"]), ("sy-dam", 2013): kosovo, (None,): kosovo}
    out = write_report(
        tmp_path_factory.mktemp("report") / "r.html", histories=kosovo, strata=strata, iterations=ITERATIONS
    )
    return out.read_text("utf-8")


def test_the_headline_is_the_default_estimate_every_interface_quotes(kosovo, page):
    default = headline_estimates(kosovo, iterations=ITERATIONS)[0]
    headline = re.search(r'id=headline data-estimate="(\d+)" data-low="([\d,]+)" data-high="([\d,]+)"', page)
    assert int(headline[1]) == round(default.estimate)
    assert headline[2] == f"{default.ci_low:,.0f}" and headline[3] == f"{default.ci_high:,.0f}"
    assert default.method in page and "quote this figure" in page


def test_other_methods_are_labelled_comparisons_with_why_they_differ(page):
    roles = re.findall(r"<tr data-role=(\w+)><td>All</td>", page)
    assert roles[0] == "default" and roles[1:] == ["comparison", "comparison", "comparison"]
    comparisons = re.search(r"<ul class=comparisons>(.*?)</ul>", page, re.S).group(1)
    assert comparisons.count("<li>") == 3
    assert "Quote the default" in page
    # a comparison whose interval misses the default's says so, and only such a one
    number = lambda text: int(text.replace(",", ""))  # noqa: E731
    _, low, high = map(number, re.search(r"<td>([\d,]+)</td><td>([\d,]+)–([\d,]+)</td>", page).groups())
    for item in re.findall(r"<li>(.*?)</li>", comparisons, re.S):
        c_low, c_high = map(number, re.search(r"\(([\d,]+)–([\d,]+)\)", item).groups())
        assert ("does not overlap the default" in item) == (c_high < low or c_low > high)


def test_each_estimate_is_drawn_with_its_interval(page):
    drawn = re.findall(
        r'<g class="estimate" data-estimate="(\d+)" data-low="([^"]+)" data-high="([^"]+)"', page
    )
    table = re.findall(r"<td>([\d,]+)</td><td>([\d,]+)–([\d,]+)</td>", page)
    # the overall headline and three comparisons, then the default of each of the three strata
    assert len(drawn) == 4 + 3
    assert sorted((int(e), lo, hi) for e, lo, hi in drawn) == sorted(
        (int(e.replace(",", "")), lo, hi) for e, lo, hi in table
    )
    assert "<script" not in page
    assert set(re.findall(r"(?:src|href)=[\"']?([^\"' >]+)", page)) == set()


def test_governorates_are_named_in_english_and_arabic_not_by_their_ids(page):
    assert "Aleppo · حلب" in page and "Damascus · دمشق / 2013" in page
    assert "sy-ale" not in page and "sy-dam" not in page
    assert ">unknown<" in page


def test_stratum_titles_name_every_governorate_of_the_gazetteer():
    names = governorate_names()
    assert len(names) == 14
    for place_id, (en, ar) in names.items():
        assert stratum_title((place_id,), names) == f"{en} · {ar}"
        assert re.search(r"[\u0600-\u06ff]", ar) and en.isascii()
    assert stratum_title(("sy-hom", None)) == "Homs · حمص / unknown"


def test_the_overlaps_of_each_pair_of_lists_are_a_figure(kosovo, page):
    pairs = dict(re.findall(r'<g class="pair" data-lists="([^"]+)" data-n="(\d+)"', page))
    assert len(pairs) == kosovo.k**2
    sizes = kosovo.list_sizes()
    for a in kosovo.lists:
        assert int(pairs[f"{a}|{a}"]) == sizes[a]
        for b in kosovo.lists:
            if a != b:
                assert int(pairs[f"{a}|{b}"]) == kosovo.overlap(a, b) == int(pairs[f"{b}|{a}"])


def test_the_report_says_what_the_estimate_covers_and_what_it_does_not(page):
    coverage = re.search(r"<section id=coverage>(.*?)</section>", page, re.S).group(1)
    assert "could have reached" in coverage and "People no list could ever reach" in coverage
    assert "ما يشمله التقدير" in coverage and "ما لا يشمله" in coverage


def test_the_default_estimates_distribution_is_drawn_with_its_interval(kosovo, page):
    svg = re.search(r'<svg[^>]*class="distribution".*?</svg>', page, re.S).group(0)
    bins = re.findall(r'<rect class="bin"[^>]*opacity="([\d.]+)"', svg)
    assert len(bins) == 40
    assert "0.85" in bins and "0.3" in bins  # inside the interval darker than the tails
    assert all(f'class="{mark}"' in svg for mark in ("low", "high", "estimate"))


@pytest.mark.parametrize("method", ["bma", "lcmcr"])
def test_each_bayesian_method_carries_its_posterior_as_a_histogram(kosovo, method):
    from athar.estimate import bma_estimate, lcmcr_estimate

    est = bma_estimate(kosovo) if method == "bma" else lcmcr_estimate(kosovo, iterations=300, burnin=300)
    hist = est.details["posterior_histogram"]
    assert len(hist["edges"]) == len(hist["mass"]) + 1 == 41
    assert sum(hist["mass"]) == pytest.approx(1, abs=1e-3)
    assert hist["edges"][0] <= est.estimate <= hist["edges"][-1]
    assert hist["edges"][0] <= est.ci_low and est.ci_high <= hist["edges"][-1] + 1
