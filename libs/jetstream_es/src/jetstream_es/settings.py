"""Runtime settings shared by every service. Only a service's `bootstrap.py` instantiates them.

Environment variables with the `SHOP_` prefix, e.g. `SHOP_NATS_URL`, `SHOP_CLOCK=simulation`.

Reply inboxes (decision 0010): every connection gets its own inbox prefix, `_INBOX_<user>` for the
NATS user it connects as (`_INBOX_<connection name>` without a user, the embedded `make run`), or
`SHOP_NATS_INBOX_PREFIX`. The cluster's permissions let a user subscribe to its own prefix only.

Identity (decision 0009): `SHOP_IDENTITY_TRUST` names the trust file (the public keys of the issuers
the service accepts actor tokens from); `SHOP_IDENTITY_VERIFY` is true unless a test that does not
exercise identity switches it off. With verification on and no trust file the service does not start.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from jetstream_es.identity import Verifier, read_trust

INBOX_PREFIX_BASE = "_INBOX_"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
_SUBJECT = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")


def inbox_prefix(user: str) -> str:
    """The reply inbox prefix of NATS user (or program) `user`: `_INBOX_<user>` (decision 0010).

    Inboxes are `<prefix>.<unique>`; the server lets `user` subscribe to `<prefix>.>` only."""
    if not _TOKEN.fullmatch(user):
        raise ValueError(
            f"nats_user {user!r}: an inbox prefix needs a name of letters, digits, '_' and '-' "
            "(decision 0010: one reply inbox prefix per NATS user)"
        )
    return f"{INBOX_PREFIX_BASE}{user}"


def progress_inbox(prefix: str, service: str, token: str) -> str:
    """Where `service` publishes replay progress for a requester with inbox `prefix`: a subject
    under the requester's own prefix that only `service` (and the requester) may publish to."""
    return f"{prefix}.progress.{service}.{token}"


class IdentitySettingError(ValueError):
    """The service cannot verify actor tokens as configured; the message names the setting."""


class RuntimeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOP_", extra="ignore")

    nats_url: str = Field("nats://127.0.0.1:4222", description="NATS server(s), comma separated")
    nats_user: str | None = None
    nats_password: str | None = None
    nats_creds: Path | None = Field(None, description="a .creds file (cluster deployment)")
    nats_inbox_prefix: str | None = Field(
        None, description="reply inbox prefix; default `_INBOX_<nats_user>` (decision 0010)"
    )
    connect_timeout: float = Field(2.0, gt=0)
    request_timeout: float = Field(5.0, gt=0)
    clock: Literal["system", "simulation"] = "system"
    business_tz: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_json: bool = True
    var_dir: Path = Path("var")
    health_host: str = Field("127.0.0.1", description="0.0.0.0 in containers")
    health_port: int | None = Field(None, ge=0, le=65535, description="HTTP health port; unset: none")
    handler_concurrency: int = Field(64, ge=1, le=1024, description="requests handled at once per subject")
    aggregate_cache_size: int = Field(10_000, ge=0)
    projection_batch_size: int = Field(256, ge=1, le=10_000)
    max_deliver: int = Field(5, ge=1, le=100)
    identity_trust: Path | None = Field(
        None, description="the trust file of actor-token keys (SHOP_IDENTITY_TRUST, decision 0009)"
    )
    identity_verify: bool = Field(
        True,
        description="verify every request's actor token; false only in tests that do not exercise identity",
    )

    @field_validator("nats_inbox_prefix")
    @classmethod
    def _valid_prefix(cls, value: str | None) -> str | None:
        if value is not None and not _SUBJECT.fullmatch(value):
            raise ValueError(
                f"SHOP_NATS_INBOX_PREFIX {value!r}: a subject of tokens (letters, digits, '_', '-') "
                "without wildcards (decision 0010)"
            )
        return value

    def inbox_prefix(self, connection_name: str) -> str:
        """This connection's reply inbox prefix: the setting, else `_INBOX_<nats_user>`, else
        `_INBOX_<connection_name>` (no user: the embedded server of `make run`)."""
        if self.nats_inbox_prefix:
            return self.nats_inbox_prefix
        return inbox_prefix(self.nats_user or connection_name)

    def verifier(self) -> Verifier | None:
        """The verifier of every request's actor token (decision 0009); None only when verification
        is switched off (`SHOP_IDENTITY_VERIFY=false`, tests). Raises IdentitySettingError, naming
        SHOP_IDENTITY_TRUST, when there is no usable trust file: the service must not start."""
        if not self.identity_verify:
            return None
        if self.identity_trust is None:
            raise IdentitySettingError(
                "SHOP_IDENTITY_TRUST is not set: a service verifies every request's actor token against "
                "the trust file it names (make run writes var/identity/trust.json; decision 0009)"
            )
        try:
            keys = read_trust(self.identity_trust)
        except ValueError as exc:
            raise IdentitySettingError(f"SHOP_IDENTITY_TRUST: {exc}") from None
        if not keys:
            raise IdentitySettingError(
                f"SHOP_IDENTITY_TRUST: {self.identity_trust} trusts no key; nobody could be proven"
            )
        return Verifier(keys)

    def database_url(self, service: str, override: str | None) -> str:
        if override:
            return override
        return f"sqlite+aiosqlite:///{(self.var_dir / f'{service}.db').resolve()}"
