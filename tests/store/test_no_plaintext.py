"""The register's files hold no plaintext: not in the database, the WAL, the shared
memory file or the keyslot file, neither while the register is open nor after."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.crypto.keyslots import keyslot_path
from app.ledger import accounts, settings

ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
UNIT = "东风机械厂第七研究所保密办"
DISPLAY = "欧阳春晓"
USERNAME = "ouyangcx"
PATTERN = "机要秘字〔{year}〕{seq:06d}号"
SECRETS_WRITTEN = (UNIT, DISPLAY, USERNAME, "机要秘字")


def _files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), keyslot_path(db)]


def _assert_no_plaintext(db: Path) -> None:
    for path in _files(db):
        if not path.exists():
            continue
        data = path.read_bytes()
        for text in SECRETS_WRITTEN:
            for encoding in ("utf-8", "utf-16-le"):
                assert text.encode(encoding) not in data, f"{text!r} ({encoding}) in {path.name}"


def test_no_plaintext_in_database_wal_or_keyslots_while_open_and_after_close(
        register_path: Path, clock) -> None:
    reg = accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock)
    with reg:
        with reg.operation("修改设置") as s:
            settings.put(s, "unit_name", UNIT)
            settings.put(s, "number_pattern", PATTERN)
        accounts.add_account(reg, USERNAME, "领导", "Lingdao#2026a", display_name=DISPLAY)
        with reg.read() as s:  # the values really were stored
            assert settings.get(s, "unit_name") == UNIT
        wal = register_path.with_name(register_path.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the open case is really tested
        _assert_no_plaintext(register_path)
    _assert_no_plaintext(register_path)


def test_plain_sqlite_cannot_read_the_register(register_path: Path) -> None:
    con = sqlite3.connect(register_path)
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("SELECT * FROM sqlite_master").fetchall()
    con.close()
    assert not register_path.read_bytes().startswith(b"SQLite format 3")
