"""Linkage accuracy, time and memory on synthetic lists: Athar's model beside plain Splink.

    python bench/linkage.py [--persons 20000,200000] [--seed 1] [--out bench/results/linkage.json]
    python bench/linkage.py --persons 1000000 --out bench/results/linkage_1m.json   # the long one
    python bench/linkage.py --profile ...   # and where the time goes (a separate, profiled run)

For each size: `athar synth` lists are imported into a fresh SQLite store; then, each in its own
process (so that peak memory is its own):
  * athar: `athar link` end to end (features, train, predict, cluster, persons written to the store);
  * plain Splink: Splink's documented default comparisons (NameComparison, DateOfBirthComparison,
    ExactMatch) on the raw name and date columns, no Arabic handling, the same EM recipe, clustered
    at the same threshold.
Both are scored against truth.csv by pairwise precision, recall and F1 over the clusters. Records
with no name at all (a quarter of morgue rows) cannot be linked by any method; the JSON also gives
the recall ceiling they impose, and the scores without the morgue log, whose partial names and
approximate ages make most of what is left uncertain. `morgue_ambiguity` counts, for each morgue row,
the listed persons its name keys, sex and age fit: the recall and F1 any linker can reach from what
those rows say. `record_ambiguity` (`bench/placeable.py`) does the same for the other lists' records
(name keys, mother's name, sex, birth year or date, governorate, national number), and
`accuracy_distinguishable_records_only` leaves out the records another listed person fits as well.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from placeable import ambiguity_of_store, listed_persons  # noqa: E402
from process_memory import TreePeakPss  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "linkage.json"
# athar link's default (LinkOptions.threshold), written here so that this process imports no
# linkage code before its measured children start
THRESHOLD = 0.85
METHODS = ("athar", "plain_splink")


def _pairs(assignment: dict) -> set[frozenset]:
    groups = defaultdict(list)
    for key, group in assignment.items():
        groups[group].append(key)
    return {frozenset(p) for members in groups.values() for p in combinations(members, 2)}


def score(assignment: dict, truth: dict) -> dict:
    predicted, actual = _pairs(assignment), _pairs({k: truth[k] for k in assignment})
    tp = len(predicted & actual)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(actual) if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted_pairs": len(predicted),
        "true_pairs": len(actual),
    }


def _peak_rss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _children_peak_rss_mib() -> int:
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _athar(db: str, started: Any, finished: Any, queue: mp.Queue) -> None:
    """`athar link` timed, its memory sampled by the parent (`_sampled_from_outside`) between the
    `started` and `finished` events: the link alone, not the scoring below."""
    from athar.exports import current_records
    from athar.linkage.run import LinkOptions, link
    from athar.store import open_store

    engine = open_store(db)
    started.set()
    t0 = time.perf_counter()
    summary = link(engine, LinkOptions(full=True, threshold=THRESHOLD, user="bench"))
    seconds = time.perf_counter() - t0
    finished.set()
    records = list(current_records(engine))
    assignment = {(r["source"], r["record_id"]): r["person_id"] for r in records}
    child_peak = _children_peak_rss_mib()
    queue.put(
        {
            "seconds": round(seconds, 1),
            "steps": summary.seconds,
            "cpu_steps": summary.cpu_seconds,
            "peak_rss_mib_after_step": summary.peak_rss_mib,
            "pairs_scored": summary.pairs_scored,
            "peak_rss_mib": _peak_rss_mib(),
            # the features step forks a process for half the records while this one holds the
            # rest: at most the features step's peak here plus the child's peak at once
            "peak_rss_mib_feature_child": child_peak,
            "peak_rss_mib_both_processes_at_most": max(
                _peak_rss_mib(), summary.peak_rss_mib.get("features", 0) + child_peak
            ),
            "assignment": assignment,
            "by_threshold": _by_threshold(engine, records),
        }
    )


def _athar_profiled(db: str, queue: mp.Queue) -> None:
    """`athar link` under cProfile, in a run of its own (the profiler slows Python code several
    times over, so the timed run above is not profiled): where the time goes, by function."""
    import cProfile
    import pstats

    from athar.linkage.run import LinkOptions, link
    from athar.store import open_store

    engine = open_store(db)
    profiler = cProfile.Profile()
    profiler.enable()
    summary = link(engine, LinkOptions(full=True, threshold=THRESHOLD, user="bench"))
    profiler.disable()
    queue.put({"steps_under_profiler": summary.seconds, **profile_summary(pstats.Stats(profiler))})


def profile_summary(stats, top: int = 25) -> dict:
    """The functions that took the most time, with their callees (cumulative) and without (own),
    named by the last two parts of their file's path, line and name."""

    def name(key: tuple) -> str:
        path, line, function = key
        return f"{'/'.join(Path(path).parts[-2:])}:{line}:{function}" if line else function

    rows = [
        {"function": name(key), "calls": calls, "own_s": round(own, 2), "cumulative_s": round(cum, 2)}
        for key, (_primitive, calls, own, cum, _callers) in stats.stats.items()
    ]
    return {
        "profile_top_cumulative": sorted(rows, key=lambda r: -r["cumulative_s"])[:top],
        "profile_top_own": sorted(rows, key=lambda r: -r["own_s"])[:top],
    }


