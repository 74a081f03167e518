"""The other movement forms: 交接 (R40), 定密 (R05), 失泄密事件 (R45), 发文 (R25),
传阅 (R11, R13), 涉密人员 (R62), 计算机与设备 (R06, R64)."""
from __future__ import annotations

from datetime import date

import pytest
from forms_support import (
    carrier,
    close_forms,
    closed,
    movements,
    new,
    open_form,
    save,
    scan,
)
from sqlalchemy import select

from app.ledger.loans import lend
from app.models.carriers import Device, DeviceRepair, Person
from app.models.movements import Incident
from app.ui.forms import (
    CirculationForm,
    ClassifyForm,
    DeviceForm,
    DispatchForm,
    HandoverForm,
    IncidentForm,
    PersonForm,
    PersonStatusForm,
    ReceiptForm,
    RepairForm,
)

pytestmark = pytest.mark.usefixtures("ui_app", "close_forms")
_ = close_forms


def rows(reg, model):
    with reg.read() as s:
        found = list(s.scalars(select(model)))
        for r in found:
            s.expunge(r)
        return found


# -- 交接 --------------------------------------------------------------------------------

def handover_form(qtbot, reg, outgoing: str = "赵六") -> HandoverForm:
    form = open_form(qtbot, HandoverForm, reg)
    form.outgoing.setText(outgoing)
    form.incoming.setText("张三")
    return form


def test_a_handover_ticks_every_item_and_both_confirm(qtbot, clerk_reg, people) -> None:
    a, b = new(clerk_reg, custodian="赵六"), new(clerk_reg, custodian="赵六")
    form = handover_form(qtbot, clerk_reg)
    qtbot.waitUntil(lambda: form.table.numbers() == [a, b], timeout=10000)
    scan(form.scan, a)
    assert form.table.ticked() == [a] and "已清点 1 件" in form.status.text()
    [error] = save(qtbot, form).refused
    assert error.rule == "R40" and "清点不全" in form.error.text() and b in form.error.text()
    scan(form.scan, b)
    form.out_ok.setChecked(True)
    [error] = save(qtbot, form).refused
    assert error.rule == "R40" and "接收人尚未确认" in form.error.text()
    form.in_ok.setChecked(True)
    assert save(qtbot, form).saved and closed(form)
    assert carrier(clerk_reg, a).custodian_id == people["张三"]


def test_a_scan_off_the_handover_list_is_said(qtbot, clerk_reg, people) -> None:
    new(clerk_reg, custodian="赵六")
    other = new(clerk_reg)
    form = handover_form(qtbot, clerk_reg)
    qtbot.waitUntil(lambda: len(form.table.numbers()) == 1, timeout=10000)
    scan(form.scan, other)
    assert "不在移交清单上（R40）" in form.error.text()


def test_tick_all_and_the_ticks_are_drafted(qtbot, clerk_reg, people) -> None:
    a = new(clerk_reg, custodian="赵六")
    form = handover_form(qtbot, clerk_reg)
    qtbot.waitUntil(lambda: form.table.numbers() == [a], timeout=10000)
    form.table.tick_all()
    data = form.draft_data()
    assert data["移交清单"] == [a] and data["移交人"] == "赵六"
    again = open_form(qtbot, HandoverForm, clerk_reg)
    again.restore_draft(data)
    qtbot.waitUntil(lambda: again.table.ticked() == [a], timeout=10000)


# -- 定密 --------------------------------------------------------------------------------

def test_classifying_a_produced_document(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg, origin="自制", approved_by="李处长", approved_count=1)
    form = open_form(qtbot, ClassifyForm, clerk_reg)
    scan(form.number, n)
    form.level.setCurrentText("机密")
    form.period.setText("10年")
    form.proposed_by.setText("赵六")
    form.confirmed_by.setText("赵六")
    form.basis.setText("保密事项一览表 第三项")
    [error] = save(qtbot, form).refused
    assert error.rule == "R05" and "不是领导" in form.error.text()
    form.confirmed_by.setText("李处长")
    [error] = save(qtbot, form).refused  # 机密 needs a 份号 first
    assert error.rule == "R03"
    form.level.setCurrentText("秘密")
    assert save(qtbot, form).saved
    c = carrier(clerk_reg, n)
    assert c.classified and c.period == "10年"
    assert open_form(qtbot, ClassifyForm, clerk_reg).confirmed_by.text() == "李处长（办公室）"


def test_declassifying_leaves_the_level(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, ClassifyForm, clerk_reg)
    scan(form.number, n)
    form.kind.setCurrentText("解密")
    assert not form.level.isEnabled()
    form.proposed_by.setText("赵六")
    form.confirmed_by.setText("李处长")
    form.basis.setText("市保密局解密通知")
    assert save(qtbot, form).saved
    c = carrier(clerk_reg, n)
    assert c.level == "秘密" and c.period.startswith("已解密")


# -- 失泄密事件 ---------------------------------------------------------------------------

def test_an_incident_needs_the_seven_fields(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg, "机密")
    form = open_form(qtbot, IncidentForm, clerk_reg)
    scan(form.number, n)
    form.texts["how_found"].setPlainText("清点时发现缺少一份")
    [error] = save(qtbot, form).refused
    assert error.rule == "R45" and "责任人的基本情况" in form.error.text()
    assert form.texts["how_found"].toPlainText() == "清点时发现缺少一份"
    for key, text in (("responsible", "赵六，办公室科员"), ("course", "11月2日上午在会议室"),
                      ("harm", "可能造成机密信息泄露"), ("remedies", "立即查找，封存会议室")):
        form.texts[key].setPlainText(text)
    assert save(qtbot, form).saved
    [incident] = rows(clerk_reg, Incident)
    assert incident.content.startswith("《关于做好年度保密检查的通知》") and incident.investigation == "正在调查"
    assert carrier(clerk_reg, n).state == "下落不明"


