"""The shipping read models (SM-SHIP, SM-SHIP-BATCH; FUL-1..FUL-11): one row per shipment with its
documents, stock, accessories and tracking; one row per shipping day; the history of both.

The day shows `Dispatching` once it is handed to the warehouse and a shipment of it has been
dispatched (SM-SHIP-BATCH); the aggregate itself does not need that state. A shipment's
`batch_date` is the day whose list it is on (set again when it joins the next day), so the day's
shipments are read by that column one page at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from fulfilment.shipping.domain.events import (
    OrderFactNoted,
    ShipmentDetailsCorrected,
    ShipmentDocumentsAssigned,
    ShipmentJoinedDay,
    ShipmentStockNoted,
)
from fulfilment.shipping.domain.shipment import registry as shipment_registry
from fulfilment.shipping.domain.shipping_day import registry as day_registry
from jetstream_es.events import EventRegistry
from jetstream_es.history import define_history_table, record_event
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.aggregates import FULFILMENT_SHIPMENT, FULFILMENT_SHIPPING_DAY
from shop_contracts.events.fulfilment import (
    AccessoriesChecked,
    AccessoriesMissing,
    CourierExceptionReported,
    CourierExceptionResolved,
    DailyShippingReportFilled,
    DailyShippingReportGenerated,
    DailyShippingReportSubmitted,
    OrderQueuedForShipping,
    OutboundRefused,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentInTransit,
    ShipmentRecallConfirmed,
    ShipmentRecallDeclined,
    ShipmentRecallRequested,
    ShipmentResumed,
    ShipmentStamped,
    ShippingDocumentsPrinted,
    ShippingPacketHandedOver,
)
from shop_contracts.queries.fulfilment import ShipmentStatus as S
from shop_contracts.queries.fulfilment import ShippingDayStatus as D


def define_views(metadata: MetaData, suffix: str) -> dict[str, Table]:
    shipments = Table(
        f"shipments{suffix}",
        metadata,
        Column("shipment_id", String(128), primary_key=True),
        Column("order_id", String(128), nullable=False, index=True),
        Column("status", String(32), nullable=False, index=True),
        Column("batch_date", Date, nullable=True, index=True),
        Column("details", JSON, nullable=False),
        Column("report_no", String(64), nullable=True),
        Column("waybill_no", String(64), nullable=True),
        Column("outbound_note_no", String(64), nullable=True),
        Column("invoice_no", String(64), nullable=True),
        Column("stock", String(16), nullable=False),
        Column("keeper", String(128), nullable=True),
        Column("carrier", String(64), nullable=True),
        Column("queued_at", UtcDateTime(), nullable=True),
        Column("dispatched_at", UtcDateTime(), nullable=True),
        Column("stamped_at", UtcDateTime(), nullable=True),
        Column("delivered_at", UtcDateTime(), nullable=True),
        Column("updated_at", UtcDateTime(), nullable=False),
        Column("version", Integer, nullable=False),
    )
    days = Table(
        f"shipping_days{suffix}",
        metadata,
        Column("batch_date", Date, primary_key=True),
        Column("status", String(32), nullable=False),
        Column("report_no", String(64), nullable=True),
        Column("details", JSON, nullable=False),
        Column("generated_at", UtcDateTime(), nullable=True),
        Column("handed_over_at", UtcDateTime(), nullable=True),
        Column("filled_at", UtcDateTime(), nullable=True),
        Column("submitted_at", UtcDateTime(), nullable=True),
        Column("updated_at", UtcDateTime(), nullable=False),
        Column("version", Integer, nullable=False),
    )
    return {
        "shipments": shipments,
        "days": days,
        "shipment_history": define_history_table(metadata, f"shipment_history{suffix}", "shipment_id"),
        "day_history": define_history_table(metadata, f"shipping_day_history{suffix}", "day_id"),
    }


# One small function per event type, what it changes on the row (`values`) and its JSON details;
# the projection looks the function up by event type.


def _shipment_order_fact_noted(data: OrderFactNoted, values: dict[str, Any], details: dict[str, Any]) -> None:
    details["facts"] = sorted({*details["facts"], data.fact})
    if data.fact == "placed":
        details["lines"] = [line.model_dump(mode="json") for line in data.lines]
        details["shipping"] = data.shipping.model_dump(mode="json") if data.shipping else None
        details["amount"] = str(data.amount) if data.amount is not None else None
    if data.fact == "remarked":
        details["logistics_method"] = data.logistics_method
        details["requirements"] = data.requirements


def _shipment_shipment_details_corrected(
    data: ShipmentDetailsCorrected, values: dict[str, Any], details: dict[str, Any]
) -> None:
    details["lines"] = [line.model_dump(mode="json") for line in data.lines]
    details["shipping"] = data.shipping.model_dump(mode="json") if data.shipping else None
    details["corrected"] = [*details.get("corrected", []), *data.fields]


def _shipment_order_queued_for_shipping(
    data: OrderQueuedForShipping, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=S.QUEUED.value, batch_date=data.batch_date, queued_at=data.queued_at)


def _shipment_shipment_documents_assigned(
    data: ShipmentDocumentsAssigned, values: dict[str, Any], details: dict[str, Any]
) -> None:
    if values["status"] == S.QUEUED.value:
        values["status"] = S.IN_PACKET.value
    values.update(
        batch_date=data.batch_date,
        report_no=data.report_no,
        waybill_no=data.waybill_no,
        outbound_note_no=data.outbound_note_no,
        invoice_no=data.invoice_no,
    )


def _shipment_shipment_stock_noted(
    data: ShipmentStockNoted, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values["stock"] = "reserved" if data.reserved else "short"
    details["short"] = [line.model_dump(mode="json") for line in data.short]


def _shipment_accessories_checked(
    data: AccessoriesChecked, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=S.ACCESSORIES_CHECKED.value, keeper=data.keeper)
    details["checklist"], details["missing"] = list(data.checklist), []


def _shipment_accessories_missing(
    data: AccessoriesMissing, values: dict[str, Any], details: dict[str, Any]
) -> None:
    details["checklist"], details["missing"] = list(data.checklist), list(data.missing)


def _shipment_outbound_refused(
    data: OutboundRefused, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=S.REFUSED.value, keeper=data.keeper)
    details["refusal"] = {
        "reason": data.reason,
        "reported_to": list(data.reported_to),
        "at": data.refused_at.isoformat(),
        "resumed": None,
    }


def _shipment_shipment_resumed(
    data: ShipmentResumed, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values["status"] = data.resumed_to
    refusal = dict(details.get("refusal") or {"reason": data.refusal_reason})
    refusal["resumed"] = {
        "fixed": data.fixed,
        "by": data.handed_over_by,
        "to_keeper": data.to_keeper,
        "at": data.resumed_at.isoformat(),
    }
    details["refusal"] = refusal


def _shipment_shipment_dispatched(
    data: ShipmentDispatched, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(
        status=S.DISPATCHED.value,
        carrier=data.carrier,
        keeper=data.keeper,
        dispatched_at=data.dispatched_at,
    )


def _shipment_shipment_stamped(
    data: ShipmentStamped, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=S.STAMPED.value, keeper=data.keeper, stamped_at=data.stamped_at)
    details["stamp"] = data.stamp


def _shipment_shipment_in_transit(
    data: ShipmentInTransit, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values["status"] = S.IN_TRANSIT.value
    details["tracking"] = [
        *details["tracking"],
        {"location": data.location, "at": data.scanned_at.isoformat()},
    ]


def _shipment_shipment_delivered(
    data: ShipmentDelivered, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=S.DELIVERED.value, delivered_at=data.delivered_at)


def _shipment_courier_exception_reported(
    data: CourierExceptionReported, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values["status"] = S.EXCEPTION.value
    details["exceptions"] = [
        *details["exceptions"],
        {
            "kind": data.kind,
            "note": data.note,
            "reported_by": data.reported_by,
            "reported_at": data.reported_at.isoformat(),
            "resolved": None,
        },
    ]


def _shipment_courier_exception_resolved(
    data: CourierExceptionResolved, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values["status"] = S.DELIVERED.value if data.outcome == "delivered" else S.IN_TRANSIT.value
    if details["exceptions"]:
        last = dict(details["exceptions"][-1])
        last["resolved"] = {
            "outcome": data.outcome,
            "note": data.note,
            "at": data.resolved_at.isoformat(),
        }
        details["exceptions"] = [*details["exceptions"][:-1], last]


def _shipment_shipment_recall_requested(
    data: ShipmentRecallRequested, values: dict[str, Any], details: dict[str, Any]
) -> None:
    details["recall"] = {
        "status": "open",
        "reason": data.reason,
        "case_id": data.case_id,
        "held_in": data.held_in,
        "asked": list(data.reported_to),
        "at": data.requested_at.isoformat(),
        "answer": None,
    }


def _shipment_shipment_recall_confirmed(
    data: ShipmentRecallConfirmed, values: dict[str, Any], details: dict[str, Any]
) -> None:
    recall = dict(details.get("recall") or {})
    recall.update(
        status="recalled",
        answer={"by": data.keeper, "note": data.note, "at": data.confirmed_at.isoformat()},
    )
    details["recall"] = recall


def _shipment_shipment_recall_declined(
    data: ShipmentRecallDeclined, values: dict[str, Any], details: dict[str, Any]
) -> None:
    recall = dict(details.get("recall") or {"reason": data.recall_reason})
    recall.update(
        status="declined",
        answer={"by": data.keeper, "reason": data.reason, "at": data.declined_at.isoformat()},
    )
    details["recall"] = recall


def _shipment_shipment_cancelled(
    data: ShipmentCancelled, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values["status"] = S.CANCELLED.value
    details["cancellation"] = {"reason": data.reason, "at": data.cancelled_at.isoformat()}


SHIPMENT_ROW: dict[str, Callable[[Any, dict[str, Any], dict[str, Any]], None]] = {
    OrderFactNoted.event_type: _shipment_order_fact_noted,
    ShipmentDetailsCorrected.event_type: _shipment_shipment_details_corrected,
    OrderQueuedForShipping.event_type: _shipment_order_queued_for_shipping,
    ShipmentDocumentsAssigned.event_type: _shipment_shipment_documents_assigned,
    ShipmentStockNoted.event_type: _shipment_shipment_stock_noted,
    AccessoriesChecked.event_type: _shipment_accessories_checked,
    AccessoriesMissing.event_type: _shipment_accessories_missing,
    OutboundRefused.event_type: _shipment_outbound_refused,
    ShipmentResumed.event_type: _shipment_shipment_resumed,
    ShipmentDispatched.event_type: _shipment_shipment_dispatched,
    ShipmentStamped.event_type: _shipment_shipment_stamped,
    ShipmentInTransit.event_type: _shipment_shipment_in_transit,
    ShipmentDelivered.event_type: _shipment_shipment_delivered,
    CourierExceptionReported.event_type: _shipment_courier_exception_reported,
    CourierExceptionResolved.event_type: _shipment_courier_exception_resolved,
    ShipmentRecallRequested.event_type: _shipment_shipment_recall_requested,
    ShipmentRecallConfirmed.event_type: _shipment_shipment_recall_confirmed,
    ShipmentRecallDeclined.event_type: _shipment_shipment_recall_declined,
    ShipmentCancelled.event_type: _shipment_shipment_cancelled,
}


def _day_shipment_joined_day(
    data: ShipmentJoinedDay, values: dict[str, Any], details: dict[str, Any]
) -> None:
    details["shipments"] = [*details["shipments"], data.shipment_id]
    if data.carried_from is not None:
        details["carried_in"] = [*details["carried_in"], data.shipment_id]


def _day_daily_shipping_report_generated(
    data: DailyShippingReportGenerated, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=D.REPORT_GENERATED.value, report_no=data.report_no, generated_at=data.generated_at)
    details["generated_by"] = data.generated_by


def _day_shipping_documents_printed(
    data: ShippingDocumentsPrinted, values: dict[str, Any], details: dict[str, Any]
) -> None:
    details["documents"] = [d.model_dump(mode="json") for d in data.documents]


def _day_shipping_packet_handed_over(
    data: ShippingPacketHandedOver, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=D.HANDED_TO_WAREHOUSE.value, handed_over_at=data.handed_over_at)
    details["handed_over_to"] = data.to_keeper


def _day_daily_shipping_report_filled(
    data: DailyShippingReportFilled, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=D.REPORT_FILLED.value, filled_at=data.filled_at)
    details["filled"] = {
        "by": data.filled_by,
        "shipped": list(data.shipped),
        "refused": list(data.refused),
        "cancelled": list(data.cancelled),
    }


def _day_daily_shipping_report_submitted(
    data: DailyShippingReportSubmitted, values: dict[str, Any], details: dict[str, Any]
) -> None:
    values.update(status=D.CLOSED.value, submitted_at=data.submitted_at)
    details["submitted"] = {
        "by": data.submitted_by,
        "to_role": data.to_role,
        "to_manager": data.to_manager,
    }


DAY_ROW: dict[str, Callable[[Any, dict[str, Any], dict[str, Any]], None]] = {
    ShipmentJoinedDay.event_type: _day_shipment_joined_day,
    DailyShippingReportGenerated.event_type: _day_daily_shipping_report_generated,
    ShippingDocumentsPrinted.event_type: _day_shipping_documents_printed,
    ShippingPacketHandedOver.event_type: _day_shipping_packet_handed_over,
    DailyShippingReportFilled.event_type: _day_daily_shipping_report_filled,
    DailyShippingReportSubmitted.event_type: _day_daily_shipping_report_submitted,
}


class ShippingViews(Projection):
    name = "fulfilment_shipping_views"
    sources = (FULFILMENT_SHIPMENT, FULFILMENT_SHIPPING_DAY)

    handles = shipment_registry.event_types | day_registry.event_types

    def __init__(self) -> None:
        super().__init__(EventRegistry([*shipment_registry.models, *day_registry.models]))

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return define_views(metadata, suffix)

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        envelope = item.event.envelope
        if envelope.aggregate_type == "Shipment":
            await record_event(conn, tables["shipment_history"], item.event)
            await self._shipment(conn, tables["shipments"], item)
        else:
            await record_event(conn, tables["day_history"], item.event)
            await self._day(conn, tables, item)

    async def _shipment(self, conn: AsyncConnection, table: Table, item: Decoded) -> None:
        data, envelope = item.data, item.event.envelope
        sid, at = envelope.aggregate_id, envelope.occurred_at
        row = (await conn.execute(select(table).where(table.c.shipment_id == sid))).first()
        if row is not None and row.version >= envelope.version:
            return
        if row is None:
            values: dict[str, Any] = {
                "shipment_id": sid,
                "order_id": getattr(data, "order_id", sid),
                "status": S.PENDING.value,
                "details": {
                    "facts": [],
                    "lines": [],
                    "shipping": None,
                    "logistics_method": None,
                    "requirements": "",
                    "checklist": None,
                    "missing": [],
                    "short": [],
                    "exceptions": [],
                    "tracking": [],
                    "refusal": None,
                    "recall": None,
                    "cancellation": None,
                },
                "stock": "unknown",
            }
        else:
            values = {c.name: getattr(row, c.name) for c in table.columns}
            values["details"] = dict(row.details)
        details = values["details"]
        change = SHIPMENT_ROW.get(data.event_type)
        if change is not None:
            change(data, values, details)
        values.update(details=details, updated_at=at, version=envelope.version)
        stmt = upsert(conn, table).values(values)
        await conn.execute(stmt.on_conflict_do_update(index_elements=["shipment_id"], set_=values))

    async def _day(self, conn: AsyncConnection, tables: Tables, item: Decoded) -> None:
        table = tables["days"]
        data, envelope = item.data, item.event.envelope
        at = envelope.occurred_at
        batch_date = date.fromisoformat(envelope.aggregate_id)
        row = (await conn.execute(select(table).where(table.c.batch_date == batch_date))).first()
        if row is not None and row.version >= envelope.version:
            return
        if isinstance(data, ShipmentJoinedDay):
            # the shipment is on this day's list now (carried on when its own day's report was made):
            # GetShippingDay pages the day's shipments by this column
            shipments = tables["shipments"]
            await conn.execute(
                shipments.update()
                .where(shipments.c.shipment_id == data.shipment_id)
                .values(batch_date=data.batch_date)
            )
        if row is None:
            values: dict[str, Any] = {
                "batch_date": batch_date,
                "status": D.OPEN.value,
                "details": {
                    "shipments": [],
                    "carried_in": [],
                    "documents": [],
                    "handed_over_to": None,
                    "generated_by": None,
                    "filled": None,
                    "submitted": None,
                },
            }
        else:
            values = {c.name: getattr(row, c.name) for c in table.columns}
            values["details"] = dict(row.details)
        details = values["details"]
        change = DAY_ROW.get(data.event_type)
        if change is not None:
            change(data, values, details)
        values.update(details=details, updated_at=at, version=envelope.version)
        stmt = upsert(conn, table).values(values)
        await conn.execute(stmt.on_conflict_do_update(index_elements=["batch_date"], set_=values))
