"""The main window: what each role is offered, the title and status bar, remembered settings."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFrame, QLabel

from app.clock import FakeClock
from app.errors import AuthError
from app.ledger import accounts
from app.ui import prefs
from app.ui.main_window import MainWindow, open_main_window
from ui_values import ADMIN, ADMIN_PW, CLERK, CLERK_PW, UNIT

pytestmark = pytest.mark.usefixtures("ui_app")

WORK_LEDGERS = ["今日", "收发登记", "借阅登记", "复制登记", "外出携带", "清查清退", "销毁登记", "归档",
                "交接", "定密", "失泄密事件", "涉密人员", "计算机与介质"]


def titles(window: MainWindow) -> list[str]:
    return [window.navigation.item(i).text() for i in range(window.navigation.count())]


def open_window(qtbot, reg, clock) -> MainWindow:
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    # closed by the ui_app fixture, after forms are marked clean (no question dialog)
    window.show()
    return window


def sign_in_as(path: Path, clock: FakeClock, user: str, roles: str, admin_reg) -> object:
    accounts.add_account(admin_reg, user, roles, "Chushi#2026ab")
    admin_reg.close()  # one program at a time has the register open
    reg = accounts.sign_in(path, user, "Chushi#2026ab", clock=clock, allow_password_change=True)
    accounts.change_password(reg, "Chushi#2026ab", "Xinde#2026abc")
    return reg


def test_clerk_sees_every_ledger_but_not_the_journal(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_window(qtbot, reg, clock)
    assert titles(window) == WORK_LEDGERS
    assert window.windowTitle() == f"保密台账 — {UNIT}"
    assert not window.read_only
    texts = [w.text() for w in window.statusBar().findChildren(QLabel)]
    assert f"当前账户：{CLERK}（保密员）" in texts
    assert f"单位：{UNIT}" in texts and "秘密" in texts
    page = window.current_page()
    assert page is not None and page.ledger.title == "今日"


def test_administrator_sees_only_the_accounts(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock)
    window = open_window(qtbot, reg, clock)
    assert titles(window) == ["账户管理"]  # 三员分立: no ledgers, no journal
    model = window.current_page().model
    assert model.rowCount() == 2
    assert {model.data(model.index(r, 0)) for r in range(2)} == {ADMIN, CLERK}


def test_inspector_reads_and_reviews_the_journal(qtbot, register_path, clock, admin_reg) -> None:
    reg = sign_in_as(register_path, clock, "jiancha", "检查人员", admin_reg)
    window = open_window(qtbot, reg, clock)
    assert titles(window) == WORK_LEDGERS + ["日志"]
    assert window.read_only


def test_leader_is_read_only(qtbot, register_path, clock, admin_reg) -> None:
    reg = sign_in_as(register_path, clock, "lingdao", "领导", admin_reg)
    window = open_window(qtbot, reg, clock)
    assert titles(window) == WORK_LEDGERS and window.read_only


def test_last_page_and_geometry_are_remembered(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_window(qtbot, reg, clock)
    window.open_page("loans")
    window.resize(1111, 700)
    window.close()  # signs out and closes the register
    assert prefs.last_page() == "loans" and prefs.geometry() is not None
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_window(qtbot, reg, clock)
    assert window.current_page().ledger.key == "loans"


def test_expiry_banner_counts_the_days(qtbot, register_path, clock) -> None:
    clock.advance(days=25)  # 30-day passwords warn a week ahead
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_window(qtbot, reg, clock)
    assert window.expiry_banner is not None
    text = window.expiry_banner.findChild(QLabel).text()
    assert "5 天后到期" in text


def test_admin_sees_lockout_notices(qtbot, register_path, clock) -> None:
    for _ in range(5):
        with pytest.raises(AuthError):
            accounts.sign_in(register_path, CLERK, "Falsch#2026ab", clock=clock)
    reg = accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock)
    window = open_window(qtbot, reg, clock)
    notices = [f for f in window.findChildren(QFrame) if f.objectName() == "noticeBanner"]
    assert notices and "clerk" in notices[0].findChild(QLabel).text()
