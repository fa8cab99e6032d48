"""Who shopctl speaks for (issue 17, decision 0009): `shopctl login`, sessions and per-request tokens.

Every request shopctl sends to a service (`send`, `query`, `replay`, `dlq retry`, `backup orders`)
carries a token in the `Shop-Actor-Token` header, minted for that one request (bound to its
subject and body, two minutes' life):

- for the person logged in with `shopctl login <person-id>`: signed with the person issuer's key
  (`SHOP_IDENTITY_KEY`, default `var/identity/keys/issuer.json`), with the roles the identity
  service's grants say the person holds (`identity.queries.RolesOf`, asked with the issuer
  program's own token). The session (`<identity dir>/sessions/<login name>.json`, owner-only)
  records the person, their roles, when the roles were last asked and when it expires (8 hours
  after login). When the recorded roles are older than `ROLES_FRESH_S` (60 s), the next request
  asks RolesOf again first, so a role revoked on offboarding is gone from the next token within a
  minute; a person whose grants were all revoked is logged out at that point.
- with `--as-program <name>` (`SHOP_AS_PROGRAM`): signed with that program's own key
  (`<identity dir>/keys/<name>.json`), as the program itself with the roles its trust entry allows
  (`<identity dir>/trust.json` or `SHOP_IDENTITY_TRUST`), e.g. `shopctl-operator` (`operator`) for
  the admin endpoints.
- the admin endpoints (`replay`, `dlq retry`) with neither: as `shopctl-operator` when its key file
  is there (an operator's acts are the operator program's); anything else with neither goes without
  a token and the service answers `forbidden` (`missing_token`), which shopctl explains.

The `Health` query needs no token and gets none.
"""

from __future__ import annotations

import getpass
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats.errors
from nats.aio.client import Client

from jetstream_es.identity import Issuer, SigningKey, read_trust
from shop_contracts.envelope import Actor
from shopctl.connection import ShopctlError

DEFAULT_KEY = Path("var/identity/keys/issuer.json")
SESSION_TTL_S = 8 * 3600.0
ROLES_FRESH_S = 60.0
ROLES_OF = "identity.queries.RolesOf"
# the person issuer's own identity when it asks the grants (RolesOf: identity_issuer, IDN-6)
ISSUER_PROGRAM = Actor(id="shop-issuer", roles=("identity_issuer",))
OPERATOR_PROGRAM = "shopctl-operator"


def identity_dir(key_file: Path) -> Path:
    """`var/identity` for `var/identity/keys/issuer.json`: where sessions and program keys are."""
    return key_file.parent.parent if key_file.parent.name == "keys" else key_file.parent


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "operator"


def session_path(key_file: Path) -> Path:
    return identity_dir(key_file) / "sessions" / f"{_login_name()}.json"


def _load_key(path: Path, what: str) -> SigningKey:
    if not path.exists():
        raise ShopctlError(
            f"{what} key file {path} does not exist: run `make run` once (it generates the keys) "
            "or `shopops identity init`, or point SHOP_IDENTITY_KEY at the issuer's key"
        )
    try:
        return SigningKey.load(path)
    except ValueError as exc:
        raise ShopctlError(str(exc)) from None


def held_roles(result: Any) -> tuple[str, ...]:
    """The roles in a RolesOf answer: `{"roles": ["hr_dept", ...]}` (or `[{"role": ...}, ...]`)."""
    roles: Iterable[Any] = result.get("roles", []) if isinstance(result, dict) else result or []
    out = [r if isinstance(r, str) else r.get("role") for r in roles if isinstance(r, str | dict)]
    return tuple(sorted({r for r in out if isinstance(r, str) and r}))


