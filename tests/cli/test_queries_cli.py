"""`baomi list | show | stats | today | demo`: tables in Chinese, one JSON document, exit codes."""
from __future__ import annotations

import json
import unicodedata
from datetime import datetime

import pytest

from app.ledger.carriers import NewCarrier, receive
from app.ledger.loans import lend
from tests.conftest import ADMIN, ADMIN_PW, CLERK, CLERK_PW


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.fixture
def filled(clerk_reg, clock, people, register_path):
    """Three carriers; one lent at 10:00 to 张三.  The clerk's session is closed after."""
    numbers = [receive(clerk_reg, NewCarrier(title=t, level=lv, issuer="市保密局", serial=sn,
                                             doc_no=f"市保发〔2026〕{i}号"),
                       at=datetime(2026, 11, 2, 8, 30))[0]
               for i, (t, lv, sn) in enumerate([("关于做好年度保密检查工作的通知", "秘密", ""),
                                                ("涉密载体管理办法", "机密", "003"),
                                                ("会议纪要", "内部", "")], 1)]
    clock.set(datetime(2026, 11, 2, 10, 0))
    lend(clerk_reg, numbers[0], borrower="张三", approver="李处长")
    clerk_reg.close()
    return register_path, numbers


def run(baomi, verb, db, *args, user=CLERK, pw=CLERK_PW):
    return baomi(verb, db, "--user", user, "--password-stdin", *args, stdin=[pw])


def test_list_is_an_aligned_chinese_table(baomi, filled):
    db, numbers = filled
    r = run(baomi, "list", db)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("登记号") and len(lines) == 4
    # The 状态 column starts at the same display column on every line.
    head = lines[0]
    col = width(head[:head.index("状态")])
    for line, state in zip(lines[1:], ("借出", "在库", "在库")):
        assert width(line[:line.index(state)]) == col
    assert "共 3 件" in r.err


def test_list_json_is_one_document_with_stable_keys(baomi, filled):
    db, numbers = filled
    r = run(baomi, "list", db, "--json", "--level", "机密")
    doc = json.loads(r.out)
    assert set(doc) == {"view", "as_of", "total", "shown", "items"}
    assert doc["view"] == "carriers" and doc["total"] == 1
    [item] = doc["items"]
    assert set(item) == {"number", "kind", "title", "doc_no", "issuer", "level", "serial", "period",
                         "state", "holder", "holder_dept", "location", "registered_at"}
    assert item["number"] == numbers[1] and item["serial"] == "003"


def test_list_filters_search_holder_state(baomi, filled):
    db, numbers = filled
    assert json.loads(run(baomi, "list", db, "--json", "--search", "保密检查").out)["total"] == 1
    assert json.loads(run(baomi, "list", db, "--json", "--search", "纪要").out)["total"] == 1
    doc = json.loads(run(baomi, "list", db, "--json", "--holder", "张三").out)
    assert [i["number"] for i in doc["items"]] == [numbers[0]]
    assert json.loads(run(baomi, "list", db, "--json", "--state", "在库").out)["total"] == 2
    assert run(baomi, "list", db, "--state", "不存在").code == 4
    assert run(baomi, "list", db, "--holder", "无此人").code == 4


def test_list_overdue_after_end_of_day_R12(baomi, filled, clock):
    db, numbers = filled
    assert json.loads(run(baomi, "list", db, "--json", "--overdue").out)["total"] == 0
    clock.set(datetime(2026, 11, 2, 17, 31))
    doc = json.loads(run(baomi, "list", db, "--json", "--overdue").out)
    assert doc["view"] == "overdue" and [i["number"] for i in doc["items"]] == [numbers[0]]
    assert set(doc["items"][0]) == {"number", "title", "level", "state", "borrower", "dept",
                                    "approver", "out_at", "due_at", "deadline", "overdue"}
    r = run(baomi, "list", db, "--overdue")
    assert "张三" in r.out and "借阅人" in r.out


