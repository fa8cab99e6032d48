"""The test identity (decision 0009): one signing key per test session, the trust file every runtime
of the integration tests is configured with, and the tokens the harness mints for each request.

`session_identity()` creates it on first use (a temporary directory removed at exit): `settings()`
are the `RuntimeSettings` fields that make a runtime trust it (`identity_trust`), `headers(actor,
subject, body)` the request headers of `actor`, `key_file` a `SigningKey.save` file for programs
under test that sign themselves (`SHOP_IDENTITY_KEY`). The key is the issuer of people: it may
assert any actor and any role, as the person issuer may.

`READER` is the actor the harness asks queries as when a test names none: it holds every role, so a
test about what a query answers is not a test about who may read it; tests of the read rules name
their actor (`ask(..., actor=...)`).
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from jetstream_es.identity import Issuer, SigningKey, write_trust
from shop_contracts.envelope import Actor

ISSUER: Final = "shop-issuer"
KID: Final = "test-issuer-1"

EVERY_ROLE: Final = (
    "ecom_supervisor",
    "dept_supervisor",
    "dept_manager",
    "direct_supervisor",
    "senior_leader",
    "general_manager",
    "leader_in_charge",
    "presales_cs",
    "aftersales_cs",
    "cs_supervisor",
    "backoffice_order_staff",
    "product_ops_staff",
    "sales_staff",
    "order_clerk",
    "warehouse_keeper",
    "ops_director",
    "store_manager",
    "web_artist",
    "technician",
    "photographer",
    "promotion_specialist",
    "ops_specialist",
    "website_editor",
    "culture_specialist",
    "website_owner",
    "website_admin",
    "office",
    "hr_dept",
    "cashier",
    "duty_cs_manager",
    "buyer",
    "platform",
    "system",
    "operator",
    "identity_admin",
    "identity_issuer",
)
"""The roles of rules.md §0, the programs' (`platform`, `system`), the operators' and the identity
service's (`identity_admin`, `identity_issuer`)."""

READER: Final = Actor(id="test-reader", roles=EVERY_ROLE)
OPERATOR: Final = Actor(id="test-operator", roles=("operator",))


@dataclass(frozen=True)
class TestIdentity:
    """A signing key and the trust file that trusts it, in `directory`."""

    __test__ = False  # not a pytest test class

    key: SigningKey
    directory: Path

    @property
    def trust_file(self) -> Path:
        return self.directory / "trust.json"

    @property
    def key_file(self) -> Path:
        return self.directory / "keys" / "issuer.json"

    def settings(self) -> dict[str, Any]:
        """`RuntimeSettings(**identity.settings(), ...)`: the runtime trusts this identity."""
        return {"identity_trust": self.trust_file, "identity_verify": True}

    def environment(self) -> dict[str, str]:
        """The same as environment variables (a service or tool run as a process)."""
        return {
            "SHOP_IDENTITY_TRUST": str(self.trust_file),
            "SHOP_IDENTITY_VERIFY": "true",
            "SHOP_IDENTITY_KEY": str(self.key_file),
        }

    def issuer(self, **options: Any) -> Issuer:
        return Issuer(self.key, **options)

    def token(self, actor: Actor, subject: str, body: bytes) -> str:
        return self.issuer().mint(actor, subject, body)

    def headers(self, actor: Actor, subject: str, body: bytes) -> dict[str, str]:
        return self.issuer().headers(actor, subject, body)


_identity: TestIdentity | None = None


def session_identity() -> TestIdentity:
    """The session's test identity (created on first use, removed when the process exits)."""
    global _identity
    if _identity is None:
        directory = Path(tempfile.mkdtemp(prefix="shop-identity-"))
        atexit.register(shutil.rmtree, directory, True)
        key = SigningKey.generate(KID, ISSUER)
        identity = TestIdentity(key, directory)
        key.save(identity.key_file)
        write_trust(identity.trust_file, [key.trusted()])
        _identity = identity
    return _identity


def actor_of(body: dict[str, Any] | bytes) -> Actor | None:
    """The actor a request body names, if it names a well-formed one (what the harness signs as)."""
    if isinstance(body, bytes):
        try:
            body = json.loads(body or b"{}")
        except ValueError:
            return None
    if not isinstance(body, dict) or not isinstance(body.get("actor"), dict):
        return None
    try:
        return Actor.model_validate(body["actor"])
    except ValueError:
        return None


__all__ = ["EVERY_ROLE", "OPERATOR", "READER", "TestIdentity", "actor_of", "session_identity"]
