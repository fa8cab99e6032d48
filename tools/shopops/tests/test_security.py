"""Unit tests of the NATS users and permissions generated for the cluster (issue 11, security;
issue 17 and decision 0010: each user its own reply inboxes, replies through `allow_responses`)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from jetstream_es.provision import ConsumerSpec, ServiceSpec
from shopops.cluster import Ports, node_config
from shopops.security import (
    CLIENT_USERS,
    OPERATOR,
    RESPONSE_EXPIRES,
    ROUTE,
    Responses,
    client_permissions,
    generate_credentials,
    render_authorization,
    service_permissions,
)


class Described(ServiceSpec):
    """A service described by its consumers, as its built runtime would list them."""

    def __init__(self, name: str, consumers: tuple[ConsumerSpec, ...]) -> None:
        super().__init__(name, name)
        self._listed = consumers

    @property
    def consumers(self) -> tuple[ConsumerSpec, ...]:
        return self._listed


ORDERS = Described(
    "orders",
    (
        ConsumerSpec("ORDERS", "orders-views", ("orders.events.>",)),
        ConsumerSpec("AFTERSALES", "orders-aftersales-reactions", ("aftersales.events.RefundCase.>",)),
    ),
)
HR = Described("hr", (ConsumerSpec("HR", "hr-absence-ladder", ("hr.events.AttendanceDay.>",)),))


def test_a_service_publishes_only_its_own_events_and_dead_letters() -> None:
    perms = service_permissions(ORDERS)
    assert perms.publish is not None
    assert "orders.events.>" in perms.publish
    assert "dlq.orders.>" in perms.publish
    assert not any(s.startswith(("hr.", "aftersales.events", "fulfilment.", "dlq.hr")) for s in perms.publish)
    assert ">" not in perms.publish
    assert "$JS.API.>" not in perms.publish


def test_jetstream_api_is_narrowed_to_the_services_streams_and_durables() -> None:
    perms = service_permissions(ORDERS)
    assert perms.publish is not None
    api = [s for s in perms.publish if s.startswith("$JS.")]
    assert "$JS.API.DIRECT.GET.ORDERS" in api
    assert "$JS.API.DIRECT.GET.AFTERSALES" in api  # it replays a projection of that stream
    assert "$JS.API.DIRECT.GET.DLQ" in api
    assert "$JS.API.DIRECT.GET.HR" not in api
    assert "$JS.API.CONSUMER.MSG.NEXT.AFTERSALES.orders-aftersales-reactions" in api
    assert "$JS.API.CONSUMER.RESET.AFTERSALES.orders-aftersales-reactions" in api
    assert "$JS.ACK.ORDERS.orders-views.>" in api
    assert not any(".CREATE.ORDERS" in s or "DELETE.ORDERS" in s or "STREAM.UPDATE" in s for s in api)


def test_a_service_subscribes_to_its_own_endpoints_and_own_inboxes_only() -> None:
    perms = service_permissions(HR)
    assert perms.subscribe == ("hr.commands.>", "hr.queries.>", "hr.admin.>", "_INBOX_hr.>")


def test_a_service_has_no_inbox_publish_right_but_answers_requests_it_received() -> None:
    """Decision 0010: replies go through `allow_responses`, progress under the operator's inbox."""
    perms = service_permissions(ORDERS)
    assert perms.publish is not None
    inboxes = [s for s in perms.publish if s.startswith("_INBOX")]
    assert inboxes == ["_INBOX_operator.progress.orders.*", "_INBOX_backoffice.progress.orders.*"]
    assert perms.responses == Responses(max=1, expires=RESPONSE_EXPIRES)  # one subscription answers


def test_clients_send_commands_and_queries_but_no_admin_or_events() -> None:
    perms = client_permissions(["orders", "hr"], "shopctl")
    assert perms.publish == ("orders.commands.>", "orders.queries.>", "hr.commands.>", "hr.queries.>")
    assert perms.subscribe == ("_INBOX_shopctl.>",)
    assert perms.responses is None


