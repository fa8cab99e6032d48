"""The duty rota (DUTY-1..DUTY-4, AS-22, C3, C4): the weekend customer-service rota and its
refusals, the duty customer-service manager outside online hours 08:50-18:10 with the hotline
forwarded at the edges, the department duty pair to 22:00 from the published rota, and who is on
duty at an instant (Asia/Shanghai) and why."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from hr.bootstrap import HrSettings
from jetstream_es.deadlines import Deadline
from jetstream_es.errors import Forbidden, RuleViolated
from shop_contracts.commands.hr_time import DesignateDutyManager, DutyPair, PublishRota, PublishWeekendCsRota
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_duty import (
    DutyManagerDesignated,
    DutyPairAssigned,
    HotlineForwardingActivated,
    HotlineForwardingDeactivated,
    WeekendCsRotaPublished,
)

from .attendance_helpers import at
from .duty_harness import Duty
from .helpers import DIRECT, approve, leave

MON, TUE, SAT, SUN = (dt.date(2026, 3, d) for d in (2, 3, 7, 8))
CS_HEAD = Actor(id="cs-head", roles=("cs_supervisor",))
HEAD = Actor(id="head-1", roles=("ecom_supervisor",))


def weekend(sat: tuple[str, ...], sun: tuple[str, ...], command_id: str = "wk-1") -> PublishWeekendCsRota:
    return PublishWeekendCsRota(
        command_id=command_id, actor=CS_HEAD, saturday=SAT, saturday_staff=sat, sunday_staff=sun
    )


def manager(
    who: str = "amy", start: dt.date = MON, end: dt.date = SUN, dsg: str = "d-1"
) -> DesignateDutyManager:
    return DesignateDutyManager(
        command_id=f"designate-{dsg}",
        actor=CS_HEAD,
        designation_id=dsg,
        manager_id=who,
        start_date=start,
        end_date=end,
    )


def pair_rota(day: dt.date = TUE) -> PublishRota:
    return PublishRota(
        command_id=f"rota-{day}",
        actor=HEAD,
        rota_id=f"r-{day}",
        period_start=day,
        period_end=day,
        employees=("amy", "bob", "cat", "dan"),
        days=(DutyPair(work_date=day, main="cat", assistant="dan"),),
    )


@pytest.fixture
async def hr() -> Duty:
    duty = Duty()
    for person in ("amy", "bob", "emp-1"):
        await duty.grant(person, "aftersales_cs")
    return duty


async def test_a_weekend_rota_names_who_of_customer_service_is_on_duty_saturday_and_sunday_duty_2(
    hr: Duty,
) -> None:
    await hr.when(weekend(("amy",), ("bob", "emp-1")))
    [published] = hr.then(WeekendCsRotaPublished)
    assert isinstance(published, WeekendCsRotaPublished)
    assert (published.saturday_staff, published.sunday_staff, published.cover) == (
        ("amy",),
        ("bob", "emp-1"),
        "003",
    )
    await hr.when(weekend(("amy",), ("bob", "emp-1")))
    hr.then()  # the same command again appends nothing


async def test_someone_without_a_customer_service_role_is_refused_duty_2(hr: Duty) -> None:
    with pytest.raises(RuleViolated) as refused:
        await hr.when(weekend(("amy",), ("cat",)))
    assert refused.value.rule == "DUTY-2"
    assert "cat is not back-office customer-service staff" in str(refused.value)
    assert "2026-03-08" in str(refused.value)
    assert hr.events(aggregate="DutyRota") == []


async def test_someone_on_approved_leave_that_day_is_refused_duty_2_hr_18(hr: Duty) -> None:
    await hr.given(leave(SAT), approve(DIRECT))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(weekend(("emp-1",), ("bob",)))
    assert refused.value.rule == "DUTY-2"
    assert "emp-1 is on approved leave lv-1" in str(refused.value)
    await hr.when(weekend(("amy",), ("emp-1",), command_id="wk-2"))  # Sunday is not on leave
    hr.then(WeekendCsRotaPublished)


async def test_a_weekend_day_with_nobody_is_refused_under_c4_003_and_allowed_under_000_duty_2_c4() -> None:
    hr = Duty()
    await hr.grant("amy", "aftersales_cs")
    with pytest.raises(RuleViolated) as refused:
        await hr.when(weekend(("amy",), ()))
    assert refused.value.rule == "DUTY-2"
    assert "2026-03-08: nobody on duty" in str(refused.value)
    all_on_post = Duty(HrSettings(weekend_cs_cover="000"))
    await all_on_post.when(weekend((), ()))
    [published] = all_on_post.then(WeekendCsRotaPublished)
    assert isinstance(published, WeekendCsRotaPublished)
    assert published.cover == "000"


def test_the_weekend_starts_on_a_saturday_and_the_setting_names_its_rule_duty_2_as_22() -> None:
    with pytest.raises(ValidationError, match="saturday: 2026-03-06 is a Friday"):
        PublishWeekendCsRota(
            command_id="x", actor=CS_HEAD, saturday=dt.date(2026, 3, 6), saturday_staff=("amy",)
        )
    with pytest.raises(ValueError, match="online_hours_end"):
        HrSettings(online_hours_start=dt.time(18, 10), online_hours_end=dt.time(8, 50))


async def test_only_the_cs_supervisor_or_the_department_head_publish_the_weekend_rota_duty_2(
    hr: Duty,
) -> None:
    cmd = weekend(("amy",), ("bob",)).model_copy(update={"actor": Actor(id="bob", roles=("aftersales_cs",))})
    with pytest.raises(Forbidden):
        await hr.when(cmd)


async def test_the_duty_manager_must_be_customer_service_and_not_on_leave_duty_3(hr: Duty) -> None:
    with pytest.raises(RuleViolated) as refused:
        await hr.when(manager("cat"))
    assert refused.value.rule == "DUTY-3"
    await hr.when(manager("amy"))
    hr.then(DutyManagerDesignated)


async def test_who_is_on_duty_at_the_edges_of_online_hours_on_a_weekday_duty_3_duty_4_as_22(hr: Duty) -> None:
    await hr.given(manager("amy", MON, TUE), pair_rota(TUE))
    assert [type(e) for e in hr.events(aggregate="DutyRota")] == [DutyManagerDesignated, DutyPairAssigned]
    before = await hr.who(at("08:49", TUE))
    assert before["customer_service"]["basis"] == "duty_manager"
    assert before["customer_service"]["assigned_to"] == "amy"
    assert "night of 2026-03-02" in before["customer_service"]["reason"]
    assert before["department"]["basis"] == "duty_pair"  # from 08:30 (HR-3, HR-4)
    opening = await hr.who(at("08:50", TUE))
    assert opening["customer_service"]["basis"] == "online"
    assert opening["customer_service"]["assigned_to"] is None
    closing = await hr.who(at("18:10", TUE))
    assert closing["customer_service"]["assigned_to"] == "amy"
    assert "outside online hours 08:50-18:10" in closing["customer_service"]["reason"]
    assert closing["department"]["on_duty"] == ["cat", "dan"]
    late = await hr.who(at("22:00", TUE))
    assert late["department"]["basis"] == "nobody"  # the pair is on post to 22:00 (DUTY-4)
    assert late["customer_service"]["assigned_to"] == "amy"  # the hotline still goes to the manager (C3)


async def test_the_weekend_rota_covers_saturday_in_online_hours_the_manager_after_them_duty_2_duty_3_c4(
    hr: Duty,
) -> None:
    await hr.given(weekend(("bob",), ("amy",)), manager("amy"))
    saturday = await hr.who(at("10:00", SAT))
    assert (saturday["customer_service"]["basis"], saturday["customer_service"]["assigned_to"]) == (
        "weekend_rota",
        "bob",
    )
    assert "weekend rota" in saturday["customer_service"]["reason"]
    evening = await hr.who(at("19:00", SAT))
    assert (evening["customer_service"]["basis"], evening["customer_service"]["assigned_to"]) == (
        "duty_manager",
        "amy",
    )
    weekday = await hr.who(at("10:00", dt.date(2026, 3, 6)))
    assert weekday["customer_service"]["basis"] == "online"


async def test_nobody_on_duty_says_so_and_names_the_escalation_role_duty_1() -> None:
    hr = Duty()
    night = await hr.who(at("19:00", TUE))
    assert night["customer_service"]["basis"] == "nobody"
    assert night["customer_service"]["escalate_to"] == "cs_supervisor"
    saturday = await hr.who(at("10:00", SAT))
    assert saturday["customer_service"]["basis"] == "nobody"  # C4 003: no weekend rota published
    on_post = Duty(HrSettings(weekend_cs_cover="000"))
    assert (await on_post.who(at("10:00", SAT)))["customer_service"]["basis"] == "online"


async def test_a_republished_rota_with_the_same_pair_appends_no_second_duty_pair_duty_4(hr: Duty) -> None:
    await hr.given(pair_rota(TUE))
    again = pair_rota(TUE).model_copy(update={"command_id": "rota-again"})
    await hr.when(again)
    assert [type(e) for e in hr.events(aggregate="DutyRota")] == [DutyPairAssigned]


async def test_the_hotline_is_forwarded_at_18_10_and_back_at_08_50_once_per_night_duty_3_as_22(
    hr: Duty,
) -> None:
    await hr.given(manager("amy", TUE, TUE))
    hr.clock.set(at("18:09", TUE))
    assert await hr.run_hotline() == 0
    hr.clock.set(at("18:10", TUE))
    assert await hr.run_hotline() == 1
    [activated] = [e for e in hr.events("hotline-2026-03-03") if isinstance(e, HotlineForwardingActivated)]
    assert activated.forwarded_to == "amy"
    hr.clock.set(at("08:50", dt.date(2026, 3, 4)))
    assert await hr.run_hotline() == 1
    stream = hr.events("hotline-2026-03-03")
    assert [type(e) for e in stream] == [HotlineForwardingActivated, HotlineForwardingDeactivated]
    # a second firing of the same edge (after a crash) appends nothing
    again = Deadline(
        "hotline_on/2026-03-03", "hotline_on", "hotline-2026-03-03", at("18:10", TUE), {"night": "2026-03-03"}
    )
    await hr.duty.hotline(again)
    assert len(hr.events("hotline-2026-03-03")) == 2


async def test_the_week_for_screens_lists_weekend_rota_manager_and_pair_duty_2_duty_3_duty_4(
    hr: Duty,
) -> None:
    await hr.given(weekend(("bob",), ("amy",)), manager("amy", MON, TUE), pair_rota(TUE))
    week = await hr.week(MON)
    days = {d["date"]: d for d in week["days"]}
    assert days["2026-03-07"]["weekend_rota"] == ["bob"]
    assert days["2026-03-02"]["duty_manager"] == "amy"
    assert days["2026-03-04"]["duty_manager"] is None
    assert days["2026-03-03"]["duty_pair"] == {"main": "cat", "assistant": "dan", "until": "22:00"}
