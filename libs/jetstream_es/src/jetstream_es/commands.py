"""The command handler: load, decide, append; reload and retry on a concurrency conflict.

Event ids derive from the command id (or, for reactions, from the causing event), so a repeated
command appends nothing twice: within the dedup window JetStream drops the copy, and after it
the aggregate recognises the command's first event id and answers with the earlier outcome.

A command id is one command: its events record the fingerprint of the command's payload
(`command_fingerprint`: a hash of everything but `command_id` and `correlation_id`), and the
same id sent again with another payload is refused as a `conflict` instead of being answered
with the first outcome (decision 0005). The runtime's endpoint sets the fingerprint of the
request being handled (`jetstream_es.fingerprint.handling`); it applies to the causes keyed by
that command id, and `Repository.outcome` refuses the repeat.

A command that records events on two aggregates runs `execute_all(cause, [step(...), step(...)])`
(decision 0007): every decision is taken before anything is appended, so a refusal by any step
appends nothing; on a store that can (`AtomicEventStore.append_all`, both of this library's) the
steps' events are stored in one atomic append, otherwise in step order. Ids derive from the cause
and each aggregate, so a repeat completes the steps a crash left out and answers the earlier
outcome of those that were stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import structlog

from jetstream_es.aggregate import AggregateType, Loaded
from jetstream_es.clock import Clock
from jetstream_es.errors import ConcurrencyConflict, Conflict, DuplicateAppend, NotFound
from jetstream_es.events import derive_event_id
from jetstream_es.fingerprint import command_fingerprint, fingerprint_for, handling
from jetstream_es.repository import Repository
from jetstream_es.store import AggregateAppend, AtomicEventStore, EventStore
from shop_contracts.envelope import Actor, EventEnvelope
from shop_contracts.messages import Command, EventData

S = TypeVar("S")
log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Cause:
    """Why events are appended: the idempotency key, who acted, and the causal chain."""

    key: str
    actor: Actor
    correlation_id: str
    causation_id: str

    @classmethod
    def of_command(cls, command_id: str, actor: Actor, correlation_id: str | None = None) -> Cause:
        return cls(
            key=command_id, actor=actor, correlation_id=correlation_id or command_id, causation_id=command_id
        )

    @classmethod
    def of_event(cls, reaction: str, event: EventEnvelope, actor: Actor) -> Cause:
        """A reaction to `event`: ids derive from the event, so redelivery changes nothing.

        The causation id names the reaction and the causing event, so two reactions to one event
        stay two commands in the aggregate's history.
        """
        key = f"{reaction}/{event.event_id}"
        return cls(key=key, actor=actor, correlation_id=event.correlation_id, causation_id=key)


@dataclass(frozen=True, slots=True)
class CommandResult:
    aggregate_id: str
    version: int
    event_ids: tuple[str, ...]
    repeated: bool = False


Decide = Callable[[S], Sequence[EventData]]


def first_event_id(aggregate_type: str, aggregate_id: str, cause: Cause) -> str:
    """The id of the first event `cause` appends to an aggregate: how a repeat is recognised."""
    return derive_event_id(aggregate_type, aggregate_id, cause.key, 0)


@dataclass(frozen=True, slots=True)
class Step(Generic[S]):
    """One aggregate's part of a command that records events on several (`execute_all`)."""

    repo: Repository[S]
    aggregate_id: str
    decide: Decide[S]
    must_exist: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.repo.aggregate.name, self.aggregate_id)


def step(repo: Repository[S], aggregate_id: str, decide: Decide[S], *, must_exist: bool = False) -> Step[S]:
    """A step of `execute_all` on a repository (see also `Aggregates.step`)."""
    return Step(repo, aggregate_id, decide, must_exist)


