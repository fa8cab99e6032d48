"""AsyncAPI 3.0 documents of a service, generated from its runtime's own catalog (decision 0004).

The catalog is what a service's `build()` wires onto its `ServiceRuntime` without connecting:
the command and query models (request/reply channels `<service>.commands.<Name>` and
`<service>.queries.<Name>`, answered with the `Reply` schema), the operators' admin endpoints,
the events it appends to its stream, and the durable consumers it subscribes with (each
projection or reaction and its filter subjects). The events appended are every aggregate type
the service's package defines (`defined_aggregates`, read after `build()` imported the code),
with every event type of its registry, and those of `runtime.aggregates(KIND)`: an
aggregate a handler appends to cannot be missing from the documents. Projections reading the
service's own stream add the event types they know that no aggregate claims. Payload schemas come from
pydantic (`model_json_schema`), shared under `components.schemas`.

Identity (decision 0009): every command, query and admin message declares the `Shop-Actor-Token`
header it must carry (not `Health`) and the reasons a `forbidden` reply names when the token or the
reader is refused (`x-forbidden-reasons`); a query shows who may read it (`x-read-roles`,
`x-read-rule`), an admin endpoint the role `operator`. A command's `actor` is optional on the wire
(the runtime takes it from the token), so its schema does not require it.

`render_html` turns the documents into one self-contained page (no scripts, no network).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from jetstream_es.aggregate import defined_aggregates
from jetstream_es.identity import REASONS
from jetstream_es.provision import ConsumerSpec, ServiceSpec
from jetstream_es.service.endpoints import NOT_OWN_DATA, OPERATOR, READ_ROLE_REQUIRED
from jetstream_es.service.runtime import ServiceRuntime
from shop_contracts.envelope import EventEnvelope
from shop_contracts.errors import Reply
from shop_contracts.headers import Header
from shop_contracts.messages import EventData
from shop_contracts.subjects import stream_name

ASYNCAPI_VERSION = "3.0.0"
REF = "#/components/schemas/{model}"
TOKEN_HEADERS: dict[str, Any] = {
    "type": "object",
    "required": [Header.ACTOR_TOKEN],
    "properties": {
        Header.ACTOR_TOKEN: {
            "type": "string",
            "description": "the signed actor assertion (EdDSA JWT, decision 0009): who sends the request, "
            "with the roles they hold, bound to this subject and this exact body, valid for 120 s; "
            "a command's actor is the token's (the body's `actor` may be omitted; if present it must "
            "be the token's)",
        }
    },
}


def _doc(model: type[Any]) -> str:
    text = (model.__doc__ or "").strip()
    return " ".join(line.strip() for line in text.splitlines()) if text else ""


def _event_channels(runtime: ServiceRuntime, package: str | None) -> dict[str, list[type[EventData]]]:
    """Aggregate name ("*" when a projection reads the whole stream) → the event models appended."""
    own = stream_name(runtime.name)
    channels: dict[str, dict[str, type[EventData]]] = {}
    aggregates = [*runtime.appended, *(defined_aggregates(package) if package else ())]
    for aggregate in aggregates:
        bucket = channels.setdefault(aggregate.name, {})
        for model in aggregate.registry.models:
            bucket.setdefault(model.event_type, model)
    for projection, _consumer in runtime.projections:
        if projection.stream != own:
            continue
        for subject in projection.filter_subjects:
            tokens = subject.split(".")
            name = tokens[2] if len(tokens) > 3 and tokens[2] not in ("*", ">") else "*"
            bucket = channels.setdefault(name, {})
            for model in projection.registry.models:
                if model.event_type in projection.handles or projection.skip_unknown_types:
                    bucket.setdefault(model.event_type, model)
    named = {a: m for a, m in channels.items() if a != "*"}
    seen = {t for models in named.values() for t in models}
    rest = {t: m for t, m in channels.get("*", {}).items() if t not in seen}
    result = {a: sorted(m.values(), key=lambda x: x.event_type) for a, m in sorted(named.items()) if m}
    if rest:
        result["*"] = sorted(rest.values(), key=lambda x: x.event_type)
    return result


def build_document(runtime: ServiceRuntime, spec: ServiceSpec | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of one service, from its (unstarted) runtime's catalog."""
    name = runtime.name
    consumers: dict[str, ConsumerSpec] = {c.durable: c for c in runtime.consumer_specs()}
    events = _event_channels(runtime, spec.module.split(".")[0] if spec else None)
    models: list[type[BaseModel]] = [Reply, EventEnvelope]
    models += [runtime.command_models[k] for k in sorted(runtime.command_models)]
    models += [runtime.query_models[k] for k in sorted(runtime.query_models)]
    models += [runtime.admin_models[k] for k in sorted(runtime.admin_models)]
    consumed: dict[str, list[type[EventData]]] = {}
    for projection, durable in sorted(runtime.projections, key=lambda p: p[1]):
        handled = [m for m in projection.registry.models if m.event_type in projection.handles]
        if projection.side_effects:
            handled = list(projection.registry.models)
        consumed[durable] = sorted(handled, key=lambda m: m.event_type)
    event_models = {m.event_type: m for ms in [*events.values(), *consumed.values()] for m in ms}
    models += [event_models[k] for k in sorted(event_models)]
    unique: list[type[BaseModel]] = []
    for model in models:
        if model not in unique:
            unique.append(model)
    keys, defs = models_json_schema([(m, "validation") for m in unique], ref_template=REF)
    schema_name = {model: keys[(model, "validation")]["$ref"].rsplit("/", 1)[-1] for model in unique}

    def ref(model: type[BaseModel]) -> dict[str, str]:
        return {"$ref": REF.format(model=schema_name[model])}

    messages: dict[str, Any] = {
        "Reply": {
            "name": "Reply",
            "title": "Reply",
            "summary": "ok with the result (or aggregate id, version and event ids), or an error "
            "with its code, message, rule and details",
            "contentType": "application/json",
            "payload": ref(Reply),
        }
    }
    channels: dict[str, Any] = {
        "reply": {
            "address": None,
            "description": "the requester's NATS inbox (the request's reply subject)",
            "messages": {"Reply": {"$ref": "#/components/messages/Reply"}},
        }
    }
    operations: dict[str, Any] = {}

    def request_reply(kind: str, label: str, model: type[BaseModel], subject: str) -> None:
        message_id = f"{kind}.{label}"
        messages[message_id] = {
            "name": label,
            "title": label,
            "summary": _doc(model),
            "contentType": "application/json",
            "payload": ref(model),
        }
        if kind == "query" and label in runtime.anonymous_queries:
            messages[message_id]["description"] = "answered without an actor token"
        else:
            messages[message_id] |= _identity(kind, model)
        channels[message_id] = {
            "address": subject,
            "messages": {label: {"$ref": f"#/components/messages/{message_id}"}},
        }
        operations[message_id] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{message_id}"},
            "summary": f"{kind} {label} (request/reply)",
            "reply": {
                "address": {"location": "$message.header#/reply", "description": "the NATS reply inbox"},
                "channel": {"$ref": "#/channels/reply"},
            },
        }

    for label in sorted(runtime.command_models):
        request_reply("command", label, runtime.command_models[label], f"{name}.commands.{label}")
    for label in sorted(runtime.query_models):
        request_reply("query", label, runtime.query_models[label], f"{name}.queries.{label}")
    for label in sorted(runtime.admin_models):
        request_reply("admin", label, runtime.admin_models[label], f"{name}.admin.{label}")

    def event_message(model: type[EventData]) -> str:
        message_id = f"event.{model.event_type}"
        messages.setdefault(
            message_id,
            {
                "name": model.event_type,
                "title": model.event_type,
                "summary": _doc(model),
                "contentType": "application/json",
                "headers": {
                    "type": "object",
                    "properties": {
                        Header.EVENT_TYPE: {"const": model.event_type},
                        Header.MSG_ID: {"type": "string", "description": "the event id (deduplication)"},
                    },
                },
                "payload": {
                    "allOf": [
                        ref(EventEnvelope),
                        {
                            "type": "object",
                            "properties": {
                                "event_type": {"const": model.event_type},
                                "schema_version": {"const": model.schema_version},
                                "data": ref(model),
                            },
                        },
                    ]
                },
            },
        )
        return message_id

    for aggregate, event_list in events.items():
        channel_id = f"events.{aggregate if aggregate != '*' else 'any'}"
        address = (
            f"{name}.events.{aggregate}.{{aggregate_id}}"
            if aggregate != "*"
            else f"{name}.events.{{aggregate}}.{{aggregate_id}}"
        )
        parameters: dict[str, Any] = {"aggregate_id": {"description": "the aggregate's id"}}
        if aggregate == "*":
            parameters["aggregate"] = {"description": "the aggregate type"}
        channels[channel_id] = {
            "address": address,
            "description": f"events of {aggregate if aggregate != '*' else 'every aggregate'} "
            f"on stream {stream_name(name)}",
            "parameters": parameters,
            "messages": {
                m.event_type: {"$ref": f"#/components/messages/{event_message(m)}"} for m in event_list
            },
        }
        operations[f"publish.{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"appends {aggregate if aggregate != '*' else ''} events to {stream_name(name)}".replace(
                "  ", " "
            ),
        }

    for projection, durable in sorted(runtime.projections, key=lambda p: p[1]):
        consumer = consumers.get(durable)
        filters = consumer.filter_subjects if consumer else projection.filter_subjects
        channel_id = f"consumer.{durable}"
        channels[channel_id] = {
            "address": filters[0] if len(filters) == 1 else None,
            "description": (
                f"durable consumer {durable} on stream {projection.stream}, filter "
                f"{', '.join(filters)}; "
                + ("a reaction (issues commands)" if projection.side_effects else "a projection")
                + f" `{projection.name}`"
            ),
            "messages": {
                m.event_type: {"$ref": f"#/components/messages/{event_message(m)}"} for m in consumed[durable]
            },
        }
        operations[f"consume.{durable}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"{projection.name} reads {', '.join(filters)}",
        }

    schemas = defs.get("$defs", {})
    for model in runtime.command_models.values():  # the runtime puts the token's actor in
        schema = schemas.get(schema_name[model], {})
        schema["required"] = [f for f in schema.get("required", []) if f != "actor"]
        if "actor" in schema.get("properties", {}):
            schema["properties"]["actor"]["description"] = (
                "optional: the runtime sets it from the Shop-Actor-Token; if sent it must be the token's"
            )

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": f"{name} service",
            "version": "1.0.0",
            "description": (
                f"Commands, queries and admin endpoints of `{name}` (request/reply on NATS), the events "
                f"it appends to stream {stream_name(name)} and the consumers it reads with. "
                "Generated by `shopctl docs` from the service's runtime; do not edit."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "embedded": {
                "host": "127.0.0.1:4222",
                "protocol": "nats",
                "description": "the embedded server of `make run` (SHOP_NATS_URL elsewhere)",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _identity(kind: str, model: type[BaseModel]) -> dict[str, Any]:
    """What a request message needs to be answered (decision 0009): its token header, who may send
    it, and the reasons a `forbidden` reply names."""
    reasons = [r for r in REASONS if kind == "command" or r != "body_actor_mismatch"]
    extra: dict[str, Any] = {"headers": TOKEN_HEADERS}
    if kind == "query":
        roles = getattr(model, "read_roles", None)
        extra["x-read-roles"] = list(roles) if roles is not None else "any proven actor"
        extra["x-read-rule"] = getattr(model, "read_rule", None)
        reasons.append(READ_ROLE_REQUIRED if roles is not None else NOT_OWN_DATA)
    elif kind == "admin":
        extra["x-read-roles"] = [OPERATOR]
        reasons.append(READ_ROLE_REQUIRED)
    extra["x-forbidden-reasons"] = reasons
    return extra


def dumps(document: dict[str, Any]) -> str:
    """The committed form of a document: stable, readable JSON with a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _fields(schema: dict[str, Any]) -> str:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    rows = []
    for field_name, prop in props.items():
        kind = (
            prop.get("type")
            or (prop.get("$ref", "").rsplit("/", 1)[-1])
            or (
                " | ".join(
                    str(p.get("type") or p.get("$ref", "").rsplit("/", 1)[-1] or "?")
                    for p in prop.get("anyOf", [])
                )
            )
        )
        rows.append(
            f"<tr><td><code>{html.escape(field_name)}</code>{'' if field_name not in required else ' *'}"
            f"</td><td>{html.escape(str(kind))}</td><td>{html.escape(str(prop.get('description', '')))}"
            "</td></tr>"
        )
    if not rows:
        return "<p><em>no fields</em></p>"
    return "<table><tr><th>field</th><th>type</th><th>description</th></tr>" + "".join(rows) + "</table>"


def _who(message: dict[str, Any]) -> str:
    """Who may send a request message: its token header, read roles and forbidden reasons."""
    if "x-forbidden-reasons" not in message:
        return (
            f"<p><em>{html.escape(message.get('description', ''))}</em></p>"
            if "description" in message
            else ""
        )
    roles = message.get("x-read-roles")
    shown = ", ".join(roles) if isinstance(roles, list) else roles
    parts = [f"<p>header <code>{html.escape(Header.ACTOR_TOKEN)}</code> required"]
    if roles is not None:
        rule = message.get("x-read-rule")
        parts.append(f"; read by {html.escape(str(shown))}" + (f" ({html.escape(rule)})" if rule else ""))
    reasons = ", ".join(message["x-forbidden-reasons"])
    parts.append(f"; <code>forbidden</code> reasons: {html.escape(reasons)}</p>")
    return "".join(parts)


def _section(document: dict[str, Any]) -> str:
    name = document["info"]["title"].removesuffix(" service")
    schemas = document["components"]["schemas"]
    messages = document["components"]["messages"]
    parts = [f'<section id="{html.escape(name)}"><h2>{html.escape(name)}</h2>']
    parts.append(f"<p>{html.escape(document['info']['description'])}</p>")
    groups: dict[str, list[str]] = {"command": [], "query": [], "admin": [], "events": [], "consumer": []}
    for channel_id, channel in document["channels"].items():
        kind = channel_id.split(".", 1)[0]
        if kind not in groups:
            continue
        address = channel.get("address") or "(see description)"
        entries = []
        for label, message_ref in channel["messages"].items():
            message = messages[message_ref["$ref"].rsplit("/", 1)[-1]]
            payload = message["payload"]
            data_ref = payload.get("$ref") or payload["allOf"][1]["properties"]["data"]["$ref"]
            schema = schemas.get(data_ref.rsplit("/", 1)[-1], {})
            entries.append(
                f"<details><summary><b>{html.escape(label)}</b> {html.escape(message.get('summary', ''))}"
                f"</summary>{_who(message)}{_fields(schema)}"
                f"<pre>{html.escape(json.dumps(schema, indent=2))}</pre></details>"
            )
        groups[kind].append(
            f"<div class='channel'><h4><code>{html.escape(str(address))}</code></h4>"
            f"<p>{html.escape(channel.get('description', ''))}</p>{''.join(entries)}</div>"
        )
    titles = {
        "command": "Commands (request/reply, answered with Reply)",
        "query": "Queries (request/reply, answered with Reply)",
        "admin": "Admin endpoints (operators, shopctl)",
        "events": "Events appended",
        "consumer": "Consumers (subscriptions)",
    }
    for kind, items in groups.items():
        if items:
            parts.append(f"<h3>{titles[kind]}</h3>{''.join(items)}")
    parts.append("</section>")
    return "".join(parts)


def render_html(documents: Sequence[dict[str, Any]]) -> str:
    """One static page listing every service's channels and message schemas."""
    names = [d["info"]["title"].removesuffix(" service") for d in documents]
    nav = " · ".join(f'<a href="#{html.escape(n)}">{html.escape(n)}</a>' for n in names)
    style = (
        "body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
        "text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:.5em;overflow:auto;"
        "font-size:85%}.channel{border-left:3px solid #8ab;padding-left:.8em;margin:.8em 0}"
        "summary{cursor:pointer}"
    )
    body = "".join(_section(d) for d in documents)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>Shop services: AsyncAPI</title><style>{style}</style></head><body>"
        "<h1>Shop services: messages on NATS</h1>"
        f"<p>AsyncAPI {ASYNCAPI_VERSION} documents, generated by <code>shopctl docs</code>; "
        "the JSON documents beside this page are the reference.</p>"
        f"<nav>{nav}</nav>{body}</body></html>\n"
    )


def service_documents(specs: Iterable[ServiceSpec]) -> dict[str, dict[str, Any]]:
    """Build each installed service's runtime (without connecting) and document it."""
    from jetstream_es.settings import RuntimeSettings

    documents: dict[str, dict[str, Any]] = {}
    for spec in sorted(specs, key=lambda s: s.name):
        runtime = spec.load_build()(RuntimeSettings())
        if not isinstance(runtime, ServiceRuntime):
            raise TypeError(f"{spec.name}'s build() did not return a ServiceRuntime")
        try:
            documents[spec.name] = build_document(runtime, spec)
        finally:
            runtime.engine.sync_engine.dispose()
    return documents
