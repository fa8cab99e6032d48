"""The Appraisal aggregate (`Appraisal.<employee>-<cycle>`; KPI-1, KPI-6, KPI-7, C7).

- KPI-1, C7: the cycle id must be of the configured cycle (half_year `2026-H1`, quarterly
  `2026-Q2`, monthly `2026-03`, annual `2026`) and the cycle must have ended; once per cycle.
- KPI-6: every one of the ten dimensions is scored 0-100, no other; the overall score is their mean.
- KPI-7: a web artist's four parts (marketing design, decoration, collateral, ad-hoc support by
  customer satisfaction) are scored 0-100 and weighted 20/30/20/30 (`artist_weights`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from kpi.domain.policy import DIMENSIONS, KpiPolicy, ReviewCycle
from shop_contracts.aggregates import KPI_APPRAISAL
from shop_contracts.commands.kpi import CompleteAppraisal
from shop_contracts.events.kpi import AppraisalCompleted, FormulaStep
from shop_contracts.messages import EventData

registry = EventRegistry([AppraisalCompleted])
TWO = Decimal("0.01")
_FORMS = {
    ReviewCycle.HALF_YEAR: (re.compile(r"^(\d{4})-H([12])$"), "2026-H1"),
    ReviewCycle.QUARTERLY: (re.compile(r"^(\d{4})-Q([1-4])$"), "2026-Q2"),
    ReviewCycle.MONTHLY: (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "2026-03"),
    ReviewCycle.ANNUAL: (re.compile(r"^(\d{4})()$"), "2026"),
}
_MONTHS = {ReviewCycle.HALF_YEAR: 6, ReviewCycle.QUARTERLY: 3, ReviewCycle.MONTHLY: 1, ReviewCycle.ANNUAL: 12}


@dataclass(frozen=True)
class AppraisalState:
    completed: bool = False
    cycle: str = ""


def evolve(state: AppraisalState, event: EventData) -> AppraisalState:
    if isinstance(event, AppraisalCompleted):
        return replace(state, completed=True, cycle=event.cycle)
    return state


APPRAISAL = AggregateType.of(KPI_APPRAISAL, registry, AppraisalState, evolve)


def appraisal_id(employee_id: str, cycle: str) -> str:
    return f"{employee_id}-{cycle}"


def cycle_end(cycle: str, kind: ReviewCycle) -> dt.date:
    """KPI-1: the last day of `cycle`; refuses a cycle id of another kind, naming the setting."""
    pattern, example = _FORMS[kind]
    match = pattern.match(cycle)
    if match is None:
        raise InvalidCommand(
            f"KPI-1: the review cycle is {kind.value} (KPI_POLICY__REVIEW_CYCLE); give a cycle like {example}",
            "KPI-1",
            fields=["cycle"],
        )
    year, index = int(match.group(1)), int(match.group(2) or 1)
    last_month = index * _MONTHS[kind]
    if last_month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, last_month + 1, 1) - dt.timedelta(days=1)


def _scores(given: dict[str, int], names: Sequence[str], field: str, rule: str) -> None:
    missing, extra = sorted(set(names) - set(given)), sorted(set(given) - set(names))
    if missing or extra:
        raise InvalidCommand(
            f"{rule}: score exactly {', '.join(names)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(extra)}" if extra else ""),
            rule,
            fields=[field],
        )
    bad = sorted(k for k, v in given.items() if not 0 <= v <= 100)
    if bad:
        raise InvalidCommand(
            f"{rule}: scores are 0-100; {', '.join(bad)} are not", rule, fields=[f"{field}.{bad[0]}"]
        )


def complete(
    state: AppraisalState, cmd: CompleteAppraisal, policy: KpiPolicy, today: dt.date, now: dt.datetime
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "CompleteAppraisal")
    end = cycle_end(cmd.cycle, policy.review_cycle)
    if today <= end:
        raise RuleViolated(
            f"KPI-1: the cycle {cmd.cycle} runs until {end.isoformat()}; appraise afterwards", "KPI-1"
        )
    if state.completed:
        raise RuleViolated(f"KPI-1: {cmd.employee_id} is appraised for {cmd.cycle} already", "KPI-1")
    _scores(cmd.scores, DIMENSIONS, "scores", "KPI-6")
    overall = (Decimal(sum(cmd.scores.values())) / len(DIMENSIONS)).quantize(TWO, rounding=ROUND_HALF_UP)
    steps = [FormulaStep(rule="KPI-6", description="mean of the ten dimensions", value=overall)]
    weighted = None
    if cmd.artist_parts is not None:
        weights = policy.artist_weights
        _scores(cmd.artist_parts, tuple(weights), "artist_parts", "KPI-7")
        weighted = (
            sum((Decimal(cmd.artist_parts[p]) * w for p, w in weights.items()), Decimal(0)) / 100
        ).quantize(TWO, rounding=ROUND_HALF_UP)
        text = " + ".join(f"{p} {cmd.artist_parts[p]} × {w} %" for p, w in weights.items())
        steps.append(FormulaStep(rule="KPI-7", description=text, value=weighted))
    return [
        AppraisalCompleted(
            employee_id=cmd.employee_id,
            cycle=cmd.cycle,
            scores=cmd.scores,
            overall=overall,
            artist_parts=cmd.artist_parts,
            weighted=weighted,
            steps=tuple(steps),
            appraised_by=cmd.actor.id,
            appraised_at=now,
        )
    ]
