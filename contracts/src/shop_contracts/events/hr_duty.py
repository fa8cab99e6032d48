"""HR's duty events (DUTY-1..DUTY-4, AS-22, C3, C4): who covers customer service and the
department outside the online hours 08:50-18:10. Three channels kept apart (C3): the weekend
customer-service rota (DUTY-2), the duty customer-service manager who receives the forwarded 400
hotline outside online hours (DUTY-3), and the department duty pair to 22:00 every day (DUTY-4,
HR-1..HR-4). Orders and after-sales learn the cover from these events (DUTY-1 routing)."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field

from shop_contracts.messages import ID_PATTERN, EventData


class WeekendCsRotaPublished(EventData):
    """Who of the back-office customer-service staff is on duty each day of a weekend (DUTY-2).
    `cover` is the C4 variant in force: `003` (weekend rota only) or `000` (all staff on post)."""

    saturday: dt.date
    revision: int = Field(ge=1)
    saturday_staff: tuple[str, ...]
    sunday_staff: tuple[str, ...]
    cover: str = Field(default="003", max_length=8)
    published_by: str = Field(min_length=1, max_length=128)


class DutyManagerDesignated(EventData):
    """The duty customer-service manager for the nights of `start_date`..`end_date` (DUTY-3):
    from the end of online hours on a date to their start the next morning."""

    designation_id: str = Field(pattern=ID_PATTERN)
    manager_id: str = Field(pattern=ID_PATTERN)
    start_date: dt.date
    end_date: dt.date
    designated_by: str = Field(min_length=1, max_length=128)


class DutyPairAssigned(EventData):
    """The department duty pair of a date, from the published rota (DUTY-4, HR-1, HR-3, HR-4):
    main and assistant shift on post to `until` (22:00 by default)."""

    work_date: dt.date
    main: str = Field(pattern=ID_PATTERN)
    assistant: str = Field(pattern=ID_PATTERN)
    rota_id: str = Field(pattern=ID_PATTERN)
    from_time: dt.time
    until: dt.time


class HotlineForwardingActivated(EventData):
    """Online hours ended on `work_date`: the 400 hotline goes to the duty manager's mobile
    (DUTY-3, AS-22); `forwarded_to` None when no duty manager was designated (then `escalate_to`)."""

    work_date: dt.date
    at: AwareDatetime
    forwarded_to: str | None = Field(default=None, max_length=64)
    escalate_to: str | None = Field(default=None, max_length=64)


class HotlineForwardingDeactivated(EventData):
    """Online hours began again the morning after `work_date`: the hotline rings in the office."""

    work_date: dt.date
    at: AwareDatetime
