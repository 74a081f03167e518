"""Backup and restore of a register (R55): an encrypted, self-verifying copy.

A backup is a folder holding the database (still encrypted with the same data
key), the keyslot file and `manifest.json`: sizes and SHA-256 of both files,
the journal checkpoint the copy ends at, and the SHA-256 of the manifest body
itself.  The manifest names no unit, account or title: the folder may sit on a
medium that is labelled, but what it holds is readable only with a password
or the recovery code.  A backup medium is itself a classified carrier (R55).

Both directions write into a temporary name beside the target and rename at
the end, so a half-written copy is never mistaken for a whole one.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from app.crypto.canonical import canonical_json
from app.crypto.journal_hash import GENESIS, checkpoint_text
from app.crypto.keyslots import keyslot_path
from app.errors import BadInput, RegisterUnusable
from app.ledger.accounts import require_role
from app.models.accounts import ROLE_ADMIN, ROLE_CLERK
from app.store.instance_lock import InstanceLock
from app.store.journaling import append_entries
from app.store.register import Register

FORMAT = "baomi-backup"
VERSION = 1
MANIFEST = "manifest.json"
# Fixed names inside the backup: the register's own file name may say whose it is.
DB_NAME = "register.baomi"
KEYS_NAME = DB_NAME + ".keys"
CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    checkpoint: str
    manifest_sha256: str


# -- backup -----------------------------------------------------------------------

def backup(reg: Register, target: Path | str) -> BackupResult:
    """Write an encrypted copy of the open register into `target` (R55).

    `target` must not exist or be an empty folder.  The copy is taken in one
    read transaction, so it is consistent even while the register is in use.
    A "备份" journal entry records the copy's checkpoint and manifest hash.
    """
    require_role(reg, ROLE_ADMIN, ROLE_CLERK)
    target = Path(target)
    _check_backup_target(target)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.mkdir()
    except OSError as e:
        raise BadInput(f"无法在 {target.parent} 中建立备份文件夹：{e.strerror}。") from None
    renamed = False
    try:
        seq, head_hash = _export(reg, tmp / DB_NAME)
        _check_copy(tmp / DB_NAME, reg.data_key, seq, head_hash)
        _copy_file(reg.keyslot_path, tmp / KEYS_NAME)
        manifest = _manifest(tmp, checkpoint_text(seq, head_hash), reg.clock.now().isoformat(sep=" "))
        _write_synced(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        _fsync_dir(tmp)
        with reg.operation("备份") as s:
            append_entries(s, [{"action": "备份", "obj_type": "register",
                                "obj_id": manifest["manifest_sha256"][:12],
                                "after": {"checkpoint": manifest["checkpoint"], "to": str(target),
                                          "manifest_sha256": manifest["manifest_sha256"]}}])
            # Renamed inside the transaction: the entry commits only if the copy is in place.
            if target.exists():
                target.rmdir()
            os.replace(tmp, target)
            renamed = True
            _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(target if renamed else tmp, ignore_errors=True)
        raise
    return BackupResult(target, manifest["checkpoint"], manifest["manifest_sha256"])


def _check_backup_target(target: Path) -> None:
    if not target.parent.is_dir():
        raise BadInput(f"文件夹 {target.parent} 不存在。")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BadInput(f"备份目标 {target} 已存在且不是空文件夹，不会覆盖。")


def _export(reg: Register, dest: Path) -> tuple[int, str]:
    """sqlcipher_export into a new file keyed with the same raw data key.

    The head is read in the same transaction as the export, so the checkpoint
    in the manifest is exactly where the copy's journal ends.
    """
    raw = reg.engine.raw_connection()
    con = raw.driver_connection
    try:
        # ATTACH is refused inside a transaction; the key is hex, safe to inline.
        con.execute(f"ATTACH DATABASE ? AS backup_copy KEY \"x'{reg.data_key.hex()}'\"", (str(dest),))
        try:
            con.execute("BEGIN")
            try:
                row = con.execute("SELECT seq, hash FROM main.journal ORDER BY seq DESC LIMIT 1").fetchone()
                con.execute("SELECT sqlcipher_export('backup_copy')").fetchall()
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        finally:
            con.execute("DETACH DATABASE backup_copy")
    except sqlcipher.Error as e:
        raise RegisterUnusable(f"无法写入备份：{_reason(e)}。") from None
    finally:
        raw.close()
    _fsync_file(dest)
    return (row[0], row[1]) if row else (0, GENESIS)


def _check_copy(path: Path, key: bytes, seq: int, head_hash: str) -> None:
    """Open the copy with the key: it must be intact and end at the same head."""
    con = sqlcipher.connect(str(path))
    try:
        con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        bad = con.execute("PRAGMA cipher_integrity_check").fetchall()
        ok = con.execute("PRAGMA quick_check").fetchone()
        row = con.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    except sqlcipher.Error:
        raise RegisterUnusable("备份副本无法用登记簿密钥打开，备份未完成。") from None
    finally:
        con.close()
    if bad or ok != ("ok",) or ((row[0], row[1]) if row else (0, GENESIS)) != (seq, head_hash):
        raise RegisterUnusable("备份副本校验失败，备份未完成。")


def _manifest(folder: Path, checkpoint: str, created_at: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "created_at": created_at, "checkpoint": checkpoint,
        "files": [{"name": n, "size": (folder / n).stat().st_size, "sha256": _sha256(folder / n)}
                  for n in (DB_NAME, KEYS_NAME)],
    }
    body["manifest_sha256"] = hashlib.sha256(canonical_json(body)).hexdigest()
    return body


# -- restore ----------------------------------------------------------------------

def read_manifest(folder: Path | str) -> dict[str, Any]:
    """The manifest of a backup folder, checked against its own hash."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"备份文件夹 {folder} 不存在。")
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
        claimed = manifest.pop("manifest_sha256")
        files = manifest["files"]
        if manifest.get("format") != FORMAT or not isinstance(files, list):
            raise ValueError
    except FileNotFoundError:
        raise RegisterUnusable(f"备份文件夹中缺少文件 {MANIFEST}，不是完整的备份。") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise RegisterUnusable(f"备份中的文件 {MANIFEST} 已损坏，不能恢复。") from None
    if int(manifest.get("version", 0)) > VERSION:
        raise RegisterUnusable("该备份由更新版本的程序创建，请升级本程序后再恢复。")
    if hashlib.sha256(canonical_json(manifest)).hexdigest() != claimed:
        raise RegisterUnusable(f"备份中的文件 {MANIFEST} 与其校验值不符（被改动或损坏），不能恢复。")
    names = [f.get("name") for f in files]
    if sorted(names) != sorted([DB_NAME, KEYS_NAME]):
        raise RegisterUnusable(f"备份中的文件 {MANIFEST} 所列文件不完整，不能恢复。")
    manifest["manifest_sha256"] = claimed
    return manifest


