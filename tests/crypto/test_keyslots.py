"""The keyslot file: per-account wraps of the data key, authenticated parameters,
atomic saves, and password changes that never touch the database."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app.crypto.kdf import TEST_PARAMS
from app.crypto.keyslots import KeyslotFile, keyslot_path
from app.errors import RegisterUnusable
from app.ledger import accounts

# The accounts of the template register in tests/conftest.py.
ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"
DATA_KEY = bytes(range(32))


def _new_file(tmp_path: Path) -> KeyslotFile:
    keyfile = KeyslotFile.new(tmp_path / "r.baomi.keys", TEST_PARAMS)
    keyfile.put("zhang", "Correct#Horse1", DATA_KEY)
    keyfile.save()
    return keyfile


def test_right_password_unwraps_the_data_key_and_wrong_one_gives_none(tmp_path: Path) -> None:
    keyfile = KeyslotFile.load(_new_file(tmp_path).path)
    slot = keyfile.find("zhang")
    assert keyfile.unwrap(slot, "Correct#Horse1") == DATA_KEY
    assert keyfile.unwrap(slot, "Correct#Horse2") is None
    assert keyfile.find("li") is None


@pytest.mark.parametrize("field, value", [
    (("kdf", "time_cost"), 2),
    (("kdf", "memory_kib"), 128),
    (("kdf", "parallelism"), 2),
    (("salt",), "00" * 16),
    (("kind",), "recovery"),
])
def test_tampered_slot_parameters_break_the_unwrap(tmp_path: Path, field: tuple[str, ...],
                                                   value: object) -> None:
    """The slot's parameters are the AES-GCM associated data: editing any of them in the
    JSON (say, to weaken the KDF) makes the right password open nothing."""
    path = _new_file(tmp_path).path
    raw = json.loads(path.read_text("utf-8"))
    target = raw["slots"][0]
    for key in field[:-1]:
        target = target[key]
    assert target[field[-1]] != value
    target[field[-1]] = value
    path.write_text(json.dumps(raw), "utf-8")
    keyfile = KeyslotFile.load(path)
    assert keyfile.unwrap(keyfile.slots[0], "Correct#Horse1") is None


def test_slot_moved_to_another_keyslot_file_does_not_unwrap(tmp_path: Path) -> None:
    """The file id is part of the associated data: a slot copied into another file fails."""
    first = _new_file(tmp_path)
    other = KeyslotFile.new(tmp_path / "other.keys", TEST_PARAMS)
    other.slots = list(first.slots)
    assert other.unwrap(other.slots[0], "Correct#Horse1") is None


def test_save_is_atomic_and_leaves_no_temp_file(tmp_path: Path) -> None:
    keyfile = _new_file(tmp_path)
    keyfile.put("li", "Another#Pass2", DATA_KEY)
    keyfile.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.baomi.keys"]


def test_failed_save_keeps_the_old_file_and_removes_the_temp(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    keyfile = _new_file(tmp_path)
    before = keyfile.path.read_bytes()

    def no_space(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    keyfile.put("li", "Another#Pass2", DATA_KEY)
    with pytest.raises(RegisterUnusable, match="磁盘空间已满"):
        keyfile.save()
    assert keyfile.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.baomi.keys"]


def test_keyslot_file_holds_no_user_name(register_path: Path, clock) -> None:
    reg = accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock)
    with reg:
        accounts.add_account(reg, "zhangweiguo", "领导", "Lingdao#2026a", display_name="张卫国")
    data = keyslot_path(register_path).read_bytes()
    for name in ("zhangweiguo", "张卫国", ADMIN, CLERK):
        assert name.encode("utf-8") not in data
        assert name.encode("utf-16-le") not in data


def test_password_change_rewraps_one_slot_and_never_reencrypts_the_database(
        register_path: Path, clock) -> None:
    keys = keyslot_path(register_path)
    slots_before = {s["lookup"]: s for s in json.loads(keys.read_text("utf-8"))["slots"]}
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with reg:
        data_key = reg.data_key
        db_files = [register_path, register_path.with_name(register_path.name + "-wal")]
        digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in db_files]
        # The rewrap alone (what change_password does after its journal transaction)
        # writes only the keyslot file.
        reg.keyfile.put(CLERK, "Xinkouling#77", data_key, kdf=reg.keyfile.find(CLERK).kdf)
        reg.keyfile.save()
        assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in db_files] == digest
        accounts.change_password(reg, "Xinkouling#77", "Xinkouling#88")
    slots_after = {s["lookup"]: s for s in json.loads(keys.read_text("utf-8"))["slots"]}
    changed = [k for k in slots_before if slots_before[k] != slots_after[k]]
    assert changed == [KeyslotFile.load(keys).lookup_for(CLERK)]
    keyfile = KeyslotFile.load(keys)
    assert keyfile.unwrap(keyfile.find(CLERK), "Xinkouling#88") == data_key
    assert keyfile.unwrap(keyfile.find(CLERK), CLERK_PW) is None
    # Same data key as before the change: the database was never re-encrypted.
    con = sqlcipher.connect(str(register_path))
    con.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
    assert con.execute("SELECT count(*) FROM accounts").fetchone()[0] >= 2
    con.close()


def test_damaged_or_missing_keyslot_file_is_register_unusable(tmp_path: Path) -> None:
    path = tmp_path / "x.keys"
    with pytest.raises(RegisterUnusable, match="找不到密钥槽文件"):
        KeyslotFile.load(path)
    path.write_text("{not json", "utf-8")
    with pytest.raises(RegisterUnusable, match="已损坏"):
        KeyslotFile.load(path)
