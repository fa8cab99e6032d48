"""The catalogue's settings are refused at start-up naming the setting and the rule: who lists (conflict C8)
(CATALOG_LISTING_ROLES, CAT-8's six variants), the command roles (CATALOG_COMMAND_ROLES), the
category table (CATALOG_CATEGORIES, CAT-4) and the windows (CAT-3, CAT-11)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from catalog.bootstrap import CatalogSettings
from catalog.domain.roles import LISTING_VARIANTS
from jetstream_es.roles import RoleSettingError


def test_cat8_the_six_variants_and_the_default() -> None:
    assert set(LISTING_VARIANTS) == {
        "chart_000",
        "presales_000",
        "ops_specialist_001",
        "product_editor_001",
        "warehouse_001",
        "product_manager_001",
    }
    assert CatalogSettings().policy().listing_roles == ("dept_supervisor",)
    assert CatalogSettings(listing_roles="product_manager_001").policy().listing_roles == (
        "product_manager",
        "ops_specialist",
    )


def test_cat8_the_listing_roles_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOG_LISTING_ROLES", "warehouse_001")
    assert CatalogSettings().listing_roles == ("warehouse_keeper",)
    monkeypatch.setenv("CATALOG_LISTING_ROLES", '["presales_cs", "ops_specialist"]')
    assert CatalogSettings().listing_roles == ("presales_cs", "ops_specialist")


@pytest.mark.parametrize("raw", ["someone", "[]", '["Not A Role"]', "{}"])
def test_cat8_a_bad_listing_setting_is_refused_naming_it(raw: str) -> None:
    with pytest.raises((RoleSettingError, ValidationError), match="CATALOG_LISTING_ROLES"):
        CatalogSettings(listing_roles=raw)


def test_cat8_listing_is_not_in_the_command_roles_setting() -> None:
    with pytest.raises((RoleSettingError, ValidationError), match="CATALOG_LISTING_ROLES"):
        CatalogSettings(command_roles={"ListProduct": ["sales_staff"]})
    with pytest.raises((RoleSettingError, ValidationError), match="CATALOG_COMMAND_ROLES"):
        CatalogSettings(command_roles={"FlyToTheMoon": ["sales_staff"]})


def test_cat4_the_category_table_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CATALOG_CATEGORIES", '{"tea": ["origin", "weight"]}')
    assert CatalogSettings().categories == {"tea": ("origin", "weight")}
    with pytest.raises(ValidationError, match="CAT-4"):
        CatalogSettings(categories={"tea": (" ",)})


def test_cat3_cat11_the_windows_default_to_30_days_and_are_bounded() -> None:
    settings = CatalogSettings()
    assert (settings.new_product_window_days, settings.honest_pricing_days) == (30, 30)
    with pytest.raises(ValidationError, match="new_product_window_days"):
        CatalogSettings(new_product_window_days=0)