def test_list_late_three_months_R31(baomi, filled, register_path, clock):
    from app.ledger.accounts import sign_in
    db, numbers = filled
    with sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:  # entered after the fact
        [old] = receive(reg, NewCarrier(title="旧文件", level="秘密", issuer="市保密局"),
                        at=datetime(2026, 7, 1, 8, 30))
        lend(reg, old, borrower="李四", approver="李处长", at=datetime(2026, 7, 1, 10, 0))
    doc = json.loads(run(baomi, "list", db, "--json", "--late-3-months").out)
    assert doc["view"] == "late_3_months" and [i["number"] for i in doc["items"]] == [old]
    assert set(doc["items"][0]) == {"number", "title", "level", "holder", "since", "reason"}
    assert run(baomi, "list", db, "--overdue", "--late-3-months").code == 4


def test_list_as_of_a_moment(baomi, filled):
    db, numbers = filled
    doc = json.loads(run(baomi, "list", db, "--json", "--as-of", "2026-11-02 09:00").out)
    assert doc["as_of"] == "2026-11-02 09:00:00" and {i["state"] for i in doc["items"]} == {"在库"}
    assert run(baomi, "list", db, "--as-of", "昨天").code == 4


def test_show_prints_the_whole_history(baomi, filled):
    db, numbers = filled
    r = run(baomi, "show", db, numbers[0])
    assert r.code == 0 and "流转记录" in r.out and "借阅人 张三" in r.out and "日志" in r.out
    doc = json.loads(run(baomi, "show", db, numbers[0], "--json").out)
    assert set(doc) == {"carrier", "movements", "timeline"}
    assert [m["kind"] for m in doc["movements"]] == ["收文", "借出"]
    assert doc["carrier"]["number"] == numbers[0] and doc["timeline"][0]["seq"] >= 1
    assert run(baomi, "show", db, "2026-999999").code == 4


def test_stats_month_R60(baomi, filled):
    db, _ = filled
    doc = json.loads(run(baomi, "stats", db, "--month", "2026-11", "--json").out)
    assert doc["month"] == "2026-11" and doc["levels"] == ["绝密", "机密", "秘密", "内部"]
    rows = {r["row"]: r for r in doc["rows"]}
    assert rows["收文"]["total"] == 3 and rows["借出"]["counts"]["秘密"] == 1
    r = run(baomi, "stats", db, "--month", "2026-11")
    assert r.code == 0 and "月度统计" in r.out
    assert run(baomi, "stats", db, "--month", "十一月").code == 4


def test_today_lists_what_is_out_and_due(baomi, filled):
    db, numbers = filled
    doc = json.loads(run(baomi, "today", db, "--json").out)
    assert set(doc) == {"now", "out_now", "due_today", "overdue", "late_3_months", "deadlines"}
    assert [i["number"] for i in doc["due_today"]] == [numbers[0]] and doc["overdue"] == []
    r = run(baomi, "today", db)
    assert r.code == 0 and "今日应还" in r.out


def test_administrator_may_not_read_the_ledgers(baomi, filled):
    db, _ = filled
    r = run(baomi, "list", db, user=ADMIN, pw=ADMIN_PW)
    assert r.code == 3 and "权限" in r.err


def test_demo_builds_a_new_register_that_verifies(baomi, tmp_path):
    db = tmp_path / "demo.baomi"
    r = baomi("demo", db, "--carriers", "25", "--seed", "2", "--fast-kdf")
    assert r.code == 0, r.err
    assert "Baomi#Demo2026" in r.err and "--fast-kdf" in r.err and "已生成演示登记簿" in r.out
    listed = json.loads(run(baomi, "list", db, "--json", "--limit", "0",
                            user="clerk", pw="Baomi#Demo2026").out)
    assert listed["total"] >= 25
    checked = baomi("verify", db, "--user", "jiancha", "--password-stdin", stdin=["Shencha#Demo2026"])
    assert checked.code == 0 and "校验通过" in checked.out
    again = baomi("demo", db, "--carriers", "5", "--fast-kdf")
    assert again.code == 4 and "已存在" in again.err
