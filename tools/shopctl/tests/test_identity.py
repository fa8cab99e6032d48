"""shopctl speaks for a proven actor (issue 17, decision 0009): `shopctl login` asks the grants
(`identity.queries.RolesOf`) with the issuer program's token, every request carries a token
minted for it, the roles are asked again when older than a minute (a revoked role is gone from
the next token), `--as-program` signs with a program's own key, and without either the service's
`forbidden` (missing_token) is explained. The services here are stand-ins on a real nats-server
that verify tokens with the runtime's `Verifier` against the generated trust file."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from jetstream_es.identity import IdentityRefused, Verifier, read_trust
from shop_contracts.headers import Header
from shopctl import identity as shopctl_identity
from shopops import identity

from .helpers import shopctl

pytestmark = pytest.mark.integration


class StandIns:
    """`identity.queries.RolesOf` answering from `grants`, and `orders.commands.Probe` /
    `orders.admin.Probe` answering with the token's actor (or the refusal's reason)."""

    def __init__(self, nc: Client, trust: Path) -> None:
        self.nc, self.verifier = nc, Verifier(read_trust(trust))
        self.grants: dict[str, list[str]] = {}
        self.roles_of_asked_by: list[str] = []
        self.seen: list[dict[str, Any]] = []
        self.subs: list[Subscription] = []

    def _verify(self, msg: Msg) -> Any:
        token = (msg.headers or {}).get(Header.ACTOR_TOKEN)
        return self.verifier.verify(token, msg.subject, msg.data)

    async def _reply(self, msg: Msg, body: dict[str, Any]) -> None:
        await msg.respond(json.dumps(body).encode())

    async def roles_of(self, msg: Msg) -> None:
        actor = self._verify(msg)
        self.roles_of_asked_by.append(actor.id)
        person = json.loads(msg.data)["person_id"]
        await self._reply(
            msg, {"ok": True, "result": {"person_id": person, "roles": self.grants.get(person, [])}}
        )

    async def probe(self, msg: Msg) -> None:
        try:
            actor = self._verify(msg)
        except IdentityRefused as exc:
            error = {"code": "forbidden", "message": str(exc), "details": [{"reason": exc.reason}]}
            await self._reply(msg, {"ok": False, "error": error})
            return
        body = json.loads(msg.data)
        self.seen.append({"subject": msg.subject, "actor": actor.model_dump(mode="json"), "body": body})
        await self._reply(msg, {"ok": True, "result": {"actor": actor.id}})

    async def start(self) -> None:
        self.subs = [
            await self.nc.subscribe("identity.queries.RolesOf", cb=self.roles_of),
            await self.nc.subscribe("orders.commands.Probe", cb=self.probe),
            await self.nc.subscribe("orders.admin.Probe", cb=self.probe),
        ]
        await self.nc.flush()


@pytest.fixture
async def shop(nc: Client, tmp_path: Path) -> AsyncIterator[StandIns]:
    identity.init(tmp_path / "identity")
    stand_ins = StandIns(nc, identity.trust_path(tmp_path / "identity"))
    await stand_ins.start()
    yield stand_ins
    for sub in stand_ins.subs:
        await sub.unsubscribe()


def base(url: str, tmp_path: Path) -> list[str]:
    return ["--url", url, "--key", str(tmp_path / "identity" / "keys" / "issuer.json")]


async def test_login_mints_a_token_per_request_with_the_roles_held_now(
    shop: StandIns, nats_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A revoked role (HR's offboarding revokes every role) is not in the next token."""
    args = base(nats_server.url, tmp_path)
    shop.grants["hr-1"] = ["hr_dept"]
    result = await shopctl(*args, "login", "hr-1")
    assert result.exit_code == 0, result.output
    assert "logged in as hr-1, roles: hr_dept" in result.output
    assert shop.roles_of_asked_by == [shopctl_identity.ISSUER_PROGRAM.id]
    session = tmp_path / "identity" / "sessions" / f"{shopctl_identity._login_name()}.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert json.loads(session.read_text())["person"] == "hr-1"

    result = await shopctl(*args, "send", "orders", "Probe", "--json", '{"command_id": "p-1"}')
    assert result.exit_code == 0, result.output
    assert shop.seen[-1]["actor"] == {"id": "hr-1", "roles": ["hr_dept"]}
    assert shop.seen[-1]["body"]["actor"] == {"id": "hr-1", "roles": ["hr_dept"]}  # body agrees with token

    shop.grants["hr-1"] = []  # offboarded: every grant revoked
    monkeypatch.setattr(shopctl_identity, "ROLES_FRESH_S", 0.0)
    result = await shopctl(*args, "send", "orders", "Probe", "--json", '{"command_id": "p-2"}')
    assert result.exit_code == 0, result.output
    assert shop.seen[-1]["actor"] == {"id": "hr-1", "roles": []}
    assert len(shop.roles_of_asked_by) == 2

    result = await shopctl(*args, "whoami")
    assert "hr-1 (roles: none)" in result.output

    assert (await shopctl(*args, "logout")).exit_code == 0
    assert not session.exists()
    result = await shopctl(*args, "send", "orders", "Probe", "--json", '{"command_id": "p-3"}')
    assert result.exit_code == 1
    assert "missing_token" in result.output
    assert "shopctl login" in result.output


async def test_as_program_signs_with_the_programs_own_key_and_limits(
    shop: StandIns, nats_server: Any, tmp_path: Path
) -> None:
    args = base(nats_server.url, tmp_path)
    body = '{"command_id": "p-1"}'
    result = await shopctl(
        *args, "--as-program", "shopctl-operator", "send", "orders", "Probe", "--json", body
    )
    assert result.exit_code == 0, result.output
    assert shop.seen[-1]["actor"] == {"id": "shopctl-operator", "roles": ["operator"]}


async def test_admin_requests_default_to_the_operator_program(
    shop: StandIns, nats_server: Any, tmp_path: Path
) -> None:
    credentials = shopctl_identity.Credentials(key_file=tmp_path / "identity" / "keys" / "issuer.json")
    signer = await credentials.signer(shop.nc, "orders.admin.ReplayProjection")
    assert signer is not None
    assert signer[1].id == "shopctl-operator"
    assert signer[1].roles == ("operator",)
    assert await credentials.signer(shop.nc, "orders.commands.PlaceOrder") is None
    assert await credentials.signer(shop.nc, "orders.queries.Health") is None


async def test_login_without_keys_says_how_to_make_them(nats_server: Any, tmp_path: Path) -> None:
    result = await shopctl(*base(nats_server.url, tmp_path), "login", "hr-1")
    assert result.exit_code == 2
    assert "shopops identity init" in result.output


async def test_an_expired_session_asks_for_a_new_login(
    shop: StandIns, nats_server: Any, tmp_path: Path
) -> None:
    args = base(nats_server.url, tmp_path)
    shop.grants["clerk-1"] = ["order_clerk"]
    assert (await shopctl(*args, "login", "clerk-1")).exit_code == 0
    path = shopctl_identity.session_path(tmp_path / "identity" / "keys" / "issuer.json")
    document = json.loads(path.read_text())
    document["expires_at"] = 0
    path.write_text(json.dumps(document))
    result = await shopctl(*args, "send", "orders", "Probe", "--json", '{"command_id": "p-1"}')
    assert result.exit_code == 2
    assert "expired" in result.output
    assert "shopctl login clerk-1" in result.output
