"""Who may issue which command, as a setting with documented defaults (rules.md §8, conflict C9).

A service declares its default table once (command name -> roles allowed, rule cited when someone
else tries); its `bootstrap.py` reads one setting (`<SERVICE>_COMMAND_ROLES`, a JSON object
`{"IssueRefund": ["dept_supervisor", "aftersales_manager"]}`) whose entries replace the default
roles of the commands they name, and hands the resulting `CommandRoles` to the domain through the
policy it already injects. A bad override (an unknown command, no roles, a malformed role id) is
refused at start-up with a `RoleSettingError` naming the setting and the command; nothing is
guessed and nothing is ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
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
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return cls.configured(defaults, setting=setting)
        if isinstance(raw, str | bytes):
            try:
                raw = json.loads(raw)
            except ValueError as exc:
                raise RoleSettingError(
                    setting, None, f"not JSON ({exc}); give an object like {EXAMPLE}"
                ) from None
        if not isinstance(raw, Mapping):
            raise RoleSettingError(setting, None, f"give a JSON object command -> roles, e.g. {EXAMPLE}")
        for command, roles in raw.items():
            if not isinstance(roles, list | tuple):
                raise RoleSettingError(setting, str(command), f"give a list of role ids, not {roles!r}")
        return cls.configured(
            defaults, {str(command): roles for command, roles in raw.items()}, setting=setting
        )

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


def _roles(setting: str, command: str, roles: Sequence[str]) -> tuple[str, ...]:
    if isinstance(roles, str):
        raise RoleSettingError(setting, command, f"give a list of role ids, not the text {roles!r}")
    if not roles:
        raise RoleSettingError(setting, command, "name at least one role; nobody could issue it otherwise")
    bad = [role for role in roles if not isinstance(role, str) or not ROLE_ID.match(role)]
    if bad:
        raise RoleSettingError(
            setting,
            command,
            f"{bad} are not role ids (lower-case letters, digits and _, starting with a letter)",
        )
    return tuple(dict.fromkeys(roles))
