"""Every installed service, and the staff's back office, is part of every deployment (issues 11,
17, 18, 19): a compose service with its NATS user and database, a Kubernetes Deployment with its
Secret, a database in both init scripts, a Dockerfile target that image-test builds and
image_check runs. A service added to the workspace but forgotten here fails this test."""

from __future__ import annotations

import re
from pathlib import Path

from jetstream_es.provision import installed_services
from shopops.security import CLIENT_USERS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BACKOFFICE = "backoffice"


def names() -> list[str]:
    return [spec.name for spec in installed_services()]


def read(path: str) -> str:
    return (DEPLOY / path).read_text()


def test_every_service_and_the_back_office_has_a_compose_service_user_and_database() -> None:
    compose = read("compose.yaml")
    for name in [*names(), BACKOFFICE]:
        block = compose.split(f"\n  {name}:\n", 1)
        assert len(block) == 2, f"compose.yaml has no service {name}"
        service = block[1].split("\n\n", 1)[0]
        assert f"target: {name}" in service
        assert f"env_file: [secrets/{name}.env]" in service, f"{name} connects as its own NATS user"
        url = "BACKOFFICE_DB_URL" if name == BACKOFFICE else f"{name.upper()}_DATABASE_URL"
        assert re.search(rf"{url}: postgresql\+asyncpg://shop:.+@postgres:5432/{name}\n", service), name


def test_every_service_has_its_database_in_both_init_scripts() -> None:
    for text in (read("postgres/init.sql"), read("k8s/postgres.yaml")):
        for name in [*names(), BACKOFFICE]:
            assert f"CREATE DATABASE {name};" in text, name


def test_every_service_has_a_kubernetes_deployment_and_its_nats_secret() -> None:
    manifests = read("k8s/services.yaml") + read("k8s/backoffice.yaml")
    kustomization = read("k8s/kustomization.yaml")
    for name in [*names(), BACKOFFICE]:
        assert re.search(rf"kind: Deployment\nmetadata:\n  name: {name}\n", manifests), name
        assert f"image: shop/{name}\n" in manifests
        assert f"secretRef: {{name: nats-{name}}}" in manifests
        assert f"- name: nats-{name}\n    envs: [secrets/{name}.env]" in kustomization
        assert f"- name: shop/{name}\n" in kustomization


def test_the_back_office_gets_its_keys_from_a_generated_secret_and_a_service_on_8000() -> None:
    manifest = read("k8s/backoffice.yaml")
    assert "secret: {secretName: backoffice-keys" in manifest
    assert "mountPath: /run/secrets/backoffice/keys" in manifest
    assert "kind: Service" in manifest
    assert "port: 8000" in manifest
    kustomization = read("k8s/kustomization.yaml")
    assert "- issuer.json=secrets/backoffice-issuer.json" in kustomization
    assert "- shop-setup.json=secrets/backoffice-shop-setup.json" in kustomization
    dockerfile = read("Dockerfile").split("AS backoffice", 1)[1]
    assert "BACKOFFICE_IDENTITY_DIR=/run/secrets/backoffice" in dockerfile
    assert "8000/healthz" in dockerfile
    compose = read("compose.yaml")
    assert "target: backoffice/keys/issuer.json" in compose
    assert "target: backoffice/keys/shop-setup.json" in compose
    assert "deploy/identity" in read("Dockerfile.dockerignore"), "private keys stay out of the build context"


def test_every_target_is_built_by_image_test_and_run_by_image_check() -> None:
    dockerfile = read("Dockerfile")
    built = re.search(r"^for target in (.+); do$", read("scripts/image-test.sh"), re.M)
    assert built
    targets = built.group(1).split()
    check = read("scripts/image_check.py")
    services = re.search(r"^SERVICES = \((.+)\)$", check, re.M)
    assert services
    for name in [*names(), BACKOFFICE]:
        assert re.search(rf"^FROM runtime AS {name}$", dockerfile, re.M), name
        assert name in targets, name
    assert set(re.findall(r'"(\w+)"', services.group(1))) == set(names())
    assert 'BACKOFFICE = "backoffice"' in check


def test_credentials_sh_makes_every_users_env_file() -> None:
    """credentials.sh runs shopops.security, which defines one user per installed service and
    per client program; kustomize and compose read their `<user>.env`."""
    script = read("scripts/credentials.sh")
    assert "python -m shopops.security --out" in script
    assert BACKOFFICE in CLIENT_USERS
    assert 'cp "$out"/*.env' in script
