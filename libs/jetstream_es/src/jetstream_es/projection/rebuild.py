"""Rebuilding a projection: replay into a fresh table generation, dry-run compare, progress.

`rebuild()` replays the stream (batch direct gets, `_Replay`) into a fresh generation while the old
one keeps serving, then swaps it in with the live checkpoint; side effects are suppressed and a
reaction is never rebuilt. It reports `RebuildProgress` to a callback; `dry_run=True` compares the
fresh generation with the serving one, reports the differences per table and swaps nothing
(decision 0002).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog
from nats.aio.msg import Msg
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.jetstream.direct_get import DirectGetClient
from jetstream_es.projection.base import ApplyContext, Decoded, Tables, _matches
from jetstream_es.projection.failures import _Poison
from jetstream_es.sql import projection_state
from shop_contracts.headers import Header

if TYPE_CHECKING:
    from jetstream_es.projection.runner import ProjectionRunner


log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """What a rebuild did. A dry run keeps the serving generation: `generation` is the one that
    would have been swapped in, and `changes` lists per table what would change."""

    events: int
    checkpoint: int
    generation: int
    seconds: float
    dry_run: bool = False
    changes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class RebuildProgress:
    """Where a rebuild is: `applied` events so far, stream sequence `seq` of `target` (the stream's
    last sequence when the rebuild began), starting at `from_seq`."""

    projection: str
    applied: int
    seq: int
    target: int
    from_seq: int
    done: bool = False


ProgressCallback = Callable[[RebuildProgress], Awaitable[None]]


async def rebuild(
    runner: ProjectionRunner,
    from_seq: int = 1,
    *,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> RebuildReport:
    """Replay into a fresh generation while the old one serves, then swap it in.

    Events before `from_seq` are not applied. Side effects are suppressed (`replaying=True`);
    a projection with side effects (a reaction) cannot be rebuilt. `progress` hears about every
    applied batch. `dry_run`: build the generation, compare it with the serving one at the
    same checkpoint, drop it again and report the differences.
    """
    if runner.projection.side_effects:
        raise ValueError(f"{runner.projection.name} has side effects and cannot be replayed")
    started = time.perf_counter()
    generation = runner.generation + 1
    tables = await runner._create_generation(generation)
    target = 0
    with contextlib.suppress(Exception):  # progress only; the replay reads the stream itself
        info = await runner.js.stream_info(runner.projection.stream)
        target = int(info.state.last_seq or 0)
    replay = _Replay(runner, tables, from_seq, progress=progress, target=target)
    try:
        await replay.run_until(None)
        async with runner._lock:
            live_checkpoint = runner.checkpoint
            await replay.run_until(live_checkpoint)
            checkpoint = max(live_checkpoint, replay.last_seq)
            if dry_run:
                changes = await _compare(runner, runner.tables, tables)
                await runner._drop_tables(list(tables.values()))
                report = RebuildReport(
                    replay.applied,
                    checkpoint,
                    generation,
                    time.perf_counter() - started,
                    dry_run=True,
                    changes=tuple(changes),
                )
                await replay.report(done=True)
                log.info("projection_rebuild_dry_run", projection=runner.projection.name, changes=changes)
                return report
            async with runner.engine.begin() as conn:
                await conn.execute(
                    update(projection_state)
                    .where(projection_state.c.name == runner.projection.name)
                    .values(generation=generation, checkpoint=checkpoint, updated_at=runner.clock.now())
                )
            old, runner.generation, runner.checkpoint, runner.tables = (
                runner.tables,
                generation,
                checkpoint,
                tables,
            )
    except BaseException:
        await runner._drop_tables(list(tables.values()))
        raise
    finally:
        await replay.close()
    await runner._drop_tables(list(old.values()))
    report = RebuildReport(replay.applied, checkpoint, generation, time.perf_counter() - started)
    await replay.report(done=True)
    log.info("projection_rebuilt", projection=runner.projection.name, **dataclasses.asdict(report))
    return report


async def _compare(runner: ProjectionRunner, serving: Tables, rebuilt: Tables) -> list[dict[str, Any]]:
    """Per table: rows now, rows after the rebuild, and rows added, removed or changed (by key)."""
    changes: list[dict[str, Any]] = []
    async with runner.engine.connect() as conn:
        for key in sorted(set(serving) | set(rebuilt)):
            before, rows_now = await _keyed_rows(conn, serving.get(key))
            after, rows_after = await _keyed_rows(conn, rebuilt.get(key))
            added = [k for k in after if k not in before]
            removed = [k for k in before if k not in after]
            changed = [k for k in after if k in before and after[k] != before[k]]
            examples = (
                [{"change": "added", "key": list(k)} for k in added[:3]]
                + [{"change": "removed", "key": list(k)} for k in removed[:3]]
                + [{"change": "changed", "key": list(k)} for k in changed[:3]]
            )
            changes.append(
                {
                    "table": key,
                    "rows_now": rows_now,
                    "rows_after": rows_after,
                    "added": len(added),
                    "removed": len(removed),
                    "changed": len(changed),
                    "examples": [{**e, "key": [str(v) for v in e["key"]]} for e in examples],
                }
            )
    return changes


# -- dead letters -----------------------------------------------------------------------


async def _keyed_rows(conn: AsyncConnection, table: Table | None) -> tuple[dict[tuple[Any, ...], Any], int]:
    """Rows by primary key (values: the other columns; a table without one: whole rows with their
    counts), and the number of rows."""
    if table is None:
        return {}, 0
    rows = (await conn.execute(select(table))).all()
    key_names = [c.name for c in table.primary_key.columns]
    if not key_names:
        return dict(Counter(tuple(r) for r in rows)), len(rows)
    others = [c.name for c in table.columns if c.name not in key_names]
    keyed = {tuple(r._mapping[k] for k in key_names): tuple(r._mapping[c] for c in others) for r in rows}
    return keyed, len(rows)


class _Replay:
    """Reads a stream by batch direct gets into a fresh generation, one transaction a batch.

    Memory is bounded by construction: one batch is applied while the next is in flight. (nats-py's
    ordered push consumer gives no backpressure: a slow projection made it buffer without bound.)
    """

    def __init__(
        self,
        runner: ProjectionRunner,
        tables: Tables,
        from_seq: int,
        batch: int = 1000,
        *,
        progress: ProgressCallback | None = None,
        target: int = 0,
    ) -> None:
        self.runner = runner
        self.tables = tables
        self.batch = batch
        self.from_seq = max(from_seq, 1)
        self.last_seq = self.from_seq - 1
        self.applied = 0
        self.progress = progress
        self.target = target
        filters = runner.projection.filter_subjects
        self.subject = filters[0] if len(filters) == 1 else None
        self.direct = DirectGetClient(runner.nc, runner.projection.stream)

    async def _fetch(self, from_seq: int) -> tuple[list[Msg], int]:
        body: dict[str, Any] = {"seq": from_seq, "batch": self.batch}
        if self.subject is not None:
            body["next_by_subj"] = self.subject
        return await self.direct.request(body)

    async def run_until(self, stop_at: int | None) -> None:
        """Apply what the stream holds after `last_seq`, up to `stop_at` (None: all of it now)."""
        if stop_at is not None and self.last_seq >= stop_at:
            return
        pending = asyncio.ensure_future(self._fetch(self.last_seq + 1))
        try:
            while True:
                msgs, remaining = await pending
                if not msgs:
                    return
                last = int((msgs[-1].headers or {})[Header.SEQUENCE])
                more = remaining > 0 and (stop_at is None or last < stop_at)
                if more:
                    pending = asyncio.ensure_future(self._fetch(last + 1))
                await self._apply(msgs, stop_at)
                if not more:
                    return
        finally:
            if not pending.done():
                pending.cancel()

    async def _apply(self, msgs: list[Msg], stop_at: int | None) -> None:
        items: list[Decoded] = []
        last = self.last_seq
        filters = self.runner.projection.filter_subjects
        for msg in msgs:
            headers = msg.headers or {}
            seq, subject = int(headers[Header.SEQUENCE]), headers[Header.SUBJECT]
            if stop_at is not None and seq > stop_at:
                break
            last = seq
            if self.subject is None and not any(_matches(f, subject) for f in filters):
                continue
            try:
                item = self.runner._decode_parts(headers, msg.data, subject, seq)
            except _Poison as poison:
                log.error("replay_skipped_poison", stream_seq=seq, reason=poison.reason, error=poison.error)
                continue
            if item is not None:
                items.append(item)
        if items:
            ctx = ApplyContext(replaying=True, now=self.runner.clock.now())
            async with self.runner.engine.begin() as conn:
                await self.runner.projection.apply_batch(conn, self.tables, items, ctx)
        self.applied += len(items)
        self.last_seq = last
        await self.report()

    async def report(self, done: bool = False) -> None:
        if self.progress is None:
            return
        # done: the stream was read to its end, past the last event the filter matched
        seq = max(self.last_seq, self.target) if done else self.last_seq
        state = RebuildProgress(
            self.runner.projection.name,
            self.applied,
            seq,
            max(self.target, self.last_seq),
            self.from_seq,
            done,
        )
        try:
            await self.progress(state)
        except Exception as exc:  # progress is advisory: never let it break a rebuild
            log.warning("rebuild_progress_failed", error=repr(exc))

    async def close(self) -> None:
        await self.direct.stop()
