"""Every query says who may read it (decision 0009, issue 17): `read_roles` declared on the class
itself, role ids of rules.md §0, a rule cited; HR's payroll and personal data stay with HR."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import shop_contracts.queries
from shop_contracts.messages import ROLE_ID_PATTERN, Query
from shop_contracts.queries.hr_people import Employee, PayrollPeriod, Payslip


def _queries() -> list[type[Query]]:
    found: dict[str, type[Query]] = {}
    for module in pkgutil.iter_modules(shop_contracts.queries.__path__):
        loaded = importlib.import_module(f"shop_contracts.queries.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, Query) and value.__module__ == loaded.__name__:
                found[value.query_name] = value
    return [found[name] for name in sorted(found)]


QUERIES = _queries()


def test_the_contracts_have_queries() -> None:
    assert len(QUERIES) >= 25


@pytest.mark.parametrize("model", QUERIES, ids=lambda m: m.query_name)
def test_every_query_declares_who_reads_it_and_the_rule(model: type[Query]) -> None:
    assert "read_roles" in model.__dict__, f"{model.query_name} declares no read_roles"
    assert model.read_rule, f"{model.query_name} cites no rule for who reads it"
    if model.read_roles is not None:
        assert model.read_roles, f"{model.query_name}: an empty read_roles would let nobody read it"
        assert all(re.match(ROLE_ID_PATTERN, role) for role in model.read_roles)


def test_payroll_is_read_by_hr_only_and_own_data_is_checked_by_the_handler_hr_33_hr_36() -> None:
    assert PayrollPeriod.read_roles == ("hr_dept",)
    # a payslip and an employee's record: any proven actor may ask; HR's handler answers only HR
    # and the employee themself (current_actor()), so the runtime lets the question through
    assert Payslip.read_roles is None
    assert Employee.read_roles is None
