"""Ratios, targets, pass/fail, and the results table of bench/README.md."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from esbench.stats import ratio

START, END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass(frozen=True)
class Target:
    name: str
    what: str
    project: str
    baseline: str
    value: float
    target: str
    checks_ok: bool
    met: bool

    @property
    def passed(self) -> bool:
        return self.checks_ok and self.met


def at_least(value: float, bound: float) -> tuple[str, bool]:
    return f">= {bound}", value >= bound


def at_most(value: float, bound: float) -> tuple[str, bool]:
    return f"<= {bound}", value <= bound


def per_s(value: float | None) -> str:
    return "missing" if value is None else f"{value:,.0f}/s"


def append_target(figures: dict[str, Any], used: dict[str, Any]) -> Target:
    append, base = figures["append_library"], used["async_publish_window_256_per_s"]
    value = ratio(append["rate_per_s"], base)
    target, met = at_least(value, 0.5)
    return Target(
        "append_ratio",
        f"JetStreamEventStore.append, {append['writers']} writers, {append['aggregates']} aggregates, OCC",
        f"{per_s(append['rate_per_s'])} ({append['conflicts']} conflicts)",
        f"{per_s(base)} async_publish window 256",
        value,
        target,
        append["conflicts"] == 0 and append["stored_ok"] and used["async_publish_ok"] and base is not None,
        met,
    )


def command_target(figures: dict[str, Any], used: dict[str, Any]) -> Target:
    command, base = figures["command"], used["request_reply_own_process_64_per_s"]
    value = ratio(command["rate_per_s"], base)
    target, met = at_least(value, 0.3)
    return Target(
        "command_ratio",
        f"Increment round trips, {command['inflight']} in flight, service in its own process",
        f"{per_s(command['rate_per_s'])} (p50 {command['latency']['p50_ms']} ms)",
        f"{per_s(base)} request_reply, responder in own process, 64 in flight",
        value,
        target,
        command["refused"] == 0 == command["open_phase"]["refused"]
        and command["stored_ok"]
        and used["request_reply_own_process_64_wrong"] == 0
        and base is not None,
        met,
    )


def replay_target(figures: dict[str, Any], used: dict[str, Any]) -> Target:
    replay, base = figures["replay_big"], used["ordered_replay_per_s"]
    value = ratio(replay["rate_per_s"], base)
    target, met = at_least(value, 0.5)
    return Target(
        "replay_ratio",
        f"ProjectionRunner.rebuild() of CounterTotals from a {replay['stream_events']:,}-event stream",
        f"{per_s(replay['rate_per_s'])} ({replay_extent(replay)})",
        f"{per_s(base)} ordered_replay ({used['ordered_replay_method']})",
        value,
        target,
        replay["rows_ok"] is not False and base is not None,
        met,
    )


def replay_extent(replay: dict[str, Any]) -> str:
    if replay["complete"]:
        return f"all {replay['events']:,} events in {replay['seconds']} s"
    return f"partial: {replay['events']:,} events in the {replay['seconds']:.0f} s time box"


def rss_target(figures: dict[str, Any]) -> Target:
    mid, big = figures["replay_mid"], figures["replay_big"]
    value = ratio(big["peak_rss_mb"], mid["peak_rss_mb"])
    target, met = at_most(value, 1.25)
    return Target(
        "replay_rss_growth",
        f"peak RSS of the replay process, {mid['stream_events']:,}- → {big['stream_events']:,}-event stream",
        f"{mid['peak_rss_mb']} → {big['peak_rss_mb']} MB",
        "-",
        value,
        target,
        mid["rows_ok"] is not False and big["rows_ok"] is not False,
        met,
    )


def load_target(figures: dict[str, Any], used: dict[str, Any]) -> Target:
    small, big = figures["load_small"], figures["load_big"]
    value = ratio(big["latency"]["p99_ms"], small["latency"]["p99_ms"])
    target, met = at_most(value, 1.5)
    return Target(
        "load_p99_growth",
        f"cold load of 10 events (Repository, no cache), p50/p99 ms, {small['aggregates']:,} → "
        f"{big['aggregates']:,} aggregates, after a {big['warmup_seconds']:.0f} s warm-up (p99 ratio)",
        f"{p50_p99_short(small['latency'])} → {p50_p99_short(big['latency'])}; "
        f"same direct get without decoding: {p50_p99_short(small['direct_get_latency'])} → "
        f"{p50_p99_short(big['direct_get_latency'])}",
        f"{used['aggregate_load_literal_subject_p50_ms']}/{used['aggregate_load_literal_subject_p99_ms']} "
        f"literal-subject batch direct get, {used['aggregate_load_stream_events']:,}-event stream",
        value,
        target,
        small["wrong_loads"] == 0 and big["wrong_loads"] == 0,
        met,
    )


def p50_p99_short(latency: dict[str, float]) -> str:
    return f"{latency['p50_ms']}/{latency['p99_ms']}"


def targets(figures: dict[str, Any], used: dict[str, Any]) -> list[Target]:
    return [
        append_target(figures, used),
        command_target(figures, used),
        replay_target(figures, used),
        rss_target(figures),
        load_target(figures, used),
    ]


def targets_json(found: list[Target]) -> dict[str, Any]:
    return {t.name: {**asdict(t), "pass": t.passed} for t in found}


def verdict(t: Target) -> str:
    if not t.checks_ok:
        return "**FAIL** (a check failed or a baseline figure is missing, see latest.json)"
    return "met" if t.met else "**missed**"


def results_table(results: dict[str, Any], found: list[Target]) -> str:
    meta = results["meta"]
    lines = [
        f"Run: {meta['started']}, mode `{meta['sizes']['mode']}`, {meta['total_seconds']} s, "
        f"{meta['cpus']} × {meta['cpu']}, Python {meta['python']}, nats-server "
        f"{results['baseline']['used']['nats_server_version']}, nats-py {meta['packages']['nats-py']}, "
        f"commit {meta['commit']}. Other processes used {meta['other_cpu_share']:.0%} of the machine's CPU "
        "during the run (noise).",
        "",
        "| figure | what | project | raw baseline (same run) | value | target | result |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{t.name}` | {t.what} | {t.project} | {t.baseline} | {t.value} | {t.target} | {verdict(t)} |"
        for t in found
    ]
    figures = results["figures"]
    lines += ["", *append_lines(figures), *command_lines(figures), *read_lines(figures)]
    return "\n".join(lines)


def p50_p99(latency: dict[str, float]) -> str:
    return f"p50/p99 {latency['p50_ms']}/{latency['p99_ms']} ms"


def append_lines(figures: dict[str, Any]) -> list[str]:
    append = figures["append_library"]
    return [
        f"- append: {append['events']:,} events in {append['seconds']} s, "
        f"{p50_p99(append['latency'])} per append.",
        *(
            f"- append experiment `{a['way']}` (not the library's path, same envelopes and headers): "
            f"{per_s(a['rate_per_s'])}, {a['conflicts']} conflicts, {p50_p99(a['latency'])}"
            f"{'' if a['stored_ok'] else ' **check failed: stored count**'}."
            for a in (figures["append_js-publish"], figures["append_publish-async-awaited"])
        ),
    ]


def command_lines(figures: dict[str, Any]) -> list[str]:
    command = figures["command"]
    return [
        f"- command: {command['commands']:,} Increments in {command['seconds']} s, "
        f"{p50_p99(command['latency'])}, service process at {command['service_cpu_percent']} % CPU; "
        f"opening {command['open_phase']['commands']:,} counters first: "
        f"{per_s(command['open_phase']['rate_per_s'])}.",
    ]


def read_lines(figures: dict[str, Any]) -> list[str]:
    return [
        *(
            f"- replay, {r['stream_events']:,}-event stream: {per_s(r['rate_per_s'])} ({replay_extent(r)}), "
            f"peak RSS {r['peak_rss_mb']} MB (RSS {r['rss_before_rebuild_mb']} MB before the rebuild), "
            f"{r['gc_seconds']} s in GC, {r['slow_consumer_errors']} slow-consumer errors"
            f"{'' if r['cancel_error'] is None else '; cancelling it raised ' + r['cancel_error']}."
            for r in (figures["replay_mid"], figures["replay_big"])
        ),
        f"- loads during the warm-up right after seeding (server block cache cold), p50/p99 ms: "
        f"{p50_p99_short(figures['load_small']['warmup_latency'])} → "
        f"{p50_p99_short(figures['load_big']['warmup_latency'])}.",
    ]


def update_readme(path: Path, table: str) -> None:
    """Replace what is between the result markers; the rest of the README is left as it is."""
    text = path.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"{path} has no {START} ... {END} section")
    path.write_text(pattern.sub(lambda _: f"{START}\n{table}\n{END}", text))
