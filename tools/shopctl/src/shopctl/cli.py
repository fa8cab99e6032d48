"""`shopctl`: the operators' command line for the shop's streams, projections, dead letters and
backups (issue 9; ORD-4 weekly order backup through `shopctl backup orders`).

Every command works against the embedded server of `make run` by default, or any server by
`--url` / `SHOP_NATS_URL` with credentials by flag or environment (see connection.py). Every
request to a service carries an actor token minted for it: the person of `shopctl login`, or a
program key with `--as-program` (issue 17; see identity.py). Errors
are printed plainly and end with a non-zero exit code: 2 for a wrong URL, unknown service or
projection, corrupt export and other usage errors; 1 for a refused request or a passed threshold.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import sys
import time
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, TypeVar

import nats.errors
import typer
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import api
from nats.js.errors import NotFoundError
from rich.console import Console
from rich.json import JSON
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from jetstream_es.dlq import DeadLetterError, dead_letter, dead_letters, resolve
from jetstream_es.provision import shop_streams
from jetstream_es.settings import progress_inbox
from shop_contracts.subjects import DLQ_STREAM, SERVICES, health_subject, stream_name
from shopctl import archive, identity, inspect
from shopctl.connection import (
    DEFAULT_URL,
    ShopctlError,
    Target,
    connected,
    reply_error,
    request,
    service_spec,
)

T = TypeVar("T")
app = typer.Typer(no_args_is_help=True, help="Operate the shop's event streams and services.")
dlq_app = typer.Typer(no_args_is_help=True, help="Dead letters: list, show, retry after a fix, drop.")
backup_app = typer.Typer(no_args_is_help=True, help="Scheduled backups (ORD-4: orders, weekly).")
app.add_typer(dlq_app, name="dlq")
app.add_typer(backup_app, name="backup")
migrate_app = typer.Typer(no_args_is_help=True, help="One-off data migrations (decision 0011: accessories).")
app.add_typer(migrate_app, name="migrate")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_target = Target()
_credentials = identity.Credentials()

JsonFlag = Annotated[bool, typer.Option("--json", help="JSON (lines) instead of a table")]


def run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except ShopctlError as exc:
        err.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except (nats.errors.Error, OSError) as exc:
        err.print(f"[bold red]error:[/] NATS: {type(exc).__name__}: {exc}", highlight=False)
        raise typer.Exit(2) from None


def print_json(value: Any) -> None:
    out.print_json(json.dumps(value, default=str, ensure_ascii=False))


def json_line(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.callback()
def _root(
    url: Annotated[
        str, typer.Option(envvar="SHOP_NATS_URL", help="NATS server(s), comma separated")
    ] = DEFAULT_URL,
    creds: Annotated[Path | None, typer.Option(envvar="SHOP_NATS_CREDS", help="a .creds file")] = None,
    user: Annotated[str | None, typer.Option(envvar="SHOP_NATS_USER")] = None,
    password: Annotated[str | None, typer.Option(envvar="SHOP_NATS_PASSWORD")] = None,
    timeout: Annotated[float, typer.Option(help="seconds to wait for a server or a reply")] = 5.0,
    key: Annotated[
        Path, typer.Option(envvar="SHOP_IDENTITY_KEY", help="the person issuer's key file (shopctl login)")
    ] = identity.DEFAULT_KEY,
    as_program: Annotated[
        str | None,
        typer.Option(
            envvar="SHOP_AS_PROGRAM",
            help="sign as this program with its own key (e.g. shopctl-operator) instead of the logged-in person",
        ),
    ] = None,
    trust: Annotated[
        Path | None, typer.Option(envvar="SHOP_IDENTITY_TRUST", help="the trust file (program keys' roles)")
    ] = None,
) -> None:
    """Operate the shop's event streams and services."""
    global _target, _credentials
    _target = Target(url=url, creds=creds, user=user, password=password, timeout=timeout)
    _credentials = identity.Credentials(
        key_file=key, as_program=as_program, trust_file=trust, timeout=timeout
    )


async def _ask(
    nc: Client,
    subject: str,
    body: dict[str, Any],
    seconds: float,
    body_actor: Literal["keep", "fill", "replace"] = "keep",
) -> dict[str, Any]:
    """A request signed for whoever shopctl speaks for (identity.py). `body_actor`: a command's
    body names the token's actor too ("fill": when it names none; "replace": always), so it is
    accepted by services that read the body's actor and by those that check it against the token."""
    signer = await _credentials.signer(nc, subject)
    if signer is None:
        reply = await request(nc, subject, body, seconds)
        error = reply.get("error") or {}
        if error.get("code") == "forbidden" and {"reason": "missing_token"} in (error.get("details") or []):
            error["message"] = f"{error.get('message', '')}; {identity.MISSING_HINT}"
        return reply
    issuer, actor = signer
    if body_actor == "replace" or (body_actor == "fill" and "actor" not in body):
        body = {**body, "actor": actor.model_dump(mode="json")}
    return await request(
        nc, subject, body, seconds, headers=lambda data: issuer.headers(actor, subject, data)
    )


