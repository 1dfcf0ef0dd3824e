"""How far Athar's linkage model could go if it were trained perfectly: m taken from the truth.

    python bench/linkage_ceiling.py [--persons 20000,200000] [--seed 1] [--workdir DIR]
        [--out bench/results/linkage_ceiling.json]
    python bench/linkage_ceiling.py --persons 1000000 --workdir DIR   # the one issue 15 asks about

Athar's model is Fellegi-Sunter: each comparison's levels carry m (how the pairs of one person's
records fall among them) and u (how pairs of different persons do), and a pair's weight is the sum
of its levels' log2(m / u) and the prior's. `athar link` estimates m by EM from the records alone.
Here, for the same stores, m is taken from the truth instead (Splink's
`estimate_m_from_label_column` over every pair of one person's records) and the prior is the
truth's share of true pairs; u, the term frequencies, blocking, the rivals rule and clustering are
`athar link`'s own. A third link scores every blocked pair by weights fitted to the truth on those
pairs (`weights_fitted_to_truth`). Where weights set by EM, from the truth and fitted to the truth
reach about the same F1 at a size, better training has little to give there: what is missed needs
evidence, blocking or reasoning the pairwise model does not have (issue 15, item 1;
docs/linkage.md, "The model's ceiling").

All three are scored at athar link's threshold (from the run) and at others (clustering the
run's scored pairs again with the same rules, `linkage._by_threshold`): precision, recall and F1
over all records and over placeable ones (`linkage.morgue_ambiguity`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import linkage as bench  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "linkage_ceiling.json"
OTHER_THRESHOLDS = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9)
PRECISION_FLOOR = 0.985  # issue 15, item 1


@contextlib.contextmanager
def linking_with(truth: dict, *replaced: tuple[str, Callable]) -> Iterator[dict]:
    """Within it, `athar link` runs with each ("steps.train", say: a function of `athar.linkage`'s
    steps or model) replaced by what its factory makes of (the dict yielded, the original); the dict
    yielded holds the truth and, once made, the run's record keys and features."""
    from athar.linkage import model, steps

    made: dict = {"truth": truth}

    def remembering(loaded):
        made["keys"] = loaded.keys
        made["features"] = features = make_features(loaded)
        return features

    make_features = steps.make_features
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(steps, "make_features", remembering))
        for qualified, factory in replaced:
            module_name, name = qualified.split(".")
            module = {"steps": steps, "model": model}[module_name]
            stack.enter_context(mock.patch.object(module, name, factory(made, getattr(module, name))))
        yield made


