"""The shop's identity keys (issue 17): `shopops identity init | rotate | retire`.

One directory (`var/identity/` for `make run`, git-ignored) holds every signing key and the trust
file the services verify against (decision 0009):

- `keys/issuer.json`: the person issuer (`shop-issuer`). It may assert any person and any role,
  so the tools that hold it (shopctl login, the demo driver) ask the identity service's grants
  (`identity.queries.RolesOf`) what a person holds right now and put only those roles in a token.
- `keys/<program>.json`: each program's own key, limited in the trust file to its own actor id
  and the narrowest roles it needs (`PROGRAMS`): the platform connector asserts only
  `platform-connector` with `platform`; `shopctl-operator` only `operator`; `shop-setup` only
  `identity_admin` (bootstrapping the first administrator through GrantRole).
- `trust.json`: the public halves (`SHOP_IDENTITY_TRUST`), with those limits.

`init` is idempotent: existing keys are kept, missing ones generated, the trust file rewritten
from the keys (keeping the entries of rotated keys not yet retired). `rotate` makes a new key for
the issuer (or `--program NAME`); the old key's public half stays trusted, so tokens and other
hosts still signing with it keep working, until `retire <kid>` removes it from the trust file.
Private keys are owner-only files (`SigningKey.save`); the directories are owner-only too.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jetstream_es.identity import SigningKey, TrustedKey, read_trust, write_trust

DEFAULT_DIR = Path("var/identity")
ISSUER = "issuer"
ISSUER_NAME = "shop-issuer"
TRUST_FILE = "trust.json"


@dataclass(frozen=True)
class Program:
    """A program identity: its key file `keys/<name>.json`, and at most these actor and roles."""

    name: str
    roles: tuple[str, ...]
    purpose: str


PROGRAMS: tuple[Program, ...] = (
    Program("platform-connector", ("platform",), "places the platform's orders"),
    Program(
        "shop-demo",
        ("system",),
        "the demo driver's own acts as a program: the clock terminal's punches and the carrier's "
        "delivery reports (its staff act through the person issuer)",
    ),
    Program("shopctl-operator", ("operator",), "operators' admin endpoints: replay, dead letters"),
    Program(
        "bench",
        ("system",),
        "the bench drivers' program acts (deliveries, punches); staff flows go through the issuer",
    ),
    Program("shop-setup", ("identity_admin",), "bootstraps the first administrator (GrantRole)"),
)
PROGRAM_NAMES = tuple(p.name for p in PROGRAMS)


def new_kid(name: str) -> str:
    return f"{name}-{datetime.now(UTC).strftime('%Y%m%d')}-{secrets.token_hex(3)}"


def key_path(directory: Path, name: str) -> Path:
    return directory / "keys" / f"{name}.json"


def trust_path(directory: Path) -> Path:
    return directory / TRUST_FILE


def _program(name: str) -> Program | None:
    return next((p for p in PROGRAMS if p.name == name), None)


def _entry(key: SigningKey, name: str) -> TrustedKey:
    """The trust entry of `name`'s current key: the issuer unlimited, a program limited."""
    program = _program(name)
    if program is None:
        return key.trusted()
    return key.trusted(actors=[program.name], roles=program.roles)


def _owner_only_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def _current_keys(directory: Path) -> dict[str, SigningKey]:
    return {
        name: SigningKey.load(key_path(directory, name))
        for name in (ISSUER, *PROGRAM_NAMES)
        if key_path(directory, name).exists()
    }


def _write(directory: Path, keys: dict[str, SigningKey], kept: Sequence[TrustedKey]) -> list[TrustedKey]:
    current = [_entry(key, name) for name, key in keys.items()]
    kids = {entry.kid for entry in current}
    entries = current + [entry for entry in kept if entry.kid not in kids]
    path = trust_path(directory)
    write_trust(path, entries)
    path.chmod(0o644)  # public halves only: every service reads it
    return entries


def _previous(directory: Path) -> list[TrustedKey]:
    path = trust_path(directory)
    return list(read_trust(path).values()) if path.exists() else []