# -- who shopctl speaks for --------------------------------------------------------------------


@app.command()
def login(
    person: Annotated[str, typer.Argument(help="your person id (staff: the HR employee id)")],
) -> None:
    """Sign in as PERSON: the identity service says which roles they hold now (RolesOf); every
    request after this carries a token for them, valid for one request (until `shopctl logout`,
    8 hours at most; roles are asked again when older than a minute)."""

    async def go() -> identity.Session:
        async with connected(_target) as nc:
            return await identity.login(nc, _credentials.key_file, person, _target.timeout)

    session = run(go())
    roles = ", ".join(session.roles) or "none granted (ask an administrator: docs/staff/README.md)"
    until = datetime.fromtimestamp(session.expires_at, UTC).isoformat(timespec="minutes")
    out.print(f"logged in as [bold]{session.person}[/], roles: {roles}; until {until}", highlight=False)


@app.command()
def logout() -> None:
    """End the session of `shopctl login`."""
    if identity.logout(_credentials.key_file):
        out.print("logged out", highlight=False)
    else:
        out.print("nobody was logged in", highlight=False)


@app.command()
def whoami() -> None:
    """Who the next request speaks for, with which roles."""

    async def go() -> tuple[Any, Any] | None:
        async with connected(_target) as nc:
            return await _credentials.signer(nc, "shopctl.whoami")

    signer = run(go())
    if signer is None:
        out.print(identity.MISSING_HINT, highlight=False)
        raise typer.Exit(1)
    actor = signer[1]
    out.print(f"{actor.id} (roles: {', '.join(actor.roles) or 'none'})", highlight=False)


# -- status, streams, events, lag ---------------------------------------------------------------


async def service_status(nc: Client, names: list[str], seconds: float) -> list[dict[str, Any]]:
    """Each service's Health answer (it needs no token): status, clock, projections and what they
    still have pending; a service that does not answer is `down` with the reason."""
    rows: list[dict[str, Any]] = []
    for name in names:
        try:
            reply = await request(nc, health_subject(name), {}, seconds)
        except ShopctlError as exc:
            rows.append({"service": name, "status": "down", "error": exc.message})
            continue
        if not reply.get("ok"):
            rows.append({"service": name, "status": "error", "error": reply_error(reply)})
            continue
        health = reply["result"]
        projections = health.get("projections", [])
        rows.append(
            {
                "service": name,
                "status": health.get("status", "?"),
                "now": health.get("now"),
                "projections": len(projections),
                "pending": sum(int(p.get("pending", 0)) for p in projections),
            }
        )
    return rows


