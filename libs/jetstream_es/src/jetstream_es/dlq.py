"""The dead-letter queue: what a projection could not apply, and what operators did about it.

A dead letter is a message on `dlq.<service>.<consumer>` in the `DLQ` stream (published by the
projection runner, see projection.py: the original body and headers plus `Dlq-Reason`,
`Dlq-Error`, `Dlq-Stream`, `Dlq-Subject`, `Dlq-Sequence`, `Dlq-Consumer`, `Dlq-Service`,
`Dlq-Attempts`, `Dlq-At`, `Dlq-Original-Msg-Id`). Its header format lives here alone:
`dead_letter_headers` builds it and `parse_dead_letter` reads it back; the names are
`shop_contracts.headers.Header` members. Nothing is deleted from the DLQ: a dead letter is resolved by a
resolution message on `dlq.<service>.<consumer>.resolved` naming it (`Dlq-Resolves`: its DLQ
sequence), `retried` (applied after a fix, by the owning service) or `dropped` (with the
operator's reason). A dead letter is resolved at most once; its resolution says who, when, why.

Every time in a dead letter is the owning service's clock (the injected `Clock`, simulated or
not): `Dlq-At` is stamped by its projection runner, `Dlq-Resolved-At` by its `RetryDeadLetter`
endpoint or, for a drop, taken from its `Health` answer by `shopctl`; `resolve` has no wall-clock
default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nats.aio.client import Client

from jetstream_es.jetstream.direct_get import DirectGetClient
from shop_contracts.headers import DLQ_PREFIX, NATS_PREFIX, Header
from shop_contracts.subjects import DLQ_STREAM, dlq_subject

RESOLVED_TOKEN = "resolved"
DEAD_LETTERS = "dlq.*.*"
RESOLUTIONS = f"dlq.*.*.{RESOLVED_TOKEN}"
MAX_ERROR = 2000
"""Characters of an error (or a drop's reason) kept in a header."""


class DeadLetterError(Exception):
    """An operator's request about a dead letter that cannot be done (unknown, resolved already)."""


def resolution_subject(service: str, consumer: str) -> str:
    return f"{dlq_subject(service, consumer)}.{RESOLVED_TOKEN}"


@dataclass(frozen=True)
class Resolution:
    dlq_seq: int
    action: str
    reason: str
    by: str
    at: str
    seq: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "reason": self.reason,
            "by": self.by,
            "at": self.at,
            "resolution_seq": self.seq,
        }


@dataclass(frozen=True)
class DeadLetter:
    """One parked message: where it came from, why it failed, and its resolution if any."""

    dlq_seq: int
    service: str
    consumer: str
    reason: str
    error: str
    stream: str
    subject: str
    stream_seq: int
    attempts: int
    at: str
    event_type: str | None
    headers: dict[str, str]
    data: bytes
    resolution: Resolution | None = field(default=None)

    @property
    def status(self) -> str:
        return "open" if self.resolution is None else self.resolution.action

    def summary(self) -> dict[str, Any]:
        return {
            "dlq_seq": self.dlq_seq,
            "status": self.status,
            "service": self.service,
            "consumer": self.consumer,
            "event_type": self.event_type,
            "subject": self.subject,
            "stream": self.stream,
            "stream_seq": self.stream_seq,
            "reason": self.reason,
            "error": self.error,
            "attempts": self.attempts,
            "at": self.at,
            "resolution": self.resolution.as_dict() if self.resolution else None,
        }

    def as_dict(self) -> dict[str, Any]:
        body = self.data.decode("utf-8", errors="replace")
        return {**self.summary(), "headers": self.headers, "body": body}


def dead_letter_headers(
    original: Mapping[str, str] | None,
    *,
    reason: str,
    error: str,
    stream: str,
    subject: str,
    stream_seq: int,
    consumer: str,
    service: str,
    attempts: int,
    at: datetime,
) -> dict[str, str]:
    """The headers of a dead letter: the message's own (without JetStream's), why and from where it
    was parked, and a message id that makes parking the same delivery twice one dead letter."""
    original = original or {}
    headers = {k: v for k, v in original.items() if not k.startswith(NATS_PREFIX)}
    headers.update(
        {
            Header.DLQ_REASON: reason,
            Header.DLQ_ERROR: error[:MAX_ERROR],
            Header.DLQ_STREAM: stream,
            Header.DLQ_SUBJECT: subject,
            Header.DLQ_SEQUENCE: str(stream_seq),
            Header.DLQ_CONSUMER: consumer,
            Header.DLQ_SERVICE: service,
            Header.DLQ_ATTEMPTS: str(attempts),
            Header.DLQ_AT: at.isoformat(),
            Header.MSG_ID: f"dlq-{stream}-{stream_seq}-{consumer}",
        }
    )
    if original.get(Header.MSG_ID):
        headers[Header.DLQ_ORIGINAL_MSG_ID] = original[Header.MSG_ID]
    return headers


