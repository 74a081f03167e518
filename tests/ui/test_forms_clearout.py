"""The forms of the clear-out: 季度清查 (R30, R45), 清退 (R30), 销毁 (R32), 归档 (R33)."""
from __future__ import annotations

import pytest
from forms_support import (
    carrier,
    close_forms,
    closed,
    detail,
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

from app.ledger.checks import check_items
from app.ledger.loans import lend
from app.ui.forms import ArchiveForm, CheckForm, DestroyForm, WithdrawForm

pytestmark = pytest.mark.usefixtures("ui_app", "close_forms")
_ = close_forms


# -- 销毁 --------------------------------------------------------------------------------

def destroy_form(qtbot, reg, numbers: list[str], witnesses: list[str]) -> DestroyForm:
    form = open_form(qtbot, DestroyForm, reg)
    for n in numbers:
        scan(form.items.entry, n)
    form.approver.setText("李处长")
    for w in witnesses:
        form.witnesses.entry.setText(w)
        press(form.witnesses.entry, Qt.Key.Key_Return)
    return form


def test_destroying_a_list_with_two_witnesses(qtbot, clerk_reg, people) -> None:
    a, b = new(clerk_reg), new(clerk_reg, "机密")
    form = destroy_form(qtbot, clerk_reg, [a, b], ["赵六", "张三"])
    assert form.items.numbers() == [a, b]
    assert QApplication.focusWidget() is form.items.entry  # each scan stayed for the next
    assert form.witnesses.labels() == ["赵六（办公室）", "张三（办公室）"]
    assert save(qtbot, form).saved and closed(form)
    for n in (a, b):
        assert carrier(clerk_reg, n).state == "已销毁"
    [m] = movements(clerk_reg, a, "销毁")
    assert detail(m)["witness_names"] == ["赵六（办公室）", "张三（办公室）"]


def test_one_witness_is_refused_with_r32(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = destroy_form(qtbot, clerk_reg, [n], ["赵六"])
    before = journal_head(clerk_reg)
    [error] = save(qtbot, form).refused
    assert error.rule == "R32" and "两人以上监销" in form.error.text() and "R32" in form.error.text()
    assert form.items.numbers() == [n] and form.witnesses.labels() == ["赵六（办公室）"]
    assert journal_head(clerk_reg) == before and carrier(clerk_reg, n).state == "在库"
    form.witnesses.entry.setText("张三")
    press(form.witnesses.entry, Qt.Key.Key_Return)
    assert save(qtbot, form).saved


def test_the_same_witness_twice_counts_once(qtbot, clerk_reg, people) -> None:
    form = destroy_form(qtbot, clerk_reg, [new(clerk_reg)], ["赵六", "赵六"])
    assert form.witnesses.labels() == ["赵六（办公室）"]


def test_a_scan_that_is_not_in_the_register_is_not_listed(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, DestroyForm, clerk_reg)
    scan(form.items.entry, "2026-999999")
    assert form.items.numbers() == [] and "没有编号为 2026-999999" in form.items.message.text()
    assert form.items.entry.selectedText() == "2026-999999"


def test_an_empty_list_is_refused_by_the_form(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, DestroyForm, clerk_reg)
    form.save()
    assert "销毁清单中没有载体" in form.error.text()


def test_the_check_candidates_join_the_list(qtbot, clerk_reg, people) -> None:
    a, b = new(clerk_reg), new(clerk_reg)
    check_items(clerk_reg, "2026Q4", {a: "拟销毁", b: "在"})
    form = open_form(qtbot, DestroyForm, clerk_reg)
    form.load_candidates()
    qtbot.waitUntil(lambda: form.items.numbers() == [a], timeout=10000)


def test_the_destruction_list_is_drafted(qtbot, clerk_reg, people) -> None:
    a = new(clerk_reg)
    form = destroy_form(qtbot, clerk_reg, [a], ["赵六", "张三"])
    data = form.draft_data()
    assert data["销毁清单"] == [a] and data["监销人"] == ["赵六（办公室）", "张三（办公室）"]
    again = open_form(qtbot, DestroyForm, clerk_reg)
    again.restore_draft(data)
    assert again.items.numbers() == [a] and again.witnesses.refs() == [people["赵六"], people["张三"]]


# -- 清查 --------------------------------------------------------------------------------

def test_the_quarterly_check(qtbot, clerk_reg, people) -> None:
    a, b, c = new(clerk_reg), new(clerk_reg), new(clerk_reg)
    lend(clerk_reg, c, borrower="张三", approver="李处长")
    form = open_form(qtbot, CheckForm, clerk_reg)
    assert form.quarter.currentText() == "2026Q4"
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    assert form.table.model_.rowCount() == 3
    form.scan.setFocus()
    scan(form.scan, a)  # found on the shelf
    assert form.table.results() == {a: "在"} and form.scan.text() == ""
    form.table.selectRow(form.table.row_of(b))
    press(form.table, Qt.Key.Key_2)  # 缺失
    form.mark_rest_present()
    assert form.table.results() == {a: "在", b: "缺失", c: "在"}
    assert "缺失 1 件" in form.status.text()
    assert save(qtbot, form).saved
    assert carrier(clerk_reg, b).state == "下落不明"  # and an incident (R45)
    assert [detail(m)["result"] for m in movements(clerk_reg, a, "清查")] == ["在"]


def test_a_scan_off_the_list_is_said(qtbot, clerk_reg, people) -> None:
    form = open_form(qtbot, CheckForm, clerk_reg)
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    scan(form.scan, "2026-999999")
    assert "不在 2026Q4 的清查清单上" in form.error.text()


def test_nothing_checked_is_refused_by_the_form(qtbot, clerk_reg, people) -> None:
    new(clerk_reg)
    form = open_form(qtbot, CheckForm, clerk_reg)
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    form.save()
    assert "还没有核对任何载体" in form.error.text()


def test_check_results_are_drafted_before_the_list_loads(qtbot, clerk_reg, people) -> None:
    a = new(clerk_reg)
    form = open_form(qtbot, CheckForm, clerk_reg)
    form.restore_draft({"季度": "2026Q4", "清查结果": {a: "拟销毁"}})
    qtbot.waitUntil(lambda: form.loaded, timeout=10000)
    assert form.table.results() == {a: "拟销毁"}


# -- 清退 and 归档 ------------------------------------------------------------------------

def test_withdrawing_to_the_issuer(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, WithdrawForm, clerk_reg)
    scan(form.number, n)
    assert form.to_unit.text() == "市保密局"  # the issuer, by default
    assert QApplication.focusWidget() is form.to_unit
    assert save(qtbot, form, key=True).saved
    assert carrier(clerk_reg, n).state == "已清退"


def test_withdrawing_a_carrier_that_is_out_is_refused(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    form = open_form(qtbot, WithdrawForm, clerk_reg)
    scan(form.number, n)
    [error] = save(qtbot, form).refused
    assert error.rule == "R30" and "借出" in form.error.text()


def test_archiving(qtbot, clerk_reg, people) -> None:
    n, m = new(clerk_reg), new(clerk_reg)
    form = open_form(qtbot, ArchiveForm, clerk_reg)
    scan(form.number, n)
    type_text(form.archive_no, "WS2026-001")
    form.location.setText("涉密档案专柜 2 号")
    assert save(qtbot, form).saved
    assert carrier(clerk_reg, n).state == "已归档"
    form = open_form(qtbot, ArchiveForm, clerk_reg)
    scan(form.number, m)
    form.archive_no.setText("WS2026-001")
    [error] = save(qtbot, form).refused
    assert error.rule == "R33" and "不得重复" in form.error.text()