async def roles_of(nc: Client, issuer: Issuer, person: str, seconds: float) -> tuple[str, ...]:
    """What the grants say `person` holds right now, asked with the issuer program's token."""
    body = json.dumps({"person_id": person}).encode()
    try:
        msg = await nc.request(
            ROLES_OF, body, timeout=seconds, headers=issuer.headers(ISSUER_PROGRAM, ROLES_OF, body)
        )
    except nats.errors.NoRespondersError:
        raise ShopctlError(f"nobody answers {ROLES_OF}: is the identity service running?") from None
    except (nats.errors.TimeoutError, TimeoutError):
        raise ShopctlError(f"no answer on {ROLES_OF} within {seconds}s") from None
    reply = json.loads(msg.data)
    if not reply.get("ok"):
        error = reply.get("error") or {}
        raise ShopctlError(
            f"{ROLES_OF} refused for {person}: {error.get('code')}: {error.get('message', '')}", 1
        )
    return held_roles(reply.get("result"))


@dataclass
class Session:
    person: str
    roles: tuple[str, ...]
    roles_checked_at: float
    expires_at: float

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        document = {
            "person": self.person,
            "roles": list(self.roles),
            "roles_checked_at": self.roles_checked_at,
            "expires_at": self.expires_at,
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(document, out)
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> Session | None:
        if not path.exists():
            return None
        try:
            doc = json.loads(path.read_text())
            return cls(
                str(doc["person"]),
                tuple(str(r) for r in doc["roles"]),
                float(doc["roles_checked_at"]),
                float(doc["expires_at"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ShopctlError(f"session file {path} is unreadable ({exc}): `shopctl login` again") from None


async def login(nc: Client, key_file: Path, person: str, seconds: float) -> Session:
    issuer = Issuer(_load_key(key_file, "the person issuer's"))
    roles = await roles_of(nc, issuer, person, seconds)
    now = time.time()
    session = Session(person, roles, now, now + SESSION_TTL_S)
    session.save(session_path(key_file))
    return session


def logout(key_file: Path) -> bool:
    path = session_path(key_file)
    if path.exists():
        path.unlink()
        return True
    return False


@dataclass(frozen=True)
class Credentials:
    """How shopctl signs its requests: the logged-in person (via the issuer) or a program key."""

    key_file: Path = DEFAULT_KEY
    as_program: str | None = None
    trust_file: Path | None = None
    timeout: float = 5.0

    def _program(self, name: str) -> tuple[Issuer, Actor]:
        directory = identity_dir(self.key_file)
        key = _load_key(directory / "keys" / f"{name}.json", f"program {name}'s")
        trust = self.trust_file or directory / "trust.json"
        try:
            entry = read_trust(trust).get(key.kid)
        except ValueError as exc:
            raise ShopctlError(str(exc)) from None
        if entry is None:
            raise ShopctlError(
                f"program {name}'s key {key.kid} is not in {trust}: run `shopops identity init`"
            )
        return Issuer(key), Actor(id=name, roles=tuple(sorted(entry.roles or ())))

    async def _person(self, nc: Client) -> tuple[Issuer, Actor] | None:
        path = session_path(self.key_file)
        session = Session.load(path)
        if session is None:
            return None
        now = time.time()
        if now > session.expires_at:
            path.unlink(missing_ok=True)
            raise ShopctlError(
                f"the session of {session.person} has expired: `shopctl login {session.person}`"
            )
        issuer = Issuer(_load_key(self.key_file, "the person issuer's"))
        if now - session.roles_checked_at > ROLES_FRESH_S:
            session.roles = await roles_of(nc, issuer, session.person, self.timeout)
            session.roles_checked_at = now
            session.save(path)
        return issuer, Actor(id=session.person, roles=session.roles)

    async def signer(self, nc: Client, subject: str) -> tuple[Issuer, Actor] | None:
        """Who signs a request to `subject`; None: it goes without a token."""
        if subject.endswith(".queries.Health"):
            return None
        if self.as_program:
            return self._program(self.as_program)
        person = await self._person(nc)
        if person is not None:
            return person
        operator_key = identity_dir(self.key_file) / "keys" / f"{OPERATOR_PROGRAM}.json"
        if ".admin." in subject and operator_key.exists():
            return self._program(OPERATOR_PROGRAM)
        return None


MISSING_HINT = (
    "nobody is logged in: `shopctl login <person-id>` (or --as-program <name> for a program's own key)"
)
