"""Who the demo, the end-to-end tests and the bench drivers speak for (issue 17, decision 0009).

Every request carries an actor token minted for it (bound to its subject and body), from the keys
`shopops identity init` wrote (`make run`: `var/identity/`):

- people (the staff, the buyers): the person issuer's key (`keys/issuer.json`), with the roles the
  identity service's grants say the person holds right now (`identity.queries.RolesOf`, asked as
  the issuer, role `identity_issuer`), never the roles the caller wishes: a role revoked on
  offboarding is gone from the next token once the roles are asked again (after `fresh_s`, 60 s by
  default, or at once after `forget`);
- programs with their own key (`keys/<name>.json`: `platform-connector`, `shop-setup`): as the
  program itself, with the roles its trust entry allows;
- `system` acts (the clock terminal's punches, the carrier's delivery reports): the driver's own
  program key (`shop-demo` for the demo and the end-to-end tests, `bench` for the bench drivers).

`bootstrap` gives the people their roles through the identity service, the way a new shop would:
the `shop-setup` program grants `identity_admin` to the first administrator (IDN-7), who then
grants each person the roles they act in (GrantRole, with a reason). `ensure` does the same for a
person the driver meets for the first time (a buyer of a new order), once per person and process:
a role revoked later (offboarding) is never given back behind the grants' back.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout

from jetstream_es.identity import Issuer, SigningKey, read_trust
from shop_contracts.envelope import Actor as WireActor

DEFAULT_DIR: Final = Path("var/identity")
ROLES_OF: Final = "identity.queries.RolesOf"
GRANT_ROLE: Final = "identity.commands.GrantRole"
ISSUER_PROGRAM: Final = WireActor(id="shop-issuer", roles=("identity_issuer",))
SETUP_PROGRAM: Final = "shop-setup"
ADMIN: Final = "admin-1"
"""The first administrator the demo's bootstrap makes (identity_admin, granted by shop-setup)."""
SYSTEM_ID: Final = "system"
Send = Callable[[str, bytes, dict[str, str]], Awaitable[dict[str, Any]]]


class IdentityUnavailable(Exception):
    """The keys are missing or the identity service does not answer."""


def _load(path: Path) -> SigningKey:
    if not path.exists():
        raise IdentityUnavailable(
            f"identity key {path} does not exist: start the shop once (`make run` generates the keys) "
            "or run `shopops identity init --dir DIR`"
        )
    try:
        return SigningKey.load(path)
    except ValueError as exc:
        raise IdentityUnavailable(str(exc)) from None


