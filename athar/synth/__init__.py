"""Synthetic Syrian people and the lists that write them, with the truth.

The project's only source of test and demo people: real personal data is never used.

* ``generate(outdir, persons, seed, progress)`` writes families.csv, detention.csv (Windows-1256,
  Arabic headers), returnees.csv, morgue.csv, truth.csv and persons.csv.
* ``athar.synth.pairs.name_pairs(n, seed)`` gives labelled pairs of full names for evaluating
  name similarity.
"""

from athar.synth.generate import SynthSummary, generate

__all__ = ["SynthSummary", "generate"]
