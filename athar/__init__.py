"""Athar (أثر, "trace"): help find Syria's missing."""

__version__ = "0.1.0"
