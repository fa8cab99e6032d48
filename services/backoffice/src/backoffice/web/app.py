"""The FastAPI application (issue 18): the screens' table mounted, sign-in, the CSRF guard, static
files, live updates (`/live`, server-sent events) and the record history fragment
(`/history/<service>/<Aggregate>/<id>`). Built by `bootstrap.py` from a `Backoffice`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import Scope

from backoffice.live import Watch
from backoffice.web import auth
from backoffice.web.core import Backoffice, SignedIn, SignedOut, bo, redirect, render
from backoffice.web.screens import SCREENS, Screen
from shop_contracts.queries.history import History

HERE = Path(__file__).resolve().parent


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=HERE / "templates")

    def localtime(value: str | datetime | None, tz: str) -> str:
        if not value:
            return ""
        when = datetime.fromisoformat(value) if isinstance(value, str) else value
        return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S")

    found.env.filters["localtime"] = localtime
    return found


def screens_for(backoffice: Backoffice) -> list[Screen]:
    """The table, with the accounts screen's roles from the policy (`ADMIN_ROLES`)."""
    return [
        dataclasses.replace(s, roles=backoffice.policy.admin_roles) if s.area == "accounts" else s
        for s in SCREENS
    ]


def create_app(
    backoffice: Backoffice,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
) -> FastAPI:
    app = FastAPI(
        title="Shop back office", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    backoffice.screens = screens_for(backoffice)
    backoffice.templates.env.globals["tz"] = backoffice.business_tz
    app.state.backoffice = backoffice
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(auth.router)
    for screen in backoffice.screens:
        app.include_router(screen.router)

    @app.exception_handler(SignedOut)
    async def _signed_out(request: Request, exc: SignedOut) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": f"/signin?reason={exc.reason}"})
        response = redirect(f"/signin?reason={exc.reason}")
        if exc.reason != "sign_in_first":
            response.delete_cookie("bo_session", path="/")
        return response

    @app.get("/", response_class=HTMLResponse)
    async def start(person: SignedIn) -> Response:
        home = next((s for s in backoffice.screens if person.holds(s.roles)), None)
        return redirect(home.path if home else "/me")

    @app.get("/live")
    async def live(
        request: Request, person: SignedIn, watch: Annotated[list[str] | None, Query()] = None
    ) -> Response:
        try:
            watches = [Watch.parse(w) for w in watch or []]
        except ValueError as exc:
            return Response(str(exc), status_code=400)

        async def events() -> AsyncIterator[str]:
            async for chunk in bo(request).live.stream(watches):
                if await request.is_disconnected():
                    return
                yield chunk

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    @app.get("/history/{service}/{aggregate_type}/{aggregate_id}", response_class=HTMLResponse)
    async def history(
        request: Request, person: SignedIn, service: str, aggregate_type: str, aggregate_id: str
    ) -> Response:
        query = History(aggregate_type=aggregate_type, aggregate_id=aggregate_id)
        reply = await bo(request).shop.query(service, query, person.actor)
        return render(request, "components/history.html", {"person": person, "reply": reply})

    return app


async def csrf_refused(scope: Scope, reason: str) -> Response:
    """The 403 page of a POST without its CSRF token (rendered without a session lookup)."""
    request = Request(scope)
    return render(request, "refused.html", {"reason": reason}, status_code=403)
