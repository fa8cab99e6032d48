"""Who may issue which command, as a setting with documented defaults (rules.md §8, conflict C9).

A service declares its default table once (command name -> roles allowed, rule cited when someone
else tries); its `bootstrap.py` reads one setting (`<SERVICE>_COMMAND_ROLES`, a JSON object
`{"IssueRefund": ["dept_supervisor", "aftersales_manager"]}`) whose entries replace the default
roles of the commands they name, and hands the resulting `CommandRoles` to the domain through the
policy it already injects. A bad override (an unknown command, no roles, a malformed role id) is
refused at start-up with a `RoleSettingError` naming the setting and the command; nothing is
guessed and nothing is ignored.

Who may read which query is a setting the same way (decision 0009): `QueryRoles`, from
`<SERVICE>_QUERY_ROLES`, replaces the `read_roles` the query models declare for the queries it
names; the runtime checks the configured roles (`ServiceRuntime.configure_query_roles`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor
from shop_contracts.messages import ROLE_ID_PATTERN

ROLE_ID: Final = re.compile(ROLE_ID_PATTERN)

EXAMPLE: Final = '{"IssueRefund": ["dept_supervisor", "aftersales_manager"]}'

RoleTable = Mapping[str, tuple[tuple[str, ...], str]]
"""Command name -> (roles allowed, rule cited when refused)."""


class RoleSettingError(ValueError):
    """A role setting cannot be used; the message names the setting and the command."""

    def __init__(self, setting: str, command: str | None, problem: str) -> None:
        super().__init__(f"{setting}: {command}: {problem}" if command else f"{setting}: {problem}")
        self.setting = setting
        self.command = command
        self.problem = problem


@dataclass(frozen=True)
class CommandGrant:
    """The roles allowed to issue one command and the rule a refusal cites."""

    roles: tuple[str, ...]
    rule: str
    overridden: bool = False


@dataclass(frozen=True)
class CommandRoles:
    """A service's command -> roles table: the defaults with the setting's overrides applied."""

    setting: str
    grants: tuple[tuple[str, CommandGrant], ...]

    @classmethod
    def configured(
        cls,
        defaults: RoleTable,
        overrides: Mapping[str, Sequence[str]] | None = None,
        *,
        setting: str,
    ) -> CommandRoles:
        """The defaults with `overrides` replacing the roles of the commands they name.

        Raises RoleSettingError for an unknown command, an empty role list or a malformed role id.
        """
        overrides = overrides or {}
        for command in overrides:
            if command not in defaults:
                known = ", ".join(sorted(defaults))
                raise RoleSettingError(setting, command, f"no such command here; the commands are {known}")
        grants: list[tuple[str, CommandGrant]] = []
        for command, (roles, rule) in defaults.items():
            if command in overrides:
                grants.append(
                    (command, CommandGrant(_roles(setting, command, overrides[command]), rule, True))
                )
            else:
                grants.append((command, CommandGrant(_roles(setting, command, roles), rule)))
        return cls(setting, tuple(grants))

    @cached_property
    def _by_command(self) -> dict[str, CommandGrant]:
        return dict(self.grants)

    @classmethod
    def from_setting(cls, defaults: RoleTable, raw: object, *, setting: str) -> CommandRoles:
        """`configured` from a setting's raw value: JSON text (the environment variable), a mapping, or
        nothing (empty text, None: the defaults). Anything else is a RoleSettingError naming `setting`."""
        table = _role_table(raw, setting=setting, kind="command", example=EXAMPLE)
        return cls.configured(defaults, table, setting=setting)

    def overrides(self) -> dict[str, list[str]]:
        """The commands whose roles the setting replaced, with their roles (the setting's value)."""
        return {name: list(grant.roles) for name, grant in self.grants if grant.overridden}

    def grant(self, command: str) -> CommandGrant:
        try:
            return self._by_command[command]
        except KeyError:
            raise LookupError(
                f"{command} is not in the {self.setting} table; declare its default roles"
            ) from None

    def roles(self, command: str) -> tuple[str, ...]:
        return self.grant(command).roles

    def require(self, actor: Actor, command: str) -> None:
        """Raise Forbidden, citing the command's rule, unless `actor` holds one of its roles."""
        grant = self.grant(command)
        if not actor.has_any(*grant.roles):
            raise Forbidden(
                f"{command} needs the role {' or '.join(grant.roles)}; {actor.id} has none of them",
                grant.rule,
            )

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.grants)


