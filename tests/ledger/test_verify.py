"""`verify`: the hash chain and the replay against the tables catch any change made
behind the program's back with raw SQL and the key; a rewritten chain is caught by
a checkpoint printed earlier (R54)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app.clock import FakeClock
from app.crypto.canonical import canonical_json
from app.crypto.journal_hash import chain_hash
from app.errors import BadInput, PermissionDenied
from app.ledger import accounts, settings, verify

ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"
GUARDS = [
    "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal "
    "BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END",
    "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal "
    "BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END",
]


@pytest.fixture
def data_key(register_path: Path, clock: FakeClock) -> bytes:
    """Some journaled history, then the register closed; its raw data key."""
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        for minutes in (5, 7, 9):
            clock.advance(minutes=1)
            with reg.operation("修改设置") as s:
                settings.put(s, "idle_minutes", minutes)
        return reg.data_key


def _raw(path: Path, key: bytes) -> sqlcipher.Connection:
    """What an intruder with the key could do: plain SQL, no program in the way."""
    con = sqlcipher.connect(str(path), isolation_level=None)
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return con


def _verify(path: Path, clock: FakeClock, checkpoint: str | None = None) -> verify.VerifyReport:
    with accounts.sign_in(path, CLERK, CLERK_PW, clock=clock) as reg:
        return verify.verify(reg, checkpoint)


def _checkpoint(path: Path, clock: FakeClock) -> str:
    with accounts.sign_in(path, CLERK, CLERK_PW, clock=clock) as reg:
        return verify.checkpoint(reg)


def test_clean_register_verifies(register_path: Path, data_key: bytes, clock: FakeClock) -> None:
    report = _verify(register_path, clock)
    assert report.ok, report.problems
    assert report.entries == report.head_seq > 5
    assert report.checkpoint == f"{report.head_seq}:{report.head_hash[:12]}"


@pytest.mark.parametrize("sql, table, obj_id", [
    ("UPDATE accounts SET display_name = '李四' WHERE username = 'clerk'", "accounts", None),
    ("UPDATE accounts SET roles = '保密员,领导' WHERE username = 'clerk'", "accounts", None),
    ("UPDATE settings SET value = '60' WHERE key = 'idle_minutes'", "settings", "idle_minutes"),
])
def test_row_edited_behind_the_program_is_reported_with_table_and_id_R54(
        register_path: Path, data_key: bytes, clock: FakeClock, sql: str, table: str,
        obj_id: str | None) -> None:
    con = _raw(register_path, data_key)
    obj_id = obj_id or str(con.execute("SELECT id FROM accounts WHERE username = 'clerk'").fetchone()[0])
    assert con.execute(sql).rowcount == 1
    con.close()
    report = _verify(register_path, clock)
    assert not report.ok
    assert any(f"表 {table} 中编号 {obj_id} " in p and "改动" in p for p in report.problems), report.problems


def test_row_deleted_behind_the_program_is_reported_R54(register_path: Path, data_key: bytes,
                                                        clock: FakeClock) -> None:
    con = _raw(register_path, data_key)
    con.execute("DELETE FROM settings WHERE key = 'unit_name'")
    con.close()
    report = _verify(register_path, clock)
    assert any("表 settings 中编号 unit_name " in p and "删除" in p for p in report.problems), report.problems


def test_row_inserted_behind_the_program_is_reported_R54(register_path: Path, data_key: bytes,
                                                         clock: FakeClock) -> None:
    con = _raw(register_path, data_key)
    con.execute("INSERT INTO settings (key, value) VALUES ('end_of_day', '\"23:59\"')")
    con.close()
    report = _verify(register_path, clock)
    assert any("表 settings 中编号 end_of_day " in p and "插入" in p
               for p in report.problems), report.problems


@pytest.mark.parametrize("sql", [
    "UPDATE settings SET value = '60' WHERE key = 'idle_minutes'",
    "DELETE FROM settings WHERE key = 'idle_minutes'",
])
def test_tampering_stays_reported_after_the_program_writes_the_same_row_again_R54(
        register_path: Path, data_key: bytes, clock: FakeClock, sql: str) -> None:
    """Each entry journals the whole row; a later legitimate change must not launder
    an edit (or a deletion) made behind the program's back before it."""
    con = _raw(register_path, data_key)
    con.execute(sql)
    con.close()
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        with reg.operation("修改设置") as s:
            settings.put(s, "idle_minutes", 15)
        report = verify.verify(reg)
    assert any("表 settings 中编号 idle_minutes 的记录在日志第" in p and "绕过程序" in p
               for p in report.problems), report.problems


def test_journal_update_and_delete_are_refused_by_triggers(register_path: Path,
                                                           data_key: bytes) -> None:
    con = _raw(register_path, data_key)
    for sql in ("UPDATE journal SET account = 'someone' WHERE seq = 1",
                "DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)"):
        with pytest.raises(sqlcipher.DatabaseError, match="append-only"):
            con.execute(sql)
    con.close()


def test_journal_entry_edited_without_rehash_breaks_the_chain(register_path: Path,
                                                              data_key: bytes,
                                                              clock: FakeClock) -> None:
    con = _raw(register_path, data_key)
    con.execute("DROP TRIGGER journal_no_update")
    body = json.loads(con.execute("SELECT body FROM journal WHERE seq = 3").fetchone()[0])
    body["at"] = "2026-01-01 08:00:00"  # backdated
    con.execute("UPDATE journal SET body = ? WHERE seq = 3", (canonical_json(body).decode("utf-8"),))
    con.close()
    report = _verify(register_path, clock)
    assert any("第 3 条" in p for p in report.problems), report.problems


