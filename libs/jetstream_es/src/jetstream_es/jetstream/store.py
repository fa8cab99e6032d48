"""The event store on JetStream (ARCHITECTURE.md "The event store is JetStream").

One subject per aggregate, `<service>.events.<Aggregate>.<id>`; the type rides in `Event-Type`.
Appends carry `Nats-Expected-Last-Subject-Sequence` (optimistic concurrency) and
`Nats-Msg-Id` = event id (dedup). Several events of one command go in one atomic batch.
Loads are batch direct gets on the literal subject, so they do not slow down as the stream grows.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Sequence

import nats.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import APIError, NoStreamResponseError

from jetstream_es.errors import (
    ConcurrencyConflict,
    DuplicateAppend,
    EventStoreError,
    StreamUnavailable,
)
from jetstream_es.events import StoredEvent, parse_envelope
from jetstream_es.jetstream.direct_get import DirectGetClient
from jetstream_es.store import AggregateAppend, AggregateSubjects, AppendResult
from shop_contracts.envelope import EventEnvelope
from shop_contracts.headers import Header
from shop_contracts.subjects import stream_name

WRONG_LAST_SEQUENCE = 10071
BATCH_DUPLICATE_MSG_ID = 10201
_TRANSPORT_ERRORS = (
    nats.errors.TimeoutError,
    nats.errors.NoRespondersError,
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.OutboundBufferLimitError,
    TimeoutError,
    NoStreamResponseError,
)
_batch_ids = itertools.count()


def event_headers(envelope: EventEnvelope) -> dict[str, str]:
    return {
        Header.EVENT_TYPE: envelope.event_type,
        Header.SCHEMA_VERSION: str(envelope.schema_version),
        Header.MSG_ID: envelope.event_id,
    }


class JetStreamEventStore(AggregateSubjects):
    def __init__(self, nc: Client, service: str, *, stream: str | None = None, timeout: float = 5.0) -> None:
        self.service = service
        self.stream = stream or stream_name(service)
        self._nc = nc
        self._js: JetStreamContext = nc.jetstream(timeout=timeout)
        self._timeout = timeout
        self._direct = DirectGetClient(nc, self.stream, timeout=timeout)

    async def close(self) -> None:
        await self._direct.stop()

    async def append(
        self, aggregate_type: str, aggregate_id: str, events: Sequence[EventEnvelope], expected_last_seq: int
    ) -> AppendResult:
        subject = self._subject(aggregate_type, aggregate_id, events)
        if len(events) == 1:
            return await self._append_one(subject, events[0], expected_last_seq)
        return await self._append_batch(subject, events, expected_last_seq)

    async def append_all(self, parts: Sequence[AggregateAppend]) -> tuple[AppendResult, ...]:
        """Several aggregates' events in one JetStream atomic batch (`allow_atomic`, server 2.12+):
        each aggregate's first message carries its expected last subject sequence, the server
        checks them all at the commit and stores every message or none (decision 0007)."""
        subjects = [self._subject(p.aggregate_type, p.aggregate_id, p.events) for p in parts]
        if len(set(subjects)) != len(subjects):
            raise ValueError(f"one part per aggregate: {subjects}")
        messages = [
            (subject, envelope, part.expected_last_seq if index == 0 else None)
            for subject, part in zip(subjects, parts, strict=True)
            for index, envelope in enumerate(part.events)
        ]
        result = await self._batch(messages, " + ".join(subjects))
        results, offset = [], 0
        for part in parts:
            results.append(AppendResult(seqs=result.seqs[offset : offset + len(part.events)]))
            offset += len(part.events)
        return tuple(results)

    async def _append_one(self, subject: str, envelope: EventEnvelope, expected: int) -> AppendResult:
        headers = event_headers(envelope)
        headers[Header.EXPECTED_LAST_SUBJECT_SEQ] = str(expected)
        try:
            ack = await self._js.publish(
                subject, envelope.model_dump_json().encode(), stream=self.stream, headers=headers
            )
        except APIError as exc:
            raise self._api_error(exc.err_code or exc.code, exc.description, subject, expected) from exc
        except _TRANSPORT_ERRORS as exc:
            raise StreamUnavailable(f"append to {subject} not confirmed: {type(exc).__name__}") from exc
        return AppendResult(seqs=(ack.seq,), duplicate=bool(ack.duplicate))

    async def _append_batch(
        self, subject: str, events: Sequence[EventEnvelope], expected: int
    ) -> AppendResult:
        """All events of one command in one JetStream atomic batch: stored together or not at all."""
        return await self._batch(
            [(subject, e, expected if i == 0 else None) for i, e in enumerate(events)], subject
        )

    async def _batch(
        self, messages: Sequence[tuple[str, EventEnvelope, int | None]], where: str
    ) -> AppendResult:
        """One atomic batch of `(subject, envelope, expected last subject seq or None)`."""
        batch_id = f"{messages[0][1].event_id[:36]}-{next(_batch_ids)}"
        last = len(messages)
        first_expected = next(e for _, _, e in messages if e is not None)
        try:
            for position, (subject, envelope, expected) in enumerate(messages, start=1):
                headers = event_headers(envelope)
                headers[Header.BATCH_ID] = batch_id
                headers[Header.BATCH_SEQUENCE] = str(position)
                if expected is not None:
                    headers[Header.EXPECTED_LAST_SUBJECT_SEQ] = str(expected)
                body = envelope.model_dump_json().encode()
                if position < last:
                    await self._nc.publish(subject, body, headers=headers)
                else:
                    headers[Header.BATCH_COMMIT] = "1"
                    reply = await self._nc.request(subject, body, timeout=self._timeout, headers=headers)
        except _TRANSPORT_ERRORS as exc:
            raise StreamUnavailable(f"atomic append to {where} not confirmed: {type(exc).__name__}") from exc
        ack = json.loads(reply.data)
        error = ack.get("error")
        if error:
            raise self._api_error(error.get("err_code"), error.get("description"), where, first_expected)
        first = int(ack["seq"]) - int(ack.get("count", last)) + 1
        return AppendResult(seqs=tuple(range(first, first + last)))

    @staticmethod
    def _api_error(code: int | None, description: str | None, subject: str, expected: int) -> EventStoreError:
        if code == WRONG_LAST_SEQUENCE:
            return ConcurrencyConflict(subject, expected, description or "")
        if code == BATCH_DUPLICATE_MSG_ID:
            return DuplicateAppend(f"events of this command were stored already on {subject}")
        if code in (503, 408):
            return StreamUnavailable(f"append to {subject} not stored: {code} {description}")
        return EventStoreError(f"append to {subject} refused: {code} {description}")

    async def read(self, aggregate_type: str, aggregate_id: str, after_seq: int = 0) -> list[StoredEvent]:
        subject = self._subject(aggregate_type, aggregate_id)
        events: list[StoredEvent] = []
        next_seq = after_seq + 1
        while True:
            try:
                messages, remaining = await self._direct.batch(subject, next_seq)
            except _TRANSPORT_ERRORS as exc:
                raise StreamUnavailable(f"load of {subject} failed: {type(exc).__name__}") from exc
            for msg in messages:
                headers = msg.headers or {}
                seq = int(headers[Header.SEQUENCE])
                events.append(StoredEvent(parse_envelope(msg.data), seq, subject))
                next_seq = seq + 1
            if remaining <= 0 or not messages:
                return events
            await asyncio.sleep(0)
