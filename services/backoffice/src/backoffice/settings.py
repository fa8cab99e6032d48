"""The back office's settings (issue 18): where it listens, its store, the issuer key, and its
business numbers, each with its documented default. Only `bootstrap.py` instantiates them.

Environment variables with the `BACKOFFICE_` prefix (the NATS connection is the runtime's
`SHOP_NATS_*`); the sign-in policy is nested, `BACKOFFICE_POLICY__<NAME>` (issue 18 part 2):
lockout after `LOCKOUT_FAILURES` (5) failed sign-ins for `LOCKOUT_MINUTES` (15); sessions end
after `SESSION_IDLE_MINUTES` (30) without a request and `SESSION_ABSOLUTE_HOURS` (12) after
sign-in; one-time links live `LINK_HOURS` (24) and are used once; a person's roles are asked again
from the identity service's grants after `ROLES_FRESH_S` (60 s, IDN-6), so a revoked role is gone
from the next request's token within a minute; `ADMIN_ROLES` (identity_admin, hr_dept) create
accounts and links.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SignInPolicy(BaseModel):
    """The numbers of sign-in (issue 18 part 2); every one has its documented default."""

    lockout_failures: int = Field(5, ge=1, le=100, description="failed sign-ins in a row before the lock")
    lockout_minutes: float = Field(15, gt=0, description="how long an account stays locked")
    session_idle_minutes: float = Field(30, gt=0, description="a session ends after this long unused")
    session_absolute_hours: float = Field(12, gt=0, description="a session ends this long after sign-in")
    link_hours: float = Field(24, gt=0, description="a one-time link's life; used once")
    password_min_length: int = Field(12, ge=8, le=128, description="the shortest password accepted")
    roles_fresh_s: float = Field(60, gt=0, le=600, description="RolesOf answers are reused this long (IDN-6)")
    admin_roles: tuple[str, ...] = Field(
        ("identity_admin", "hr_dept"), min_length=1, description="who creates accounts and links"
    )


class BackofficeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKOFFICE_", extra="ignore", env_nested_delimiter="__")

    host: str = Field("127.0.0.1", description="where uvicorn listens")
    port: int = Field(8000, ge=0, le=65535)
    db_url: str | None = Field(None, description="SQLAlchemy URL; default sqlite under SHOP_VAR_DIR")
    cookie_secure: bool = Field(True, description="the session cookie's Secure flag (off only behind no TLS)")
    default_language: str = Field("zh_CN", pattern=r"^(zh_CN|en)$")
    first_admin_id: str = Field("admin", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    public_url: str | None = Field(None, description="how staff reach it (links); default http://host:port")
    identity_dir: Path | None = Field(None, description="default SHOP_IDENTITY_DIR or <var>/identity")
    request_timeout: float = Field(10.0, gt=0)
    policy: SignInPolicy = Field(default_factory=SignInPolicy)
