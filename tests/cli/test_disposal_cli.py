"""`baomi copy|check|withdraw|destroy|archive|classify|handover|incident` in-process."""
from __future__ import annotations

import json

import pytest

from tests.conftest import CLERK, CLERK_PW


@pytest.fixture
def run(baomi, register_path):
    """`run(verb..., *args)` as the clerk on the test's register."""
    def go(*argv: object):
        n = 2 if argv[0] in ("person", "incident") else 1  # groups: action before the register
        return baomi(*argv[:n], register_path, "--user", CLERK, "--password-stdin", *argv[n:],
                     stdin=[CLERK_PW])
    return go


@pytest.fixture
def staff(run):
    for args in (["--name", "李处长", "--dept", "办公室", "--clearance", "核心", "--leader"],
                 ["--name", "张三", "--dept", "办公室", "--clearance", "重要"],
                 ["--name", "赵六", "--dept", "办公室", "--clearance", "核心"],
                 ["--name", "李四", "--dept", "财务处", "--clearance", "一般"]):
        assert run("person", "add", *args).code == 0


def receive(run, level="秘密", *more) -> str:
    serial = ["--serial", "001"] if level in ("机密", "绝密") else []
    r = run("receive", "--title", "关于年终保密检查的通知", "--level", level, "--from", "市保密局",
            *serial, *more)
    assert r.code == 0, r.err
    return r.out.strip()


def states(register_path, clock, *numbers: str) -> list[str]:
    from app.ledger import accounts
    from app.ledger.lookup import carrier_by_number
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg, reg.read() as s:
        return [carrier_by_number(s, n).state for n in numbers]


# -- copy -------------------------------------------------------------------------------

def test_copy_prints_the_copies_numbers_R22(run, staff):
    n = receive(run, "机密")
    r = run("copy", n, "--count", "2", "--approver", "李处长", "--by", "张三")
    assert r.code == 0, r.err
    assert r.out.split() == ["2026-000002", "2026-000003"] and "R22" in r.err


def test_copy_top_secret_exits_3_R21(run, staff):
    n = receive(run, "绝密")
    r = run("copy", n, "--count", "1", "--approver", "李处长")
    assert r.code == 3 and "R21" in r.err and r.out == ""


def test_copy_without_approval_exits_3_R20(run, staff):
    n = receive(run)
    r = run("copy", n, "--count", "1")
    assert r.code == 3 and "R20" in r.err


# -- destroy ----------------------------------------------------------------------------

def test_destroy_with_one_witness_exits_3_R32(run, staff):
    n = receive(run)
    r = run("destroy", n, "--approver", "李处长", "--witness", "张三")
    assert r.code == 3 and "R32" in r.err and "两人以上监销" in r.err
    r = run("destroy", n, "--approver", "李处长", "--witness", "张三", "--witness", "张三")
    assert r.code == 3 and "R32" in r.err


def test_destroy_list_and_then_no_further_movement_R32(run, staff):
    a, b = receive(run), receive(run)
    r = run("destroy", a, b, "--approver", "李处长", "--witness", "张三", "--witness", "赵六",
            "--method", "自行销毁（专用设备）", "--place", "保密室")
    assert r.code == 0, r.err
    assert r.out.strip().isdigit() and "已销毁 2 件" in r.err
    r = run("lend", a, "--to", "张三", "--approver", "李处长")
    assert r.code == 3 and "R32" in r.err


def test_destroy_unknown_method_is_bad_input(run, staff):
    n = receive(run)
    r = run("destroy", n, "--approver", "李处长", "--witness", "张三", "--witness", "赵六",
            "--method", "当废纸卖")
    assert r.code == 4


# -- check --------------------------------------------------------------------------------

