"""Projections and reactions, and the runner that feeds them (decisions 0002, 0007).

- `base`: what a projection or a reaction declares (`Projection`, `Reaction`, `ApplyContext`,
  `Decoded`, `Tables`, sources and the durable consumer derived from them, `subject_matches`).
- `runner`: the live runner (`ProjectionRunner`, `RunnerSettings`): exactly-once from a durable
  pull consumer, checkpoint and read model in one transaction.
- `failures`: retries with backoff, parking in the DLQ, `store_unavailable`, `apply_dead_letter`.
- `rebuild`: replay into a fresh generation, dry-run compare, `RebuildProgress`.

This package re-exports the names services and tools import; the library imports the modules.
"""

from jetstream_es.projection.base import ApplyContext, Decoded, Projection, Reaction, Tables, subject_matches
from jetstream_es.projection.failures import store_unavailable
from jetstream_es.projection.rebuild import RebuildProgress
from jetstream_es.projection.runner import ProjectionRunner, RunnerSettings

__all__ = [
    "ApplyContext",
    "Decoded",
    "Projection",
    "ProjectionRunner",
    "Reaction",
    "RebuildProgress",
    "RunnerSettings",
    "Tables",
    "store_unavailable",
    "subject_matches",
]
