"""The rule index: every rule id of the business-rule catalogue, the code that cites it and the tests.

`docs/rules/index.md` maps each rule id (ORD-1 .. DUTY-4, the state machines SM-ORD .., the
conflicts C1 .. C18) to the source files that cite it and to the tests that cite it, and says for a
rule without code which issue covers it or, for a rule of etiquette or attitude, why software cannot
enforce it (issue 16 deliverable 5, issue 22's last paragraph).

Inputs, all checked in, so the repository does not need the shared specification at test time:
- `docs/rules/rule-ids.txt`: one rule a line, `<id><TAB><one-line title>`, extracted once from the
  catalogue (`--extract RULES.md`, default `$SHOP_RULES_FILE` or `../shared/spec/rules.md`);
- `docs/rules/decisions.toml`: the hand-written decisions (issues covering rules without code,
  and "not enforceable by software: <reason>");
- the code (`services/*/src`, `libs/*/src`, `contracts/src`, `tools/*/src`) and the tests
  (`services/*/tests`, `libs/*/tests`, `contracts/tests`, `tools/*/tests`, `tests/`): in a git
  checkout the files git tracks, so untracked work in progress is not cited.

A file cites a rule when its text names the id (`FUL-5`, a range `HR-1..HR-5`, `SM-SHIP`, `C9`);
a test also cites it in its function name (`test_ful5_...`, `..._as_15`, `..._c9_...`, `..._sm_ord`).

    python tools/rule_index.py            # write docs/rules/index.md (`make rules`)
    python tools/rule_index.py --check    # exit 1 when the checked-in index is out of date
    python tools/rule_index.py --extract ../shared/spec/rules.md   # refresh rule-ids.txt
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[1]
RULES_DIR = Path("docs/rules")
IDS_FILE = RULES_DIR / "rule-ids.txt"
DECISIONS_FILE = RULES_DIR / "decisions.toml"
INDEX_FILE = RULES_DIR / "index.md"
DEFAULT_RULES_FILE = Path("../shared/spec/rules.md")
REGENERATE = "make rules"

CODE_GLOBS = ("services/*/src", "libs/*/src", "contracts/src", "tools/*/src")
TEST_GLOBS = ("services/*/tests", "libs/*/tests", "contracts/tests", "tools/*/tests", "tests")
SKIP_PARTS = {"__pycache__", ".venv", ".venv-run", "node_modules"}
# the index's own tests name rule ids as examples, not as citations
SKIP_FILES = {"tests/docs/test_rule_index.py"}

GROUPS = {
    "ORD": "Orders",
    "FUL": "Fulfilment and warehouse",
    "AS": "Aftersales and customer service",
    "HR": "HR: shifts, attendance, leave, overtime, payroll",
    "DIS": "Discipline",
    "CAT": "Catalogue and product listing",
    "WEB": "Website and social content",
    "PRM": "Promotions",
    "KPI": "KPIs, reviews, reporting",
    "SUP": "Office supplies",
    "SEC": "Security and account custody",
    "DUTY": "On-duty rota",
    "SM": "State machines",
    "C": "Conflicts",
}

NUMBERED = re.compile(r"^[A-Z]+-\d+$")
STATE_MACHINE = re.compile(r"^SM-[A-Z]+(?:-[A-Z]+)*$")
CONFLICT = re.compile(r"^C\d+$")
# `HR-1..HR-5`, `DUTY-1..3`, `WEB-1..13`, `FUL-12–FUL-24`
RANGE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2,4})-(\d+)\s*(?:\.\.\.?|…|–)\s*(?:\1-)?(\d+)(?![0-9])")
MAX_RANGE = 5  # a wider range (`HR-1..HR-42`) summarises a package, it does not cite each rule
TEST_NAME = re.compile(r"\bdef (test_\w+)")


class RuleIndexError(Exception):
    """A rules file, rule-ids file or decisions file that cannot be read as such."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str

    @property
    def group(self) -> str:
        if CONFLICT.match(self.id):
            return "C"
        return self.id.split("-", 1)[0]


@dataclass(frozen=True)
class Decisions:
    """The hand-written part: which issue covers a rule without code, which rules software cannot enforce."""

    not_enforceable: dict[str, str] = field(default_factory=dict)
    issues: dict[str, int] = field(default_factory=dict)  # rule id or group prefix -> issue number
    notes: dict[str, str] = field(default_factory=dict)

    def issue_for(self, rule: Rule) -> int | None:
        return self.issues.get(rule.id, self.issues.get(rule.group))


@dataclass
class Citations:
    code: dict[str, set[str]] = field(default_factory=dict)
    tests: dict[str, set[str]] = field(default_factory=dict)