def _m_from_truth(made: dict, train):
    """`steps.train`, then every m and the prior replaced by the truth's."""
    from athar.linkage import model, steps

    def from_truth(new_db_api, features, config, previous=None):
        trained = train(new_db_api, features, config, previous)
        frame = features.records.copy()
        frame["truth_person"] = [made["truth"][k] for k in made["keys"]]
        records = len(frame)
        true_pairs = sum(n * (n - 1) // 2 for n in Counter(frame["truth_person"]).values())
        with steps.released_after(new_db_api()) as db_api:
            linker = model.make_linker(db_api, frame, model=trained.model)
            linker.training.estimate_m_from_label_column("truth_person")
            linker._settings_obj._probability_two_random_records_match = true_pairs / (
                records * (records - 1) / 2
            )
            settings = linker.misc.save_model_to_json()
        return model.Trained(model.regularised(settings, config.m_floor, config.u_floor), trained.warnings)

    return from_truth


def _every_pair(_made: dict, predict):
    """`model.predict` of every blocked pair, each comparison's weight kept (for `_refitted`)."""

    def every_pair(linker, threshold_match_probability=None, block_limit=None, bounded=frozenset()):
        linker._settings_obj._retain_intermediate_calculation_columns = True
        return predict(linker, None, block_limit, bounded)

    return every_pair


def _refitted(made: dict, _predicted):
    """`model._predicted` with each pair's probability from `fitted_probabilities`."""

    def refitted(linker, scored):
        frame = linker.misc.query_sql(f"SELECT * FROM {scored.physical_name}", output_type="pandas")
        scored.drop_table_from_database_and_remove_from_cache()
        readings = made["features"].readings
        record = pd.Series(readings["reading_of"].to_numpy(), index=readings["unique_id"].to_numpy())
        person = np.array([made["truth"][k] for k in made["keys"]], dtype=object)
        left = person[record.loc[frame["unique_id_l"].to_numpy()].to_numpy()]
        right = person[record.loc[frame["unique_id_r"].to_numpy()].to_numpy()]
        probability = fitted_probabilities(frame, (left == right).astype(np.float64))
        out = pd.DataFrame(
            {
                "unique_id_l": frame["unique_id_l"],
                "unique_id_r": frame["unique_id_r"],
                "match_probability": probability,
                "match_weight": np.log2(probability / (1 - probability)),
            }
        )
        return out.sort_values(["unique_id_l", "unique_id_r"], ignore_index=True)

    return refitted


def trained_from_truth(truth: dict) -> contextlib.AbstractContextManager:
    """Within it, `athar link` trains as usual, then replaces every m and the prior by the truth's."""
    return linking_with(truth, ("steps.train", _m_from_truth))


def weights_fitted_to_truth(truth: dict) -> contextlib.AbstractContextManager:
    """Within it, `athar link` trains as usual, then scores every blocked pair by a logistic
    regression fitted to the truth on those very pairs: on each comparison's level and each name's
    term-frequency adjustment, the evidence the model weighs. Fitted in-sample, to the pairs it then
    judges, it has the best likelihood any sum of per-level weights has on them; that is not the
    best clustered F1 (at 20,000 persons EM's own weights cluster a little better), so it bounds
    what training can give only as far as the two go together."""
    return linking_with(truth, ("model.predict", _every_pair), ("model._predicted", _refitted))


def fitted_probabilities(frame: pd.DataFrame, same: np.ndarray, ridge: float = 1e-6) -> np.ndarray:
    """In-sample probabilities of a logistic regression of `same` on each comparison's level (Splink
    gives each pair the level's weight, `mw_<comparison>`: one indicator per distinct weight but the
    commonest, which the intercept stands for) and each name's term-frequency adjustment
    (`mw_tf_adj_<comparison>`, in bits). Fitted by Newton's method with a step-halving line search:
    a few dozen columns, so each step solves a small system (first-order methods took minutes at a
    million pairs, the columns being on such different scales)."""
    from scipy import sparse
    from scipy.special import expit

    columns = [sparse.csr_matrix(np.ones((len(frame), 1)))]
    for name in (c for c in frame.columns if c.startswith("mw_")):
        values = frame[name].to_numpy(dtype=np.float64)
        if name.startswith("mw_tf_adj_"):
            columns.append(sparse.csr_matrix(values).T)
            continue
        levels, counts = np.unique(values, return_counts=True)
        for level in np.delete(levels, np.argmax(counts)):
            columns.append(sparse.csr_matrix((values == level).astype(np.float64)).T)
    x = sparse.hstack(columns).tocsr()

    def loss(w: np.ndarray) -> float:
        z = x @ w
        return float(np.sum(np.logaddexp(0, z) - same * z) + ridge * w @ w)

    w = np.zeros(x.shape[1])
    current = loss(w)
    for _ in range(100):
        p = expit(x @ w)
        gradient = x.T @ (p - same) + 2 * ridge * w
        hessian = (x.T @ x.multiply((p * (1 - p))[:, None])).toarray() + 2 * ridge * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-6 and loss(w - size * step) > current:
            size /= 2
        w, previous = w - size * step, current
        current = loss(w)
        if previous - current < 1e-9 * max(1.0, abs(current)):
            break
    return np.clip(expit(x @ w), 1e-12, 1 - 1e-12)


def scored(assignment: dict, truth: dict, unplaceable: set) -> dict:
    placeable = {k: v for k, v in assignment.items() if k not in unplaceable}
    return {"all": bench.score(assignment, truth), "placeable": bench.score(placeable, truth)}


def link_and_score(db: str, truth: dict, unplaceable: set) -> dict:
    from athar.exports import current_records
    from athar.linkage.run import LinkOptions, link
    from athar.store import open_store

    engine = open_store(db)
    summary = link(engine, LinkOptions(full=True, threshold=bench.THRESHOLD, user="bench"))
    records = list(current_records(engine))
    assignment = {(r["source"], r["record_id"]): r["person_id"] for r in records}
    by_threshold = {str(bench.THRESHOLD): assignment}
    by_threshold.update(bench._by_threshold(engine, records, OTHER_THRESHOLDS))
    engine.dispose()
    accuracy = {t: scored(a, truth, unplaceable) for t, a in sorted(by_threshold.items())}
    return {"seconds": summary.seconds, "pairs_scored": summary.pairs_scored, **best_at_floor(accuracy)}


def best_at_floor(accuracy: dict[str, dict]) -> dict:
    """`accuracy` (by threshold) and the threshold of the best F1 over placeable records among those
    whose precision over placeable records is at least `PRECISION_FLOOR` (as item 1 reads)."""
    allowed = [t for t, a in accuracy.items() if a["placeable"]["precision"] >= PRECISION_FLOOR]
    best = max(allowed, key=lambda t: accuracy[t]["placeable"]["f1"], default=None)
    return {
        "accuracy_by_threshold": accuracy,
        "best_threshold_at_precision_floor": best,
        "best_placeable_f1_at_precision_floor": accuracy[best]["placeable"]["f1"] if best else None,
    }


def run_size(persons: int, seed: int, workdir: Path) -> dict:
    lists, db, truth, _ = bench.bench_store(persons, seed, workdir)
    _, unplaceable = bench.morgue_ambiguity(lists)
    out = {"persons": persons, "records": len(truth), "em": link_and_score(db, truth, unplaceable)}
    with trained_from_truth(truth):
        out["m_from_truth"] = link_and_score(db, truth, unplaceable)
    with weights_fitted_to_truth(truth):
        out["weights_fitted_to_truth"] = link_and_score(db, truth, unplaceable)
    print(persons, json.dumps(out), file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    bench.size_arguments(parser, RESULTS)
    args = parser.parse_args(argv)
    report = {"benchmark": "linkage_ceiling", "precision_floor": PRECISION_FLOOR, "cpus": os.cpu_count()}
    return bench.each_size(args, report, lambda persons, workdir: run_size(persons, args.seed, workdir))


if __name__ == "__main__":
    main()
