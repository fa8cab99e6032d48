"""The operators' screen (issue 18 part 3): what `shopctl` does, in the browser.

- per service health and consumer lag: each service's `Health` (every projection's checkpoint,
  pending and redelivered messages, dead letters, paused), as `shopctl lag` and `replay` read it;
- dead letters with retry and drop: the services' admin requests `DeadLetters`,
  `RetryDeadLetter` (as `shopctl dlq retry`) and `DropDeadLetter` (`shopctl dlq drop`; the reason
  is required and recorded);
- replays with progress: `ReplayProjection` with a progress subject under the back office's own
  inbox (decision 0010); each progress message is pushed to the open page by server-sent events
  (`backoffice.Replay.<id>`), as `shopctl replay` draws its progress bar.

Every request is signed for the signed-in person (decision 0009); the back office holds no program
key of the operators (`shopctl-operator`): a service runs an admin request only when the person's
token names the role `operator`, granted to them in the identity service (IDN-6). The screen shows
its actions only to holders of `operator`; a post by anyone else is still sent and refused by the
service (`forbidden`), and the page says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from backoffice.live import Change
from backoffice.shop import ShopReply
from backoffice.web.core import Backoffice, Person, SignedIn, bo, redirect, render
from jetstream_es.provision import installed_services
from jetstream_es.service.admin import (
    AdminRequest,
    DeadLetters,
    DropDeadLetter,
    ReplayProjection,
    RetryDeadLetter,
)
from shop_contracts.subjects import health_subject

log = structlog.get_logger(__name__)
ROLES = ("operator",)
router = APIRouter(prefix="/operators")
REPLAY_TIMEOUT_S = 3600.0
"""How long a replay may take before the screen stops waiting (as `shopctl replay --timeout`)."""
KEPT_REPLAYS = 20


@dataclass
class Replay:
    """One replay started from the screen: its progress as the service reports it, then its end."""

    id: str
    service: str
    projection: str
    dry_run: bool
    by: str
    seq: int = 0
    target: int = 0
    applied: int = 0
    updates: int = 0
    done: bool = False
    reply: ShopReply | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def percent(self) -> int:
        if self.done and self.reply is not None and self.reply.ok:
            return 100
        return min(100, int(100 * self.seq / self.target)) if self.target else 0


def replays(backoffice: Backoffice) -> dict[str, Replay]:
    found: dict[str, Replay] | None = getattr(backoffice, "_operator_replays", None)
    if found is None:
        found = {}
        backoffice._operator_replays = found  # type: ignore[attr-defined]
    return found


def services() -> list[str]:
    return sorted(spec.name for spec in installed_services())


async def health(backoffice: Backoffice, person: Person) -> list[dict[str, Any]]:
    async def one(service: str) -> dict[str, Any]:
        reply = await backoffice.shop.request(health_subject(service), b"{}", person.actor)
        return {"service": service, "reply": reply, "report": reply.result if reply.ok else None}

    return list(await asyncio.gather(*(one(s) for s in services())))


async def dead_letters(
    backoffice: Backoffice, person: Person, resolved: bool
) -> tuple[list[dict[str, Any]], list[tuple[str, ShopReply]]]:
    names = services()
    replies = await asyncio.gather(
        *(backoffice.shop.admin(s, DeadLetters(include_resolved=resolved), person.actor) for s in names)
    )
    rows = [row for r in replies if r.ok for row in r.result["dead_letters"]]
    refused = [(s, r) for s, r in zip(names, replies, strict=True) if not r.ok]
    return sorted(rows, key=lambda r: r["dlq_seq"]), refused


async def page(
    request: Request,
    person: Person,
    *,
    outcome: ShopReply | None = None,
    what: str = "",
    resolved: bool = False,
) -> Response:
    backoffice = bo(request)
    letters, letters_refused = await dead_letters(backoffice, person, resolved)
    context = {
        "person": person,
        "health": await health(backoffice, person),
        "letters": letters,
        "letters_refused": letters_refused,
        "resolved": resolved,
        "replays": list(reversed(replays(backoffice).values())),
        "outcome": outcome,
        "what": what,
    }
    status = 200
    if outcome is not None and not outcome.ok:
        status = 403 if outcome.code == "forbidden" else 400
    return render(request, "operators/home.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn, resolved: bool = False) -> Response:
    if not person.holds(ROLES):
        return render(request, "forbidden.html", {"person": person}, status_code=403)
    return await page(request, person, resolved=resolved)


@router.get("/replays/{replay_id}", response_class=HTMLResponse)
async def replay_fragment(request: Request, person: SignedIn, replay_id: str) -> Response:
    if not person.holds(ROLES):
        return render(request, "forbidden.html", {"person": person}, status_code=403)
    found = replays(bo(request)).get(replay_id)
    if found is None:
        return Response(f"no replay {replay_id}", status_code=404)
    return render(request, "operators/replay.html", {"person": person, "replay": found})


async def _posted(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


def _request_of(model: type[AdminRequest], document: dict[str, Any]) -> AdminRequest | ShopReply:
    """The admin request of a post, or an `invalid` reply naming each bad field."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        fields = {
            ".".join(str(p) for p in e["loc"]) or "(body)": e["msg"] for e in exc.errors(include_url=False)
        }
        return ShopReply(
            False,
            code="invalid",
            message=f"{model.__name__} is not valid: {', '.join(fields)}",
            fields=fields,
        )


