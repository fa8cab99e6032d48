"""The grant history read model (IDN-6, `ListGrants`): one row per grant or revocation, in the
order they were recorded (the IDENTITY stream's sequence)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from identity.domain.grants import registry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.aggregates import IDENTITY_ROLE_HOLDER
from shop_contracts.events.identity import RoleGranted, RoleRevoked


class GrantHistory(Projection):
    name = "identity_grants"
    sources = (IDENTITY_ROLE_HOLDER,)
    handles = registry.event_types

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"grants{suffix}",
            metadata,
            Column("event_id", String(64), primary_key=True),
            Column("seq", BigInteger, nullable=False, index=True),
            Column("person_id", String(128), nullable=False, index=True),
            Column("role", String(64), nullable=False, index=True),
            Column("action", String(16), nullable=False),
            Column("reason", String(500), nullable=False),
            Column("by", String(128), nullable=False),
            Column("at", UtcDateTime(), nullable=False),
            Column("cause", String(16), nullable=True),
        )
        return {"grants": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        data, event = item.data, item.event
        common = {"event_id": event.event_id, "seq": event.stream_seq}
        match data:
            case RoleGranted():
                values = {"action": "granted", "by": data.granted_by, "cause": None}
            case RoleRevoked():
                values = {"action": "revoked", "by": data.revoked_by, "cause": data.cause.value}
            case _:
                return
        row = upsert(conn, tables["grants"]).values(
            **common, person_id=data.person_id, role=data.role, reason=data.reason, at=data.at, **values
        )
        await conn.execute(row.on_conflict_do_nothing())
