"""The complaint, customer-flag and review read models: one row per complaint with its state (SM-CMP),
response deadline and overdue mark (AS-15), escalation (AS-19) and resolution; one row per
customer with the state of the inferior-customer flag (SM-CUST-FLAG, AS-18); one row per negative
review, pending a reply or replied (AS-16)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from aftersales.customers.domain import complaints, flags
from aftersales.customers.domain.contacts import REVIEW
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.aggregates import AFTERSALES_COMPLAINT, AFTERSALES_CUSTOMER_FLAG, AFTERSALES_REVIEW
from shop_contracts.events.aftersales import (
    ComplaintEscalated,
    ComplaintRegistered,
    ComplaintResolved,
    ComplaintResponded,
    ComplaintResponseOverdue,
    CustomerFlagConfirmed,
    CustomerFlagProposed,
    CustomerFlagRejected,
    NegativeReviewRecorded,
    ReviewReplied,
)
from shop_contracts.messages import EventData
from shop_contracts.queries.aftersales import ComplaintStatus as S
from shop_contracts.queries.aftersales import CustomerFlagStatus as F
from shop_contracts.queries.aftersales import ReviewStatus as R


def complaint_changes(data: EventData) -> dict[str, Any]:
    """The columns an event changes on its complaint's row (status of a response depends on the row)."""
    match data:
        case ComplaintResponded():
            return {"responded_at": data.responded_at, "responded_by": data.responded_by}
        case ComplaintResponseOverdue():
            return {"overdue": True}
        case ComplaintEscalated():
            return {"status": S.ESCALATED.value, "escalated_at": data.escalated_at}
        case ComplaintResolved():
            return {
                "status": S.RESOLVED.value,
                "resolved_at": data.resolved_at,
                "resolution": data.resolution,
            }
    return {}


