"""The one base for failures a user can act on.

A bad file, an unknown record, a busy store, a missing data key: the command line prints the message
as one line and exits 2, the web answers with it. Anything that is not an `AtharError` is a bug and
keeps its traceback, so a real defect is never dressed up as a tidy one-line error.
"""

from __future__ import annotations


class AtharError(Exception):
    """A failure explained by its message, for the person who caused it or can fix it."""


class ConfigurationError(AtharError, ValueError):
    """An ``ATHAR_*`` setting or a command-line option the program cannot run with."""
