"""Staff accounts, pure (issue 18 part 2): argon2id hashes, the minimum length, the lockout after
5 failures for 15 minutes, the session's idle (30 min) and absolute (12 h) end, token hashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backoffice.domain.accounts import (
    AccountError,
    after_failure,
    digest,
    hash_password,
    is_locked,
    link_expires,
    new_secret,
    password_matches,
    session_ended,
)
from backoffice.settings import BackofficeSettings, SignInPolicy

POLICY = SignInPolicy()
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_password_is_stored_as_an_argon2id_hash_that_verifies_only_itself() -> None:
    hashed = hash_password("correct horse battery", POLICY)
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert password_matches(hashed, "correct horse battery")
    assert not password_matches(hashed, "correct horse batterY")
    assert not password_matches(None, "anything")
    assert not password_matches("not a hash", "anything")


def test_a_short_password_is_refused_naming_the_field_and_the_setting() -> None:
    with pytest.raises(AccountError) as refused:
        hash_password("short", POLICY)
    assert refused.value.field == "password"
    assert "12" in str(refused.value)
    assert "BACKOFFICE_POLICY__PASSWORD_MIN_LENGTH" in str(refused.value)


def test_the_fifth_failure_in_a_row_locks_for_fifteen_minutes() -> None:
    failures = 0
    for _ in range(4):
        lockout = after_failure(failures, NOW, POLICY)
        assert lockout.locked_until is None
        failures = lockout.failures
    assert failures == 4
    locked = after_failure(failures, NOW, POLICY)
    assert locked.locked_until == NOW + timedelta(minutes=15)
    assert is_locked(locked.locked_until, NOW + timedelta(minutes=14, seconds=59))
    assert not is_locked(locked.locked_until, NOW + timedelta(minutes=15))
    assert not is_locked(None, NOW)


def test_the_lockout_numbers_are_settings() -> None:
    policy = SignInPolicy(lockout_failures=2, lockout_minutes=1)
    assert after_failure(0, NOW, policy).locked_until is None
    assert after_failure(1, NOW, policy).locked_until == NOW + timedelta(minutes=1)


def test_a_session_ends_after_30_idle_minutes_or_12_hours() -> None:
    assert not session_ended(NOW, NOW + timedelta(minutes=29), NOW + timedelta(minutes=30), POLICY)
    assert session_ended(NOW, NOW, NOW + timedelta(minutes=31), POLICY)
    busy_until = NOW + timedelta(hours=12, minutes=1)
    assert session_ended(NOW, busy_until - timedelta(minutes=1), busy_until, POLICY)


def test_links_and_sessions_are_random_and_only_their_hash_is_kept() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert len(first) >= 40
    assert digest(first) != first
    assert digest(first) == digest(first)
    assert len(digest(first)) == 64
    assert link_expires(NOW, POLICY) == NOW + timedelta(hours=24)


def test_the_policy_comes_from_nested_environment_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKOFFICE_POLICY__LOCKOUT_FAILURES", "3")
    monkeypatch.setenv("BACKOFFICE_PORT", "8123")
    settings = BackofficeSettings()
    assert settings.policy.lockout_failures == 3
    assert settings.policy.lockout_minutes == 15
    assert settings.port == 8123
    assert settings.cookie_secure is True
