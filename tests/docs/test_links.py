"""Every relative link in README.md and docs/**/*.md points to an existing file, and to an existing
heading or anchor when it names one (issue 16 deliverable 5: the README's content moved to docs/)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parents[2]
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def markdown_files() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def _prose(text: str) -> str:
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    found: set[str] = set(HTML_ANCHOR.findall(text))
    counts: dict[str, int] = {}
    for heading in HEADING.findall(text):
        base = slug(heading)
        n = counts.get(base, 0)
        counts[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def broken_links(path: Path, repo: Path = REPO) -> list[str]:
    problems: list[str] = []
    text = _prose(path.read_text(encoding="utf-8"))
    for target in [*LINK.findall(text), *IMAGE.findall(text)]:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = path if not file_part else (path.parent / unquote(file_part)).resolve()
        rel = path.relative_to(repo)
        if not dest.exists():
            problems.append(f"{rel}: {target} -> no such file")
        elif anchor and dest.suffix == ".md" and unquote(anchor) not in anchors(dest):
            problems.append(f"{rel}: {target} -> no heading or anchor #{anchor} in {dest.relative_to(repo)}")
    return problems


def test_the_slug_is_githubs() -> None:
    assert slug("Who may do what (C9)") == "who-may-do-what-c9"
    assert slug("HR: people, discipline and payroll") == "hr-people-discipline-and-payroll"
    assert slug("A simulated shop day (`make demo`) and the end-to-end flows") == (
        "a-simulated-shop-day-make-demo-and-the-end-to-end-flows"
    )


def test_a_broken_link_and_a_missing_anchor_are_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other\n\n## Who may do what (C9)\n")
    page.write_text(
        "[ok](other.md#who-may-do-what-c9) [gone](missing.md) [no anchor](other.md#nowhere)\n"
        "`[code](not-a-link.md)`\n```\n[fenced](nor-this.md)\n```\n[web](https://example.com)\n"
    )
    assert broken_links(page, repo=tmp_path) == [
        "page.md: missing.md -> no such file",
        "page.md: other.md#nowhere -> no heading or anchor #nowhere in other.md",
    ]


@pytest.mark.parametrize("path", markdown_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_points_to_an_existing_file_and_anchor(path: Path) -> None:
    assert broken_links(path) == []


def test_the_readme_is_a_short_front_page_pointing_to_each_audiences_docs() -> None:
    """README.md is the front page (issue 16 deliverable 5): what it is, the two commands, where to go."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 120, "README.md is the front page: move details to docs/"
    assert "make run" in text
    assert "make test" in text
    for page in (
        "docs/staff/README.md",
        "docs/operators/README.md",
        "docs/services/README.md",
        "docs/development/README.md",
        "docs/rules/index.md",
    ):
        assert f"]({page})" in text, f"README.md links {page}"
