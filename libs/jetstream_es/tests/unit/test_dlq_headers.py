"""The dead-letter header format, written and read in one module (jetstream_es.dlq; ARCHITECTURE.md
"dead-letter stream"): what `dead_letter_headers` builds, `parse_dead_letter` reads back."""

from __future__ import annotations

from datetime import UTC, datetime

from jetstream_es.dlq import MAX_ERROR, dead_letter_headers, original_headers, parse_dead_letter
from shop_contracts.headers import Header

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
DELIVERED = {
    Header.EVENT_TYPE: "CounterIncremented",
    Header.SCHEMA_VERSION: "1",
    Header.MSG_ID: "evt-7",
    Header.SEQUENCE: "41",
    "Nats-Stream": "SAMPLE",
}


def build(**changes: object) -> dict[str, str]:
    fields: dict[str, object] = {
        "reason": "handler_failed",
        "error": "ValueError('boom')",
        "stream": "SAMPLE",
        "subject": "sample.events.Counter.c-1",
        "stream_seq": 41,
        "consumer": "sample-counter-totals",
        "service": "sample",
        "attempts": 5,
        "at": AT,
        **changes,
    }
    return dead_letter_headers(DELIVERED, **fields)  # type: ignore[arg-type]


def test_a_dead_letter_reads_back_what_was_written_about_it() -> None:
    letter = parse_dead_letter(12, build(), b"{}")
    assert (letter.dlq_seq, letter.service, letter.consumer) == (12, "sample", "sample-counter-totals")
    assert (letter.reason, letter.error, letter.attempts) == ("handler_failed", "ValueError('boom')", 5)
    assert (letter.stream, letter.subject, letter.stream_seq) == ("SAMPLE", "sample.events.Counter.c-1", 41)
    assert letter.at == AT.isoformat()
    assert letter.event_type == "CounterIncremented"
    assert letter.data == b"{}"


def test_the_message_keeps_its_own_headers_but_not_jetstreams_and_its_id_moves_aside() -> None:
    headers = build()
    assert not {Header.SEQUENCE, "Nats-Stream"} & headers.keys(), "JetStream's headers are dropped"
    assert headers[Header.DLQ_ORIGINAL_MSG_ID] == "evt-7"
    assert headers[Header.MSG_ID] == "dlq-SAMPLE-41-sample-counter-totals", "parking twice is one letter"
    assert original_headers(headers) == {
        Header.EVENT_TYPE: "CounterIncremented",
        Header.SCHEMA_VERSION: "1",
        Header.MSG_ID: "dlq-SAMPLE-41-sample-counter-totals",
    }


def test_a_long_error_is_cut_and_a_message_without_headers_still_parks() -> None:
    assert len(build(error="x" * (MAX_ERROR + 500))[Header.DLQ_ERROR]) == MAX_ERROR
    bare = dead_letter_headers(
        None,
        reason="undecodable",
        error="bad json",
        stream="SAMPLE",
        subject="sample.events.Counter.c-2",
        stream_seq=3,
        consumer="c",
        service="sample",
        attempts=1,
        at=AT,
    )
    assert Header.DLQ_ORIGINAL_MSG_ID not in bare
    assert parse_dead_letter(1, bare, b"").event_type is None


def test_every_header_name_is_one_member_of_the_enum() -> None:
    names = [member.value for member in Header]
    assert len(names) == len(set(names))
    assert all(isinstance(key, Header) for key in build() if key not in DELIVERED)
