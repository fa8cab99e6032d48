"""NATS users, subject permissions and credentials for the cluster deployment (issues 11, 17).

Every service connects as its own NATS user. From its `ServiceSpec` (name and durable consumers)
it gets exactly the subjects it uses:

- publish: its own events (`<svc>.events.>`, the appends and atomic batches), its dead letters
  (`dlq.<svc>.>`), its own keys (`<svc>.keys.>` and direct gets on its key stream, HR only), its own
  health query (the start-up self check), replay progress under the operator's inbox
  (`_INBOX_operator.progress.<svc>.*`), and the JetStream API narrowed to its streams and
  consumers: direct gets on its own stream, the streams it consumes and the DLQ; info,
  next-message requests and acks of its own durables; stream info of those streams; the
  simulation clock bucket (read and watch only);
- replies: no inbox publish right at all; `allow_responses` lets it answer, within `RESPONSE_EXPIRES`, only the reply subject of a request it received (decision 0010);
- subscribe: its own `commands`, `queries` and `admin` subjects and its own reply inboxes
  `_INBOX_<svc>.>` (replies, pulled messages, direct-get answers, the clock watch); nobody but the
  operator may subscribe to `_INBOX.>` or another user's inboxes (decision 0010).

Everything else is refused by the server, e.g. the orders service publishing to `hr.events.>` or
subscribing to `_INBOX_hr.>`. The other users: `operator` (provisioning, `shopctl` as operator,
admin endpoints: everything except other users' inboxes) and one user per client program
(`CLIENT_USERS`: the programs with identity keys, `platform-connector`, `shop-demo`, `shopctl`,
`bench`, and the web back office `backoffice`): commands and queries of every service and only
its own inboxes `_INBOX_<user>.>`, so no client program reads another's replies (decision 0010);
the back office also subscribes to the services' events (`<svc>.events.>`) for its pages' live
updates (issue 18), and publishes none; it also sends the operators' admin requests
(`<svc>.admin.>`, `ADMIN_CLIENTS`) for its operators' screen, each refused by the service unless
its token names a person holding `operator` (decision 0009), and the services may publish replay
progress under its inbox (`_INBOX_backoffice.progress.<svc>.*`) as under the operator's.
Commands carry their `actor` inside the body; the NATS user says which program sent it, not
which person.

Credentials are random passwords, generated once per deployment into a directory that is never
committed (`var/`, `deploy/secrets/`), each file readable by its owner only; running the
generator again keeps existing passwords. Run as `python -m shopops.security --out DIR`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import secrets
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jetstream_es.provision import ServiceSpec, installed_services
from jetstream_es.settings import inbox_prefix, progress_inbox
from shop_contracts.subjects import DLQ_STREAM, KEY_STREAMS, SIM_CLOCK_BUCKET, keys_filter, stream_name

OPERATOR = "operator"
CLIENT_USERS: tuple[str, ...] = ("platform-connector", "shop-demo", "shopctl", "bench", "backoffice")
"""The client programs, each its own NATS user and inbox prefix (`shopops.identity.PROGRAMS`'
clients; `shopctl` for its non-operator use, the operator's user stays `operator`)."""
EVENT_WATCHERS: tuple[str, ...] = ("backoffice",)
"""Client programs that also subscribe to every service's events (`<svc>.events.>`, core NATS):
the back office's live updates of open pages (issue 18). Read only: they publish no event."""
ADMIN_CLIENTS: tuple[str, ...] = ("backoffice",)
"""Client programs that also send `<svc>.admin.>` (the back office's operators' screen, issue 18):
the service still refuses a request whose token does not name a holder of `operator`; replay
progress comes back under their own inbox (`_INBOX_<user>.progress.<svc>.*`)."""
ROUTE = "route"
RESPONSE_EXPIRES = "2m"  # a reply later than this is refused (clients give up after seconds)
USERS_FILE = "users.json"
AUTH_CONF = "auth.conf"


def inbox(user: str) -> str:
    """The reply inboxes of NATS user `user`, as a subscription: `_INBOX_<user>.>`."""
    return f"{inbox_prefix(user)}.>"


@dataclass(frozen=True)
class Responses:
    """NATS `allow_responses`: publish to the reply subject of a received request, `max` times
    within `expires` (decision 0010)."""

    # 1: a request reaches ONE subscription of the service (one queue group per kind dispatching
    # by name, unknown names included), so one reply; a second, forged one is refused
    max: int = 1
    expires: str = RESPONSE_EXPIRES


@dataclass(frozen=True)
class Permissions:
    """Subjects a user may publish to and subscribe to; `None` lists mean everything (`>`) but
    the `deny` lists; `responses`: the replies it may send without a publish right."""

    publish: tuple[str, ...] | None
    subscribe: tuple[str, ...] | None
    publish_deny: tuple[str, ...] = ()
    subscribe_deny: tuple[str, ...] = ()
    responses: Responses | None = None


@dataclass(frozen=True)
class NatsUser:
    name: str
    password: str
    permissions: Permissions


def _unique(subjects: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(subjects))


def service_permissions(spec: ServiceSpec) -> Permissions:
    """What the runtime of `spec` needs on NATS, and nothing more."""
    svc = spec.name
    own = stream_name(svc)
    kv = f"KV_{SIM_CLOCK_BUCKET}"
    read_streams = _unique([own, *(c.stream for c in spec.consumers), DLQ_STREAM])
    publish: list[str] = [
        f"{svc}.events.>",
        f"dlq.{svc}.>",
        f"{svc}.queries.Health",
        progress_inbox(inbox_prefix(OPERATOR), svc, "*"),  # `shopctl replay` progress (0010)
        *(progress_inbox(inbox_prefix(user), svc, "*") for user in ADMIN_CLIENTS),  # issue 18
    ]
    if svc in KEY_STREAMS:  # its own key stream (decision 0006): write and read its keys
        publish.append(keys_filter(svc))
        read_streams = _unique([*read_streams, KEY_STREAMS[svc]])
    for stream in read_streams:
        publish += [f"$JS.API.DIRECT.GET.{stream}", f"$JS.API.DIRECT.GET.{stream}.>"]
        publish.append(f"$JS.API.STREAM.INFO.{stream}")
    for consumer in spec.consumers:
        stream, durable = consumer.stream, consumer.durable
        publish += [
            f"$JS.API.CONSUMER.INFO.{stream}.{durable}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
            f"$JS.API.CONSUMER.RESET.{stream}.{durable}",  # resume at the checkpoint on start
            f"$JS.ACK.{stream}.{durable}.>",
            f"$JS.ACK.*.*.{stream}.{durable}.>",
        ]
    publish += [  # the simulation clock: read and watch the bucket (an ordered consumer)
        f"$JS.API.STREAM.INFO.{kv}",
        f"$JS.API.DIRECT.GET.{kv}.>",
        f"$JS.API.CONSUMER.CREATE.{kv}",
        f"$JS.API.CONSUMER.CREATE.{kv}.>",
        f"$JS.API.CONSUMER.INFO.{kv}.>",
        f"$JS.API.CONSUMER.DELETE.{kv}.>",
        f"$JS.FC.{kv}.>",
    ]
    subscribe = [f"{svc}.commands.>", f"{svc}.queries.>", f"{svc}.admin.>", inbox(svc)]
    return Permissions(_unique(publish), _unique(subscribe), responses=Responses())


def client_permissions(services: Sequence[str], user: str) -> Permissions:
    """A client program `user`: request/reply on the services' commands and queries, and read only
    its own replies (`_INBOX_<user>.>`), never another program's (decision 0010); an event watcher
    (`EVENT_WATCHERS`, the back office) also subscribes to every service's events (issue 18)."""
    kinds = ("commands", "queries", "admin") if user in ADMIN_CLIENTS else ("commands", "queries")
    publish = [f"{s}.{kind}.>" for s in services for kind in kinds]
    events = [f"{s}.events.>" for s in services] if user in EVENT_WATCHERS else []
    return Permissions(tuple(publish), (inbox(user), *events))


def operator_permissions(services: Sequence[str] = ()) -> Permissions:
    """Everything (provisioning, `shopctl`, admin endpoints) except the reply inboxes of the other
    users: it neither reads nor writes into them (decision 0010). Tools with nats-py's default
    `_INBOX` prefix keep working: no other user may subscribe there."""
    others = tuple(inbox(user) for user in (*services, *CLIENT_USERS))
    return Permissions(None, None, publish_deny=others, subscribe_deny=others)


def make_users(specs: Sequence[ServiceSpec], passwords: dict[str, str]) -> list[NatsUser]:
    """One user per service, plus `operator` and one per client program (`CLIENT_USERS`);
    passwords from `passwords` (by name)."""
    names = [s.name for s in specs]
    clashes = {OPERATOR, ROUTE, *CLIENT_USERS} & set(names)
    if clashes:
        raise ValueError(f"service names clash with built-in users: {sorted(clashes)}")
    users = [NatsUser(s.name, passwords[s.name], service_permissions(s)) for s in specs]
    users.append(NatsUser(OPERATOR, passwords[OPERATOR], operator_permissions(names)))
    users.extend(NatsUser(user, passwords[user], client_permissions(names, user)) for user in CLIENT_USERS)
    return users


def render_authorization(users: Sequence[NatsUser]) -> str:
    """A nats-server configuration block (`include` it). Strings are JSON-quoted, so subjects
    starting with `$` are taken literally, not as configuration variables."""
    lines = ["authorization {", "  users = ["]
    for user in users:
        entry = f"    {{user: {json.dumps(user.name)}, password: {json.dumps(user.password)}"
        perms = user.permissions
        parts = []
        for kind, allow, deny in (
            ("publish", perms.publish, perms.publish_deny),
            ("subscribe", perms.subscribe, perms.subscribe_deny),
        ):
            rules = []
            if allow is not None:
                rules.append(f"allow: {json.dumps(list(allow))}")
            elif deny:
                rules.append(f"allow: {json.dumps(['>'])}")
            if deny:
                rules.append(f"deny: {json.dumps(list(deny))}")
            if rules:
                parts.append(f"{kind}: {{{', '.join(rules)}}}")
        if perms.responses is not None:
            expires = json.dumps(perms.responses.expires)
            parts.append(f"allow_responses: {{max: {perms.responses.max}, expires: {expires}}}")
        if parts:
            entry += f", permissions: {{{', '.join(parts)}}}"
        lines.append(entry + "}")
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (created with mode 0600, never world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


@dataclass(frozen=True)
class Credentials:
    """Generated credentials of one deployment (under an ignored directory)."""

    directory: Path
    passwords: dict[str, str]
    users: tuple[NatsUser, ...]

    @property
    def auth_conf(self) -> Path:
        return self.directory / AUTH_CONF

    @property
    def route_password(self) -> str:
        return self.passwords[ROUTE]

    def env_file(self, user: str) -> Path:
        return self.directory / f"{user}.env"

    def env(self, user: str) -> dict[str, str]:
        """The `SHOP_NATS_USER` / `SHOP_NATS_PASSWORD` pair of a user."""
        return {"SHOP_NATS_USER": user, "SHOP_NATS_PASSWORD": self.passwords[user]}


def generate_credentials(directory: Path, specs: Sequence[ServiceSpec] | None = None) -> Credentials:
    """Create (or complete) the deployment's credentials in `directory`; existing passwords stay.

    Writes `users.json` (every password), `auth.conf` (the server's users and permissions) and
    one `<user>.env` per user (its `SHOP_NATS_USER` and `SHOP_NATS_PASSWORD`), all mode 0600.
    """
    specs = list(installed_services() if specs is None else specs)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    users_path = directory / USERS_FILE
    passwords: dict[str, str] = {}
    if users_path.exists():
        passwords = {str(k): str(v) for k, v in json.loads(users_path.read_text()).items()}
    for name in [s.name for s in specs] + [OPERATOR, *CLIENT_USERS, ROUTE]:
        passwords.setdefault(name, secrets.token_urlsafe(24))
    _write_private(users_path, json.dumps(passwords, indent=2, sort_keys=True) + "\n")
    users = make_users(specs, passwords)
    _write_private(directory / AUTH_CONF, render_authorization(users))
    credentials = Credentials(directory, passwords, tuple(users))
    for user in users:
        env = credentials.env(user.name)
        _write_private(credentials.env_file(user.name), "".join(f"{k}={v}\n" for k, v in env.items()))
    return credentials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate the shop's NATS users, permissions and passwords (kept on re-runs)."
    )
    parser.add_argument("--out", default="var/cluster/secrets", help="an ignored directory")
    parser.add_argument("--show", metavar="USER", help="print the permissions of one user as JSON")
    args = parser.parse_args(argv)
    credentials = generate_credentials(Path(args.out))
    if args.show:
        user = next((u for u in credentials.users if u.name == args.show), None)
        if user is None:
            known = ", ".join(u.name for u in credentials.users)
            print(f"no user {args.show!r}; known: {known}", file=sys.stderr)
            return 2
        print(json.dumps({"user": user.name, **dataclasses.asdict(user.permissions)}, indent=2))
        return 0
    names = ", ".join(u.name for u in credentials.users)
    print(f"credentials for {names} in {credentials.directory} (auth.conf, users.json, <user>.env)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
