"""收文登记 form: N copies in one save, the live 份号 hint (R03), produced documents (R04),
and the input kept as a draft (R53)."""
from __future__ import annotations

import pytest
from forms_support import (
    Outcome,
    carrier,
    close_forms,
    closed,
    journal_head,
    movements,
    open_form,
    press,
    save,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from typing_helpers import type_text

from app.ui.forms import ReceiveForm
from app.ui.forms.receive import serial_hint

pytestmark = pytest.mark.usefixtures("ui_app", "close_forms")
_ = close_forms


def test_receiving_three_copies(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, ReceiveForm, clerk_reg)
    assert QApplication.focusWidget() is form.title_edit
    type_text(form.title_edit, "关于加强涉密载体管理的通知")
    form.level.setCurrentText("机密")
    form.copies.setValue(3)
    form.issuer.setText("市保密局")
    form.doc_no.setText("市保发〔2026〕12号")
    form.scope.setText("办公室、李四")
    form.received_by.setText("赵六")
    outcome = save(qtbot, form)
    [numbers] = outcome.saved
    assert len(numbers) == 3 and closed(form)
    serials = [carrier(clerk_reg, n).serial for n in numbers]
    assert serials == ["第1份/共3份", "第2份/共3份", "第3份/共3份"]
    c = carrier(clerk_reg, numbers[0])
    assert (c.level, c.issuer, c.doc_no, c.period) == ("机密", "市保密局", "市保发〔2026〕12号", "20年")
    [m] = movements(clerk_reg, numbers[0])
    assert m.kind == "收文" and m.person_id == people["赵六"]


def test_the_serial_hint_is_live(qtbot, clerk_reg) -> None:
    form = open_form(qtbot, ReceiveForm, clerk_reg)
    assert "可不填份号" in form.serial_hint.text() and not form.serial_hint.property("warning")
    form.level.setCurrentText("绝密")
    assert "绝密载体须标注份号（R03）" in form.serial_hint.text() and form.serial_hint.property("warning")
    form.serial.setText("007")
    assert form.serial_hint.text() == "份号 007" and not form.serial_hint.property("warning")
    form.copies.setValue(4)
    assert "007 至 010" in form.serial_hint.text()
    form.serial.setText("甲")
    assert form.serial_hint.property("warning")
    assert form.period.placeholderText() == "默认 30年"


def test_serial_hints() -> None:
    assert serial_hint("机密", 1, "") == ("机密载体须标注份号（R03），请填写，如 001。", True)
    assert serial_hint("秘密", 2, "")[0].startswith("将自动编为「第1份/共2份」")


def test_top_secret_without_a_serial_is_refused_with_r03(qtbot, clerk_reg) -> None:
    form = open_form(qtbot, ReceiveForm, clerk_reg)
    form.title_edit.setText("某工程设计图纸")
    form.level.setCurrentText("绝密")
    before = journal_head(clerk_reg)
    [error] = save(qtbot, form).refused
    assert error.rule == "R03" and "份号" in form.error.text() and form.error.isVisible()
    assert form.title_edit.text() == "某工程设计图纸" and journal_head(clerk_reg) == before
    form.serial.setText("001")
    [numbers] = save(qtbot, form).saved
    assert carrier(clerk_reg, numbers[0]).serial == "001"


def test_a_title_is_needed(qtbot, clerk_reg) -> None:
    form = open_form(qtbot, ReceiveForm, clerk_reg)
    form.save()  # refused by the form itself: nothing goes to the worker
    assert form.error.text() == "请填写文件标题。" and not form.saving


def test_a_produced_document_needs_the_leaders_approval(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, ReceiveForm, clerk_reg)
    assert not form.approved_by.isVisible()
    form.title_edit.setText("本单位年度保密工作总结")
    form.origin.setCurrentIndex(form.origin.findData("自制"))
    assert form.approved_by.isVisible()
    [error] = save(qtbot, form).refused
    assert error.rule == "R04"
    form.approved_by.setText("李处长")
    form.approved_count.setValue(1)
    [numbers] = save(qtbot, form).saved
    assert carrier(clerk_reg, numbers[0]).origin == "自制"


def test_enter_in_the_note_is_a_new_line_ctrl_enter_saves(qtbot, clerk_reg) -> None:
    form = open_form(qtbot, ReceiveForm, clerk_reg)
    form.title_edit.setText("通知")
    form.note.setFocus()
    type_text(form.note, "第一行")
    press(form.note, Qt.Key.Key_Return)
    type_text(form.note, "第二行")
    assert form.note.toPlainText() == "第一行\n第二行" and not form.saving
    outcome = Outcome(form)
    press(form.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: outcome.done, timeout=10000)
    [numbers] = outcome.saved
    assert carrier(clerk_reg, numbers[0]).note == "第一行\n第二行"


def test_the_input_becomes_a_draft_and_comes_back(qtbot, clerk_reg) -> None:
    form = open_form(qtbot, ReceiveForm, clerk_reg)
    assert form.draft_data() is None  # nothing typed yet
    form.title_edit.setText("关于某项目的请示")
    form.level.setCurrentText("机密")
    form.serial.setText("003")
    data = form.draft_data()
    assert data["文件标题"] == "关于某项目的请示" and data["密级"] == "机密"
    again = open_form(qtbot, ReceiveForm, clerk_reg)
    again.restore_draft(data)
    assert again.title_edit.text() == "关于某项目的请示" and again.serial.text() == "003"
    assert again.serial_hint.text() == "份号 003"
