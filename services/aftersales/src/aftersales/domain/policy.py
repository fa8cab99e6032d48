"""The business numbers the after-sales rules use, given by configuration (AS-1 reasons, AS-11
window)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

DEFAULT_REASONS = frozenset(
    {"quality", "not_as_described", "wrong_item", "damaged_in_transit", "not_received", "changed_mind"}
)


@dataclass(frozen=True)
class AftersalesPolicy:
    refund_reasons: frozenset[str] = DEFAULT_REASONS
    quality_reasons: frozenset[str] = frozenset({"quality"})
    quality_window: timedelta = timedelta(days=7)
