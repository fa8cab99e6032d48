"""The endpoints verify every request's actor before the handler runs (decision 0009, issue 17):
the token checked against the subject and the raw body, the body's actor at most a copy of the
token's, the token's actor put into the command, queries refused to readers without their roles."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

from jetstream_es.commands import CommandResult
from jetstream_es.errors import Forbidden
from jetstream_es.identity import (
    IdentityRefused,
    Issuer,
    SigningKey,
    Verifier,
    acting_as,
    current_actor,
    require_own_or,
)
from jetstream_es.service.endpoints import Request, run_command, run_query
from jetstream_es.settings import IdentitySettingError, RuntimeSettings
from jetstream_es.testing.sample import Increment
from shop_contracts.envelope import Actor
from shop_contracts.messages import Query

SUBJECT = "sample.commands.Increment"
CLERK = Actor(id="clerk-1", roles=("system",))
KEY = SigningKey.generate("k1", "shop-issuer")
ISSUER = Issuer(KEY)
VERIFIER = Verifier({"k1": KEY.trusted()})


def body(**overrides: Any) -> bytes:
    fields: dict[str, Any] = {"command_id": "c-1", "counter_id": "c1", "by": 1}
    fields.update(overrides)
    return json.dumps({k: v for k, v in fields.items() if v is not None}).encode()


def signed(raw: bytes, actor: Actor = CLERK, subject: str = SUBJECT) -> Request:
    return Request(SUBJECT, raw, ISSUER.mint(actor, subject, raw))


class Handler:
    def __init__(self) -> None:
        self.seen: list[Increment] = []

    async def __call__(self, cmd: Increment) -> CommandResult:
        assert current_actor() == cmd.actor  # what query handlers read is the same actor
        self.seen.append(cmd)
        return CommandResult(cmd.counter_id, 1, ("e-1",))


async def test_a_body_without_actor_gets_the_tokens_actor() -> None:
    handler = Handler()
    reply = await run_command(Increment, handler, signed(body()), VERIFIER)
    assert reply.ok, reply
    assert handler.seen[0].actor == CLERK


async def test_a_body_naming_the_tokens_actor_is_accepted() -> None:
    handler = Handler()
    raw = body(actor={"id": "clerk-1", "roles": ["system"]})
    assert (await run_command(Increment, handler, signed(raw), VERIFIER)).ok


async def test_a_body_naming_another_actor_is_forbidden_and_not_handled() -> None:
    handler = Handler()
    raw = body(actor={"id": "boss", "roles": ["dept_supervisor"]})
    reply = await run_command(Increment, handler, signed(raw), VERIFIER)
    assert reply.error is not None
    assert reply.error.code == "forbidden"
    assert reply.error.details == [{"reason": "body_actor_mismatch"}]
    assert handler.seen == []


async def test_a_body_with_more_roles_than_the_token_is_forbidden() -> None:
    handler = Handler()
    raw = body(actor={"id": "clerk-1", "roles": ["system", "dept_supervisor"]})
    reply = await run_command(Increment, handler, signed(raw), VERIFIER)
    assert reply.error is not None
    assert reply.error.details == [{"reason": "body_actor_mismatch"}]


@pytest.mark.parametrize(
    ("request_of", "reason"),
    [
        (lambda raw: Request(SUBJECT, raw, None), "missing_token"),
        (lambda raw: Request(SUBJECT, raw, "not-a-jwt"), "malformed_token"),
        (
            lambda raw: Request(SUBJECT, raw, ISSUER.mint(CLERK, "sample.commands.OpenCounter", raw)),
            "wrong_request",
        ),
        (lambda raw: Request(SUBJECT, raw, ISSUER.mint(CLERK, SUBJECT, raw + b" ")), "wrong_request"),
        (
            lambda raw: Request(
                SUBJECT, raw, Issuer(SigningKey.generate("k1", "shop-issuer")).mint(CLERK, SUBJECT, raw)
            ),
            "bad_signature",
        ),
        (
            lambda raw: Request(SUBJECT, raw, Issuer(KEY, now=lambda: 0.0).mint(CLERK, SUBJECT, raw)),
            "expired",
        ),
    ],
)
async def test_a_bad_token_is_forbidden_naming_the_reason_before_the_body_is_read(
    request_of: Any, reason: str
) -> None:
    handler = Handler()
    reply = await run_command(Increment, handler, request_of(body()), VERIFIER)
    assert reply.error is not None
    assert reply.error.code == "forbidden", reply
    assert reply.error.details == [{"reason": reason}]
    assert handler.seen == []


async def test_an_invalid_body_with_a_valid_token_is_still_invalid_at_its_path() -> None:
    reply = await run_command(Increment, Handler(), signed(body(by=0)), VERIFIER)
    assert reply.error is not None
    assert reply.error.code == "invalid"
    assert [d["field"] for d in reply.error.details or []] == ["by"]


async def test_an_unsigned_malformed_body_is_refused_for_its_token_first() -> None:
    reply = await run_command(Increment, Handler(), Request(SUBJECT, b'{"command_id": ', None), VERIFIER)
    assert reply.error is not None
    assert reply.error.details == [{"reason": "missing_token"}]


class Payroll(Query):
    read_roles: ClassVar[tuple[str, ...] | None] = ("hr_dept",)
    read_rule: ClassVar[str | None] = "HR-33"
    period: str


async def answer(query: Payroll) -> dict[str, Any]:
    return {"period": query.period, "reader": current_actor().id}


def asked(actor: Actor, raw: bytes = b'{"period": "2026-03"}') -> Request:
    subject = "hr.queries.Payroll"
    return Request(subject, raw, ISSUER.mint(actor, subject, raw))


async def test_a_query_is_answered_to_a_reader_with_its_role_who_is_the_current_actor() -> None:
    reply = await run_query(Payroll, answer, asked(Actor(id="hr-1", roles=("hr_dept",))), VERIFIER)
    assert reply.ok
    assert reply.result == {"period": "2026-03", "reader": "hr-1"}


async def test_a_query_is_forbidden_to_a_reader_without_its_roles_citing_its_rule_hr_33() -> None:
    reply = await run_query(Payroll, answer, asked(Actor(id="emp-1", roles=())), VERIFIER)
    assert reply.error is not None
    assert reply.error.code == "forbidden"
    assert reply.error.rule == "HR-33"
    assert reply.error.details == [{"reason": "read_role_required", "roles": ["hr_dept"]}]


async def test_a_query_without_a_token_is_forbidden() -> None:
    reply = await run_query(Payroll, answer, Request("hr.queries.Payroll", b"{}", None), VERIFIER)
    assert reply.error is not None
    assert reply.error.details == [{"reason": "missing_token"}]


def test_verification_on_without_a_trust_file_refuses_naming_the_setting() -> None:
    with pytest.raises(IdentitySettingError, match="SHOP_IDENTITY_TRUST"):
        RuntimeSettings(identity_trust=None).verifier()


def test_verification_off_builds_no_verifier() -> None:
    assert RuntimeSettings(identity_verify=False).verifier() is None


def test_a_trust_file_that_cannot_be_read_is_refused_naming_the_setting(tmp_path: Any) -> None:
    broken = tmp_path / "trust.json"
    broken.write_text("{")
    with pytest.raises(IdentitySettingError, match="SHOP_IDENTITY_TRUST"):
        RuntimeSettings(identity_trust=broken).verifier()


def test_outside_a_verified_request_there_is_no_current_actor() -> None:
    with pytest.raises(IdentityRefused) as refused:
        current_actor()
    assert refused.value.reason == "missing_token"


def test_own_data_is_the_owners_or_the_roles_hr_36() -> None:
    with acting_as(Actor(id="emp-1", roles=())):
        assert require_own_or("emp-1", ("hr_dept",), what="the payslip", rule="HR-36").id == "emp-1"
        with pytest.raises(Forbidden) as refused:
            require_own_or("emp-2", ("hr_dept",), what="the payslip", rule="HR-36")
    assert refused.value.rule == "HR-36"
    assert refused.value.details == [{"reason": "not_own_data", "roles": ["hr_dept"]}]
    with acting_as(Actor(id="hr-1", roles=("hr_dept",))):
        assert require_own_or("emp-2", ("hr_dept",), what="the payslip", rule="HR-36").id == "hr-1"
