"""The secure mode is the default everywhere (issue 17, decision 0009): `make run`, `make cluster`,
deploy/ (compose, Kubernetes, the image) and shopops never switch token verification off, and
every deployment gives each service the trust file it verifies against."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MENTION = re.compile(r"SHOP_IDENTITY_VERIFY")
# the only mentions allowed: dropping an inherited value (so the default, verify, holds) and prose
ALLOWED = (
    re.compile(r"""\.pop\(["']SHOP_IDENTITY_VERIFY["'], None\)"""),
    re.compile(r"`SHOP_IDENTITY_VERIFY`"),
)


def offends(line: str) -> bool:
    rest = line
    for allowed in ALLOWED:
        rest = allowed.sub("", rest)
    return bool(MENTION.search(rest))


def shipped_files() -> list[Path]:
    files = [ROOT / "Makefile"]
    generated = ("secrets", "identity")  # credentials.sh's output (git-ignored)
    files += [p for p in (ROOT / "deploy").rglob("*") if p.is_file() and not set(generated) & set(p.parts)]
    files += list((ROOT / "tools" / "shopops" / "src").rglob("*.py"))
    return files


def test_no_shipped_file_turns_identity_verification_off() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in shipped_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if offends(line)
    ]
    assert not offending, "SHOP_IDENTITY_VERIFY is set in:\n" + "\n".join(offending)


def test_the_checker_would_catch_it() -> None:
    for line in (
        "SHOP_IDENTITY_VERIFY=false",
        '- {name: SHOP_IDENTITY_VERIFY, value: "false"}',
        'env["SHOP_IDENTITY_VERIFY"] = "false"',
        "SHOP_IDENTITY_VERIFY: 'false'",
        "export SHOP_IDENTITY_VERIFY ?= false",
    ):
        assert offends(line), line
    assert not offends('env.pop("SHOP_IDENTITY_VERIFY", None)  # the default: verify')


def test_the_image_points_every_service_at_the_mounted_trust_file() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    trust = re.search(r"SHOP_IDENTITY_TRUST=(\S+)", dockerfile)
    assert trust, "the runtime stage sets SHOP_IDENTITY_TRUST"
    path = trust.group(1)
    compose = (ROOT / "deploy" / "compose.yaml").read_text()
    anchor = compose.split("x-service: &service", 1)[1].split("\nservices:", 1)[0]
    assert f"- ./identity/trust.json:{path}:ro" in anchor
    services = re.findall(r"^  (\w[\w-]*):\n    <<: \*service$", compose, re.MULTILINE)
    built = re.findall(r"^      target: (\w+)$", compose, re.MULTILINE)
    assert sorted(services) == sorted(t for t in built if t != "provision"), "every service uses *service"
    assert not re.search(
        r"^    volumes:", compose.split("\nservices:", 1)[1].split("\n  orders:", 1)[1], re.M
    ), "a service's own volumes would replace the anchor's trust file mount"
    manifests = (ROOT / "deploy" / "k8s" / "services.yaml").read_text().split("\n---")
    deployments = [doc for doc in manifests if "kind: Deployment" in doc]
    assert deployments
    for doc in deployments:
        mount = f"{{name: identity-trust, mountPath: {Path(path).parent}, readOnly: true}}"
        assert mount in doc
        assert "secret: {secretName: identity-trust}" in doc
    kustomization = (ROOT / "deploy" / "k8s" / "kustomization.yaml").read_text()
    assert (
        "- name: identity-trust\n    files:\n      - trust.json=secrets/identity-trust.json" in kustomization
    )