def init(directory: Path = DEFAULT_DIR) -> list[str]:
    """Generate what is missing (the issuer's and every program's key) and write the trust file.
    Returns the names of the keys generated now (empty on a second run)."""
    _owner_only_dir(directory)
    _owner_only_dir(directory / "keys")
    _owner_only_dir(directory / "sessions")
    made = []
    for name in (ISSUER, *PROGRAM_NAMES):
        path = key_path(directory, name)
        if not path.exists():
            issuer = ISSUER_NAME if name == ISSUER else name
            SigningKey.generate(new_kid(name), issuer).save(path)
            made.append(name)
    keys = _current_keys(directory)
    current_kids = {key.kid for key in keys.values()}
    # keep rotated keys not yet retired (their key file is gone, their public half stays trusted)
    kept = [entry for entry in _previous(directory) if entry.kid not in current_kids]
    _write(directory, keys, kept)
    return made


def rotate(directory: Path = DEFAULT_DIR, name: str = ISSUER) -> tuple[str, str]:
    """A new key for `name` (the issuer by default); the old one stays trusted until retired.
    Returns (old kid, new kid)."""
    if name != ISSUER and _program(name) is None:
        raise SystemExit(f"--program {name!r}: not a program key; known: {', '.join(PROGRAM_NAMES)}")
    init(directory)
    path = key_path(directory, name)
    old = SigningKey.load(path)
    kept = _previous(directory)
    fresh = SigningKey.generate(new_kid(name), old.issuer)
    fresh.save(path)
    _write(directory, _current_keys(directory), kept)
    return old.kid, fresh.kid


def retire(directory: Path, kid: str) -> None:
    """Stop trusting a rotated key. A key still in use (a current key file) cannot be retired."""
    in_use = {key.kid: name for name, key in _current_keys(directory).items()}
    if kid in in_use:
        raise SystemExit(
            f"--retire {kid}: it is the current key of {in_use[kid]}; rotate it first "
            f"(shopops identity rotate{'' if in_use[kid] == ISSUER else ' --program ' + in_use[kid]})"
        )
    entries = _previous(directory)
    if kid not in {entry.kid for entry in entries}:
        known = ", ".join(sorted(entry.kid for entry in entries)) or "none"
        raise SystemExit(f"--retire {kid}: not in {trust_path(directory)}; trusted: {known}")
    _write(directory, _current_keys(directory), [e for e in entries if e.kid != kid])


def describe(directory: Path) -> list[dict[str, object]]:
    """The trust file's keys with who holds them (for `shopops identity show`)."""
    holders = {key.kid: name for name, key in _current_keys(directory).items()}
    return [
        {
            **{k: v for k, v in entry.to_json().items() if k != "public_key"},
            "holder": holders.get(entry.kid, "(rotated, not retired)"),
        }
        for entry in _previous(directory)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("SHOP_IDENTITY_DIR", DEFAULT_DIR)),
        help="the identity directory (SHOP_IDENTITY_DIR; var/identity)",
    )
    parser = argparse.ArgumentParser(
        prog="shopops identity", description="The shop's identity keys (issue 17)."
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser(
        "init", parents=[common], help="generate missing keys and write the trust file (keeps existing keys)"
    )
    rot = sub.add_parser(
        "rotate", parents=[common], help="a new key; the old one stays trusted until --retire"
    )
    rot.add_argument(
        "--program", default=ISSUER, help=f"{ISSUER} (default) or one of {', '.join(PROGRAM_NAMES)}"
    )
    rot.add_argument("--retire", metavar="KID", help="instead: stop trusting this rotated key")
    sub.add_parser("show", parents=[common], help="the trusted keys, their limits and who holds them")
    args = parser.parse_args(argv)
    directory: Path = args.dir
    if args.action == "init":
        made = init(directory)
        print(
            f"identity keys in {directory / 'keys'} ({'generated: ' + ', '.join(made) if made else 'all kept'}); "
            f"trust file {trust_path(directory)}"
        )
    elif args.action == "rotate" and args.retire:
        retire(directory, args.retire)
        print(f"{args.retire} is no longer trusted ({trust_path(directory)})")
    elif args.action == "rotate":
        old, fresh = rotate(directory, args.program)
        print(
            f"{args.program}: signs with {fresh} now; {old} stays trusted until "
            f"`shopops identity rotate --retire {old}`"
        )
    else:
        json.dump(describe(directory), sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
