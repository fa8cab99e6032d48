"""A reaction issues commands for live events only, never while a replay runs, and skips types it
does not know (ARCHITECTURE.md "Projections and reactions")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.events import StoredEvent
from jetstream_es.projection.base import ApplyContext, Decoded, Reaction
from jetstream_es.testing.contract import envelope
from jetstream_es.testing.sample import CounterIncremented

NOW = datetime(2026, 3, 2, tzinfo=UTC)


class Recorder(Reaction):
    name = "recorder"
    stream = "SAMPLE"
    filter_subjects = ("sample.events.>",)
    models = (CounterIncremented,)
    handles = frozenset({"CounterIncremented"})

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    async def react(self, item: Decoded) -> None:
        self.seen.append(item.event.event_id)


def item() -> Decoded:
    stored = StoredEvent(envelope("c1", 1), 1, "sample.events.Counter.c1")
    return Decoded(stored, CounterIncremented(by=1))


async def test_a_live_event_is_reacted_to() -> None:
    reaction = Recorder()
    await reaction.apply(cast(AsyncConnection, None), {}, item(), ApplyContext(replaying=False, now=NOW))
    assert reaction.seen == [item().event.event_id]


async def test_nothing_happens_while_a_replay_runs() -> None:
    reaction = Recorder()
    await reaction.apply(cast(AsyncConnection, None), {}, item(), ApplyContext(replaying=True, now=NOW))
    assert reaction.seen == []


def test_a_reaction_has_no_tables_side_effects_and_skips_unknown_types() -> None:
    reaction = Recorder()
    assert reaction.define_tables(MetaData(), "_g1") == {}
    assert reaction.side_effects
    assert reaction.skip_unknown_types
    assert reaction.registry.knows("CounterIncremented")
    assert not reaction.registry.knows("CounterOpened")
