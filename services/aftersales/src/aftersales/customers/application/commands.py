"""Command handlers for complaints (SM-CMP; AS-15, AS-19), inferior-customer flags (SM-CUST-FLAG;
AS-18), negative reviews (AS-16), consultations (AS-17) and return visits (AS-21): load, let the
domain decide, append. Each aggregate is keyed by its own id; the customer flag by the customer.
"""

from __future__ import annotations

from aftersales.customers.domain import complaints, contacts, flags
from aftersales.customers.domain.complaints import COMPLAINT
from aftersales.customers.domain.contacts import CUSTOMER_CONTACT, REVIEW
from aftersales.customers.domain.flags import CUSTOMER_FLAG
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.commands import CommandResult, cause_of
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import aftersales as c


class CustomerCommands:
    """Every way a complaint, a customer flag, a review or a contact entry is changed."""

    def __init__(self, runtime: ServiceRuntime, policy: AftersalesPolicy) -> None:
        self.policy = policy
        self.complaints = runtime.aggregates(COMPLAINT)
        self.flags = runtime.aggregates(CUSTOMER_FLAG)
        self.reviews = runtime.aggregates(REVIEW)
        self.contacts = runtime.aggregates(CUSTOMER_CONTACT)

    async def register_complaint(self, cmd: c.RegisterComplaint) -> CommandResult:
        return await self.complaints.execute(
            cmd.complaint_id,
            cause_of(cmd),
            lambda s, now: complaints.register(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def respond(self, cmd: c.RespondToComplaint) -> CommandResult:
        return await self.complaints.execute(
            cmd.complaint_id, cause_of(cmd), lambda s, now: complaints.respond(s, cmd, self.policy, now)
        )

    async def escalate(self, cmd: c.EscalateComplaint) -> CommandResult:
        return await self.complaints.execute(
            cmd.complaint_id, cause_of(cmd), lambda s, now: complaints.escalate(s, cmd, self.policy, now)
        )

    async def resolve(self, cmd: c.ResolveComplaint) -> CommandResult:
        return await self.complaints.execute(
            cmd.complaint_id, cause_of(cmd), lambda s, now: complaints.resolve(s, cmd, self.policy, now)
        )

    async def flag(self, cmd: c.FlagCustomer) -> CommandResult:
        return await self.flags.execute(
            cmd.customer_id,
            cause_of(cmd),
            lambda s, now: flags.propose(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def confirm_flag(self, cmd: c.ConfirmCustomerFlag) -> CommandResult:
        return await self.flags.execute(
            cmd.customer_id, cause_of(cmd), lambda s, now: flags.confirm(s, cmd, self.policy, now)
        )

    async def reject_flag(self, cmd: c.RejectCustomerFlag) -> CommandResult:
        return await self.flags.execute(
            cmd.customer_id, cause_of(cmd), lambda s, now: flags.reject(s, cmd, self.policy, now)
        )

    async def record_review(self, cmd: c.RecordNegativeReview) -> CommandResult:
        return await self.reviews.execute(
            cmd.review_id,
            cause_of(cmd),
            lambda s, now: contacts.record_review(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def reply_to_review(self, cmd: c.ReplyToReview) -> CommandResult:
        return await self.reviews.execute(
            cmd.review_id, cause_of(cmd), lambda s, now: contacts.reply(s, cmd, self.policy, now)
        )

    async def log_consultation(self, cmd: c.LogConsultation) -> CommandResult:
        return await self.contacts.execute(
            cmd.consultation_id,
            cause_of(cmd),
            lambda s, now: contacts.log_consultation(s, cmd, self.policy, now),
            must_exist=False,
        )

    async def record_revisit(self, cmd: c.RecordRevisit) -> CommandResult:
        return await self.contacts.execute(
            cmd.revisit_id,
            cause_of(cmd),
            lambda s, now: contacts.record_revisit(s, cmd, self.policy, now),
            must_exist=False,
        )
