"""Signed actor assertions: who sends a request is proven by a short-lived token, never by its body.

A request to a service carries, in the `Shop-Actor-Token` header (`Header.ACTOR_TOKEN`), an EdDSA
(Ed25519) JWT minted by an issuer the services trust (decision 0009):

- header `kid`: which trusted key signed it (more than one key may be trusted at once: rotation);
- `iss`: the issuer's name, which must be the one the trust file records for that key;
- `sub` and `roles`: the actor; the issuer puts in only the roles the person or program holds;
- `iat`, `exp`: issued-at and expiry (seconds; a short lifetime, two minutes by default), checked
  against the wall clock, never the simulation clock, with a few seconds' leeway for skew;
- `bnd`: the request it was minted for, `base64url(sha256(subject "\\n" body))`: a token copied onto
  another command (another subject, another command id or payload) is refused;
- `jti`: a random id, for the logs.

The trust file (`SHOP_IDENTITY_TRUST`, JSON) lists each trusted public key with its issuer and,
for a program's own key, the actors and roles that key may assert at most: a service key for the
demo driver cannot assert a supervisor. A `Verifier` refuses a missing, malformed, unknown-key,
forged, expired, not-yet-valid or mismatching token with `IdentityRefused`, whose `reason` is one of
`REASONS` and is what the `forbidden` reply names.

The runtime verifies every request before its handler runs and sets the proven actor for the
request (`current_actor()`, a context variable): a command's `actor` is replaced by it, and query
handlers read it for the rules on own data (`require_own_or`: an employee reads their own payslip,
HR reads all). In-process reactions and deadline schedulers never pass the runtime's endpoints: they
act with their own system actors (`Cause.of_event`, `SYSTEM_ACTOR`) and need no token.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor
from shop_contracts.headers import Header

ALGORITHM: Final = "EdDSA"
DEFAULT_TTL_S: Final = 120.0
LEEWAY_S: Final = 5.0
REASONS: Final = (
    "missing_token",
    "malformed_token",
    "unknown_key",
    "bad_signature",
    "expired",
    "not_yet_valid",
    "wrong_issuer",
    "wrong_request",
    "actor_not_allowed",
    "role_not_allowed",
    "body_actor_mismatch",
)
Now = Callable[[], float]


class IdentityRefused(Forbidden):
    """The request's actor is not proven; nothing was done. `reason` is one of `REASONS`."""

    def __init__(self, reason: str, message: str) -> None:
        assert reason in REASONS, reason
        super().__init__(f"{message} ({reason})", details=[{"reason": reason}])
        self.reason = reason


def request_binding(subject: str, body: bytes) -> str:
    """What a token is bound to: the subject and the exact body of the one request."""
    digest = hashlib.sha256(subject.encode() + b"\n" + body).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    """An issuer's private key with its key id."""

    kid: str
    issuer: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, kid: str, issuer: str) -> SigningKey:
        return cls(kid, issuer, Ed25519PrivateKey.generate())

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def public_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    @classmethod
    def from_pem(cls, kid: str, issuer: str, pem: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"signing key {kid}: not an Ed25519 private key")
        return cls(kid, issuer, key)

    def save(self, path: Path) -> None:
        """Write the key as JSON (`kid`, `issuer`, `private_key` PEM), readable by the owner only."""
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"kid": self.kid, "issuer": self.issuer, "private_key": self.private_pem().decode()}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(document, out)
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        """A key written by `save` (`SHOP_IDENTITY_KEY` names the file a program signs with)."""
        try:
            document = json.loads(path.read_text())
            return cls.from_pem(document["kid"], document["issuer"], document["private_key"].encode())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"identity key file {path}: {exc}") from exc

    def trusted(
        self, *, actors: Iterable[str] | None = None, roles: Iterable[str] | None = None
    ) -> TrustedKey:
        """This key's public half as a trust entry (optionally limited in what it may assert)."""
        return TrustedKey(
            kid=self.kid,
            issuer=self.issuer,
            public_key=self.private_key.public_key(),
            actors=None if actors is None else frozenset(actors),
            roles=None if roles is None else frozenset(roles),
        )


@dataclass(frozen=True)
class TrustedKey:
    """A public key the services accept tokens from. `actors`/`roles`: at most these (None: any)."""

    kid: str
    issuer: str
    public_key: Ed25519PublicKey
    actors: frozenset[str] | None = None
    roles: frozenset[str] | None = None

    def to_json(self) -> dict[str, Any]:
        pem = self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        entry: dict[str, Any] = {"kid": self.kid, "issuer": self.issuer, "public_key": pem}
        if self.actors is not None:
            entry["actors"] = sorted(self.actors)
        if self.roles is not None:
            entry["roles"] = sorted(self.roles)
        return entry

    @classmethod
    def from_json(cls, entry: Mapping[str, Any]) -> TrustedKey:
        key = serialization.load_pem_public_key(str(entry["public_key"]).encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"trusted key {entry.get('kid')}: not an Ed25519 public key")
        actors, roles = entry.get("actors"), entry.get("roles")
        return cls(
            kid=str(entry["kid"]),
            issuer=str(entry["issuer"]),
            public_key=key,
            actors=None if actors is None else frozenset(str(a) for a in actors),
            roles=None if roles is None else frozenset(str(r) for r in roles),
        )


def write_trust(path: Path, keys: Iterable[TrustedKey]) -> None:
    path.write_text(json.dumps({"keys": [k.to_json() for k in keys]}, indent=2) + "\n")


