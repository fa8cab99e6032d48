"""The KPI service's own figures read model (`kpi_figures` on MonthPay and Appraisal; KPI-1..KPI-7):
the latest performance pay, commission and appraisal of each employee, as recorded (a later
revision replaces an earlier one; the event id names the figure HR's payslip cites)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import upsert
from shop_contracts.aggregates import KPI_APPRAISAL, KPI_MONTH_PAY
from shop_contracts.events.kpi import AppraisalCompleted, CommissionCalculated, PerformancePayCalculated

registry = EventRegistry([PerformancePayCalculated, CommissionCalculated, AppraisalCompleted])


class Figures(Projection):
    name = "kpi_figures"
    sources = (KPI_MONTH_PAY, KPI_APPRAISAL)
    handles = registry.event_types

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"kpi_figures{suffix}",
            metadata,
            Column("kind", String(32), primary_key=True),
            Column("period", String(16), primary_key=True),
            Column("employee_id", String(128), primary_key=True),
            Column("revision", Integer, nullable=False),
            Column("event_id", String(64), nullable=False),
            Column("body", Text, nullable=False),
        )
        return {"figures": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        data, table = item.data, tables["figures"]
        match data:
            case PerformancePayCalculated() | CommissionCalculated():
                period, revision = data.month, data.revision
            case AppraisalCompleted():
                period, revision = data.cycle, 1
            case _:
                return
        row = {"revision": revision, "event_id": item.event.envelope.event_id, "body": data.model_dump_json()}
        stmt = upsert(conn, table).values(
            kind=data.event_type, period=period, employee_id=data.employee_id, **row
        )
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.kind, table.c.period, table.c.employee_id],
                set_=row,
                where=table.c.revision < revision,
            )
        )
