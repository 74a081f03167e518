"""The clerk's daily questions: the carrier list, what is out, overdue (R12), holdings."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import BadInput, NotFound, PermissionDenied
from app.ledger import queries, settings
from app.ledger.accounts import add_account, sign_in
from app.ledger.carriers import NewCarrier, receive
from app.ledger.history import count_movements, movements_page
from app.ledger.loans import lend, return_
from app.ledger.queries import (carriers_page, count_carriers, due_today, holdings, out_now,
                                overdue, reading)
from tests.conftest import ADMIN, ADMIN_PW

MON = date(2026, 11, 2)


def at(hh: int, mm: int = 0, day: date = MON) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm)


def new(reg, title: str = "关于做好年度保密检查工作的通知", level: str = "秘密", *,
        issuer: str = "市保密局", doc_no: str = "", when: datetime | None = None,
        copies: int = 1, custodian: str | None = None) -> list[str]:
    serial = "001" if level in ("机密", "绝密") else ""
    return receive(reg, NewCarrier(title=title, level=level, issuer=issuer, doc_no=doc_no,
                                   serial=serial, copies=copies, custodian=custodian),
                   at=when or at(8, 30))


@pytest.fixture
def register(clerk_reg, clock, people):
    """Five carriers of every level, received Monday morning."""
    clock.set(at(9, 0))
    numbers = {
        "notice": new(clerk_reg, "关于做好年度保密检查工作的通知", doc_no="市委办发〔2026〕12号",
                      issuer="市委办公厅")[0],
        "plan": new(clerk_reg, "加强涉密载体管理的实施方案", "机密", issuer="市保密局")[0],
        "report": new(clerk_reg, "保密工作报告", "绝密", issuer="省国家安全厅")[0],
        "memo": new(clerk_reg, "会议纪要", "内部", issuer="市政府办公室",
                    custodian="张三")[0],
        "old": new(clerk_reg, "关于印发保密守则的通知", issuer="市保密局",
                   when=at(8, 0))[0],
    }
    return numbers


def page(reg, **kw):
    with reading(reg) as s:
        return carriers_page(s, **kw), count_carriers(s, **{k: v for k, v in kw.items()
                                                            if k not in ("offset", "limit",
                                                                         "order_by", "descending")})


# -- the carrier list ---------------------------------------------------------------

def test_page_orders_and_pages_with_total(clerk_reg, register):
    rows, total = page(clerk_reg, offset=0, limit=2, order_by="number")
    assert total == 5 and [r.number for r in rows] == sorted(register.values())[:2]
    rest, _ = page(clerk_reg, offset=2, limit=10, order_by="number")
    assert [r.number for r in rows + rest] == sorted(register.values())
    down, _ = page(clerk_reg, limit=10, order_by="level", descending=True)
    assert [r.level for r in down][:3] == ["绝密", "机密", "秘密"] and down[-1].level == "内部"


def test_rows_outlive_the_session(clerk_reg, register):
    rows, _ = page(clerk_reg, limit=1)
    assert rows[0].title and rows[0].registered_at  # plain values, no lazy loading
    with pytest.raises(AttributeError):
        rows[0].title = "x"  # frozen


def test_unknown_order_column_is_bad_input(clerk_reg, register):
    with pytest.raises(BadInput), reading(clerk_reg) as s:
        carriers_page(s, order_by="title; DROP TABLE carriers")


@pytest.mark.parametrize("term,expected", [
    ("保密检查", {"notice"}),  # 4 characters: FTS trigram
    ("实施方案", {"plan"}),
    ("〔2026〕12", {"notice"}),  # the 文号
    ("国家安全", {"report"}),  # the issuing unit
    ("纪要", {"memo"}),  # 2 characters: LIKE
    ("通知", {"notice", "old"}),
    ("保密 通知", {"notice", "old"}),  # every term must match
    ("不存在的标题", set()),
])
def test_search_matches_chinese_substrings(clerk_reg, register, term, expected):
    rows, total = page(clerk_reg, search=term, limit=None)
    assert {k for k, n in register.items() if n in {r.number for r in rows}} == expected
    assert total == len(expected)


def test_search_by_number_fragment_and_odd_characters(clerk_reg, register):
    number = register["plan"]
    rows, _ = page(clerk_reg, search=number[-4:])
    assert number in [r.number for r in rows]
    for odd in ('"', '""保密', "%", "_", "a\\b", "OR", "*"):  # quoted, escaped: never an error
        page(clerk_reg, search=odd)


def test_filters_by_level_state_and_registration_date(clerk_reg, clock, register):
    assert [r.number for r in page(clerk_reg, level="机密")[0]] == [register["plan"]]
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    rows, total = page(clerk_reg, state="借出")
    assert total == 1 and rows[0].number == register["notice"] and rows[0].holder == "张三"
    assert page(clerk_reg, date_from=MON, date_to=MON)[1] == 5
    assert page(clerk_reg, date_from=date(2026, 11, 3))[1] == 0
    with pytest.raises(BadInput), reading(clerk_reg) as s:
        count_carriers(s, level="特密")


def test_holder_filter_covers_borrowed_and_custody(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["plan"], borrower="张三", approver="李处长")
    rows, total = page(clerk_reg, holder="张三")
    assert {r.number for r in rows} == {register["plan"], register["memo"]} and total == 2
    with pytest.raises(NotFound), reading(clerk_reg) as s:
        count_carriers(s, holder="无此人")


def test_as_of_shows_the_register_as_it_was(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    clock.set(at(11))
    return_(clerk_reg, register["notice"], returned_by="张三")
    clock.set(at(12))
    [later] = new(clerk_reg, "后来收到的文件", when=at(12))
    now, total_now = page(clerk_reg, state="借出")
    assert total_now == 0
    then, total_then = page(clerk_reg, state="借出", as_of=at(10, 30))
    assert [r.number for r in then] == [register["notice"]] and then[0].holder == "张三"
    assert total_then == 1
    everything_then, n = page(clerk_reg, as_of=at(10, 30), limit=None)
    assert later not in {r.number for r in everything_then} and n == 5
    assert page(clerk_reg, as_of=at(8, 15))[1] == 1  # only the one received at 08:00


# -- the paper ledgers ---------------------------------------------------------------

def test_lending_ledger_joins_names_and_return(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长", purpose="阅办")
    clock.set(at(11))
    return_(clerk_reg, register["notice"], returned_by="张三")
    with reading(clerk_reg) as s:
        [row] = movements_page(s, "借阅")
        assert count_movements(s, "借阅") == 1 and count_movements(s, "外出携带") == 0
        assert count_movements(s, "收文") == 5
        assert count_movements(s, "借阅", person="李处长") == 1
        assert count_movements(s, "收文", search="实施方案") == 1
        with pytest.raises(BadInput):
            movements_page(s, "无此台账")
    assert (row.person, row.person_dept, row.approver) == ("张三", "办公室", "李处长")
    assert row.returned_at == at(11) and row.detail["purpose"] == "阅办"


def test_take_out_ledger_lists_take_outs_only(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["plan"], borrower="张三", approver="李处长", place="带出",
         due=datetime(2026, 11, 4, 17, 0))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    with reading(clerk_reg) as s:
        assert [r.number for r in movements_page(s, "外出携带")] == [register["plan"]]
        assert count_movements(s, "借阅") == 2


# -- what is out, overdue (R12) ------------------------------------------------------------

def test_out_now_lists_borrower_and_due(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    with reading(clerk_reg) as s:
        [row] = out_now(s)
    assert (row.number, row.borrower, row.dept, row.approver) == (register["notice"], "张三", "办公室", "李处长")
    assert row.out_at == at(10) and row.deadline == at(17, 30) and not row.overdue


def test_loan_not_back_by_end_of_day_is_overdue_R12(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    clock.set(at(17, 31))
    with reading(clerk_reg) as s:
        assert [r.number for r in overdue(s)] == [register["notice"]]
        assert due_today(s) == []


def test_loan_before_end_of_day_is_due_today_not_overdue_R12(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    clock.set(at(17, 29))
    with reading(clerk_reg) as s:
        assert overdue(s) == []
        assert [r.number for r in due_today(s)] == [register["notice"]]


def test_end_of_day_setting_moves_the_overnight_line_R12(clerk_reg, clock, register):
    with clerk_reg.operation("设置") as s:
        settings.put(s, "end_of_day", "16:00")
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    with reading(clerk_reg) as s:
        assert overdue(s, at(16, 1)) and not overdue(s, at(15, 59))


def test_take_out_is_overdue_only_after_its_due_R12(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["plan"], borrower="张三", approver="李处长", place="带出",
         due=datetime(2026, 11, 4, 12, 0))
    with reading(clerk_reg) as s:
        assert overdue(s, datetime(2026, 11, 3, 9, 0)) == []
        assert [r.state for r in out_now(s)] == ["外出携带"]
        assert due_today(s, datetime(2026, 11, 4, 9, 0))
        assert overdue(s, datetime(2026, 11, 4, 12, 1))


def test_returned_loan_is_not_overdue_R12(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    clock.set(at(17))
    return_(clerk_reg, register["notice"], returned_by="张三")
    clock.set(at(18))
    with reading(clerk_reg) as s:
        assert out_now(s) == [] and overdue(s) == []
        # As of 12:00 it was out, and as of 17:45 it was back.
        assert [r.number for r in out_now(s, at(12))] == [register["notice"]]
        assert out_now(s, at(17, 45)) == []


def test_late_three_months_R31(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    with reading(clerk_reg) as s:
        assert queries.late_three_months(s, datetime(2027, 2, 2, 17, 0)) == []
        [late] = queries.late_three_months(s, datetime(2027, 2, 2, 17, 31))
    assert late.number == register["notice"] and late.holder == "张三"


# -- holdings, roles --------------------------------------------------------------

def test_holdings_list_borrowed_and_kept(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["plan"], borrower="张三", approver="李处长")
    with reading(clerk_reg) as s:
        held = holdings(s, "张三")
    how = {h.carrier.number: h.how for h in held}
    assert how == {register["plan"]: "借出", register["memo"]: "保管"}
    loan = next(h for h in held if h.how == "借出")
    assert loan.out_at == at(10) and loan.due_at == at(17, 30)


def test_administrator_may_not_read_the_ledgers(admin_reg):
    with pytest.raises(PermissionDenied):
        with reading(admin_reg):
            pass


def test_inspector_may_read_the_ledgers(register_path, clock):
    with sign_in(register_path, ADMIN, ADMIN_PW, clock=clock) as admin:
        add_account(admin, "jiancha", "检查人员", "Shen#cha2026A")
    reg = sign_in(register_path, "jiancha", "Shen#cha2026A", clock=clock,
                  allow_password_change=True)
    with reg, reading(reg) as s:
        assert count_carriers(s) == 0


# -- the statements built once (figure 3) and the loans out in one pass (figure 5) ---------

def test_a_kept_page_statement_binds_each_call_s_values(clerk_reg, clock, register):
    """The page and count statements are built once per filter shape: the same shape
    with other values, in one session, must give each call its own rows."""
    clock.set(at(10))
    lend(clerk_reg, register["plan"], borrower="张三", approver="李处长")
    by_key = {n: k for k, n in register.items()}
    with reading(clerk_reg) as s:
        def keys(**kw):
            rows = carriers_page(s, limit=None, **kw)
            assert count_carriers(s, **{k: v for k, v in kw.items()
                                        if k not in ("order_by", "descending")}) == len(rows)
            return [by_key[r.number] for r in rows]

        assert keys(level="机密") == ["plan"]
        assert keys(level="绝密") == ["report"]
        assert keys(search="纪要") == ["memo"]  # LIKE
        assert sorted(keys(search="通知")) == ["notice", "old"]
        assert keys(search="实施方案") == ["plan"]  # FTS
        assert keys(search="保密工作报告") == ["report"]
        assert keys(holder="张三", order_by="title") == sorted(
            ["plan", "memo"], key=lambda k: next(r.title for r in carriers_page(s, limit=None)
                                                 if r.number == register[k]))
        assert keys(holder="李处长") == []
        assert keys(state="借出") == ["plan"] and "plan" not in keys(state="在库")
        assert len(keys(date_to=at(8, 15))) == 1 and len(keys(date_to=MON)) == 5  # moment, day
        assert keys(date_from=at(8, 15)) == [k for k in keys() if k != "old"]
        numbers = sorted(register.values())
        assert [r.number for r in carriers_page(s, offset=1, limit=2)] == numbers[1:3]
        assert [r.number for r in carriers_page(s, offset=3, limit=1)] == numbers[3:4]
        assert [r.number for r in carriers_page(s, offset=0, limit=2, descending=True)] == \
            numbers[::-1][:2]


def _out(reg, when=None):
    with reading(reg) as s:
        return [(r.number, r.state, r.borrower, r.dept, r.approver, r.out_at, r.due_at,
                 r.deadline, r.overdue) for r in out_now(s, when)]


def test_out_now_matches_a_hand_built_list_R12(clerk_reg, clock, register, people):
    clock.set(at(10))
    notice = lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    clock.set(at(10, 30))
    lend(clerk_reg, register["report"], borrower="赵六", approver="李处长", due=at(16))
    clock.set(at(11))
    lend(clerk_reg, register["plan"], borrower="张三", approver="李处长", place="带出",
         due=datetime(2026, 11, 4, 12, 0))
    clock.set(at(12))
    lend(clerk_reg, register["old"], borrower="李四", approver="李处长")
    clock.set(at(13))
    return_(clerk_reg, register["old"], returned_by="李四")
    clock.set(at(18))  # after hours: due back before midnight
    lend(clerk_reg, register["memo"], borrower="张三", approver="李处长")
    clock.set(at(20))
    midnight = datetime(2026, 11, 2, 23, 59, 59)
    expected = [
        (register["notice"], "借出", "张三", "办公室", "李处长", at(10), at(17, 30), at(17, 30), True),
        (register["report"], "借出", "赵六", "办公室", "李处长", at(10, 30), at(16), at(16), True),
        (register["plan"], "外出携带", "张三", "办公室", "李处长", at(11),
         datetime(2026, 11, 4, 12), datetime(2026, 11, 4, 12), False),
        (register["memo"], "借出", "张三", "办公室", "李处长", at(18), midnight, midnight, False),
    ]
    assert _out(clerk_reg) == expected
    with reading(clerk_reg) as s:
        rows = out_now(s)
        assert [r for r in rows if r.overdue] == overdue(s)
        assert [r.number for r in overdue(s, at(16, 30))] == [register["report"]]
        # At 16:30 (in the past) `memo` was not yet lent.
        assert [r.number for r in due_today(s, at(16, 30))] == [register["notice"]]
    first = rows[0]
    assert (first.movement_id, first.borrower_id) == (notice, people["张三"])
    with reading(clerk_reg) as s:
        assert first.carrier_id == carriers_page(s, search=register["notice"])[0].id
    # At 12:30 the loan of `old` was still open and `memo` not yet lent.
    assert [r[0] for r in _out(clerk_reg, at(12, 30))] == [
        register["notice"], register["report"], register["plan"], register["old"]]


def test_deadlines_follow_a_changed_end_of_day_in_the_same_session_R12(clerk_reg, clock, register):
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    with clerk_reg.operation("设置") as s:
        assert [r.deadline for r in out_now(s)] == [at(17, 30)]
        settings.put(s, "end_of_day", "16:00")
        assert [r.deadline for r in out_now(s)] == [at(16)]  # min(due 17:30, day's end 16:00)


@pytest.mark.parametrize("setting", ["17:30", "9:05", "0:00", "23:59"])
def test_day_ends_agree_with_the_lending_form_R12(clerk_reg, setting):
    from app.ledger.loans import end_of_day
    with clerk_reg.operation("设置") as s:
        settings.put(s, "end_of_day", setting)
        ends = queries.day_ends(s)
        for hh, mm, ss in [(0, 0, 0), (9, 4, 59), (9, 5, 0), (12, 0, 0), (17, 29, 59), (17, 30, 0),
                           (17, 30, 1), (23, 58, 59), (23, 59, 0), (23, 59, 59)]:
            when = datetime(2026, 11, 2, hh, mm, ss)
            assert ends.of(when) == end_of_day(s, when), when


@pytest.mark.parametrize("closing", ["17:30", "0:00", "12:00"])
def test_overdue_list_is_exactly_the_overdue_loans_out_R12(clerk_reg, clock, register, closing):
    """overdue() lets SQLite leave out loans that cannot be overdue yet; whatever the
    time and the end of day, it must list exactly the loans out_now marks overdue."""
    clock.set(at(9))
    lend(clerk_reg, register["plan"], borrower="张三", approver="李处长", place="带出",
         due=datetime(2026, 11, 3, 12, 0))
    clock.set(at(10))
    lend(clerk_reg, register["notice"], borrower="张三", approver="李处长")
    lend(clerk_reg, register["report"], borrower="赵六", approver="李处长", due=at(11))
    clock.set(at(18))
    lend(clerk_reg, register["memo"], borrower="张三", approver="李处长")
    with clerk_reg.operation("设置") as s:
        settings.put(s, "end_of_day", closing)
    moments = [at(10, 30), at(11, 1), at(11, 59), at(12), at(12, 1), at(17, 30), at(17, 31),
               at(18), at(23, 59), at(0, 0, date(2026, 11, 3)), at(11, 59, date(2026, 11, 3)),
               at(12, 1, date(2026, 11, 3)), at(9, 0, date(2026, 11, 9))]
    for moment in moments:
        clock.set(moment)
        with reading(clerk_reg) as s:
            assert overdue(s) == [r for r in out_now(s) if r.overdue], (closing, moment)
            later = moment + (datetime(2026, 11, 3) - datetime(2026, 11, 2)) / 3
            assert overdue(s, later) == [r for r in out_now(s, later) if r.overdue]
