"""Hostile input for ingest: files built on the fly that attack the readers (see corpus.py)."""
