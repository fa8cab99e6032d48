"""Latency percentiles and rates, the same way the raw baseline computes them."""

from __future__ import annotations

import math


def percentile_ms(ordered_ns: list[int], p: float) -> float:
    """Nearest-rank percentile of sorted nanosecond samples, in milliseconds."""
    rank = max(0, min(len(ordered_ns) - 1, math.ceil(p / 100 * len(ordered_ns)) - 1))
    return round(ordered_ns[rank] / 1e6, 3)


def latency_summary(samples_ns: list[int]) -> dict[str, float]:
    if not samples_ns:
        return {}
    ordered = sorted(samples_ns)
    return {
        "samples": len(ordered),
        "p50_ms": percentile_ms(ordered, 50),
        "p90_ms": percentile_ms(ordered, 90),
        "p99_ms": percentile_ms(ordered, 99),
        "max_ms": round(ordered[-1] / 1e6, 3),
    }


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds > 0 else 0.0


def ratio(value: float, reference: float | None) -> float:
    """value / reference; 0 when the reference is missing or zero."""
    return round(value / reference, 3) if reference else 0.0