def test_the_back_office_also_watches_every_services_events_but_publishes_none() -> None:
    """Issue 18: open pages refresh on the services' events (core NATS subscriptions); the
    operators' screen sends admin requests (the service checks the person's `operator` role)."""
    perms = client_permissions(["orders", "hr"], "backoffice")
    assert perms.subscribe == ("_INBOX_backoffice.>", "orders.events.>", "hr.events.>")
    assert perms.publish == (
        "orders.commands.>",
        "orders.queries.>",
        "orders.admin.>",
        "hr.commands.>",
        "hr.queries.>",
        "hr.admin.>",
    )
    assert not any(".events." in subject for subject in perms.publish)


def test_each_client_program_is_its_own_user_reading_only_its_own_inbox(tmp_path: Path) -> None:
    """Decision 0010: no shared `client` user whose holders read each other's replies; each program
    with an identity key (and the back office) its own user, password, env file and inbox."""
    assert set(CLIENT_USERS) == {"platform-connector", "shop-demo", "shopctl", "bench", "backoffice"}
    creds = generate_credentials(tmp_path / "secrets", [ORDERS, HR])
    by_name = {u.name: u for u in creds.users}
    assert "client" not in by_name
    for user in CLIENT_USERS:
        assert by_name[user].permissions.subscribe == client_permissions(["orders", "hr"], user).subscribe
        assert by_name[user].permissions.subscribe[0] == f"_INBOX_{user}.>"
        assert by_name[user].permissions.publish == client_permissions(["orders", "hr"], user).publish
        assert (tmp_path / "secrets" / f"{user}.env").read_text().startswith(f"SHOP_NATS_USER={user}\n")
    assert len({creds.passwords[user] for user in CLIENT_USERS}) == len(CLIENT_USERS)


def test_server_configuration_quotes_dollar_subjects_and_keeps_operators_out_of_inboxes(
    tmp_path: Path,
) -> None:
    creds = generate_credentials(tmp_path / "secrets", [ORDERS, HR])
    conf = render_authorization(creds.users)
    assert '"$JS.API.DIRECT.GET.ORDERS"' in conf  # quoted: not a configuration variable
    operator_line = next(line for line in conf.splitlines() if f'"{OPERATOR}"' in line)
    others = json.dumps(["_INBOX_orders.>", "_INBOX_hr.>", *(f"_INBOX_{u}.>" for u in CLIENT_USERS)])
    assert f'publish: {{allow: [">"], deny: {others}}}' in operator_line
    assert f'subscribe: {{allow: [">"], deny: {others}}}' in operator_line
    orders_line = next(line for line in conf.splitlines() if '"orders"' in line)
    assert 'allow_responses: {max: 1, expires: "2m"}' in orders_line
    assert '"_INBOX.>"' not in conf
    assert conf.count("{user:") == 3 + len(CLIENT_USERS)  # orders, hr, operator, the clients (not routes)


def test_credentials_are_private_and_kept_on_a_second_run(tmp_path: Path) -> None:
    directory = tmp_path / "secrets"
    first = generate_credentials(directory, [ORDERS, HR])
    second = generate_credentials(directory, [ORDERS, HR])
    assert first.passwords == second.passwords
    assert set(first.passwords) == {"orders", "hr", OPERATOR, *CLIENT_USERS, ROUTE}
    assert len(set(first.passwords.values())) == 4 + len(CLIENT_USERS)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert (directory / "orders.env").read_text() == (
        f"SHOP_NATS_USER=orders\nSHOP_NATS_PASSWORD={first.passwords['orders']}\n"
    )
    assert json.loads((directory / "users.json").read_text()) == first.passwords


def test_a_service_named_like_a_builtin_user_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="clash"):
        generate_credentials(tmp_path, [ServiceSpec(OPERATOR, "x")])


def test_each_node_routes_to_the_two_others_with_the_route_password(tmp_path: Path) -> None:
    ports = Ports((1, 2, 3), (11, 12, 13), (21, 22, 23), 5432, 0)
    conf = node_config(1, ports, tmp_path / "n2", "route-secret")
    assert 'server_name: "n2"' in conf
    assert 'listen: "127.0.0.1:2"' in conf
    assert "route:route-secret@127.0.0.1:11" in conf
    assert "route:route-secret@127.0.0.1:13" in conf
    assert "127.0.0.1:12" not in conf.split("routes:")[1]  # not to itself
    assert 'include "auth.conf"' in conf
