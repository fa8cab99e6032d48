"""The people read model (HR-38, DIS-6, DIS-7, DIS-12, DIS-13; SM-DISC): each employee's Employee
and DisciplineRecord events in order, and the Employee and DisciplineRecord queries folding them.
The Employee query shows the grade and base salary of joining and each demotion (DIS-11) with the
new grade, its base salary (HR-39) and the date it takes effect.

Personal data stays sealed in the table; the Employee query opens it with the employee's data key
at read time, so after an erasure it shows `erased` — also after a rebuild of this projection.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hr.people.adapters.keys import EmployeeKeys
from hr.people.domain import discipline, employees
from jetstream_es.events import EventRegistry
from jetstream_es.history import define_history_table, read_history, record_event
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from shop_contracts.aggregates import HR_DISCIPLINE_RECORD, HR_EMPLOYEE
from shop_contracts.events.hr_people import SealedPersonalData
from shop_contracts.queries.hr_people import DisciplineRecord, Employee, EmployeeListStatus, ListEmployees

REGISTRY = EventRegistry([*employees.registry.models, *discipline.registry.models])
ERASED = "erased"
STATUS_AFTER = {
    "SafetyTrainingPassed": "active",
    "ResignationSubmitted": "resigning",
    "EmployeeOffboarded": "left",
}
"""The status an employee's event leaves them in (onboarded until the safety exam, DIS-13)."""
LISTED = ("EmployeeOnboarded", "EmployeePersonalDataErased", *STATUS_AFTER)


class PeopleViews(Projection):
    name = "hr_people_views"
    sources = (HR_EMPLOYEE, HR_DISCIPLINE_RECORD)
    handles = employees.registry.event_types | discipline.registry.event_types

    def __init__(self) -> None:
        super().__init__(REGISTRY)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return {
            "employees": define_history_table(metadata, f"employee_history{suffix}", "employee_id"),
            "discipline": define_history_table(metadata, f"discipline_history{suffix}", "employee_id"),
        }

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table = "employees" if item.event.envelope.aggregate_type == "Employee" else "discipline"
        await record_event(conn, tables[table], item.event)


async def employee(
    engine: AsyncEngine, tables: Tables, keys: EmployeeKeys, query: Employee
) -> dict[str, Any] | None:
    async with engine.connect() as conn:
        history = await read_history(conn, tables["employees"], query.employee_id)
        cases = await read_history(conn, tables["discipline"], query.employee_id)
    if not history:
        return None
    view: dict[str, Any] = {"employee_id": query.employee_id, "status": "onboarded", "safety_training": None}
    view["demotions"] = [
        {
            k: entry["data"].get(k)
            for k in ("case_id", "from_grade", "new_grade", "new_base_salary", "effective_date", "decided_by")
        }
        for entry in cases
        if entry["event_type"] == "EmployeeDemoted"
    ]
    sealed: SealedPersonalData | None = None
    for entry in history:
        data = entry["data"]
        match entry["event_type"]:
            case "EmployeeOnboarded":
                sealed = SealedPersonalData.model_validate(data["personal"])
                view |= {
                    k: data[k] for k in ("join_date", "post", "grade", "base_salary", "id_copy_received")
                }
                view["employee_file_completed"] = data["employee_file_completed"]
            case "SafetyTrainingPassed":
                view |= {"safety_training": {"passed": True, "on": data["passed_on"], "score": data["score"]}}
                view["status"] = STATUS_AFTER[entry["event_type"]]
            case "SafetyTrainingFailed":
                view |= {"safety_training": {"passed": False, "on": data["taken_on"], "score": data["score"]}}
            case "RosteredBeforeSafetyTraining":
                view.setdefault("rostered_before_safety_training", []).append(data["work_date"])
            case "ResignationSubmitted":
                view["resignation"] = {
                    k: data[k]
                    for k in ("submitted_on", "effective_date", "required_from", "final_settlement_blocked")
                } | {"rule": "DIS-7"}
                view["status"] = STATUS_AFTER[entry["event_type"]]
            case "HandoverCompleted":
                view["handover"] = {
                    k: data[k] for k in ("handed_to", "witnessed_by", "completed_on", "items")
                }
            case "EmployeeOffboarded":
                view["offboarded"] = {
                    k: data[k] for k in ("effective_date", "reason", "final_settlement_blocked", "reference")
                }
                view["status"] = STATUS_AFTER[entry["event_type"]]
            case "EmployeePersonalDataErased":
                view["personal_data_erased"] = {"by": data["requested_by"], "at": entry["occurred_at"]}
    erased = "personal_data_erased" in view  # erased stays erased, whatever key a restore brought
    personal = await keys.open(query.employee_id, sealed) if sealed is not None and not erased else None
    view["personal"] = personal if personal is not None else ERASED
    return view


