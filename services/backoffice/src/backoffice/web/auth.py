"""Signing in and out, one-time links, the language switch (issue 18 part 2).

- `POST /signin`: login name and password. A wrong password counts a failure; the
  `lockout_failures`-th in a row locks the account for `lockout_minutes`; a locked or disabled
  account is refused without its password being checked. Every attempt is audited (outcome and
  address). A success starts a session with the roles the grants give the person now (IDN-6).
- `GET|POST /link/<token>`: the one-time link an administrator made; the person sets their
  password there (at least `password_min_length` characters); the link works once, for
  `link_hours`.
- `POST /signout` ends the session.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from backoffice.domain.accounts import (
    AccountError,
    after_failure,
    hash_password,
    is_locked,
    new_secret,
    password_matches,
)
from backoffice.shop import ShopReply
from backoffice.web.core import (
    LANG_COOKIE,
    SESSION_COOKIE,
    SignedIn,
    bo,
    new_csrf,
    redirect,
    render,
    set_cookie,
)
from backoffice.web.i18n import LANGUAGES

router = APIRouter()


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request, reason: str = "") -> Response:
    return render(request, "signin.html", {"reason": reason})


@router.post("/signin", response_class=HTMLResponse)
async def signin(
    request: Request, login: Annotated[str, Form()] = "", password: Annotated[str, Form()] = ""
) -> Response:
    backoffice = bo(request)
    store, now = backoffice.store, backoffice.clock.now()
    account = await store.account(login=login.strip())

    async def refuse(outcome: str, person: str | None) -> Response:
        await store.audit(now, login, person, outcome, _address(request))
        return render(request, "signin.html", {"error": outcome, "login": login}, status_code=401)

    if account is None:
        return await refuse("wrong_credentials", None)
    if account.disabled:
        return await refuse("disabled", account.person_id)
    if is_locked(account.locked_until, now):
        return await refuse("locked", account.person_id)
    if not password_matches(account.password_hash, password):
        lockout = after_failure(account.failures, now, backoffice.policy)
        await store.set_lockout(account.person_id, lockout.failures, lockout.locked_until)
        return await refuse("locked" if lockout.locked_until else "wrong_credentials", account.person_id)
    roles = await backoffice.shop.roles_of(account.person_id)
    if isinstance(roles, ShopReply):
        await store.audit(now, login, account.person_id, "roles_unavailable", _address(request))
        return render(
            request, "signin.html", {"error": "roles_unavailable", "detail": roles.message}, status_code=503
        )
    await store.set_lockout(account.person_id, 0, None)
    session_id = new_secret()
    await store.add_session(session_id, account.person_id, new_csrf(), roles, now)
    await store.audit(now, login, account.person_id, "signed_in", _address(request))
    response = redirect("/")
    set_cookie(response, backoffice, SESSION_COOKIE, session_id)
    return response


@router.post("/signout")
async def signout(request: Request, person: SignedIn) -> Response:
    backoffice = bo(request)
    await backoffice.store.end_session(person.session_hash)
    await backoffice.store.audit(
        backoffice.clock.now(), person.id, person.id, "signed_out", _address(request)
    )
    response = redirect("/signin?reason=signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/link/{token}", response_class=HTMLResponse)
async def link_page(request: Request, token: str) -> Response:
    holder = await bo(request).store.link_holder(token, bo(request).clock.now())
    if holder is None:
        return render(request, "link.html", {"invalid": True}, status_code=404)
    return render(request, "link.html", {"holder": holder, "token": token})


@router.post("/link/{token}", response_class=HTMLResponse)
async def set_password(
    request: Request, token: str, password: Annotated[str, Form()] = "", repeat: Annotated[str, Form()] = ""
) -> Response:
    backoffice = bo(request)
    now = backoffice.clock.now()
    holder = await backoffice.store.link_holder(token, now)
    if holder is None:
        return render(request, "link.html", {"invalid": True}, status_code=404)
    if password != repeat:
        return render(
            request,
            "link.html",
            {"holder": holder, "token": token, "error": "passwords_differ"},
            status_code=400,
        )
    try:
        hashed = hash_password(password, backoffice.policy)
    except AccountError as exc:
        return render(
            request,
            "link.html",
            {"holder": holder, "token": token, "error": "too_short", "detail": str(exc)},
            status_code=400,
        )
    if await backoffice.store.use_link(token, now, hashed) is None:
        return render(request, "link.html", {"invalid": True}, status_code=404)
    await backoffice.store.audit(now, holder, holder, "password_set", _address(request))
    return redirect("/signin?reason=password_set")


@router.post("/lang")
async def switch_language(
    request: Request, lang: Annotated[str, Form()], back: Annotated[str, Form()] = "/"
) -> Response:
    response = redirect(back if back.startswith("/") and not back.startswith("//") else "/")
    if lang in LANGUAGES:
        set_cookie(response, bo(request), LANG_COOKIE, lang, max_age=365 * 24 * 3600)
    return response