def read_trust(path: Path) -> dict[str, TrustedKey]:
    """The trust file's keys by kid; a file that cannot be read is an error at start-up."""
    try:
        document = json.loads(path.read_text())
        entries = document["keys"]
        keys = [TrustedKey.from_json(entry) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"identity trust file {path}: {exc}") from exc
    by_kid = {key.kid: key for key in keys}
    if len(by_kid) != len(keys):
        raise ValueError(f"identity trust file {path}: a kid is listed twice")
    return by_kid


class Issuer:
    """Mints tokens for actors with one signing key. The caller decides which roles to put in:
    the identity issuer asks the grants (never the caller) what a person holds right now."""

    def __init__(self, key: SigningKey, *, ttl_s: float = DEFAULT_TTL_S, now: Now = time.time) -> None:
        self.key, self.ttl_s, self._now = key, ttl_s, now

    def mint(self, actor: Actor, subject: str, body: bytes) -> str:
        issued = int(self._now())
        claims = {
            "iss": self.key.issuer,
            "sub": actor.id,
            "roles": list(actor.roles),
            "iat": issued,
            "exp": issued + int(self.ttl_s),
            "bnd": request_binding(subject, body),
            "jti": secrets.token_urlsafe(12),
        }
        return jwt.encode(claims, self.key.private_key, algorithm=ALGORITHM, headers={"kid": self.key.kid})

    def headers(self, actor: Actor, subject: str, body: bytes) -> dict[str, str]:
        """The headers of a request from `actor` (`nc.request(subject, body, headers=...)`)."""
        return {Header.ACTOR_TOKEN: self.mint(actor, subject, body)}


class Verifier:
    """Checks a request's token against the trusted keys and returns the proven actor."""

    def __init__(
        self, keys: Mapping[str, TrustedKey], *, leeway_s: float = LEEWAY_S, now: Now = time.time
    ) -> None:
        self.keys, self.leeway_s, self._now = dict(keys), leeway_s, now

    def verify(self, token: str | None, subject: str, body: bytes) -> Actor:
        if not token:
            raise IdentityRefused("missing_token", "the request carries no actor token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise IdentityRefused("malformed_token", f"the actor token cannot be read: {exc}") from None
        kid = header.get("kid")
        trusted = self.keys.get(kid) if isinstance(kid, str) else None
        if trusted is None:
            raise IdentityRefused("unknown_key", f"the actor token is signed by an untrusted key {kid!r}")
        try:
            claims = jwt.decode(
                token,
                trusted.public_key,
                algorithms=[ALGORITHM],
                options={
                    "require": ["iss", "sub", "iat", "exp", "bnd"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise IdentityRefused("bad_signature", "the actor token's signature does not verify") from None
        except jwt.PyJWTError as exc:
            raise IdentityRefused("malformed_token", f"the actor token cannot be read: {exc}") from None
        now = self._now()
        if not isinstance(claims.get("exp"), int | float) or now > claims["exp"] + self.leeway_s:
            raise IdentityRefused("expired", "the actor token has expired; ask the issuer for a new one")
        if not isinstance(claims.get("iat"), int | float) or claims["iat"] > now + self.leeway_s:
            raise IdentityRefused("not_yet_valid", "the actor token is issued in the future")
        if claims["iss"] != trusted.issuer:
            raise IdentityRefused(
                "wrong_issuer", f"key {trusted.kid} belongs to {trusted.issuer}, not {claims['iss']!r}"
            )
        if claims["bnd"] != request_binding(subject, body):
            raise IdentityRefused(
                "wrong_request", "the actor token was issued for another request (subject or body differ)"
            )
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise IdentityRefused("malformed_token", "the actor token's roles are not a list of role ids")
        actor_id = str(claims["sub"])
        if trusted.actors is not None and actor_id not in trusted.actors:
            raise IdentityRefused("actor_not_allowed", f"key {trusted.kid} may not speak for {actor_id!r}")
        if trusted.roles is not None and not set(roles) <= trusted.roles:
            extra = ", ".join(sorted(set(roles) - trusted.roles))
            raise IdentityRefused("role_not_allowed", f"key {trusted.kid} may not assert the roles {extra}")
        try:
            return Actor(id=actor_id, roles=tuple(roles))
        except ValueError as exc:
            raise IdentityRefused(
                "malformed_token", f"the actor token's subject is not an actor: {exc}"
            ) from None


_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "jetstream_es_current_actor", default=None
)


def current_actor() -> Actor:
    """The proven actor of the request being handled (set by the runtime from its token).

    Outside a verified request (a handler called in-process, verification switched off) there is
    none, and whatever needs one is refused: `IdentityRefused("missing_token")`."""
    actor = _current.get()
    if actor is None:
        raise IdentityRefused("missing_token", "no proven actor: the request carries no verified token")
    return actor


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """While the block runs, `current_actor()` is `actor` (the runtime, around each request)."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def require_own_or(owner_id: str, roles: Iterable[str], *, what: str, rule: str | None) -> Actor:
    """The reader is `owner_id` themself or holds one of `roles`; otherwise `Forbidden` citing `rule`.

    For the rules on own data: an employee reads their own payslip, HR (`roles`) reads everyone's."""
    actor = current_actor()
    allowed = tuple(roles)
    if actor.id != owner_id and not actor.has_any(*allowed):
        raise Forbidden(
            f"{what} of {owner_id} is theirs and {' or '.join(allowed)}'s to read; {actor.id} is neither",
            rule,
            details=[{"reason": "not_own_data", "roles": list(allowed)}],
        )
    return actor


__all__ = [
    "REASONS",
    "IdentityRefused",
    "Issuer",
    "SigningKey",
    "TrustedKey",
    "Verifier",
    "acting_as",
    "current_actor",
    "read_trust",
    "request_binding",
    "require_own_or",
    "write_trust",
]