# -- the catalogue -----------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*]\s+\*\*([A-Z]+-\d+)\s+(.+?)\*\*")
_MACHINE = re.compile(r"^#{2,4}\s+(SM-[A-Z]+(?:-[A-Z]+)*):\s*(.+?)\s*$")
_CONFLICT_ROW = re.compile(r"^\|\s*(C\d+)\s*\|\s*([^|]+?)\s*\|")


def extract_rules(text: str) -> list[Rule]:
    """The rule ids of the catalogue with a one-line title, in the catalogue's order."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for line in text.splitlines():
        found = _BULLET.match(line) or _MACHINE.match(line) or _CONFLICT_ROW.match(line)
        if found is None:
            continue
        rule_id, title = found.group(1), " ".join(found.group(2).split())
        if rule_id in seen:
            continue
        seen.add(rule_id)
        rules.append(Rule(rule_id, title.rstrip(".")))
    if not rules:
        raise RuleIndexError("no rule ids found (expected `- **ORD-1 Title.**` bullets)")
    return rules


def read_rule_ids(path: Path) -> list[Rule]:
    rules: list[Rule] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        rule_id, sep, title = line.partition("\t")
        if not sep or not _known_shape(rule_id):
            raise RuleIndexError(f"{path}:{number}: expected `<rule id><TAB><title>`, got {line!r}")
        rules.append(Rule(rule_id, title.strip()))
    return rules


def write_rule_ids(rules: Iterable[Rule], source: str) -> str:
    lines = [
        f"# Rule ids of {source}, one a line: <id><TAB><title>.",
        f"# Extracted by `python tools/rule_index.py --extract {source}`; `{REGENERATE}` reads it.",
    ]
    lines += [f"{rule.id}\t{rule.title}" for rule in rules]
    return "\n".join(lines) + "\n"


def _known_shape(rule_id: str) -> bool:
    return bool(NUMBERED.match(rule_id) or STATE_MACHINE.match(rule_id) or CONFLICT.match(rule_id))


def read_decisions(path: Path, rules: Iterable[Rule]) -> Decisions:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleIndexError(f"{path}: {exc}") from exc
    ids = {rule.id for rule in rules}
    groups = {rule.group for rule in rules}
    not_enforceable = _table(data, "not_enforceable", path, str)
    issues = _table(data, "issues", path, int)
    notes = _table(data, "notes", path, str)
    for section, keys in (("not_enforceable", not_enforceable), ("notes", notes), ("issues", issues)):
        for key in keys:
            if key not in ids and not (section == "issues" and key in groups):
                raise RuleIndexError(
                    f"{path}: [{section}] names {key!r}, which is not a rule id of {IDS_FILE}"
                )
    return Decisions(not_enforceable=not_enforceable, issues=issues, notes=notes)


def _table(data: dict[str, object], name: str, path: Path, kind: type[T]) -> dict[str, T]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise RuleIndexError(f"{path}: [{name}] must be a table")
    for key, value in table.items():
        if not isinstance(value, kind) or isinstance(value, bool):
            raise RuleIndexError(f"{path}: [{name}] {key} must be a {kind.__name__}, got {value!r}")
    return {str(key): value for key, value in table.items()}


# -- citations ---------------------------------------------------------------------------------


# candidate ids in a text; each is then looked up among the catalogue's ids
_NUMBERED_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])([A-Z]{2,4}-\d+)(?![0-9A-Za-z_])")
_MACHINE_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])(SM-[A-Z]+(?:-[A-Z]+)*)")
_CONFLICT_TOKEN = re.compile(r"(?<![A-Za-z0-9_./\\-])(C\d+)(?![0-9A-Za-z_])")
_NAME_NUMBERED = re.compile(r"^([a-z]{1,4}?)(\d+)$")


class Scanner:
    """Finds the rule ids a source text cites."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = list(rules)
        self._known = {rule.id for rule in self.rules}
        self._prefixes = {rule.group.lower() for rule in self.rules if NUMBERED.match(rule.id)} | {"c"}

    def in_text(self, text: str) -> set[str]:
        found: set[str] = set()
        kept: list[str] = []
        last = 0
        for match in RANGE.finditer(text):
            prefix, low, high = match.group(1), int(match.group(2)), int(match.group(3))
            if low < high <= low + MAX_RANGE:
                found.update(f"{prefix}-{n}" for n in range(low, high + 1) if f"{prefix}-{n}" in self._known)
            kept.append(text[last : match.start()])  # a range's ends are not citations of their own
            last = match.end()
        text = " ".join([*kept, text[last:]])
        found.update(m for m in _NUMBERED_TOKEN.findall(text) if m in self._known)
        found.update(m for m in _CONFLICT_TOKEN.findall(text) if m in self._known)
        for machine in _MACHINE_TOKEN.findall(text):
            while machine not in self._known and machine.count("-") > 1:
                machine = machine.rsplit("-", 1)[0]  # `SM-SHIP-refused` -> `SM-SHIP`
            if machine in self._known:
                found.add(machine)
        return found

    def in_test_names(self, text: str) -> set[str]:
        """`test_ful5_...`, `..._as_15`, `..._c9_...`, `..._sm_ship_batch` in a test function's name."""
        found: set[str] = set()
        for name in TEST_NAME.findall(text):
            words = name.lower().split("_")[1:]
            for i, word in enumerate(words):
                numbered = _NAME_NUMBERED.match(word)
                if numbered and numbered.group(1) in self._prefixes:
                    found.add(self._numbered_id(numbered.group(1), numbered.group(2)))
                elif word in self._prefixes and i + 1 < len(words) and words[i + 1].isdigit():
                    found.add(self._numbered_id(word, words[i + 1]))
                elif word == "sm":
                    for end in range(len(words), i + 1, -1):
                        candidate = "-".join(["SM", *(w.upper() for w in words[i + 1 : end])])
                        if candidate in self._known:
                            found.add(candidate)
                            break
        return found & self._known

    @staticmethod
    def _numbered_id(prefix: str, number: str) -> str:
        return f"C{int(number)}" if prefix == "c" else f"{prefix.upper()}-{int(number)}"


