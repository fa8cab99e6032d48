#!/usr/bin/env python3
"""Schema check of the Kubernetes manifests without a cluster (issue 11).

Renders deploy/k8s with `kubectl kustomize` when kubectl is on PATH, otherwise by reading the
kustomization's resources and secret generators itself (no hash suffixes then). Every object is
checked against a JSON schema of the fields this deployment relies on (apiVersion per kind,
names, selectors matching templates, containers with images, probes and a non-root security
context), and references between objects (secrets, config maps, services) must resolve.
Needs PyYAML and jsonschema (Debian: python3-yaml, python3-jsonschema, pulled in by docker-compose).

    python3 deploy/scripts/check_manifests.py [deploy/k8s]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

NAME = {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253}
METADATA = {"type": "object", "required": ["name"], "properties": {"name": NAME}}
PROBE = {
    "type": "object",
    "minProperties": 1,
    "properties": {
        "httpGet": {"type": "object", "required": ["port"]},
        "exec": {"type": "object", "required": ["command"]},
        "periodSeconds": {"type": "integer", "minimum": 1},
    },
}
CONTAINER = {
    "type": "object",
    "required": ["name", "image", "securityContext"],
    "properties": {
        "name": NAME,
        "image": {"type": "string", "minLength": 1},
        "env": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "oneOf": [{"required": ["value"]}, {"required": ["valueFrom"]}],
            },
        },
        "readinessProbe": PROBE,
        "livenessProbe": PROBE,
        "securityContext": {
            "type": "object",
            "required": ["allowPrivilegeEscalation"],
            "properties": {"allowPrivilegeEscalation": {"const": False}},
        },
    },
}
POD_SPEC = {
    "type": "object",
    "required": ["containers", "securityContext"],
    "properties": {
        "containers": {"type": "array", "minItems": 1, "items": CONTAINER},
        "securityContext": {
            "type": "object",
            "required": ["runAsNonRoot"],
            "properties": {"runAsNonRoot": {"const": True}},
        },
    },
}
TEMPLATE = {
    "type": "object",
    "required": ["metadata", "spec"],
    "properties": {"metadata": {"type": "object", "required": ["labels"]}, "spec": POD_SPEC},
}
WORKLOAD_SPEC = {
    "type": "object",
    "required": ["selector", "template"],
    "properties": {
        "replicas": {"type": "integer", "minimum": 1},
        "selector": {"type": "object", "required": ["matchLabels"]},
        "template": TEMPLATE,
    },
}


def kind_schema(api_version: str, spec: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", *(["spec"] if spec else [])],
        "properties": {"apiVersion": {"const": api_version}, "metadata": METADATA, **extra},
    }
    if spec:
        schema["properties"]["spec"] = spec
    return schema


SCHEMAS: dict[str, dict[str, Any]] = {
    "Namespace": kind_schema("v1"),
    "ConfigMap": kind_schema("v1", data={"type": "object", "additionalProperties": {"type": "string"}}),
    "Secret": kind_schema("v1"),
    "Service": kind_schema(
        "v1",
        {
            "type": "object",
            "required": ["selector", "ports"],
            "properties": {"ports": {"type": "array", "minItems": 1, "items": {"required": ["port"]}}},
        },
    ),
    "Deployment": kind_schema(
        "apps/v1",
        {
            **WORKLOAD_SPEC,
            "properties": {
                **WORKLOAD_SPEC["properties"],
                "template": {
                    **TEMPLATE,
                    "properties": {
                        **TEMPLATE["properties"],
                        "spec": {
                            **POD_SPEC,
                            "properties": {
                                **POD_SPEC["properties"],
                                "containers": {
                                    "type": "array",
                                    "items": {
                                        **CONTAINER,
                                        "required": [*CONTAINER["required"], "readinessProbe"],
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    ),
    "StatefulSet": kind_schema(
        "apps/v1", {**WORKLOAD_SPEC, "required": [*WORKLOAD_SPEC["required"], "serviceName"]}
    ),
    "Job": kind_schema(
        "batch/v1",
        {
            "type": "object",
            "required": ["template"],
            "properties": {"template": {"properties": {"spec": POD_SPEC}}},
        },
    ),
    "PodDisruptionBudget": kind_schema("policy/v1", {"type": "object", "required": ["selector"]}),
    "NetworkPolicy": kind_schema("networking.k8s.io/v1", {"type": "object", "required": ["podSelector"]}),
}


def render(directory: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl:
        out = subprocess.run(
            [kubectl, "kustomize", str(directory)], check=True, capture_output=True, text=True
        )
        return [d for d in yaml.safe_load_all(out.stdout) if d]
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    docs: list[dict[str, Any]] = []
    for resource in kustomization.get("resources", []):
        docs += [d for d in yaml.safe_load_all((directory / resource).read_text()) if d]
    for generator in kustomization.get("secretGenerator", []):
        for entry in [*generator.get("files", []), *generator.get("envs", [])]:
            path = directory / entry.split("=", 1)[-1]
            if not path.exists():
                raise SystemExit(f"secret source missing: {path} (run deploy/scripts/credentials.sh)")
        docs.append({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": generator["name"]}})
    return docs


def check(docs: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    names: dict[str, set[str]] = {}
    for doc in docs:
        kind = doc.get("kind", "?")
        name = doc.get("metadata", {}).get("name", "?")
        schema = SCHEMAS.get(kind)
        if schema is None:
            problems.append(f"{kind}/{name}: kind not covered by the schema check")
            continue
        for error in jsonschema.Draft7Validator(schema).iter_errors(doc):
            path = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{kind}/{name}: {path}: {error.message}")
        names.setdefault(kind, set()).add(name)
        spec = doc.get("spec", {})
        if kind in ("Deployment", "StatefulSet"):
            selector = spec.get("selector", {}).get("matchLabels", {})
            labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
            if kind == "Deployment":  # the services: readiness is the lag-aware /readyz
                for container in spec.get("template", {}).get("spec", {}).get("containers", []):
                    path = container.get("readinessProbe", {}).get("httpGet", {}).get("path")
                    if path != "/readyz":
                        problems.append(
                            f"{kind}/{name}: readiness must be /readyz (consumer lag), not {path}"
                        )
            if any(labels.get(k) != v for k, v in selector.items()):
                problems.append(f"{kind}/{name}: selector {selector} does not match the template's labels")
    for doc in docs:
        pod = doc.get("spec", {}).get("template", {}).get("spec", {})
        for volume in pod.get("volumes", []):
            if "secret" in volume and volume["secret"]["secretName"] not in names.get("Secret", set()):
                problems.append(f"{doc['kind']}/{doc['metadata']['name']}: unknown secret {volume['secret']}")
            if "configMap" in volume and volume["configMap"]["name"] not in names.get("ConfigMap", set()):
                problems.append(
                    f"{doc['kind']}/{doc['metadata']['name']}: unknown config map {volume['configMap']}"
                )
        for container in pod.get("containers", []):
            for source in container.get("envFrom", []):
                ref = source.get("secretRef", {}).get("name")
                if ref and ref not in names.get("Secret", set()):
                    problems.append(f"{doc['kind']}/{doc['metadata']['name']}: unknown secret {ref}")
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef", {}).get("name")
                if ref and ref not in names.get("Secret", set()):
                    problems.append(f"{doc['kind']}/{doc['metadata']['name']}: unknown secret {ref}")
    for kind in ("Namespace", "StatefulSet", "Deployment", "Job", "Service", "NetworkPolicy"):
        if kind not in names:
            problems.append(f"no {kind} in the manifests")
    return problems


def main(argv: list[str]) -> int:
    directory = Path(argv[1] if len(argv) > 1 else "deploy/k8s")
    docs = render(directory)
    problems = check(docs)
    for problem in problems:
        print(f"manifest problem: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{len(docs)} Kubernetes objects in {directory} pass the schema check")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
