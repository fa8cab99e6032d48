"""Reads (IDN-6): `RolesOf` from the person's RoleHolder itself (the roles held right now, never a
lagging view: the issuer mints tokens from it) and `ListGrants` from the grant history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from identity.domain.grants import RoleHolder
from jetstream_es.projection import Tables
from jetstream_es.sql import fetch_page
from shop_contracts.queries.identity import ListGrants


def roles_of(person_id: str, state: RoleHolder) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "roles": list(state.roles),
        "grants": [
            {
                "role": g.role,
                "granted_by": g.granted_by,
                "granted_at": g.granted_at.isoformat(),
                "reason": g.reason,
            }
            for g in sorted(state.held.values(), key=lambda g: g.role)
        ],
    }


async def list_grants(engine: AsyncEngine, tables: Tables, query: ListGrants) -> dict[str, Any]:
    t = tables["grants"]
    conditions = []
    if query.person_id is not None:
        conditions.append(t.c.person_id == query.person_id)
    if query.role is not None:
        conditions.append(t.c.role == query.role)
    stmt = select(t).where(and_(true(), *conditions)).order_by(t.c.seq, t.c.event_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "grants": [
            {
                "person_id": r.person_id,
                "role": r.role,
                "action": r.action,
                "reason": r.reason,
                "by": r.by,
                "at": r.at.isoformat(),
                "cause": r.cause,
            }
            for r in rows
        ],
    }
