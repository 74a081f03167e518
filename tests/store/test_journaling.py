"""The journal hook: which rows it journals and exactly what it stores."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import Session

from app.clock import FakeClock
from app.ledger.people import add_person
from app.models.base import Base
from app.models.carriers import Person
from app.models.journal import JournalEntry
from app.store import journaling


def _last_entries(s: Session, n: int) -> list[JournalEntry]:
    return list(s.scalars(select(JournalEntry).order_by(JournalEntry.seq.desc()).limit(n)))[::-1]


def test_journal_rows_are_stored_as_a_compiled_insert_would_store_them(tmp_path: Path) -> None:
    """append_entries sends ready SQL text and tuples to the driver; every column must be
    stored exactly as the compiled Core insert stored it (`at` as text with microseconds)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'j.db'}")
    Base.metadata.create_all(engine, tables=[JournalEntry.__table__])
    clock = FakeClock(datetime(2026, 11, 2, 9, 0, 0, 250))
    entries = [{"action": "借出", "obj_type": "carriers", "obj_id": 7, "before": {"state": "在库"},
                "after": {"id": 7, "state": "借出", "note": "引号\"与换行\n"}},
               {"action": "借出", "obj_type": "movements", "obj_id": "8", "before": None,
                "after": {"id": 8}, "at": datetime(2026, 11, 2, 8, 59), "account": "other"}]
    with Session(engine) as s, s.begin():
        s.info.update(clock=clock, actor="clerk")
        journaling.append_entries(s, entries)
        journaling.append_entries(s, entries[:1])  # the head kept from the first call
    with engine.connect() as conn:
        mine = conn.execute(text("SELECT * FROM journal ORDER BY seq")).all()
        conn.execute(text("DELETE FROM journal"))
        conn.execute(insert(JournalEntry.__table__),
                     [{**dict(row._mapping), "at": datetime.fromisoformat(row.at)} for row in mine])
        core = conn.execute(text("SELECT * FROM journal ORDER BY seq")).all()
    assert [tuple(r) for r in mine] == [tuple(r) for r in core]
    assert [r.seq for r in mine] == [1, 2, 3] and mine[0].at == "2026-11-02 09:00:00.000250"
    assert mine[1].at == "2026-11-02 08:59:00.000000" and mine[1].account == "other"
    assert mine[2].prev_hash == mine[1].hash


def test_a_value_set_back_to_what_it_was_is_not_journaled(clerk_reg, clock) -> None:
    pid = add_person(clerk_reg, name="张三", dept="办公室", clearance="重要")
    with clerk_reg.read() as s:
        seq = journaling.head(s)[0]
    with clerk_reg.operation("修改人员") as s:
        p = s.get(Person, pid)
        p.note, p.dept = "临时", p.dept  # dept assigned its own value
        p.note = ""
    with clerk_reg.read() as s:
        assert journaling.head(s)[0] == seq
    with clerk_reg.operation("修改人员") as s:
        p = s.get(Person, pid)
        p.dept, p.note = "财务处", p.note
    with clerk_reg.read() as s:
        [entry] = _last_entries(s, 1)
        assert entry.seq == seq + 1 and entry.obj_id == str(pid)
        assert '"before":{"dept":"办公室"}' in entry.body


def test_current_values_of_an_expired_row_are_read_back(clerk_reg) -> None:
    pid = add_person(clerk_reg, name="张三", dept="办公室", clearance="重要")
    with clerk_reg.operation("查询") as s:
        p = s.get(Person, pid)
        loaded = journaling.current_values(p)
        s.expire(p, ["dept", "note"])
        assert "dept" not in p.__dict__
        assert journaling.current_values(p) == loaded
        assert journaling.object_id(p) == journaling.object_id(p, loaded) == str(pid)