def _tracked(root: Path) -> set[str] | None:
    """The files git tracks under `root` (untracked work in progress is not cited), or None without git."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {name.decode() for name in listed.stdout.split(b"\0") if name}


def _python_files(root: Path, globs: Iterable[str]) -> Iterator[Path]:
    tracked = _tracked(root) if (root / ".git").exists() else None
    seen: set[Path] = set()
    for pattern in globs:
        for base in sorted(root.glob(pattern)):
            for path in sorted(base.rglob("*.py")):
                rel = path.relative_to(root)
                if path in seen or SKIP_PARTS.intersection(rel.parts) or rel.as_posix() in SKIP_FILES:
                    continue
                if tracked is not None and rel.as_posix() not in tracked:
                    continue
                seen.add(path)
                yield path


def scan(root: Path, rules: Iterable[Rule]) -> Citations:
    scanner = Scanner(rules)
    citations = Citations()
    test_files = set(_python_files(root, TEST_GLOBS))
    for path in _python_files(root, CODE_GLOBS):
        if path in test_files:
            continue
        rel = path.relative_to(root).as_posix()
        for rule_id in scanner.in_text(path.read_text(encoding="utf-8", errors="replace")):
            citations.code.setdefault(rule_id, set()).add(rel)
    for path in sorted(test_files):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for rule_id in scanner.in_text(text) | scanner.in_test_names(text):
            citations.tests.setdefault(rule_id, set()).add(rel)
    return citations


# -- the index ---------------------------------------------------------------------------------


def _split(path: str) -> tuple[str, str]:
    """A file's package and its path inside it, for display.

    `services/orders/src/orders/domain/sla.py` -> (`orders`, `domain/sla.py`);
    `services/orders/tests/unit/test_sla.py` -> (`orders tests`, `unit/test_sla.py`);
    `tests/e2e/test_order_flows.py` -> (`tests`, `e2e/test_order_flows.py`).
    """
    parts = path.split("/")
    if parts[0] == "contracts" and len(parts) > 3 and parts[1] == "src":
        return parts[2], "/".join(parts[3:])
    if parts[0] == "contracts" and len(parts) > 2:
        return "shop_contracts tests", "/".join(parts[2:])
    if parts[0] in {"services", "libs", "tools"} and len(parts) > 4 and parts[2] == "src":
        return parts[3], "/".join(parts[4:])
    if parts[0] in {"services", "libs", "tools"} and len(parts) > 3 and parts[2] == "tests":
        return f"{parts[1]} tests", "/".join(parts[3:])
    return parts[0], "/".join(parts[1:])


def _links(paths: Iterable[str]) -> str:
    up = "../" * len(INDEX_FILE.parent.parts)
    packages: dict[str, list[str]] = {}
    for path in sorted(paths):
        package, inner = _split(path)
        packages.setdefault(package, []).append(f"[{inner}]({up}{path})")
    return "<br>".join(f"{package}: {', '.join(links)}" for package, links in packages.items())


def status_of(rule: Rule, citations: Citations, decisions: Decisions) -> str:
    if rule.id in citations.code and rule.id in decisions.not_enforceable:
        return f"implemented as far as software can; not enforceable by software: {decisions.not_enforceable[rule.id]}"
    if rule.id in citations.code:
        return "implemented"
    if rule.id in decisions.not_enforceable:
        return f"not enforceable by software: {decisions.not_enforceable[rule.id]}"
    issue = decisions.issue_for(rule)
    covered = f"issue {issue}" if issue is not None else "no issue yet"
    if rule.id in citations.tests:
        return f"cited by tests only ({covered})"
    return f"not yet implemented ({covered})"


def render(rules: list[Rule], citations: Citations, decisions: Decisions) -> str:
    statuses = {rule.id: status_of(rule, citations, decisions) for rule in rules}
    implemented = sum(s.startswith("implemented") for s in statuses.values())
    untested = [r.id for r in rules if r.id in citations.code and r.id not in citations.tests]
    not_enforceable = sum("not enforceable" in s for s in statuses.values())
    missing = sum(s.startswith(("not yet", "cited by tests only")) for s in statuses.values())
    out = [
        "# Rule index",
        "",
        "Every rule id of the business-rule catalogue (`../shared/spec/rules.md`; its ids and titles are",
        "checked in as [rule-ids.txt](rule-ids.txt)) with the code that cites it and the tests that cite it.",
        f"Generated by `{REGENERATE}` (`python tools/rule_index.py`) from the code, the tests and the",
        "hand-written [decisions.toml](decisions.toml) (which issue covers a rule without code, and why",
        "software cannot enforce a rule of etiquette): do not edit this file by hand; a test fails when",
        "it is out of date.",
        "",
        f"{len(rules)} rules: {implemented} implemented (cited by code), {missing} not yet implemented;",
        f"{not_enforceable} not enforceable by software; {len(untested)} rules cited by code are cited by no test"
        + (f" ({', '.join(untested)})." if untested else "."),
        "",
        "A file cites a rule when its text names the id (`FUL-5`, a range such as `HR-1..HR-5`,",
        "`SM-SHIP`, `C9`); a test also when its function name does (`test_ful5_...`, `..._as_15`).",
        "Code is `services/*/src`, `libs/*/src`, `contracts/src` and `tools/*/src`; tests are every",
        "`tests/` directory.",
        "",
    ]
    order = list(dict.fromkeys(rule.group for rule in rules))
    for group in order:
        out += [f"## {GROUPS.get(group, group)} ({group})", ""]
        out += ["| rule | title | status | code | tests |", "|---|---|---|---|---|"]
        for rule in (r for r in rules if r.group == group):
            status = statuses[rule.id]
            note = decisions.notes.get(rule.id)
            if note:
                status += f". {note}"
            title = rule.title.replace("|", "\\|")
            code = _links(citations.code.get(rule.id, ()))
            tests = _links(citations.tests.get(rule.id, ()))
            out.append(f'| <a id="{rule.id.lower()}"></a>{rule.id} | {title} | {status} | {code} | {tests} |')
        out.append("")
    return "\n".join(out)


def build(root: Path = REPO) -> str:
    rules = read_rule_ids(root / IDS_FILE)
    decisions = read_decisions(root / DECISIONS_FILE, rules)
    return render(rules, scan(root, rules), decisions)


def stale(root: Path = REPO) -> bool:
    index = root / INDEX_FILE
    return not index.exists() or index.read_text(encoding="utf-8") != build(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=REPO, help="the repository (default: this one)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    parser.add_argument(
        "--extract",
        nargs="?",
        const=Path(os.environ.get("SHOP_RULES_FILE", DEFAULT_RULES_FILE)),
        type=Path,
        metavar="RULES_MD",
        help="refresh docs/rules/rule-ids.txt from the catalogue "
        "(default $SHOP_RULES_FILE or ../shared/spec/rules.md)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root
    try:
        if args.extract is not None:
            source: Path = args.extract
            rules = extract_rules(source.read_text(encoding="utf-8"))
            (root / IDS_FILE).parent.mkdir(parents=True, exist_ok=True)
            (root / IDS_FILE).write_text(write_rule_ids(rules, source.name), encoding="utf-8")
            print(f"wrote {IDS_FILE} ({len(rules)} rule ids from {source})")
            return 0
        if args.check:
            if stale(root):
                print(
                    f"{INDEX_FILE} is out of date: run `{REGENERATE}` and commit the result", file=sys.stderr
                )
                return 1
            print(f"{INDEX_FILE} is up to date")
            return 0
        (root / INDEX_FILE).write_text(build(root), encoding="utf-8")
        print(f"wrote {INDEX_FILE}")
        return 0
    except (OSError, RuleIndexError) as exc:
        print(f"rule index: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
