"""Demo data: a realistic register of a city office, 2023 to now, for trying the product
and for benchmarks (`baomi demo DB --carriers N`).

Every movement goes through the same inner ledger functions (`lend_in`, `copy_in`,
`check_items_in` …) as the forms, except the receipts, the bulk of the data:
`bulk_receive_in` writes exactly what `receive_in` writes (tests/ledger/test_demo.py
compares the two) with one executemany per table.  Every rule holds: receipts with 份号 for 机密/绝密 (R03),
loans approved by a leader (R10) to cleared readers within scope (R11) and back
the same day (R12), take-outs approved (R15, 绝密 only by the principal leader),
copies of 秘密/机密 only (R20, R21), dispatch by 机要通信/专人/保密员 (R25),
quarterly checks (R30), destructions witnessed by two (R32), archives (R33),
定密 within 10 days (R05), one handover (R40) and one incident (R45).  What
the demo leaves undone on purpose: a few loans out now (some overdue, one more
than three months late, R31) and the incident's result (its deadline runs).

Time: the register's clock is replaced while the demo runs by a clock the demo
moves forward event by event from 2023-01-03 to `end`, so every event happened
in the past and the journal's times only grow.  Work is done in large
transactions (about 5,000 carriers each), the journal hook chaining every row;
the search index's triggers are off meanwhile and the index is rebuilt at the end.
Loans, copies and 定密 come a few a day whatever the size (each costs a dozen
ORM statements); the receipts make up the size.
Hazard: each quarterly check records a sample of the carriers in custody, not
all of them — a check of 100,000 items per quarter would dominate the run time.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.clock import FakeClock
from app.crypto.canonical import canonical_json
from app.errors import BadInput
from app.ledger import checks, settings
from app.ledger.accounts import require_role
from app.ledger.archive import archive_in
from app.ledger.carriers import NewCarrier, _serials, _validate, normalize_period, period_until
from app.ledger.classification import classify_in
from app.ledger.copies import copy_in
from app.ledger.destruction import destroy_in
from app.ledger.dispatch import dispatch_in, receipt_signed_in
from app.ledger.handover import handover_in
from app.ledger.incidents import found, open_incident_in, report
from app.ledger.loans import lend_in, return_in
from app.ledger.lookup import CLEARANCE_MAX, LEVEL_RANK
from app.ledger.people import add_person_in, add_training_in, set_status_in
from app.ledger.state import next_state
from app.models.accounts import ROLE_CLERK, Setting
from app.models.carriers import Carrier, Counter, Person
from app.models.movements import Batch, Movement
from app.store.journaling import append_entries, row_dict
from app.store.register import Register

START = datetime(2023, 1, 3, 8, 0)
PER_TRANSACTION = 5000  # carriers per reg.operation (each commit waits for an fsync)
UNITS = (("市委办公厅", "市委办发"), ("市政府办公室", "市政办发"), ("市保密局", "市保发"),
         ("市公安局", "市公发"), ("省国家安全厅", "省安厅发"), ("市委组织部", "市组发"),
         ("市财政局", "市财发"), ("省委办公厅", "省委办发"), ("市纪委监委", "市纪发"),
         ("市发展改革委", "市发改发"), ("市委保密委员会", "市保委发"), ("市国家安全局", "市安发"))
VERBS = ("做好", "加强", "进一步加强", "开展", "推进", "规范", "落实", "部署", "深化")
TOPICS = ("保密", "涉密载体管理", "网络安全", "定密", "保密检查", "机要文件管理", "涉密人员管理",
          "节假日保密", "国家安全", "信息安全", "档案管理", "应急处置", "保密宣传教育", "重点项目")
FORMS = ("通知", "意见", "报告", "方案", "纪要", "通报", "请示", "批复", "函")
MEETINGS = ("全市保密工作会议", "市委常委会会议", "全省国家安全工作会议", "市政府常务会议")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
         "超", "秀英", "建华", "志强", "海燕", "晓东", "丽华", "国平", "文博", "雪梅", "宏伟")
DEPTS = ("办公室", "机要室", "综合科", "财务处", "人事处", "法规处", "信息中心", "业务一处",
         "业务二处")
LEVEL_MIX = (("秘密", 55), ("机密", 25), ("绝密", 4), ("内部", 16))
KIND_MIX = (("文件", 80), ("资料", 9), ("图纸", 3), ("光盘", 4), ("U盘/移动硬盘", 2), ("笔记本", 2))


@dataclass
class DemoSummary:
    carriers: int = 0
    people: int = 0
    events: int = 0
    out_now: list[str] = field(default_factory=list)


@dataclass
class _Item:
    level: str
    depts: tuple[str, ...]
    issuer: str
    day: date
    origin: str


class _Demo:
    """The simulation: what is in the room, who works here, what happens each day."""

    def __init__(self, reg: Register, target: int, rng: random.Random, start: datetime,
                 end: datetime, progress: Callable[[int, int], None] | None) -> None:
        self.reg, self.target, self.rng, self.end, self.progress = reg, target, rng, end, progress
        self.start = start
        self.clock = FakeClock(start)
        self.summary = DemoSummary()
        self.items: dict[str, _Item] = {}
        self.stock: list[str] = []  # 在库, not touched today
        self.pos: dict[str, int] = {}
        self.later: dict[date, list[tuple[datetime, int, Callable[[], object]]]] = defaultdict(list)
        self.seq = 0
        self.doc_seq: dict[tuple[str, int], int] = defaultdict(int)
        self.people: list[tuple[str, str, str, bool]] = []  # name, dept, clearance, leader
        self.archive_seq = 0
        self.notebooks: list[str] = []
        self.gone: set[str] = set()  # people who left
        self.ids: dict[str, int] = {}  # person name -> id
        self.since_commit = 0
        self.s: Session | None = None
        self._op = None
        self.pinned: list[object] = []
        self.first = True
        self.triggers: list[str] = []

    # -- transactions ---------------------------------------------------------------
    def begin(self) -> Session:
        self._op = self.reg.operation("演示数据")
        self.s = self._op.__enter__()
        self.pin(self.s)
        return self.s

    def pin(self, s: Session) -> None:
        """Hold people and settings for the transaction, so that the inner functions'
        look-ups by id (`s.get`) come from the session instead of a SELECT each."""
        self.pinned = list(s.scalars(select(Person))) + [s.get(Setting, k) for k in _PINNED]

    def fts_triggers(self, on: bool) -> None:
        """Bulk loading: keep the search index's triggers off and rebuild it at the end
        (the trigram index costs ~90 µs per carrier incrementally, ~20 µs rebuilt)."""
        conn = (self.s or self.begin()).connection()
        if not on:
            self.triggers = [sql for (sql,) in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'carriers' "
                "AND name LIKE 'carriers_fts_%' ORDER BY name")]
            for name in ("carriers_fts_ai", "carriers_fts_au"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            return
        for sql in self.triggers:  # still there when the drop was rolled back
            conn.exec_driver_sql(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
        conn.exec_driver_sql("INSERT INTO carriers_fts(carriers_fts) VALUES ('rebuild')")
        self.triggers = []

    def commit(self) -> None:
        if self._op is not None:
            self._op.__exit__(None, None, None)
            self._op, self.s, self.since_commit = None, None, 0

    def abort(self, exc: BaseException) -> None:
        if self._op is not None:
            self._op.__exit__(type(exc), exc, exc.__traceback__)
            self._op, self.s = None, None

    def act(self, action: str, when: datetime) -> Session:
        """Move the clock and name the journal's action for what follows."""
        s = self.s or self.begin()
        if s.info["action"] != action:
            s.flush()  # what was pending belongs to the previous action
            s.info["action"] = action
        self.clock.set(when)
        self.summary.events += 1
        return s

    def public(self, fn: Callable[[], object], when: datetime) -> None:
        """An event that only exists as its own operation (incident report, 找回)."""
        self.commit()
        self.clock.set(when)
        fn()

    # -- stock --------------------------------------------------------------------------
    def put(self, number: str) -> None:
        self.pos[number] = len(self.stock)
        self.stock.append(number)

    def take(self, number: str) -> None:
        i = self.pos.pop(number)
        last = self.stock.pop()
        if last != number:
            self.stock[i], self.pos[last] = last, i

    def pick(self, ok: Callable[[str], bool] = lambda n: True, recent: bool = True) -> str | None:
        for _ in range(12):
            if not self.stock:
                return None
            span = min(len(self.stock), 3000) if recent and self.rng.random() < 0.7 else len(self.stock)
            n = self.stock[-1 - self.rng.randrange(span)]
            if ok(n):
                self.take(n)
                return n
        return None

    def readers(self, item: _Item) -> list[str]:
        need = LEVEL_RANK[item.level]
        return [n for n, d, c, _ in self.people if n not in self.gone and n != self.keeper
                and LEVEL_RANK[CLEARANCE_MAX[c]] >= need and (not item.depts or d in item.depts)]

    # -- people -------------------------------------------------------------------------
    def add_people(self) -> None:
        s = self.act("登记人员", self.start)
        used: set[str] = set()

        def name() -> str:
            while True:
                n = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
                if n not in used:
                    used.add(n)
                    return n

        pledge = date(2022, 12, 20)
        staff = [(name(), "局领导", "核心", True, True)]
        staff += [(name(), "局领导", "核心", True, False) for _ in range(3)]
        for dept in DEPTS:
            staff.append((name(), dept, "核心" if dept in ("办公室", "机要室") else "重要", True, False))
            for _ in range(self.rng.randint(3, 5)):
                staff.append((name(), dept, self.rng.choice(("核心", "重要", "重要", "一般", "一般")),
                              False, False))
        for key in _PINNED:  # written as they are, so that they can be held (pin)
            if s.get(Setting, key) is None:
                settings.put(s, key, settings.get(s, key))
        for n, dept, clearance, leader, principal in staff:
            self.ids[n] = add_person_in(s, name=n, dept=dept, clearance=clearance, is_leader=leader,
                                        is_principal_leader=principal, pledge_date=pledge)
            add_training_in(s, n, on=pledge, topic="保密法律法规及保密承诺书专题培训", hours=4.0)
            self.people.append((n, dept, clearance, leader))
        self.summary.people = len(staff)
        self.principal = staff[0][0]
        self.leaders = [p[0] for p in staff if p[3]]
        self.clerk = next(p[0] for p in staff if p[1] == "机要室" and not p[3])
        self.keeper = next(p[0] for p in staff if p[1] == "信息中心" and not p[3])
        s.flush()
        self.pin(s)

    def staff_of(self, min_clearance: str = "一般") -> list[str]:
        need = LEVEL_RANK[CLEARANCE_MAX[min_clearance]]
        return [n for n, _, c, _ in self.people
                if LEVEL_RANK[CLEARANCE_MAX[c]] >= need and n not in self.gone]

    # -- documents ------------------------------------------------------------------------
    def title(self) -> str:
        r = self.rng.random()
        topic = self.rng.choice(TOPICS)
        if r < 0.7:
            return f"关于{self.rng.choice(VERBS)}{topic}工作的{self.rng.choice(FORMS)}"
        if r < 0.85:
            return f"{self.clock.now().year}年{topic}工作要点"
        return f"{self.rng.choice(MEETINGS)}纪要"

    def weighted(self, mix: tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([m for m, _ in mix], [w for _, w in mix])[0]

    def form(self, when: datetime) -> NewCarrier:
        unit, prefix = self.rng.choice(UNITS)
        level, kind = self.weighted(LEVEL_MIX), self.weighted(KIND_MIX)
        first, self.first = self.first, False
        if first:
            kind = "笔记本"  # the first item: a notebook, so that there is one to hand over (R40)
        copies = 1 if self.rng.random() < 0.75 else self.rng.randint(2, 5)
        r = self.rng.random()
        if kind == "笔记本" and r >= self.selfmade and not first:
            kind = "资料"  # notebooks are produced here, and as rare as other such documents
        origin = "自制" if kind == "笔记本" or r < self.selfmade else "会议带回" if r > 0.96 else "收文"
        if kind == "笔记本":
            level, copies = ("内部" if level == "内部" else "秘密"), 1
        if kind in ("光盘", "U盘/移动硬盘"):
            copies = 1  # one medium, one hardware serial
        self.doc_seq[(prefix, when.year)] += 1
        seq = self.doc_seq[(prefix, when.year)]
        nc = NewCarrier(title=self.title(), level=level, kind=kind, copies=copies, issuer=unit,
                        doc_no=f"{prefix}〔{when.year}〕{seq}号",
                        serial=f"{self.rng.randint(1, 80):03d}" if copies == 1 and level in ("机密", "绝密") else "",
                        scope=list(self.rng.sample(DEPTS, 2)) + ["局领导"] if self.rng.random() < 0.2 else [],
                        location=f"机要室{self.rng.randint(1, 12)}号保密柜",
                        custodian=self.keeper if kind == "笔记本" else self.clerk, origin=origin,
                        via=self.rng.choice(("机要交通", "专人送达", "机要交通")),
                        received_by=self.clerk,
                        media_id=f"SN{when:%y%m%d}{self.summary.carriers:07d}" if kind in ("光盘", "U盘/移动硬盘") else "")
        if level != "内部" and self.rng.random() < 0.003:  # a period set as a date (some end this year)
            nc.period = f"{when.year + self.rng.randint(0, 3)}-12-31"
        if origin == "自制":  # R04: printed with the leader's approval, exactly as many
            nc.approved_by, nc.approved_count = self.rng.choice(self.leaders), copies
            nc.issuer, nc.doc_no, nc.via = "本单位", f"办发〔{when.year}〕{seq}号", ""
        elif origin == "会议带回":  # R07: the meeting and who handed it in
            nc.via, nc.received_by = self.rng.choice(MEETINGS), self.rng.choice(self.staff_of())
        return nc

    def receive_morning(self, day: date, count: int) -> None:
        """The morning's mail and the documents printed here: registered the same day
        (R01), a few entered the next morning (flagged)."""
        forms: list[tuple[NewCarrier, datetime, datetime | None]] = []
        made = 0
        while made < count:
            when = datetime.combine(day, time(8, min(59, len(forms) * 60 // max(1, count // 2))))
            paper = datetime.combine(day - timedelta(days=1), time(16, 45)) if self.rng.random() < 0.02 else None
            nc = self.form(when)
            forms.append((nc, when, paper))
            made += nc.copies
        s = self.act("收文", forms[0][1])
        for (nc, when, paper), numbers in zip(forms, bulk_receive_in(s, forms, self.ids)):
            self.clock.set(when)
            for n in numbers:
                self.items[n] = _Item(nc.level, tuple(nc.scope), nc.issuer, day, nc.origin)
                if nc.kind == "笔记本":
                    self.notebooks.append(n)  # kept by their holder, not lent (R40 handover)
                else:
                    self.put(n)
            self.created(len(numbers))
            if nc.origin == "自制":  # R05: 定密 within 10 days
                self.schedule(datetime.combine(day + timedelta(days=self.rng.randint(1, 6)), time(16, 10)),
                              "定密", lambda s2, ns=numbers: self.classify(s2, ns))

    def schedule(self, when: datetime, action: str, fn: Callable[[Session], None]) -> None:
        """Something to do later, on a working day (the office is closed at weekends)."""
        when = datetime.combine(_workday(when.date()), when.time())
        self.at(when, lambda: fn(self.act(action, when)))

    def at(self, when: datetime, thunk: Callable[[], object]) -> None:
        self.seq += 1
        self.later[when.date()].append((when, self.seq, thunk))

    def classify(self, s: Session, numbers: list[str]) -> None:
        for n in numbers:
            item = self.items[n]
            classify_in(s, n, kind="定密", level=item.level, period="",
                        proposed_by=self.ids[self.rng.choice(self.staff_of("重要"))],
                        confirmed_by=self.ids[self.rng.choice(self.leaders)],
                        basis=f"保密事项范围 第{self.rng.randint(1, 40)}项")
        sent = [n for n in numbers if self.items[n].level != "内部" and n in self.pos][1:]
        for n in sent:  # the first copy stays; the rest go out by a secure channel (R25)
            self.take(n)
            channel = self.rng.choice(("机要通信", "机要通信", "专人", "保密员"))
            dispatch_in(s, n, to_unit=self.rng.choice(UNITS)[0], channel=channel,
                        sent_by=self.ids[self.clerk] if channel != "机要通信" else None)
            self.schedule(datetime.combine(self.clock.now().date() + timedelta(days=self.rng.randint(2, 6)),
                                           time(9, 40)), "发文回执",
                          lambda s2, n=n: receipt_signed_in(s2, n, signed_by="收文单位机要员",
                                                            receipt_no=f"HZ{n}"))

    # -- loans, copies ----------------------------------------------------------------------
    def lend(self, out: datetime, *, take_out: bool = False, keep: bool = False) -> str | None:
        day = out.date()
        n = self.pick(lambda n: self.items[n].origin != "自制" or self.items[n].day < day - timedelta(days=7))
        if n is None:
            return None
        item = self.items[n]
        readers = self.readers(item)
        if not readers:
            self.put(n)
            return None
        who = self.rng.choice(readers)
        s = self.act("借出", out)
        if take_out:
            principal = item.level == "绝密"
            due = datetime.combine(_workday(day + timedelta(days=self.rng.randint(1, 3))), time(17, 0))
            approver = self.principal if principal else self.rng.choice(self.leaders)
            lend_in(s, n, borrower=self.ids[who], approver=self.ids[approver], purpose="外出开会",
                    place="带出", due=due, principal_leader_approved=principal)
            back = due - timedelta(hours=self.rng.randint(1, 6))
        else:
            lend_in(s, n, borrower=self.ids[who], approver=self.ids[self.rng.choice(self.leaders)],
                    purpose=self.rng.choice(("阅办", "起草参考", "会议学习")))
            back = min(out + timedelta(minutes=self.rng.randint(40, 300)), datetime.combine(day, time(17, 20)))
        if keep:
            self.summary.out_now.append(n)
        else:
            self.schedule(back, "归还", lambda s2, n=n, who=who: self.give_back(s2, n, who))
        return n

    def give_back(self, s: Session, number: str, who: str) -> None:
        return_in(s, number, returned_by=self.ids[who])
        self.put(number)

    def copy(self, when: datetime) -> None:
        n = self.pick(lambda n: self.items[n].level in ("秘密", "机密", "内部"))
        if n is None:
            return
        made = copy_in(self.act("复制", when), n, count=self.rng.choice((1, 1, 2)),
                       approver=self.ids[self.rng.choice(self.leaders)], by=self.ids[self.clerk])
        self.put(n)
        for c in made:
            self.items[c] = self.items[n]
            self.put(c)
        self.created(len(made))

    def created(self, n: int) -> None:
        self.summary.carriers += n
        self.since_commit += n
    # -- the quarter ------------------------------------------------------------------------
    def check_quarter(self, day: date) -> None:
        """R30: a sample of what is in custody, found; some returned to the issuer, some
        marked for destruction; then the destruction batch and some archiving."""
        quarter = checks.quarter_of(day)
        sample = [n for n in (self.pick(recent=False) for _ in range(min(60, len(self.stock) // 2))) if n]
        if not sample:
            return
        old = [n for n in sample if self.items[n].day < day - timedelta(days=540)]
        results = {n: "在" for n in sample}
        withdraw = [n for n in old[:6] if self.items[n].issuer not in ("本单位", "")]
        results.update({n: "清退" for n in withdraw})
        doomed = [n for n in old[6:6 + max(2, len(old) // 3)]]
        results.update({n: "拟销毁" for n in doomed})
        s = self.act("清查", datetime.combine(day, time(15, 0)))
        checks.check_items_in(s, quarter, results)
        for n in sample:
            if n not in withdraw and n not in doomed:
                self.put(n)
        if len(doomed) >= 1:
            witnesses = self.rng.sample([p for p in self.staff_of() if p not in (self.clerk,)], 2)
            s = self.act("销毁", datetime.combine(day, time(16, 30)))
            destroy_in(s, doomed, approver=self.ids[self.rng.choice(self.leaders)],
                       witnesses=[self.ids[w] for w in witnesses],
                       method="送保密局")
        for _ in range(max(1, len(old) // 10)):
            n = self.pick(lambda n: self.items[n].day < day - timedelta(days=365), recent=False)
            if n is None:
                break
            self.archive_seq += 1
            s = self.act("归档", datetime.combine(day, time(16, 50)))
            archive_in(s, n, archive_no=f"WS·{day.year}-{self.archive_seq:05d}",
                       location=f"档案室{self.rng.randint(1, 6)}号密集柜")


    # -- once in the demo ------------------------------------------------------------------
    def handover(self, when: datetime) -> None:
        """R40: the keeper of the notebooks leaves; a colleague takes them over, item by item."""
        if not self.notebooks:
            return
        successor = next(n for n, d, c, lead in self.people
                         if d == "信息中心" and not lead and n != self.keeper)
        s = self.act("交接", when)
        handover_in(s, outgoing=self.ids[self.keeper], incoming=self.ids[successor],
                    checked_numbers=list(self.notebooks),
                    outgoing_confirmed=True, incoming_confirmed=True)
        s = self.act("人员状态变更", when + timedelta(minutes=20))
        set_status_in(s, self.ids[self.keeper], "离岗")
        self.gone.add(self.keeper)
        self.keeper = successor

    def incident(self, when: datetime) -> None:
        """R45: a carrier is found missing, reported next morning, found ten days later;
        the investigation's result is still due."""
        n = self.pick(lambda n: self.items[n].level == "秘密", recent=False)
        if n is None:
            return
        number = open_incident_in(
            self.act("失泄密事件登记", when), discovered_at=when, carrier=n,
            how_found="保密员日常清点时发现该文件不在保密柜内", responsible=f"{self.clerk}（机要室）",
            course=f"{when:%Y年%m月%d日}上午清点机要室保密柜时发现缺失，最近一次借阅已按时归还",
            harm="文件为秘密级，如流出可能造成一定损害，正在评估", investigation="正在调查",
            remedies="封存相关保密柜，调阅借阅登记，逐一询问近期借阅人")
        nxt = datetime.combine(_workday(when.date() + timedelta(days=1)), time(9, 30))
        self.at(nxt, lambda: self.public(lambda: report(self.reg, number, at=nxt), nxt))
        back = datetime.combine(_workday(when.date() + timedelta(days=10)), time(10, 0))
        self.at(back, lambda: self.public(lambda: found(self.reg, n, at=back, note="在会议室文件柜中找到"),
                                          back) or self.put(n))

    # -- the days --------------------------------------------------------------------------
    def run(self) -> DemoSummary:
        self.add_people()
        self.fts_triggers(on=False)
        first = self.start.date()
        days = [first + timedelta(days=i) for i in range((self.end.date() - first).days + 1)]
        days = [d for d in days if d.weekday() < 5]
        size = self.target / len(days)
        # Loans, copies and documents produced here (定密, dispatch) go one by one
        # through the ORM: a few a day, however large the register.
        self.loan_rate = min(0.7, 0.1 + size * 0.4)
        self.copy_rate = min(0.15, 0.02 + size * 0.03)
        self.selfmade = min(0.08, 0.4 / size)
        copies = min(0.3 * self.target, self.copy_rate * 1.33 * len(days))  # expected copies
        per_day = (self.target - copies) / len(days)
        special = {days[len(days) // 2]: self.handover, days[-32]: self.incident}
        budget = 0.0
        for i, day in enumerate(days):
            last = i == len(days) - 1
            budget += per_day
            self.plan_day(day, budget, keep=i >= len(days) - 2, late=i == len(days) - 85)
            budget -= int(budget)
            if day in special:
                when = datetime.combine(day, time(16, 40))
                self.at(when, lambda f=special[day], w=when: f(w))
            if last or checks.quarter_of(days[i + 1]) != checks.quarter_of(day):
                self.at(datetime.combine(day, time(14, 55)), lambda d=day: self.check_quarter(d))
            self.run_day(day)
            if self.since_commit >= PER_TRANSACTION:
                self.commit()
                if self.progress:
                    self.progress(self.summary.carriers, self.target)
        self.commit()
        return self.summary

    def plan_day(self, day: date, budget: float, *, keep: bool, late: bool) -> None:
        count = min(int(budget), self.target - self.summary.carriers)
        if count > 0:
            self.at(datetime.combine(day, time(8, 0)), lambda: self.receive_morning(day, count))
        rate = self.loan_rate
        loans = int(rate) + (self.rng.random() < rate - int(rate))
        for _ in range(loans):
            out = datetime.combine(day, time(self.rng.randint(9, 14), self.rng.choice((0, 15, 30, 45))))
            take_out = self.rng.random() < 0.08
            self.at(out, lambda o=out, t=take_out: self.lend(o, take_out=t))
        if self.rng.random() < self.copy_rate and self.summary.carriers < self.target:
            when = datetime.combine(day, time(15, self.rng.randint(0, 50)))
            self.at(when, lambda w=when: self.copy(w))
        if keep:  # out now: the last two days' loans not back (R12)
            for h in (9, 10):
                when = datetime.combine(day, time(h, 5))
                self.at(when, lambda w=when: self.lend(w, keep=True))
        if late:  # taken out four months ago and never brought back (R31)
            when = datetime.combine(day, time(11, 0))
            self.at(when, lambda w=when: self.lend(w, take_out=True, keep=True))

    def run_day(self, day: date) -> None:
        """Today's events in time order; an event may schedule more for today (a return)."""
        while self.later.get(day):
            todo = sorted(self.later.pop(day), key=lambda e: (e[0], e[1]))
            for i, (when, _, thunk) in enumerate(todo):
                fresh = self.later.pop(day, [])
                if fresh:  # something scheduled for today: merge and start again
                    self.later[day] = fresh + todo[i:]
                    break
                if when <= self.end:
                    thunk()


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# -- receipts in bulk ----------------------------------------------------------------------

def bulk_receive_in(s: Session, forms: list[tuple[NewCarrier, datetime, datetime | None]],
                    people: dict[str, int]) -> list[list[str]]:
    """`receive_in` for many forms at once: the same rows and journal entries, written
    with one executemany per table instead of a flush per carrier.

    Why: through the ORM a receipt costs about a dozen statements at 100-200 µs
    each (SQLAlchemy's per-statement overhead; SQLite itself answers in ~5 µs),
    which alone would take minutes for 100,000 carriers.  Each form is
    (form, entered at, happened at or None); people are named by exact name.
    Hazard: this mirrors receive_in (tests/ledger/test_demo.py compares the
    rows both write); the demo's forms need no lookups (scope entries are
    department names, media serials are unique, R04/R07 hold by construction).
    """
    s.flush()  # ids and counters below continue after what the ORM wrote
    conn = s.connection()
    pattern = settings.get(s, "number_pattern")
    next_id = {t: (conn.scalar(select(func.max(t.c.id))) or 0) + 1
               for t in (_CARRIERS, _MOVEMENTS, _BATCHES)}
    counters: dict[str, list[int | None]] = {}  # name -> [value before, value now]
    rows: dict[Any, list[dict]] = {_CARRIERS: [], _MOVEMENTS: [], _BATCHES: []}
    entries: list[dict] = []
    actor = s.info["actor"]
    out = []
    for nc, entered, paper in forms:
        _validate(nc)
        serials = _serials(nc.level, nc.copies, nc.serial.strip())
        when = paper or entered
        action = {"收文": "收文", "自制": "自制登记", "会议带回": "会议文件登记"}[nc.origin]
        flag = f"R01 收文于{when:%Y-%m-%d}，登记于{entered:%Y-%m-%d}（未当日登记）" \
            if entered.date() > when.date() else ""
        period = normalize_period(nc.period, nc.level)
        doc_date = nc.doc_date or when.date()
        approver = people[nc.approved_by] if nc.approved_by else None
        receiver = people.get(nc.received_by or "")
        batch_id = None
        if nc.copies > 1:
            batch_id = _add(rows, next_id, _BATCHES, entries, action, entered, {
                "kind": "收文", "occurred_at": when, "entered_at": entered, "approver_id": None,
                "detail": json.dumps({"title": nc.title, "copies": nc.copies}, ensure_ascii=False),
                "status": "完成"})
        numbers = []
        for serial in serials:
            name = f"carrier:{when.year}"
            if name not in counters:
                before = conn.scalar(select(_COUNTERS.c.value).where(_COUNTERS.c.name == name))
                counters[name] = [before, before or 0]
            counters[name][1] += 1
            number = pattern.format(year=when.year, seq=counters[name][1]).upper()
            carrier_id = _add(rows, next_id, _CARRIERS, entries, action, entered, {
                "number": number, "kind": nc.kind, "title": nc.title.strip(),
                "doc_no": nc.doc_no.strip(), "issuer": nc.issuer.strip(), "level": nc.level,
                "highest_level": nc.level, "period": period,
                "period_until": period_until(period, doc_date), "serial": serial,
                "copies_total": nc.copies, "pages": nc.pages, "scope_people": "[]",
                "scope_depts": json.dumps(list(nc.scope), ensure_ascii=False), "origin": nc.origin,
                "parent_id": None, "approved_by_id": approver, "approved_count": nc.approved_count,
                "location": nc.location.strip(), "custodian_id": people.get(nc.custodian or ""),
                "doc_date": doc_date, "classified": nc.origin != "自制", "registered_at": when,
                "state": next_state("", "收文"), "holder_id": None, "open_movement_id": None,
                "media_id": nc.media_id.strip(), "note": nc.note})
            _add(rows, next_id, _MOVEMENTS, entries, action, entered, {
                "carrier_id": carrier_id, "kind": "收文" if nc.origin == "收文" else "登记",
                "occurred_at": when, "entered_at": entered, "account": actor,
                "person_id": receiver, "approver_id": approver, "batch_id": batch_id,
                "due_at": None, "closed_by_id": None, "state_after": "在库", "flagged": flag,
                "detail": canonical_json({"from": nc.issuer, "via": nc.via,
                                          "origin": nc.origin}).decode("utf-8")})
            numbers.append(number)
        out.append(numbers)
    for table in (_BATCHES, _CARRIERS, _MOVEMENTS):
        _insert_many(conn, table, rows[table])
    for name, (before, value) in counters.items():
        if before is None:
            conn.execute(insert(_COUNTERS), [{"name": name, "value": value}])
        else:
            conn.execute(update(_COUNTERS).where(_COUNTERS.c.name == name).values(value=value))
        entries.append({"action": "收文", "obj_type": "counters", "obj_id": name, "at": forms[-1][1],
                        "before": None if before is None else {"value": before},
                        "after": row_dict(Counter, {"name": name, "value": value})})
    append_entries(s, entries)
    for obj in list(s.identity_map.values()):
        if isinstance(obj, Counter):
            s.expire(obj)  # the ORM must not keep a counter value from before
    return out


_PINNED = ("end_of_day", "number_pattern")
_CARRIERS, _MOVEMENTS = Carrier.__table__, Movement.__table__
_BATCHES, _COUNTERS = Batch.__table__, Counter.__table__
_AS_JSON: dict[type, Callable[[Any], str]] = {datetime: lambda v: v.isoformat(sep=" "),
                                              date: lambda v: v.isoformat()}
assert not (Carrier.__journal_redact__ or Movement.__journal_redact__ or Batch.__journal_redact__)


def _insert_many(conn: Any, table: Any, rows: list[dict]) -> None:
    """executemany on the driver with SQLAlchemy's own value conversions (so dates are
    stored exactly as the ORM stores them), without its per-row parameter handling."""
    if not rows:
        return
    cols = list(table.c.keys())
    procs = [table.c[c].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for c in cols]
    data = [tuple(v if p is None or v is None else p(v) for p, v in zip(procs, (r[c] for c in cols)))
            for r in rows]
    names = ", ".join('"' + c + '"' for c in cols)
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(cols))})"
    conn.connection.driver_connection.cursor().executemany(sql, data)


def _add(rows: dict, next_id: dict, table: Any, entries: list[dict], action: str,
         entered: datetime, values: dict) -> int:
    """One new row with its journal entry, as the flush hook would write it."""
    row_id = next_id[table]
    next_id[table] += 1
    row = {"id": row_id, **values}
    if not rows[table]:
        assert row.keys() == set(table.c.keys()), f"{table.name}: columns changed, update the demo"
    rows[table].append(row)
    # What journaling.row_dict makes of it (no redacted columns here), faster.
    after = {k: _AS_JSON[type(v)](v) if type(v) in _AS_JSON else v for k, v in row.items()}
    entries.append({"action": action, "obj_type": table.name, "obj_id": row_id, "at": entered,
                    "before": None, "after": after})
    return row_id


def build_demo(reg: Register, *, carriers: int, seed: int = 0, end: datetime | None = None,
               start: datetime = START,
               progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Fill a register (signed in as the clerk) with about `carriers` carriers and
    their history from `start` (2023-01-03) to `end` (default: the register's clock
    now); the same seed gives the same register."""
    require_role(reg, ROLE_CLERK)
    end = end or reg.clock.now()
    if carriers < 1 or end < start + timedelta(days=200):
        raise BadInput("演示数据至少需要 1 件载体，且时间跨度不少于 200 天。")
    demo = _Demo(reg, carriers, random.Random(seed), start, end, progress)
    saved, reg.clock = reg.clock, demo.clock
    try:
        return demo.run()
    except BaseException as e:
        demo.abort(e)
        raise
    finally:
        if demo.triggers:  # the search index is rebuilt even when the demo failed
            demo.fts_triggers(on=True)
            demo.commit()
        reg.clock = saved
