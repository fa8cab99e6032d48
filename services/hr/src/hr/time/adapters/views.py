"""The HR read models: the absence ladder per employee and year (HR-16) and the leave requests
with their current approver (HR-18, HR-22, HR-26; SM-LEAVE)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from hr.time.domain import ladder, leave_state
from hr.time.domain.leave_state import Extension, LeaveState
from hr.time.domain.state import LeaveStatus
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.aggregates import HR_ABSENCE_RECORD, HR_LEAVE_REQUEST
from shop_contracts.events.hr_leave import LeaveRequested, LeaveType


class LadderViews(Projection):
    """Every ladder event of an employee's year, in order; the query sums them up."""

    name = "hr_ladder_views"
    sources = (HR_ABSENCE_RECORD,)
    handles = ladder.registry.event_types

    def __init__(self) -> None:
        super().__init__(ladder.registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        entries = Table(
            f"ladder_entries{suffix}",
            metadata,
            Column("record_id", String(160), primary_key=True),
            Column("version", Integer, primary_key=True),
            Column("employee_id", String(64), nullable=False, index=True),
            Column("year", Integer, nullable=False),
            Column("event_type", String(64), nullable=False),
            Column("occurred_at", UtcDateTime(), nullable=False),
            Column("actor_id", String(128), nullable=False),
            Column("data", JSON, nullable=False),
        )
        return {"entries": entries}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        envelope = item.event.envelope
        row = upsert(conn, tables["entries"]).values(
            record_id=envelope.aggregate_id,
            version=envelope.version,
            employee_id=envelope.data["employee_id"],
            year=envelope.data["year"],
            event_type=envelope.event_type,
            occurred_at=envelope.occurred_at,
            actor_id=envelope.actor.id,
            data=envelope.data,
        )
        await conn.execute(row.on_conflict_do_nothing())


class LeaveViews(Projection):
    """One row per leave request; `approver_role` is whoever must decide next (HR-22, HR-26)."""

    name = "hr_leave_views"
    sources = (HR_LEAVE_REQUEST,)
    handles = leave_state.registry.event_types

    def __init__(self) -> None:
        super().__init__(leave_state.registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        leaves = Table(
            f"leave_requests{suffix}",
            metadata,
            Column("leave_id", String(128), primary_key=True),
            Column("employee_id", String(64), nullable=False, index=True),
            Column("leave_type", String(32), nullable=False),
            Column("start_date", String(10), nullable=False),
            Column("end_date", String(10), nullable=False),
            Column("days", Integer, nullable=False),
            Column("status", String(32), nullable=False, index=True),
            Column("approver_role", String(64), nullable=False, index=True),
            Column("unpaid", Boolean, nullable=False),
            Column("retroactive", Boolean, nullable=False),
            Column("certificate_ref", String(200), nullable=True),
            Column("filed_with", JSON, nullable=False),
            Column("pending_approver_role", String(64), nullable=True, index=True),
            Column("pending_end_date", String(10), nullable=True),
            Column("pending_total_days", Integer, nullable=True),
            Column("pending_previous", String(32), nullable=True),
            Column("submitted_at", UtcDateTime(), nullable=False, index=True),
            Column("updated_at", UtcDateTime(), nullable=False),
            Column("version", Integer, nullable=False),
        )
        return {"leaves": leaves}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        leaves, envelope, data = tables["leaves"], item.event.envelope, item.data
        leave_id = envelope.aggregate_id
        current = (await conn.execute(select(leaves).where(leaves.c.leave_id == leave_id))).first()
        if isinstance(data, LeaveRequested):
            if current is not None:
                return
            state = leave_state.evolve(LeaveState(), data)
            values: dict[str, Any] = {
                "leave_id": leave_id,
                "employee_id": data.employee_id,
                "leave_type": data.leave_type.value,
                "retroactive": data.retroactive,
                "submitted_at": data.submitted_at,
            }
        else:
            if current is None or envelope.version <= current.version:
                return
            state = leave_state.evolve(_restore(current), data)
            values = {}
        values |= {
            "start_date": state.start_date.isoformat(),
            "end_date": state.end_date.isoformat(),
            "days": state.days,
            "status": str(state.status),
            "approver_role": state.approver_role,
            "unpaid": state.unpaid,
            "certificate_ref": state.certificate_ref,
            "filed_with": sorted(state.filed_with),
            **_pending(state.extension),
            "updated_at": envelope.occurred_at,
            "version": envelope.version,
        }
        if current is None:
            await conn.execute(upsert(conn, leaves).values(**values).on_conflict_do_nothing())
        else:
            await conn.execute(leaves.update().where(leaves.c.leave_id == leave_id).values(**values))


def _pending(extension: Extension | None) -> dict[str, Any]:
    return {
        "pending_approver_role": extension.approver_role if extension else None,
        "pending_end_date": extension.new_end_date.isoformat() if extension else None,
        "pending_total_days": extension.total_days if extension else None,
        "pending_previous": str(extension.previous) if extension else None,
    }


def _restore(row: Any) -> LeaveState:
    """The aggregate state the row holds, enough to apply the request's next event."""
    extension = None
    if row.pending_end_date is not None:
        extension = Extension(
            dt.date.fromisoformat(row.pending_end_date),
            row.pending_total_days,
            row.pending_approver_role,
            LeaveStatus(row.pending_previous),
        )
    return LeaveState(
        status=LeaveStatus(row.status),
        leave_id=row.leave_id,
        employee_id=row.employee_id,
        leave_type=LeaveType(row.leave_type),
        start_date=dt.date.fromisoformat(row.start_date),
        end_date=dt.date.fromisoformat(row.end_date),
        days=row.days,
        approver_role=row.approver_role,
        certificate_ref=row.certificate_ref,
        unpaid=row.unpaid,
        filed_with=frozenset(row.filed_with),
        extension=extension,
    )
