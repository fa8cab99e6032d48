"""Provisioning: the shop's streams plus SAMPLE, created fresh for each figure."""

from __future__ import annotations

import contextlib

from nats.aio.client import Client
from nats.js.errors import NotFoundError

from esbench.counters import STREAM, STREAM_SUBJECTS
from jetstream_es.provision import StreamSpec, provision, shop_streams

SAMPLE_SPEC = StreamSpec(STREAM, STREAM_SUBJECTS)


async def fresh_sample_stream(nc: Client) -> None:
    """Drop SAMPLE (and its consumers) if it exists, then provision every stream."""
    with contextlib.suppress(NotFoundError):
        await nc.jetstream().delete_stream(STREAM)
    await provision(nc, [*shop_streams(), SAMPLE_SPEC], [])


async def stream_messages(nc: Client) -> int:
    info = await nc.jetstream().stream_info(STREAM)
    return int(info.state.messages)
