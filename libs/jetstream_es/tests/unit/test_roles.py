"""CommandRoles: who may issue which command, defaults plus a setting's overrides (conflict C9)."""

from __future__ import annotations

import pytest

from jetstream_es.errors import Forbidden
from jetstream_es.roles import CommandRoles, RoleSettingError
from shop_contracts.envelope import Actor

DEFAULTS = {
    "IssueRefund": (("dept_supervisor",), "AS-8"),
    "InspectReturn": (("aftersales_cs",), "AS-7"),
}
SETTING = "TEST_COMMAND_ROLES"
SUPERVISOR = Actor(id="sup-1", roles=("dept_supervisor",))
MANAGER = Actor(id="mgr-1", roles=("aftersales_manager",))


def test_without_overrides_the_default_role_may_issue_the_command_c9() -> None:
    roles = CommandRoles.configured(DEFAULTS, setting=SETTING)

    roles.require(SUPERVISOR, "IssueRefund")

    assert roles.roles("IssueRefund") == ("dept_supervisor",)


def test_another_role_is_refused_citing_the_commands_rule_c9() -> None:
    roles = CommandRoles.configured(DEFAULTS, setting=SETTING)

    with pytest.raises(Forbidden) as refused:
        roles.require(MANAGER, "IssueRefund")

    assert refused.value.rule == "AS-8"
    assert refused.value.message == "IssueRefund needs the role dept_supervisor; mgr-1 has none of them"


def test_an_override_replaces_the_default_roles_of_its_command_c9() -> None:
    roles = CommandRoles.configured(DEFAULTS, {"IssueRefund": ["aftersales_manager"]}, setting=SETTING)

    roles.require(MANAGER, "IssueRefund")

    with pytest.raises(Forbidden) as refused:
        roles.require(SUPERVISOR, "IssueRefund")
    assert refused.value.rule == "AS-8"


def test_an_override_leaves_the_other_commands_at_their_defaults_c9() -> None:
    roles = CommandRoles.configured(DEFAULTS, {"IssueRefund": ["aftersales_manager"]}, setting=SETTING)

    assert roles.grant("InspectReturn").roles == ("aftersales_cs",)
    assert not roles.grant("InspectReturn").overridden
    assert roles.grant("IssueRefund").overridden


def test_an_override_may_name_several_roles_and_repeats_count_once_c9() -> None:
    roles = CommandRoles.configured(
        DEFAULTS,
        {"IssueRefund": ["dept_supervisor", "aftersales_manager", "dept_supervisor"]},
        setting=SETTING,
    )

    assert roles.roles("IssueRefund") == ("dept_supervisor", "aftersales_manager")


def test_an_override_for_an_unknown_command_is_refused_naming_setting_and_command_c9() -> None:
    with pytest.raises(RoleSettingError) as refused:
        CommandRoles.configured(DEFAULTS, {"IssueRefunds": ["aftersales_manager"]}, setting=SETTING)

    assert str(refused.value).startswith("TEST_COMMAND_ROLES: IssueRefunds: no such command")
    assert "the commands are InspectReturn, IssueRefund" in str(refused.value)


def test_an_override_with_no_roles_is_refused_naming_setting_and_command_c9() -> None:
    with pytest.raises(RoleSettingError) as refused:
        CommandRoles.configured(DEFAULTS, {"IssueRefund": []}, setting=SETTING)

    assert (refused.value.setting, refused.value.command) == (SETTING, "IssueRefund")
    assert "at least one role" in str(refused.value)


@pytest.mark.parametrize("role", ["Aftersales", "after-sales", "", "1st_line", "a b"])
def test_an_override_with_a_malformed_role_id_is_refused_naming_setting_and_command_c9(role: str) -> None:
    with pytest.raises(RoleSettingError) as refused:
        CommandRoles.configured(DEFAULTS, {"IssueRefund": [role]}, setting=SETTING)

    assert str(refused.value).startswith("TEST_COMMAND_ROLES: IssueRefund: ")
    assert "not role ids" in str(refused.value)


def test_an_override_given_as_text_instead_of_a_list_is_refused_c9() -> None:
    with pytest.raises(RoleSettingError) as refused:
        CommandRoles.configured(DEFAULTS, {"IssueRefund": "aftersales_manager"}, setting=SETTING)

    assert "a list of role ids" in str(refused.value)


def test_a_command_missing_from_the_table_is_a_programming_error_not_a_refusal_c9() -> None:
    roles = CommandRoles.configured(DEFAULTS, setting=SETTING)

    with pytest.raises(LookupError, match="ApproveRefundRequest is not in the TEST_COMMAND_ROLES table"):
        roles.require(SUPERVISOR, "ApproveRefundRequest")


def test_the_table_lists_every_command_in_declaration_order_c9() -> None:
    roles = CommandRoles.configured(DEFAULTS, setting=SETTING)

    assert list(roles) == ["IssueRefund", "InspectReturn"]


def test_a_setting_read_as_json_text_overrides_the_commands_it_names_c9() -> None:
    roles = CommandRoles.from_setting(DEFAULTS, '{"IssueRefund": ["aftersales_manager"]}', setting=SETTING)

    roles.require(MANAGER, "IssueRefund")
    assert roles.overrides() == {"IssueRefund": ["aftersales_manager"]}


@pytest.mark.parametrize("raw", [None, "", "  ", {}])
def test_an_unset_or_empty_setting_keeps_every_default_c9(raw: object) -> None:
    roles = CommandRoles.from_setting(DEFAULTS, raw, setting=SETTING)

    assert roles == CommandRoles.configured(DEFAULTS, setting=SETTING)
    assert roles.overrides() == {}


def test_a_setting_that_is_not_json_is_refused_naming_it_c9() -> None:
    with pytest.raises(RoleSettingError, match=r"^TEST_COMMAND_ROLES: not JSON"):
        CommandRoles.from_setting(DEFAULTS, '{"IssueRefund": [', setting=SETTING)


@pytest.mark.parametrize("raw", ['["aftersales_manager"]', "3", '"IssueRefund"'])
def test_a_setting_that_is_not_a_json_object_is_refused_naming_it_c9(raw: str) -> None:
    with pytest.raises(RoleSettingError, match=r"^TEST_COMMAND_ROLES: give a JSON object command -> roles"):
        CommandRoles.from_setting(DEFAULTS, raw, setting=SETTING)


@pytest.mark.parametrize("raw", ['{"IssueRefund": "aftersales_manager"}', '{"IssueRefund": null}'])
def test_a_setting_whose_roles_are_not_a_list_is_refused_naming_it_and_the_command_c9(raw: str) -> None:
    with pytest.raises(RoleSettingError, match=r"^TEST_COMMAND_ROLES: IssueRefund: give a list of role ids"):
        CommandRoles.from_setting(DEFAULTS, raw, setting=SETTING)


def test_a_role_that_is_not_text_is_refused_naming_the_setting_and_the_command_c9() -> None:
    with pytest.raises(RoleSettingError, match=r"^TEST_COMMAND_ROLES: IssueRefund: \[7\] are not role ids"):
        CommandRoles.from_setting(DEFAULTS, '{"IssueRefund": [7]}', setting=SETTING)
