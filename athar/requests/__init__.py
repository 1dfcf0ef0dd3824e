"""Families' tracing requests: intake, candidates, casework, the family's view, disclosure,
notifications and erasure (docs/tracing-requests.md)."""
