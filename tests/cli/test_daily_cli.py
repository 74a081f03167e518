"""`baomi person|receive|lend|return|circulate|dispatch|device` in-process."""
from __future__ import annotations

import json

import pytest

from tests.conftest import CLERK, CLERK_PW


@pytest.fixture
def run(baomi, register_path):
    """`run(verb..., *args)` as the clerk on the test's register."""
    def go(*argv: object):
        # `baomi person add DB ...`: groups take the action before the register.
        n = 2 if argv[0] in ("person", "circulate", "device") else 1
        return baomi(*argv[:n], register_path, "--user", CLERK, "--password-stdin", *argv[n:],
                     stdin=[CLERK_PW])
    return go


@pytest.fixture
def staff(run):
    for args in (["--name", "李处长", "--dept", "办公室", "--clearance", "核心", "--leader"],
                 ["--name", "王局长", "--dept", "局领导", "--clearance", "核心", "--principal-leader"],
                 ["--name", "张三", "--dept", "办公室", "--clearance", "重要", "--pledge-date", "2026-01-05"],
                 ["--name", "李四", "--dept", "财务处", "--clearance", "一般"]):
        assert run("person", "add", *args).code == 0


def test_person_add_and_list(run, staff):
    r = run("person", "list", "--json")
    assert r.code == 0
    people = {p["name"]: p for p in json.loads(r.out)}
    assert people["王局长"]["is_principal_leader"] and people["王局长"]["is_leader"]
    assert people["张三"]["pledge_date"] == "2026-01-05"
    table = run("person", "list")
    assert "张三" in table.out and "主要领导" in table.out


def test_receive_prints_one_number_per_line(run, staff):
    r = run("receive", "--title", "关于年终保密检查的通知", "--level", "机密", "--from", "市保密局",
            "--copies", "3", "--scope", "张三,办公室")
    assert r.code == 0, r.err
    assert r.out.split() == ["2026-000001", "2026-000002", "2026-000003"]


def test_receive_confidential_without_serial_exits_3_R03(run, staff):
    r = run("receive", "--title", "某机密文件", "--level", "机密", "--from", "市保密局")
    assert r.code == 3 and "R03" in r.err and r.out == ""


def test_receive_late_registration_noticed_R01(run, staff):
    r = run("receive", "--title", "补登的来文", "--level", "秘密", "--received", "2026-10-30 10:00")
    assert r.code == 0 and "R01" in r.err


def test_receive_produced_without_approval_exits_3_R04(run, staff):
    r = run("receive", "--title", "本单位自制", "--level", "秘密", "--origin", "自制", "--copies", "2")
    assert r.code == 3 and "R04" in r.err
    r = run("receive", "--title", "本单位自制", "--level", "秘密", "--origin", "自制", "--copies", "2",
            "--approver", "李处长", "--approved-count", "2")
    assert r.code == 0 and len(r.out.split()) == 2


def test_receive_meeting_needs_who_handed_in_R07(run, staff):
    r = run("receive", "--title", "会议材料", "--level", "秘密", "--origin", "会议带回",
            "--meeting", "全市保密工作会议")
    assert r.code == 3 and "R07" in r.err
    r = run("receive", "--title", "会议材料", "--level", "秘密", "--origin", "会议带回",
            "--meeting", "全市保密工作会议", "--handed-in-by", "李处长")
    assert r.code == 0


def test_lend_and_return(run, staff, clock):
    n = run("receive", "--title", "来文", "--level", "秘密").out.strip()
    r = run("lend", n, "--to", "张三", "--approver", "李处长", "--purpose", "阅办")
    assert r.code == 0 and "17:30" in r.err
    assert run("lend", n, "--to", "李四", "--approver", "李处长").code == 3  # R13: already out
    clock.advance(hours=3)
    r = run("return", n, "--by", "李四")
    assert r.code == 3 and "R13" in r.err
    r = run("return", n, "--by", "张三", "--not-signed")
    assert r.code == 3 and "R14" in r.err
    assert run("return", n, "--by", "张三").code == 0