# -- 发文 and its receipt -------------------------------------------------------------------

def test_dispatch_by_ordinary_post_is_refused_with_r25(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, DispatchForm, clerk_reg)
    scan(form.number, n)
    form.to_unit.setText("市财政局")
    form.channel.setEditText("普通邮寄")
    [error] = save(qtbot, form).refused
    assert error.rule == "R25" and "普通邮政" in form.error.text()
    form.channel.setCurrentText("机要通信")
    assert save(qtbot, form).saved
    assert carrier(clerk_reg, n).state == "已发出"
    form = open_form(qtbot, ReceiptForm, clerk_reg)
    scan(form.number, n)
    form.signed_by.setText("王某")
    assert save(qtbot, form).saved
    assert [m.kind for m in movements(clerk_reg, n)] == ["收文", "发文", "回执"]


# -- 传阅 --------------------------------------------------------------------------------

def test_a_circulation_from_start_to_end(qtbot, clerk_reg, people, clock) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, CirculationForm, clerk_reg)
    scan(form.number, n)
    assert form.save_button.text() == "开始传阅" and not form.signed.isVisible()
    for name in ("张三", "赵六"):
        form.readers.add(name)
    form.approver.setText("李处长")
    assert save(qtbot, form).saved
    assert carrier(clerk_reg, n).holder_id == people["张三"]
    clock.advance(hours=1)
    form = open_form(qtbot, CirculationForm, clerk_reg)
    scan(form.number, n)
    assert form.save_button.text() == "交还并转下一位" and form.signed.isVisible()
    assert "传阅中（第 1/2 位）" in form.card.text()
    form.signed.setChecked(True)
    assert save(qtbot, form).saved
    assert carrier(clerk_reg, n).holder_id == people["赵六"]


def test_a_circulation_out_of_scope_is_refused_with_r11(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg, scope=["办公室"])
    form = open_form(qtbot, CirculationForm, clerk_reg)
    scan(form.number, n)
    form.readers.add("张三")
    form.readers.add("李四")  # 财务处
    form.approver.setText("李处长")
    [error] = save(qtbot, form).refused
    assert error.rule == "R11" and "李四" in form.error.text()
    assert form.readers.labels() == ["张三（办公室）", "李四（财务处）"]


# -- 涉密人员 -------------------------------------------------------------------------------

def test_registering_a_person_and_changing_the_status(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, PersonForm, clerk_reg)
    form.name.setText("孙七")
    form.dept.setText("机要室")
    form.clearance.setCurrentText("重要")
    form.pledged.setChecked(True)
    assert save(qtbot, form).saved
    [sun] = [p for p in rows(clerk_reg, Person) if p.name == "孙七"]
    assert (sun.dept, sun.clearance, sun.pledge_date, sun.status) == ("机要室", "重要", date(2026, 11, 2), "在岗")

    lend(clerk_reg, new(clerk_reg), borrower="孙七", approver="李处长")
    form = open_form(qtbot, PersonStatusForm, clerk_reg)
    form.person.setText("孙七")
    form.status.setCurrentText("离岗")
    [error] = save(qtbot, form).refused
    assert error.rule == "R40" and "须先归还或办理交接" in form.error.text()
    form.person.setText("李四")
    form.status.setCurrentText("脱密期")
    assert save(qtbot, form).saved
    [li] = [p for p in rows(clerk_reg, Person) if p.name == "李四"]
    assert li.status == "脱密期" and li.declassify_until == date(2027, 11, 2)


# -- 计算机与设备 -----------------------------------------------------------------------------

def test_a_fax_without_encryption_is_refused_with_r64(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, DeviceForm, clerk_reg)
    assert not form.encrypted.isVisible()
    form.kind.setCurrentText("传真机")
    assert form.encrypted.isVisible()
    [error] = save(qtbot, form).refused
    assert error.rule == "R64"
    form.encrypted.setChecked(True)
    form.custodian.setText("赵六")
    assert save(qtbot, form).saved
    [fax] = rows(clerk_reg, Device)
    assert fax.kind == "传真机" and fax.encrypted_fax and fax.custodian_id == people["赵六"]


def test_a_repair_needs_a_supervisor(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, DeviceForm, clerk_reg)
    form.model.setText("联想 M720")
    assert save(qtbot, form).saved
    form = open_form(qtbot, RepairForm, clerk_reg)
    assert "联想 M720" in form.device.currentText()
    form.company.setText("某维修公司")
    [error] = save(qtbot, form).refused
    assert error.rule == "R06" and "现场监督" in form.error.text()
    form.supervisor.setText("赵六")
    form.description.setPlainText("更换电源")
    assert save(qtbot, form).saved
    [repair] = rows(clerk_reg, DeviceRepair)
    assert repair.supervisor_id == people["赵六"] and repair.on_site


def test_a_repair_with_no_device_registered(qtbot, clerk_reg) -> None:
    form = open_form(qtbot, RepairForm, clerk_reg)
    form.save()
    assert "请先登记设备" in form.error.text()

