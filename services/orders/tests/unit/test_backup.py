"""ORD-4 weekly backup record: back-office staff or the scheduled job record a week's verified
backup as OrdersBackedUp; anyone else is refused naming the rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jetstream_es.errors import Forbidden
from orders.domain.backup import ORDER_BACKUP, BackupWeek, back_up
from shop_contracts.commands.orders import BackUpOrders
from shop_contracts.envelope import Actor
from shop_contracts.events.orders import OrdersBackedUp

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
SUM = "a" * 64


def command(*roles: str) -> BackUpOrders:
    return BackUpOrders(
        command_id="backup-2026-W10",
        actor=Actor(id="cron", roles=roles),
        week="2026-W10",
        record_count=42,
        location="/srv/backups/orders-2026-W10.jsonl",
        checksum=SUM,
        last_seq=42,
    )


@pytest.mark.parametrize("role", ["system", "backoffice_order_staff"])
def test_ord_4_the_scheduled_job_or_back_office_records_the_weeks_backup(role: str) -> None:
    [event] = back_up(BackupWeek(), command(role), NOW)
    assert event == OrdersBackedUp(
        week="2026-W10",
        record_count=42,
        location="/srv/backups/orders-2026-W10.jsonl",
        checksum=SUM,
        last_seq=42,
        backed_up_by="cron",
        backed_up_at=NOW,
    )
    state = ORDER_BACKUP.evolve(BackupWeek(), event)
    assert (state.backups, state.last_checksum) == (1, SUM)


def test_ord_4_other_roles_are_refused() -> None:
    with pytest.raises(Forbidden) as refused:
        back_up(BackupWeek(), command("sales_staff"), NOW)
    assert refused.value.rule == "ORD-4"


def test_ord_4_a_week_must_be_an_iso_week() -> None:
    with pytest.raises(ValueError, match="week"):
        BackUpOrders.model_validate({**command("system").model_dump(), "week": "2026-10"})
