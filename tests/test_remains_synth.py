"""Synthetic graves say what an anthropologist can see and families what they recall: ranges that
usually hold the truth, valid notation on both sides, partial recollections, reproducible by seed."""

from __future__ import annotations

import datetime as dt

from athar.dental import parse_chart
from athar.remains.postmortem import validate_row
from athar.synth.remains import generate


def test_same_seed_same_data() -> None:
    assert generate(500, 20, seed=4).bodies == generate(500, 20, seed=4).bodies


def test_every_body_row_passes_post_mortem_validation_and_charts_parse() -> None:
    data = generate(2000, 200, seed=5)
    for row in data.bodies:
        assert isinstance(
            validate_row(
                {k: v for k, v in row.items() if k not in ("site", "true_key")}, dt.date(2030, 1, 1)
            ),
            dict,
        )
    for person in data.persons:
        parse_chart(person["dental"], post_mortem=False)


def test_families_recall_only_part_and_bodies_show_no_soft_tissue() -> None:
    data = generate(3000, 300, seed=6)
    share = {
        c: sum(1 for p in data.persons if p[c]) / len(data.persons) for c in ("height_cm", "dental", "marks")
    }
    assert 0.4 < share["height_cm"] < 0.6 and 0.1 < share["dental"] < 0.3 and share["marks"] < 0.25
    assert not any("tattoo" in b["skeletal_marks"] or "scar" in b["skeletal_marks"] for b in data.bodies)
    assert any(b["sex"] == "U" for b in data.bodies) and any(not b["dental"] for b in data.bodies)