@app.command()
def status(
    service: Annotated[str | None, typer.Argument(help="only this service")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every service of the shop (orders, fulfilment, aftersales, hr, identity, catalog, kpi):
    whether it answers, its clock, its projections and their pending events. Exit 1 when one is
    not ok."""
    if service is not None and service not in SERVICES:
        raise_usage(f"unknown service {service!r}; known: {', '.join(SERVICES)}")
    names = [service] if service else list(SERVICES)

    async def go() -> list[dict[str, Any]]:
        async with connected(_target) as nc:
            return await service_status(nc, names, _target.timeout)

    rows = run(go())
    if as_json:
        for row in rows:
            json_line(row)
    else:
        table = Table(title=f"services on {_target.url}")
        for col in ("service", "status", "now", "projections", "pending", "error"):
            table.add_column(col, justify="right" if col in ("projections", "pending") else "left")
        for r in rows:
            table.add_row(
                r["service"],
                r["status"],
                r.get("now") or "",
                str(r.get("projections", "")),
                str(r.get("pending", "")),
                r.get("error", ""),
            )
        out.print(table)
    if any(r["status"] != "ok" for r in rows):
        raise typer.Exit(1)


@app.command()
def streams(as_json: JsonFlag = False) -> None:
    """Each stream's messages, bytes, first and last sequence and time, and its consumers."""

    async def go() -> list[dict[str, Any]]:
        async with connected(_target) as nc:
            return await inspect.stream_report(nc)

    report = run(go())
    if as_json:
        print_json(report)
        return
    table = Table(title=f"streams on {_target.url}")
    for col in (
        "stream",
        "messages",
        "bytes",
        "first seq",
        "first time",
        "last seq",
        "last time",
        "consumers",
    ):
        table.add_column(col, justify="right" if col in ("messages", "bytes") else "left")
    for s in report:
        table.add_row(
            s["stream"],
            str(s["messages"]),
            str(s["bytes"]),
            str(s["first_seq"]),
            s["first_time"] or "",
            str(s["last_seq"]),
            s["last_time"] or "",
            ", ".join(s["consumers"]),
        )
    out.print(table)


def _event_table(rows: list[dict[str, Any]], title: str) -> Table:
    table = Table(title=title)
    for col in ("seq", "occurred at", "event", "aggregate", "id", "v", "actor", "data"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["seq"]),
            str(r.get("occurred_at") or ""),
            str(r.get("event_type") or ""),
            str(r.get("aggregate") or ""),
            str(r.get("aggregate_id") or ""),
            str(r.get("version") or ""),
            str(r.get("actor") or ""),
            json.dumps(r.get("data", r.get("raw")), ensure_ascii=False, default=str)[:300],
        )
    return table


@app.command()
def history(
    aggregate_id: Annotated[str, typer.Argument(help="the aggregate's id, e.g. an order id")],
    service: Annotated[str | None, typer.Option(help="only this service's stream")] = None,
    aggregate: Annotated[str | None, typer.Option(help="only this aggregate type, e.g. Order")] = None,
    as_json: JsonFlag = False,
) -> None:
    """One aggregate's decoded events, oldest first."""
    if service is not None and service not in SERVICES:
        raise_usage(f"unknown service {service!r}; known: {', '.join(SERVICES)}")

    async def go() -> list[dict[str, Any]]:
        async with connected(_target) as nc:
            return await inspect.aggregate_history(nc, aggregate_id, service, aggregate)

    rows = run(go())
    if not rows:
        err.print(f"[bold red]error:[/] no events for aggregate {aggregate_id!r}", highlight=False)
        raise typer.Exit(1)
    if as_json:
        for row in rows:
            json_line(row)
    else:
        out.print(_event_table(rows, f"history of {aggregate_id}"))


@app.command()
def tail(
    subject: Annotated[str, typer.Argument(help="subject or filter, e.g. orders.events.>")],
    from_seq: Annotated[int | None, typer.Option(help="start at this stream sequence")] = None,
    all_: Annotated[bool, typer.Option("--all", help="from the first message")] = False,
    limit: Annotated[int | None, typer.Option(help="stop after this many events")] = None,
    idle: Annotated[float | None, typer.Option(help="stop after this many quiet seconds")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Decoded events on SUBJECT as they arrive (live), one line each."""

    async def go() -> int:
        async with connected(_target) as nc:
            js = nc.jetstream()
            try:
                stream = await js.find_stream_name_by_subject(subject)
            except NotFoundError:
                raise ShopctlError(f"no stream holds subject {subject!r}") from None
            if from_seq:
                policy, start = api.DeliverPolicy.BY_START_SEQUENCE, from_seq
            else:
                policy, start = (api.DeliverPolicy.ALL if all_ else api.DeliverPolicy.NEW), None
            config = api.ConsumerConfig(deliver_policy=policy, opt_start_seq=start)
            sub = await js.subscribe(subject, stream=stream, ordered_consumer=True, config=config)
            seen = 0
            if not as_json:
                err.print(f"tailing {subject} on {stream} (Ctrl-C stops)", highlight=False)
            try:
                while limit is None or seen < limit:
                    try:
                        msg: Msg = await sub.next_msg(timeout=idle if idle else 3600.0)
                    except (nats.errors.TimeoutError, TimeoutError):
                        if idle:
                            break
                        continue
                    row = inspect.decode_msg(msg)
                    seen += 1
                    if as_json:
                        json_line(row)
                    else:
                        out.print(
                            f"[cyan]{row['seq']}[/] {row.get('occurred_at') or ''} [bold]{row.get('event_type')}"
                            f"[/] {row['subject']} v{row.get('version') or '-'} "
                            f"{json.dumps(row.get('data', row.get('raw')), ensure_ascii=False, default=str)}",
                            highlight=False,
                            soft_wrap=True,
                        )
            finally:
                await sub.unsubscribe()
            return seen

    try:
        run(go())
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


@app.command()
def lag(
    max_pending: Annotated[int | None, typer.Option(help="fail when a consumer has more pending")] = None,
    max_seconds: Annotated[float | None, typer.Option(help="fail when a consumer is further behind")] = None,
    max_redelivered: Annotated[int | None, typer.Option(help="fail above this many redeliveries")] = None,
    stream: Annotated[str | None, typer.Option(help="only this stream")] = None,
    as_json: JsonFlag = False,
) -> None:
    """For every consumer: pending, redeliveries, seconds behind. Exit 1 when a threshold is passed."""

    async def go() -> list[inspect.ConsumerLag]:
        async with connected(_target) as nc:
            return await inspect.consumer_lag(nc)

    rows = [r for r in run(go()) if stream is None or r.stream == stream]
    failures = []
    for r in rows:
        if max_pending is not None and r.pending + r.ack_pending > max_pending:
            failures.append(f"{r.stream}/{r.consumer}: {r.pending + r.ack_pending} pending > {max_pending}")
        if max_seconds is not None and r.seconds_behind > max_seconds:
            failures.append(f"{r.stream}/{r.consumer}: {r.seconds_behind:.1f}s behind > {max_seconds}s")
        if max_redelivered is not None and r.redelivered > max_redelivered:
            failures.append(f"{r.stream}/{r.consumer}: {r.redelivered} redelivered > {max_redelivered}")
    if as_json:
        for r in rows:
            json_line(r.as_dict())
    else:
        table = Table(title="consumer lag")
        for col in (
            "stream",
            "consumer",
            "pending",
            "ack pending",
            "redelivered",
            "ack floor",
            "seconds behind",
        ):
            table.add_column(col)
        for r in rows:
            table.add_row(
                r.stream,
                r.consumer,
                str(r.pending),
                str(r.ack_pending),
                str(r.redelivered),
                str(r.ack_floor),
                f"{r.seconds_behind:.1f}",
            )
        out.print(table)
    if failures:
        for failure in failures:
            err.print(f"[bold red]threshold passed:[/] {failure}", highlight=False)
        raise typer.Exit(1)


# -- replay ------------------------------------------------------------------------------------


async def _projections(nc: Client, service: str) -> list[dict[str, Any]]:
    reply = await _ask(nc, health_subject(service), {}, _target.timeout)
    if not reply.get("ok"):
        raise ShopctlError(f"{service} health: {reply_error(reply)}", 1)
    projections: list[dict[str, Any]] = reply["result"]["projections"]
    return projections


async def _replay_one(
    nc: Client, service: str, projection: str, from_seq: int, dry_run: bool, seconds: float
) -> dict[str, Any]:
    # progress under our own inbox prefix, where only this service may publish (decision 0010)
    prefix, token = nc.new_inbox().rsplit(".", 1)
    inbox = progress_inbox(prefix, service, token)
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]:>8.0f} ev/s"),
        TextColumn("seq {task.fields[seq]}/{task.fields[target]}"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
    task = progress.add_task(projection, total=None, rate=0.0, seq=0, target="?")
    started = time.monotonic()

    async def on_progress(msg: Msg) -> None:
        state = json.loads(msg.data)
        elapsed = max(time.monotonic() - started, 1e-6)
        progress.update(
            task,
            total=max(state["target"], 1),
            completed=state["seq"],
            rate=state["applied"] / elapsed,
            seq=state["seq"],
            target=state["target"],
        )

    sub = await nc.subscribe(inbox, cb=on_progress)
    body = {"projection": projection, "from_seq": from_seq, "dry_run": dry_run, "progress_subject": inbox}
    try:
        with progress:
            reply = await _ask(nc, f"{service}.admin.ReplayProjection", body, seconds)
            if reply.get("ok"):  # the last progress message may still be on its way: the reply says done
                done = progress.tasks[0]
                progress.update(task, total=done.total or 1, completed=done.total or 1)
    finally:
        await sub.unsubscribe()
    if not reply.get("ok"):
        raise ShopctlError(f"replay of {service}/{projection} refused: {reply_error(reply)}", 1)
    result: dict[str, Any] = reply["result"]
    return result


@app.command()
def replay(
    service: Annotated[str, typer.Argument(help="the service, e.g. orders")],
    projection: Annotated[str | None, typer.Argument(help="the projection; omit with --all")] = None,
    from_seq: Annotated[int, typer.Option(help="apply events from this stream sequence")] = 1,
    dry_run: Annotated[bool, typer.Option(help="report what would change; swap nothing")] = False,
    all_: Annotated[bool, typer.Option("--all", help="every replayable projection of the service")] = False,
    timeout: Annotated[float, typer.Option(help="seconds a replay may take")] = 3600.0,
    as_json: JsonFlag = False,
) -> None:
    """Rebuild a projection into a fresh table while the old one serves, then swap on catch-up.

    Side effects are suppressed (reactions are never replayed)."""
    check_service(service)
    if projection is None and not all_:
        raise_usage("name a PROJECTION or pass --all")

    async def go() -> list[dict[str, Any]]:
        async with connected(_target) as nc:
            known = await _projections(nc, service)
            names = [p["name"] for p in known]
            if projection is not None and projection not in names:
                raise ShopctlError(
                    f"unknown projection {projection!r} in {service}; known: {', '.join(sorted(names))}"
                )
            targets = [projection] if projection else [p["name"] for p in known if p.get("replayable", True)]
            results = []
            for name in targets:
                result = await _replay_one(nc, service, name, from_seq, dry_run, timeout)
                results.append({"projection": name, **result})
            return results

    results = run(go())
    if as_json:
        for result in results:
            json_line(result)
        return
    for r in results:
        verb = "would rebuild" if r.get("dry_run") else "rebuilt"
        out.print(
            f"{verb} [bold]{service}/{r['projection']}[/]: {r['events']} events, checkpoint {r['checkpoint']}, "
            f"generation {r['generation']}, {r['seconds']:.2f}s",
            highlight=False,
        )
        if r.get("dry_run"):
            table = Table(title=f"what a replay of {r['projection']} would change")
            for col in ("table", "rows now", "rows after", "added", "removed", "changed", "examples"):
                table.add_column(col)
            for c in r.get("changes", []):
                examples = "; ".join(f"{e['change']} {'/'.join(e['key'])}" for e in c["examples"])
                table.add_row(
                    c["table"],
                    str(c["rows_now"]),
                    str(c["rows_after"]),
                    str(c["added"]),
                    str(c["removed"]),
                    str(c["changed"]),
                    examples,
                )
            out.print(table)


def check_service(name: str) -> None:
    try:
        service_spec(name)
    except ShopctlError as exc:
        raise_usage(exc.message)


def raise_usage(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(2)


# -- dead letters ----------------------------------------------------------------------------


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "operator"


async def _service_now(nc: Client, service: str) -> datetime:
    """The service's own clock (its Health answer): every time in a dead letter is the service's."""
    reply = await _ask(nc, health_subject(service), {}, _target.timeout)
    if not reply.get("ok"):
        raise ShopctlError(f"{service} health: {reply_error(reply)}", 1)
    return datetime.fromisoformat(reply["result"]["now"])


@dlq_app.command("list")
def dlq_list(
    service: Annotated[str | None, typer.Option(help="only this service's dead letters")] = None,
    all_: Annotated[bool, typer.Option("--all", help="resolved ones too")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Dead letters with their error (open ones; --all: with retried and dropped)."""

    async def go() -> list[dict[str, Any]]:
        async with connected(_target) as nc:
            letters = await dead_letters(nc, service=service)
        return [d.summary() for d in letters if all_ or d.resolution is None]

    rows = run(go())
    if as_json:
        for row in rows:
            json_line(row)
        return
    table = Table(title="dead letters" + ("" if all_ else " (open)"))
    for col in ("dlq seq", "status", "service", "consumer", "event", "subject", "reason", "error", "at"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["dlq_seq"]),
            r["status"],
            r["service"],
            r["consumer"],
            str(r["event_type"] or ""),
            f"{r['subject']} #{r['stream_seq']}",
            r["reason"],
            r["error"][:200],
            r["at"],
        )
    out.print(table)


@dlq_app.command("show")
def dlq_show(dlq_seq: Annotated[int, typer.Argument(help="the dead letter's DLQ sequence")]) -> None:
    """One dead letter: headers, body, error and resolution."""

    async def go() -> dict[str, Any]:
        async with connected(_target) as nc:
            try:
                return (await dead_letter(nc, dlq_seq)).as_dict()
            except DeadLetterError as exc:
                raise ShopctlError(str(exc), 1) from None

    print_json(run(go()))


@dlq_app.command("retry")
def dlq_retry(
    dlq_seq: Annotated[int, typer.Argument(help="the dead letter's DLQ sequence")],
    reason: Annotated[str, typer.Option(help="e.g. the fix that was deployed")] = "",
    by: Annotated[str | None, typer.Option(help="the operator (default: login name)")] = None,
) -> None:
    """Apply a dead letter again (after the fix is deployed), by its service; at most once."""

    async def go() -> dict[str, Any]:
        async with connected(_target) as nc:
            try:
                letter = await dead_letter(nc, dlq_seq)
            except DeadLetterError as exc:
                raise ShopctlError(str(exc), 1) from None
            body = {"dlq_seq": dlq_seq, "by": by or _operator(), "reason": reason}
            reply = await _ask(nc, f"{letter.service}.admin.RetryDeadLetter", body, max(_target.timeout, 30))
            if not reply.get("ok"):
                raise ShopctlError(f"retry of dead letter {dlq_seq} refused: {reply_error(reply)}", 1)
            result: dict[str, Any] = reply["result"]
            return result

    result = run(go())
    out.print(
        f"dead letter {dlq_seq} applied by {result['projection']} and recorded as retried "
        f"(DLQ seq {result['resolution_seq']})",
        highlight=False,
    )


@dlq_app.command("drop")
def dlq_drop(
    dlq_seq: Annotated[int, typer.Argument(help="the dead letter's DLQ sequence")],
    reason: Annotated[str, typer.Option(help="why it is dropped (recorded)")],
    by: Annotated[str | None, typer.Option(help="the operator (default: login name)")] = None,
) -> None:
    """Give a dead letter up, recording who and why (it stays in the DLQ)."""

    async def go() -> int:
        async with connected(_target) as nc:
            try:
                letter = await dead_letter(nc, dlq_seq)
                at = await _service_now(nc, letter.service)
                resolution = await resolve(nc, letter, "dropped", reason, by or _operator(), at=at)
            except DeadLetterError as exc:
                raise ShopctlError(str(exc), 1) from None
            return resolution.seq

    seq = run(go())
    out.print(f"dead letter {dlq_seq} dropped: {reason} (recorded at DLQ seq {seq})", highlight=False)


# -- export / import / backup -----------------------------------------------------------------


PassphraseFile = Annotated[
    Path | None,
    typer.Option(help="file holding the backup passphrase (key streams are encrypted with it)"),
]


def _passphrase(file: Path | None) -> bytes | None:
    """The backup passphrase: from `file`, else SHOP_BACKUP_PASSPHRASE; None when neither is given."""
    if file is not None:
        try:
            text = file.read_text().strip()
        except OSError as exc:
            raise_usage(f"--passphrase-file {file}: {exc}")
        if not text:
            raise_usage(f"--passphrase-file {file} is empty")
        return text.encode()
    env = os.environ.get("SHOP_BACKUP_PASSPHRASE", "").strip()
    return env.encode() if env else None


@app.command("export")
def export_cmd(
    stream: Annotated[str, typer.Argument(help="the stream, e.g. ORDERS")],
    file: Annotated[Path, typer.Argument(help="the .jsonl file to write (manifest beside it)")],
    subject: Annotated[str | None, typer.Option(help="only messages on this subject filter")] = None,
    passphrase_file: PassphraseFile = None,
) -> None:
    """A stream (or a subject filter of it) to JSON lines with a checksum manifest."""
    passphrase = _passphrase(passphrase_file)

    async def go() -> dict[str, Any]:
        async with connected(_target) as nc:
            result = await archive.export_stream(nc, stream, file, subject=subject, passphrase=passphrase)
            return result.manifest

    manifest = run(go())
    out.print(
        f"exported {manifest['count']} messages of {stream} (seq {manifest['first_seq']}..{manifest['last_seq']}) "
        f"to {file}; content sha256 {manifest['content_sha256']}",
        highlight=False,
    )


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="a .jsonl export with its manifest beside it")],
    allow_nonempty: Annotated[bool, typer.Option(help="append to a stream that has messages")] = False,
    passphrase_file: PassphraseFile = None,
) -> None:
    """Verify an export completely, then append it to its streams (into an empty server)."""
    passphrase = _passphrase(passphrase_file)

    async def go() -> dict[str, Any]:
        archive.verify_export(file, passphrase)  # before connecting: a corrupt file is reported as such
        async with connected(_target) as nc:
            return await archive.import_stream(nc, file, allow_nonempty=allow_nonempty, passphrase=passphrase)

    result = run(go())
    out.print(
        f"imported {result['imported']} messages into {', '.join(result['streams'])}; "
        f"content sha256 {result['content_sha256']} verified",
        highlight=False,
    )
    if result["duplicates"]:
        err.print(
            f"[bold red]warning:[/] {result['duplicates']} messages were dropped by the server as duplicates "
            "(same Nats-Msg-Id within the duplicate window)",
            highlight=False,
        )
        raise typer.Exit(1)


