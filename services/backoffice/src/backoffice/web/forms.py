"""Forms from the contracts' command models (issue 18 part 3).

`form_for(model, ...)` turns a pydantic command's fields into inputs (text, date, number,
checkbox, a select for an enum); `actor`, `command_id` and `correlation_id` are the back office's,
never the user's, and never rendered. `parse_form(model, posted, actor, command_id)` converts
the posted strings by each field's type and validates locally; a refusal (`ShopReply` with
`code="invalid"`) carries the field paths, shown beside their inputs exactly like the service's
own `invalid` reply. A `rule_violated` reply's rule id and message are shown above the form.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from backoffice.shop import ShopReply
from shop_contracts.envelope import Actor

BACK_OFFICE_FIELDS = frozenset({"actor", "command_id", "correlation_id"})


@dataclass
class Input:
    name: str
    kind: str  # text, date, datetime-local, number, checkbox, select, textarea
    required: bool
    value: str = ""
    options: list[str] = field(default_factory=list)
    help: str = ""
    error: str = ""


@dataclass
class Form:
    model: type[BaseModel]
    action: str
    inputs: list[Input]
    reply: ShopReply | None = None
    hidden: dict[str, str] = field(default_factory=dict)

    @property
    def general_errors(self) -> dict[str, str]:
        """Field errors not about an input shown (e.g. `(body)`, a cross-field check)."""
        shown = {i.name for i in self.inputs}
        if self.reply is None:
            return {}
        return {k: v for k, v in self.reply.fields.items() if k.split(".")[0] not in shown}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The field's base type, and whether None is allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else str), True
    return annotation, False


def _kind(base: Any, info: FieldInfo) -> tuple[str, list[str]]:
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "select", [str(m.value) for m in base]
    if base is bool:
        return "checkbox", []
    if base is dt.date:
        return "date", []
    if base is dt.datetime:
        return "datetime-local", []
    if base in (int, float, Decimal):
        return "number", []
    for meta in info.metadata:
        if getattr(meta, "max_length", None) and meta.max_length > 200:
            return "textarea", []
    return "text", []


def form_for(
    model: type[BaseModel],
    action: str,
    *,
    values: dict[str, str] | None = None,
    reply: ShopReply | None = None,
    fixed: dict[str, str] | None = None,
) -> Form:
    """The form of `model`'s user-given fields; `fixed` fields are sent hidden (e.g. the person's
    own `employee_id` on their home)."""
    values = values or {}
    fixed = fixed or {}
    return Form(model, action, _inputs(model, values, reply, fixed, ""), reply, hidden=dict(fixed))


def _nested(base: Any) -> bool:
    return isinstance(base, type) and issubclass(base, BaseModel)


def _inputs(
    model: type[BaseModel],
    values: dict[str, str],
    reply: ShopReply | None,
    fixed: dict[str, str],
    prefix: str,
) -> list[Input]:
    """The inputs of `model`'s fields; a nested model's fields are inputs named `<field>.<sub>`
    (e.g. `personal.name`), the path an `invalid` reply names."""
    inputs: list[Input] = []
    for field_name, info in model.model_fields.items():
        name = prefix + field_name
        if field_name in BACK_OFFICE_FIELDS or name in fixed or info.exclude:
            continue
        base, optional = _unwrap(info.annotation)
        if _nested(base):
            inputs += _inputs(base, values, reply, fixed, f"{name}.")
            continue
        kind, options = _kind(base, info)
        default = (
            ""
            if info.is_required() or info.default is None or info.default in ((), [])
            else str(getattr(info.default, "value", info.default))
        )
        inputs.append(
            Input(
                name=name,
                kind=kind,
                required=info.is_required() and not optional,
                value=values.get(
                    name, default if kind != "checkbox" else ("on" if info.default is True else "")
                ),
                options=options,
                help=info.description or "",
                error=(reply.fields.get(name, "") if reply else ""),
            )
        )
    return inputs


def _convert(value: str, base: Any) -> Any:
    if base in (int,):
        return int(value)
    if base is float:
        return float(value)
    return value


def _document(
    model: type[BaseModel], posted: dict[str, str], fixed: dict[str, str], errors: dict[str, str], prefix: str
) -> dict[str, Any]:
    """The posted strings of `model`'s fields converted by type; a nested model's from `<field>.<sub>`."""
    document: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        name = prefix + field_name
        if field_name in BACK_OFFICE_FIELDS or info.exclude:
            continue
        base, _ = _unwrap(info.annotation)
        if _nested(base):
            document[field_name] = _document(base, posted, fixed, errors, f"{name}.")
            continue
        raw = fixed.get(name, posted.get(name, ""))
        if base is bool:
            document[field_name] = raw in ("on", "true", "1")
            continue
        if raw == "":
            continue  # missing: the model says whether it may be
        try:
            document[field_name] = _convert(raw.strip(), base)
        except ValueError:
            errors[name] = f"not a {getattr(base, '__name__', 'value')}"
    return document


def parse_form(
    model: type[BaseModel],
    posted: dict[str, str],
    actor: Actor,
    command_id: str,
    fixed: dict[str, str] | None = None,
) -> BaseModel | ShopReply:
    """The command built from a posted form, or an `invalid` reply naming each bad field."""
    document: dict[str, Any] = {"actor": actor, "command_id": command_id}
    errors: dict[str, str] = {}
    document |= _document(model, posted, fixed or {}, errors, "")
    if not errors:
        try:
            return model.model_validate(document)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                path = ".".join(str(p) for p in err["loc"]) or "(body)"
                cause = (err.get("ctx") or {}).get("error")
                names = getattr(cause, "fields", None) or (path,)
                for name in names:
                    errors.setdefault(name, str(cause) if cause is not None else err["msg"])
    return ShopReply(
        False, code="invalid", message=f"{model.__name__} is not valid: {', '.join(errors)}", fields=errors
    )
