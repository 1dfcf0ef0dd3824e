"""Time ``athar.synth.generate`` on one core, measure how realistic its people are; write JSON.

python bench/synth.py [--persons 1000000] [--seed 0] [--out DIR] [--realism 100000] [--no-timing]

Timing: one ``generate`` of ``--persons`` persons.  Realism (``--realism N``, default 100,000
persons; 0 skips it) measures, on a population of N:

* namesakes: the share of persons who share given AND family name with someone whose father has
  another name (target 30-50% at 100,000);
* family names: how many distinct names are in use, the share of the top 10 and top 100, and how
  many names are rare;
* siblings: the gaps between birth dates of siblings (at least ~10 months unless twins);
* lists: the share of records with no name at all, and of true cross-list record pairs where
  neither record has both a given and a family name (a human could not link them by name).
"""

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from athar.synth import generate
from athar.synth.lexicon import lexicon
from athar.synth.population import build

RESULTS = Path(__file__).parent / "results" / "synth.json"
FILES = {
    "families": ("families.csv", "utf-8"),
    "detention": ("detention.csv", "cp1256"),
    "returnees": ("returnees.csv", "utf-8"),
    "morgue": ("morgue.csv", "utf-8"),
}


def namesake_share(given: np.ndarray, family: np.ndarray, father: np.ndarray) -> float:
    """Share of persons with someone of the same given and family name but another father's name."""
    if given.size == 0:
        return 0.0
    key = given.astype(np.int64) * (int(family.max()) + 1) + family
    pairs = np.unique(np.stack([key, father.astype(np.int64)]), axis=1)
    keys, fathers_per_key = np.unique(pairs[0], return_counts=True)
    multi = keys[fathers_per_key >= 2]
    return float(np.isin(key, multi).mean())


def family_shares(family: np.ndarray, n_names: int) -> dict:
    counts = np.sort(np.bincount(family, minlength=n_names))[::-1]
    total = counts.sum()
    used = counts[counts > 0]
    return {
        "names_in_lexicon": n_names,
        "names_in_use": int(used.size),
        "top10_share": round(float(counts[:10].sum() / total), 4),
        "top100_share": round(float(counts[:100].sum() / total), 4),
        "top1_share": round(float(counts[0] / total), 4),
        "names_with_at_most_10_persons": int((used <= 10).sum()),
        "persons_in_names_of_at_most_100": round(float(used[used <= 100].sum() / total), 4),
    }


def sibling_spacing(hh: np.ndarray, birth: np.ndarray) -> dict:
    """Birth-date gaps over all pairs of siblings (persons of one household)."""
    order = np.lexsort((birth, hh))
    h, b = hh[order], birth[order]
    gaps = []
    for k in (1, 2, 3):  # households have at most 4 missing siblings
        same = h[k:] == h[:-k]
        gaps.append(b[k:][same] - b[:-k][same])
    adjacent = gaps[0]
    every = np.concatenate(gaps)
    non_twin = every[every > 0]
    return {
        "sibling_pairs": int(every.size),
        "twin_share": round(float((every == 0).mean()), 4),
        "min_gap_days_non_twins": int(non_twin.min()) if non_twin.size else None,
        "share_under_300_days_non_twins": round(float((non_twin < 300).mean()), 5),
        "adjacent_gap_years_median": round(float(np.median(adjacent) / 365.25), 2),
        "adjacent_gap_years_p90": round(float(np.percentile(adjacent, 90) / 365.25), 2),
    }


def _spellings(names) -> list[frozenset[str]]:
    return [frozenset(s.lower() for s in (*n.en, *n.fr, *n.ar_clean, *n.ar_scan, n.ar)) for n in names]


def _spans(tokens: list[str], spellings: frozenset[str]) -> list[tuple[int, int]]:
    out = []
    for i in range(len(tokens)):
        for j in range(i + 1, min(len(tokens), i + 4) + 1):
            if " ".join(tokens[i:j]) in spellings or "".join(tokens[i:j]) in spellings:
                out.append((i, j))
    return out


def _complete(text: str, given: frozenset[str], family: frozenset[str]) -> bool:
    """Does a full name hold a spelling of the given name and, elsewhere, one of the family name?"""
    tokens = text.replace(",", " ").lower().split()
    gs, fs = _spans(tokens, given), _spans(tokens, family)
    return any(b <= c or d <= a for a, b in gs for c, d in fs)


