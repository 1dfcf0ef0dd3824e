"""Benchmark athar.names.name_similarity against the naive baseline; writes JSON.

Baseline: anyascii romanization of the whole string, lower-cased, then rapidfuzz Jaro-Winkler.

(a) full-name pairs rendered by ``athar.synth.pairs.name_pairs`` (same person in other renderings,
    siblings, namesakes, random people);
(b) real public name tokens: Wikidata person-name tokens with several Latin spellings per Arabic
    spelling (Arabic-origin subset, count >= 2), in ../shared/data/arabic_latin_names. Positives are
    Arabic/Latin and Latin/Latin spellings of one Arabic spelling; negatives are spellings of other
    names, half of them hard (chosen because the baseline or our blocking key finds them alike).

Speed: normalize + key throughput on full names; name_similarity pairs per second, cold (every
athar.names cache emptied first: one run in wall-clock time, and the best of three in CPU time,
which a busy machine disturbs less) and warm.

(a) is scored twice: with the built-in Levantine given-name counts only, and with given and family
names counted in the records at hand (``NameFrequencies``: 200,000 other people of the same synthetic
population, as a store holds them; no labels), as linkage reads term frequencies from its data.

Usage: python bench/names.py [--out FILE] [--synth-pairs N] [--seed S] [--failures K]
       [--corpus-persons N]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from rapidfuzz.distance import JaroWinkler

import athar.names as names

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "arabic_latin_names"
WIKIDATA = SHARED / "wikidata_ar_latin_name_tokens.tsv"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def baseline_similarity(a: str, b: str) -> float:
    from anyascii import anyascii

    return JaroWinkler.normalized_similarity(anyascii(a).lower(), anyascii(b).lower())


# --- metrics ------------------------------------------------------------------------------------
def roc_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    scores = np.concatenate([pos, neg])
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(avg, counts)
    r_pos = ranks[: len(pos)].sum()
    return float((r_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def recall_at_fmr(pos: np.ndarray, neg: np.ndarray, fmr: float) -> float:
    """Share of true pairs scoring strictly above the threshold that lets through at most
    ``fmr`` of the false pairs."""
    neg_sorted = np.sort(neg)[::-1]
    allowed = int(np.floor(fmr * len(neg)))
    thr = neg_sorted[allowed] if allowed < len(neg) else -np.inf
    return float((pos > thr).mean())


def evaluate(pairs: list[tuple[str, str, bool, str]], fn, label: str) -> tuple[dict, list[float]]:
    t0 = time.perf_counter()
    scores = [fn(a, b) for a, b, _, _ in pairs]
    dt = time.perf_counter() - t0
    y = np.array([s for _, _, s, _ in pairs])
    sc = np.array(scores)
    pos, neg = sc[y], sc[~y]
    out = {
        "roc_auc": round(roc_auc(pos, neg), 4),
        "recall_at_fmr_1pct": round(recall_at_fmr(pos, neg, 0.01), 4),
        "recall_at_fmr_0.1pct": round(recall_at_fmr(pos, neg, 0.001), 4),
        "pairs_per_second": round(len(pairs) / dt),
        "n_pos": int(y.sum()),
        "n_neg": int((~y).sum()),
    }
    by_kind: dict[str, dict] = {}
    kinds = sorted({k for *_, k in pairs})
    for kind in kinds:
        if kind in ("same", "positive"):
            continue
        m = np.array([k == kind for *_, k in pairs])
        if m.sum() and len(pos):
            by_kind[kind] = {
                "roc_auc_vs_positives": round(roc_auc(pos, sc[m]), 4),
                "recall_at_fmr_1pct": round(recall_at_fmr(pos, sc[m], 0.01), 4),
                "n": int(m.sum()),
            }
    out["by_negative_kind"] = by_kind
    log(
        f"  {label}: AUC {out['roc_auc']}, recall@1% {out['recall_at_fmr_1pct']}, "
        f"recall@0.1% {out['recall_at_fmr_0.1pct']}, {out['pairs_per_second']} pairs/s"
    )
    return out, scores


def failures(pairs, scores, k: int) -> dict:
    """The worst-scored true pairs and the best-scored false pairs, to study."""
    idx = np.argsort(scores)
    pos = [i for i in idx if pairs[i][2]][:k]
    neg = [i for i in idx[::-1] if not pairs[i][2]][:k]
    fmt = lambda i: [pairs[i][0], pairs[i][1], pairs[i][3], round(scores[i], 3)]  # noqa: E731
    return {"missed_true_pairs": [fmt(i) for i in pos], "top_false_pairs": [fmt(i) for i in neg]}


# --- (a) what the names can tell at all ------------------------------------------------------------
def ceiling(pairs: list[tuple[str, str, bool, str]], fmr: float = 0.01) -> dict:
    """The best recall at ``fmr`` any function of the two names could reach on these pairs.

    A pair is *uninformative* when at least one side writes no father and both sides agree exactly
    (same name_key) on the given and the family name: a namesake written so says precisely what a
    true pair written so says. Such negatives must stay below the threshold, and the true pairs
    like them with them, except for the share of the false-match budget they can fill (a threshold
    that cuts through a tie admits as many of each, proportionally).

    * ``ceiling_recall_at_1pct_fmr``: every other pair separated perfectly; the uninformative true
      pairs admitted in proportion to the budget left for their namesakes.
    * ``..._strict``: the same with ties kept out (as recall_at_fmr counts: strictly above).
    * ``..._monotone``: for a function that scores exact agreement at least as high as any other
      agreement, every true pair with a side missing its father scores at most what the
      uninformative namesakes score, so they all share that tie.
    * ``..._knowing_name_frequencies``: the ceiling for a function that also knew how common each
      given+family name is in this very sample (uninformative pairs grouped by their names, groups
      ranked by their share of true pairs): what term frequencies could add at best.
    """
    n_pos = sum(1 for p in pairs if p[2])
    n_neg = len(pairs) - n_pos
    budget = fmr * n_neg
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    pos_fatherless = 0
    by_kind: dict[str, int] = defaultdict(int)
    for a, b, same, kind in pairs:
        ca, cb = names.parse_name_chain(a), names.parse_name_chain(b)
        if ca.father and cb.father:
            continue
        pos_fatherless += same
        g, f = names.name_key(ca.given or ""), names.name_key(ca.family or "")
        if g and f and g == names.name_key(cb.given or "") and f == names.name_key(cb.family or ""):
            groups[(g, f)][0 if same else 1] += 1
            by_kind[kind] += 1
    pos_u = sum(v[0] for v in groups.values())
    neg_u = sum(v[1] for v in groups.values())

    def admitted(pos: int, neg: int) -> float:
        return pos * min(1.0, budget / neg) if neg else pos

    fine, left = float(n_pos - pos_u), budget
    for p, q in sorted(groups.values(), key=lambda v: -(v[0] / v[1]) if v[1] else -math.inf):
        take = min(1.0, left / q) if q else 1.0
        fine += p * take
        left -= q * take
    return {
        "uninformative_false_pairs": neg_u,
        "uninformative_false_share": round(neg_u / n_neg, 4),
        "uninformative_true_pairs": pos_u,
        "uninformative_by_kind": dict(sorted(by_kind.items())),
        "true_pairs_with_a_side_without_father": pos_fatherless,
        "ceiling_recall_at_1pct_fmr": round((n_pos - pos_u + admitted(pos_u, neg_u)) / n_pos, 4),
        "ceiling_recall_at_1pct_fmr_strict": round((n_pos - pos_u) / n_pos, 4),
        "ceiling_recall_at_1pct_fmr_monotone": round(
            (n_pos - pos_fatherless + admitted(pos_fatherless, neg_u)) / n_pos, 4
        ),
        "ceiling_recall_at_1pct_fmr_knowing_name_frequencies": round(fine / n_pos, 4),
    }


# --- (b) Wikidata tokens ------------------------------------------------------------------------
def wikidata_pairs(seed: int, min_count: int = 2) -> list[tuple[str, str, bool, str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    with WIKIDATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["levantine_attested"] != "1" or int(row["count"]) < min_count:
                continue
            groups[names.normalize_arabic(row["arabic"])].add(row["latin"])
    # one Latin spelling may belong to several Arabic names (hamid: حامد, حميد): those are ambiguous
    owners: dict[str, set[str]] = defaultdict(set)
    for ar, lats in groups.items():
        for lat in lats:
            owners[lat].add(ar)
    rng = random.Random(seed)
    pairs: list[tuple[str, str, bool, str]] = []
    items = sorted(groups.items())
    for ar, lats in items:
        lats_sorted = sorted(lats)
        for lat in lats_sorted:
            pairs.append((ar, lat, True, "positive"))
        for i, x in enumerate(lats_sorted):
            for y in lats_sorted[i + 1 :]:
                pairs.append((x, y, True, "positive"))
    n_pos = len(pairs)
    tokens = [(ar, lat) for ar, lats in items for lat in sorted(lats)]

    def different(x: str, y: str, ar_x: str, ar_y: str) -> bool:
        return ar_x != ar_y and x != y and ar_y not in owners.get(x, ()) and ar_x not in owners.get(y, ())

    # random negatives: Arabic vs Latin of another name, Latin vs Latin of another name
    while len(pairs) < n_pos * 3:
        (ar1, l1), (ar2, l2) = rng.sample(tokens, 2)
        if not different(l1, l2, ar1, ar2):
            continue
        if rng.random() < 0.5:
            pairs.append((ar1, l2, False, "random"))
        else:
            pairs.append((l1, l2, False, "random"))
    # hard negatives: other names the baseline or our blocking key finds alike
    from anyascii import anyascii

    by_skel: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ar, lat in tokens:
        by_skel[names.name_skeleton(lat)].append((ar, lat))
    hard_ours, hard_base = [], []
    for ar, lat in tokens:
        for ar2, lat2 in by_skel[names.name_skeleton(lat)]:
            if different(lat, lat2, ar, ar2):
                hard_ours.append((ar, lat2, False, "hard_same_skeleton"))
        cand = rng.sample(tokens, 60)
        for ar2, lat2 in cand:
            alike = JaroWinkler.normalized_similarity(anyascii(ar), lat2) >= 0.8 or (
                JaroWinkler.normalized_similarity(lat, lat2) >= 0.85
            )
            if alike and different(lat, lat2, ar, ar2):
                hard_base.append((lat, lat2, False, "hard_baseline_alike"))
    rng.shuffle(hard_ours)
    rng.shuffle(hard_base)
    pairs += hard_ours[: n_pos // 2] + hard_base[: n_pos // 2]
    log(f"(b) Wikidata: {len(groups)} Arabic spellings, {n_pos} true pairs, {len(pairs) - n_pos} false pairs")
    return pairs


# --- speed --------------------------------------------------------------------------------------
def _clear_caches() -> None:
    """Empty every lru_cache in athar.names, so that a timing starts cold."""
    import importlib

    modules = ("arabic", "latin", "keys", "chain", "compare", "reading", "evidence", "dictionary")
    modules += ("frequency",)
    for mod in modules:
        m = importlib.import_module(f"athar.names.{mod}")
        for obj in vars(m).values():
            if hasattr(obj, "cache_clear"):
                obj.cache_clear()


def speed(full_names: list[str]) -> dict:
    """Throughput of normalize + key on full names, cold (caches emptied) and warm."""
    n = len(full_names)
    out = {}
    for label in ("cold", "warm"):
        if label == "cold":
            _clear_caches()
        t0 = time.perf_counter()
        for s in full_names:
            names.name_key(names.normalize_name(s))
        out[f"normalize_and_key_names_per_second_{label}"] = round(n / (time.perf_counter() - t0))
    # per-token (column-wise use by linkage): distinct tokens, caches emptied first
    tokens = sorted({t for s in full_names for t in names.normalize_name(s).split()})
    _clear_caches()
    t0 = time.perf_counter()
    for t in tokens:
        names.name_key(t)
    out["key_distinct_tokens_per_second_cold"] = round(len(tokens) / (time.perf_counter() - t0))
    out["n_names"] = n
    out["n_distinct_tokens"] = len(tokens)
    return out


def cold_cpu_rate(pairs, fn, n: int = 50_000, runs: int = 3) -> int:
    """Pairs per second of ``fn`` over the first ``n`` pairs, caches emptied before each run: the
    best of ``runs`` in this process's own CPU time (one core)."""
    pairs = pairs[:n]
    rates = []
    for _ in range(runs):
        _clear_caches()
        t0 = time.process_time()
        for a, b, *_ in pairs:
            fn(a, b)
        rates.append(len(pairs) / (time.process_time() - t0))
    return round(max(rates))