def test_lend_without_leader_exits_3_R10(run, staff):
    n = run("receive", "--title", "来文", "--level", "秘密").out.strip()
    r = run("lend", n, "--to", "张三", "--approver", "李四")
    assert r.code == 3 and "R10" in r.err


def test_lend_top_secret_taken_out_R15(run, staff):
    run("person", "add", "--name", "赵六", "--dept", "办公室", "--clearance", "核心")
    n = run("receive", "--title", "绝密来文", "--level", "绝密", "--serial", "001").out.strip()
    r = run("lend", n, "--to", "赵六", "--approver", "李处长", "--take-out")
    assert r.code == 3 and "R15" in r.err
    r = run("lend", n, "--to", "赵六", "--approver", "王局长", "--take-out",
            "--principal-leader-approved", "--due", "2026-11-04 17:00")
    assert r.code == 0 and "携带外出" in r.err


def test_lend_overnight_for_office_reading_exits_3_R12(run, staff):
    n = run("receive", "--title", "来文", "--level", "秘密").out.strip()
    r = run("lend", n, "--to", "张三", "--approver", "李处长", "--due", "2026-11-03 09:00")
    assert r.code == 3 and "R12" in r.err


def test_bad_datetime_is_bad_input(run, staff):
    n = run("receive", "--title", "来文", "--level", "秘密").out.strip()
    r = run("lend", n, "--to", "张三", "--approver", "李处长", "--due", "明天")
    assert r.code == 4


def test_circulate(run, staff, clock):
    n = run("receive", "--title", "传阅件", "--level", "秘密", "--scope", "办公室").out.strip()
    r = run("circulate", "start", n, "--readers", "张三,李四", "--approver", "李处长")
    assert r.code == 3 and "R11" in r.err  # 李四 of 财务处 is outside the scope
    assert run("circulate", "start", n, "--readers", "张三,李处长", "--approver", "李处长").code == 0
    clock.advance(hours=1)
    r = run("circulate", "next", n)
    assert r.code == 0 and "李处长" in r.err
    clock.advance(hours=1)
    r = run("circulate", "next", n)
    assert r.code == 0 and "传阅完毕" in r.err


def test_dispatch_by_post_exits_3_R25(run, staff, clock):
    n = run("receive", "--title", "报送材料", "--level", "秘密").out.strip()
    r = run("dispatch", n, "--to", "市保密局", "--channel", "普通邮寄")
    assert r.code == 3 and "R25" in r.err
    assert run("dispatch", n, "--to", "市保密局", "--channel", "机要通信").code == 0
    clock.advance(days=1)
    assert run("dispatch-receipt", n, "--signed-by", "刘某").code == 0


def test_device_add_repair_list(run, staff, clock):
    r = run("device", "add", "--kind", "传真机", "--level", "秘密")
    assert r.code == 3 and "R64" in r.err
    r = run("device", "add", "--kind", "计算机", "--level", "机密", "--serial-no", "PC-01",
            "--custodian", "张三")
    assert r.code == 0
    number = r.out.strip()
    clock.advance(hours=1)
    r = run("device", "repair", number, "--off-site", "--supervisor", "张三", "--company", "某公司")
    assert r.code == 3 and "R06" in r.err
    r = run("device", "repair", number, "--off-site", "--supervisor", "张三", "--storage-removed")
    assert r.code == 0
    [d] = json.loads(run("device", "list", "--json").out)
    assert d["number"] == number and d["repairs"] == 1


def test_person_status_refused_while_holding_R40(run, staff, clock):
    n = run("receive", "--title", "来文", "--level", "秘密").out.strip()
    run("lend", n, "--to", "张三", "--approver", "李处长")
    r = run("person", "status", "张三", "--status", "离岗")
    assert r.code == 3 and "R40" in r.err
    clock.advance(hours=1)
    run("return", n, "--by", "张三")
    assert run("person", "status", "张三", "--status", "脱密期", "--until", "2027-05-01").code == 0