@dataclass
class Identity:
    """The keys of one identity directory and the roles the grants gave each person."""

    nc: Client
    directory: Path = DEFAULT_DIR
    program: str = "shop-demo"
    fresh_s: float = 60.0
    timeout: float = 10.0
    _issuer: Issuer | None = None
    _programs: dict[str, tuple[Issuer, WireActor]] = field(default_factory=dict)
    _roles: dict[str, tuple[tuple[str, ...], float]] = field(default_factory=dict)
    _ensured: set[str] = field(default_factory=set)
    _granting: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def issuer(self) -> Issuer:
        if self._issuer is None:
            self._issuer = Issuer(_load(self.directory / "keys" / "issuer.json"))
        return self._issuer

    def program_signer(self, name: str) -> tuple[Issuer, WireActor]:
        """A program's own key and the actor it is: its name with the roles its trust entry allows."""
        if name not in self._programs:
            key = _load(self.directory / "keys" / f"{name}.json")
            try:
                entry = read_trust(self.directory / "trust.json").get(key.kid)
            except ValueError as exc:
                raise IdentityUnavailable(str(exc)) from None
            if entry is None:
                raise IdentityUnavailable(f"program {name}'s key {key.kid} is not in the trust file")
            self._programs[name] = (Issuer(key), WireActor(id=name, roles=tuple(sorted(entry.roles or ()))))
        return self._programs[name]

    def is_program(self, actor_id: str) -> bool:
        return actor_id == SYSTEM_ID or (self.directory / "keys" / f"{actor_id}.json").exists()

    async def _request(self, subject: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        data = json.dumps(body).encode()
        try:
            msg = await self.nc.request(subject, data, timeout=self.timeout, headers=headers)
        except (NoRespondersError, NatsTimeout) as exc:
            raise IdentityUnavailable(
                f"no answer on {subject} ({type(exc).__name__}): is identity running?"
            ) from None
        reply: dict[str, Any] = json.loads(msg.data)
        return reply

    async def roles_of(self, person: str) -> tuple[str, ...]:
        """The roles the grants say `person` holds now (cached for `fresh_s`)."""
        cached = self._roles.get(person)
        if cached is not None and time.monotonic() - cached[1] < self.fresh_s:
            return cached[0]
        body = {"person_id": person}
        data = json.dumps(body).encode()
        reply = await self._request(ROLES_OF, body, self.issuer.headers(ISSUER_PROGRAM, ROLES_OF, data))
        if not reply.get("ok"):
            raise IdentityUnavailable(f"{ROLES_OF} for {person} refused: {reply.get('error')}")
        roles = tuple(sorted(str(r) for r in (reply.get("result") or {}).get("roles", [])))
        self._roles[person] = (roles, time.monotonic())
        return roles

    def forget(self, person: str | None = None) -> None:
        """Ask the grants again at the next request (of `person`, or of everyone)."""
        if person is None:
            self._roles.clear()
        else:
            self._roles.pop(person, None)

    async def signer(self, actor_id: str) -> tuple[Issuer, WireActor]:
        """Who signs a request of `actor_id` and the actor its token names."""
        if actor_id == SYSTEM_ID:
            return self.program_signer(self.program)
        if self.is_program(actor_id):
            return self.program_signer(actor_id)
        return self.issuer, WireActor(id=actor_id, roles=await self.roles_of(actor_id))

    async def grant(self, by: str, person: str, role: str, reason: str) -> dict[str, Any]:
        """GrantRole as `by` (a program with its own key, or a person through the issuer)."""
        issuer, actor = await self.signer(by)
        command_id = f"grant-{person}-{role}-{time.time_ns()}"
        body = {"command_id": command_id, "person_id": person, "role": role, "reason": reason}
        data = json.dumps(body).encode()
        reply = await self._request(GRANT_ROLE, body, issuer.headers(actor, GRANT_ROLE, data))
        self.forget(person)
        return reply

    async def ensure(self, person: str, roles: Iterable[str], *, by: str = ADMIN) -> tuple[str, ...]:
        """Grant `person` the roles they lack, once per person and process; the roles held after."""
        if self.is_program(person):
            return ()
        if person in self._ensured:
            return await self.roles_of(person)
        async with self._granting:  # concurrent first requests of one person grant once
            if person not in self._ensured:
                self.forget(person)
                held = set(await self.roles_of(person))
                missing = sorted(set(roles) - held)
                if missing and by == ADMIN:
                    await self.bootstrap_admin()
                for role in missing:
                    reply = await self.grant(by, person, role, "demo shop: the role this person acts in")
                    if not reply.get("ok") and (reply.get("error") or {}).get("rule") != "IDN-3":
                        raise IdentityUnavailable(
                            f"granting {role} to {person} as {by} refused: {reply.get('error')}"
                        )
                self._ensured.add(person)
        return await self.roles_of(person)

    async def bootstrap_admin(self) -> None:
        """IDN-7: the `shop-setup` program grants the first administrator `identity_admin`."""
        if ADMIN in self._ensured:
            return
        if "identity_admin" not in await self.roles_of(ADMIN):
            reply = await self.grant(SETUP_PROGRAM, ADMIN, "identity_admin", "the shop's first administrator")
            if not reply.get("ok") and (reply.get("error") or {}).get("rule") != "IDN-3":  # held already
                raise IdentityUnavailable(
                    f"bootstrapping {ADMIN} as {SETUP_PROGRAM} refused: {reply.get('error')}"
                )
        self._ensured.add(ADMIN)

    async def bootstrap(self, people: Iterable[tuple[str, Iterable[str]]]) -> dict[str, tuple[str, ...]]:
        """The first administrator (granted by shop-setup), then every person's roles (by them)."""
        await self.bootstrap_admin()
        return {person: await self.ensure(person, roles) for person, roles in people}
