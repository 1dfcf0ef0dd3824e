"""Why a linkage run cannot go ahead as asked."""

from __future__ import annotations

from athar.errors import AtharError


class LinkageError(AtharError, ValueError):
    """An unknown engine, a saved model that no longer fits, a config that differs from the model's."""
