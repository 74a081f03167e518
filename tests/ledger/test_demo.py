"""Demo data: every rule holds, the journal verifies, the bulk receipt path writes what
receive_in writes, and the journal head kept by a bulk transaction stays right."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

import pytest
from sqlalchemy import select, text

from app.errors import BadInput
from app.ledger import settings
from app.ledger.carriers import NewCarrier, receive_in
from app.ledger.checks import quarter_bounds, quarter_of
from app.ledger.demo import bulk_receive_in, build_demo
from app.ledger.dispatch import CHANNELS
from app.ledger.queries import count_carriers, late_three_months, out_now, reading
from app.ledger.state import replay
from app.ledger.verify import verify
from app.models.carriers import Carrier, Person
from app.models.movements import Batch, Incident, Movement
from app.models.journal import JournalEntry

END = datetime(2026, 11, 2, 9, 0)  # the fixtures' clock


@pytest.fixture(scope="module")
def demo(tmp_path_factory, _template):
    """One demo register of 300 carriers, 2023 to the fixtures' Monday, for the module."""
    import shutil

    from app.clock import FakeClock
    from app.ledger import accounts
    from tests.conftest import CLERK, CLERK_PW, START
    src, _ = _template
    dst = tmp_path_factory.mktemp("demo") / src.name
    for suffix in ("", ".keys"):
        shutil.copy2(str(src) + suffix, str(dst) + suffix)
    clock = FakeClock(START)
    reg = accounts.sign_in(dst, CLERK, CLERK_PW, clock=clock)
    summary = build_demo(reg, carriers=300, seed=7)
    yield reg, summary
    reg.close()


def rows(reg, model, *where):
    with reg.read() as s:
        found = list(s.scalars(select(model).where(*where)))
        s.expunge_all()
        return found


def test_demo_journal_verifies_and_states_replay(demo):
    reg, summary = demo
    assert 290 <= summary.carriers <= 310
    report = verify(reg)
    assert report.ok, report.problems[:5]
    moves = defaultdict(list)
    for m in sorted(rows(reg, Movement), key=lambda m: (m.occurred_at, m.id)):
        moves[m.carrier_id].append((m.kind, json.loads(m.detail)))
    for c in rows(reg, Carrier):
        assert replay(moves[c.id]) == c.state, c.number


def test_demo_people_and_leaders(demo):
    reg, _ = demo
    people = rows(reg, Person)
    assert 40 <= len(people) <= 60
    assert sum(p.is_principal_leader for p in people) == 1
    assert sum(p.is_leader for p in people) >= 4
    assert {p.status for p in people} == {"在岗", "离岗"}  # one left after the handover (R40)


def test_demo_secret_carriers_have_serials_R03(demo):
    reg, _ = demo
    assert all(c.serial for c in rows(reg, Carrier, Carrier.level.in_(("机密", "绝密"))))


def test_demo_loans_approved_by_leaders_and_back_the_same_day_R10_R12_R15(demo):
    reg, summary = demo
    people = {p.id: p for p in rows(reg, Person)}
    loans = rows(reg, Movement, Movement.kind == "借出")
    returns = {m.id: m for m in rows(reg, Movement, Movement.kind == "归还")}
    carriers = {c.id: c for c in rows(reg, Carrier)}
    assert len(loans) > 30
    for loan in loans:
        assert people[loan.approver_id].is_leader
        if loan.state_after == "外出携带" and carriers[loan.carrier_id].level == "绝密":
            assert people[loan.approver_id].is_principal_leader  # R15
        if loan.closed_by_id and loan.state_after == "借出":
            assert returns[loan.closed_by_id].occurred_at.date() == loan.occurred_at.date()
    assert any(m.state_after == "外出携带" for m in loans)
    open_ = [carriers[m.carrier_id].number for m in loans if m.closed_by_id is None]
    assert sorted(open_) == sorted(summary.out_now)


def test_demo_leaves_overdue_and_three_months_late_loans_R12_R31(demo):
    reg, _ = demo
    with reading(reg) as s:
        out = out_now(s)
        assert sum(r.overdue for r in out) >= 3
        assert len(late_three_months(s)) == 1


def test_demo_copies_dispatches_destructions_R20_R21_R25_R32(demo):
    reg, _ = demo
    copies = rows(reg, Carrier, Carrier.origin == "复制")
    assert copies and all(c.level != "绝密" for c in copies)
    assert all(m.approver_id for m in rows(reg, Movement, Movement.kind == "复制"))
    sent = rows(reg, Movement, Movement.kind == "发文")
    assert sent and all(json.loads(m.detail)["channel"] in CHANNELS for m in sent)
    batches = rows(reg, Batch, Batch.kind == "销毁")
    assert batches and all(len(json.loads(b.detail)["witnesses"]) >= 2 and b.approver_id
                           for b in batches)


