"""ORD-4 weekly backup record: back-office staff or the scheduled job record a week's verified
backup as OrdersBackedUp; anyone else is refused naming the rule. A week that ends without one is
flagged once (OrdersBackupOverdue); weeks are calendar weeks in the business time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from jetstream_es.errors import Forbidden, RuleViolated
from orders.domain.backup import (
    ORDER_BACKUP,
    BackupWeek,
    back_up,
    backup_overdue,
    next_week,
    week_ends,
    week_of,
)
from orders.domain.policy import OrderPolicy
from shop_contracts.commands.orders import BackUpOrders
from shop_contracts.envelope import Actor
from shop_contracts.events.orders import OrdersBackedUp, OrdersBackupOverdue

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
SUM = "a" * 64
TZ = ZoneInfo("Asia/Shanghai")
POLICY = OrderPolicy(business_tz="Asia/Shanghai")


def command(*roles: str, week: str = "2026-W10") -> BackUpOrders:
    return BackUpOrders(
        command_id=f"backup-{week}",
        actor=Actor(id="cron", roles=roles),
        week=week,
        record_count=42,
        location="/srv/backups/orders-2026-W10.jsonl",
        checksum=SUM,
        last_seq=42,
    )


@pytest.mark.parametrize("role", ["system", "backoffice_order_staff"])
def test_ord_4_the_scheduled_job_or_back_office_records_the_weeks_backup(role: str) -> None:
    [event] = back_up(BackupWeek(), command(role), NOW, POLICY)
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
        back_up(BackupWeek(), command("sales_staff"), NOW, POLICY)
    assert refused.value.rule == "ORD-4"


def test_ord_4_a_week_must_be_an_iso_week() -> None:
    with pytest.raises(ValueError, match="week"):
        BackUpOrders.model_validate({**command("system").model_dump(), "week": "2026-10"})


def test_ord_4_a_week_that_does_not_exist_is_invalid() -> None:
    with pytest.raises(ValueError, match="not an ISO calendar week"):
        command("system", week="2026-W54")


def test_ord_4_a_week_that_has_not_begun_cannot_be_backed_up() -> None:
    with pytest.raises(RuleViolated) as refused:
        back_up(BackupWeek(), command("system", week="2026-W11"), NOW, POLICY)
    assert refused.value.rule == "ORD-4"


def test_ord_4_weeks_are_calendar_weeks_in_the_business_time_zone() -> None:
    # Sunday 17:00 UTC is Monday 01:00 in Shanghai: the next week already
    assert week_of(datetime(2026, 3, 1, 17, 0, tzinfo=UTC), TZ) == "2026-W10"
    assert week_ends("2026-W10", TZ) == datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    assert next_week("2026-W53") == "2027-W01"


def test_ord_4_a_week_ended_without_a_backup_is_overdue_once() -> None:
    due = week_ends("2026-W10", TZ)
    [event] = backup_overdue(BackupWeek(), "2026-W10", due, due + timedelta(seconds=1))
    assert event == OrdersBackupOverdue(week="2026-W10", due_at=due, detected_at=due + timedelta(seconds=1))
    flagged = ORDER_BACKUP.evolve(BackupWeek(), event)
    assert backup_overdue(flagged, "2026-W10", due, due + timedelta(days=1)) == []


def test_ord_4_a_backed_up_week_is_not_overdue() -> None:
    due = week_ends("2026-W10", TZ)
    assert backup_overdue(BackupWeek(backups=1), "2026-W10", due, due + timedelta(days=1)) == []


def test_ord_4_a_week_is_not_overdue_before_it_ends() -> None:
    due = week_ends("2026-W10", TZ)
    with pytest.raises(RuleViolated) as refused:
        backup_overdue(BackupWeek(), "2026-W10", due, due - timedelta(seconds=1))
    assert refused.value.rule == "ORD-4"
