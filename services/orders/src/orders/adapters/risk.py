"""The buyer risk read model: after-sales' confirmed inferior-customer flags (AS-18, SM-CUST-FLAG),
shown on the buyer's orders as the risk tag `inferior_customer`.

A read model, not a reaction: it only writes its table, so a replay rebuilds it. It reads the
CustomerFlag subjects of the AFTERSALES stream and skips the flag events it does not need
(`skip_unknown_types`).

Which buyer: the flag's `customer_id` (the CustomerFlag aggregate id) is the buyer id the platform
gives the order (`OrderPlaced.buyer_id`), the same id after-sales keeps per order; the Wangwang
account found in a review lookup (AS-16) is a different id and never identifies the customer here.
Orders match on the exact buyer id.

Only `CustomerFlagConfirmed` makes a tag. A proposal is not a tag until the supervisor confirms it;
a rejection can only follow a proposal and a confirmed flag stays (lifting a flag is not in the
rules), so neither changes this table.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.aggregates import AFTERSALES_CUSTOMER_FLAG
from shop_contracts.events.aftersales import CustomerFlagConfirmed

INFERIOR_CUSTOMER: Final = "inferior_customer"
registry = EventRegistry([CustomerFlagConfirmed])


class BuyerRiskViews(Projection):
    name = "orders_buyer_risk"
    sources = (AFTERSALES_CUSTOMER_FLAG,)
    handles = registry.event_types
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"buyer_risk{suffix}",
            metadata,
            Column("buyer_id", String(128), primary_key=True),
            Column("tag", String(32), nullable=False),
            Column("reason", String(1000), nullable=False),
            Column("confirmed_by", String(128), nullable=False),
            Column("confirmed_at", UtcDateTime(), nullable=False),
            Column("version", Integer, nullable=False),
        )
        return {"risk": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["risk"], item.event.envelope, item.data
        if not isinstance(data, CustomerFlagConfirmed):
            return
        row = {
            "tag": INFERIOR_CUSTOMER,
            "reason": data.reason,
            "confirmed_by": data.confirmed_by,
            "confirmed_at": data.confirmed_at,
            "version": envelope.version,
        }
        stmt = upsert(conn, table).values(buyer_id=data.customer_id, **row)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.buyer_id], set_=row, where=table.c.version < envelope.version
            )
        )
