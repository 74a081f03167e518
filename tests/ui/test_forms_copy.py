"""复制 form: copies become carriers (R22); 绝密 is refused with R21 and the input stays."""
from __future__ import annotations

import pytest
from forms_support import (
    carrier,
    close_forms,
    closed,
    journal_head,
    movements,
    new,
    open_form,
    save,
    scan,
)

from app.ledger.devices import add_device
from app.ui.forms import CopyForm

pytestmark = pytest.mark.usefixtures("ui_app", "close_forms")
_ = close_forms

R21 = "绝密载体不得复制、翻印（R21，保密制度汇编 五、四）"


def test_copying_makes_new_carriers(qtbot, clerk_reg, people) -> None:
    copier = add_device(clerk_reg, kind="复印机", model="理光 MP 2014")
    n = new(clerk_reg, "机密")
    form = open_form(qtbot, CopyForm, clerk_reg)
    scan(form.number, n)
    form.count.setValue(2)
    form.approver.setText("李处长")
    form.by.setText("赵六")
    form.device.setCurrentIndex(form.device.findData(copier))
    [copies] = save(qtbot, form).saved
    assert len(copies) == 2 and closed(form)
    for c in copies:
        child = carrier(clerk_reg, c)
        assert (child.level, child.origin, child.state) == ("机密", "复制", "在库")
    [m] = movements(clerk_reg, n, "复制")
    assert m.approver_id == people["李处长"] and copier in m.detail


def test_top_secret_is_refused_with_r21_and_the_fields_are_kept(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg, "绝密")
    form = open_form(qtbot, CopyForm, clerk_reg)
    scan(form.number, n)
    assert form.warning.text() == "绝密载体不得复制、翻印（R21）。"  # before saving
    form.count.setValue(3)
    form.approver.setText("王局长")
    form.by.setText("赵六")
    before = journal_head(clerk_reg)
    [error] = save(qtbot, form).refused
    assert error.rule == "R21"
    assert form.error.isVisible() and form.error.text().endswith(R21)
    assert (form.number.text(), form.count.value(), form.approver.text(), form.by.text()) == \
        (n, 3, "王局长", "赵六")
    assert journal_head(clerk_reg) == before and movements(clerk_reg, n, "复制") == []


def test_copying_without_approval_shows_r20(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, CopyForm, clerk_reg)
    scan(form.number, n)
    [error] = save(qtbot, form).refused
    assert error.rule == "R20" and "批准" in form.error.text()
    form.approval_ref.setText("市保密局 市保函〔2026〕3号")
    assert save(qtbot, form).saved


def test_the_copy_approver_is_remembered(qtbot, clerk_reg, people) -> None:
    n = new(clerk_reg)
    form = open_form(qtbot, CopyForm, clerk_reg)
    scan(form.number, n)
    form.approver.setText("王局长")
    assert save(qtbot, form).saved
    assert open_form(qtbot, CopyForm, clerk_reg).approver.text() == "王局长（局领导）"
