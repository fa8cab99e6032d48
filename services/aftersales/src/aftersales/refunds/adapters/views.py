"""The refund-case read models: one row per case with its state (SM-RET), its full history, and
the refund ledger, one row per issued refund with its platform reference (AS-9), booked on the
business day (configured time zone) it was issued. A case whose goods shipped after its refund
(GoodsShippedAfterRefund, SM-RET, SM-SHIP) carries when that was noted, for the supervisor."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from aftersales.refunds.domain.state import registry
from jetstream_es.history import define_history_table, record_event
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, cents, upsert
from shop_contracts.aggregates import AFTERSALES_REFUND_CASE
from shop_contracts.events.aftersales import RefundIssued, RefundRequested
from shop_contracts.events.refund_case import (
    GoodsShippedAfterRefund,
    NegotiationConcluded,
    NegotiationOpened,
    RefundCaseTurnedToReturn,
    RefundRequestApproved,
    RefundRequestWithdrawn,
    ReturnInspectionPassed,
    ReturnNoteIssued,
    ReturnParcelArrived,
    ReturnReceiptConfirmed,
    ReturnShippedByBuyer,
)
from shop_contracts.messages import EventData
from shop_contracts.queries.aftersales import RefundCaseStatus as S


def define_views(metadata: MetaData, suffix: str) -> dict[str, Table]:
    cases = Table(
        f"refund_cases{suffix}",
        metadata,
        Column("case_id", String(64), primary_key=True),
        Column("order_id", String(64), nullable=False, index=True),
        Column("buyer_id", String(128), nullable=False),
        Column("status", String(32), nullable=False, index=True),
        Column("reason", String(64), nullable=False),
        Column("goods_received", Boolean, nullable=False),
        Column("received_basis", String(32), nullable=True),
        Column("amount_cents", BigInteger, nullable=False),
        Column("requested_at", UtcDateTime(), nullable=False, index=True),
        Column("updated_at", UtcDateTime(), nullable=False),
        Column("version", Integer, nullable=False),
        Column("waybill_no", String(64), nullable=True),
        Column("return_reason", String(500), nullable=True),
        Column("platform_ref", String(128), nullable=True),
        Column("refunded_at", UtcDateTime(), nullable=True),
        Column("goods_shipped_after_refund_at", UtcDateTime(), nullable=True),
    )
    history = define_history_table(metadata, f"refund_case_history{suffix}", "case_id")
    ledger = Table(
        f"refund_ledger{suffix}",
        metadata,
        Column("case_id", String(64), primary_key=True),
        Column("order_id", String(64), nullable=False),
        Column("day", String(10), nullable=False, index=True),
        Column("amount_cents", BigInteger, nullable=False),
        Column("issued_by", String(128), nullable=False),
        Column("platform_ref", String(128), nullable=True),
        Column("issued_at", UtcDateTime(), nullable=False),
    )
    return {"cases": cases, "history": history, "ledger": ledger}


def changes(data: EventData) -> dict[str, Any]:
    """The columns an event changes on its case's row."""
    match data:
        case RefundRequestApproved():
            to = S.AWAITING_RETURN_SHIPMENT if data.return_required else S.APPROVED_NO_RETURN
            return {"status": to.value}
        case NegotiationOpened():
            return {"status": S.NEGOTIATION.value}
        case NegotiationConcluded(outcome="withdrawn"):
            return {"status": S.WITHDRAWN.value}
        case NegotiationConcluded(outcome="rejected"):
            return {"status": S.CLOSED_REJECTED.value}
        case RefundRequestWithdrawn():
            return {"status": S.WITHDRAWN.value}
        case ReturnShippedByBuyer():
            return {"status": S.RETURN_IN_TRANSIT.value, "waybill_no": data.waybill_no}
        case ReturnParcelArrived():
            return {"status": S.RETURN_ARRIVED.value}
        case ReturnNoteIssued():
            return {"status": S.RETURN_NOTE_ISSUED.value, "return_reason": data.return_reason}
        case ReturnInspectionPassed():
            return {"status": S.INSPECTED.value}
        case ReturnReceiptConfirmed():
            return {"status": S.RECEIPT_CONFIRMED.value}
        case RefundCaseTurnedToReturn():
            return {"status": S.AWAITING_RETURN_SHIPMENT.value, "goods_received": True}
        case GoodsShippedAfterRefund():
            return {"goods_shipped_after_refund_at": data.noted_at}
        case RefundIssued():
            return {
                "status": S.REFUNDED.value,
                "platform_ref": data.platform_ref,
                "refunded_at": data.issued_at,
            }
    return {}


class RefundCaseViews(Projection):
    name = "aftersales_refund_views"
    sources = (AFTERSALES_REFUND_CASE,)
    handles = registry.event_types

    def __init__(self, business_tz: str) -> None:
        super().__init__(registry)
        self.tz = ZoneInfo(business_tz)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return define_views(metadata, suffix)

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        cases, envelope, data = tables["cases"], item.event.envelope, item.data
        case_id, at = envelope.aggregate_id, envelope.occurred_at
        await record_event(conn, tables["history"], item.event)
        if isinstance(data, RefundRequested):
            row = upsert(conn, cases).values(
                case_id=case_id,
                order_id=data.order_id,
                buyer_id=data.buyer_id or envelope.actor.id,
                status=S.AWAITING_DECISION.value,
                reason=data.reason,
                goods_received=data.goods_received,
                received_basis=data.received_basis,
                amount_cents=cents(data.amount),
                requested_at=data.requested_at,
                updated_at=at,
                version=envelope.version,
            )
            await conn.execute(row.on_conflict_do_nothing())
            return
        if isinstance(data, NegotiationConcluded) and data.outcome == "resubmitted":
            after = await self._negotiation_after(conn, tables, case_id)
            values: dict[str, Any] = {
                "status": (
                    S.RETURN_NOTE_ISSUED if after == "failed_inspection" else S.AWAITING_DECISION
                ).value
            }
        else:
            values = changes(data)
        if isinstance(data, RefundIssued):
            ledger = upsert(conn, tables["ledger"]).values(
                case_id=case_id,
                order_id=data.order_id,
                day=data.issued_at.astimezone(self.tz).date().isoformat(),
                amount_cents=cents(data.amount),
                issued_by=data.issued_by,
                platform_ref=data.platform_ref,
                issued_at=data.issued_at,
            )
            await conn.execute(ledger.on_conflict_do_nothing())
        await conn.execute(
            cases.update()
            .where(cases.c.case_id == case_id)
            .values(updated_at=at, version=envelope.version, **values)
        )

    async def _negotiation_after(self, conn: AsyncConnection, tables: Tables, case_id: str) -> str | None:
        history = tables["history"]
        rows = await conn.execute(
            history.select()
            .where(history.c.case_id == case_id, history.c.event_type == NegotiationOpened.event_type)
            .order_by(history.c.version.desc())
            .limit(1)
        )
        row = rows.first()
        return None if row is None else str(row.data.get("after"))