async def list_employees(
    engine: AsyncEngine, tables: Tables, keys: EmployeeKeys, query: ListEmployees, *, names: bool
) -> dict[str, Any]:
    """The employees by id with post, grade (of joining, as Employee shows it), join date and status, filtered and paged, from one read of
    the employee histories; `names` opens the page's names with each employee's data key (HR only,
    HR-38), otherwise no personal field is read or answered."""
    history = tables["employees"]
    wanted = select(history).where(history.c.event_type.in_(LISTED))
    async with engine.connect() as conn:
        rows = (await conn.execute(wanted.order_by(history.c.employee_id, history.c.version))).all()
    found: dict[str, dict[str, Any]] = {}
    sealed: dict[str, SealedPersonalData | None] = {}
    for row in rows:
        if row.event_type == "EmployeeOnboarded":
            found[row.employee_id] = {
                "employee_id": row.employee_id,
                "post": row.data["post"],
                "grade": row.data["grade"],
                "join_date": row.data["join_date"],
                "status": "onboarded",
            }
            sealed[row.employee_id] = SealedPersonalData.model_validate(row.data["personal"])
        elif row.employee_id in found and row.event_type == "EmployeePersonalDataErased":
            sealed[row.employee_id] = None
        elif row.employee_id in found:
            found[row.employee_id]["status"] = STATUS_AFTER[row.event_type]
    chosen = [
        e
        for e in found.values()
        if (query.post is None or e["post"] == query.post)
        and (
            query.status is None or (e["status"] == "left") == (query.status == EmployeeListStatus.OFFBOARDED)
        )
    ]
    page = chosen[query.offset : query.offset + query.limit]
    if names:
        for e in page:
            box = sealed[e["employee_id"]]
            personal = await keys.open(e["employee_id"], box) if box is not None else None
            e["name"] = personal["name"] if personal is not None else ERASED
    answer: dict[str, Any] = {
        "employees": page,
        "total": len(chosen),
        "limit": query.limit,
        "offset": query.offset,
    }
    return answer


async def discipline_record(engine: AsyncEngine, tables: Tables, query: DisciplineRecord) -> dict[str, Any]:
    async with engine.connect() as conn:
        history = await read_history(conn, tables["discipline"], query.employee_id)
    cases: dict[str, dict[str, Any]] = {}
    for entry in history:
        data, kind = entry["data"], entry["event_type"]
        case_id = data["case_id"]
        if kind == "OffenceRecorded":
            cases[case_id] = {
                k: data[k]
                for k in (
                    "case_id",
                    "offence_class",
                    "item",
                    "serious",
                    "occurred_on",
                    "recorded_on",
                    "description",
                )
            } | {"recorded_by": data["recorded_by"], "month_count": data["month_count"]}
            cases[case_id] |= {"warning": False, "fine": None, "dismissal": None, "appeal": None}
            continue
        case = cases[case_id]
        match kind:
            case "WrittenWarningIssued":
                case["warning"] = True
            case "DisciplinaryFineImposed":
                case["fine"] = {
                    "amount": data["amount"],
                    "fund": data["fund"],
                    "rule": data["rule"],
                    "cancelled": False,
                }
            case "DisciplinaryFineCancelled":
                case["fine"]["cancelled"] = True
            case "DisciplinaryDismissalProposed":
                case["dismissal"] = {"status": "proposed", "basis": data["basis"], "rule": data["rule"]}
            case "DisciplinaryDismissalDecided":
                case["dismissal"] |= {
                    "status": "dismissed" if data["dismissed"] else "declined",
                    "decided_by": data["decided_by"],
                    "effective_date": data["effective_date"],
                }
            case "PenaltyAppealed":
                case["appeal"] = {
                    "status": "pending",
                    "grounds": data["grounds"],
                    "appealed_on": data["appealed_on"],
                }
            case "AppealDecided":
                case["appeal"] |= {
                    "status": data["outcome"],
                    "decided_by": data["decided_by"],
                    "note": data["note"],
                }
    fined = sum(
        (Decimal(c["fine"]["amount"]) for c in cases.values() if c["fine"] and not c["fine"]["cancelled"]),
        Decimal(0),
    )
    return {
        "employee_id": query.employee_id,
        "cases": list(cases.values()),
        "warnings": sum(1 for c in cases.values() if c["warning"]),
        "fined": str(fined.quantize(Decimal("0.01"))),
    }
