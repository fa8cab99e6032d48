"""Staff accounts, pure (issue 18 part 2): argon2id password hashes, one-time tokens stored only as
their hash, the lockout decision and a session's end. No I/O; times are given.

- a password is hashed with argon2id (`argon2-cffi`'s defaults) and must be at least
  `password_min_length` long;
- after `lockout_failures` failed sign-ins in a row an account is locked for `lockout_minutes`;
  a success resets the count;
- a session ends `session_idle_minutes` after its last request and `session_absolute_hours` after
  sign-in, whichever comes first;
- links and sessions are random (`secrets`), and only their SHA-256 is ever stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backoffice.settings import SignInPolicy

_HASHER = PasswordHasher()  # argon2id


class AccountError(ValueError):
    """A refused account operation; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def hash_password(password: str, policy: SignInPolicy) -> str:
    if len(password) < policy.password_min_length:
        raise AccountError(
            f"the password needs at least {policy.password_min_length} characters "
            "(BACKOFFICE_POLICY__PASSWORD_MIN_LENGTH)",
            "password",
        )
    return _HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    """A fresh random token for a link or a session (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored of a link or session token: its SHA-256, never the token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Lockout:
    failures: int
    locked_until: datetime | None


def after_failure(failures: int, now: datetime, policy: SignInPolicy) -> Lockout:
    """The account's state after one more failed sign-in: locked once the count reaches the limit."""
    failures += 1
    if failures >= policy.lockout_failures:
        return Lockout(0, now + timedelta(minutes=policy.lockout_minutes))
    return Lockout(failures, None)


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def session_ended(created_at: datetime, last_seen_at: datetime, now: datetime, policy: SignInPolicy) -> bool:
    idle = now - last_seen_at > timedelta(minutes=policy.session_idle_minutes)
    absolute = now - created_at > timedelta(hours=policy.session_absolute_hours)
    return idle or absolute


def link_expires(now: datetime, policy: SignInPolicy) -> datetime:
    return now + timedelta(hours=policy.link_hours)