def _by_threshold(engine, records: list[dict], thresholds: tuple[float, ...] = (0.5, 0.7, 0.9, 0.95)) -> dict:
    """Clusters of the run's scored pairs at other thresholds (no rescoring), with the same
    constraints `athar link` applies: traits, likely siblings (read from the run's name roles) and
    pairs outranked by a better pair of one of their records, and pairs within one list below its
    threshold, set aside (`rivals`)."""
    from athar.linkage.cluster import cluster
    from athar.linkage.features import feature_frame
    from athar.linkage.rivals import joining_scores, outranked_pairs
    from athar.linkage.steps import likely_siblings, record_traits
    from athar.linkage.store_io import latest_run, stored_pairs

    keys = [(r["source"], r["record_id"]) for r in records]
    with engine.connect() as conn:
        scored = stored_pairs(conn)
    run = latest_run(engine)
    rules = run.config.clustering
    outranked = outranked_pairs(scored, rules.rival_margin_bits)
    roles = run.name_roles
    features = feature_frame(
        [{**r, "unique_id": i, "source_dataset": r["source"]} for i, r in enumerate(records)], roles=roles
    )
    traits = record_traits(keys, records)
    # the pairs clustering reads, and the likely siblings among them, change with a threshold only
    # where it passes the one-list threshold: made once for each such level
    readings: dict[float, tuple[list, object]] = {}
    found = {}
    for t in thresholds:
        level = max(t, rules.one_list_threshold)
        if level not in readings:
            joining = joining_scores(scored, outranked, t, rules)
            pairs = [(a, b, p) for (a, b), (p, _w) in joining.items()]
            readings[level] = (pairs, likely_siblings(features, keys, pairs, run.config.siblings))
        pairs, apart = readings[level]
        found[str(t)] = cluster(keys, pairs, t, attributes=traits, kept_apart=apart).cluster_of
    return found


def _plain_splink(db: str, queue: mp.Queue) -> None:
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from athar.exports import current_records
    from athar.linkage.cluster import cluster
    from athar.store import open_store

    t0 = time.perf_counter()
    rows, keys = [], []
    for i, r in enumerate(current_records(open_store(db))):
        tokens = (r["full_name"] or "").split()
        rows.append(
            {
                "unique_id": i,
                "first_name": (r["given_name"] or (tokens[0] if tokens else None) or "").lower() or None,
                "surname": (r["family_name"] or (tokens[-1] if len(tokens) > 1 else None) or "").lower()
                or None,
                "dob": r["birth_date"] if r["birth_date"] and len(r["birth_date"]) == 10 else None,
                "sex": r["sex"],
            }
        )
        keys.append((r["source"], r["record_id"]))
    frame = pd.DataFrame(rows)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
        ],
    )
    load = time.perf_counter() - t0
    peaks = {"load": _peak_rss_mib()}
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    train = time.perf_counter() - t0 - load
    peaks["train"] = _peak_rss_mib()
    pairs = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    predict = time.perf_counter() - t0 - load - train
    peaks["predict"] = _peak_rss_mib()
    result = cluster(
        range(len(keys)),
        zip(pairs.unique_id_l, pairs.unique_id_r, pairs.match_probability, strict=True),
        THRESHOLD,
    )
    assignment = {keys[i]: root for i, root in result.cluster_of.items()}
    seconds = time.perf_counter() - t0
    queue.put(
        {
            "seconds": round(seconds, 1),
            "steps": {
                "load": round(load, 1),
                "train": round(train, 1),
                "predict": round(predict, 1),
                "cluster": round(seconds - load - train - predict, 1),
            },
            "peak_rss_mib_after_step": {**peaks, "cluster": _peak_rss_mib()},
            "pairs_scored": len(pairs),
            "peak_rss_mib": _peak_rss_mib(),
            "assignment": assignment,
        }
    )


