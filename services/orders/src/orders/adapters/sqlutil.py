"""Small SQL helpers for the Orders projections: dialect upserts and money as integer cents (ORD-16)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

CENT = Decimal("0.01")


def cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


def money(value: int | None) -> str:
    return str((Decimal(value or 0) * CENT).quantize(CENT))


def insert(conn: AsyncConnection, table: Table) -> Any:
    """An INSERT that supports ON CONFLICT on SQLite and PostgreSQL alike."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
