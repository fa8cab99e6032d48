"""The RoleHolder aggregate (`RoleHolder.<person_id>`, for staff the HR employee id) and its
decisions (issue 17, IDN-1..IDN-5).

- IDN-1: only a holder of a grantor role may grant or revoke a role it lists (`GrantorPolicy`,
  `IDENTITY_GRANTORS`); anyone else is `forbidden`.
- IDN-2: every grant and revocation carries its reason, grantor and time (the service's clock).
- IDN-3: granting a role already held, or revoking one not held, is refused `rule_violated` and
  appends nothing, so the history says only what changed (a repeat of the same command id is
  answered with its first outcome instead).
- IDN-4: nobody grants a role to themselves unless they hold `identity_admin`.
- IDN-5: HR's offboarding revokes every role held, with cause `offboarded`; nothing held, nothing
  appended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from identity.domain.policy import IDENTITY_ADMIN, GrantorPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import Forbidden, RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import IDENTITY_ROLE_HOLDER
from shop_contracts.commands.identity import GrantRole, RevokeRole
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_people import EmployeeOffboarded
from shop_contracts.events.identity import RevocationCause, RoleGranted, RoleRevoked
from shop_contracts.messages import EventData

registry = EventRegistry([RoleGranted, RoleRevoked])


@dataclass(frozen=True, slots=True)
class Grant:
    """A role held: by whose grant, when and why."""

    role: str
    granted_by: str
    granted_at: datetime
    reason: str


@dataclass(frozen=True)
class RoleHolder:
    person_id: str = ""
    held: Mapping[str, Grant] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(sorted(self.held))


def evolve(state: RoleHolder, event: EventData) -> RoleHolder:
    match event:
        case RoleGranted():
            grant = Grant(event.role, event.granted_by, event.at, event.reason)
            held = MappingProxyType({**state.held, event.role: grant})
            return replace(state, person_id=event.person_id, held=held)
        case RoleRevoked():
            held = MappingProxyType({r: g for r, g in state.held.items() if r != event.role})
            return replace(state, person_id=event.person_id, held=held)
    return state


ROLE_HOLDER = AggregateType.of(IDENTITY_ROLE_HOLDER, registry, RoleHolder, evolve)


def _authorised(actor: Actor, person_id: str, role: str, policy: GrantorPolicy, verb: str) -> None:
    if not policy.may_grant(actor, role):
        grantors = " or ".join(policy.grantors_of(role)) or "nobody"
        raise Forbidden(
            f"IDN-1: {role} is {verb} by {grantors} (IDENTITY_GRANTORS); {actor.id} is not", "IDN-1"
        )


def grant(state: RoleHolder, cmd: GrantRole, policy: GrantorPolicy, now: datetime) -> Sequence[EventData]:
    """IDN-1, IDN-3, IDN-4: the grant, by the command's (proven) actor."""
    actor = cmd.actor
    _authorised(actor, cmd.person_id, cmd.role, policy, "granted")
    if actor.id == cmd.person_id and not actor.has_any(IDENTITY_ADMIN):
        raise Forbidden(
            f"IDN-4: {actor.id} cannot grant a role to themselves; only an {IDENTITY_ADMIN} may", "IDN-4"
        )
    if cmd.role in state.held:
        held = state.held[cmd.role]
        raise RuleViolated(
            f"IDN-3: {cmd.person_id} holds {cmd.role} already (granted by {held.granted_by} "
            f"on {held.granted_at.isoformat()}); nothing recorded",
            "IDN-3",
        )
    return [
        RoleGranted(person_id=cmd.person_id, role=cmd.role, reason=cmd.reason, granted_by=actor.id, at=now)
    ]


def revoke(state: RoleHolder, cmd: RevokeRole, policy: GrantorPolicy, now: datetime) -> Sequence[EventData]:
    """IDN-1, IDN-3: a revocation by hand, by whoever may grant the role (oneself included)."""
    _authorised(cmd.actor, cmd.person_id, cmd.role, policy, "revoked")
    if cmd.role not in state.held:
        raise RuleViolated(f"IDN-3: {cmd.person_id} does not hold {cmd.role}; nothing recorded", "IDN-3")
    return [
        RoleRevoked(
            person_id=cmd.person_id,
            role=cmd.role,
            reason=cmd.reason,
            revoked_by=cmd.actor.id,
            at=now,
            cause=RevocationCause.MANUAL,
        )
    ]


def offboarded(state: RoleHolder, event: EventData, now: datetime) -> Sequence[EventData]:
    """IDN-5: every role held ends when HR offboards the person (none held: nothing)."""
    if not isinstance(event, EmployeeOffboarded):
        return []
    reason = f"offboarded ({event.reason.value}, effective {event.effective_date.isoformat()})"
    return [
        RoleRevoked(
            person_id=event.employee_id,
            role=role,
            reason=reason,
            revoked_by=event.offboarded_by,
            at=now,
            cause=RevocationCause.OFFBOARDED,
        )
        for role in state.roles
    ]
