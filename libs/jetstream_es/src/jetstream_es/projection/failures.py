"""Failures of a live projection: retries with backoff and parking in the DLQ (decisions 0002, 0005).

A handler error is retried in order, holding the message (`in_progress`); after `max_deliver`
attempts the message goes to the `DLQ` stream with the reason and the runner moves on. An
undecodable message (`_Poison`) is parked at once. An unreachable projection store
(`store_unavailable`) is not the event's fault: the runner waits for it and never dead-letters for
it. `apply_dead_letter` applies a dead letter again after a fix, at most once (`dead_letters_applied`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING

import structlog
from nats.aio.msg import Msg
from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select

from jetstream_es.dlq import dead_letter_headers
from jetstream_es.projection.base import ApplyContext, stream_seq
from jetstream_es.sql import dead_letters_applied
from shop_contracts.subjects import dlq_subject

if TYPE_CHECKING:
    from jetstream_es.projection.runner import ProjectionRunner


log = structlog.get_logger(__name__)


class DeadLetterRefused(Exception):
    """A dead letter that cannot be applied: not this projection's, undecodable, or applied already."""


class _Poison(Exception):
    def __init__(self, reason: str, error: str) -> None:
        super().__init__(error)
        self.reason = reason
        self.error = error


_TRANSIENT = ("database is locked", "connection", "terminating", "shutting down", "starting up", "timeout")


def store_unavailable(exc: BaseException) -> bool:
    """True when the projection store could not be reached (a database restarting, a lost
    connection, a locked SQLite file): the event is not at fault, so it waits for the store
    instead of counting towards the dead letter queue."""
    if isinstance(exc, OSError | sa_exc.DisconnectionError | sa_exc.InterfaceError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc, sa_exc.OperationalError) or "asyncpg" in type(exc.orig).__module__:
            text = f"{type(exc.orig).__name__} {exc.orig}".lower()
            return any(marker in text for marker in (*_TRANSIENT, "cannotconnectnow", "adminshutdown"))
    return False


async def retry_one(runner: ProjectionRunner, msg: Msg) -> None:
    seq = stream_seq(msg)
    attempts = max(int(msg.metadata.num_delivered) - 1, 0)
    outage = 0
    while True:
        try:
            item = runner._decode(msg)
        except _Poison as poison:
            await runner._dead_letter(msg, poison.reason, poison.error, attempts + 1)
            return
        try:
            await runner._commit([item], seq, replaying=False)
        except Exception as exc:
            if store_unavailable(exc):
                outage += 1
                if runner._stopping:
                    return  # not acked: it comes back, in order, to the next start
                log.error(
                    "projection_store_unavailable",
                    projection=runner.projection.name,
                    stream_seq=seq,
                    waited_attempts=outage,
                    error=repr(exc),
                )
                await msg.in_progress()
                await asyncio.sleep(min(5.0, 0.2 * outage))
                continue
            attempts += 1
            log.warning(
                "projection_handler_failed",
                projection=runner.projection.name,
                stream_seq=seq,
                subject=msg.subject,
                attempt=attempts,
                error=repr(exc),
            )
            if attempts >= runner.settings.max_deliver:
                await runner._dead_letter(msg, "handler_failed", repr(exc), attempts)
                return
            backoff = runner.settings.backoff[min(attempts - 1, len(runner.settings.backoff) - 1)]
            await msg.in_progress()
            await asyncio.sleep(backoff)
            continue
        await msg.ack()
        return


async def dead_letter(runner: ProjectionRunner, msg: Msg, reason: str, error: str, attempts: int) -> None:
    """Park the message in the DLQ with its headers and the error, then move past it."""
    seq = stream_seq(msg)
    headers = dead_letter_headers(
        msg.headers,
        reason=reason,
        error=error,
        stream=runner.projection.stream,
        subject=msg.subject,
        stream_seq=seq,
        consumer=runner.consumer,
        service=runner.service,
        attempts=attempts,
        at=runner.clock.now(),
    )
    await runner.js.publish(
        dlq_subject(runner.service, runner.consumer), msg.data, headers=headers, stream="DLQ"
    )
    async with runner.engine.begin() as conn:
        await runner._save_checkpoint(conn, runner.projection.name, seq)
    runner.checkpoint = seq
    runner.dead_lettered += 1
    log.error(
        "event_dead_lettered",
        projection=runner.projection.name,
        stream_seq=seq,
        subject=msg.subject,
        reason=reason,
        error=error[:500],
    )
    await msg.ack()


# -- rebuild ----------------------------------------------------------------------------


async def apply_dead_letter(
    runner: ProjectionRunner, dlq_seq: int, headers: Mapping[str, str], data: bytes, subject: str, seq: int
) -> bool:
    """Apply a dead letter of this projection again (after a fix). True when applied now, False
    when it was applied by an earlier retry. The checkpoint stays where it is; side effects
    are allowed (a reaction's command is what the retry is for, and its ids derive from the
    event, so it appends nothing twice)."""
    try:
        item = runner._decode_parts(headers, data, subject, seq)
    except _Poison as poison:
        raise DeadLetterRefused(f"still cannot be decoded ({poison.reason}): {poison.error}") from None
    ctx = ApplyContext(replaying=False, now=runner.clock.now())
    async with runner._lock, runner.engine.begin() as conn:
        done = (
            await conn.execute(
                select(dead_letters_applied.c.dlq_seq).where(
                    dead_letters_applied.c.projection == runner.projection.name,
                    dead_letters_applied.c.dlq_seq == dlq_seq,
                )
            )
        ).first()
        if done is not None:
            return False
        if item is not None:
            await runner.projection.apply_batch(conn, runner.tables, [item], ctx)
        await conn.execute(
            insert(dead_letters_applied).values(
                projection=runner.projection.name, dlq_seq=dlq_seq, applied_at=ctx.now
            )
        )
    log.info("dead_letter_applied", projection=runner.projection.name, dlq_seq=dlq_seq, stream_seq=seq)
    return True
