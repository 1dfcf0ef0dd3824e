"""``generate``: the true population and the four lists that write it, with the truth table."""

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from athar.synth import sources
from athar.synth.inclusion import SOURCES, draw
from athar.synth.lexicon import Lexicon, lexicon
from athar.synth.population import FATES, NO_DATE, Population, build

PERSONS_HEADER = [
    "person_id",
    "household_id",
    "given_name_ar",
    "given_name_latin",
    "father_name_ar",
    "father_name_latin",
    "grandfather_name_ar",
    "grandfather_name_latin",
    "family_name_ar",
    "family_name_latin",
    "mother_name_ar",
    "mother_name_latin",
    "mother_family_name_ar",
    "mother_family_name_latin",
    "sex",
    "birth_date",
    "birth_place",
    "governorate",
    "national_id",
    "fate",
    "event_date",
    "death_date",
]
WRITERS = {
    "families": (sources.write_families, "families.csv"),
    "detention": (sources.write_detention, "detention.csv"),
    "returnees": (sources.write_returnees, "returnees.csv"),
    "morgue": (sources.write_morgue, "morgue.csv"),
}


@dataclass
class SynthSummary:
    """What ``generate`` wrote."""

    persons: int
    records_by_source: dict[str, int]
    files: list[Path]
    persons_in_no_source: int = 0
    duplicates_by_source: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.records_by_source.values())


def person_ids(n: int) -> list[str]:
    width = max(7, len(str(n)))
    return [f"P{k:0{width}d}" for k in range(1, n + 1)]


def _write_persons(path: Path, pop: Population, lex: Lexicon, pids: list[str], tick) -> None:
    g_ar = [n.ar for n in lex.given]
    g_la = [n.latin for n in lex.given]
    f_ar = [n.ar for n in lex.family]
    f_la = [n.latin for n in lex.family]
    town_ar = [t.ar for t in lex.towns]
    gov_la = [g[0] for g in lex.gov_latin]

    def iso(days: np.ndarray) -> list[str]:
        out = days.astype("datetime64[D]").astype(str).tolist()
        return ["" if d == NO_DATE else s for d, s in zip(days.tolist(), out, strict=True)]

    cols = zip(
        pids,
        pop.hh.tolist(),
        pop.given.tolist(),
        pop.father.tolist(),
        pop.grandfather.tolist(),
        pop.family.tolist(),
        pop.mother.tolist(),
        pop.mother_family.tolist(),
        pop.sex.tolist(),
        iso(pop.birth),
        pop.town.tolist(),
        pop.gov.tolist(),
        pop.national_id.tolist(),
        pop.fate.tolist(),
        iso(pop.event),
        iso(pop.death),
        strict=True,
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(PERSONS_HEADER)
        rows = sources.BatchedRows(w, tick, batch=50_000)
        for pid, h, g, f, gf, fam, m, mf, sex, birth, town, gov, nid, fate, event, death in cols:
            rows.append(
                (
                    pid,
                    f"H{h + 1:07d}",
                    g_ar[g],
                    g_la[g],
                    g_ar[f],
                    g_la[f],
                    g_ar[gf],
                    g_la[gf],
                    f_ar[fam],
                    f_la[fam],
                    g_ar[m],
                    g_la[m],
                    f_ar[mf],
                    f_la[mf],
                    "F" if sex else "M",
                    birth,
                    town_ar[town],
                    gov_la[gov],
                    f"{nid:011d}",
                    FATES[fate],
                    event,
                    death,
                )
            )
        rows.flush()


def generate(
    outdir: Path,
    persons: int = 2000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> SynthSummary:
    """Write a synthetic population and its lists into ``outdir``; same seed, same bytes.

    ``progress(done, total)`` counts rows written over all files (persons, the four lists, truth).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    lex = lexicon()
    rng = np.random.default_rng(seed)
    pop = build(persons, rng, lex)
    inc = draw(pop, rng, lex)
    counts = {s: int(inc.persons[s].size) for s in SOURCES}
    total = persons + 2 * sum(counts.values())
    done = 0

    def tick(k: int) -> None:
        nonlocal done
        done += k
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    pids = person_ids(persons)
    files = []
    with (outdir / "truth.csv").open("w", encoding="utf-8", newline="") as truth_fh:
        truth = csv.writer(truth_fh, lineterminator="\n")
        truth.writerow(["source", "record_id", "person_id"])
        for i, name in enumerate(SOURCES):
            writer, filename = WRITERS[name]
            rnd = random.Random(seed * 1_000_003 + i).random  # one stream per list: lists stay independent
            who = inc.persons[name]
            ids = writer(outdir / filename, who, sources.Frame.of(pop, who), lex, rnd, tick)
            truth.writerows(zip([name] * len(ids), ids, [pids[p] for p in who.tolist()], strict=True))
            tick(len(ids))
            files.append(outdir / filename)
    _write_persons(outdir / "persons.csv", pop, lex, pids, tick)
    files += [outdir / "truth.csv", outdir / "persons.csv"]

    seen = np.zeros(persons, dtype=bool)
    dups = {}
    for name in SOURCES:
        who = inc.persons[name]
        seen[who] = True
        dups[name] = int(who.size - np.unique(who).size)
    return SynthSummary(
        persons=persons,
        records_by_source=counts,
        files=files,
        persons_in_no_source=int((~seen).sum()),
        duplicates_by_source=dups,
    )


__all__ = ["SynthSummary", "generate"]