def iso_week(when: datetime) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


BACKUP_INDEX = "backup.json"


@backup_app.command("all")
def backup_all(
    directory: Annotated[Path, typer.Option("--dir", help="a new, empty directory for this backup")],
    passphrase_file: PassphraseFile = None,
    allow_open_dead_letters: Annotated[
        bool, typer.Option(help="back up although dead letters are open (they are listed)")
    ] = False,
) -> None:
    """Every stream: the events, the key streams (encrypted) and the DLQ (for the record).

    Refused while dead letters are open: retry or drop them first (`shopctl dlq`), or pass
    --allow-open-dead-letters. Restore with `shopctl restore --dir`."""
    passphrase = _passphrase(passphrase_file)
    if passphrase is None:
        raise_usage("a backup holds HR's data keys: give --passphrase-file or SHOP_BACKUP_PASSPHRASE")
    if directory.exists() and any(directory.iterdir()):
        raise_usage(f"{directory} is not empty: every backup goes into a new directory")

    async def go() -> dict[str, Any]:
        async with connected(_target) as nc:
            open_letters = [d.summary() for d in await dead_letters(nc) if d.resolution is None]
            if open_letters and not allow_open_dead_letters:
                raise ShopctlError(
                    f"{len(open_letters)} dead letters are open (DLQ seq "
                    f"{', '.join(str(d['dlq_seq']) for d in open_letters[:10])}): retry or drop them first "
                    "(shopctl dlq list), or pass --allow-open-dead-letters; nothing backed up",
                    1,
                )
            manifests = []
            for spec in shop_streams():
                path = directory / f"{spec.name}.jsonl"
                manifests.append(
                    (await archive.export_stream(nc, spec.name, path, passphrase=passphrase)).manifest
                )
            index = {
                "format": "shopctl-backup/1",
                "streams": [
                    {k: m[k] for k in ("stream", "file", "count", "last_seq", "content_sha256")}
                    for m in manifests
                ],
                "open_dead_letters": open_letters,
            }
            (directory / BACKUP_INDEX).write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n")
            return index

    index = run(go())
    for entry in index["streams"]:
        out.print(
            f"{entry['stream']}: {entry['count']} messages → {directory / entry['file']}", highlight=False
        )
    if index["open_dead_letters"]:
        err.print(
            f"[bold yellow]warning:[/] {len(index['open_dead_letters'])} open dead letters backed up in DLQ.jsonl "
            "(a restore does not bring the DLQ back: what still fails is dead-lettered again)",
            highlight=False,
        )


