"""Why an estimate cannot be made from the table or the options given."""

from __future__ import annotations

from athar.errors import AtharError


class EstimateError(AtharError, ValueError):
    """A malformed capture-history table, too few lists, an unknown method, a model with no estimate."""