def restore(folder: Path | str, target: Path | str) -> dict[str, Any]:
    """Bring a backup back as a new register at `target`; returns its manifest.

    Every file is hashed while it is copied and compared with the manifest
    before anything gets its final name.  Never overwrites: a register, its
    keyslot file, or a stray WAL (which SQLite would replay onto the copy).
    """
    folder, target = Path(folder), Path(target)
    manifest = read_manifest(folder)
    if not target.parent.is_dir():
        raise BadInput(f"文件夹 {target.parent} 不存在。")
    finals = {DB_NAME: target, KEYS_NAME: keyslot_path(target)}
    _refuse_existing(target)
    lock = InstanceLock(target)
    fresh_lock = not lock.path.exists()
    lock.acquire()
    temps: list[Path] = []
    done: list[Path] = []
    try:
        _refuse_existing(target)  # again, now that no other program can open it
        for entry in manifest["files"]:
            src = folder / entry["name"]
            if not src.is_file():
                raise RegisterUnusable(f"备份中缺少文件 {entry['name']}，不能恢复。")
            tmp = target.with_name(f".{finals[entry['name']].name}.{secrets.token_hex(4)}.tmp")
            temps.append(tmp)
            size, digest = _copy_file(src, tmp)
            if size != entry["size"] or digest != entry["sha256"]:
                raise RegisterUnusable(f"备份中的文件 {entry['name']} 与清单中的校验值不符"
                                       "（被改动或损坏），不能恢复。")
        # Keyslots first: the database appearing last marks a complete restore.
        for tmp, name in sorted(zip(temps, (e["name"] for e in manifest["files"])),
                                key=lambda p: p[1] != KEYS_NAME):
            os.replace(tmp, finals[name])
            done.append(finals[name])
        _fsync_dir(target.parent)
    except BaseException:
        for p in temps + done:
            p.unlink(missing_ok=True)
        lock.release()
        if fresh_lock:  # a refused restore leaves nothing behind
            lock.path.unlink(missing_ok=True)
        raise
    lock.release()
    return manifest


def _refuse_existing(target: Path) -> None:
    for p in (target, keyslot_path(target), target.with_name(target.name + "-wal"),
              target.with_name(target.name + "-shm")):
        if p.exists():
            raise BadInput(f"文件 {p} 已存在，恢复不会覆盖已有的登记簿。")


# -- files ------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _copy_file(src: Path, dst: Path) -> tuple[int, str]:
    """Copy, fsync, and return (size, sha256) of what was written."""
    h, size = hashlib.sha256(), 0
    try:
        with open(src, "rb") as fin, open(dst, "xb") as fout:
            while chunk := fin.read(CHUNK):
                fout.write(chunk)
                h.update(chunk)
                size += len(chunk)
            fout.flush()
            os.fsync(fout.fileno())
    except FileNotFoundError:
        raise RegisterUnusable(f"找不到文件 {src.name}。") from None
    except OSError as e:
        raise RegisterUnusable(f"无法写入文件 {dst.name}：{_reason(e)}。") from None
    return size, h.hexdigest()


def _write_synced(path: Path, data: bytes) -> None:
    try:
        with open(path, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        raise RegisterUnusable(f"无法写入文件 {path.name}：{_reason(e)}。") from None


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):  # POSIX only; Windows has no directory fsync
        fd = os.open(path, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(e: BaseException) -> str:
    text = str(e).lower()
    if "full" in text or getattr(e, "errno", None) == 28:
        return "磁盘空间已满"
    if "readonly" in text or "read-only" in text or getattr(e, "errno", None) == 30:
        return "磁盘为只读"
    if getattr(e, "errno", None) in (1, 13):
        return "没有写入权限"
    return "写入失败"
