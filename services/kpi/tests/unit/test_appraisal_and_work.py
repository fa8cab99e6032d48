"""Appraisals (KPI-1, KPI-6, KPI-7, C7), tasks (KPI-9), training (KPI-10) and reports (KPI-8, C12)
through the service's real wiring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jetstream_es.errors import InvalidCommand, RuleViolated
from kpi.bootstrap import KpiSettings
from kpi.domain.policy import DIMENSIONS, KpiPolicy, ReviewCycle, TrainingPolicy
from shop_contracts.commands import kpi as c
from shop_contracts.events.kpi import AppraisalCompleted, ReportKind, ReportSubmitted, Talk, TaskAssigned

from .helpers import SUPERVISOR, TZ, Kpi, cid

JULY = dt.datetime(2026, 7, 1, 9, 0, tzinfo=TZ)
SCORES = dict(zip(DIMENSIONS, [80, 90, 70, 60, 100, 50, 80, 90, 70, 60], strict=True))
ARTIST = {"marketing_design": 80, "decoration": 90, "collateral": 70, "adhoc_support": 60}


def appraise(cycle: str = "2026-H1", scores: dict[str, int] = SCORES, **kw: object) -> c.CompleteAppraisal:
    return c.CompleteAppraisal(
        command_id=cid("a"), actor=SUPERVISOR, employee_id="art-1", cycle=cycle, scores=scores, **kw
    )


async def test_the_half_year_appraisal_scores_the_ten_dimensions_kpi_1_kpi_6() -> None:
    k = Kpi(now=JULY)
    await k.app.when(appraise())
    [done] = k.app.then(AppraisalCompleted)
    assert isinstance(done, AppraisalCompleted)
    assert done.overall == Decimal("75.00")
    assert done.weighted is None


async def test_the_artist_weights_20_30_20_30_give_the_weighted_score_kpi_7() -> None:
    k = Kpi(now=JULY)
    await k.app.when(appraise(artist_parts=ARTIST))
    [done] = k.app.then(AppraisalCompleted)
    assert isinstance(done, AppraisalCompleted)
    assert done.weighted == Decimal("75.00")  # 16 + 27 + 14 + 18
    assert done.steps[-1].rule == "KPI-7"


async def test_a_missing_or_unknown_dimension_is_invalid_naming_kpi_6() -> None:
    k = Kpi(now=JULY)
    scores = {**{d: 50 for d in DIMENSIONS[:9]}, "charm": 90}
    with pytest.raises(InvalidCommand, match="missing cost_awareness; unknown charm") as err:
        await k.app.when(appraise(scores=scores))
    assert err.value.rule == "KPI-6"


async def test_a_cycle_is_appraised_after_it_ended_and_once_kpi_1() -> None:
    k = Kpi(now=dt.datetime(2026, 6, 30, 12, 0, tzinfo=TZ))
    with pytest.raises(RuleViolated, match="runs until 2026-06-30"):
        await k.app.when(appraise())
    k.at(JULY)
    await k.app.when(appraise())
    with pytest.raises(RuleViolated, match="already"):
        await k.app.when(appraise())


async def test_the_review_cycle_is_a_setting_quarterly_refuses_a_half_year_id_kpi_1_c7() -> None:
    k = Kpi(KpiSettings(policy=KpiPolicy(review_cycle=ReviewCycle.QUARTERLY)), now=JULY)
    with pytest.raises(InvalidCommand, match="quarterly") as err:
        await k.app.when(appraise("2026-H1"))
    assert err.value.rule == "KPI-1"
    await k.app.when(appraise("2026-Q2"))


def task(hours: str, written: bool) -> c.AssignTask:
    return c.AssignTask(
        command_id=cid("task"),
        actor=SUPERVISOR,
        task_id=cid("t"),
        assignee="ops-1",
        description="rework the spring banner",
        estimated_hours=Decimal(hours),
        written=written,
    )


async def test_a_verbal_task_of_up_to_2_hours_is_assigned_kpi_9() -> None:
    k = Kpi()
    await k.app.when(task("2", written=False))
    k.app.then(TaskAssigned)


async def test_a_verbal_task_over_2_hours_is_refused_kpi_9() -> None:
    k = Kpi()
    with pytest.raises(RuleViolated, match="must be a written task") as err:
        await k.app.when(task("2.5", written=False))
    assert err.value.rule == "KPI-9"
    await k.app.when(task("2.5", written=True))
    k.app.then(TaskAssigned)


SATURDAY = dt.date(2026, 3, 14)


def training(
    on: dt.date = SATURDAY, talks: tuple[Talk, ...] | None = None, exception: str | None = None
) -> c.ScheduleTraining:
    talks = talks or (
        Talk(speaker="cs-1", topic="returns", talk_min=20, qa_min=10),
        Talk(speaker="p-1", topic="keywords", talk_min=20, qa_min=10),
    )
    return c.ScheduleTraining(
        command_id=cid("tr"),
        actor=SUPERVISOR,
        session_id=cid("s"),
        on=on,
        starts_at=dt.time(14, 0),
        talks=talks,
        exception=exception,
    )


async def test_training_on_saturday_afternoon_20_plus_10_minutes_per_speaker_kpi_10() -> None:
    k = Kpi()
    await k.app.when(training())
    assert k.app.types(aggregate="Training") == ["TrainingScheduled"]


async def test_training_on_another_day_or_shape_is_refused_kpi_10() -> None:
    k = Kpi()
    with pytest.raises(RuleViolated, match="not on ISO weekday 6") as err:
        await k.app.when(training(on=dt.date(2026, 3, 13)))
    assert err.value.rule == "KPI-10"
    long = (Talk(speaker="cs-1", topic="returns", talk_min=30, qa_min=0),)
    with pytest.raises(RuleViolated, match="20 min talk"):
        await k.app.when(training(talks=long))
    twice = (Talk(speaker="cs-1", topic="a", talk_min=20, qa_min=10),) * 2
    with pytest.raises(RuleViolated, match="take turns"):
        await k.app.when(training(talks=twice))


async def test_another_shape_is_accepted_with_a_reason_when_the_setting_allows_kpi_10() -> None:
    k = Kpi(KpiSettings(policy=KpiPolicy(training=TrainingPolicy(allow_other_shapes=True))))
    with pytest.raises(RuleViolated, match="say why"):
        await k.app.when(training(on=dt.date(2026, 3, 13)))
    await k.app.when(training(on=dt.date(2026, 3, 13), exception="Saturday is the 618 sale"))
    assert k.app.types(aggregate="Training") == ["TrainingScheduled"]


def report(kind: ReportKind, period: str) -> c.SubmitReport:
    return c.SubmitReport(command_id=cid("rep"), actor=SUPERVISOR, kind=kind, period=period)


async def test_the_daily_report_is_due_by_17_30_and_marked_late_after_kpi_8() -> None:
    k = Kpi(now=dt.datetime(2026, 3, 10, 17, 20, tzinfo=TZ))
    await k.app.when(report(ReportKind.DAILY_REPORT, "2026-03-10"))
    k.at(dt.datetime(2026, 3, 11, 17, 31, tzinfo=TZ))
    await k.app.when(report(ReportKind.DAILY_REPORT, "2026-03-11"))
    late = [e.late for e in k.app.events(aggregate="Report") if isinstance(e, ReportSubmitted)]
    assert late == [False, True]


async def test_each_report_kind_has_its_period_and_is_submitted_once_kpi_8_c12() -> None:
    k = Kpi(now=dt.datetime(2026, 3, 13, 16, 0, tzinfo=TZ))
    await k.app.when(report(ReportKind.WEEKLY_STATISTICS, "2026-W11"))  # due Friday 13 March 18:00
    [weekly] = k.app.then(ReportSubmitted)
    assert isinstance(weekly, ReportSubmitted)
    assert weekly.due_at == dt.datetime(2026, 3, 13, 18, 0, tzinfo=TZ)
    with pytest.raises(RuleViolated, match="already"):
        await k.app.when(report(ReportKind.WEEKLY_STATISTICS, "2026-W11"))
    with pytest.raises(InvalidCommand, match="an ISO week") as err:
        await k.app.when(report(ReportKind.WEEKLY_MEETING_MINUTES, "2026-03-09"))
    assert err.value.rule == "KPI-8"
    await k.app.when(report(ReportKind.MONTH_END_REPORT, "2026-02"))
    [month_end] = k.app.then(ReportSubmitted)
    assert isinstance(month_end, ReportSubmitted)
    assert month_end.late  # due on 28 February
