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


def test_no_plaintext_of_a_carrier_title_person_or_note(clerk_reg, register_path: Path) -> None:
    """The ledger itself: a title, a person's name and a note written through the API."""
    from app.ledger.carriers import NewCarrier, receive
    from app.ledger.people import add_person

    title, name, note = "关于青龙峡水库调度预案的请示", "司马相如", "存放于三号保密柜第二层"
    add_person(clerk_reg, name=name, dept="调度科", clearance="重要")
    receive(clerk_reg, NewCarrier(title=title, level="秘密", issuer="水利局", scope=[name], note=note))
    written = (title, name, note, "调度科", "水利局")
    wal = register_path.with_name(register_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    for phase in ("open", "closed"):
        if phase == "closed":
            clerk_reg.close()
        for path in _files(register_path):
            if path.exists():
                data = path.read_bytes()
                for text in written:
                    for encoding in ("utf-8", "utf-16-le"):
                        assert text.encode(encoding) not in data, f"{text!r} in {path.name} ({phase})"