def synth_full_names(pairs, n: int) -> list[str]:
    pool = [p[0] for p in pairs] + [p[1] for p in pairs]
    return (pool * (n // max(len(pool), 1) + 1))[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    ap.add_argument("--synth-pairs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--failures", type=int, default=25)
    ap.add_argument(
        "--corpus-persons",
        type=int,
        default=200_000,
        help="synthetic records to count name frequencies in (the store's size)",
    )
    args = ap.parse_args()
    result: dict = {
        "baseline": "anyascii(s).lower() + rapidfuzz Jaro-Winkler on the whole string",
        "name_frequencies": (
            "name_similarity weighs agreement on given + family name by the given name's frequency in "
            "athar/names/data/tfp_levantine_name_token_freq.tsv (TechForPalestine, a real Palestinian "
            "list), read by cross-script key. athar.synth does not draw names from that file: its given "
            "and family names and their weights are its own hand tables (athar/synth/tables.py, "
            "surnames.py), so the two share no list; both rank the usual names (محمد, أحمد) first "
            "because people do. Family-name frequencies are not used (the list lacks most Syrian "
            "family names); nothing is computed from the synthetic pairs. With record frequencies "
            "(a_synth.ours_with_record_frequencies), given and family names are counted in other "
            "records of the same synthetic population, as linkage counts term frequencies in the "
            "store; failures are listed for that variant."
        ),
    }

    # (a) synthetic renderings
    try:
        from athar.synth.pairs import name_corpus, name_pairs
    except ImportError as exc:
        msg = f"athar.synth.pairs.name_pairs is not available ({exc}); (a) not run"
        log("(a) " + msg)
        result["a_synth"] = {"status": "absent", "reason": msg}
        synth = freq = None
    else:
        synth = [(p.a, p.b, p.same, p.kind) for p in name_pairs(args.synth_pairs, seed=args.seed)]
        log(f"(a) synth: {len(synth)} pairs")
        ours, _ = evaluate(synth, names.name_similarity, "ours    ")
        # The records at hand: a store holds other people than the pairs being compared; count
        # their given and family names as linkage and search count them (no labels involved).
        t0 = time.perf_counter()
        corpus = name_corpus(args.corpus_persons, seed=args.seed + 1000)
        freq = names.NameFrequencies.from_names(corpus)
        corpus_seconds = time.perf_counter() - t0
        log(f"(a) frequencies from {len(corpus)} synthetic records in {corpus_seconds:.1f} s")
        ours_freq, scores = evaluate(
            synth, lambda a, b: names.name_similarity(a, b, freq), "ours, record frequencies"
        )
        base, _ = evaluate(synth, baseline_similarity, "baseline")
        # A namesake (same common given and family name) written without a father on one side
        # carries the very same name evidence as a true pair written so: no name comparison can
        # separate them. Report the pairs where both sides write a father apart.
        both = [p for p in synth if all(names.parse_name_chain(x).father for x in p[:2])]
        log(f"(a) subset where both names carry a father: {len(both)} pairs")
        ours_both, _ = evaluate(both, names.name_similarity, "ours, both fathers    ")
        ours_both_freq, _ = evaluate(
            both, lambda a, b: names.name_similarity(a, b, freq), "ours, both fathers, record frequencies"
        )
        base_both, _ = evaluate(both, baseline_similarity, "baseline, both fathers")
        ceil = ceiling(synth)
        log(f"(a) ceiling: {ceil}")
        result["a_synth"] = {
            "status": "ok",
            "seed": args.seed,
            "n_pairs": len(synth),
            "ours": ours,
            "ours_with_record_frequencies": {
                "what": (
                    "name_similarity(a, b, NameFrequencies.from_names(records)): given and family "
                    f"names counted in {len(corpus)} other synthetic people's records (athar.synth."
                    "pairs.name_corpus, seed + 1000: the same population, none of the pairs), as a "
                    "store of that size holds them; no labels"
                ),
                "corpus_records": len(corpus),
                "corpus_seconds": round(corpus_seconds, 1),
                **ours_freq,
            },
            "baseline": base,
            "ceiling": ceil,
            "both_names_with_father": {
                "what": "the fair test: both names carry a father, so a namesake can be told apart",
                "n_pairs": len(both),
                "ours": ours_both,
                "ours_with_record_frequencies": ours_both_freq,
                "baseline": base_both,
            },
            "failures": failures(synth, scores, args.failures),
        }

    # (b) Wikidata tokens
    if not WIKIDATA.exists():
        msg = f"{WIKIDATA} is absent; (b) not run"
        log("(b) " + msg)
        result["b_wikidata"] = {"status": "absent", "reason": msg}
        wiki = None
    else:
        wiki = wikidata_pairs(args.seed)
        ours, scores = evaluate(wiki, names.name_similarity, "ours name_similarity")
        part, _ = evaluate(wiki, names.part_similarity, "ours part_similarity")
        base, _ = evaluate(wiki, baseline_similarity, "baseline            ")
        key_eq = np.array([names.name_key(a) == names.name_key(b) for a, b, _, _ in wiki])
        y = np.array([s for _, _, s, _ in wiki])
        result["b_wikidata"] = {
            "status": "ok",
            "source": str(WIKIDATA),
            "subset": "levantine_attested=1, count>=2, grouped by normalized Arabic spelling",
            "n_pairs": len(wiki),
            "ours": ours,
            "ours_part_similarity": part,
            "baseline": base,
            "name_key_equal": {
                "true_pairs_with_equal_key": round(float(key_eq[y].mean()), 4),
                "false_pairs_with_equal_key": round(float(key_eq[~y].mean()), 4),
            },
            "failures": failures(wiki, scores, args.failures),
        }

    # speed
    if synth:
        full = synth_full_names(synth, 200_000)
        spd = speed(full)
        spd["names_from"] = "athar.synth renderings"
    else:
        rng = random.Random(args.seed)
        toks = [names.romanize(t) for t in list(names.keys.DICTIONARY.latin)[:3000]]
        ar = list(names.keys.DICTIONARY.latin)[:3000]
        full = [
            " ".join(rng.choice(ar if rng.random() < 0.5 else toks) for _ in range(rng.choice((2, 3, 4))))
            for _ in range(200_000)
        ]
        spd = speed(full)
        spd["names_from"] = "random 2-4 token names drawn from the dictionary (synth absent)"
    pair_src = synth or [(a, b, True, "x") for a, b in zip(full[::2], full[1::2], strict=False)]
    _clear_caches()
    t0 = time.perf_counter()
    for a, b, *_ in pair_src[:50_000]:
        names.name_similarity(a, b)
    spd["name_similarity_pairs_per_second_cold"] = round(
        min(len(pair_src), 50_000) / (time.perf_counter() - t0)
    )
    t0 = time.perf_counter()
    for a, b, *_ in pair_src[:50_000]:
        names.name_similarity(a, b)
    spd["name_similarity_pairs_per_second_warm"] = round(
        min(len(pair_src), 50_000) / (time.perf_counter() - t0)
    )
    # The single cold run above is wall-clock time, which other work on a busy machine inflates.
    # Also report the best of three cold runs in this process's own CPU time (one core).
    cold = cold_cpu_rate(pair_src, names.name_similarity)
    spd["name_similarity_pairs_per_second_cold_cpu_best_of_3"] = cold
    if freq is not None:
        spd["name_similarity_with_record_frequencies_pairs_per_second_cold_cpu_best_of_3"] = cold_cpu_rate(
            pair_src, lambda a, b: names.name_similarity(a, b, freq)
        )
    result["speed"] = spd
    log(f"speed: {spd}")

    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        log(f"wrote {args.out}")
    else:
        print(text)


if __name__ == "__main__":
    main()
