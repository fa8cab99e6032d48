"""Staff accounts (issue 18 part 2): an administrator (`BACKOFFICE_POLICY__ADMIN_ROLES`, default
identity_admin or hr_dept) opens an account for an HR employee (person id = the HR employee id,
HR-38's record must exist) and hands over the one-time link the screen shows; a password reset is a
new link. The employee is picked from HR's `ListEmployees` (active employees without an account:
id, post and, for an HR administrator, the name, HR-38); when HR refuses the list the id is typed. The link is shown once: only its hash is stored. Whether HR knows the employee is
asked through hr's `History` of the `Employee` aggregate (its personal data is encrypted there).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from backoffice.domain.accounts import link_expires, new_secret
from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, render
from shop_contracts.queries.history import History
from shop_contracts.queries.hr_people import EmployeeListStatus, ListEmployees

LIST_PAGE = 500
ROLES: tuple[str, ...] = ("identity_admin", "hr_dept")
"""The default; the app uses `BACKOFFICE_POLICY__ADMIN_ROLES`."""
PERSON_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

router = APIRouter(prefix="/accounts")


def _may_administer(request: Request, person: Person) -> bool:
    return person.holds(bo(request).policy.admin_roles)


async def employees_to_pick(
    request: Request, person: Person, have_accounts: set[str]
) -> tuple[list[dict[str, Any]], ShopReply | None]:
    """HR's active employees without an account, every page of ListEmployees (HR-38: the names
    only if HR lets the administrator read them); or HR's refusal, and then the id is typed."""
    picked: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = ListEmployees(status=EmployeeListStatus.ACTIVE, limit=LIST_PAGE, offset=offset)
        reply = await bo(request).shop.query("hr", page, person.actor)
        if not reply.ok or not reply.result:
            return [], reply
        listed = reply.result["employees"]
        picked += [e for e in listed if e["employee_id"] not in have_accounts]
        offset += len(listed)
        if not listed or offset >= int(reply.result["total"]):
            return picked, None


async def _page(request: Request, person: Person, **extra: object) -> Response:
    if not _may_administer(request, person):
        return render(request, "forbidden.html", {"person": person}, status_code=403)
    accounts = await bo(request).store.list_accounts()
    audit = await bo(request).store.audit_trail(20)
    employees, unlisted = await employees_to_pick(request, person, {a.person_id for a in accounts})
    context = {"person": person, "accounts": accounts, "audit": audit, "now": bo(request).clock.now()}
    return render(
        request,
        "accounts/home.html",
        context | {"employees": employees, "unlisted": unlisted, **extra},
        status_code=400 if extra.get("errors") else 200,
    )


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn) -> Response:
    return await _page(request, person)


async def _link(request: Request, person_id: str, by: str) -> str:
    backoffice = bo(request)
    token = new_secret()
    now = backoffice.clock.now()
    await backoffice.store.add_link(token, person_id, link_expires(now, backoffice.policy), by)
    return f"{backoffice.public_url}/link/{token}"


@router.post("", response_class=HTMLResponse)
async def open_account(
    request: Request,
    person: SignedIn,
    person_id: Annotated[str, Form()] = "",
    login: Annotated[str, Form()] = "",
) -> Response:
    if not _may_administer(request, person):
        return render(request, "forbidden.html", {"person": person}, status_code=403)
    backoffice = bo(request)
    person_id, login = person_id.strip(), (login.strip() or person_id.strip())
    errors: dict[str, str] = {}
    if not PERSON_ID.fullmatch(person_id):
        errors["person_id"] = "an HR employee id: 1-64 letters, digits, '_' or '-'"
    elif await backoffice.store.account(person_id=person_id) is not None:
        errors["person_id"] = f"{person_id} has an account already: make a new link instead"
    if not PERSON_ID.fullmatch(login):
        errors["login"] = "1-64 letters, digits, '_' or '-'"
    elif await backoffice.store.account(login=login) is not None:
        errors["login"] = f"the login name {login} is taken"
    if not errors:
        # HR's record exists: its history (the personal data in it is encrypted, HR-38)
        known = await backoffice.shop.query(
            "hr", History(aggregate_type="Employee", aggregate_id=person_id, limit=1), person.actor
        )
        if known.code == "not_found":
            errors["person_id"] = f"HR has no employee {person_id} (HR-38): HR onboards them first"
        elif not known.ok:
            errors["person_id"] = (
                f"HR's record of {person_id} cannot be checked: {known.code}: {known.message}"
            )
    if errors:
        return await _page(request, person, errors=errors, values={"person_id": person_id, "login": login})
    await backoffice.store.add_account(person_id, login, backoffice.clock.now(), person.id)
    return await _page(request, person, link=await _link(request, person_id, person.id), link_for=person_id)


@router.post("/{person_id}/link", response_class=HTMLResponse)
async def new_link(request: Request, person: SignedIn, person_id: str) -> Response:
    if not _may_administer(request, person):
        return render(request, "forbidden.html", {"person": person}, status_code=403)
    if await bo(request).store.account(person_id=person_id) is None:
        return await _page(request, person, errors={"person_id": f"no account {person_id}"})
    return await _page(request, person, link=await _link(request, person_id, person.id), link_for=person_id)
