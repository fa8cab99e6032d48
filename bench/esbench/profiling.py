"""cProfile around a hot path (`run.py --profile`): a text summary, top functions by own time."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOP = 30


@contextmanager
def profiled(path: str | Path | None) -> Iterator[None]:
    """Profile the block when `path` is set and write the summary there."""
    if not path:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        Path(path).write_text(summary(profiler))


def summary(profiler: cProfile.Profile) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(TOP)
    stats.sort_stats("cumulative").print_stats(TOP)
    return out.getvalue()
