"""Why a case event cannot be recorded as asked."""

from __future__ import annotations

from athar.errors import AtharError


class CaseError(AtharError, ValueError):
    """An empty inquiry, an erasure without a reason, a status change that is not allowed."""
