"""`shopops identity`: the keys `make run` generates on first start (issue 17, decision 0009).

Keys are kept across runs, each program key is limited in the trust file to its own actor and
roles, and a rotated issuer key stays trusted until it is retired."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from jetstream_es.identity import IdentityRefused, Issuer, SigningKey, Verifier, read_trust
from shop_contracts.envelope import Actor
from shopops import identity
from shopops.cli import main as shopops_main

SUBJECT = "orders.commands.PlaceOrder"
BODY = b'{"command_id": "c-1"}'


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_generates_every_key_once_owner_only_and_keeps_them(tmp_path: Path) -> None:
    made = identity.init(tmp_path)
    assert made == ["issuer", *identity.PROGRAM_NAMES]
    kids = {name: SigningKey.load(identity.key_path(tmp_path, name)).kid for name in made}
    for name in made:
        assert mode(identity.key_path(tmp_path, name)) == 0o600
    assert mode(tmp_path / "keys") == 0o700
    assert mode(tmp_path / "sessions") == 0o700
    assert identity.init(tmp_path) == []  # idempotent: nothing regenerated
    again = {name: SigningKey.load(identity.key_path(tmp_path, name)).kid for name in made}
    assert again == kids
    assert set(read_trust(identity.trust_path(tmp_path))) == set(kids.values())


def test_trust_file_limits_each_program_to_its_own_actor_and_roles(tmp_path: Path) -> None:
    identity.init(tmp_path)
    trust = read_trust(identity.trust_path(tmp_path))
    issuer = SigningKey.load(identity.key_path(tmp_path, "issuer"))
    assert issuer.issuer == identity.ISSUER_NAME
    assert trust[issuer.kid].actors is None
    assert trust[issuer.kid].roles is None
    expected = {
        "platform-connector": {"platform"},
        "shopctl-operator": {"operator"},
        "shop-setup": {"identity_admin"},
        "shop-demo": {"system"},
        "bench": {"system"},
    }
    for name, roles in expected.items():
        entry = trust[SigningKey.load(identity.key_path(tmp_path, name)).kid]
        assert entry.actors == {name}
        assert entry.roles == roles


def test_a_program_key_minting_for_a_person_it_may_not_assert_is_forbidden(tmp_path: Path) -> None:
    """Issue 17: the platform connector's key cannot speak for a supervisor, nor give itself
    a staff role; the person issuer can (it asks the grants first)."""
    identity.init(tmp_path)
    verifier = Verifier(read_trust(identity.trust_path(tmp_path)))
    connector = Issuer(SigningKey.load(identity.key_path(tmp_path, "platform-connector")))
    supervisor = Actor(id="supervisor-1", roles=("dept_supervisor",))
    with pytest.raises(IdentityRefused) as refused:
        verifier.verify(connector.mint(supervisor, SUBJECT, BODY), SUBJECT, BODY)
    assert refused.value.reason == "actor_not_allowed"
    assert refused.value.code == "forbidden"
    own = Actor(id="platform-connector", roles=("platform", "dept_supervisor"))
    token = connector.mint(own, SUBJECT, BODY)
    with pytest.raises(IdentityRefused) as refused:
        verifier.verify(token, SUBJECT, BODY)
    assert refused.value.reason == "role_not_allowed"
    own = Actor(id="platform-connector", roles=("platform",))
    assert verifier.verify(connector.mint(own, SUBJECT, BODY), SUBJECT, BODY) == own
    person_issuer = Issuer(SigningKey.load(identity.key_path(tmp_path, "issuer")))
    assert verifier.verify(person_issuer.mint(supervisor, SUBJECT, BODY), SUBJECT, BODY) == supervisor


def test_rotation_keeps_the_old_issuer_key_trusted_until_retired(tmp_path: Path) -> None:
    identity.init(tmp_path)
    old_key = SigningKey.load(identity.key_path(tmp_path, "issuer"))
    old_kid, new_kid = identity.rotate(tmp_path)
    assert old_kid == old_key.kid != new_kid
    assert SigningKey.load(identity.key_path(tmp_path, "issuer")).kid == new_kid
    actor = Actor(id="hr-1", roles=("hr_dept",))
    token = Issuer(old_key).mint(actor, SUBJECT, BODY)
    trust = read_trust(identity.trust_path(tmp_path))
    assert {old_kid, new_kid} <= set(trust)
    assert Verifier(trust).verify(token, SUBJECT, BODY) == actor  # in-flight tokens still verify
    identity.init(tmp_path)  # a restart of make run keeps the rotated key trusted
    assert old_kid in read_trust(identity.trust_path(tmp_path))
    with pytest.raises(SystemExit, match="current key of issuer"):
        identity.retire(tmp_path, new_kid)
    with pytest.raises(SystemExit, match="not in"):
        identity.retire(tmp_path, "no-such-kid")
    identity.retire(tmp_path, old_kid)
    trust = read_trust(identity.trust_path(tmp_path))
    assert old_kid not in trust
    assert new_kid in trust
    with pytest.raises(IdentityRefused) as refused:
        Verifier(trust).verify(token, SUBJECT, BODY)
    assert refused.value.reason == "unknown_key"


def test_rotating_a_program_key_keeps_its_limits(tmp_path: Path) -> None:
    identity.init(tmp_path)
    _old, new_kid = identity.rotate(tmp_path, "platform-connector")
    entry = read_trust(identity.trust_path(tmp_path))[new_kid]
    assert entry.actors == {"platform-connector"}
    assert entry.roles == {"platform"}
    with pytest.raises(SystemExit, match="not a program key"):
        identity.rotate(tmp_path, "somebody")


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = str(tmp_path / "identity")
    assert shopops_main(["identity", "init", "--dir", directory]) == 0
    assert "generated: issuer" in capsys.readouterr().out
    assert shopops_main(["identity", "init", "--dir", directory]) == 0
    assert "all kept" in capsys.readouterr().out
    assert shopops_main(["identity", "rotate", "--dir", directory]) == 0
    old = capsys.readouterr().out.split("`shopops identity rotate --retire ")[1].rstrip("`\n")
    assert shopops_main(["identity", "rotate", "--dir", directory, "--retire", old]) == 0
    capsys.readouterr()
    assert shopops_main(["identity", "show", "--dir", directory]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {row["holder"] for row in shown} == {"issuer", *identity.PROGRAM_NAMES}
    assert shopops_main([]) == 2
