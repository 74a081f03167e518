"""The open register: one instance at a time, every write journaled, nothing deleted,
WAL with synchronous=FULL, and a schema revision recorded from the first release."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.errors import RegisterUnusable
from app.ledger import accounts
from app.models.accounts import Account, Setting
from app.store import migrate
from app.store.instance_lock import InstanceLock
from app.store.journaling import UnjournaledWrite

CLERK, CLERK_PW = "clerk", "Baomi#2026ab"


def test_second_instance_is_refused_until_the_first_closes(register_path: Path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with pytest.raises(RegisterUnusable, match="另一个程序"):
        accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    reg.close()
    accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock).close()


def test_instance_lock_is_exclusive(tmp_path: Path) -> None:
    first = InstanceLock(tmp_path / "r.baomi").acquire()
    with pytest.raises(RegisterUnusable):
        InstanceLock(tmp_path / "r.baomi").acquire()
    first.release()
    InstanceLock(tmp_path / "r.baomi").acquire().release()


def test_write_outside_an_operation_is_refused(clerk_reg) -> None:
    with clerk_reg.read() as s:
        s.add(Setting(key="idle_minutes", value="5"))
        with pytest.raises(UnjournaledWrite):
            s.flush()


def test_rows_are_never_deleted_corrections_are_new_entries(clerk_reg) -> None:
    with pytest.raises(UnjournaledWrite):
        with clerk_reg.operation("删除") as s:
            s.delete(s.scalars(select(Setting)).first())
    with clerk_reg.read() as s:
        assert s.get(Setting, "level") is not None


def test_every_change_is_journaled_in_its_own_transaction(clerk_reg) -> None:
    with clerk_reg.operation("修改设置") as s:
        s.get(Setting, "unit_name").value = '"另一单位"'
    with clerk_reg.read() as s:
        row = s.execute(text("SELECT action, obj_type, obj_id, account FROM journal "
                             "ORDER BY seq DESC LIMIT 1")).one()
    assert tuple(row) == ("修改设置", "settings", "unit_name", CLERK)


def test_wal_and_full_sync_and_schema_revision(clerk_reg) -> None:
    with clerk_reg.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert migrate.current_revision(clerk_reg.engine) == migrate.head_revision()


def test_failed_operation_leaves_nothing_behind(clerk_reg) -> None:
    with clerk_reg.read() as s:
        before = s.execute(text("SELECT count(*) FROM journal")).scalar()
    with pytest.raises(RuntimeError):
        with clerk_reg.operation("修改设置") as s:
            s.get(Account, 1).display_name = "半途而废"
            s.flush()
            raise RuntimeError("crash in the middle")
    with clerk_reg.read() as s:
        assert s.execute(text("SELECT count(*) FROM journal")).scalar() == before
        assert s.get(Account, 1).display_name != "半途而废"
