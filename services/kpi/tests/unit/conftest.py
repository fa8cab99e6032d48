from collections.abc import AsyncIterator

import pytest

from .helpers import OPEN_ENGINES


@pytest.fixture(autouse=True)
async def _dispose_harness_engines() -> AsyncIterator[None]:
    yield
    while OPEN_ENGINES:
        await OPEN_ENGINES.pop().dispose()
