"""Identity on the whole shop (issue 17, IDN-5, decision 0009): real processes, real tokens.

An employee's roles come from the identity service's grants: granted through GrantRole, they are
in the employee's next token (the demo's client and `shopctl login` alike); HR's offboarding
revokes them (IDN-5) and the employee's next token lacks them, so their command is `forbidden`. A
token minted by a program's own key for a person that key may not speak for is `forbidden`
(`actor_not_allowed`), over the real stack.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from jetstream_es.identity import Issuer, SigningKey
from shop_contracts.envelope import Actor as WireActor
from shopctl import identity as shopctl_identity
from shopctl.cli import app as shopctl_app
from shopdemo.client import Actor, Refused, ShopClient, SimClock
from shopdemo.flows import onboard
from shopdemo.staff import ECOM_SUPERVISOR, HR_DEPT, SUPERVISOR
from shopdemo.system import RunningShop

from .conftest import SHANGHAI

pytestmark = pytest.mark.integration
EMPLOYEE = "emp-e2e-idn"


async def shopctl(*args: str) -> Result:
    return await asyncio.to_thread(lambda: CliRunner().invoke(shopctl_app, list(args)))


async def until_roles(client: ShopClient, person: str, roles: tuple[str, ...], within: float = 30.0) -> None:
    assert client.identity is not None
    deadline = time.monotonic() + within
    while True:
        client.identity.forget(person)
        held = await client.identity.roles_of(person)
        if held == roles:
            return
        assert time.monotonic() < deadline, f"{person} still holds {held}"
        await asyncio.sleep(0.2)


async def test_an_offboarded_employees_next_token_lacks_the_revoked_roles_and_is_forbidden(
    shop: RunningShop, client: ShopClient, clock: SimClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IDN-5, DIS-7: offboarding revokes every role; the next command is refused `forbidden`."""
    today = dt.datetime(2026, 11, 2, 10, tzinfo=SHANGHAI)
    await clock.set(today)
    await onboard(client, EMPLOYEE, "趙六", today.date())
    keeper = Actor(EMPLOYEE, ("warehouse_keeper",))
    check = {"day": today.date().isoformat(), "point": "before_work", "locks_ok": True}  # FUL-19
    await client.send("fulfilment", "RecordWarehouseCheck", check, actor=keeper)
    assert (await client.proven(keeper)).roles == ("warehouse_keeper",)  # granted, then in the token

    key = str(shop.var / "identity" / "keys" / "issuer.json")
    base = ["--url", shop.url, "--key", key]
    login = await shopctl(*base, "login", EMPLOYEE)
    assert login.exit_code == 0, login.output
    assert "roles: warehouse_keeper" in login.output

    leaving = (today + dt.timedelta(days=31)).date().isoformat()
    resignation = {"employee_id": EMPLOYEE, "effective_date": leaving}
    await client.send("hr", "SubmitResignation", resignation, actor=keeper)  # DIS-7, their own act
    handover = {"employee_id": EMPLOYEE, "handed_to": "emp-e2e-successor", "items": ["倉庫鑰匙"]}
    await client.send("hr", "CompleteHandover", handover, actor=ECOM_SUPERVISOR)  # DIS-12
    await client.send(
        "hr",
        "OffboardEmployee",
        {"employee_id": EMPLOYEE, "reason": "resigned", "effective_date": leaving},
        actor=HR_DEPT,
    )
    await until_roles(client, EMPLOYEE, ())
    assert (await client.proven(keeper)).roles == ()
    with pytest.raises(Refused) as refused:
        await client.send("fulfilment", "RecordWarehouseCheck", check, actor=keeper)
    assert refused.value.code == "forbidden"

    # shopctl's session asks the grants again once its roles are older than ROLES_FRESH_S
    monkeypatch.setattr(shopctl_identity, "ROLES_FRESH_S", 0.0)
    body = json.dumps({"command_id": "idn-shopctl-1", **check})
    sent = await shopctl(*base, "send", "fulfilment", "RecordWarehouseCheck", "--json", body)
    assert sent.exit_code == 1, sent.output
    assert "forbidden" in sent.output
    assert (await shopctl(*base, "logout")).exit_code == 0


async def test_a_program_key_cannot_speak_for_a_person(shop: RunningShop, client: ShopClient) -> None:
    """The platform connector's key may assert only itself with `platform`: a supervisor's
    approval signed with it is `forbidden` (actor_not_allowed) and not applied."""
    connector = Issuer(SigningKey.load(Path(shop.var / "identity" / "keys" / "platform-connector.json")))
    subject = "aftersales.commands.ApproveRefundRequest"
    data = json.dumps({"command_id": "idn-forged-1", "case_id": "case-idn-none"}).encode()
    supervisor = WireActor(id=SUPERVISOR.id, roles=SUPERVISOR.roles)
    msg = await client.nc.request(
        subject, data, timeout=10, headers=connector.headers(supervisor, subject, data)
    )
    reply = json.loads(msg.data)
    assert reply["ok"] is False
    assert reply["error"]["code"] == "forbidden"
    assert reply["error"]["details"] == [{"reason": "actor_not_allowed"}]
    unsigned = await client.nc.request(subject, data, timeout=10)
    assert json.loads(unsigned.data)["error"]["details"] == [{"reason": "missing_token"}]