def _in_process(target, db: str, *args, watch: Callable[[Any], dict] | None = None) -> Any:
    """`target(db, *args, queue)` in a spawned process of its own, and the result it puts on the
    queue; with `watch`, what `watch(process)` returns while it runs is added to that result (a
    dict)."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(db, *args, queue))
    proc.start()
    watched = watch(proc) if watch is not None else None
    result = queue.get()
    proc.join()
    return result if watched is None else {**result, **watched}


def _sampled_from_outside(target, db: str) -> dict:
    """`target(db, started, finished, queue)` in a process of its own, whose memory (with its forked
    children) this process samples between the two events.

    The sampler used to be a thread of the linking process itself: four times a second it walked
    /proc and read smaps_rollup while holding that process's interpreter lock, and at a million
    records the link took ~5 s longer with it than without (94.9 s against 89.6), where plain
    Splink's run, measured by its own peak RSS alone, paid nothing."""
    ctx = mp.get_context("spawn")
    started, finished = ctx.Event(), ctx.Event()

    def sample(proc: Any) -> dict:
        while not started.wait(0.05) and proc.is_alive():
            pass
        with TreePeakPss(proc.pid) as memory:
            while not finished.wait(0.05) and proc.is_alive():
                pass
        # measured: the peak of the memory the linking process and its forked child held together
        # while linking (the bound above adds two peaks that need not meet, and counts the pages
        # they share twice)
        return {
            "peak_pss_mib_link_processes": round(memory.peak_mib),
            "link_processes_at_most": memory.max_processes,
        }

    return _in_process(target, db, started, finished, watch=sample)


