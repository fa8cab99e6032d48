"""The catalogue service's composition root: the only module that reads settings (env prefix
`CATALOG_`).

- `CATALOG_COMMAND_ROLES` (JSON object command -> roles) replaces the defaults of
  catalog/domain/roles.py for the commands it names (000's chart: CAT-1, CAT-6).
- `CATALOG_LISTING_ROLES` (CAT-8, conflict C8): who lists and relists, one of the six variants of
  `roles.LISTING_VARIANTS` by name (default `chart_000`: dept_supervisor) or a JSON list of role ids.
- `CATALOG_QUERY_ROLES` (decision 0009): who reads which query.
- The business numbers of `catalog.domain.policy.CatalogNumbers`: `CATALOG_NEW_PRODUCT_WINDOW_DAYS`
  (CAT-3, 30), `CATALOG_HONEST_PRICING_DAYS` (CAT-11, 30), `CATALOG_CATEGORIES` (CAT-4),
  `CATALOG_REQUIRE_PRODUCTION_STEPS` (CAT-2, false), `CATALOG_REQUIRE_SUPPLIER_SELECTION` (CAT-9,
  false), `CATALOG_MAX_IMAGE_KB` / `_MAX_VIDEO_MB` / `_MAX_DOCUMENT_KB` (WEB-8).

A malformed value is refused at start-up naming the setting.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from catalog.domain.policy import CatalogNumbers, CatalogPolicy
from catalog.domain.roles import (
    COMMAND_ROLES,
    DEFAULT_LISTING_VARIANT,
    LISTING_COMMANDS,
    LISTING_SETTING,
    LISTING_VARIANTS,
    SETTING,
)
from catalog.wiring import NAME, CatalogService
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import CommandRoles, RoleSettingError, parse_query_roles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore
from shop_contracts.messages import ROLE_ID_PATTERN

QUERY_ROLES_SETTING: Final = "CATALOG_QUERY_ROLES"
"""Decision 0009: who may read which query (query -> roles replacing the models' `read_roles`)."""

SPEC = ServiceSpec(name=NAME, module=NAME)
"""Its consumers come from the built runtime's catalogue (decision 0007)."""


def listing_roles(raw: object) -> tuple[str, ...]:
    """CAT-8: CATALOG_LISTING_ROLES as role ids: a variant's name, a JSON list, or a list."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raw = DEFAULT_LISTING_VARIANT
    if isinstance(raw, str) and raw.strip() in LISTING_VARIANTS:
        return LISTING_VARIANTS[raw.strip()]
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            variants = ", ".join(LISTING_VARIANTS)
            raise RoleSettingError(
                LISTING_SETTING,
                None,
                f"CAT-8: give one of {variants} or a JSON list of role ids, not {raw!r}",
            ) from None
    if isinstance(raw, str) or not isinstance(raw, list | tuple) or not raw:
        raise RoleSettingError(
            LISTING_SETTING, None, "CAT-8: give a variant's name or a non-empty list of role ids"
        )
    bad = [r for r in raw if not isinstance(r, str) or not re.match(ROLE_ID_PATTERN, r)]
    if bad:
        raise RoleSettingError(LISTING_SETTING, None, f"CAT-8: {bad} are not role ids")
    return tuple(raw)


class CatalogSettings(BaseSettings, CatalogNumbers):
    """`CATALOG_*`: the business numbers of `CatalogNumbers` (declared there once, with their rules)
    and the service's infrastructure and role settings."""

    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore", frozen=False)

    database_url: str | None = None
    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="who may issue which command, a JSON object command -> roles replacing the defaults "
        "of catalog/domain/roles.py (000's chart 商品上架銷售流程) for the commands it names",
    )
    listing_roles: Annotated[tuple[str, ...], NoDecode] = Field(
        default=LISTING_VARIANTS[DEFAULT_LISTING_VARIANT],
        description="CAT-8 (C8): who lists and relists: a variant of roles.LISTING_VARIANTS (chart_000, "
        "presales_000, ops_specialist_001, product_editor_001, warehouse_001, product_manager_001) or a "
        "JSON list of role ids; default chart_000 (dept_supervisor)",
    )
    query_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="decision 0009: who may read which query, a JSON object query -> roles replacing the "
        "read_roles its query model declares (shop_contracts) for the queries it names",
    )

    @field_validator("query_roles", mode="before")
    @classmethod
    def _query_roles(cls, value: object) -> dict[str, list[str]]:
        return parse_query_roles(value, setting=QUERY_ROLES_SETTING)

    @field_validator("command_roles", mode="before")
    @classmethod
    def _command_roles(cls, value: object) -> dict[str, list[str]]:
        if isinstance(value, dict):
            for command in LISTING_COMMANDS:
                if command in value:
                    raise RoleSettingError(SETTING, command, f"CAT-8: who lists is {LISTING_SETTING}")
        return CommandRoles.from_setting(COMMAND_ROLES, value, setting=SETTING).overrides()

    @field_validator("listing_roles", mode="before")
    @classmethod
    def _listing_roles(cls, value: object) -> tuple[str, ...]:
        return listing_roles(value)

    def policy(self) -> CatalogPolicy:
        return CatalogPolicy(
            **self.model_dump(include=set(CatalogNumbers.model_fields)),
            roles=CommandRoles.configured(COMMAND_ROLES, self.command_roles, setting=SETTING),
            listing_roles=self.listing_roles,
        )


def build(
    runtime: RuntimeSettings | None = None,
    settings: CatalogSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
) -> ServiceRuntime:
    """The service, wired; `clock` and `store` replace the configured ones (tests: FixedClock,
    InMemoryEventStore, `jetstream_es.testing.app`)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or CatalogSettings()
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    CatalogService(service, settings.policy()).wire()
    service.configure_query_roles(settings.query_roles, setting=QUERY_ROLES_SETTING)
    return service


def main() -> None:
    run_service(NAME, build)
