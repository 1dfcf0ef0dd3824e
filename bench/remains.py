"""Candidate ranking for bodies on synthetic graves: recall@1 and recall@10 of the true person, against
a baseline of sex, age and stature filters alone, and ranking time.

    nice -n 10 python bench/remains.py [--persons 100000] [--bodies 500] [--seed 17]

The baseline keeps the persons whose sex agrees (or is unknown), whose age at disappearance could
give the body's age range within the site's period of use and whose height falls in the stature
range (±4 cm): the filters a coordinator would apply by hand. Its recall@k is the expected share of
bodies whose true person is among k drawn from those passing (ties have no order).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from athar.remains.build import body_from_row, persons_from_rows  # noqa: E402
from athar.remains.ranking import FEATURES, Ranker, SiteFacts  # noqa: E402
from athar.synth.remains import GOVERNORATES, generate  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "remains.json"


def _baseline_recall(ranker: Ranker, body, truth: int, ks: tuple[int, ...]) -> dict[int, float]:
    vectors = ranker.feature_vectors(body)
    passing = (vectors["sex"] >= 0) & (vectors["age"] >= 0) & (vectors["stature"] >= 0)
    if not passing[truth]:
        return {k: 0.0 for k in ks}
    n = int(passing.sum())
    return {k: min(1.0, k / n) for k in ks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = generate(args.persons, args.bodies, args.seed)
    t_synth = time.perf_counter() - t0
    governorates = {g: i for i, g in enumerate(GOVERNORATES)}
    t0 = time.perf_counter()
    persons = persons_from_rows(data.persons, governorates)
    ranker = Ranker(persons)
    t_prepare = time.perf_counter() - t0
    sites = {
        s["name"]: SiteFacts(s["used_from"], s["used_to"], governorates[s["governorate"]]) for s in data.sites
    }
    bodies = [body_from_row(row, sites[row["site"]]) for row in data.bodies]
    truth = {p["key"]: i for i, p in enumerate(data.persons)}

    t0, c0 = time.perf_counter(), time.process_time()
    ranked = [ranker.rank(body, top=10) for body in bodies]
    t_rank, c_rank = time.perf_counter() - t0, time.process_time() - c0

    hits1 = hits10 = 0
    base1 = base10 = 0.0
    by_evidence: dict[str, list[int]] = {}
    person_of = {p["key"]: p for p in data.persons}
    for row, body, candidates in zip(data.bodies, bodies, ranked, strict=True):
        keys = [c.key for c in candidates]
        hits1 += keys[:1] == [row["true_key"]]
        hits10 += row["true_key"] in keys
        person = person_of[row["true_key"]]
        if person["dental"] and row["dental"]:
            group = "dental on both sides"
        elif person["marks"] or person["clothing"]:
            group = "marks or clothing recalled"
        else:
            group = "sex, age, stature, date, place only"
        counts = by_evidence.setdefault(group, [0, 0, 0])
        counts[0] += 1
        counts[1] += keys[:1] == [row["true_key"]]
        counts[2] += row["true_key"] in keys
        recall = _baseline_recall(ranker, body, truth[row["true_key"]], (1, 10))
        base1 += recall[1]
        base10 += recall[10]
    n = len(bodies)
    result = {
        "persons": args.persons,
        "bodies": n,
        "seed": args.seed,
        "features": list(FEATURES),
        "recall_at_1": round(hits1 / n, 4),
        "recall_at_10": round(hits10 / n, 4),
        "baseline_filters_recall_at_1": round(base1 / n, 4),
        "baseline_filters_recall_at_10": round(base10 / n, 4),
        "recall_by_evidence": {
            group: {"bodies": n, "recall_at_1": round(a / n, 3), "recall_at_10": round(b / n, 3)}
            for group, (n, a, b) in sorted(by_evidence.items())
        },
        "ranking_seconds": round(t_rank, 3),
        "ranking_cpu_seconds": round(c_rank, 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "prepare_seconds": round(t_prepare, 3),
        "synth_seconds": round(t_synth, 3),
        "ante_mortem_share": {
            c: round(sum(1 for p in data.persons if p[c]) / args.persons, 3)
            for c in ("height_cm", "dental", "marks", "clothing")
        },
        "machine": platform.platform(),
        "python": platform.python_version(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
