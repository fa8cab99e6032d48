"""`shopctl docs`: each installed service's AsyncAPI document (`docs/asyncapi/<service>.json`)
and one static HTML page (`docs/asyncapi/index.html`), generated from the services' runtimes
(found through the `shop.services` entry points, built without connecting)."""

from __future__ import annotations

from pathlib import Path

from jetstream_es.asyncapi import dumps, render_html, service_documents
from jetstream_es.provision import installed_services


def render() -> dict[str, str]:
    """File name → content of every generated file."""
    documents = service_documents(installed_services())
    files = {f"{name}.json": dumps(doc) for name, doc in documents.items()}
    files["index.html"] = render_html(list(documents.values()))
    return files


def generate(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render().items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def stale(directory: Path) -> list[str]:
    """Generated files that are missing or differ from what the code generates now."""
    outdated = []
    for name, content in render().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            outdated.append(name)
    return outdated