def morgue_ambiguity(lists: Path, age_slack: int = 7) -> tuple[dict, set[tuple[str, str]]]:
    """How many listed persons fit what each morgue row says by its name keys, sex and age: what any
    linker can reach from those fields.

    A morgue row names someone by one to three names (often a given name alone or with the family
    name) and an estimated age. Listed persons (those with a record in another list) fit it when
    their given name has the row's key, so do their father's and family names where the row writes
    them, the sex agrees and the birth year is within `age_slack` of the event year less the age. A
    row that `k >= 2` persons fit cannot be linked with confidence from those fields (place and
    dates may still single one out); a row with no name, or a family name alone, not at all. Rows
    whose keys miss the true person (spelling, scan noise, order) are counted as reachable: fuzzy
    comparison may find them. A two-word row is read as given + family name, or as given + father's
    name when that is how it names its person. Also returns the (source, record_id) of the rows no
    linker can place.

    A row one listed person fits is not placeable for that alone: a row of someone listed nowhere
    else, fitting one listed person by chance, reads the same. `precision_linking_each_row_one_
    person_fits` is the precision a linker would have if it linked every such row to its one fit
    (even knowing each listed person's true names, sex and birth year): where it is below the
    precision asked of linkage, the linker must leave some of those rows apart.
    """
    import numpy as np
    import pandas as pd

    from athar.names import name_key, parse_name_chain

    truth = pd.read_csv(lists / "truth.csv", dtype=str)
    morgue = pd.read_csv(lists / "morgue.csv", dtype=str, keep_default_na=False)
    other = truth[truth.source != "morgue"]
    records_elsewhere = other.groupby("person_id").size()
    listed = (
        listed_persons(lists, leaving_out="morgue")
        .rename(columns={"given_key": "g", "father_key": "f", "family_key": "fam", "birth_year": "by"})
        .reset_index()
    )
    morgue = morgue.merge(
        truth[truth.source == "morgue"][["record_id", "person_id"]], on="record_id", how="left"
    )
    morgue["pairs"] = morgue.person_id.map(records_elsewhere).fillna(0).astype(int)
    chains = [parse_name_chain(n) if n.strip() else None for n in morgue.full_name]
    morgue["g"] = [name_key(c.given or "") if c else "" for c in chains]
    morgue["f"] = [name_key(c.father or "") if c else "" for c in chains]
    morgue["fam"] = [name_key(c.family or "") if c else "" for c in chains]
    event_year = pd.to_numeric(morgue.event_date.str[:4], errors="coerce")
    morgue["by"] = event_year - pd.to_numeric(morgue.age, errors="coerce")
    # every named row, those of persons listed nowhere else too: a row one listed person fits by
    # chance is what a linker linking every fitting row would get wrong
    every_named = morgue[morgue.g != ""].reset_index(drop=True)
    # listed persons' birth years, sorted, by every combination of names a row may write
    years: dict[tuple, np.ndarray] = {}
    for columns in (("g",), ("g", "f"), ("g", "fam"), ("g", "f", "fam")):
        for key, group in listed.groupby([*columns, "sex"]):
            years[(columns, *key)] = np.sort(group["by"].to_numpy())
    person = listed.set_index("person_id")
    ks, true_fits = [], []

    def fits(names: dict[str, str], row) -> tuple[int, bool]:
        columns = tuple(c for c in ("g", "f", "fam") if names.get(c))
        found = years.get((columns, *(names[c] for c in columns), row.sex), np.empty(0))
        if pd.isna(row.by):
            k = len(found)
        else:
            lo = np.searchsorted(found, row.by - age_slack, side="left")
            k = int(np.searchsorted(found, row.by + age_slack, side="right") - lo)
        if row.person_id not in person.index:  # listed in no other list: whoever fits, is another
            return k, False
        truly = person.loc[row.person_id]
        true_fits = (
            all(names[c] == truly[c] for c in columns)
            and row.sex == truly.sex
            and (pd.isna(row.by) or abs(row.by - truly["by"]) <= age_slack)
        )
        return k, true_fits

    for row in every_named.itertuples():
        k, fit = fits({"g": row.g, "f": row.f, "fam": row.fam}, row)
        if not fit and row.fam and not row.f:
            # two words: given + father (زياد حسام) as often as given + family
            k_father, fit_father = fits({"g": row.g, "f": row.fam}, row)
            if fit_father:
                k, fit = k_father, fit_father
        ks.append(k)
        true_fits.append(fit)
    every_named["k"] = ks
    every_named["true_fits"] = true_fits
    named = every_named[every_named.pairs > 0]
    one_fits = every_named[every_named.k == 1]
    nameless_pairs = int(morgue[(morgue.g == "") & (morgue.pairs > 0)].pairs.sum())
    counts = truth.groupby("person_id").size()
    all_pairs = int((counts * (counts - 1) // 2).sum())
    unique = named.true_fits & (named.k == 1)
    ambiguous = named.true_fits & (named.k >= 2)
    missed_keys = ~named.true_fits
    unreachable = nameless_pairs + int(named[ambiguous].pairs.sum())
    recall = 1 - unreachable / all_pairs
    unplaceable = set(morgue[morgue.g == ""].record_id) | set(named[ambiguous].record_id)
    return {
        "what": morgue_ambiguity.__doc__.split("\n\n")[0].replace("\n    ", " "),
        "true_pairs": all_pairs,
        "true_pairs_with_a_morgue_row": int(morgue.pairs.sum()),
        "morgue_row_nameless_or_family_name_only": nameless_pairs,
        "morgue_row_fits_only_its_person": int(named[unique].pairs.sum()),
        "morgue_row_fits_2_or_3_persons": int(named[ambiguous & (named.k <= 3)].pairs.sum()),
        "morgue_row_fits_4_or_more_persons": int(named[named.true_fits & (named.k >= 4)].pairs.sum()),
        "morgue_row_keys_miss_its_person": int(named[missed_keys].pairs.sum()),
        "rows_one_listed_person_fits": len(one_fits),
        "of_them_not_their_person": int((~one_fits.true_fits).sum()),
        "of_them_persons_listed_nowhere_else": int((one_fits.pairs == 0).sum()),
        "precision_linking_each_row_one_person_fits": round(float(one_fits.true_fits.mean()), 4)
        if len(one_fits)
        else None,
        "recall_ceiling": round(recall, 4),
        "f1_ceiling_at_precision_1": round(2 * recall / (1 + recall), 4),
    }, {("morgue", record_id) for record_id in unplaceable}


def bench_store(persons: int, seed: int, workdir: Path) -> tuple[Path, str, dict, float | None]:
    """The synthetic lists of `persons` and the store they are imported into, made in `workdir`
    unless an earlier run left them there (linking anew replaces the persons, so a store can be
    linked again): the lists' folder, the store's URL, the truth (record key -> person) and the
    seconds the import took (None where reused)."""
    from athar.demo import import_synthetic_lists
    from athar.store import open_store
    from athar.synth import generate

    lists = workdir / f"lists-{persons}-{seed}"
    store = workdir / f"athar-{persons}-{seed}.db"
    db = f"sqlite:///{store}"
    reused = (lists / "truth.csv").exists() and store.exists()
    if not reused:
        generate(lists, persons=persons, seed=seed)
    with (lists / "truth.csv").open(encoding="utf-8") as f:
        truth = {(r["source"], r["record_id"]): r["person_id"] for r in csv.DictReader(f)}
    if reused:
        return lists, db, truth, None
    engine = open_store(db)
    t0 = time.perf_counter()
    import_synthetic_lists(engine, lists, user="bench")
    engine.dispose()
    return lists, db, truth, time.perf_counter() - t0


def run_size(
    persons: int, seed: int, workdir: Path, methods: tuple[str, ...] = METHODS, profile: bool = False
) -> dict:
    lists, db, truth, import_seconds = bench_store(persons, seed, workdir)
    from athar.exports import current_records
    from athar.store import open_store

    engine = open_store(db)
    nameless = {
        (r["source"], r["record_id"])
        for r in current_records(engine)
        if not (r["full_name"] or r["given_name"] or r["family_name"])
    }
    engine.dispose()
    everyone = {k: k for k in truth}  # each record alone
    actual = _pairs({k: truth[k] for k in everyone})
    linkable = {p for p in actual if not (p & nameless)}
    out = {
        "persons": persons,
        "records": len(truth),
        # None: the lists and the imported store of an earlier run were reused (--workdir)
        "import_seconds": None if import_seconds is None else round(import_seconds, 1),
        "true_pairs": len(actual),
        "recall_ceiling_named_records": round(len(linkable) / len(actual), 4),
    }
    out["morgue_ambiguity"], unplaceable = morgue_ambiguity(lists)
    out["record_ambiguity"], ambiguous = _in_process(ambiguity_of_store, db, lists)
    for name, target in (("athar", _athar), ("plain_splink", _plain_splink)):
        if name not in methods:
            continue
        result = _sampled_from_outside(target, db) if name == "athar" else _in_process(target, db)
        assignment = result.pop("assignment")
        by_threshold = result.pop("by_threshold", {})
        if by_threshold:
            result["accuracy_at_other_thresholds"] = {t: score(a, truth) for t, a in by_threshold.items()}
        result["accuracy"] = score(assignment, truth)
        named = {k: v for k, v in assignment.items() if k not in nameless}
        result["accuracy_named_records_only"] = score(named, truth)
        # without the morgue rows that are nameless or that fit several listed people (see
        # morgue_ambiguity): the pairs some linker could find from what the records say
        placeable = {k: v for k, v in assignment.items() if k not in unplaceable}
        result["accuracy_placeable_records_only"] = score(placeable, truth)
        # and without the other lists' records that another listed person fits as well as their own
        distinguishable = {k: v for k, v in placeable.items() if k not in ambiguous}
        result["accuracy_distinguishable_records_only"] = score(distinguishable, truth)
        without_morgue = {k: v for k, v in assignment.items() if k[0] != "morgue"}
        result["accuracy_without_morgue_log"] = score(without_morgue, truth)
        out[name] = result
        print(persons, name, json.dumps(result), file=sys.stderr)
    if profile and "athar" in methods:
        out["athar"]["profile"] = _in_process(_athar_profiled, db)
    return out


def size_arguments(parser: argparse.ArgumentParser, results: Path) -> None:
    """The arguments of a bench over the sizes of synthetic stores: --persons, --seed, --out, --workdir."""
    parser.add_argument("--persons", default="20000,200000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=results)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the lists and imported stores here and reuse them on the next run (default: a "
        "temporary directory, removed after)",
    )


def each_size(args: argparse.Namespace, report: dict, run: Callable[[int, Path], dict]) -> dict:
    """`report` with `run(persons, workdir)` for each of `--persons` in its "sizes", written to
    `--out` after each size (a long run that stops keeps the sizes done)."""
    report["sizes"] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for persons in (int(p) for p in args.persons.split(",")):
            report["sizes"].append(run(persons, workdir))
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size_arguments(parser, RESULTS)
    parser.add_argument("--only", choices=METHODS, default=None, help="run one method only (default: both)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the timed runs, link once more under cProfile and write where the time went",
    )
    args = parser.parse_args(argv)
    methods = (args.only,) if args.only else METHODS
    report = {
        "benchmark": "linkage",
        "threshold": THRESHOLD,
        "cpus": os.cpu_count(),
        "load_avg_at_start": os.getloadavg(),
    }

    def one_size(persons: int, workdir: Path) -> dict:
        return run_size(persons, args.seed, workdir, methods, args.profile)

    return each_size(args, report, one_size)


if __name__ == "__main__":
    main()
