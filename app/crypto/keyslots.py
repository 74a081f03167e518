"""The keyslot file beside the register: one wrapped copy of the data key per account.

Argon2id(password, slot salt) gives a key-encryption key that AES-256-GCM-wraps
the database's random data key; the slot's own parameters are the GCM
associated data, so editing them breaks the unwrap.  Changing a password
rewraps one slot; the database is never re-encrypted.

Account names are not stored: a slot is found by SHA-256(file salt, name), so
the file holds no plaintext name.  Failed sign-ins happen before any key is
known, so their count and lock-out live here (and are carried into the journal
at the next successful unlock); they cannot be authenticated without a key.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.crypto.canonical import canonical_json
from app.crypto.kdf import KdfParams, derive
from app.errors import RegisterUnusable

FORMAT = "baomi-keyslots"
VERSION = 1
RECOVERY = "recovery"
# Unlike the ledger, a keyslot file is tiny; pending events are capped so a
# brute-force attempt cannot grow it without bound.
MAX_PENDING_EVENTS = 1000


def keyslot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".keys")


@dataclass
class Slot:
    lookup: str
    kind: str  # "account" | "recovery"
    kdf: KdfParams
    salt: str = ""
    nonce: str = ""
    wrapped: str = ""
    disabled: bool = False
    failures: int = 0
    locked_until: str | None = None

    def aad(self, file_id: str) -> bytes:
        return canonical_json({"file_id": file_id, "lookup": self.lookup, "kind": self.kind,
                               "kdf": self.kdf.to_dict(), "salt": self.salt, "version": VERSION})

    def to_dict(self) -> dict[str, Any]:
        return {"lookup": self.lookup, "kind": self.kind, "kdf": self.kdf.to_dict(),
                "salt": self.salt, "nonce": self.nonce, "wrapped": self.wrapped,
                "disabled": self.disabled, "failures": self.failures,
                "locked_until": self.locked_until}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Slot":
        return cls(lookup=d["lookup"], kind=d["kind"], kdf=KdfParams.from_dict(d["kdf"]),
                   salt=d["salt"], nonce=d["nonce"], wrapped=d["wrapped"],
                   disabled=bool(d.get("disabled")), failures=int(d.get("failures", 0)),
                   locked_until=d.get("locked_until"))


@dataclass
class KeyslotFile:
    path: Path
    file_id: str
    lookup_salt: str
    kdf_default: KdfParams
    max_failures: int = 5
    lockout_minutes: int = 30
    slots: list[Slot] = field(default_factory=list)
    pending_events: list[dict[str, str]] = field(default_factory=list)

    # -- file -------------------------------------------------------------
    @classmethod
    def new(cls, path: Path, kdf_default: KdfParams) -> "KeyslotFile":
        return cls(path=path, file_id=secrets.token_hex(16), lookup_salt=secrets.token_hex(16),
                   kdf_default=kdf_default)

    @classmethod
    def load(cls, path: Path) -> "KeyslotFile":
        try:
            raw = json.loads(path.read_text("utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("format")
            if int(raw.get("version", 0)) > VERSION:
                raise RegisterUnusable("密钥槽文件由更新版本的程序创建，请升级本程序后再打开。")
            return cls(path=path, file_id=raw["file_id"], lookup_salt=raw["lookup_salt"],
                       kdf_default=KdfParams.from_dict(raw["kdf_default"]),
                       max_failures=int(raw.get("max_failures", 5)),
                       lockout_minutes=int(raw.get("lockout_minutes", 30)),
                       slots=[Slot.from_dict(s) for s in raw["slots"]],
                       pending_events=list(raw.get("pending_events", [])))
        except FileNotFoundError:
            raise RegisterUnusable(f"找不到密钥槽文件 {path.name}，无法打开登记簿。") from None
        except RegisterUnusable:
            raise
        except (OSError, ValueError, KeyError, TypeError):
            raise RegisterUnusable(f"密钥槽文件 {path.name} 已损坏，无法打开登记簿。") from None

    def save(self) -> None:
        data = {"format": FORMAT, "version": VERSION, "file_id": self.file_id,
                "lookup_salt": self.lookup_salt, "kdf_default": self.kdf_default.to_dict(),
                "max_failures": self.max_failures, "lockout_minutes": self.lockout_minutes,
                "slots": [s.to_dict() for s in self.slots],
                "pending_events": self.pending_events[-MAX_PENDING_EVENTS:]}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))

    # -- slots --------------------------------------------------------------
    def lookup_for(self, username: str) -> str:
        if username == RECOVERY:
            return RECOVERY
        return hashlib.sha256(bytes.fromhex(self.lookup_salt) + b"account:"
                              + username.strip().casefold().encode("utf-8")).hexdigest()

    def find(self, username: str) -> Slot | None:
        lookup = self.lookup_for(username)
        return next((s for s in self.slots if s.lookup == lookup), None)

    def put(self, username: str, secret: str, data_key: bytes, *, kind: str = "account",
            kdf: KdfParams | None = None) -> Slot:
        """Create or replace the slot of `username` wrapping `data_key` under `secret`."""
        lookup = self.lookup_for(username)
        slot = Slot(lookup=lookup, kind=kind, kdf=kdf or self.kdf_default,
                    salt=secrets.token_hex(16), nonce=secrets.token_hex(12))
        kek = derive(secret, bytes.fromhex(slot.salt), slot.kdf)
        slot.wrapped = AESGCM(kek).encrypt(bytes.fromhex(slot.nonce), data_key,
                                           slot.aad(self.file_id)).hex()
        self.slots = [s for s in self.slots if s.lookup != lookup] + [slot]
        return slot

    def unwrap(self, slot: Slot, secret: str) -> bytes | None:
        """The data key, or None if `secret` is wrong or the slot was tampered with."""
        if slot.disabled or not slot.wrapped:
            return None
        kek = derive(secret, bytes.fromhex(slot.salt), slot.kdf)
        try:
            return AESGCM(kek).decrypt(bytes.fromhex(slot.nonce), bytes.fromhex(slot.wrapped),
                                       slot.aad(self.file_id))
        except (InvalidTag, ValueError):
            return None

    def disable(self, username: str) -> None:
        """Drop the wrapped key: a disabled account's old password opens nothing."""
        slot = self.find(username)
        if slot:
            slot.disabled, slot.wrapped, slot.nonce = True, "", ""

    def dummy_derive(self, secret: str) -> None:
        """Same work as a real attempt, so an unknown name is not told apart by timing."""
        derive(secret, b"\0" * 16, self.kdf_default)

    # -- failures and lock-out ---------------------------------------------
    def minutes_locked(self, slot: Slot, now: datetime) -> int:
        if not slot.locked_until:
            return 0
        until = datetime.fromisoformat(slot.locked_until)
        if until <= now:
            return 0
        return max(1, int((until - now).total_seconds() + 59) // 60)

    def record_failure(self, slot: Slot | None, lookup: str, now: datetime) -> bool:
        """Count a failed sign-in; returns True when this failure locks the account."""
        self.pending_events.append({"time": now.isoformat(sep=" "), "lookup": lookup,
                                    "event": "login_failed"})
        if slot is None:
            return False
        if slot.locked_until and datetime.fromisoformat(slot.locked_until) <= now:
            slot.locked_until, slot.failures = None, 0
        slot.failures += 1
        if slot.failures >= self.max_failures:
            slot.locked_until = (now + timedelta(minutes=self.lockout_minutes)).isoformat(sep=" ")
            slot.failures = 0
            self.pending_events.append({"time": now.isoformat(sep=" "), "lookup": lookup,
                                        "event": "account_locked"})
            return True
        return False

    def clear_failures(self, slot: Slot) -> None:
        slot.failures, slot.locked_until = 0, None


def atomic_write(path: Path, data: bytes) -> None:
    """Temp file beside the target, fsync, rename, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise RegisterUnusable(f"无法写入文件 {path.name}：{_os_reason(e)}。") from None
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _os_reason(e: OSError) -> str:
    import errno
    return {errno.ENOSPC: "磁盘空间已满", errno.EROFS: "磁盘为只读",
            errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限"}.get(e.errno or 0, "写入失败")
