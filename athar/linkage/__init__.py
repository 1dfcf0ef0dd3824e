"""Resolving records into persons: features, a Splink model, clustering, review, explanation.

`run.link` is the orchestrator; `steps` holds its typed stages (load, features, train and check,
score, cluster, persist); `explain` reuses load and features for one pair.
"""
