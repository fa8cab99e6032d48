"""Signed actor assertions (issue 17, decision 0009): a token proves who sends one request."""

from __future__ import annotations

import jwt
import pytest

from jetstream_es.identity import IdentityRefused, Issuer, SigningKey, Verifier, read_trust, write_trust
from shop_contracts.envelope import Actor

SUBJECT = "aftersales.commands.ApproveRefundRequest"
BODY = b'{"command_id":"c-1","case_id":"k-1"}'
SUPERVISOR = Actor(id="emp-7", roles=("dept_supervisor",))
NOW = 1_800_000_000.0


def clock(at: float = NOW) -> float:
    return at


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate("issuer-2026-12", "shop-issuer")


def refused(verifier: Verifier, token: str | None, subject: str = SUBJECT, body: bytes = BODY) -> str:
    with pytest.raises(IdentityRefused) as caught:
        verifier.verify(token, subject, body)
    assert caught.value.details == [{"reason": caught.value.reason}]
    return caught.value.reason


def test_a_token_proves_the_actor_of_exactly_its_request(key: SigningKey) -> None:
    token = Issuer(key, now=clock).mint(SUPERVISOR, SUBJECT, BODY)
    verifier = Verifier({key.kid: key.trusted()}, now=clock)
    assert verifier.verify(token, SUBJECT, BODY) == SUPERVISOR
    assert refused(verifier, token, body=BODY.replace(b"c-1", b"c-2")) == "wrong_request"
    assert refused(verifier, token, subject="hr.queries.Payslip") == "wrong_request"


def test_missing_malformed_and_unknown_key_tokens_are_refused(key: SigningKey) -> None:
    verifier = Verifier({key.kid: key.trusted()}, now=clock)
    assert refused(verifier, None) == "missing_token"
    assert refused(verifier, "not-a-jwt") == "malformed_token"
    other = SigningKey.generate("elsewhere", "shop-issuer")
    assert refused(verifier, Issuer(other, now=clock).mint(SUPERVISOR, SUBJECT, BODY)) == "unknown_key"


def test_a_forged_signature_is_refused(key: SigningKey) -> None:
    forger = SigningKey("issuer-2026-12", "shop-issuer", SigningKey.generate("x", "x").private_key)
    verifier = Verifier({key.kid: key.trusted()}, now=clock)
    assert refused(verifier, Issuer(forger, now=clock).mint(SUPERVISOR, SUBJECT, BODY)) == "bad_signature"
    unsigned = jwt.encode({"sub": "emp-7"}, key="", algorithm="none", headers={"kid": key.kid})
    assert refused(verifier, unsigned) == "malformed_token"


def test_an_expired_token_and_one_from_the_future_are_refused(key: SigningKey) -> None:
    token = Issuer(key, ttl_s=60, now=clock).mint(SUPERVISOR, SUBJECT, BODY)
    assert Verifier({key.kid: key.trusted()}, now=lambda: NOW + 64).verify(token, SUBJECT, BODY)
    assert refused(Verifier({key.kid: key.trusted()}, now=lambda: NOW + 66), token) == "expired"
    assert refused(Verifier({key.kid: key.trusted()}, now=lambda: NOW - 30), token) == "not_yet_valid"


def test_a_program_key_asserts_only_its_own_actors_and_roles(key: SigningKey) -> None:
    verifier = Verifier({key.kid: key.trusted(actors=["tmall-connector"], roles=["platform"])}, now=clock)
    issuer = Issuer(key, now=clock)
    platform = Actor(id="tmall-connector", roles=("platform",))
    assert verifier.verify(issuer.mint(platform, SUBJECT, BODY), SUBJECT, BODY) == platform
    assert refused(verifier, issuer.mint(SUPERVISOR, SUBJECT, BODY)) == "actor_not_allowed"
    boosted = Actor(id="tmall-connector", roles=("platform", "dept_supervisor"))
    assert refused(verifier, issuer.mint(boosted, SUBJECT, BODY)) == "role_not_allowed"


def test_the_issuer_must_be_the_one_trusted_for_the_key(key: SigningKey) -> None:
    impostor = SigningKey(key.kid, "another-issuer", key.private_key)
    verifier = Verifier({key.kid: key.trusted()}, now=clock)
    assert refused(verifier, Issuer(impostor, now=clock).mint(SUPERVISOR, SUBJECT, BODY)) == "wrong_issuer"


def test_rotation_two_keys_trusted_at_once_through_the_trust_file(key: SigningKey, tmp_path) -> None:  # type: ignore[no-untyped-def]
    new = SigningKey.generate("issuer-2027-01", "shop-issuer")
    path = tmp_path / "trust.json"
    write_trust(path, [key.trusted(), new.trusted(roles=["dept_supervisor"])])
    verifier = Verifier(read_trust(path), now=clock)
    for signer in (key, new):
        assert verifier.verify(Issuer(signer, now=clock).mint(SUPERVISOR, SUBJECT, BODY), SUBJECT, BODY)
    assert read_trust(path)[new.kid].roles == frozenset({"dept_supervisor"})
    new.save(tmp_path / "keys" / "issuer.json")
    assert (tmp_path / "keys" / "issuer.json").stat().st_mode & 0o777 == 0o600
    restored = SigningKey.load(tmp_path / "keys" / "issuer.json")
    assert verifier.verify(Issuer(restored, now=clock).mint(SUPERVISOR, SUBJECT, BODY), SUBJECT, BODY)


def test_an_unreadable_trust_file_is_an_error_naming_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "trust.json"
    path.write_text('{"keys": [{"kid": "a"}]}')
    with pytest.raises(ValueError, match=r"trust\.json"):
        read_trust(path)
