"""The complaint deadlines projection (AS-15, C13: a response within 24 hours).

Fed by the Complaint events, it schedules the response deadline when a complaint is registered
and cancels it when the complaint is responded to or resolved, in the projection's checkpoint
transaction; `jetstream_es.deadlines.DeadlineScheduler` fires it. The due time is the event's own
`respond_by`, so a rebuild schedules the same deadline.
"""

from __future__ import annotations

from sqlalchemy import MetaData, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from aftersales.customers.domain.complaints import RESPONSE_DEADLINE, registry, response_deadline_id
from jetstream_es.deadlines import Deadline, cancel, define_deadlines_table, schedule
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from shop_contracts.aggregates import AFTERSALES_COMPLAINT
from shop_contracts.events.aftersales import ComplaintRegistered, ComplaintResolved, ComplaintResponded


class ComplaintDeadlines(Projection):
    name = "aftersales_complaint_deadlines"
    sources = (AFTERSALES_COMPLAINT,)
    handles = frozenset(m.event_type for m in (ComplaintRegistered, ComplaintResponded, ComplaintResolved))

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {"deadlines": define_deadlines_table(metadata, f"_aftersales{suffix}")}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, data, envelope = tables["deadlines"], item.data, item.event.envelope
        complaint_id = envelope.aggregate_id
        match data:
            case ComplaintRegistered():
                deadline_id = response_deadline_id(complaint_id)
                deadline = Deadline(deadline_id, RESPONSE_DEADLINE, complaint_id, data.respond_by, {})
                await schedule(conn, table, deadline)
            case ComplaintResponded() | ComplaintResolved():
                await cancel(conn, table, response_deadline_id(complaint_id), envelope.occurred_at)
