"""Decision 0005 over the whole contract: every command and query refuses, at the field's path,
a JSON boolean for an integer and a JSON number for a date or date-time (issue 15: an order line of
quantity `true`, a clock-in `"at": 987654` stored as January 1970)."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import types
from typing import Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

import shop_contracts
from shop_contracts.messages import Command, Query, validate_wire


def _models() -> list[type[BaseModel]]:
    for info in pkgutil.walk_packages(shop_contracts.__path__, "shop_contracts."):
        importlib.import_module(info.name)
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [Command, Query]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("shop_contracts.") and sub not in found:
                found.append(sub)
    return found


def _plain(annotation: Any) -> set[Any]:
    """The types a field accepts, `X | None` unwrapped."""
    if get_origin(annotation) in (Union, types.UnionType):
        return {a for a in get_args(annotation) if a is not type(None)}
    return {annotation}


def _cases() -> list[Any]:
    cases = []
    for model in _models():
        for name, field in model.model_fields.items():
            kinds = _plain(field.annotation)
            if kinds == {int}:
                cases.append(pytest.param(model, name, True, id=f"{model.__name__}.{name}=true"))
            elif kinds & {dt.datetime, dt.date}:
                cases.append(pytest.param(model, name, 987654, id=f"{model.__name__}.{name}=987654"))
    return cases


def test_the_contract_has_integer_and_time_fields_to_check() -> None:
    assert len(_cases()) > 50


@pytest.mark.parametrize(("model", "field", "value"), _cases())
def test_a_value_of_the_wrong_json_type_is_refused_at_its_field(
    model: type[BaseModel], field: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_wire(model, json.dumps({field: value}))

    assert (field,) in [tuple(e["loc"]) for e in caught.value.errors() if e["type"] != "missing"]
