"""Asking a wired runtime's query endpoint in-process, as a proven reader (decision 0009): the
request is signed by the session's test identity and answered by the runtime's own endpoint, so
the runtime's read roles (the model's `read_roles`, or `<SERVICE>_QUERY_ROLES`) decide, as over
NATS, without a server."""

from __future__ import annotations

import json
from typing import Any

from jetstream_es.identity import Verifier
from jetstream_es.service import ServiceRuntime
from jetstream_es.service.endpoints import Request
from jetstream_es.testing.identity import session_identity
from shop_contracts.envelope import Actor
from shop_contracts.errors import Reply
from shop_contracts.subjects import query_subject


async def ask_endpoint(runtime: ServiceRuntime, query: str, body: dict[str, Any], actor: Actor) -> Reply:
    """The reply of `runtime`'s endpoint for `query` to `body`, signed as `actor` and verified
    against the session's test identity (whatever verifier the runtime has, for this request)."""
    identity = session_identity()
    subject = query_subject(runtime.name, query)
    raw = json.dumps(body).encode()
    run = runtime.endpoint(subject)
    previous, runtime.verifier = runtime.verifier, Verifier({identity.key.kid: identity.key.trusted()})
    try:
        return await run(Request(subject, raw, identity.token(actor, subject, raw)))
    finally:
        runtime.verifier = previous
