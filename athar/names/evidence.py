"""How much a name part's agreement says about two names being one person's: the evidence scale
that `name_similarity` and the search's ranking share.

Each part's similarity (`part_similarity`, in [0, 1]) becomes log-odds-like evidence on a ramp:
at ``PIVOT`` it says nothing either way; every ``SPAN`` above it adds the part's agreement weight,
every ``SPAN`` below it takes away its disagreement weight, down to one full disagreement weight.
A different father weighs heavily against (namesakes share given and family names), a different
given name too (siblings share everything else). The summed evidence, with ``PRIOR`` (most pairs
of names are of different people), goes through a logistic of slope ``SLOPE`` to a score in [0, 1].

`evidence` and `probability` serve one pair at a time; `evidence_array` and `probability_array`
serve NumPy arrays of similarities, as the search scores thousands of candidates at once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# (agreement weight, disagreement weight) per part: given, father, grandfather, family, mother.
GIVEN_WEIGHTS = (3.0, 7.0)
FATHER_WEIGHTS = (2.5, 6.0)
GRANDFATHER_WEIGHTS = (1.5, 3.0)
FAMILY_WEIGHTS = (3.0, 5.0)
MOTHER_WEIGHTS = (2.0, 3.0)
CHAIN_WEIGHTS = (GIVEN_WEIGHTS, FATHER_WEIGHTS, GRANDFATHER_WEIGHTS, FAMILY_WEIGHTS)
"""The weights of the four parts of a name chain, in `NameChain.parts()` order."""
PART_WEIGHTS = (*CHAIN_WEIGHTS, MOTHER_WEIGHTS)
"""The chain's weights and the mother's given name's, as the search index holds the parts."""

PRIOR = -1.0  # most pairs of names are of different people
PIVOT = 0.86  # part similarity with no evidence either way
SPAN = 0.12  # the width of the ramp: one weight's worth of similarity
SLOPE = 0.6  # of the logistic from summed evidence to a score


def evidence(similarity: float, agree: float, disagree: float) -> float:
    """The evidence of one part's similarity, with that part's (agree, disagree) weights."""
    t = (similarity - PIVOT) / SPAN
    if t >= 0:
        return agree * t
    return disagree * max(t, -1.0)


def evidence_array(similarity: np.ndarray, agree: float, disagree: float) -> np.ndarray:
    """`evidence` of each similarity; a negative similarity ("nothing to compare") is no evidence."""
    import numpy as np

    t = (similarity - PIVOT) / SPAN
    ev = np.where(t >= 0, agree * t, disagree * np.maximum(t, -1.0))
    return np.where(similarity < 0, 0.0, ev)


def probability(total: float) -> float:
    """The score in [0, 1] of summed evidence (prior included): 0.5 is no evidence either way."""
    return 1.0 / (1.0 + math.exp(-SLOPE * total))


def probability_array(total: np.ndarray) -> np.ndarray:
    """`probability` of each summed evidence."""
    import numpy as np

    return 1.0 / (1.0 + np.exp(-SLOPE * total))
