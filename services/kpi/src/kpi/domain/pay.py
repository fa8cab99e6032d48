"""Performance pay and commission of one month, pure (KPI-2..KPI-5, C6, ORD-16).

- KPI-2 promoter: completion = net sales ÷ target (ORD-16: orders − refunds); below the floor
  (30 %) no performance pay; from 30 % completion × the full amount (500), at most the full amount;
  exceeding the plan (completion > 100 %) earns a bonus within 50-100 (the supervisor's choice with
  a reason, else the setting's default).
- KPI-4 customer service: like promoters; while the website is not fully running
  (`customer_service_full_pay`) the full amount, the completion still recorded.
- KPI-3 supervisor: the department's completion of each quota (promotion = the month's net sales;
  feedback and franchise as recorded); any quota under 30 % → no performance pay, else the mean
  completion × 500 (pro rata, at most 500); every quota met → a bonus within 100-150; 50 deducted
  per promoter under 30 %; the amount never falls below 0.
- KPI-5 commission: the pool = net sales × rate; each position's share of the pool is split among
  its people by completion (a person under the floor gets none; a position whose people all fall
  under it leaves its share unpaid). The supervisor's completion is the department's.

Every figure carries its steps with their rule ids (the payslip's explanation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from jetstream_es.errors import InvalidCommand, RuleViolated
from kpi.domain.policy import KpiPolicy, PerformancePolicy
from shop_contracts.commands.kpi import ChosenBonus
from shop_contracts.events.kpi import FormulaStep, Position, QuotaKind

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(actual: Decimal, target: Decimal) -> Decimal:
    """A completion, cut (not rounded) to four places: 29.995 % stays under 30 %."""
    if target <= 0:
        return Decimal(0)
    return max(actual / target, Decimal(0)).quantize(RATIO, rounding=ROUND_DOWN)


def pct(value: Decimal) -> str:
    return f"{value * 100:.2f} %"


@dataclass(frozen=True)
class Figure:
    """One employee's performance pay: the inputs, the parts and the steps."""

    employee_id: str
    position: Position
    target: Decimal
    actual: Decimal
    completion: Decimal
    performance_pay: Decimal
    bonus: Decimal
    deduction: Decimal
    steps: tuple[FormulaStep, ...]

    @property
    def amount(self) -> Decimal:
        return money(max(self.performance_pay + self.bonus - self.deduction, Decimal(0)))


@dataclass(frozen=True)
class Commission:
    employee_id: str
    position: Position
    net_sales: Decimal
    pool: Decimal
    share: Decimal
    amount: Decimal
    steps: tuple[FormulaStep, ...]


def _bonus(
    chosen: ChosenBonus | None, lo: Decimal, hi: Decimal, default: Decimal, rule: str, employee: str
) -> tuple[Decimal, str]:
    if chosen is None:
        return default, f"bonus for beating the plan: the default {default} (range {lo}-{hi})"
    if not lo <= chosen.amount <= hi:
        raise RuleViolated(
            f"{rule}: the bonus of {employee} must be within {lo}-{hi}; {chosen.amount} was chosen", rule
        )
    return chosen.amount, f"bonus for beating the plan: {chosen.amount} chosen ({chosen.reason})"


def individual(
    employee_id: str,
    position: Position,
    target: Decimal,
    actual: Decimal,
    policy: PerformancePolicy,
    chosen: ChosenBonus | None = None,
) -> Figure:
    """KPI-2 (promoter) and KPI-4 (customer service)."""
    rule = "KPI-2" if position is Position.PROMOTER else "KPI-4"
    c = ratio(actual, target)
    steps = [
        FormulaStep(rule="ORD-16", description=f"net sales {actual} against the target {target}", value=c)
    ]
    full = policy.full_amount
    if position is Position.CUSTOMER_SERVICE and policy.customer_service_full_pay:
        pay = full
        steps.append(
            FormulaStep(
                rule="KPI-4", description="full performance pay until the website is fully running", value=pay
            )
        )
    elif c < policy.floor:
        pay = Decimal(0)
        steps.append(
            FormulaStep(
                rule=rule, description=f"completion {pct(c)} below {pct(policy.floor)}: none", value=pay
            )
        )
    else:
        pay = money(full * min(c, Decimal(1)))
        steps.append(
            FormulaStep(rule=rule, description=f"completion {pct(min(c, Decimal(1)))} × {full}", value=pay)
        )
    bonus = Decimal(0)
    if c > 1:
        bonus, text = _bonus(
            chosen,
            policy.promoter_bonus_min,
            policy.promoter_bonus_max,
            policy.promoter_bonus_default,
            "KPI-2",
            employee_id,
        )
        steps.append(FormulaStep(rule="KPI-2", description=text, value=bonus))
    elif chosen is not None:
        raise RuleViolated(
            f"KPI-2: {employee_id} did not exceed the plan ({pct(c)}); no bonus can be chosen", "KPI-2"
        )
    return Figure(employee_id, position, target, actual, c, pay, bonus, Decimal(0), tuple(steps))