def _role_table(raw: object, *, setting: str, kind: str, example: str) -> dict[str, list[str]]:
    """A role setting's raw value (JSON text, the environment variable; a mapping; or nothing:
    empty text or None) as name -> list, its shape checked; a RoleSettingError names `setting`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise RoleSettingError(
                setting, None, f"not JSON ({exc}); give an object like {example}"
            ) from None
    if not isinstance(raw, Mapping):
        raise RoleSettingError(setting, None, f"give a JSON object {kind} -> roles, e.g. {example}")
    for name, roles in raw.items():
        if not isinstance(roles, list | tuple):
            raise RoleSettingError(setting, str(name), f"give a list of role ids, not {roles!r}")
    return {str(name): list(roles) for name, roles in raw.items()}


def _roles(setting: str, name: str, roles: Sequence[str], *, verb: str = "issue") -> tuple[str, ...]:
    """`roles` as role ids, refused unless a non-empty list of well-formed ids (what nobody could
    `verb` otherwise)."""
    if isinstance(roles, str):
        raise RoleSettingError(setting, name, f"give a list of role ids, not the text {roles!r}")
    if not roles:
        raise RoleSettingError(setting, name, f"name at least one role; nobody could {verb} it otherwise")
    bad = [role for role in roles if not isinstance(role, str) or not ROLE_ID.match(role)]
    if bad:
        raise RoleSettingError(
            setting,
            name,
            f"{bad} are not role ids (lower-case letters, digits and _, starting with a letter)",
        )
    return tuple(dict.fromkeys(roles))


QUERY_EXAMPLE: Final = '{"Payroll": ["hr_dept", "dept_manager"]}'


@dataclass(frozen=True)
class QueryRoles:
    """Who may read which query, as a setting (decision 0009, like C9's command roles): each query
    model declares its default `read_roles` in the contracts; `<SERVICE>_QUERY_ROLES`, a JSON
    object `{"Payroll": ["hr_dept", "dept_manager"]}`, replaces the roles of the queries it names.
    The runtime checks these roles, not the class default. An unknown query, no roles or a
    malformed role id is refused at start-up with a RoleSettingError naming the setting."""

    setting: str
    replaced: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def from_setting(cls, queries: Iterable[str], raw: object, *, setting: str) -> QueryRoles:
        """The overrides of `raw` (JSON text, a mapping, or nothing: the defaults) for the service's
        `queries` (their names). Raises RoleSettingError naming `setting`."""
        known = frozenset(queries)
        parsed = parse_query_roles(raw, setting=setting)
        for query in parsed:
            if query not in known:
                names = ", ".join(sorted(known))
                raise RoleSettingError(setting, query, f"no such query here; the queries are {names}")
        return cls(setting, tuple((query, tuple(roles)) for query, roles in parsed.items()))

    @cached_property
    def _by_query(self) -> dict[str, tuple[str, ...]]:
        return dict(self.replaced)

    def overrides(self) -> dict[str, list[str]]:
        """The queries whose read roles the setting replaced, with their roles (the setting's value)."""
        return {query: list(roles) for query, roles in self.replaced}

    def read_roles(self, query: str, default: tuple[str, ...] | None) -> tuple[str, ...] | None:
        """The roles that may read `query`: the setting's, else the model's `default`."""
        return self._by_query.get(query, default)


def parse_query_roles(raw: object, *, setting: str) -> dict[str, list[str]]:
    """A query-roles setting's raw value as query -> role ids, its shape and role ids checked (the
    query names are checked against the service's queries by `QueryRoles.from_setting`)."""
    table = _role_table(raw, setting=setting, kind="query", example=QUERY_EXAMPLE)
    return {query: list(_roles(setting, query, roles, verb="read")) for query, roles in table.items()}
