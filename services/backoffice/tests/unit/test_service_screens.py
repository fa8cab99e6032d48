"""Customer service and the approval inbox, pure parts (issue 18 parts 3 and 5): the refund ledger's
spreadsheet against the RefundLedger answer, read page after page (AS-9); the case actions offered
per state and role (SM-RET, AS-5..AS-8); the inspection's accessory lists one per line (AS-7); the
complaint deadline's countdown (AS-15); the inbox asking only for what the person decides (AS-2,
HR-18, HR-22, HR-26); overtime typed in business time (HR-30)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped]

from backoffice.shop import ShopReply
from backoffice.web.core import Person
from backoffice.web.screens import approvals, service
from backoffice.web.screens.service_ledger import ledger, ledger_workbook
from shop_contracts.envelope import Actor
from shop_contracts.messages import Command, Query
from shop_contracts.queries.aftersales import ListRefundCases, RefundLedger
from shop_contracts.queries.hr import LeaveRequests

SUPERVISOR = Person("e-1", ("dept_supervisor",), "csrf", "h")
AGENT = Person("e-2", ("aftersales_cs",), "csrf", "h")
CLERK = Person("e-3", ("order_clerk",), "csrf", "h")
DIRECT = Person("e-4", ("direct_supervisor", "aftersales_cs"), "csrf", "h")
REFUNDS = [
    {
        "day": "2026-11-02",
        "case_id": f"c-{i}",
        "order_id": f"o-{i}",
        "amount": f"{10 + i}.50",
        "issued_by": "e-1",
        "platform_ref": f"TB-{i}",
        "issued_at": "2026-11-02T02:00:00+00:00",  # 10:00 in Shanghai
    }
    for i in range(3)
]
DAYS = [{"day": "2026-11-02", "refunded": "34.50", "count": 3}]


class FakeShop:
    """Answers queries from a table, one ledger page of `page` refunds at a time; records what was asked."""

    def __init__(self, page: int = 2) -> None:
        self.asked: list[Query] = []
        self.page = page

    async def query(self, service: str, query: Query, actor: Actor) -> ShopReply:
        self.asked.append(query)
        if isinstance(query, RefundLedger):
            rows = REFUNDS[query.offset : query.offset + min(query.limit, self.page)]
            return ShopReply(True, {"total": len(REFUNDS), "refunds": rows, "days": DAYS})
        if isinstance(query, ListRefundCases):
            return ShopReply(True, {"cases": [{"case_id": "c-9", "status": query.status}]})
        if isinstance(query, LeaveRequests):
            return ShopReply(True, {"requests": [{"leave_id": "l-1", "approver_role": "direct_supervisor"}]})
        return ShopReply(False, code="not_found", message=type(query).__name__)

    async def command(self, service: str, command: Command, actor: Actor) -> ShopReply:
        raise AssertionError("no command in these tests")


def request_with(shop: FakeShop) -> Any:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(backoffice=SimpleNamespace(shop=shop))))


async def test_as9_the_ledger_is_read_page_after_page_and_the_sheet_matches_it_with_totals() -> None:
    query = RefundLedger(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    found = await ledger(FakeShop(page=2), query, SUPERVISOR.actor)  # type: ignore[arg-type]
    assert isinstance(found, dict)
    assert [r["case_id"] for r in found["refunds"]] == ["c-0", "c-1", "c-2"]
    book = load_workbook(io.BytesIO(ledger_workbook(found, query, "Asia/Shanghai")))
    detail = list(book["退款明細"].iter_rows(min_row=3, values_only=True))
    assert [(r[1], Decimal(str(r[3])), r[4]) for r in detail] == [
        ("c-0", Decimal("10.50"), "TB-0"),
        ("c-1", Decimal("11.50"), "TB-1"),
        ("c-2", Decimal("12.50"), "TB-2"),
    ]
    assert detail[0][6] == "2026-11-02 10:00:00"  # local time (Asia/Shanghai)
    totals = list(book["每日合計"].iter_rows(min_row=2, values_only=True))
    assert totals[0][:2] == ("2026-11-02", 3)
    assert totals[-1][0] == "合計"
    assert totals[-1][1] == 3
    assert Decimal(str(totals[-1][2])) == Decimal("34.50") == sum(Decimal(str(r[3])) for r in detail)


async def test_as9_a_refused_ledger_is_the_services_reply() -> None:
    class Refusing(FakeShop):
        async def query(self, service: str, query: Query, actor: Actor) -> ShopReply:
            return ShopReply(False, code="forbidden", message="not a ledger reader", rule="AS-9")

    query = RefundLedger(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 2))
    found = await ledger(Refusing(), query, AGENT.actor)  # type: ignore[arg-type]
    assert isinstance(found, ShopReply)
    assert found.rule == "AS-9"


def _offered(person: Person, status: str) -> list[str]:
    return [a.slug for a, _f in service._case_forms(person, {"case_id": "c-1", "status": status}, None)]


def test_sm_ret_each_state_offers_only_its_actions_to_their_roles_as6_as7_as8() -> None:
    assert _offered(CLERK, "ReturnArrived") == ["issue-return-note"]  # AS-6
    assert _offered(AGENT, "ReturnArrived") == []
    assert _offered(AGENT, "ReturnNoteIssued") == ["inspect"]  # AS-7
    assert _offered(AGENT, "Inspected") == ["confirm-receipt"]
    assert _offered(AGENT, "Negotiation") == ["conclude"]  # AS-5
    assert _offered(SUPERVISOR, "Approved_NoReturn") == ["issue-refund"]  # AS-8
    assert _offered(SUPERVISOR, "ReceiptConfirmed") == ["issue-refund"]
    assert _offered(AGENT, "Approved_NoReturn") == []
    assert _offered(SUPERVISOR, "Refunded") == []


def test_as7_the_inspection_form_lists_accessories_as_text_lines() -> None:
    ((_action, form),) = service._case_forms(AGENT, {"case_id": "c-1", "status": "ReturnNoteIssued"}, None)
    kinds = {i.name: i.kind for i in form.inputs}
    assert kinds["accessories_present"] == kinds["missing_accessories"] == "textarea"
    assert kinds["goods_match"] == "checkbox"
    assert {i.name: i.value for i in form.inputs}["missing_accessories"] == ""  # nothing prefilled
    assert "case_id" not in kinds  # the page's own case


def test_as7_the_inspection_reads_one_accessory_per_line() -> None:
    posted = {
        "goods_match": "on",
        "accessories_present": "電源線\n 濾網 \n\n",
        "missing_accessories": "說明書",
    }
    command = service._inspection(posted, AGENT, "cmd-1", "c-1")
    assert not isinstance(command, ShopReply)
    assert command.model_dump()["accessories_present"] == ("電源線", "濾網")
    assert command.model_dump()["missing_accessories"] == ("說明書",)
    assert command.model_dump()["goods_match"] is True


def test_as7_a_bad_inspection_names_its_field() -> None:
    refused = service._inspection({"note": "x" * 1001}, AGENT, "cmd-1", "c-1")
    assert isinstance(refused, ShopReply)
    assert refused.code == "invalid"
    assert "note" in refused.fields


def test_as15_the_deadline_counts_down_and_goes_negative_when_overdue() -> None:
    now = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    assert service._remaining("2026-12-02T09:30:00+00:00", now) == 5400
    assert service._remaining("2026-12-02T07:59:00+00:00", now) == -60
    assert service._remaining(None, now) is None


async def test_as2_hr18_the_inbox_asks_only_for_what_the_person_decides() -> None:
    shop = FakeShop()
    inbox = await approvals._inbox(request_with(shop), SUPERVISOR)
    assert [type(q).__name__ for q in shop.asked] == ["ListRefundCases"]
    assert shop.asked[0].status == "AwaitingDecision"  # type: ignore[attr-defined]
    assert inbox["waiting"] == 1
    assert inbox["leave"] is None

    shop = FakeShop()
    inbox = await approvals._inbox(request_with(shop), DIRECT)
    (asked,) = shop.asked
    assert isinstance(asked, LeaveRequests)
    assert (asked.approver_id, asked.approver_roles) == ("e-4", ("direct_supervisor",))  # HR-22, HR-26
    assert inbox["refunds"] is None
    assert [r["leave_id"] for r in inbox["leave_rows"]] == ["l-1"]

    shop = FakeShop()
    inbox = await approvals._inbox(request_with(shop), AGENT)  # decides nothing: asks nothing
    assert shop.asked == []
    assert inbox["waiting"] == 0
    assert not AGENT.holds(approvals.ROLES)


def test_hr30_overtime_typed_in_the_browser_is_business_time() -> None:
    assert approvals._aware("2026-12-02T18:30", "Asia/Shanghai") == "2026-12-02T18:30:00+08:00"
    assert approvals._aware("2026-12-02T18:30:00+00:00", "Asia/Shanghai") == "2026-12-02T18:30:00+00:00"
    assert approvals._aware("soon", "Asia/Shanghai") == "soon"  # left for the form's own check
