"""The sample Counter service in its own process: `ServiceRuntime('sample')` with two commands.

`python -m esbench.command_service --url U --db PATH --trust FILE [--profile PATH]` prints `ready`
once it serves and stops on SIGTERM. It verifies every request's actor token against the trust
file (issue 17: the secure default, as every service runs). `OpenCounter` and `Increment` go through `ServiceRuntime.command`
→ `run_command` → `CommandHandler` + `Repository` → `JetStreamEventStore`, with default settings.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from esbench.counters import SERVICE
from esbench.profiling import profiled
from jetstream_es.commands import CommandResult, cause_of
from jetstream_es.logging import configure_logging
from jetstream_es.repository import Repository
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.sample import COUNTER, CounterState, Increment, OpenCounter, increment, open_counter


class CounterService:
    """The runtime, its Counter repository (built once the store exists) and the two handlers."""

    def __init__(self, url: str, database_url: str, trust: Path) -> None:
        settings = RuntimeSettings(nats_url=url, identity_trust=trust)
        self.runtime = ServiceRuntime(SERVICE, settings, database_url)
        self._repo: Repository[CounterState] | None = None
        self.runtime.command(OpenCounter, self.open)
        self.runtime.command(Increment, self.increment)

    @property
    def repo(self) -> Repository[CounterState]:
        if self._repo is None:
            self._repo = Repository(self.runtime.store, COUNTER, self.runtime.settings.aggregate_cache_size)
        return self._repo

    async def open(self, cmd: OpenCounter) -> CommandResult:
        cause = cause_of(cmd)
        return await self.runtime.commands.execute(
            self.repo, cmd.counter_id, cause, lambda s: open_counter(s, cmd)
        )

    async def increment(self, cmd: Increment) -> CommandResult:
        cause = cause_of(cmd)
        return await self.runtime.commands.execute(
            self.repo, cmd.counter_id, cause, lambda s: increment(s, cmd.by), must_exist=True
        )


async def serve(args: argparse.Namespace) -> None:
    service = CounterService(args.url, f"sqlite+aiosqlite:///{args.db}", Path(args.trust))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await service.runtime.start()
    print("ready", flush=True)
    with profiled(args.profile):
        await stop.wait()
    await service.runtime.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--trust", required=True, help="the identity trust file (shopops identity init)")
    parser.add_argument("--profile")
    args = parser.parse_args()
    configure_logging(SERVICE, "WARNING", json=True)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
