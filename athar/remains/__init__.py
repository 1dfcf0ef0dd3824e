"""Remains and identification: sites, post-mortem records, dental notation, candidate ranking, DNA
reports and the identification workflow (docs/remains.md)."""
