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


# -- opening cheaply (figure 3) and the page cache (figure 8) -----------------------------

def _keyed_open(register_path: Path, key: bytes, clock):
    from app.crypto.keyslots import KeyslotFile, keyslot_path
    from app.store.register import Register
    return Register.open_with_key(register_path, key, KeyslotFile.load(keyslot_path(register_path)),
                                  clock)


def _new_connections(fn) -> int:
    from sqlalchemy import event
    from sqlalchemy.pool import Pool
    made: list[object] = []

    def count(dbapi_con, _record) -> None:
        made.append(dbapi_con)

    event.listen(Pool, "connect", count)
    try:
        fn()
    finally:
        event.remove(Pool, "connect", count)
    return len(made)


def test_open_and_first_read_make_one_keyed_connection_the_first_write_another(
        clerk_reg, register_path: Path, clock) -> None:
    key = clerk_reg.data_key
    clerk_reg.close()
    opened = []

    def open_and_read() -> None:
        reg = _keyed_open(register_path, key, clock)
        opened.append(reg)
        with reg.read() as s:
            assert s.execute(text("SELECT count(*) FROM accounts")).scalar() == 2

    assert _new_connections(open_and_read) == 1  # the reader checked the revision too
    reg = opened[0]
    reg.actor = CLERK
    try:
        def write() -> None:
            with reg.operation("修改设置") as s:
                s.get(Setting, "unit_name").value = '"另一单位"'

        assert _new_connections(write) == 1  # the writer, opened by the first operation
        with reg.read() as s:
            assert s.get(Setting, "unit_name").value == '"另一单位"'
    finally:
        reg.close()


def test_opening_again_with_a_wrong_key_is_refused(clerk_reg, register_path: Path, clock) -> None:
    """Opening the same file again reuses its engines (their compiled SQL): never
    the connections, nor the key, of the register opened before."""
    key = clerk_reg.data_key
    with clerk_reg.read() as s:
        s.execute(text("SELECT 1")).scalar()
    clerk_reg.close()
    wrong = bytes(32)
    with pytest.raises(RegisterUnusable, match="不是本程序的登记簿"):
        _keyed_open(register_path, wrong, clock)
    reg = _keyed_open(register_path, key, clock)  # the right key still opens it
    with reg, reg.read() as s:
        assert s.get(Setting, "level") is not None


def test_an_engine_given_another_key_keeps_no_connection_made_with_the_first(
        clerk_reg, register_path: Path) -> None:
    from app.store.engine import open_engine
    with clerk_reg.read() as s:
        reader = s.get_bind()
        s.execute(text("SELECT 1")).scalar()  # a keyed connection now waits in its pool
    again = open_engine(register_path, bytearray(32), writer=False)
    assert again is reader  # the same file: the same engine, its compiled SQL kept
    with pytest.raises(RegisterUnusable, match="不是本程序的登记簿"):
        again.connect()


def test_reads_and_writes_after_a_lock_screen(clerk_reg) -> None:
    key = clerk_reg.data_key
    clerk_reg.drop_keys()
    with pytest.raises(RegisterUnusable, match="已锁定"), clerk_reg.read():
        pass
    with pytest.raises(RegisterUnusable, match="已锁定"), clerk_reg.operation("修改设置"):
        pass
    clerk_reg.reopen(key)
    with clerk_reg.operation("修改设置") as s:
        s.get(Setting, "unit_name").value = '"另一单位"'
    with clerk_reg.read() as s:
        assert s.get(Setting, "unit_name").value == '"另一单位"'


def test_only_whole_register_jobs_get_the_large_page_cache(clerk_reg) -> None:
    from app.store.engine import BULK_CACHE_KIB, bulk_page_cache
    with clerk_reg.read() as s:
        conn = s.connection()
        default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        assert default != -BULK_CACHE_KIB
        with bulk_page_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -BULK_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == default
