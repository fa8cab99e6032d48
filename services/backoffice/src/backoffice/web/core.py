"""The web layer's shared parts (issue 18): who is signed in, the CSRF guard, rendering.

- Sessions: the cookie `bo_session` holds a random id; the store keeps only its hash. A session
  ends after `session_idle_minutes` without a request or `session_absolute_hours` after sign-in,
  and when a person who held roles has had them all revoked (RolesOf is asked again when the
  session's roles are older than `roles_fresh_s`, IDN-6). Cookies are HttpOnly, SameSite=Lax and
  Secure per `BACKOFFICE_COOKIE_SECURE`.
- CSRF: every POST carries the session's token in the form field `csrf_token` or the header
  `X-CSRF-Token` (htmx, from `hx-headers` on the body); before sign-in the token is the
  `bo_csrf` cookie's (double submit). A POST without it is refused 403 with a page saying why,
  before any route runs.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qs

from babel.support import Translations
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backoffice.adapters.store import Session, Store
from backoffice.domain.accounts import session_ended
from backoffice.live import Live
from backoffice.settings import SignInPolicy
from backoffice.shop import Shop, ShopReply
from backoffice.web.i18n import LANGUAGES
from jetstream_es.clock import Clock
from shop_contracts.envelope import Actor

SESSION_COOKIE = "bo_session"
CSRF_COOKIE = "bo_csrf"
LANG_COOKIE = "bo_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Backoffice:
    """Everything a route needs, built once by `bootstrap.py`."""

    store: Store
    shop: Shop
    live: Live
    clock: Clock
    policy: SignInPolicy
    templates: Jinja2Templates
    catalogues: dict[str, Translations]
    default_language: str = "zh_CN"
    cookie_secure: bool = True
    public_url: str = "http://127.0.0.1:8000"
    business_tz: str = "Asia/Shanghai"
    screens: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    """The signed-in person of a request: their HR employee id and the roles their grants give."""

    id: str
    roles: tuple[str, ...]
    csrf: str
    session_hash: str

    @property
    def actor(self) -> Actor:
        return Actor(id=self.id, roles=self.roles)

    def holds(self, roles: tuple[str, ...] | None) -> bool:
        return roles is None or any(r in self.roles for r in roles)


class SignedOut(Exception):
    """No valid session: the route answers with the sign-in page (`reason` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def bo(request: Request) -> Backoffice:
    backoffice: Backoffice = request.app.state.backoffice
    return backoffice


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LANGUAGES else bo(request).default_language


async def current_session(request: Request) -> Session | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return await bo(request).store.session(cookie) if cookie else None


async def signed_in(request: Request) -> Person:
    """The request's person (a FastAPI dependency); raises SignedOut when there is none."""
    backoffice = bo(request)
    session = await current_session(request)
    if session is None:
        raise SignedOut("signed_out" if request.cookies.get(SESSION_COOKIE) else "sign_in_first")
    now = backoffice.clock.now()
    if session_ended(session.created_at, session.last_seen_at, now, backoffice.policy):
        await backoffice.store.end_session(session.id_hash)
        raise SignedOut("expired")
    account = await backoffice.store.account(person_id=session.person_id)
    if account is None or account.disabled:
        await backoffice.store.end_session(session.id_hash)
        raise SignedOut("disabled")
    roles: tuple[str, ...] | None = None
    if (now - session.roles_checked_at).total_seconds() > backoffice.policy.roles_fresh_s:
        asked = await backoffice.shop.roles_of(session.person_id)
        if isinstance(asked, ShopReply):
            raise SignedOut("roles_unavailable")
        if session.roles and not asked:  # every grant revoked (IDN-6): signed out
            await backoffice.store.end_session(session.id_hash)
            raise SignedOut("roles_revoked")
        roles = asked
    await backoffice.store.touch_session(session.id_hash, now, roles)
    return Person(
        session.person_id, roles if roles is not None else session.roles, session.csrf, session.id_hash
    )


SignedIn = Annotated[Person, Depends(signed_in)]
"""The signed-in person of a route (`person: SignedIn`); a request without one gets the sign-in page."""


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    backoffice = bo(request)
    lang = language(request)
    translations = backoffice.catalogues[lang]
    person: Person | None = (context or {}).get("person")
    csrf = person.csrf if person else request.cookies.get(CSRF_COOKIE) or new_csrf()
    menu = [s for s in backoffice.screens if person is not None and person.holds(s.roles)]
    full = {
        "_": translations.gettext,
        "lang": lang,
        "languages": LANGUAGES,
        "csrf": csrf,
        "menu": menu,
        "path": request.url.path,
        **(context or {}),
    }
    response = backoffice.templates.TemplateResponse(request, template, full, status_code=status_code)
    if not person and not request.cookies.get(CSRF_COOKIE):
        set_cookie(response, backoffice, CSRF_COOKIE, csrf, max_age=24 * 3600)
    return response


def set_cookie(
    response: Response, backoffice: Backoffice, name: str, value: str, *, max_age: int | None = None
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", secure=backoffice.cookie_secure, path="/"
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


class CsrfGuard:
    """Refuses, 403, every POST whose CSRF token (field or header) is not the session's or, before
    sign-in, the `bo_csrf` cookie's. Pure ASGI: the body is read once and replayed to the route."""

    def __init__(
        self,
        app: ASGIApp,
        store_of: Callable[[], Store],
        refused: Callable[[Scope, str], Awaitable[Response]],
    ) -> None:
        self.app, self.store_of, self.refused = app, store_of, refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        cookies = _cookies(headers.get("cookie", ""))
        expected = None
        if session_id := cookies.get(SESSION_COOKIE):
            session = await self.store_of().session(session_id)
            expected = session.csrf if session else None
        if expected is None:
            expected = cookies.get(CSRF_COOKIE)
        given = headers.get(CSRF_HEADER)
        if given is None and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            given = next(iter(parse_qs(body.decode(errors="replace")).get(CSRF_FIELD, [])), None)
        if not expected or not given or not hmac.compare_digest(expected, given):
            response = await self.refused(scope, "missing" if not given else "mismatch")
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


def new_csrf() -> str:
    return secrets.token_urlsafe(24)
