"""Reading the streams for operators: stream and consumer state, consumer lag, decoded events.

Lag (for health checks): per durable consumer, messages not yet delivered (`pending`), delivered
but not acknowledged (`ack_pending`), redeliveries, and `seconds_behind`: the age of the oldest
message it has not acknowledged yet (0 when it has acknowledged everything).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError

from jetstream_es.jetstream.direct_get import DirectGetClient
from shop_contracts.headers import Header
from shop_contracts.subjects import SERVICES, stream_name


def parse_nats_time(value: str | None) -> datetime | None:
    """`2026-03-02T01:00:00.123456789Z` (nanoseconds) as an aware datetime."""
    if not value:
        return None
    text = value.rstrip("Z")
    if "." in text:
        head, frac = text.split(".", 1)
        text = f"{head}.{frac[:6]}"
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        return None


def _when(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


async def stream_report(nc: Client) -> list[dict[str, Any]]:
    js = nc.jetstream()
    report = []
    for info in sorted(await js.streams_info(), key=lambda i: i.config.name or ""):
        name = info.config.name or ""
        state = info.state
        consumers = [c.name for c in await js.consumers_info(name)]
        raw = await nc.request(f"$JS.API.STREAM.INFO.{name}", b"", timeout=5)
        times = json.loads(raw.data).get("state", {})  # nats-py's StreamState drops the times
        report.append(
            {
                "stream": name,
                "subjects": list(info.config.subjects or []),
                "messages": int(state.messages or 0),
                "bytes": int(state.bytes or 0),
                "first_seq": int(state.first_seq or 0),
                "first_time": _when(times.get("first_ts")) if state.messages else None,
                "last_seq": int(state.last_seq or 0),
                "last_time": _when(times.get("last_ts")) if state.last_seq else None,
                "consumers": sorted(consumers),
            }
        )
    return report


@dataclass(frozen=True)
class ConsumerLag:
    stream: str
    consumer: str
    filter: str
    pending: int
    ack_pending: int
    redelivered: int
    ack_floor: int
    seconds_behind: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def _first_unacked_time(nc: Client, stream: str, after: int, filters: list[str]) -> datetime | None:
    direct = DirectGetClient(nc, stream)
    try:
        earliest: tuple[int, datetime] | None = None
        for subject in filters or [">"]:
            msgs, _ = await direct.request({"seq": after + 1, "batch": 1, "next_by_subj": subject})
            if not msgs:
                continue
            headers = msgs[0].headers or {}
            seq = int(headers.get(Header.SEQUENCE, "0"))
            when = parse_nats_time(headers.get(Header.TIME_STAMP))
            if when is not None and (earliest is None or seq < earliest[0]):
                earliest = (seq, when)
        return earliest[1] if earliest else None
    finally:
        await direct.stop()


async def consumer_lag(nc: Client, now: datetime | None = None) -> list[ConsumerLag]:
    js = nc.jetstream()
    now = now or datetime.now(UTC)
    result = []
    for info in sorted(await js.streams_info(), key=lambda i: i.config.name or ""):
        stream = info.config.name or ""
        for consumer in sorted(await js.consumers_info(stream), key=lambda c: c.name):
            config = consumer.config
            filters = list(
                config.filter_subjects or ([config.filter_subject] if config.filter_subject else [])
            )
            pending = int(consumer.num_pending or 0)
            ack_pending = int(consumer.num_ack_pending or 0)
            floor = int(consumer.ack_floor.stream_seq or 0) if consumer.ack_floor else 0
            behind = 0.0
            if pending + ack_pending > 0:
                oldest = await _first_unacked_time(nc, stream, floor, filters)
                behind = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
            result.append(
                ConsumerLag(
                    stream=stream,
                    consumer=consumer.name,
                    filter=", ".join(filters) or ">",
                    pending=pending,
                    ack_pending=ack_pending,
                    redelivered=int(consumer.num_redelivered or 0),
                    ack_floor=floor,
                    seconds_behind=round(behind, 3),
                )
            )
    return result


def decode_event(msg_headers: dict[str, str], data: bytes, subject: str, seq: int) -> dict[str, Any]:
    """One stored event as an operator reads it (the envelope, or the raw body if it is none)."""
    row: dict[str, Any] = {"seq": seq, "subject": subject}
    try:
        envelope = json.loads(data)
    except ValueError:
        return {
            **row,
            "event_type": msg_headers.get(Header.EVENT_TYPE),
            "raw": data.decode("utf-8", "replace"),
        }
    if not isinstance(envelope, dict):
        return {**row, "event_type": msg_headers.get(Header.EVENT_TYPE), "raw": envelope}
    return {
        **row,
        "event_type": envelope.get("event_type", msg_headers.get(Header.EVENT_TYPE)),
        "aggregate": envelope.get("aggregate_type"),
        "aggregate_id": envelope.get("aggregate_id"),
        "version": envelope.get("version"),
        "occurred_at": envelope.get("occurred_at"),
        "actor": (envelope.get("actor") or {}).get("id"),
        "event_id": envelope.get("event_id"),
        "data": envelope.get("data"),
    }


def decode_msg(msg: Msg) -> dict[str, Any]:
    headers = dict(msg.headers or {})
    if Header.SEQUENCE in headers:
        seq, subject = int(headers[Header.SEQUENCE]), headers.get(Header.SUBJECT, msg.subject)
    else:
        seq, subject = int(msg.metadata.sequence.stream), msg.subject
    return decode_event(headers, msg.data, subject, seq)


async def read_subject(nc: Client, stream: str, subject: str, batch: int = 500) -> list[Msg]:
    """Every message of `stream` on `subject` (wildcards allowed), oldest first."""
    direct = DirectGetClient(nc, stream)
    found: list[Msg] = []
    try:
        seq = 1
        while True:
            msgs, remaining = await direct.request({"seq": seq, "batch": batch, "next_by_subj": subject})
            found.extend(msgs)
            if not msgs or remaining <= 0:
                return found
            seq = int((msgs[-1].headers or {})[Header.SEQUENCE]) + 1
    finally:
        await direct.stop()


async def aggregate_history(
    nc: Client, aggregate_id: str, service: str | None = None, aggregate: str | None = None
) -> list[dict[str, Any]]:
    js = nc.jetstream()
    rows: list[dict[str, Any]] = []
    for name in [service] if service else list(SERVICES):
        stream = stream_name(name)
        try:
            await js.stream_info(stream)
        except NotFoundError:
            continue
        subject = f"{name}.events.{aggregate or '*'}.{aggregate_id}"
        rows += [decode_msg(m) for m in await read_subject(nc, stream, subject)]
    return rows
