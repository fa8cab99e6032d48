"""Wires the HR service onto the runtime: commands, queries, projections and the absence-ladder
reaction (SM-ABS, SM-LEAVE, SM-DAY; HR-7, HR-12, HR-16, HR-18..HR-26), and the durable consumers
they need.
"""

from __future__ import annotations

from typing import Any

from hr.adapters import queries
from hr.adapters.views import LadderViews, LeaveViews
from hr.application.handlers import HrCommands
from hr.application.reactions import AbsenceLadderReaction
from hr.domain.policy import HrPolicy
from jetstream_es.projection import Projection, Tables
from jetstream_es.provision import ConsumerSpec
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands.hr import (
    ApproveLeave,
    AttachMedicalCertificate,
    DeclineDismissal,
    DismissEmployee,
    ExtendLeave,
    FileLeave,
    RecordAbsence,
    RejectLeave,
    SubmitLeave,
)
from shop_contracts.queries.hr import AbsenceLadder, LeaveRequests

NAME = "hr"
CONSUMERS: dict[str, ConsumerSpec] = {
    AbsenceLadderReaction.name: ConsumerSpec(
        "HR", "hr-absence-ladder", AbsenceLadderReaction.filter_subjects
    ),
    LadderViews.name: ConsumerSpec("HR", "hr-ladder-views", LadderViews.filter_subjects),
    LeaveViews.name: ConsumerSpec("HR", "hr-leave-views", LeaveViews.filter_subjects),
}


class HrService:
    """The running service's parts, kept so queries and tests find the live projection tables."""

    def __init__(self, runtime: ServiceRuntime, policy: HrPolicy, cache_size: int) -> None:
        self.runtime = runtime
        self.commands = HrCommands(runtime.commands, lambda: runtime.store, policy, cache_size)
        self.ladder_views = LadderViews()
        self.leave_views = LeaveViews()

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, cmds = self.runtime, self.commands
        rt.command(RecordAbsence, cmds.record_absence)
        rt.command(DismissEmployee, cmds.dismiss)
        rt.command(DeclineDismissal, cmds.decline_dismissal)
        rt.command(SubmitLeave, cmds.submit_leave)
        rt.command(AttachMedicalCertificate, cmds.attach_certificate)
        rt.command(ApproveLeave, cmds.approve_leave)
        rt.command(RejectLeave, cmds.reject_leave)
        rt.command(FileLeave, cmds.file_leave)
        rt.command(ExtendLeave, cmds.extend_leave)
        for projection in (AbsenceLadderReaction(cmds), self.ladder_views, self.leave_views):
            rt.projection(projection, CONSUMERS[projection.name].durable)
        rt.query(AbsenceLadder, self.absence_ladder)
        rt.query(LeaveRequests, self.leave_requests)

    async def absence_ladder(self, query: AbsenceLadder) -> dict[str, Any]:
        return await queries.absence_ladder(self.runtime.engine, self.tables(self.ladder_views), query)

    async def leave_requests(self, query: LeaveRequests) -> dict[str, Any]:
        return await queries.leave_requests(self.runtime.engine, self.tables(self.leave_views), query)
