"""Suite-wide pytest configuration."""

from __future__ import annotations

import pytest

pytest_plugins = ["jetstream_es.testing.pytest_plugin"]

BROWSER_TESTS = "services/backoffice/tests/browser/"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The back office's browser tests run last. Their Playwright (sync API) is one session-wide
    browser whose event loop keeps running in the main thread until the session ends, and every
    asyncio test collected after it would find a loop already running ("Runner.run() cannot be
    called from a running event loop")."""
    root = config.rootpath
    browser = [item for item in items if item.path.relative_to(root).as_posix().startswith(BROWSER_TESTS)]
    if browser:
        rest = [item for item in items if item not in set(browser)]
        items[:] = [*rest, *browser]
