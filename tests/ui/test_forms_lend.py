"""借阅 and 归还 forms: scanning, completion, remembered approver, the end of today,
Enter / Esc, and refusals shown inline with the input kept (R10, R11, R13, R14, R15)."""
from __future__ import annotations

from datetime import datetime

import pytest
from forms_support import (
    at,
    carrier,
    close_forms,
    closed,
    journal_head,
    movements,
    new,
    open_form,
    press,
    save,
    scan,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from typing_helpers import type_text

from app.ledger.loans import lend
from app.ui.forms import LendForm, ReturnForm
from app.ui.forms.fields import to_datetime

pytestmark = pytest.mark.usefixtures("ui_app", "close_forms")
_ = close_forms  # the fixture, imported so pytest finds it


def fill_lend(form: LendForm, number: str, borrower: str = "张三", approver: str = "李处长") -> None:
    form.number.setText(number)
    form.number.look_up()
    form.borrower.setText(borrower)
    form.approver.setText(approver)


def test_lending_saves_the_loan(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, n)
    outcome = save(qtbot, form)
    assert outcome.saved and not outcome.refused
    c = carrier(clerk_reg, n)
    assert c.state == "借出" and c.holder_id == people["张三"]
    [loan] = movements(clerk_reg, n, "借出")
    assert loan.approver_id == people["李处长"] and loan.due_at == at(17, 30)
    assert closed(form)


def test_the_common_case_by_keyboard(qtbot, clerk_reg, people) -> None:
    """Scan, Enter, part of a name, Enter picks the one match, Enter saves."""
    n = new(clerk_reg)
    lend(clerk_reg, new(clerk_reg), borrower="赵六", approver="李处长")  # the approver to remember
    form = open_form(qtbot, LendForm, clerk_reg)
    assert QApplication.focusWidget() is form.number  # focus starts in the first field
    scan(form.number, n)
    assert QApplication.focusWidget() is form.borrower
    type_text(form.borrower, "三")
    press(form.borrower, Qt.Key.Key_Return)  # completes 张三（办公室） and moves on
    assert form.borrower.text() == "张三（办公室）"
    assert form.approver.text() == "李处长（办公室）"  # remembered
    outcome = save(qtbot, form, key=True)
    assert outcome.saved
    assert carrier(clerk_reg, n).holder_id == people["张三"]


def test_enter_in_the_scan_field_moves_on_and_never_saves(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    before = journal_head(clerk_reg)
    form.borrower.setText("张三")
    form.approver.setText("李处长")
    form.number.setFocus()
    scan(form.number, n)
    assert not form.saving and journal_head(clerk_reg) == before
    assert QApplication.focusWidget() is form.borrower
    assert "关于做好年度保密检查的通知" in form.card.text() and "在库" in form.card.text()


def test_a_wrong_scan_stays_in_the_field_to_be_scanned_again(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, LendForm, clerk_reg)
    scan(form.number, "2026-999999")
    assert QApplication.focusWidget() is form.number
    assert form.number.selectedText() == "2026-999999"
    assert "没有编号为 2026-999999" in form.card.text()


def test_a_scan_with_full_width_digits_is_normalised(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    form.number.setText(n.replace("0", "０"))
    press(form.number, Qt.Key.Key_Return)
    assert form.number.text() == n


def test_the_borrower_by_part_of_a_name_or_department(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, LendForm, clerk_reg)
    completer = form.borrower.completer()
    form.borrower.setFocus()
    type_text(form.borrower, "财务")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "李四（财务处）"
    form.borrower.clear()
    type_text(form.borrower, "李")
    assert completer.completionCount() == 2  # 李处长, 李四
    press(form.borrower, Qt.Key.Key_Return)  # two matches: the list opens, nothing is saved
    assert completer.popup().isVisible() and not form.saving
    popup = completer.popup()
    press(popup, Qt.Key.Key_Down)
    press(popup, Qt.Key.Key_Down)  # the clerk arrows down to the second: 李处长
    press(popup, Qt.Key.Key_Return)
    assert form.borrower.text() == "李处长（办公室）" and form.borrower.person().name == "李处长"
    assert not form.saving  # picking from the list does not save


def test_the_approver_is_the_last_one_used(qtbot, clerk_reg, people, clock) -> None:
    assert open_form(qtbot, LendForm, clerk_reg).approver.text() == ""
    lend(clerk_reg, new(clerk_reg), borrower="张三", approver="王局长")
    assert open_form(qtbot, LendForm, clerk_reg).approver.text() == "王局长（局领导）"
    form = open_form(qtbot, LendForm, clerk_reg)
    clock.advance(minutes=10)
    fill_lend(form, new(clerk_reg), approver="李处长")
    assert save(qtbot, form).saved
    assert open_form(qtbot, LendForm, clerk_reg).approver.text() == "李处长（办公室）"


def test_due_defaults_to_the_end_of_today(qtbot, clerk_reg, people, clock) -> None:
    form = open_form(qtbot, LendForm, clerk_reg)
    assert to_datetime(form.due) == at(17, 30)
    clock.set(at(18, 5))  # after hours the day ends at midnight
    form = open_form(qtbot, LendForm, clerk_reg)
    assert to_datetime(form.due) == datetime(2026, 11, 2, 23, 59)


def test_a_changed_due_is_passed_to_the_ledger(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, n)
    form.due.setDateTime(at(12, 0))
    assert save(qtbot, form).saved
    assert movements(clerk_reg, n, "借出")[0].due_at == at(12, 0)


def test_out_of_scope_shows_r11_and_keeps_the_input(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg, scope=["财务处"])
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, n)
    form.purpose.setText("起草文件")
    before = journal_head(clerk_reg)
    outcome = save(qtbot, form)
    [error] = outcome.refused
    assert error.rule == "R11"
    assert form.isVisible() and form.error.isVisible()
    assert "R11" in form.error.text() and "阅读范围" in form.error.text()
    assert "保密制度汇编" in form.error.text()
    assert (form.number.text(), form.borrower.text(), form.purpose.text()) == (n, "张三", "起草文件")
    assert journal_head(clerk_reg) == before and carrier(clerk_reg, n).state == "在库"
    assert form.save_button.isEnabled()


def test_a_non_leader_approver_shows_r10(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, n, approver="赵六")
    [error] = save(qtbot, form).refused
    assert error.rule == "R10" and "赵六 不是领导" in form.error.text()


def test_the_refusal_goes_when_the_next_save_succeeds(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, n, approver="赵六")
    assert save(qtbot, form).refused
    form.approver.setText("李处长")
    assert save(qtbot, form).saved
    assert carrier(clerk_reg, n).state == "借出"


def test_principal_leader_approval_only_for_top_secret_taken_out(qtbot, clerk_reg, people) -> None:
    secret, top = new(clerk_reg, "机密"), new(clerk_reg, "绝密")
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, secret, borrower="赵六")
    form.place.setCurrentText("带出")
    assert not form.principal.isVisible()
    form.number.setText(top)
    form.number.look_up()
    assert form.principal.isVisible()
    form.place.setCurrentText("室内")
    assert not form.principal.isVisible()
    form.place.setCurrentText("带出")
    [error] = save(qtbot, form).refused  # the leader is not the principal leader
    assert error.rule == "R15"
    form.approver.setText("王局长")
    form.principal.setChecked(True)
    form.due.setDateTime(datetime(2026, 11, 3, 12, 0))
    assert save(qtbot, form).saved
    assert carrier(clerk_reg, top).state == "外出携带"


def test_esc_cancels_and_writes_nothing(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, n)
    before = journal_head(clerk_reg)
    press(form.borrower, Qt.Key.Key_Escape)
    assert closed(form)
    assert journal_head(clerk_reg) == before and carrier(clerk_reg, n).state == "在库"


def test_enter_on_a_complete_field_saves(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, LendForm, clerk_reg)
    fill_lend(form, n)
    form.purpose.setFocus()
    assert save(qtbot, form, key=True).saved


# -- 归还 --------------------------------------------------------------------------------

def test_returning_fills_in_the_borrower(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    form = open_form(qtbot, ReturnForm, clerk_reg)
    scan(form.number, n)
    assert form.returned_by.text() == "张三（办公室）"
    assert "借阅人：张三（办公室）" in form.card.text()
    assert QApplication.focusWidget() is form.signed  # the one box left to tick
    press(form.signed, Qt.Key.Key_Space)
    assert save(qtbot, form, key=True).saved
    c = carrier(clerk_reg, n)
    assert c.state == "在库" and c.holder_id is None


def test_returning_unsigned_shows_r14(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    form = open_form(qtbot, ReturnForm, clerk_reg)
    scan(form.number, n)
    [error] = save(qtbot, form).refused
    assert error.rule == "R14" and "签名" in form.error.text()
    assert form.number.text() == n and carrier(clerk_reg, n).state == "借出"


def test_returning_by_someone_else_shows_r13(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    form = open_form(qtbot, ReturnForm, clerk_reg)
    scan(form.number, n)
    form.returned_by.setText("赵六")
    form.signed.setChecked(True)
    [error] = save(qtbot, form).refused
    assert error.rule == "R13" and "转借" in form.error.text()


def test_returning_a_carrier_that_is_in(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, ReturnForm, clerk_reg)
    scan(form.number, n)
    assert "未借出" in form.card.text()