async def _refusal(request: Request, person: Person, reply: ShopReply, what: str) -> Response:
    """The outcome page for someone who may not see the screen: the service's refusal only."""
    status = 403 if reply.code == "forbidden" else 400
    return render(
        request,
        "operators/refused.html",
        {"person": person, "outcome": reply, "what": what},
        status_code=status,
    )


async def _answer(request: Request, person: Person, reply: ShopReply, what: str) -> Response:
    if not person.holds(ROLES):
        return await _refusal(request, person, reply, what)
    if reply.ok:
        return redirect(f"/operators?done={what}")
    return await page(request, person, outcome=reply, what=what)


def _letter_document(posted: dict[str, str], dlq_seq: int, person: Person) -> dict[str, Any]:
    return {"dlq_seq": dlq_seq, "by": person.id, "reason": posted.get("reason", "").strip()}


@router.post("/dead-letters/{service}/{dlq_seq}/retry", response_class=HTMLResponse)
async def retry(request: Request, person: SignedIn, service: str, dlq_seq: int) -> Response:
    """Apply a dead letter again after the fix (as `shopctl dlq retry`); the service records it once."""
    posted = await _posted(request)
    made = _request_of(RetryDeadLetter, _letter_document(posted, dlq_seq, person))
    what = f"retry-{dlq_seq}"
    if isinstance(made, ShopReply):
        return await _answer(request, person, made, what)
    reply = await bo(request).shop.admin(service, made, person.actor, seconds=30.0)
    return await _answer(request, person, reply, what)


@router.post("/dead-letters/{service}/{dlq_seq}/drop", response_class=HTMLResponse)
async def drop(request: Request, person: SignedIn, service: str, dlq_seq: int) -> Response:
    """Give a dead letter up with its reason (as `shopctl dlq drop`); it stays in the DLQ."""
    posted = await _posted(request)
    made = _request_of(DropDeadLetter, _letter_document(posted, dlq_seq, person))
    what = f"drop-{dlq_seq}"
    if isinstance(made, ShopReply):
        return await _answer(request, person, made, what)
    reply = await bo(request).shop.admin(service, made, person.actor)
    return await _answer(request, person, reply, what)


async def _run_replay(backoffice: Backoffice, person: Person, replay: Replay, made: ReplayProjection) -> None:
    shop = backoffice.shop
    change = Change("backoffice", "Replay", replay.id, "ReplayProgressed")

    async def on_progress(data: bytes) -> None:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            state = json.loads(data)
            replay.seq, replay.target = int(state["seq"]), int(state["target"])
            replay.applied = int(state.get("applied", 0))
            replay.updates += 1
            backoffice.live.publish(change)

    unsubscribe = None
    try:
        if shop.listen is not None and made.progress_subject is not None:
            unsubscribe = await shop.listen(made.progress_subject, on_progress)
        replay.reply = await shop.admin(replay.service, made, person.actor, seconds=REPLAY_TIMEOUT_S)
    except Exception as exc:  # the page must learn the end, whatever it was
        log.warning("replay_failed", replay=replay.id, error=repr(exc))
        replay.reply = ShopReply.unavailable(
            f"the replay of {replay.service}/{replay.projection} failed: {exc!r}"
        )
    finally:
        if unsubscribe is not None:
            with contextlib.suppress(Exception):
                await unsubscribe()
        replay.done = True
        backoffice.live.publish(Change("backoffice", "Replay", replay.id, "ReplayEnded"))


@router.post("/replays", response_class=HTMLResponse)
async def start_replay(request: Request, person: SignedIn) -> Response:
    """Rebuild a projection into a fresh table and swap on catch-up (as `shopctl replay`)."""
    backoffice = bo(request)
    posted = await _posted(request)
    service = posted.get("service", "")
    if service not in services():
        reply = ShopReply(
            False, code="invalid", message=f"unknown service {service!r}", fields={"service": "unknown"}
        )
        return await _answer(request, person, reply, "replay")
    document: dict[str, Any] = {
        "projection": posted.get("projection", "").strip(),
        "from_seq": posted.get("from_seq") or 1,
        "dry_run": posted.get("dry_run", "") in ("on", "true", "1"),
        "progress_subject": backoffice.shop.progress_subject(service),
    }
    made = _request_of(ReplayProjection, document)
    if isinstance(made, ShopReply):
        return await _answer(request, person, made, "replay")
    assert isinstance(made, ReplayProjection)
    if not person.holds(ROLES):  # sent anyway: the service is who refuses (decision 0009)
        return await _refusal(
            request, person, await backoffice.shop.admin(service, made, person.actor), "replay"
        )
    replay = Replay(uuid.uuid4().hex[:12], service, made.projection, made.dry_run, person.id)
    kept = replays(backoffice)
    kept[replay.id] = replay
    for old in list(kept)[:-KEPT_REPLAYS]:
        if kept[old].done:
            del kept[old]
    replay.task = asyncio.create_task(_run_replay(backoffice, person, replay, made))
    return redirect(f"/operators#replay-{replay.id}")
