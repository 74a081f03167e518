"""State derivation: after a random, rule-obeying sequence of ~200 operations, every
carrier's state equals the replay of its movements, and the replay of the journal's
copies of those movements (DESIGN: the ledger tables are what the journal produces)."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from app.ledger import lookup
from app.ledger.archive import archive
from app.ledger.carriers import NewCarrier, receive
from app.ledger.checks import check_items, quarter_of
from app.ledger.copies import copy
from app.ledger.destruction import destroy
from app.ledger.dispatch import dispatch, receipt_signed
from app.ledger.incidents import found, open_incident
from app.ledger.loans import lend, return_
from app.ledger.people import add_person
from app.ledger.state import replay
from app.ledger.verify import verify
from app.ledger.withdraw import withdraw
from app.models.carriers import STATES, Carrier, Person
from app.models.journal import JournalEntry
from app.models.movements import Movement

LEVELS = ("内部", "秘密", "秘密", "机密", "绝密")
TITLES = ("关于做好保密工作的通知", "加强涉密载体管理的意见", "年度保密检查工作方案", "保密委员会会议纪要")


class World:
    """Chooses operations the rules allow, from what the register holds now."""

    def __init__(self, reg, clock, rng: random.Random) -> None:
        self.reg, self.clock, self.rng = reg, clock, rng
        self.archive_no = 0
        self.done: dict[str, int] = defaultdict(int)

    def carriers(self, *states: str) -> list[Carrier]:
        with self.reg.read() as s:
            found_ = list(s.scalars(select(Carrier).where(Carrier.state.in_(states))
                                    .order_by(Carrier.id)))
            s.expunge_all()
            return found_

    def readers_for(self, c: Carrier) -> list[Person]:
        with self.reg.read() as s:
            people = [p for p in s.scalars(select(Person).order_by(Person.id))
                      if lookup.level_rank(c.level) <= lookup.level_rank(
                          lookup.CLEARANCE_MAX[p.clearance])]
            s.expunge_all()
            return people

    def pick(self, *states: str) -> Carrier | None:
        found_ = self.carriers(*states)
        return self.rng.choice(found_) if found_ else None

    # -- the operations; each returns False when nothing fits now --------------------
    def receive(self) -> bool:
        level = self.rng.choice(LEVELS)
        copies = self.rng.choice((1, 1, 2, 3))
        serial = "001" if level in ("机密", "绝密") else ""
        receive(self.reg, NewCarrier(title=self.rng.choice(TITLES), level=level, issuer="市保密局",
                                     copies=copies, serial=serial))
        return True

    def lend(self) -> bool:
        c = self.pick("在库", "已归档")
        if c is None:
            return False
        reader = self.rng.choice(self.readers_for(c))
        if self.rng.random() < 0.3:
            principal = c.level == "绝密"
            lend(self.reg, c.number, borrower=reader.id, approver="王局长" if principal else "李处长",
                 place="带出", due=self.clock.now().replace(hour=17) + timedelta(days=2),
                 principal_leader_approved=principal)
        else:
            lend(self.reg, c.number, borrower=reader.id, approver="李处长")
        return True

    def return_(self) -> bool:
        c = self.pick("借出", "外出携带")
        if c is None:
            return False
        return_(self.reg, c.number, returned_by=c.holder_id)
        return True

    def dispatch(self) -> bool:
        c = self.pick("在库")
        if c is None:
            return False
        dispatch(self.reg, c.number, to_unit="市委办公厅", channel="机要通信")
        return True

    def receipt(self) -> bool:
        with self.reg.read() as s:
            open_ = s.scalars(select(Carrier.number).join(Movement, Movement.carrier_id == Carrier.id)
                              .where(Movement.kind == "发文", Movement.closed_by_id.is_(None))).all()
        if not open_:
            return False
        receipt_signed(self.reg, self.rng.choice(open_), signed_by="刘收发", receipt_no="HZ-1")
        return True

    def copy(self) -> bool:
        options = [c for c in self.carriers("在库", "已归档") if c.level != "绝密"]
        if not options:
            return False
        copy(self.reg, self.rng.choice(options).number, count=self.rng.choice((1, 2)),
             approver="李处长")
        return True

    def archive(self) -> bool:
        c = self.pick("在库")
        if c is None:
            return False
        self.archive_no += 1
        archive(self.reg, c.number, archive_no=f"WS-2026-{self.archive_no:03d}", location="档案柜1")
        return True

    def destroy(self) -> bool:
        items = self.carriers("在库")
        if not items:
            return False
        chosen = self.rng.sample(items, min(len(items), self.rng.choice((1, 2))))
        destroy(self.reg, [c.number for c in chosen], approver="李处长", witnesses=["张三", "赵六"])
        return True

    def withdraw(self) -> bool:
        c = self.pick("在库")
        if c is None:
            return False
        withdraw(self.reg, c.number, to_unit=c.issuer)
        return True

    def check(self) -> bool:
        items = self.carriers("在库", "借出", "外出携带", "已归档", "下落不明")
        if not items:
            return False
        chosen = self.rng.sample(items, min(3, len(items)))
        check_items(self.reg, quarter_of(self.clock.now()), {c.number: "在" for c in chosen})
        return True

    def lose(self) -> bool:
        c = self.pick("在库")
        if c is None:
            return False
        open_incident(self.reg, discovered_at=self.clock.now(), carrier=c.number,
                      how_found="清点时未找到", responsible="张三", course="待查",
                      harm="待评估", remedies="全面查找")
        return True

    def find(self) -> bool:
        c = self.pick("下落不明")
        if c is None:
            return False
        found(self.reg, c.number, note="在文件柜夹层找到")
        return True


WEIGHTS = {"receive": 6, "lend": 6, "return_": 6, "dispatch": 1, "receipt": 1, "copy": 2,
           "archive": 1, "destroy": 1, "withdraw": 1, "check": 1, "lose": 0.5, "find": 1}


def journal_movements(reg) -> dict[int, list[tuple[str, str, int, str, str]]]:
    """carrier id -> (occurred_at, id, kind, detail) of each movement, as the journal has it."""
    latest: dict[str, dict] = {}
    with reg.read() as s:
        for (body,) in s.execute(select(JournalEntry.body).where(JournalEntry.obj_type == "movements")
                                 .order_by(JournalEntry.seq)):
            entry = json.loads(body)
            latest[entry["obj_id"]] = entry["after"]  # the last 'after' is the row now
    out: dict[int, list] = defaultdict(list)
    for row in latest.values():
        out[row["carrier_id"]].append((row["occurred_at"], row["id"], row["kind"], row["detail"]))
    return out


def test_state_is_the_replay_of_movements_and_of_the_journal(clerk_reg, clock, people):
    add_person(clerk_reg, name="钱七", dept="财务处", clearance="重要")
    rng = random.Random(20261102)
    world = World(clerk_reg, clock, rng)
    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    clock.set(datetime(2026, 11, 2, 8, 30))
    for _ in range(5):
        world.receive()
    for _ in range(200):
        clock.advance(minutes=rng.randint(10, 300))
        name = rng.choices(names, weights)[0]
        if getattr(world, name)():
            world.done[name] += 1
    assert world.done["lend"] > 20 and world.done["return_"] > 10 and world.done["copy"] > 0

    from_journal = journal_movements(clerk_reg)
    with clerk_reg.read() as s:
        carriers = list(s.scalars(select(Carrier).order_by(Carrier.id)))
        assert len(carriers) > 30
        states = {c.state for c in carriers}
        for c in carriers:
            moves = s.scalars(select(Movement).where(Movement.carrier_id == c.id)
                              .order_by(Movement.occurred_at, Movement.id)).all()
            assert replay((m.kind, json.loads(m.detail)) for m in moves) == c.state, c.number
            journal = sorted(from_journal[c.id])
            assert [(m.kind, m.detail) for m in moves] == [(k, d) for _, _, k, d in journal]
            assert replay((k, json.loads(d)) for _, _, k, d in journal) == c.state, c.number
    assert states == set(STATES)  # the seed reaches every state
    report = verify(clerk_reg)
    assert report.ok, report.problems
