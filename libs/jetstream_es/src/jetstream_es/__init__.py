"""The shop's runtime library: everything the four services share and never re-implement.

Event store on JetStream (and an in-memory twin passing the same contract), the decide/apply
aggregate base, the command handler, projection runner with checkpoints and DLQ, clock,
deadline scheduler, settings, logging and provisioning (ARCHITECTURE.md).
"""
