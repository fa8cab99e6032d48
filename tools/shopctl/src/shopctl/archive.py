"""Export a stream (or a subject filter) to JSON lines with a checksum manifest, and import it.

File `<name>.jsonl`: one message a line, oldest first:
`{"seq", "time", "subject", "headers", "data"}` (`data` the body as UTF-8 text, or `data_b64`).
Kept headers: the event's own (`Event-Type`, ...) and `Nats-Msg-Id`; the publish-time guards
(`Nats-Expected-*`, batch headers) are not kept: they name positions of the source server.

Manifest `<name>.manifest.json`: stream, filter, count, first and last sequence, `sha256` of the
file and `content_sha256` over (subject, headers, body) of every message in order. The content
checksum does not depend on sequences or server times, so an export of a restored server has the
same content checksum as the export it was restored from.

Key streams (`HR_KEYS`: HR's per-employee data keys, decision 0006) are exported only with a
passphrase: each body is sealed with AES-256-GCM under a key derived from it by scrypt (salt and
parameters in the manifest's `encryption`, with a check value so a wrong passphrase is refused
before anything is imported); the content checksum is over the plain bodies, as for any stream.

Import verifies everything first (manifest present, file checksum, every line, count, content
checksum) and refuses a target that already holds messages on the export's subjects, so nothing
is half-imported. Messages are appended in order with their subjects, headers and `Nats-Msg-Id`;
their sequences in the target are new (1..N for a whole-stream export into an empty stream with
no gaps in the source), which is why a restored service starts from a fresh projection database
and replays everything.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from nats.aio.client import Client
from nats.js.errors import NotFoundError

from jetstream_es.jetstream.direct_get import DirectGetClient
from shop_contracts.headers import NATS_PREFIX, Header
from shop_contracts.subjects import KEY_STREAMS
from shopctl.connection import ShopctlError

FORMAT = "shopctl-export/1"
KEPT_NATS_HEADERS = {Header.MSG_ID}
SECRET_STREAMS = frozenset(KEY_STREAMS.values())
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
CHECK = b"shopctl-export-check"


def _derive(passphrase: bytes, salt: bytes, params: dict[str, int]) -> AESGCM:
    kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
    return AESGCM(kdf.derive(passphrase))


def _seal(cipher: AESGCM, plain: bytes, aad: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + cipher.encrypt(nonce, plain, aad)).decode()


def _open(cipher: AESGCM, sealed: str, aad: bytes) -> bytes:
    raw = base64.b64decode(sealed, validate=True)
    return cipher.decrypt(raw[:12], raw[12:], aad)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".jsonl") + ".manifest.json")


def _kept(headers: dict[str, str]) -> dict[str, str]:
    return {
        k: v for k, v in sorted(headers.items()) if not k.startswith(NATS_PREFIX) or k in KEPT_NATS_HEADERS
    }


def _content_line(subject: str, headers: dict[str, str], body: bytes) -> bytes:
    return json.dumps(
        {"subject": subject, "headers": headers, "body": base64.b64encode(body).decode()},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def _body(record: dict[str, Any], cipher: AESGCM | None) -> bytes:
    if cipher is not None:
        return _open(cipher, record["data_sealed"], str(record["subject"]).encode())
    if "data_b64" in record:
        return base64.b64decode(record["data_b64"], validate=True)
    data = record["data"]
    if not isinstance(data, str):
        raise ValueError("data is not a string")
    return data.encode("utf-8")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest: dict[str, Any]


async def export_stream(
    nc: Client,
    stream: str,
    path: Path,
    *,
    subject: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    passphrase: bytes | None = None,
) -> ExportResult:
    js = nc.jetstream()
    cipher: AESGCM | None = None
    encryption: dict[str, Any] | None = None
    if stream in SECRET_STREAMS:
        if not passphrase:
            raise ShopctlError(
                f"stream {stream} holds data keys and is exported only encrypted: give --passphrase-file "
                "or SHOP_BACKUP_PASSPHRASE (nothing written)"
            )
        salt = os.urandom(16)
        cipher = _derive(passphrase, salt, SCRYPT)
        encryption = {
            "cipher": "AES-256-GCM",
            "kdf": "scrypt",
            **SCRYPT,
            "salt": base64.b64encode(salt).decode(),
            "check": _seal(cipher, CHECK, b"check"),
        }
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        raise ShopctlError(f"no stream {stream!r} on this server") from None
    last = int(info.state.last_seq or 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    file_hash, content_hash = hashlib.sha256(), hashlib.sha256()
    count, first_seq, last_seq = 0, 0, 0
    direct = DirectGetClient(nc, stream)
    try:
        with tmp.open("wb") as out:
            seq = 1
            while last and seq <= last:
                msgs, remaining = await direct.request(
                    {"seq": seq, "batch": 500, "next_by_subj": subject or ">"}
                )
                for msg in msgs:
                    headers = dict(msg.headers or {})
                    msg_seq = int(headers[Header.SEQUENCE])
                    if msg_seq > last:
                        remaining = 0
                        break
                    msg_subject = headers[Header.SUBJECT]
                    kept = _kept(headers)
                    record: dict[str, Any] = {
                        "seq": msg_seq,
                        "time": headers.get(Header.TIME_STAMP),
                        "subject": msg_subject,
                        "headers": kept,
                    }
                    if cipher is not None:
                        record["data_sealed"] = _seal(cipher, msg.data, msg_subject.encode())
                    else:
                        try:
                            record["data"] = msg.data.decode("utf-8")
                        except UnicodeDecodeError:
                            record["data_b64"] = base64.b64encode(msg.data).decode()
                    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                    out.write(line)
                    file_hash.update(line)
                    content_hash.update(_content_line(msg_subject, kept, msg.data) + b"\n")
                    count += 1
                    first_seq = first_seq or msg_seq
                    last_seq = msg_seq
                    seq = msg_seq + 1
                if progress:
                    progress(last_seq, last)
                if not msgs or remaining <= 0:
                    break
    finally:
        await direct.stop()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "stream": stream,
        "filter": subject,
        "count": count,
        "first_seq": first_seq,
        "last_seq": last_seq,
        "file": path.name,
        "sha256": file_hash.hexdigest(),
        "content_sha256": content_hash.hexdigest(),
        "exported_at": datetime.now(UTC).isoformat(),
    }
    if encryption is not None:
        manifest["encryption"] = encryption
    tmp.replace(path)
    manifest_path(path).write_text(json.dumps(manifest, indent=2) + "\n")
    return ExportResult(path, manifest)


@dataclass(frozen=True)
class Verified:
    manifest: dict[str, Any]
    records: list[tuple[str, dict[str, str], bytes]]


def verify_export(path: Path, passphrase: bytes | None = None) -> Verified:
    """Check an export completely; ShopctlError naming the first problem otherwise."""
    if not path.exists():
        raise ShopctlError(f"export file {path} does not exist")
    mpath = manifest_path(path)
    if not mpath.exists():
        raise ShopctlError(f"no manifest {mpath} beside {path}: cannot verify, nothing imported")
    try:
        manifest = json.loads(mpath.read_text())
        expected = (manifest["format"], manifest["count"], manifest["sha256"], manifest["content_sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ShopctlError(f"manifest {mpath} is not readable ({exc}); nothing imported") from None
    if expected[0] != FORMAT:
        raise ShopctlError(f"manifest {mpath} has format {expected[0]!r}, expected {FORMAT}")
    cipher = _cipher(manifest, mpath, passphrase)
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != manifest["sha256"]:
        raise ShopctlError(f"{path} is corrupt: its sha256 does not match the manifest; nothing imported")
    content_hash = hashlib.sha256()
    records: list[tuple[str, dict[str, str], bytes]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        try:
            record = json.loads(line)
            subject, headers, body = record["subject"], record["headers"], _body(record, cipher)
            if not isinstance(subject, str) or not isinstance(headers, dict):
                raise ValueError("subject or headers of the wrong type")
        except (ValueError, KeyError, TypeError, InvalidTag) as exc:
            raise ShopctlError(f"{path} line {number} is corrupt ({exc}); nothing imported") from None
        headers = {str(k): str(v) for k, v in headers.items()}
        content_hash.update(_content_line(subject, headers, body) + b"\n")
        records.append((subject, headers, body))
    if len(records) != manifest["count"]:
        raise ShopctlError(
            f"{path} holds {len(records)} messages, the manifest says {manifest['count']}; nothing imported"
        )
    if content_hash.hexdigest() != manifest["content_sha256"]:
        raise ShopctlError(f"{path}: content checksum does not match the manifest; nothing imported")
    return Verified(manifest, records)


def _cipher(manifest: dict[str, Any], mpath: Path, passphrase: bytes | None) -> AESGCM | None:
    """The export's cipher when it is encrypted (checked against the passphrase), else None."""
    encryption = manifest.get("encryption")
    if encryption is None:
        return None
    if not passphrase:
        raise ShopctlError(
            f"{mpath}: the export is encrypted (data keys): give --passphrase-file or SHOP_BACKUP_PASSPHRASE; "
            "nothing imported"
        )
    try:
        cipher = _derive(passphrase, base64.b64decode(encryption["salt"]), encryption)
        _open(cipher, encryption["check"], b"check")
    except InvalidTag:
        raise ShopctlError(f"{mpath}: wrong passphrase for this encrypted export; nothing imported") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise ShopctlError(f"{mpath}: unreadable encryption parameters ({exc}); nothing imported") from None
    return cipher


