"""The service runtime, by concept (decision 0007, "Runtime layout").

- `runtime`: `ServiceRuntime`, the service's one catalogue (aggregates, commands, queries,
  projections, reactions, schedulers) and its lifecycle (`start`, `stop`, `run`); `connect_nats`.
- `endpoints`: NATS request/reply serving (decision 0004): validation, error replies, one reply
  for every request.
- `health`: the health report and the `/healthz` `/readyz` HTTP server.
- `admin`: the operators' endpoints on `<service>.admin.<Name>` and their request models.

This package re-exports the names services and tools import; the library imports the modules.
"""

from jetstream_es.service.runtime import ServiceRuntime

__all__ = ["ServiceRuntime"]