def supervisor(
    employee_id: str,
    quotas: Mapping[QuotaKind, Decimal],
    results: Mapping[QuotaKind, Decimal],
    promoters: Sequence[Figure],
    policy: PerformancePolicy,
    chosen: ChosenBonus | None = None,
) -> Figure:
    """KPI-3: the department's quotas decide the supervisor's performance pay."""
    if not quotas:
        raise RuleViolated(
            "KPI-3: the supervisor's performance pay needs the department's quotas (SetDepartmentQuota)",
            "KPI-3",
        )
    steps: list[FormulaStep] = []
    completions: list[Decimal] = []
    for kind in sorted(quotas):
        actual = results.get(kind, Decimal(0))
        c = ratio(actual, quotas[kind])
        completions.append(c)
        steps.append(
            FormulaStep(rule="KPI-3", description=f"{kind.value}: {actual} of {quotas[kind]}", value=c)
        )
    mean = (sum(completions, Decimal(0)) / len(completions)).quantize(RATIO, rounding=ROUND_DOWN)
    full = policy.full_amount
    if min(completions) < policy.floor:
        pay = Decimal(0)
        steps.append(
            FormulaStep(
                rule="KPI-3", description=f"a quota under {pct(policy.floor)}: no performance pay", value=pay
            )
        )
    else:
        pay = money(full * min(mean, Decimal(1)))
        steps.append(
            FormulaStep(
                rule="KPI-3", description=f"mean completion {pct(min(mean, Decimal(1)))} × {full}", value=pay
            )
        )
    bonus = Decimal(0)
    if min(completions) >= 1:
        bonus, text = _bonus(
            chosen,
            policy.supervisor_bonus_min,
            policy.supervisor_bonus_max,
            policy.supervisor_bonus_default,
            "KPI-3",
            employee_id,
        )
        steps.append(FormulaStep(rule="KPI-3", description=text, value=bonus))
    elif chosen is not None:
        raise RuleViolated(
            f"KPI-3: the department did not meet every quota; no bonus for {employee_id}", "KPI-3"
        )
    under = sorted(
        f.employee_id for f in promoters if f.position is Position.PROMOTER and f.completion < policy.floor
    )
    deduction = policy.supervisor_deduction * len(under)
    if under:
        steps.append(
            FormulaStep(
                rule="KPI-3",
                description=f"{policy.supervisor_deduction} per promoter under {pct(policy.floor)}: {', '.join(under)}",
                value=-deduction,
            )
        )
    target = sum(quotas.values(), Decimal(0))
    actual = sum((results.get(k, Decimal(0)) for k in quotas), Decimal(0))
    return Figure(employee_id, Position.SUPERVISOR, target, actual, mean, pay, bonus, deduction, tuple(steps))


def commissions(net_sales: Decimal, figures: Sequence[Figure], policy: KpiPolicy) -> list[Commission]:
    """KPI-5: the month's commission of everyone with a figure."""
    rate, floor = policy.commission.rate, policy.performance.floor
    pool = money(max(net_sales, Decimal(0)) * rate)
    out: list[Commission] = []
    for position, share in policy.commission.shares.items():
        people = [f for f in figures if f.position is position]
        qualified = [f for f in people if f.completion >= floor]
        total = sum((f.completion for f in qualified), Decimal(0))
        part = money(pool * share)
        for f in sorted(people, key=lambda f: f.employee_id):
            mine = (
                (f.completion / total).quantize(RATIO, rounding=ROUND_DOWN)
                if f in qualified and total
                else Decimal(0)
            )
            amount = money(part * f.completion / total) if f in qualified and total else Decimal(0)
            steps = (
                FormulaStep(
                    rule="ORD-16", description=f"the month's net sales {net_sales} × {rate}", value=pool
                ),
                FormulaStep(
                    rule="KPI-5", description=f"{position.value} share {share} of the pool", value=part
                ),
                FormulaStep(
                    rule="KPI-5",
                    description=(
                        f"completion {pct(f.completion)} of the position's {pct(total)}"
                        if f in qualified
                        else f"completion {pct(f.completion)} under {pct(floor)}: none"
                    ),
                    value=amount,
                ),
            )
            out.append(Commission(f.employee_id, position, net_sales, pool, mine, amount, steps))
    return out


def chosen_bonuses(bonuses: Sequence[ChosenBonus]) -> dict[str, ChosenBonus]:
    by: dict[str, ChosenBonus] = {}
    for i, b in enumerate(bonuses):
        if b.employee_id in by:
            raise InvalidCommand(
                f"one bonus per employee: {b.employee_id} twice", "KPI-2", fields=[f"bonuses.{i}"]
            )
        by[b.employee_id] = b
    return by
