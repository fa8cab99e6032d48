"""One reply inbox prefix per NATS user (decision 0010, issue 17): the settings derive it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from jetstream_es.settings import RuntimeSettings, inbox_prefix, progress_inbox


def test_the_prefix_comes_from_the_nats_user_then_the_connection_name() -> None:
    assert RuntimeSettings(nats_user="orders").inbox_prefix("orders-runtime") == "_INBOX_orders"
    assert RuntimeSettings().inbox_prefix("orders-runtime") == "_INBOX_orders-runtime"
    explicit = RuntimeSettings(nats_user="orders", nats_inbox_prefix="_INBOX_x")
    assert explicit.inbox_prefix("orders-runtime") == "_INBOX_x"


def test_a_prefix_with_wildcards_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValidationError, match="SHOP_NATS_INBOX_PREFIX"):
        RuntimeSettings(nats_inbox_prefix="_INBOX.>")
    with pytest.raises(ValueError, match=r"nats_user 'a\.b'"):
        inbox_prefix("a.b")


def test_replay_progress_goes_under_the_requesters_own_prefix() -> None:
    assert progress_inbox("_INBOX_operator", "hr", "abc") == "_INBOX_operator.progress.hr.abc"
