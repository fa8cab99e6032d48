"""The warehouse's notices: every report fulfilment makes to a role, readable per recipient role
(conflict C14; FUL-4, FUL-5, FUL-7, FUL-12, FUL-14, FUL-15, FUL-19; SM-SHIP: a recall asks the
keeper, by default, to get a parcel back, and its refusal is reported to the C14 roles).

The events name their recipients (`reported_to`, or `to_role` for the daily report), taken from
the service's settings when they were decided; this projection files one notice per event and
recipient role, so "reported to the operations director and the store manager" is something those
roles can read (ListNotices), not a field nobody looks at. A notice keeps a short summary and the
ids needed to look the case up (GetShipment, StockLevels, ...), never a whole report's lines.
A replay rebuilds the same notices (keyed by event id and role) and tells nobody twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, MetaData, String, Table, and_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, fetch_page, upsert
from shop_contracts.aggregates import (
    FULFILMENT_INVENTORY_MONTH,
    FULFILMENT_SHIPMENT,
    FULFILMENT_SHIPPING_DAY,
    FULFILMENT_STOCK_ITEM,
    FULFILMENT_STOCKTAKE,
    FULFILMENT_WAREHOUSE_LOG,
    whole_stream,
)
from shop_contracts.events.fulfilment import (
    AccessoriesMissing,
    DailyShippingReportSubmitted,
    OutboundRefused,
    ShipmentRecallDeclined,
    ShipmentRecallRequested,
    ShipmentResumed,
)
from shop_contracts.events.stock import (
    InboundReceived,
    InboundRejected,
    MonthlyInventoryReportCompiled,
    StockDiscrepancyReported,
    StocktakeCompleted,
    WarehouseCheckRecorded,
)
from shop_contracts.messages import EventData
from shop_contracts.queries.fulfilment import ListNotices

NOTICE_EVENTS: tuple[type[EventData], ...] = (
    OutboundRefused,
    ShipmentResumed,
    ShipmentRecallRequested,
    ShipmentRecallDeclined,
    AccessoriesMissing,
    DailyShippingReportSubmitted,
    InboundReceived,
    InboundRejected,
    StockDiscrepancyReported,
    StocktakeCompleted,
    MonthlyInventoryReportCompiled,
    WarehouseCheckRecorded,
)


def notice_of(data: EventData) -> tuple[tuple[str, ...], str, str, str, dict[str, Any]] | None:
    """(recipient roles, rule, subject, summary, details) of an event that reports to someone."""
    match data:
        case OutboundRefused():
            return (
                data.reported_to,
                "FUL-5",
                data.shipment_id,
                f"outbound of order {data.order_id} refused by {data.keeper}: {data.reason}",
                {"shipment_id": data.shipment_id, "order_id": data.order_id, "reason": data.reason},
            )
        case ShipmentResumed():
            return (
                data.reported_to,
                "FUL-5",
                data.shipment_id,
                f"refused outbound of order {data.order_id} resumed: {data.fixed}",
                {"shipment_id": data.shipment_id, "order_id": data.order_id, "fixed": data.fixed},
            )
        case ShipmentRecallRequested():
            case = f", case {data.case_id}" if data.case_id else ""
            return (
                data.reported_to,
                "SM-SHIP",
                data.shipment_id,
                f"recall shipment of order {data.order_id} ({data.held_in}; {data.reason}{case}): "
                "answer ConfirmShipmentRecalled if the parcel is back, DeclineShipmentRecall if it left",
                {
                    "shipment_id": data.shipment_id,
                    "order_id": data.order_id,
                    "reason": data.reason,
                    "case_id": data.case_id,
                    "held_in": data.held_in,
                },
            )
        case ShipmentRecallDeclined():
            return (
                data.reported_to,
                "SM-SHIP",
                data.shipment_id,
                f"recall of order {data.order_id} declined by {data.keeper} ({data.recall_reason}): "
                f"{data.reason}; it ships",
                {
                    "shipment_id": data.shipment_id,
                    "order_id": data.order_id,
                    "reason": data.reason,
                    "case_id": data.case_id,
                },
            )
        case AccessoriesMissing():
            return (
                data.reported_to,
                "FUL-4",
                data.shipment_id,
                f"order {data.order_id} is missing accessories: {', '.join(data.missing)}",
                {"shipment_id": data.shipment_id, "order_id": data.order_id, "missing": list(data.missing)},
            )
        case DailyShippingReportSubmitted():
            return (
                (data.to_role,),
                "FUL-7",
                data.batch_date.isoformat(),
                f"daily shipping report {data.report_no} of {data.batch_date} submitted by {data.submitted_by}",
                {
                    "batch_date": data.batch_date.isoformat(),
                    "report_no": data.report_no,
                    "to": data.to_manager,
                },
            )
        case InboundReceived() if data.reported_to:
            fields = ", ".join(m.field for m in data.mismatches)
            return (
                data.reported_to,
                "FUL-12",
                data.sku,
                f"lot {data.lot_no} of {data.sku} received with mismatches ({fields}) against note "
                f"{data.delivery_note_no}",
                {"sku": data.sku, "lot_no": data.lot_no, "delivery_note_no": data.delivery_note_no},
            )
        case InboundRejected():
            return (
                data.reported_to,
                "FUL-12",
                data.sku,
                f"inbound lot {data.lot_no} of {data.sku} refused: {data.reason}",
                {"sku": data.sku, "lot_no": data.lot_no, "delivery_note_no": data.delivery_note_no},
            )
        case StockDiscrepancyReported():
            return (
                data.reported_to,
                "FUL-15",
                data.sku,
                f"{data.kind} of {data.quantity} in lot {data.lot_no} of {data.sku}: {data.cause}",
                {"sku": data.sku, "lot_no": data.lot_no, "report_id": data.report_id},
            )
        case StocktakeCompleted():
            return (
                data.reported_to,
                "FUL-15",
                data.quarter,
                f"stocktake {data.quarter}: surplus {data.surplus}, shortage {data.shortage}, "
                f"damage {data.damage}",
                {"stocktake_id": data.stocktake_id, "quarter": data.quarter},
            )
        case MonthlyInventoryReportCompiled():
            return (
                data.reported_to,
                "FUL-14",
                data.month,
                f"monthly inventory report {data.month}: {len(data.lines)} items, "
                f"{len(data.unreconciled)} unreconciled",
                {"month": data.month},
            )
        case WarehouseCheckRecorded() if data.reported_to:
            found = [*data.anomalies, *(f"missing {m}" for m in data.missing_items)]
            if not data.locks_ok:
                found.insert(0, "locks not in order")
            return (
                data.reported_to,
                "FUL-19",
                data.day.isoformat(),
                f"warehouse check {data.point} of {data.day}: {'; '.join(found)}",
                {"day": data.day.isoformat(), "point": data.point},
            )
    return None


class WarehouseNotices(Projection):
    """Reads fulfilment's whole stream and keeps only the events that report to someone: every other
    type (most of the stream) is skipped by its header, never decoded and never dead-lettered."""

    name = "fulfilment_notices"
    sources = (
        FULFILMENT_SHIPMENT,
        FULFILMENT_SHIPPING_DAY,
        FULFILMENT_STOCK_ITEM,
        FULFILMENT_STOCKTAKE,
        FULFILMENT_INVENTORY_MONTH,
        FULFILMENT_WAREHOUSE_LOG,
    )
    filter_subjects = (whole_stream("fulfilment"),)  # the consumer's filter as deployed
    handles = frozenset(m.event_type for m in NOTICE_EVENTS)
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(EventRegistry(list(NOTICE_EVENTS)))

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {
            "notices": Table(
                f"notices{suffix}",
                metadata,
                Column("event_id", String(64), primary_key=True),
                Column("role", String(64), primary_key=True, index=True),
                Column("stream_seq", BigInteger, nullable=False, index=True),
                Column("kind", String(64), nullable=False),
                Column("rule", String(16), nullable=False),
                Column("subject", String(128), nullable=False),
                Column("summary", String(1000), nullable=False),
                Column("details", JSON, nullable=False),
                Column("actor_id", String(128), nullable=False),
                Column("at", UtcDateTime(), nullable=False),
            )
        }

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        notice = notice_of(item.data)
        if notice is None:
            return
        roles, rule, subject, summary, details = notice
        envelope = item.event.envelope
        for role in dict.fromkeys(roles):
            stmt = upsert(conn, tables["notices"]).values(
                event_id=envelope.event_id,
                role=role,
                stream_seq=item.event.stream_seq,
                kind=envelope.event_type,
                rule=rule,
                subject=subject[:128],
                summary=summary[:1000],
                details=details,
                actor_id=envelope.actor.id,
                at=envelope.occurred_at,
            )
            await conn.execute(stmt.on_conflict_do_nothing())


async def list_notices(engine: AsyncEngine, tables: Tables, query: ListNotices) -> dict[str, Any]:
    notices = tables["notices"]
    where = [notices.c.role == query.role]
    if query.kind is not None:
        where.append(notices.c.kind == query.kind)
    stmt = select(notices).where(and_(*where)).order_by(notices.c.stream_seq.desc(), notices.c.event_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "role": query.role,
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "notices": [
            {
                "notice_id": row.event_id,
                "kind": row.kind,
                "rule": row.rule,
                "subject": row.subject,
                "summary": row.summary,
                "details": row.details,
                "by": row.actor_id,
                "at": row.at.isoformat(),
            }
            for row in rows
        ],
    }
