"""shopops: the operators' process tooling, outside the runtime library every service depends on
(issue 16): `shopops.supervisor` (`make run`, `shop-run`), `shopops.cluster` (`make cluster`, the
deployment's topology as local processes) and `shopops.security` (NATS users, permissions and
credentials generated from each service's declared consumers). Services and `jetstream_es` never
import it (import-linter contract in pyproject.toml)."""
