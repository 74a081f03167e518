"""`verify` against tampering behind the program's back (R54), with its SQL fast path:
most entries are proven in SQLite (a row's one insert, body written again from the
row as it is now) and the rest are checked in Python.  Each case runs twice, with
the proof computed in the journal query and on a helper thread, and both must give
the same report, word for word, as the checks in Python alone would."""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from app.clock import FakeClock
from app.crypto.canonical import canonical_json
from app.crypto.journal_hash import chain_hash
from app.ledger import accounts, verify, verify_sql
from app.ledger.carriers import NewCarrier, receive
from app.ledger.devices import add_device
from app.ledger.loans import lend, return_
from app.ledger.people import add_person, add_training

CLERK, CLERK_PW = "clerk", "Baomi#2026ab"
MON = datetime(2026, 11, 2, 8, 30)


@pytest.fixture(params=["in the journal query", "on a helper thread"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    threaded = request.param == "on a helper thread"
    monkeypatch.setattr(verify, "_helper_wanted", lambda entries: threaded)
    return request.param


@pytest.fixture
def ledger(register_path: Path, clock: FakeClock) -> dict:
    """A register with carriers (one lent and returned: several entries), a training,
    a device; closed.  Its data key and the ids the cases need."""
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        add_person(reg, name="李处长", dept="办公室", clearance="核心", is_leader=True)
        add_person(reg, name="张三", dept="办公室", clearance="重要")
        numbers = [receive(reg, NewCarrier(title=title, level="秘密", issuer="市保密局"), at=MON)[0]
                   for title in ("关于做好年度保密检查的通知", "会议纪要", "工作方案")]
        clock.advance(minutes=30)
        lend(reg, numbers[1], borrower="张三", approver="李处长", purpose="起草报告")
        clock.advance(hours=2)
        return_(reg, numbers[1], returned_by="张三")
        add_training(reg, "张三", on=date(2026, 11, 2), topic="保密法培训", hours=4)
        add_device(reg, kind="传真机", level="秘密", encrypted_fax=True)
        key = reg.data_key
    con = _raw(register_path, key)
    ids = [con.execute("SELECT id FROM carriers WHERE number = ?", (n,)).fetchone()[0] for n in numbers]
    out = {"key": key, "plain": ids[0], "lent": ids[1], "third": ids[2],
           "movement": con.execute("SELECT max(id) FROM movements").fetchone()[0],
           "training": con.execute("SELECT max(id) FROM trainings").fetchone()[0],
           "device": con.execute("SELECT max(id) FROM devices").fetchone()[0],
           "insert_seq": _seq(con, "carriers", ids[0]),
           "return_seq": con.execute("SELECT max(seq) FROM journal WHERE obj_type = 'carriers' AND "
                                     "obj_id = ?", (str(ids[1]),)).fetchone()[0]}
    con.close()
    return out


def _raw(path: Path, key: bytes) -> sqlcipher.Connection:
    con = sqlcipher.connect(str(path), isolation_level=None)
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return con


def _seq(con: sqlcipher.Connection, table: str, obj_id: int) -> int:
    return con.execute("SELECT min(seq) FROM journal WHERE obj_type = ? AND obj_id = ?",
                       (table, str(obj_id))).fetchone()[0]


def _verify(path: Path, clock: FakeClock) -> verify.VerifyReport:
    with accounts.sign_in(path, CLERK, CLERK_PW, clock=clock) as reg:
        return verify.verify(reg)


def _rewrite_entry(con: sqlcipher.Connection, seq: int, change: Callable[[dict], None]) -> None:
    """A forger with the key: edit one entry's body and rehash the chain from there."""
    for name in ("journal_no_update", "journal_no_delete"):
        con.execute(f"DROP TRIGGER {name}")
    rows = con.execute("SELECT seq, body, prev_hash FROM journal WHERE seq >= ? ORDER BY seq",
                       (seq,)).fetchall()
    prev = rows[0][2]
    for s, body, _ in rows:
        if s == seq:
            entry = json.loads(body)
            change(entry)
            body = canonical_json(entry).decode("utf-8")
        h = chain_hash(prev, body.encode("utf-8"))
        con.execute("UPDATE journal SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?", (body, prev, h, s))
        prev = h


def _changed(table: str, obj_id: int) -> str:
    return f"表 {table} 中编号 {obj_id} 的记录与日志不符（绕过程序被改动）。"


# (name, SQL run on the raw register with {ids}, expected problems as format strings)
CASES = [
    ("text to a number", "UPDATE carriers SET title = 5 WHERE id = {plain}", [_changed("carriers", "{plain}")]),
    ("number to text read back as the number",  # INTEGER affinity stores '1' as 1: equal
     "UPDATE carriers SET copies_total = '1' WHERE id = {plain}", []),
    ("number to other text", "UPDATE carriers SET copies_total = 'one' WHERE id = {plain}",
     [_changed("carriers", "{plain}")]),
    ("integer to real", "UPDATE carriers SET copies_total = 1.5 WHERE id = {plain}",
     [_changed("carriers", "{plain}")]),
    ("NULL to a blob that reads as JSON null",
     "UPDATE carriers SET pages = x'00' WHERE id = {plain}", [_changed("carriers", "{plain}")]),
    ("text to a blob that reads as the same JSON text",
     "UPDATE carriers SET title = jsonb(json_quote(title)) WHERE id = {plain}", [_changed("carriers", "{plain}")]),
    ("text to the blob of its own bytes",
     "UPDATE carriers SET title = CAST(title AS BLOB) WHERE id = {plain}", [_changed("carriers", "{plain}")]),
    ("a NUL in text", "UPDATE carriers SET title = title || char(0) WHERE id = {third}",
     [_changed("carriers", "{third}")]),
    ("a datetime with T", ("UPDATE carriers SET registered_at = replace(registered_at, ' ', 'T') "
     "WHERE id = {plain}"), []),  # the ORM reads the same time: equal, as before
    ("a datetime without microseconds",
     "UPDATE carriers SET registered_at = substr(registered_at, 1, 19) WHERE id = {plain}", []),
    ("a datetime with microseconds",
     "UPDATE carriers SET registered_at = substr(registered_at, 1, 20) || '000001' WHERE id = {plain}",
     [_changed("carriers", "{plain}")]),
    ("a datetime the ORM cannot read", ("UPDATE carriers SET registered_at = '2026/11/02 08:30' "
     "WHERE id = {plain}"), [_changed("carriers", "{plain}")]),
    ("an impossible datetime", ("UPDATE carriers SET registered_at = '2026-02-30 08:30:00.000000' "
     "WHERE id = {plain}"), [_changed("carriers", "{plain}")]),
    ("hour 24", ("UPDATE movements SET occurred_at = substr(occurred_at, 1, 11) || '24:00:00.000000' "
     "WHERE id = {movement}"), [_changed("movements", "{movement}")]),
    ("a date in another form", "UPDATE trainings SET \"on\" = '2026-11-2' WHERE id = {training}",
     [_changed("trainings", "{training}")]),
    ("a bool of 2 for true", "UPDATE carriers SET classified = 2 WHERE id = {plain}", []),  # still True
    ("a bool flipped", "UPDATE carriers SET classified = 0 WHERE id = {plain}", [_changed("carriers", "{plain}")]),
    ("a bool of 2 for a fax", "UPDATE devices SET encrypted_fax = 2 WHERE id = {device}", []),
    ("a bool as text", "UPDATE devices SET encrypted_fax = 'no' WHERE id = {device}", []),  # 'no' is truthy
    ("-0.0 for 4.0", "UPDATE trainings SET hours = -0.0 WHERE id = {training}", [_changed("trainings", "{training}")]),
    ("4 for 4.0", "UPDATE trainings SET hours = 4 WHERE id = {training}", []),  # REAL affinity: 4.0
    ("-0.0 for NULL", "UPDATE carriers SET pages = -0.0 WHERE id = {plain}", [_changed("carriers", "{plain}")]),
    ("a row deleted", "DELETE FROM movements WHERE id = {movement}",
     ["表 movements 中编号 {movement} 的记录在日志中存在，但已从表中删除。"]),
    ("a row inserted", ("INSERT INTO carriers (id, number, kind, title, doc_no, issuer, level, highest_level, "
     "period, serial, copies_total, scope_people, scope_depts, origin, location, classified, registered_at, "
     "state, media_id, note) SELECT 900, number || 'X', kind, title, doc_no, issuer, level, highest_level, "
     "period, serial, copies_total, scope_people, scope_depts, origin, location, classified, registered_at, "
     "state, media_id, note FROM carriers WHERE id = {plain}"),
     ["表 carriers 中编号 900 的记录不在日志中（绕过程序被插入）。"]),
    ("a row's id changed", "UPDATE carriers SET id = 901 WHERE id = {third}",
     ["表 carriers 中编号 901 的记录不在日志中（绕过程序被插入）。",
      "表 carriers 中编号 {third} 的记录在日志中存在，但已从表中删除。"]),
    ("a lent row edited", "UPDATE carriers SET location = '别处' WHERE id = {lent}", [_changed("carriers", "{lent}")]),
    ("a counter edited (a text key)", "UPDATE counters SET value = value - 1 WHERE name = 'carrier:2026'",
     [_changed("counters", "carrier:2026")]),
    ("a counter's key turned into a blob", "UPDATE counters SET name = CAST(name AS BLOB) WHERE name = 'carrier:2026'",
     ["表 counters 中编号 b'carrier:2026' 的记录不在日志中（绕过程序被插入）。",
      "表 counters 中编号 carrier:2026 的记录在日志中存在，但已从表中删除。"]),
    ("a setting deleted", "DELETE FROM settings WHERE key = 'unit_name'",
     ["表 settings 中编号 unit_name 的记录在日志中存在，但已从表中删除。"]),
    ("a setting inserted", "INSERT INTO settings (key, value) VALUES ('end_of_day', '\"23:59\"')",
     ["表 settings 中编号 end_of_day 的记录不在日志中（绕过程序被插入）。"]),
]


@pytest.mark.parametrize("name, sql, expected", CASES, ids=[c[0] for c in CASES])
def test_tampering_is_reported_the_same_with_the_sql_fast_path_R54(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str, name: str, sql: str,
        expected: list[str]) -> None:
    con = _raw(register_path, ledger["key"])
    assert con.execute(sql.format(**ledger)).rowcount == 1
    con.close()
    report = _verify(register_path, clock)
    assert report.problems == [p.format(**ledger) for p in expected]


def test_a_clean_register_verifies_with_rows_of_one_and_of_several_entries(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str) -> None:
    report = _verify(register_path, clock)
    assert report.ok, report.problems
    assert report.entries == report.head_seq


def test_an_edited_at_column_is_reported(register_path: Path, clock: FakeClock, ledger: dict,
                                         mode: str) -> None:
    """The `at` column repeats the body's time; an edit of either side shows (the
    body's side breaks the chain too)."""
    con = _raw(register_path, ledger["key"])
    con.execute("DROP TRIGGER journal_no_update")
    seq = ledger["insert_seq"]
    con.execute("UPDATE journal SET at = '2020-01-01 08:00:00.000000' WHERE seq = ?", (seq,))
    con.close()
    assert _verify(register_path, clock).problems == [f"日志第 {seq} 条的索引列与其内容不符（被改动）。"]


@pytest.mark.parametrize("at", ["garbage", "2026-02-30 08:30:00.000000", "2026-11-02 08:30:00.000001"])
def test_an_at_column_the_orm_cannot_read_or_another_time_is_reported(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str, at: str) -> None:
    con = _raw(register_path, ledger["key"])
    con.execute("DROP TRIGGER journal_no_update")
    seq = ledger["insert_seq"]
    con.execute("UPDATE journal SET at = ? WHERE seq = ?", (at, seq))
    con.close()
    assert _verify(register_path, clock).problems == [f"日志第 {seq} 条的索引列与其内容不符（被改动）。"]


def test_an_at_column_in_another_form_of_the_same_time_passes(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str) -> None:
    """As for the tables' own times: the ORM reads the same time, so nothing changed."""
    con = _raw(register_path, ledger["key"])
    con.execute("DROP TRIGGER journal_no_update")
    con.execute("UPDATE journal SET at = replace(at, ' ', 'T') WHERE seq = ?", (ledger["insert_seq"],))
    con.close()
    assert _verify(register_path, clock).ok


def test_an_edited_before_is_reported_even_with_the_chain_rehashed(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str) -> None:
    con = _raw(register_path, ledger["key"])
    seq = ledger["return_seq"]
    _rewrite_entry(con, seq, lambda entry: entry["before"].update(state="伪造"))
    con.close()
    assert _verify(register_path, clock).problems == [
        f"表 carriers 中编号 {ledger['lent']} 的记录在日志第 {seq} 条之前已被绕过程序改动（state）。"]


def test_a_rehashed_before_holding_an_object_is_checked_value_for_value(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str) -> None:
    """Laying a `before` over an `after` merges an object into the object it replaces:
    the SQL must not take {"x": 1} for {"x": 1, "y": 2} (here in the receipt's second
    entry, whose `before` holds no NULL)."""
    con = _raw(register_path, ledger["key"])
    seqs = [seq for (seq,) in con.execute("SELECT seq FROM journal WHERE obj_type = 'carriers' AND obj_id = ? "
                                          "ORDER BY seq", (str(ledger["lent"]),))]
    inserted, stored = seqs[:2]  # then the loan and the return
    for seq, change in ((inserted, lambda e: e["after"].update(note={"x": 1, "y": 2})),
                        (stored, lambda e: (e["after"].update(note={"x": 1, "y": 2}),
                                            e["before"].update(note={"x": 1})))):
        _rewrite_entry(con, seq, change)
        for name, what in (("journal_no_update", "UPDATE"), ("journal_no_delete", "DELETE")):
            con.execute(f"CREATE TRIGGER {name} BEFORE {what} ON journal "
                        "BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END")
    con.close()
    row = f"表 carriers 中编号 {ledger['lent']} 的记录在日志第"
    assert _verify(register_path, clock).problems == [
        f"{row} {stored} 条之前已被绕过程序改动（note）。",
        f"{row} {seqs[2]} 条之前已被绕过程序改动（note）。"]


def test_a_rehashed_after_holding_a_column_twice_is_read_as_python_reads_it(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str) -> None:
    """JSON with a key twice reads as its last value in Python, its first in SQLite:
    {"note": "a", "note": "b"} is "b", and a `before` of "a" does not continue it."""
    con = _raw(register_path, ledger["key"])
    seqs = [seq for (seq,) in con.execute("SELECT seq FROM journal WHERE obj_type = 'carriers' AND obj_id = ? "
                                          "ORDER BY seq", (str(ledger["lent"]),))]
    inserted, stored = seqs[:2]
    _rewrite_text(con, {inserted: lambda b: b.replace('"note":""', '"note":"a","note":"b"', 1),
                        stored: lambda b: b.replace('"note":""', '"note":"c","note":"b"', 1)
                                           .replace('"before":{"state":""}', '"before":{"note":"a","state":""}')})
    row = f"表 carriers 中编号 {ledger['lent']} 的记录在日志第"
    assert _verify(register_path, clock).problems == [
        f"{row} {stored} 条之前已被绕过程序改动（note）。", f"{row} {seqs[2]} 条之前已被绕过程序改动（note）。"]


def _rewrite_text(con: sqlcipher.Connection, changes: dict[int, Callable[[str], str]]) -> None:
    """A forger with the key: edit bodies as text and rehash the chain from the first."""
    for name in ("journal_no_update", "journal_no_delete"):
        con.execute(f"DROP TRIGGER {name}")
    rows = con.execute("SELECT seq, body, prev_hash FROM journal WHERE seq >= ? ORDER BY seq",
                       (min(changes),)).fetchall()
    prev = rows[0][2]
    for s, body, _ in rows:
        if s in changes:
            new_body = changes[s](body)
            assert new_body != body
            body = new_body
        h = chain_hash(prev, body.encode("utf-8"))
        con.execute("UPDATE journal SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?", (body, prev, h, s))
        prev = h
    con.close()


def test_a_rehashed_insert_that_names_another_account_is_reported(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str) -> None:
    """The SQL proof writes the body from the index columns: a body that names another
    account than its column is not proven, and Python reports it."""
    con = _raw(register_path, ledger["key"])
    seq = ledger["insert_seq"]
    _rewrite_entry(con, seq, lambda entry: entry.update(account="admin"))
    con.close()
    assert _verify(register_path, clock).problems == [f"日志第 {seq} 条的索引列与其内容不符（被改动）。"]


def _rewrite_and_rehash(register_path: Path, key, seq: int, edit) -> None:  # noqa: ANN001
    """Edit entry `seq`'s body behind the program and chain every later entry again, as a
    forger with the key would: the chain holds, only the body's content can tell."""
    con = _raw(register_path, key)
    for name in ("journal_no_update", "journal_no_delete"):
        con.execute(f"DROP TRIGGER {name}")
    rows = con.execute("SELECT seq, body, prev_hash FROM journal WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
    prev = rows[0][2]
    for s, body, _ in rows:
        if s == seq:
            body = edit(body)
        h = chain_hash(prev, body.encode("utf-8"))
        con.execute("UPDATE journal SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?", (body, prev, h, s))
        prev = h
    con.close()


def test_a_rehashed_body_with_a_second_account_key_is_reported(
        register_path: Path, clock: FakeClock, ledger: dict, mode: str) -> None:
    """JSON with a key twice reads as its last value: the body must be the one text the
    program writes, not merely start like it."""
    seq = ledger["insert_seq"]
    _rewrite_and_rehash(register_path, ledger["key"], seq,
                        lambda body: body.replace(',"before":null', ',"account":"admin","before":null', 1))
    assert _verify(register_path, clock).problems == [f"日志第 {seq} 条的索引列与其内容不符（被改动）。"]


def test_a_rehashed_body_that_is_not_json_is_reported(register_path: Path, clock: FakeClock,
                                                      ledger: dict, mode: str) -> None:
    seq = ledger["insert_seq"]
    _rewrite_and_rehash(register_path, ledger["key"], seq, lambda body: body[:-1])  # no closing brace
    problems = _verify(register_path, clock).problems
    assert problems[0] == f"日志第 {seq} 条的内容不是有效的日志条目（被改动）。"


def test_the_sql_proves_the_entries_of_rows_the_program_wrote(register_path: Path, clock: FakeClock,
                                                              ledger: dict) -> None:
    """The fast path is taken (not a speed test): every entry of a row the program
    wrote is proven in SQL, a row's one insert (a device) as well as the entries of
    a row written several times (a carrier: its receipt inserts it and then sets its
    state; a loan and a return change it again; a counter, keyed by its name, at each
    number it gives).  Left to Python: an account's last entry (its row has a
    redacted column, which SQL cannot write; the earlier entries need no row)."""
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg, reg.read() as s:
        cur = s.connection().connection.cursor()
        tables = verify.journaled_tables()
        proofs = verify_sql.plan(tuple(tables.items()), verify_sql.busiest_first(cur, tables))
        unproven = {seq for seq, no in cur.execute(proofs.told_sql, (0,)) if no}
        by_table: dict[str, set[int]] = {}
        for seq, obj_type in cur.execute("SELECT seq, obj_type FROM journal"):
            by_table.setdefault(obj_type, set()).add(seq)
        last_of_accounts = {seq for (seq,) in cur.execute(
            "SELECT max(seq) FROM journal WHERE obj_type = 'accounts' GROUP BY obj_id")}
    for table in ("carriers", "movements", "people", "trainings", "devices", "counters", "settings"):
        assert by_table[table] and not by_table[table] & unproven, table
    assert len(by_table["carriers"]) > 3  # rows written several times among them
    assert last_of_accounts <= unproven and by_table["accounts"] - last_of_accounts - unproven


def test_a_cancelled_verify_stops_its_helper(register_path: Path, clock: FakeClock, ledger: dict,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The journal page cancels by raising from `progress`: the helper thread ends too."""
    import threading
    monkeypatch.setattr(verify, "_helper_wanted", lambda entries: True)
    monkeypatch.setattr(verify, "BATCH", 5)
    before = threading.active_count()

    class Cancelled(Exception):
        pass

    def cancel(entries: int) -> None:
        raise Cancelled

    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        with pytest.raises(Cancelled):
            verify.verify(reg, progress=cancel)
        assert verify.verify(reg).ok  # the register is usable afterwards
    assert threading.active_count() == before
