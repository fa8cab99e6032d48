"""Reads over the HR read models: AbsenceLadder (HR-16, SM-ABS; rescinded absences, reversed fines
and withdrawn proposals included) and LeaveRequests (what waits for the approver asking: routed to
one of their roles, never their own, HR-18, HR-22, HR-26; SM-LEAVE)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.projection import Tables
from jetstream_es.sql import fetch_page
from shop_contracts.queries.hr import AbsenceLadder, LeaveRequests, LeaveStatus

PENDING = (LeaveStatus.PENDING_APPROVAL.value, LeaveStatus.EXTENSION_PENDING.value)


async def absence_ladder(engine: AsyncEngine, tables: Tables, query: AbsenceLadder) -> dict[str, Any]:
    entries = tables["entries"]
    where = and_(entries.c.employee_id == query.employee_id, entries.c.year == query.year)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(entries).where(where).order_by(entries.c.version))).all()
    absences: list[dict[str, Any]] = []
    rescinded: list[dict[str, Any]] = []
    fines: list[dict[str, Any]] = []
    reversed_fines: list[dict[str, Any]] = []
    proposals: list[dict[str, Any]] = []
    for r in rows:
        data = dict(r.data)
        match r.event_type:
            case "AbsenceCounted":
                absences.append({k: data[k] for k in ("work_date", "kind", "days", "occurrence")})
            case "FineImposed":
                fines.append({k: data[k] for k in ("amount", "occurrence", "work_date", "basis", "fund")})
            case "DismissalThresholdReached":
                proposals.append(
                    {k: data[k] for k in ("proposal", "basis", "days", "dates")} | {"decision": "pending"}
                )
            case "AbsenceUncounted":
                absences = [a for a in absences if a["work_date"] != data["work_date"]]
                rescinded.append({k: data[k] for k in ("work_date", "kind", "days", "covered_by", "rule")})
            case "FineReversed":
                reversed_fines.append(
                    {k: data[k] for k in ("amount", "occurrence", "work_date", "basis", "reason", "fund")}
                )
            case "DismissalThresholdWithdrawn":
                for p in proposals:
                    if p["proposal"] == data["proposal"]:
                        p |= {"decision": "withdrawn", "reason": data["reason"]}
            case "EmployeeDismissed" | "DismissalDeclined":
                decision = "dismissed" if r.event_type == "EmployeeDismissed" else "declined"
                for p in proposals:
                    if p["proposal"] == data["proposal"]:
                        p |= {"decision": decision, "decided_by": data["decided_by"]}
    days = sum((Decimal(a["days"]) for a in absences), Decimal(0))
    fined = sum((Decimal(f["amount"]) for f in fines), Decimal(0)) - sum(
        (Decimal(f["amount"]) for f in reversed_fines), Decimal(0)
    )
    return {
        "employee_id": query.employee_id,
        "year": query.year,
        "absences": absences,
        "days": str(days),
        "rescinded": rescinded,
        "fines": fines,
        "reversed_fines": reversed_fines,
        "fined": str(fined.quantize(Decimal("0.01"))),
        "dismissal": proposals,
        "dismissed": any(p["decision"] == "dismissed" for p in proposals),
    }


async def leave_requests(engine: AsyncEngine, tables: Tables, query: LeaveRequests) -> dict[str, Any]:
    leaves = tables["leaves"]
    approver = func.coalesce(leaves.c.pending_approver_role, leaves.c.approver_role)
    conditions = [
        leaves.c.status.in_(PENDING),
        approver.in_(query.approver_roles),
        leaves.c.employee_id != query.approver_id,
    ]
    if query.employee_id is not None:
        conditions.append(leaves.c.employee_id == query.employee_id)
    stmt = select(leaves, approver.label("decides")).where(and_(*conditions))
    ordered = stmt.order_by(leaves.c.submitted_at, leaves.c.leave_id)
    total, rows = await fetch_page(engine, ordered, limit=query.limit, offset=query.offset)
    return {
        "approver_id": query.approver_id,
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "requests": [
            {
                "leave_id": r.leave_id,
                "employee_id": r.employee_id,
                "leave_type": r.leave_type,
                "start_date": r.start_date,
                "end_date": r.end_date,
                "days": r.days,
                "status": r.status,
                "approver_role": r.decides,
                "unpaid": r.unpaid,
                "retroactive": r.retroactive,
                "certificate_ref": r.certificate_ref,
                "filed_with": r.filed_with,
                "pending_end_date": r.pending_end_date,
                "submitted_at": r.submitted_at.isoformat(),
                "version": r.version,
            }
            for r in rows
        ],
    }