@app.command("restore")
def restore(
    directory: Annotated[Path, typer.Option("--dir", help="a directory written by `shopctl backup all`")],
    passphrase_file: PassphraseFile = None,
) -> None:
    """Verify a whole backup, then import every stream but the DLQ into an empty server.

    Run it after `shop-provision` and before any service starts; the services then rebuild every
    projection from the restored streams."""
    passphrase = _passphrase(passphrase_file)
    index_path = directory / BACKUP_INDEX
    try:
        index = json.loads(index_path.read_text())
        files = [directory / entry["file"] for entry in index["streams"] if entry["stream"] != DLQ_STREAM]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise_usage(f"{index_path} is not a readable backup index ({exc})")

    async def go() -> list[dict[str, Any]]:
        for file in files:  # everything is verified before anything is imported
            archive.verify_export(file, passphrase)
        async with connected(_target) as nc:
            return [await archive.import_stream(nc, file, passphrase=passphrase) for file in files]

    for result in run(go()):
        out.print(
            f"imported {result['imported']} messages into {', '.join(result['streams']) or '-'}; "
            f"content sha256 {result['content_sha256']} verified",
            highlight=False,
        )


@backup_app.command("orders")
def backup_orders(
    directory: Annotated[Path, typer.Option("--dir", help="where backups are kept")] = Path("var/backups"),
    by: Annotated[
        str, typer.Option(help="who records it, when nobody is logged in and no --as-program (system)")
    ] = "system",
    role: Annotated[
        str, typer.Option(help="the role acted in then: system or backoffice_order_staff")
    ] = "system",
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W09 (default: now)")] = None,
) -> None:
    """ORD-4: export ORDERS, verify the export, record OrdersBackedUp with its checksum.

    The default week and the file's time stamp are the orders service's clock (simulated too)."""

    async def go() -> dict[str, Any]:
        async with connected(_target) as nc:
            now = await _service_now(nc, "orders")
            iso = week or iso_week(now)
            path = directory / f"orders-{iso}-{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.jsonl"
            result = await archive.export_stream(nc, stream_name("orders"), path)
            verified = archive.verify_export(path)
            manifest = verified.manifest
            body = {
                "command_id": f"backup-{iso}-{manifest['content_sha256'][:16]}",
                "actor": {"id": by, "roles": [role]},
                "week": iso,
                "record_count": manifest["count"],
                "location": str(result.path.resolve()),
                "checksum": manifest["content_sha256"],
                "last_seq": manifest["last_seq"],
            }
            reply = await _ask(
                nc, "orders.commands.BackUpOrders", body, max(_target.timeout, 10), body_actor="replace"
            )
            if not reply.get("ok"):
                raise ShopctlError(f"backup written to {path} but not recorded: {reply_error(reply)}", 1)
            return {**manifest, "recorded": reply, "path": path, "week": iso}

    result = run(go())
    out.print(
        f"backed up {result['count']} order messages to {result['path']} and recorded OrdersBackedUp "
        f"for {result['week']}",
        highlight=False,
    )