class ComplaintViews(Projection):
    name = "aftersales_complaint_views"
    sources = (AFTERSALES_COMPLAINT,)
    handles = complaints.registry.event_types

    def __init__(self) -> None:
        super().__init__(complaints.registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"complaints{suffix}",
            metadata,
            Column("complaint_id", String(64), primary_key=True),
            Column("customer_id", String(64), nullable=False, index=True),
            Column("order_id", String(64), nullable=True),
            Column("channel", String(32), nullable=False),
            Column("subject", String(1000), nullable=False),
            Column("status", String(16), nullable=False, index=True),
            Column("registered_by", String(128), nullable=False),
            Column("registered_at", UtcDateTime(), nullable=False, index=True),
            Column("respond_by", UtcDateTime(), nullable=False),
            Column("responded_at", UtcDateTime(), nullable=True),
            Column("responded_by", String(128), nullable=True),
            Column("overdue", Boolean, nullable=False),
            Column("escalated_at", UtcDateTime(), nullable=True),
            Column("resolved_at", UtcDateTime(), nullable=True),
            Column("resolution", String(2000), nullable=True),
            Column("updated_at", UtcDateTime(), nullable=False),
            Column("version", Integer, nullable=False),
        )
        return {"complaints": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["complaints"], item.event.envelope, item.data
        complaint_id, at = envelope.aggregate_id, envelope.occurred_at
        if isinstance(data, ComplaintRegistered):
            row = upsert(conn, table).values(
                complaint_id=complaint_id,
                customer_id=data.customer_id,
                order_id=data.order_id,
                channel=data.channel,
                subject=data.subject,
                status=S.OPEN.value,
                registered_by=data.registered_by,
                registered_at=data.registered_at,
                respond_by=data.respond_by,
                overdue=False,
                updated_at=at,
                version=envelope.version,
            )
            await conn.execute(row.on_conflict_do_nothing())
            return
        values = complaint_changes(data)
        where = table.c.complaint_id == complaint_id
        if isinstance(data, ComplaintResponded):
            # Open → Responded; an escalated complaint stays escalated (SM-CMP).
            await conn.execute(
                table.update().where(where, table.c.status == S.OPEN.value).values(status=S.RESPONDED.value)
            )
        await conn.execute(
            table.update().where(where).values(updated_at=at, version=envelope.version, **values)
        )


class CustomerFlagViews(Projection):
    name = "aftersales_customer_flag_views"
    sources = (AFTERSALES_CUSTOMER_FLAG,)
    handles = flags.registry.event_types

    def __init__(self) -> None:
        super().__init__(flags.registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"customer_flags{suffix}",
            metadata,
            Column("customer_id", String(64), primary_key=True),
            Column("status", String(16), nullable=False, index=True),
            Column("reason", String(1000), nullable=False),
            Column("proposed_by", String(128), nullable=False),
            Column("proposed_at", UtcDateTime(), nullable=False),
            Column("decided_by", String(128), nullable=True),
            Column("decided_at", UtcDateTime(), nullable=True),
            Column("note", String(1000), nullable=True),
            Column("updated_at", UtcDateTime(), nullable=False, index=True),
            Column("version", Integer, nullable=False),
        )
        return {"flags": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["flags"], item.event.envelope, item.data
        values: dict[str, Any]
        match data:
            case CustomerFlagProposed():
                values = {
                    "status": F.PROPOSED.value,
                    "reason": data.reason,
                    "proposed_by": data.proposed_by,
                    "proposed_at": data.proposed_at,
                    "decided_by": None,
                    "decided_at": None,
                    "note": None,
                }
            case CustomerFlagConfirmed():
                values = {
                    "status": F.CONFIRMED.value,
                    "decided_by": data.confirmed_by,
                    "decided_at": data.confirmed_at,
                    "note": data.note,
                }
            case CustomerFlagRejected():
                values = {
                    "status": F.DISMISSED.value,
                    "decided_by": data.rejected_by,
                    "decided_at": data.rejected_at,
                    "note": data.note,
                }
            case _:
                return
        row = {"updated_at": envelope.occurred_at, "version": envelope.version, **values}
        stale = table.c.version < envelope.version
        if isinstance(data, CustomerFlagProposed):
            # A dismissed flag may be proposed again: the row starts over (SM-CUST-FLAG).
            stmt = upsert(conn, table).values(customer_id=envelope.aggregate_id, **row)
            await conn.execute(
                stmt.on_conflict_do_update(index_elements=[table.c.customer_id], set_=row, where=stale)
            )
            return
        await conn.execute(
            table.update().where(table.c.customer_id == envelope.aggregate_id, stale).values(**row)
        )


class ReviewViews(Projection):
    name = "aftersales_review_views"
    sources = (AFTERSALES_REVIEW,)
    handles = REVIEW.registry.event_types

    def __init__(self) -> None:
        super().__init__(REVIEW.registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"reviews{suffix}",
            metadata,
            Column("review_id", String(64), primary_key=True),
            Column("customer_id", String(64), nullable=False, index=True),
            Column("order_id", String(64), nullable=True),
            Column("rating", Integer, nullable=False),
            Column("excerpt", String(2000), nullable=False),
            Column("status", String(16), nullable=False, index=True),
            Column("recorded_by", String(128), nullable=False),
            Column("recorded_at", UtcDateTime(), nullable=False, index=True),
            Column("wangwang_id", String(128), nullable=True),
            Column("facts_checked", String(2000), nullable=True),
            Column("reply", String(2000), nullable=True),
            Column("replied_by", String(128), nullable=True),
            Column("replied_at", UtcDateTime(), nullable=True),
            Column("updated_at", UtcDateTime(), nullable=False),
            Column("version", Integer, nullable=False),
        )
        return {"reviews": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["reviews"], item.event.envelope, item.data
        if isinstance(data, NegativeReviewRecorded):
            row = upsert(conn, table).values(
                review_id=envelope.aggregate_id,
                customer_id=data.customer_id,
                order_id=data.order_id,
                rating=data.rating,
                excerpt=data.excerpt,
                status=R.PENDING_REPLY.value,
                recorded_by=data.recorded_by,
                recorded_at=data.recorded_at,
                updated_at=envelope.occurred_at,
                version=envelope.version,
            )
            await conn.execute(row.on_conflict_do_nothing())
        elif isinstance(data, ReviewReplied):
            await conn.execute(
                table.update()
                .where(table.c.review_id == envelope.aggregate_id, table.c.version < envelope.version)
                .values(
                    status=R.REPLIED.value,
                    wangwang_id=data.wangwang_id,
                    facts_checked=data.facts_checked,
                    reply=data.reply,
                    replied_by=data.replied_by,
                    replied_at=data.replied_at,
                    updated_at=envelope.occurred_at,
                    version=envelope.version,
                )
            )