class _KeyedLocks:
    """One lock per aggregate, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: tuple[str, str]) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class CommandHandler:
    """Commands on one aggregate run one at a time within a process; across processes the
    optimistic check decides, and the loser reloads and retries with a short jittered backoff."""

    def __init__(self, clock: Clock, max_attempts: int = 8, backoff_s: float = 0.002) -> None:
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self._locks = _KeyedLocks()
        self._recorders: list[list[CommandResult]] = []

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[CommandResult]]:
        """Collect the result of every command handled inside the block (tests: what a reaction
        or a deadline firer did, `jetstream_es.testing.app`)."""
        results: list[CommandResult] = []
        self._recorders.append(results)
        try:
            yield results
        finally:
            self._recorders.remove(results)

    def _record(self, *results: CommandResult) -> None:
        for recorder in self._recorders:
            recorder.extend(results)

    async def execute(
        self,
        repo: Repository[S],
        aggregate_id: str,
        cause: Cause,
        decide: Decide[S],
        *,
        must_exist: bool = False,
    ) -> CommandResult:
        async with self._locks.hold((repo.aggregate.name, aggregate_id)):
            result = await self._execute(repo, aggregate_id, cause, decide, must_exist)
        self._record(result)
        return result

    async def _execute(
        self, repo: Repository[S], aggregate_id: str, cause: Cause, decide: Decide[S], must_exist: bool
    ) -> CommandResult:
        name = repo.aggregate.name
        first_id = first_event_id(name, aggregate_id, cause)
        fingerprint = fingerprint_for(cause.key)
        loaded = await repo.load(aggregate_id)
        for attempt in range(1, self.max_attempts + 1):
            done = repo.outcome(loaded, first_id)
            if done is not None:
                return CommandResult(aggregate_id, done.version, done.event_ids, repeated=True)
            if must_exist and not loaded.exists:
                raise NotFound(f"{name} {aggregate_id} does not exist")
            decided = decide(loaded.state)
            if not decided:
                return CommandResult(aggregate_id, loaded.version, ())
            envelopes = self._envelopes(name, loaded, cause, decided, first_id, fingerprint)
            try:
                saved = await repo.save(loaded, envelopes)
            except (ConcurrencyConflict, DuplicateAppend) as exc:
                log.info(
                    "append_retry", aggregate=name, aggregate_id=aggregate_id, attempt=attempt, error=str(exc)
                )
                await asyncio.sleep(random.uniform(0, self.backoff_s * attempt))
                loaded = await repo.load(aggregate_id, refresh=True)
                continue
            return CommandResult(aggregate_id, saved.version, tuple(e.event_id for e in envelopes))
        raise Conflict(
            f"{name} {aggregate_id} kept changing under this command; "
            f"gave up after {self.max_attempts} attempts"
        )

    async def execute_all(self, cause: Cause, steps: Sequence[Step[Any]]) -> tuple[CommandResult, ...]:
        """Run one command over several aggregates (one result per step, in order).

        Every step's decision is taken on its aggregate's current state before anything is
        appended: a refusal (a `DomainError`, `NotFound`) of any step appends nothing. The events
        then go in one atomic append when the store can (`append_all`), otherwise step by step in
        order. A step whose first event id is stored already is answered with its earlier
        outcome (`repeated`), so a repeat after a crash between two appends completes the rest.
        A concurrency conflict reloads every aggregate and decides again.
        """
        keys = [s.key for s in steps]
        if not steps or len(set(keys)) != len(keys):
            raise ValueError(f"execute_all needs one step per aggregate, got {keys}")
        async with contextlib.AsyncExitStack() as held:
            for key in sorted(keys):  # one lock order: two such commands never wait on each other
                await held.enter_async_context(self._locks.hold(key))
            results = await self._execute_all(cause, steps)
        self._record(*results)
        return results

    async def _execute_all(self, cause: Cause, steps: Sequence[Step[Any]]) -> tuple[CommandResult, ...]:
        fingerprint = fingerprint_for(cause.key)
        loaded = [await s.repo.load(s.aggregate_id) for s in steps]
        for attempt in range(1, self.max_attempts + 1):
            results: list[CommandResult | None] = []
            pending: list[tuple[int, list[EventEnvelope]]] = []
            for index, (st, current) in enumerate(zip(steps, loaded, strict=True)):
                name = st.repo.aggregate.name
                first_id = first_event_id(name, st.aggregate_id, cause)
                done = st.repo.outcome(current, first_id)
                if done is not None:
                    results.append(
                        CommandResult(st.aggregate_id, done.version, done.event_ids, repeated=True)
                    )
                    continue
                if st.must_exist and not current.exists:
                    raise NotFound(f"{name} {st.aggregate_id} does not exist")
                decided = st.decide(current.state)
                if not decided:
                    results.append(CommandResult(st.aggregate_id, current.version, ()))
                    continue
                results.append(None)
                pending.append((index, self._envelopes(name, current, cause, decided, first_id, fingerprint)))
            try:
                await self._append_pending(steps, loaded, pending)
            except (ConcurrencyConflict, DuplicateAppend) as exc:
                log.info("append_retry", aggregates=[s.key for s in steps], attempt=attempt, error=str(exc))
                await asyncio.sleep(random.uniform(0, self.backoff_s * attempt))
                loaded = [await s.repo.load(s.aggregate_id, refresh=True) for s in steps]
                continue
            for index, envelopes in pending:
                results[index] = CommandResult(
                    steps[index].aggregate_id,
                    loaded[index].version + len(envelopes),
                    tuple(e.event_id for e in envelopes),
                )
            return tuple(r for r in results if r is not None)
        raise Conflict(
            f"{', '.join(f'{n} {i}' for n, i in (s.key for s in steps))} kept changing under this "
            f"command; gave up after {self.max_attempts} attempts"
        )

    async def _append_pending(
        self,
        steps: Sequence[Step[Any]],
        loaded: list[Loaded[Any]],
        pending: list[tuple[int, list[EventEnvelope]]],
    ) -> None:
        if not pending:
            return
        store = steps[pending[0][0]].repo.store
        same_store = all(steps[i].repo.store is store for i, _ in pending)
        if len(pending) > 1 and same_store and isinstance(store, AtomicEventStore):
            parts = [
                AggregateAppend(
                    steps[i].repo.aggregate.name, loaded[i].aggregate_id, envs, loaded[i].last_seq
                )
                for i, envs in pending
            ]
            appended = await store.append_all(parts)
            for (i, envs), result in zip(pending, appended, strict=True):
                steps[i].repo.remember_saved(loaded[i], envs, result)
            return
        for i, envs in pending:  # one by one, in step order; a repeat completes what is missing
            await steps[i].repo.save(loaded[i], envs)

    def _envelopes(
        self,
        name: str,
        loaded: Loaded[S],
        cause: Cause,
        decided: Sequence[EventData],
        first_id: str,
        fingerprint: str | None,
    ) -> list[EventEnvelope]:
        now = self.clock.now()
        return [
            EventEnvelope(
                event_id=first_id
                if index == 0
                else derive_event_id(name, loaded.aggregate_id, cause.key, index),
                event_type=data.event_type,
                schema_version=data.schema_version,
                aggregate_type=name,
                aggregate_id=loaded.aggregate_id,
                version=loaded.version + index + 1,
                occurred_at=now,
                actor=cause.actor,
                correlation_id=cause.correlation_id,
                causation_id=cause.causation_id,
                command_fingerprint=fingerprint,
                data=data.model_dump(mode="json"),
            )
            for index, data in enumerate(decided)
        ]


def cause_of(cmd: Command) -> Cause:
    """The cause of the events a person's (or a client's) command appends."""
    return Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)


class Aggregates(Generic[S]):
    """One aggregate type's repository (created on first use: the store exists only once the
    service has started) and its executor, whose decisions also get the clock's `now`."""

    def __init__(
        self, handler: CommandHandler, store: Callable[[], EventStore], kind: AggregateType[S], cache: int
    ) -> None:
        self.handler, self._store, self.kind, self._cache = handler, store, kind, cache
        self._repo: Repository[S] | None = None

    @property
    def repo(self) -> Repository[S]:
        if self._repo is None:
            self._repo = Repository(self._store(), self.kind, cache_size=self._cache)
        return self._repo

    async def state(self, aggregate_id: str, *, fresh: bool = False) -> S:
        """The aggregate's state; `fresh` reads what others appended since it was cached."""
        return (await self.repo.load(aggregate_id, refresh=fresh)).state

    async def execute(
        self,
        aggregate_id: str,
        cause: Cause,
        decide: Callable[[S, datetime], Sequence[EventData]],
        *,
        must_exist: bool = True,
    ) -> CommandResult:
        clock = self.handler.clock
        return await self.handler.execute(
            self.repo, aggregate_id, cause, lambda s: decide(s, clock.now()), must_exist=must_exist
        )

    def step(
        self,
        aggregate_id: str,
        decide: Callable[[S, datetime], Sequence[EventData]],
        *,
        must_exist: bool = True,
    ) -> Step[S]:
        """This aggregate's part of a command over several (`CommandHandler.execute_all`)."""
        clock = self.handler.clock
        return Step(self.repo, aggregate_id, lambda s: decide(s, clock.now()), must_exist)

    async def execute_all(self, cause: Cause, *steps: Step[Any]) -> tuple[CommandResult, ...]:
        """`CommandHandler.execute_all` with this handler (steps from any `Aggregates`)."""
        return await self.handler.execute_all(cause, steps)


__all__ = [
    "Aggregates",
    "Cause",
    "CommandHandler",
    "CommandResult",
    "Step",
    "cause_of",
    "command_fingerprint",
    "first_event_id",
    "handling",
    "step",
]
