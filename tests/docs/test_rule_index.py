"""The rule index (docs/rules/index.md) is generated and kept up to date (issue 16 deliverable 5, issue 22).

Every rule id of the catalogue maps to the code and the tests that cite it; a rule without code names
the issue that covers it, a rule of etiquette the reason software cannot enforce it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rule_index", REPO / "tools" / "rule_index.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["rule_index"] = module
    spec.loader.exec_module(module)
    return module


ri = _load()

CATALOGUE = """
## 1. Orders service
- **ORD-1 Backlog refresh every 10 min.** Back-office order staff ...
- **ORD-10 Out-of-stock notice.** ...
- **HR-1 Seven-day cover with a daily duty pair.** All staff ...
- **HR-2 Administrative shift 08:30-12:00** (8.5 h of work)
- **HR-3 Main shift.** ...
- **AS-15 Complaint response within 24 h.** ...
- **AS-23 Chat script: 6 prohibited situations.** ...
### SM-SHIP-BATCH: Daily shipping batch (aggregate `ShippingDay`, service fulfilment)
### SM-SHIP: Shipment (aggregate `Shipment`, service fulfilment)
| C1 | Order changes | 000: ... | 003: ... | ... |
| C9 | Returns owner | ... | ... | ... |
"""


def _rules() -> list[Any]:
    return list(ri.extract_rules(CATALOGUE))


def test_the_catalogues_ids_and_titles_are_extracted_in_order() -> None:
    rules = _rules()
    assert [(r.id, r.title) for r in rules] == [
        ("ORD-1", "Backlog refresh every 10 min"),
        ("ORD-10", "Out-of-stock notice"),
        ("HR-1", "Seven-day cover with a daily duty pair"),
        ("HR-2", "Administrative shift 08:30-12:00"),
        ("HR-3", "Main shift"),
        ("AS-15", "Complaint response within 24 h"),
        ("AS-23", "Chat script: 6 prohibited situations"),
        ("SM-SHIP-BATCH", "Daily shipping batch (aggregate `ShippingDay`, service fulfilment)"),
        ("SM-SHIP", "Shipment (aggregate `Shipment`, service fulfilment)"),
        ("C1", "Order changes"),
        ("C9", "Returns owner"),
    ]
    text = ri.write_rule_ids(rules, "rules.md")
    path = Path(__file__).with_name("rule-ids.txt")
    try:
        path.write_text(text)
        assert ri.read_rule_ids(path) == rules
    finally:
        path.unlink()


def test_a_text_cites_exact_ids_short_ranges_and_state_machines() -> None:
    scanner = ri.Scanner(_rules())
    assert scanner.in_text("refused (ORD-10), not ORD-1x") == {"ORD-10"}
    assert scanner.in_text("ORD-1: refresh") == {"ORD-1"}
    assert scanner.in_text("HR-1..HR-3 and C9") == {"HR-1", "HR-2", "HR-3", "C9"}
    assert scanner.in_text("HR-1..3") == {"HR-1", "HR-2", "HR-3"}
    assert scanner.in_text("rule_violated SM-SHIP-BATCH") == {"SM-SHIP-BATCH"}
    assert scanner.in_text("SM-SHIP. Then") == {"SM-SHIP"}
    assert scanner.in_text("XORD-1, C91, 0xC1, docs/C1, ABC-1") == set()


def test_a_wide_range_summarises_a_package_and_cites_neither_end() -> None:
    rules = [ri.Rule(f"HR-{n}", "t") for n in range(1, 43)]
    assert ri.Scanner(rules).in_text("HR service (HR-1..HR-42)") == set()


def test_a_test_cites_rules_in_its_function_name() -> None:
    scanner = ri.Scanner(_rules())
    source = (
        "def test_ord10_a_notice_names_the_sku(): ...\n"
        "def test_a_missed_deadline_fires_once_as_15(): ...\n"
        "def test_the_service_department_approves_c9_hr_2(): ...\n"
        "def test_a_step_out_of_order_is_refused_sm_ship_batch(): ...\n"
        "def test_as_before_nothing_changes(): ...\n"
    )
    assert scanner.in_test_names(source) == {"ORD-10", "AS-15", "C9", "HR-2", "SM-SHIP-BATCH"}


def _repo(tmp_path: Path, decisions: str) -> Path:
    (tmp_path / "docs/rules").mkdir(parents=True)
    (tmp_path / "docs/rules/rule-ids.txt").write_text(ri.write_rule_ids(_rules(), "rules.md"))
    (tmp_path / "docs/rules/decisions.toml").write_text(decisions)
    code = tmp_path / "services/orders/src/orders/domain"
    code.mkdir(parents=True)
    (code / "sla.py").write_text('"""Refresh deadline (ORD-1) and the shipment (SM-SHIP)."""\n')
    tests = tmp_path / "services/orders/tests/unit"
    tests.mkdir(parents=True)
    (tests / "test_sla.py").write_text("def test_ord1_the_refresh_is_overdue(): ...\n")
    e2e = tmp_path / "tests/e2e"
    e2e.mkdir(parents=True)
    (e2e / "test_flow.py").write_text('"""A complaint answered late (AS-15)."""\n')
    return tmp_path


DECISIONS = """
[issues]
HR = 22
"C1" = 19
[not_enforceable]
"AS-23" = "a matter of etiquette"
"""


def test_the_index_maps_each_rule_to_its_code_and_tests_and_says_why_others_have_none(tmp_path: Path) -> None:
    root = _repo(tmp_path, DECISIONS)
    index = ri.build(root)
    rows = {line.split("</a>")[1].split(" |")[0]: line for line in index.splitlines() if "<a id=" in line}
    assert set(rows) == {r.id for r in _rules()}, "every rule id has a row"
    assert "| implemented |" in rows["ORD-1"]
    assert "[domain/sla.py](../../services/orders/src/orders/domain/sla.py)" in rows["ORD-1"]
    assert "[unit/test_sla.py](../../services/orders/tests/unit/test_sla.py)" in rows["ORD-1"]
    assert "| implemented |" in rows["SM-SHIP"]
    assert "not yet implemented (issue 22)" in rows["HR-2"]
    assert "cited by tests only (no issue yet)" in rows["AS-15"]
    assert "[e2e/test_flow.py](../../tests/e2e/test_flow.py)" in rows["AS-15"]
    assert "not yet implemented (issue 19)" in rows["C1"]
    assert "not enforceable by software: a matter of etiquette" in rows["AS-23"]
    assert "not yet implemented (no issue yet)" in rows["ORD-10"]


def test_a_decision_about_an_unknown_rule_is_refused_naming_it(tmp_path: Path) -> None:
    root = _repo(tmp_path, '[not_enforceable]\n"AS-99" = "no such rule"\n')
    with pytest.raises(ri.RuleIndexError, match="AS-99"):
        ri.build(root)


def test_check_exits_1_with_the_command_when_the_index_is_out_of_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path, DECISIONS)
    assert ri.main(["--root", str(root), "--check"]) == 1
    assert "make rules" in capsys.readouterr().err
    assert ri.main(["--root", str(root)]) == 0
    assert ri.main(["--root", str(root), "--check"]) == 0


def test_every_decision_names_a_rule_of_the_checked_in_catalogue() -> None:
    rules = ri.read_rule_ids(REPO / ri.IDS_FILE)
    decisions = ri.read_decisions(REPO / ri.DECISIONS_FILE, rules)
    assert decisions.not_enforceable, "the etiquette rules are recorded with their reason (issue 22)"


def test_the_checked_in_rule_index_is_up_to_date() -> None:
    """Fails when code or tests cite rules differently from docs/rules/index.md: regenerate it."""
    index = REPO / ri.INDEX_FILE
    assert index.exists(), f"{ri.INDEX_FILE} is missing: run `make rules`"
    assert index.read_text(encoding="utf-8") == ri.build(REPO), (
        f"{ri.INDEX_FILE} is out of date with the code and tests: run `make rules` "
        "(uv run --no-sync python tools/rule_index.py) and commit the result"
    )


def test_in_a_git_checkout_only_tracked_files_are_cited(tmp_path: Path) -> None:
    """Untracked work in progress cites nothing, so the index never links a file the repository lacks."""
    import subprocess

    root = _repo(tmp_path, DECISIONS)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "services/orders/src"], check=True)
    rows = {
        line.split("</a>")[1].split(" |")[0]: line for line in ri.build(root).splitlines() if "<a id=" in line
    }
    assert "[domain/sla.py]" in rows["ORD-1"], "the tracked code is cited"
    assert "test_sla.py" not in rows["ORD-1"], "the untracked test is not"