async def import_stream(
    nc: Client,
    path: Path,
    *,
    allow_nonempty: bool = False,
    progress: Callable[[int, int], None] | None = None,
    passphrase: bytes | None = None,
) -> dict[str, Any]:
    verified = verify_export(path, passphrase)
    js = nc.jetstream()
    subjects = sorted({subject for subject, _, _ in verified.records})
    streams: dict[str, str] = {}
    for subject in subjects:
        try:
            streams[subject] = await js.find_stream_name_by_subject(subject)
        except NotFoundError:
            raise ShopctlError(
                f"no stream on the target server takes {subject}: run `shop-provision --url ...` first; "
                "nothing imported"
            ) from None
    if not allow_nonempty:
        filt = verified.manifest.get("filter") or ">"
        for stream in sorted(set(streams.values())):
            direct = DirectGetClient(nc, stream)
            try:
                msgs, _ = await direct.request({"seq": 1, "batch": 1, "next_by_subj": filt})
            finally:
                await direct.stop()
            if msgs:
                raise ShopctlError(
                    f"stream {stream} on the target already holds messages on {filt}: a restore goes into "
                    "an empty server (or pass --allow-nonempty); nothing imported"
                )
    total = len(verified.records)
    duplicates = 0
    last_seq = 0
    for index, (subject, headers, body) in enumerate(verified.records, start=1):
        ack = await js.publish(subject, body, headers=headers or None, stream=streams[subject])
        if getattr(ack, "duplicate", False):
            duplicates += 1
        last_seq = int(ack.seq)
        if progress and (index % 200 == 0 or index == total):
            progress(index, total)
    return {
        "file": str(path),
        "imported": total - duplicates,
        "duplicates": duplicates,
        "streams": sorted(set(streams.values())),
        "last_seq": last_seq,
        "content_sha256": verified.manifest["content_sha256"],
    }
