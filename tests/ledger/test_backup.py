"""Backup and restore (R55): an encrypted, self-verifying copy that comes back whole,
and a damaged or incomplete copy, or an occupied target, that is refused."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app.clock import FakeClock
from app.crypto.keyslots import keyslot_path
from app.errors import BadInput, PermissionDenied, RegisterUnusable
from app.ledger import accounts, backup, settings, verify
from app.models.journal import JournalEntry

ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"
UNIT = "某市保密局机关"  # the template register's unit name


@pytest.fixture
def made(clerk_reg, tmp_path: Path) -> tuple[Path, backup.BackupResult]:
    """A backup of the clerk's open register, with a change still in its WAL."""
    with clerk_reg.operation("修改设置") as s:
        settings.put(s, "idle_minutes", 7)
    result = backup.backup(clerk_reg, tmp_path / "bk")
    return tmp_path / "bk", result


def test_backup_restore_round_trip_R55(clerk_reg, made, tmp_path: Path, clock: FakeClock) -> None:
    folder, result = made
    live_after_backup = verify.checkpoint(clerk_reg)
    with clerk_reg.read() as s:
        entry = s.scalars(select(JournalEntry).where(JournalEntry.action == "备份")).one()
        logged = json.loads(entry.body)["after"]
    assert logged["manifest_sha256"] == result.manifest_sha256
    assert logged["checkpoint"] == result.checkpoint
    assert int(live_after_backup.split(":")[0]) == int(result.checkpoint.split(":")[0]) + 1

    target = tmp_path / "restored" / "r.baomi"
    target.parent.mkdir()
    manifest = backup.restore(folder, target)
    assert manifest["checkpoint"] == result.checkpoint
    # Same accounts, same passwords, same content, a journal passing the copy's checkpoint.
    accounts.sign_in(target, ADMIN, ADMIN_PW, clock=clock).close()
    with accounts.sign_in(target, CLERK, CLERK_PW, clock=clock) as reg:
        with reg.read() as s:
            assert settings.get(s, "idle_minutes") == 7
            assert settings.get(s, "unit_name") == UNIT
        report = verify.verify(reg, result.checkpoint)
    assert report.ok, report.problems


def test_backup_is_encrypted_and_names_nothing(made) -> None:
    folder, _ = made
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json", "register.baomi", "register.baomi.keys"]
    for path in folder.iterdir():
        data = path.read_bytes()
        for text in (UNIT, CLERK, ADMIN):
            assert text.encode("utf-8") not in data and text.encode("utf-16-le") not in data
    con = sqlite3.connect(folder / "register.baomi")
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("SELECT * FROM sqlite_master").fetchall()
    con.close()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["format"] == "baomi-backup" and set(manifest) >= {
        "version", "created_at", "checkpoint", "files", "manifest_sha256"}


def test_backup_into_an_existing_empty_folder_is_allowed(clerk_reg, tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    backup.backup(clerk_reg, tmp_path / "usb")
    assert (tmp_path / "usb" / "manifest.json").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_backup_refuses_a_folder_with_files_and_leaves_nothing(clerk_reg, tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    (tmp_path / "usb" / "photo.jpg").write_bytes(b"x")
    with pytest.raises(BadInput, match="不是空文件夹"):
        backup.backup(clerk_reg, tmp_path / "usb")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["usb", "register.baomi", "register.baomi.keys", "register.baomi.lock",
         "register.baomi-wal", "register.baomi-shm"])


def test_backup_needs_the_clerk_or_the_admin(admin_reg, register_path: Path, tmp_path: Path,
                                             clock: FakeClock) -> None:
    accounts.add_account(admin_reg, "leader", "领导", "Lingdao#2026a")
    admin_reg.close()
    with accounts.sign_in(register_path, "leader", "Lingdao#2026a", clock=clock,
                          allow_password_change=True) as reg:
        with pytest.raises(PermissionDenied):
            backup.backup(reg, tmp_path / "bk")
    assert not (tmp_path / "bk").exists()


def _restore_refused(folder: Path, tmp_path: Path, match: str) -> None:
    target = tmp_path / "restored.baomi"
    with pytest.raises(RegisterUnusable, match=match) as refused:
        backup.restore(folder, target)
    assert refused.value.exit_code == 5
    assert not target.exists() and not keyslot_path(target).exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("restored")] == []
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_restore_refuses_a_flipped_byte_in_the_database_copy(made, tmp_path: Path) -> None:
    folder, _ = made
    db = folder / "register.baomi"
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0x01
    db.write_bytes(bytes(data))
    _restore_refused(folder, tmp_path, "register.baomi 与清单")


def test_restore_refuses_an_edited_manifest(made, tmp_path: Path) -> None:
    folder, _ = made
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    manifest["checkpoint"] = "1:000000000000"
    path.write_text(json.dumps(manifest), "utf-8")
    _restore_refused(folder, tmp_path, "manifest.json")


def test_restore_refuses_a_copy_whose_manifest_was_rehashed_for_a_changed_file(
        made, tmp_path: Path) -> None:
    """The manifest verifies itself: updating a file's hash in it is caught too."""
    folder, _ = made
    keys = folder / "register.baomi.keys"
    keys.write_bytes(keys.read_bytes().replace(b'"max_failures": 5', b'"max_failures": 99'))
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    entry = next(f for f in manifest["files"] if f["name"] == keys.name)
    entry["sha256"], entry["size"] = backup._sha256(keys), keys.stat().st_size
    path.write_text(json.dumps(manifest), "utf-8")
    _restore_refused(folder, tmp_path, "manifest.json")


@pytest.mark.parametrize("missing", ["register.baomi", "register.baomi.keys", "manifest.json"])
def test_restore_refuses_a_copy_with_a_file_missing(made, tmp_path: Path, missing: str) -> None:
    folder, _ = made
    (folder / missing).unlink()
    _restore_refused(folder, tmp_path, missing)


def test_restore_never_overwrites_a_register_or_its_files(made, register_path: Path,
                                                          tmp_path: Path) -> None:
    folder, _ = made
    before = register_path.read_bytes()
    with pytest.raises(BadInput, match="已存在"):
        backup.restore(folder, register_path)
    assert register_path.read_bytes() == before
    for leftover in (".keys", "-wal"):
        target = tmp_path / f"other{leftover}.baomi"
        Path(str(target) + leftover).write_bytes(b"stale")
        with pytest.raises(BadInput, match="已存在"):
            backup.restore(folder, target)
        assert not target.exists()