def test_check_expected_then_results(run, staff):
    a, b = receive(run), receive(run)
    r = run("check", "--quarter", "2026Q4", "--expected", "--json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)["carriers"]
    assert [x["number"] for x in rows] == [a, b] and all(x["result"] == "" for x in rows)
    r = run("check", "--quarter", "2026Q4", f"{a}=在", f"{b}=缺失")
    assert r.code == 0, r.err
    assert r.out.strip() == "SJ-2026-0001" and "R45" in r.err
    r = run("check", "--quarter", "2026Q4", "--expected")
    assert a in r.out and "在" in r.out and b not in r.out  # b is 下落不明 now
    r = run("check", "--quarter", "2026Q4", f"{a}=在")  # the same again: nothing new
    assert r.code == 0 and "新登记 0 件" in r.err


def test_check_bad_result_is_bad_input(run, staff):
    a = receive(run)
    assert run("check", "--quarter", "2026Q4", f"{a}").code == 4
    assert run("check", "--quarter", "2026Q9", f"{a}=在").code == 4


# -- withdraw, archive, classify -----------------------------------------------------------

def test_withdraw_and_archive(run, staff, register_path, clock):
    a, b, c = receive(run), receive(run), receive(run)
    assert run("withdraw", a, "--to", "市保密局", "--receipt", "QT-1").code == 0
    assert run("archive", b, "--archive-no", "WS-1").code == 0
    r = run("archive", c, "--archive-no", "WS-1")
    assert r.code == 3 and "R33" in r.err
    assert states(register_path, clock, a, b, c) == ["已清退", "已归档", "在库"]


def test_classify_by_non_leader_exits_3_R05(run, staff):
    n = receive(run)
    r = run("classify", n, "--kind", "变更", "--period", "5年", "--proposed-by", "张三",
            "--confirmed-by", "赵六", "--basis", "通知")
    assert r.code == 3 and "R05" in r.err
    r = run("classify", n, "--kind", "变更", "--period", "5年", "--proposed-by", "张三",
            "--confirmed-by", "李处长", "--basis", "通知")
    assert r.code == 0 and "5年" in r.err


# -- handover ------------------------------------------------------------------------------

def test_handover_list_of_someone_holding_nothing(run, staff):
    r = run("handover", "--from", "李四", "--list", "--json")
    assert r.code == 0 and json.loads(r.out) == {"outgoing": "李四", "items": []}


@pytest.fixture
def kept(staff, register_path, clock):
    """Two carriers in 赵六's custody (set through the ledger: receive has no custodian flag)."""
    from app.ledger import accounts
    from app.ledger.carriers import NewCarrier
    from app.ledger.carriers import receive as rcv
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        return [rcv(reg, NewCarrier(title=f"保管件{i}", level="秘密", issuer="市保密局",
                                    custodian="赵六"))[0] for i in (1, 2)]


def test_handover_R40(run, kept):
    r = run("handover", "--from", "赵六", "--list")
    assert r.code == 0 and all(n in r.out for n in kept)
    r = run("handover", "--from", "赵六", "--to", "张三", "--checked", kept[0], "--signed")
    assert r.code == 3 and "R40" in r.err and "清点不全" in r.err
    r = run("handover", "--from", "赵六", "--to", "张三", "--all-checked")
    assert r.code == 3 and "R40" in r.err  # both must sign
    r = run("handover", "--from", "赵六", "--to", "张三", "--all-checked", "--signed")
    assert r.code == 0, r.err
    assert json.loads(run("handover", "--from", "张三", "--list", "--json").out)["items"][0]["number"] == kept[0]
    assert run("person", "status", "赵六", "--status", "离岗").code == 0


# -- incidents -----------------------------------------------------------------------------

def test_incident_open_report_result_list_R45(run, staff, clock):
    n = receive(run, "机密")
    clock.advance(minutes=30)
    r = run("incident", "open", "--discovered", "2026-11-02 09:20", "--carrier", n,
            "--how-found", "清点时发现", "--responsible", "张三", "--course", "会后未交回",
            "--harm", "可能泄露", "--remedies", "查找")
    assert r.code == 0, r.err
    number = r.out.strip()
    assert number == "SJ-2026-0001"
    r = run("incident", "list", "--deadlines", "--json")
    assert [d["what"] for d in json.loads(r.out)] == ["书面报告", "查处结果"]
    clock.advance(hours=30)
    r = run("incident", "report", number)
    assert r.code == 0 and "逾期" in r.err
    r = run("incident", "result", number, "--text", "已找回，批评教育")
    assert r.code == 0
    rows = json.loads(run("incident", "list", "--json").out)
    assert rows[0]["closed"] and rows[0]["report_late"] and not rows[0]["result_late"]
    assert run("incident", "found", n).code == 0
    assert run("incident", "found", n).code == 4  # no longer missing


def test_incident_missing_field_exits_3_R45(run, staff):
    r = run("incident", "open", "--discovered", "2026-11-02 08:40", "--content", " ",
            "--how-found", "清点时发现", "--responsible", "张三", "--course", "会后未交回",
            "--harm", "可能泄露", "--remedies", "查找")
    assert r.code == 3 and "R45" in r.err


def test_incident_escalate_nothing_late_R31(run, staff):
    r = run("incident", "escalate")
    assert r.code == 0 and r.out == "" and "R31" in r.err
