"""Every example in docs/staff is a body the service accepts: each `<service> <Name> {json}` line of
the staff pages (and each `shopctl send|query` line) names a command or query of that service's
contracts and validates against its model on the strict wire (decision 0005), once `command_id` and
`actor` are added to a command (issue 16 deliverable 5: the staff pages show working examples)."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from shop_contracts.messages import Command, Query, validate_wire

REPO = Path(__file__).resolve().parents[2]
STAFF = REPO / "docs" / "staff"
MODULES = {
    "orders": ("orders",),
    "fulfilment": ("fulfilment", "stock"),
    "aftersales": ("aftersales",),
    "hr": ("hr", "hr_time", "hr_people"),
    "identity": ("identity",),
    "catalog": ("catalog",),
    "kpi": ("kpi",),
}
RUNTIME_QUERIES = {"Health"}  # answered by every service's runtime, not a contract of its own
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
EXAMPLE = re.compile(rf"^({'|'.join(MODULES)})\s+([A-Z]\w+)\s+(\{{.*)$")
SHOPCTL = re.compile(r"shopctl (send|query) (\w+) (\w+) --json '(\{.*\})'")


def _models(service: str) -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for kind in ("commands", "queries"):
        for name in MODULES[service]:
            module = importlib.import_module(f"shop_contracts.{kind}.{name}")
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, Command) and value is not Command:
                    found[value.command_name] = value
                elif isinstance(value, type) and issubclass(value, Query) and value is not Query:
                    found[value.query_name] = value
    return found


def examples() -> list[tuple[str, str, str, str]]:
    """(page and line, service, name, JSON body) of every example on the staff pages."""
    out: list[tuple[str, str, str, str]] = []
    for page in sorted(STAFF.glob("*.md")):
        for block in FENCE.findall(page.read_text(encoding="utf-8")):
            lines = block.splitlines()
            i = 0
            while i < len(lines):
                line = lines[i]
                shopctl = SHOPCTL.search(line)
                if shopctl:
                    out.append((f"{page.name}: {line.strip()[:60]}", shopctl[2], shopctl[3], shopctl[4]))
                found = EXAMPLE.match(line)
                i += 1
                if not found:
                    continue
                body = found[3]
                while body.count("{") > body.count("}") and i < len(lines):
                    body += " " + lines[i].strip()
                    i += 1
                out.append((f"{page.name}: {found[1]} {found[2]}", found[1], found[2], body))
    return out


EXAMPLES = examples()


def test_the_staff_pages_have_examples_for_every_service() -> None:
    assert {service for _, service, _, _ in EXAMPLES} == set(MODULES)
    assert len(EXAMPLES) > 80


@pytest.mark.parametrize(("where", "service", "name", "body"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_staff_example_is_a_body_the_service_accepts(
    where: str, service: str, name: str, body: str
) -> None:
    models = _models(service)
    if name in RUNTIME_QUERIES:
        return
    assert name in models, f"{where}: {service} has no command or query {name}"
    data = json.loads(body)
    model = models[name]
    if issubclass(model, Command):
        data.setdefault("command_id", "doc-example")
        data.setdefault("actor", {"id": "staff-1", "roles": ["office"]})
    try:
        validate_wire(model, json.dumps(data))
    except ValidationError as exc:
        pytest.fail(f"{where}: the example is not a valid {name}: {exc}")