def parse_dead_letter(seq: int, headers: Mapping[str, str], data: bytes) -> DeadLetter:
    """The dead letter at DLQ sequence `seq`, read from the headers `dead_letter_headers` built."""
    return DeadLetter(
        dlq_seq=seq,
        service=headers.get(Header.DLQ_SERVICE, ""),
        consumer=headers.get(Header.DLQ_CONSUMER, ""),
        reason=headers.get(Header.DLQ_REASON, ""),
        error=headers.get(Header.DLQ_ERROR, ""),
        stream=headers.get(Header.DLQ_STREAM, ""),
        subject=headers.get(Header.DLQ_SUBJECT, ""),
        stream_seq=int(headers.get(Header.DLQ_SEQUENCE, "0") or 0),
        attempts=int(headers.get(Header.DLQ_ATTEMPTS, "0") or 0),
        at=headers.get(Header.DLQ_AT, ""),
        event_type=headers.get(Header.EVENT_TYPE),
        headers={k: v for k, v in headers.items() if not k.startswith(NATS_PREFIX)},
        data=data,
    )


def original_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The dead letter's headers as the projection first saw them (without the `Dlq-` ones)."""
    return {k: v for k, v in headers.items() if not k.startswith(DLQ_PREFIX)}


async def _scan(nc: Client, subject: str, batch: int = 500) -> list[tuple[int, dict[str, str], bytes]]:
    direct = DirectGetClient(nc, DLQ_STREAM)
    found: list[tuple[int, dict[str, str], bytes]] = []
    try:
        seq = 1
        while True:
            msgs, remaining = await direct.request({"seq": seq, "batch": batch, "next_by_subj": subject})
            for msg in msgs:
                headers = dict(msg.headers or {})
                found.append((int(headers[Header.SEQUENCE]), headers, msg.data))
            if not msgs or remaining <= 0:
                return found
            seq = found[-1][0] + 1
    finally:
        await direct.stop()


async def resolutions(nc: Client) -> dict[int, Resolution]:
    result: dict[int, Resolution] = {}
    for seq, headers, _data in await _scan(nc, RESOLUTIONS):
        resolves = int(headers.get(Header.DLQ_RESOLVES, "0") or 0)
        result.setdefault(
            resolves,
            Resolution(
                dlq_seq=resolves,
                action=headers.get(Header.DLQ_RESOLUTION, ""),
                reason=headers.get(Header.DLQ_RESOLUTION_REASON, ""),
                by=headers.get(Header.DLQ_RESOLVED_BY, ""),
                at=headers.get(Header.DLQ_RESOLVED_AT, ""),
                seq=seq,
            ),
        )
    return result


async def dead_letters(nc: Client, *, service: str | None = None) -> list[DeadLetter]:
    """Every dead letter (of `service`, if given), oldest first, each with its resolution."""
    resolved = await resolutions(nc)
    subject = f"dlq.{service}.*" if service else DEAD_LETTERS
    letters = []
    for seq, headers, data in await _scan(nc, subject):
        letters.append(
            dataclasses.replace(parse_dead_letter(seq, headers, data), resolution=resolved.get(seq))
        )
    return letters


async def dead_letter(nc: Client, dlq_seq: int) -> DeadLetter:
    """The dead letter at `dlq_seq` with its resolution; DeadLetterError when there is none."""
    direct = DirectGetClient(nc, DLQ_STREAM)
    try:
        msgs, _ = await direct.request({"seq": dlq_seq, "batch": 1, "next_by_subj": DEAD_LETTERS})
    finally:
        await direct.stop()
    if not msgs or int((msgs[0].headers or {}).get(Header.SEQUENCE, "0")) != dlq_seq:
        raise DeadLetterError(f"no dead letter at DLQ sequence {dlq_seq}")
    letter = parse_dead_letter(dlq_seq, dict(msgs[0].headers or {}), msgs[0].data)
    resolution = (await resolutions(nc)).get(dlq_seq)
    return dataclasses.replace(letter, resolution=resolution)


async def resolve(
    nc: Client, letter: DeadLetter, action: str, reason: str, by: str, *, at: datetime
) -> Resolution:
    """Record that `letter` was retried or dropped. Refused when it is resolved already."""
    if action not in ("retried", "dropped"):
        raise ValueError(f"unknown resolution {action!r}")
    if action == "dropped" and not reason.strip():
        raise DeadLetterError("dropping a dead letter needs a reason (it is recorded)")
    current = (await resolutions(nc)).get(letter.dlq_seq)
    if current is not None:
        raise DeadLetterError(
            f"dead letter {letter.dlq_seq} was {current.action} already ({current.at} by {current.by})"
        )
    when = at.isoformat()
    headers: dict[str, str] = {
        Header.DLQ_RESOLVES: str(letter.dlq_seq),
        Header.DLQ_RESOLUTION: action,
        Header.DLQ_RESOLUTION_REASON: reason[:MAX_ERROR],
        Header.DLQ_RESOLVED_BY: by,
        Header.DLQ_RESOLVED_AT: when,
        Header.MSG_ID: f"dlq-resolution-{letter.dlq_seq}",
    }
    ack = await nc.jetstream().publish(
        resolution_subject(letter.service, letter.consumer), b"", headers=headers, stream=DLQ_STREAM
    )
    if getattr(ack, "duplicate", False):
        raise DeadLetterError(f"dead letter {letter.dlq_seq} was resolved already (just now)")
    return Resolution(letter.dlq_seq, action, reason, by, when, int(ack.seq))