def test_consistently_rewritten_chain_passes_the_chain_but_fails_an_earlier_checkpoint_R54(
        register_path: Path, data_key: bytes, clock: FakeClock) -> None:
    printed = _checkpoint(register_path, clock)  # e.g. on a page an inspector signed
    printed_seq = int(printed.split(":")[0])
    # The forger with the key re-attributes an old entry and rehashes every later one.
    con = _raw(register_path, data_key)
    for sql in GUARDS:
        con.execute("DROP TRIGGER " + sql.split()[2])
    rows = con.execute("SELECT seq, body, prev_hash FROM journal ORDER BY seq").fetchall()
    target = next(seq for seq, body, _ in rows if json.loads(body)["action"] == "修改设置")
    assert target < printed_seq
    prev = None
    for seq, body, prev_hash in rows:
        if seq < target:
            continue
        entry = json.loads(body)
        if seq == target:
            entry["account"] = ADMIN
        new_body = canonical_json(entry)
        prev = prev_hash if prev is None else prev
        new_hash = chain_hash(prev, new_body)
        con.execute("UPDATE journal SET body = ?, account = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                    (new_body.decode("utf-8"), entry["account"], prev, new_hash, seq))
        prev = new_hash
    for sql in GUARDS:
        con.execute(sql)
    con.close()

    assert _verify(register_path, clock).ok  # the chain itself is consistent again
    report = _verify(register_path, clock, printed)
    assert not report.ok
    assert any(printed in p for p in report.problems), report.problems
    # A checkpoint taken after the rewrite passes: it is the earlier one that proves it.
    assert _verify(register_path, clock, _checkpoint(register_path, clock)).ok


def test_checkpoint_of_a_clean_register_keeps_passing(register_path: Path, data_key: bytes,
                                                      clock: FakeClock) -> None:
    printed = _checkpoint(register_path, clock)
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        with reg.operation("修改设置") as s:
            settings.put(s, "idle_minutes", 15)
    assert _verify(register_path, clock, printed).ok
    seq, short = printed.split(":")
    wrong = f"{seq}:{'0' * 12 if short != '0' * 12 else '1' * 12}"
    assert not _verify(register_path, clock, wrong).ok


def test_malformed_checkpoint_is_bad_input(clerk_reg) -> None:
    with pytest.raises(BadInput):
        verify.verify(clerk_reg, "not-a-checkpoint")


def test_the_account_administrator_may_not_review_the_journal(admin_reg) -> None:
    with pytest.raises(PermissionDenied, match="三员分立"):
        verify.require_reviewer(admin_reg)


def test_inspector_and_clerk_may_review_the_journal(admin_reg, register_path: Path,
                                                    clock: FakeClock) -> None:
    accounts.add_account(admin_reg, "inspector", "检查人员", "Jiancha#2026a")
    accounts.add_account(admin_reg, "leader", "领导", "Lingdao#2026a")
    admin_reg.close()
    for name, pw, allowed in (("inspector", "Jiancha#2026a", True), ("leader", "Lingdao#2026a", False),
                              (CLERK, CLERK_PW, True)):
        with accounts.sign_in(register_path, name, pw, clock=clock, allow_password_change=True) as reg:
            if allowed:
                verify.require_reviewer(reg)
            else:
                with pytest.raises(PermissionDenied):
                    verify.require_reviewer(reg)


def test_integer_hours_of_a_training_verify_as_stored(clerk_reg, people) -> None:
    """A value the database hands back in another type (4 → 4.0) is journaled as stored."""
    from datetime import date

    from app.ledger import verify as verify_mod
    from app.ledger.people import add_training
    add_training(clerk_reg, "张三", on=date(2026, 11, 2), topic="保密法培训", hours=4)
    assert verify_mod.verify(clerk_reg).ok


def test_register_verifies_after_hundreds_of_loans_and_returns(clerk_reg, people, clock) -> None:
    """Loans and returns write the carrier, the loan and the return in one flush each
    (movement ids taken up front); the journal must still replay to every row: plain
    loans, people by name or id, taking out, a late return, and a circulation, whose
    return and next loan share one transaction."""
    from datetime import datetime

    from app.ledger.carriers import NewCarrier, receive
    from app.ledger.circulation import next_reader, start_circulation
    from app.ledger.loans import lend, return_

    clock.set(datetime(2026, 11, 2, 8, 0))
    numbers = receive(clerk_reg, NewCarrier(title="年度保密工作要点", level="秘密", issuer="市保密局",
                                            copies=20))
    readers = ["张三", people["赵六"], people["张三"], str(people["赵六"])]  # by name or id
    for round_ in range(6):
        for i, n in enumerate(numbers):
            clock.advance(minutes=1)
            reader = readers[(i + round_) % 4]
            place = "带出" if i % 7 == 0 else "室内"
            lend(clerk_reg, n, borrower=reader, approver=people["李处长"], place=place)
            clock.advance(minutes=1)
            return_(clerk_reg, n, returned_by=reader)
    clock.advance(days=1)  # one back late, the next day
    lend(clerk_reg, numbers[0], borrower="张三", approver="李处长")
    clock.advance(days=1)
    return_(clerk_reg, numbers[0], returned_by="张三")
    start_circulation(clerk_reg, numbers[1], readers=["张三", "赵六", "李四"], approver="李处长")
    for _ in range(3):
        clock.advance(minutes=30)
        next_reader(clerk_reg, numbers[1])
    report = verify.verify(clerk_reg)
    assert report.ok, report.problems
    assert report.entries == report.head_seq > 5 * 6 * len(numbers)