# -- talking to services ----------------------------------------------------------------------


def _body(raw: str) -> dict[str, Any]:
    try:
        text = Path(raw[1:]).read_text() if raw.startswith("@") else raw
    except OSError as exc:
        raise_usage(f"cannot read {raw[1:]}: {exc}")
    try:
        body: dict[str, Any] = json.loads(text)
    except ValueError as exc:
        raise_usage(f"--json is not valid JSON: {exc}")
    if not isinstance(body, dict):
        raise_usage("--json must be a JSON object")
    return body


def _talk(service: str, kind: str, name: str, raw: str) -> None:
    check_service(service)
    body = _body(raw)

    async def go() -> dict[str, Any]:
        async with connected(_target) as nc:
            return await _ask(
                nc,
                f"{service}.{kind}.{name}",
                body,
                _target.timeout,
                body_actor="fill" if kind == "commands" else "keep",
            )

    reply = run(go())
    if reply.get("ok"):
        out.print(JSON(json.dumps(reply, ensure_ascii=False, default=str)))
        return
    err.print(f"[bold red]{service}.{kind}.{name} refused:[/] {reply_error(reply)}", highlight=False)
    raise typer.Exit(1)


@migrate_app.command("accessories")
def migrate_accessories_cmd(
    dry_run: Annotated[bool, typer.Option(help="only list what would be handed over")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Hand fulfilment's legacy accessory lists to the catalogue (FUL-4, AS-7, decision 0011): one
    catalog SetAccessories per SKU; safe to run again. Sign in as someone the catalogue lets set
    accessories (e.g. the department supervisor)."""
    from shopctl.migrations import migrate_accessories

    async def go() -> list[dict[str, Any]]:
        async with connected(_target) as nc:

            async def ask(subject: str, body: dict[str, Any]) -> dict[str, Any]:
                return await _ask(nc, subject, body, _target.timeout, body_actor="fill")

            return await migrate_accessories(nc, ask, dry_run=dry_run)

    rows = run(go())
    if as_json:
        for row in rows:
            json_line(row)
    else:
        table = Table(title="accessory lists: fulfilment -> catalogue")
        for column in ("sku", "accessories", "outcome", "message"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                row["sku"], ", ".join(row["accessories"]) or "-", row["outcome"], row.get("message") or ""
            )
        out.print(table)
    if any(row["outcome"] == "refused" for row in rows):
        raise typer.Exit(1)


@app.command()
def send(
    service: Annotated[str, typer.Argument(help="e.g. orders")],
    command: Annotated[str, typer.Argument(help="e.g. PlaceOrder")],
    body: Annotated[str, typer.Option("--json", help="the command as JSON, or @file")] = "{}",
) -> None:
    """Send a command to a service and print the reply (or the error)."""
    _talk(service, "commands", command, body)


@app.command()
def query(
    service: Annotated[str, typer.Argument(help="e.g. orders")],
    name: Annotated[str, typer.Argument(help="e.g. GetOrder")],
    body: Annotated[str, typer.Option("--json", help="the query as JSON, or @file")] = "{}",
) -> None:
    """Ask a service a query and print the reply (or the error)."""
    _talk(service, "queries", name, body)


# -- docs ------------------------------------------------------------------------------------


@app.command()
def docs(
    directory: Annotated[Path, typer.Option("--dir", help="output directory")] = Path("docs/asyncapi"),
    check: Annotated[bool, typer.Option(help="only compare; exit 1 when out of date")] = False,
) -> None:
    """Generate each service's AsyncAPI document and the HTML page from the services' code."""
    from shopctl.docs import generate, stale

    if check:
        outdated = stale(directory)
        if outdated:
            for name in outdated:
                err.print(f"[bold red]out of date:[/] {directory / name}", highlight=False)
            err.print("run `make docs` (shopctl docs) and commit the result", highlight=False)
            raise typer.Exit(1)
        out.print(f"{directory} is up to date", highlight=False)
        return
    for path in generate(directory):
        out.print(f"wrote {path}", highlight=False)


def main() -> None:
    app()
