"""The safety-gate reaction (DIS-13): it reads every ShiftAssigned of the time context's
AttendanceDay and flags a working shift given to an onboarded employee who has not passed the
safety exam."""

from __future__ import annotations

from hr.people.application.handlers import PeopleCommands
from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import HR_ATTENDANCE_DAY
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr_attendance import ShiftAssigned


class SafetyGateReaction(Reaction):
    """DIS-13: a working shift for an onboarded employee without a passed safety exam is flagged
    (RosteredBeforeSafetyTraining), once per date; a redelivered event appends nothing."""

    name = "hr_safety_gate"
    sources = (HR_ATTENDANCE_DAY,)
    models = (ShiftAssigned,)
    handles = frozenset({ShiftAssigned.event_type})

    def __init__(self, commands: PeopleCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        if isinstance(item.data, ShiftAssigned):
            cause = Cause.of_event(self.name, item.event.envelope, SYSTEM_ACTOR)
            await self.commands.note_shift(item.data, cause)
