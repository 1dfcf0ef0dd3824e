"""Why an account, token or list setting cannot be made as asked."""

from __future__ import annotations

from athar.errors import AtharError


class AccountError(AtharError, ValueError):
    """An unknown or duplicate user, a role that does not exist, a list setting out of its vocabulary."""
