"""Which projection store errors are an outage (wait for the store) and which are a bug in the
projection (retry, then dead-letter): the runner must not park good events because a database
restarts, nor wait forever on a broken query."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError

from jetstream_es.projection.failures import store_unavailable


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("connection refused"),
        OperationalError("UPDATE t", {}, sqlite3.OperationalError("database is locked")),
        OperationalError("SELECT 1", {}, Exception("the database system is shutting down")),
        OperationalError("SELECT 1", {}, Exception("terminating connection due to administrator command")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        OperationalError("SELECT 1", {}, Exception("x"), connection_invalidated=True),
    ],
)
def test_outages_are_waited_for(error: BaseException) -> None:
    assert store_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT x FROM t", {}, sqlite3.OperationalError("no such table: t")),
        ProgrammingError("SELECT", {}, Exception("syntax error at or near")),
        IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed")),
        RuntimeError("projection bug"),
        KeyError("missing field"),
    ],
)
def test_bugs_are_not_outages(error: BaseException) -> None:
    assert not store_unavailable(error)