def test_demo_checks_every_quarter_and_classifies_R05_R30(demo):
    reg, _ = demo
    checked = {json.loads(b.detail)["quarter"] for b in rows(reg, Batch, Batch.kind == "清查")}
    quarter, done = "2023Q1", []
    while quarter_bounds(quarter)[1] <= END:
        done.append(quarter)
        quarter = quarter_of(quarter_bounds(quarter)[1])
    assert set(done) <= checked
    produced = rows(reg, Carrier, Carrier.origin == "自制")
    assert produced and sum(c.classified for c in produced) >= len(produced) - 3


def test_demo_one_incident_reported_within_a_day_R45(demo):
    reg, _ = demo
    [incident] = rows(reg, Incident)
    assert incident.reported_at and (incident.reported_at - incident.discovered_at).days <= 3
    assert not incident.closed  # its result is still due: the dashboard shows it


def test_demo_search_index_rebuilt(demo):
    reg, _ = demo
    with reading(reg) as s:
        triggers = s.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                  "AND name LIKE 'carriers_fts_%'")).scalars().all()
        assert sorted(triggers) == ["carriers_fts_ai", "carriers_fts_au"]
        title = s.scalar(select(Carrier.title).limit(1))
        assert count_carriers(s, search=title[2:6]) >= 1


def test_demo_needs_carriers_and_a_span(clerk_reg):
    with pytest.raises(BadInput):
        build_demo(clerk_reg, carriers=0)
    with pytest.raises(BadInput):
        build_demo(clerk_reg, carriers=10, start=datetime(2026, 10, 1))


def test_same_seed_same_register(tmp_path, _template):
    import shutil

    from app.clock import FakeClock
    from app.ledger import accounts
    from tests.conftest import CLERK, CLERK_PW, START
    src, _ = _template
    made = []
    for name in ("a", "b"):
        dst = tmp_path / name
        dst.mkdir()
        for suffix in ("", ".keys"):
            shutil.copy2(str(src) + suffix, str(dst / src.name) + suffix)
        with accounts.sign_in(dst / src.name, CLERK, CLERK_PW, clock=FakeClock(START)) as reg:
            build_demo(reg, carriers=20, seed=3, start=datetime(2026, 3, 2, 8))
            made.append([(c.number, c.title, c.state) for c in rows(reg, Carrier)])
    assert made[0] == made[1] and len(made[0]) >= 20


# -- the bulk receipt path ----------------------------------------------------------------

def test_bulk_receipt_writes_what_receive_in_writes(clerk_reg, clock, people):
    ids = {name: pid for name, pid in people.items()}
    forms = [
        NewCarrier(title="关于加强保密工作的通知", level="机密", issuer="市委办公厅", serial="007",
                   doc_no="市委办发〔2026〕9号", via="机要交通", received_by="张三", custodian="赵六",
                   scope=["办公室"], location="1号柜"),
        NewCarrier(title="保密工作方案", level="秘密", issuer="本单位", copies=2, origin="自制",
                   approved_by="李处长", approved_count=2, custodian="赵六"),
        NewCarrier(title="全市保密工作会议纪要", level="内部", origin="会议带回", via="全市保密工作会议",
                   received_by="张三", period="2027-06-30"),
    ]
    clock.set(datetime(2026, 11, 2, 9, 30))
    paper = datetime(2026, 10, 30, 16, 45)  # entered late: R01 flag
    with clerk_reg.operation("收文") as s:
        one = [receive_in(s, nc, at=paper) for nc in forms]
        two = bulk_receive_in(s, [(nc, clock.now(), paper) for nc in forms], ids)
    assert [len(n) for n in one] == [len(n) for n in two] == [1, 2, 1]
    with clerk_reg.read() as s:
        for a, b in zip(sum(one, []), sum(two, [])):
            ca, cb = (s.scalars(select(Carrier).where(Carrier.number == n)).one() for n in (a, b))
            assert _cols(ca, "id", "number") == _cols(cb, "id", "number")
            ma, mb = (s.scalars(select(Movement).where(Movement.carrier_id == c.id)).one()
                      for c in (ca, cb))
            assert _cols(ma, "id", "carrier_id", "batch_id") == _cols(mb, "id", "carrier_id", "batch_id")
            assert ma.flagged.startswith("R01")
            stored = "SELECT registered_at, doc_date, period_until FROM carriers WHERE id = :i"
            assert s.execute(text(stored), {"i": ca.id}).one() == s.execute(text(stored), {"i": cb.id}).one()
    assert verify(clerk_reg).ok


def _cols(obj, *skip: str) -> dict:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key not in skip}


# -- the journal head kept within a transaction ---------------------------------------

def test_journal_head_survives_a_rolled_back_savepoint(clerk_reg):
    with clerk_reg.operation("设置") as s:
        settings.put(s, "idle_minutes", 5)
        s.flush()
        nested = s.begin_nested()
        settings.put(s, "lockout_minutes", 45)
        s.flush()
        nested.rollback()
        settings.put(s, "end_of_day", "17:00")
    report = verify(clerk_reg)
    assert report.ok, report.problems
    with clerk_reg.read() as s:
        seqs = s.scalars(select(JournalEntry.seq).order_by(JournalEntry.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
