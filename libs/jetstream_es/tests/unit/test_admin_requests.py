"""Operators' requests have their own base, not `Query` (issue 16; decision 0007), on an unchanged wire."""

from __future__ import annotations

import json

import pytest

from jetstream_es.service.admin import (
    AdminRequest,
    PauseProjection,
    ReplayProjection,
    ResumeProjection,
    RetryDeadLetter,
    run_admin,
)
from jetstream_es.testing.sample import sample_runtime
from shop_contracts.messages import Query

ADMIN = (ReplayProjection, RetryDeadLetter, PauseProjection, ResumeProjection)


@pytest.mark.parametrize("model", ADMIN)
def test_admin_requests_are_not_queries_and_keep_their_class_names(model: type[AdminRequest]) -> None:
    assert issubclass(model, AdminRequest)
    assert not issubclass(model, Query)
    assert model.admin_name == model.__name__


def test_the_runtime_serves_them_on_service_admin_name_and_lists_them_apart_from_queries() -> None:
    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:")
    subjects = {subject for subject, _queue, _run in runtime._endpoints}
    for model in ADMIN:
        assert f"sample.admin.{model.__name__}" in subjects
        assert runtime.admin_models[model.__name__] is model
        assert model.__name__ not in runtime.query_models


async def test_a_bad_admin_request_is_answered_invalid_naming_the_field() -> None:
    async def never(_request: PauseProjection) -> dict[str, object]:
        raise AssertionError("not reached")

    reply = await run_admin(PauseProjection, never, json.dumps({"projection": ""}).encode())
    assert not reply.ok
    assert reply.error is not None
    assert reply.error.code == "invalid"
    assert "projection" in json.dumps(reply.model_dump(mode="json"))
