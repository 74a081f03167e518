"""The 登记 menu, toolbar and shortcuts in the main window; pages refresh after a save;
a form's input survives the end of the session as a draft (R53)."""
from __future__ import annotations

import pytest
from forms_support import close_forms, new, save
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolBar
from ui_values import CLERK, CLERK_PW

from app.ledger import accounts
from app.ledger.people import add_person
from app.ui import actions, operations
from app.ui.forms import LendForm, ReceiveForm, ReturnForm
from app.ui.main_window import MainWindow, open_main_window

pytestmark = pytest.mark.usefixtures("ui_app", "close_forms")
_ = close_forms


def clerk_window(qtbot, path, clock) -> MainWindow:
    reg = accounts.sign_in(path, CLERK, CLERK_PW, clock=clock)
    add_person(reg, name="李处长", dept="办公室", clearance="核心", is_leader=True)
    add_person(reg, name="张三", dept="办公室", clearance="重要")
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return window


def menu_texts(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def test_the_clerk_has_the_register_menu(qtbot, register_path, clock) -> None:
    window = clerk_window(qtbot, register_path, clock)
    menus = menu_texts(window)
    assert menus[:2] == ["登记簿(&F)", "登记(&R)"] and "账户(&A)" in menus
    entries = [a.text() for a in window.form_actions.menu.actions() if not a.isSeparator()]
    assert len(entries) == len(actions.BY_KEY) == 18
    assert "借出（借阅登记）…" in entries and "销毁登记…" in entries and "失泄密事件报告…" in entries
    shortcuts = {k: a.shortcut().toString() for k, a in window.form_actions.actions.items()
                 if not a.shortcut().isEmpty()}
    assert shortcuts == {"receive": "Ctrl+N", "lend": "Ctrl+O", "return": "Ctrl+I"}
    bar = window.findChild(QToolBar, "mainToolBar")
    assert [a.text() for a in bar.actions()][:3] == ["新收文", "借出", "归还"]


@pytest.mark.parametrize("key,form", [(Qt.Key.Key_N, ReceiveForm), (Qt.Key.Key_O, LendForm),
                                      (Qt.Key.Key_I, ReturnForm)])
def test_shortcuts_open_the_frequent_forms(qtbot, register_path, clock, key, form) -> None:
    window = clerk_window(qtbot, register_path, clock)
    QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
    opened = [f for f in window.form_actions.open_forms.values() if isinstance(f, form)]
    assert opened and opened[0].isVisible()
    key_of = {ReceiveForm: "receive", LendForm: "lend", ReturnForm: "return"}
    assert window.form_actions.open(key_of[form]) is opened[0]  # one at a time: it comes forward


def test_a_leader_gets_no_write_action(qtbot, register_path, clock, admin_reg) -> None:
    accounts.add_account(admin_reg, "lingdao", "领导", "Chushi#2026ab")
    admin_reg.close()
    reg = accounts.sign_in(register_path, "lingdao", "Chushi#2026ab", clock=clock,
                           allow_password_change=True)
    accounts.change_password(reg, "Chushi#2026ab", "Xinde#2026abc")
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    assert window.form_actions is None
    assert "登记(&R)" not in menu_texts(window)
    bar = window.findChild(QToolBar, "mainToolBar")
    assert not {"新收文", "借出", "归还"} & {a.text() for a in bar.actions()}
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert not [w for w in window.findChildren(LendForm)]


def test_a_saved_form_refreshes_the_page_and_says_so(qtbot, register_path, clock) -> None:
    window = clerk_window(qtbot, register_path, clock)
    page = window.open_page("receipts")
    qtbot.waitUntil(lambda: not getattr(page.model, "is_loading", lambda: False)(), timeout=10000)
    assert page.model.rowCount() == 0
    form = window.form_actions.open("receive")
    form.title_edit.setText("关于年终保密检查的通知")
    [numbers] = save(qtbot, form).saved
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert window.statusBar().currentMessage() == f"已登记 {numbers[0]}"


def test_a_form_opens_on_the_selected_carrier(qtbot, register_path, clock) -> None:
    window = clerk_window(qtbot, register_path, clock)
    n = new(window.reg)
    page = window.open_page("receipts")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    page.table.selectRow(0)
    form = window.form_actions.open("lend")
    assert form.number.text() == n and form.number.selectedText() == n  # a scan replaces it
    assert "关于做好年度保密检查的通知" in form.card.text()


def test_an_open_form_becomes_a_draft_at_the_end_of_the_session(qtbot, register_path, clock) -> None:
    window = clerk_window(qtbot, register_path, clock)
    n = new(window.reg)
    form = window.form_actions.open("lend")
    form.number.setText(n)
    form.borrower.setText("张三")
    clock.advance(minutes=61)
    window.controller.watcher.tick()  # an hour without input: the session ends (R53)
    assert window.controller.has_ended
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    dialog = window.offer_drafts()
    assert dialog is not None
    dialog.restore()
    [restored] = dialog.restored
    assert isinstance(restored, LendForm)
    assert restored.number.text() == n and restored.borrower.text() == "张三"
    assert "在库" in restored.card.text()  # looked up again


def test_no_form_opens_over_the_lock_screen(qtbot, register_path, clock) -> None:
    window = clerk_window(qtbot, register_path, clock)
    window.lock_now()
    screen = window.controller.lock_screen
    screen.activateWindow()
    QTest.keyClick(screen, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.form_actions.open("lend") is None
    assert not window.findChildren(LendForm)


def test_a_save_that_ends_under_the_lock_refreshes_after_unlock(qtbot, register_path, clock) -> None:
    window = clerk_window(qtbot, register_path, clock)
    page = window.open_page("receipts")
    window.lock_now()
    operations.hub().changed.emit(operations.changes({"receipts"}, (), "已登记"))
    assert window.statusBar().currentMessage() == ""  # nothing read without the key
    screen = window.controller.lock_screen
    screen.password.setText(CLERK_PW)
    screen.unlock_button.click()
    qtbot.waitUntil(lambda: not window.controller.is_locked, timeout=10000)
    assert window.statusBar().currentMessage() == "已登记"
    assert page.isVisible()


def test_every_menu_entry_names_a_form_that_loads() -> None:
    """The forms are imported when first opened: each entry's name must lead to its class."""
    from app.ui import forms
    from app.ui.form_base import FORMS
    from app.ui.forms.base import MovementForm
    for entry in actions.BY_KEY.values():
        assert issubclass(entry.form, MovementForm) and entry.form.__name__ == entry.form_name
    forms.load_all()  # what reopening a draft does first (DraftsDialog.restore)
    for name in forms.MODULES:
        cls = getattr(forms, name)
        assert FORMS[cls.form_name] is cls
    with pytest.raises(AttributeError):
        _ = forms.NoSuchForm