def list_names(outdir: Path, persons: int) -> dict:
    """No-name records per list and cross-list true pairs with no complete name on either side."""
    lex = lexicon()
    g_sp, f_sp = _spellings(lex.given), _spellings(lex.family)
    with (outdir / "persons.csv").open(encoding="utf-8", newline="") as fh:
        pers = list(csv.reader(fh))[1:]
    given_of = {(n.ar, n.latin): i for i, n in enumerate(lex.given)}
    family_of = {n.ar: i for i, n in enumerate(lex.family)}
    by_pid = {row[0]: (given_of[(row[2], row[3])], family_of[row[8]]) for row in pers}
    truth = defaultdict(str)
    with (outdir / "truth.csv").open(encoding="utf-8", newline="") as fh:
        for source, rid, pid in list(csv.reader(fh))[1:]:
            truth[(source, rid)] = pid
    blank, total, complete = {}, {}, {}
    per_person = defaultdict(list)
    for source, (filename, enc) in FILES.items():
        with (outdir / filename).open(encoding=enc, newline="") as fh:
            rows = list(csv.reader(fh))[1:]
        nb = 0
        nc = 0
        for row in rows:
            pid = truth[(source, row[0])]
            g, f = by_pid[pid]
            if source == "detention":
                ok = bool(row[1]) and bool(row[4])
                empty = not any(row[1:6])
            elif source == "families":
                empty = not (row[1] or row[2] or row[4])
                ok = bool(row[2] and row[4]) or _complete(row[1], g_sp[g], f_sp[f])
            else:
                empty = not row[1]
                ok = _complete(row[1], g_sp[g], f_sp[f])
            nb += empty
            nc += ok
            per_person[pid].append((source, ok))
        blank[source] = round(nb / len(rows), 4) if rows else 0.0
        complete[source] = round(nc / len(rows), 4) if rows else 0.0
        total[source] = len(rows)
    pairs = hopeless = one_side = 0
    for recs in per_person.values():
        for i in range(len(recs)):
            for j in range(i + 1, len(recs)):
                if recs[i][0] != recs[j][0]:
                    pairs += 1
                    hopeless += not (recs[i][1] or recs[j][1])
                    one_side += recs[i][1] != recs[j][1]
    return {
        "records": total,
        "no_name_share": blank,
        "given_and_family_share": complete,
        "cross_list_true_pairs": pairs,
        "cross_list_pairs_with_no_complete_name": round(hopeless / pairs, 5) if pairs else 0.0,
        "cross_list_pairs_with_one_side_incomplete": round(one_side / pairs, 5) if pairs else 0.0,
    }


def realism(persons: int, seed: int) -> dict:
    lex = lexicon()
    pop = build(persons, np.random.default_rng(seed), lex)
    out = {
        "persons": persons,
        "namesake_share": round(namesake_share(pop.given, pop.family, pop.father), 4),
        "family_names": family_shares(pop.family, len(lex.family)),
        "siblings": sibling_spacing(pop.hh, pop.birth),
    }
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), persons=persons, seed=seed)
        out["lists"] = list_names(Path(tmp), persons)
    return out


def timing(persons: int, seed: int, keep: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = keep or Path(tmp)
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        summary = generate(out, persons=persons, seed=seed)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        size = sum(p.stat().st_size for p in summary.files)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "persons": summary.persons,
        "records": summary.records,
        "records_by_source": summary.records_by_source,
        "duplicates_by_source": summary.duplicates_by_source,
        "persons_in_no_source": summary.persons_in_no_source,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "persons_per_second": round(summary.persons / seconds),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "bytes_written": size,
        "python": sys.version.split()[0],
        "cpus_visible": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="keep the files here (default: a temp dir)")
    parser.add_argument(
        "--realism", type=int, default=100_000, help="persons for the realism measures (0: skip)"
    )
    parser.add_argument("--no-timing", action="store_true", help="only the realism measures")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    result = {} if args.no_timing else timing(args.persons, args.seed, args.out)
    if args.realism:
        result["realism"] = realism(args.realism, args.seed)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
