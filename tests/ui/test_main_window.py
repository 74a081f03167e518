"""The main window: what each role is offered, the title and status bar, remembered settings."""
from __future__ import annotations

import os
import subprocess
import sys
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

REPO_ROOT = Path(__file__).resolve().parents[2]
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


def test_the_first_page_is_built_once_the_window_is_shown(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    assert window.pages == {}  # not while the window is being made
    window.show()
    qtbot.waitUntil(lambda: "today" in window.pages, timeout=5000)
    assert window.stack.currentWidget() is window.pages["today"]
    assert window.navigation.currentItem().text() == "今日"


def test_going_straight_to_another_ledger_skips_the_first(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.show()
    page = window.open_page("receipts")
    qtbot.wait(50)  # the first paint, and the timer that would build 今日
    assert list(window.pages) == ["receipts"] and window.current_page() is page
    assert prefs.last_page() == "receipts"


def test_asking_for_the_current_page_builds_it(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    page = window.current_page()  # before the window is shown: made now
    assert page is not None and page.ledger.key == "today" and window.pages == {"today": page}
    window.show()
    qtbot.wait(50)
    assert window.current_page() is page and list(window.pages) == ["today"]


def test_the_detail_pane_is_made_when_a_carrier_is_chosen(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_window(qtbot, reg, clock)
    window.open_page("receipts")
    window.refresh_detail()  # nothing shown: nothing to read, nothing made
    window._follow_carrier("")
    assert window.splitter.count() == 1  # the table alone
    window._follow_carrier("2026-000001")
    assert window.splitter.count() == 2 and window.splitter.widget(1) is window.detail
    assert window.detail.isVisible() and window.detail.number == "2026-000001"


_IMPORT_MAIN_WINDOW = """
import sys
import app.ui.main_window
late = ("openpyxl", "PySide6.QtPrintSupport", "app.io", "app.ui.io_dialogs", "app.ui.print_preview",
        "app.ui.detail_pane", "app.ui.forms.base", "app.ui.forms.lend")
print(" ".join(sorted(m for m in sys.modules if m.startswith(late))) or "none")
"""


def test_print_export_forms_and_detail_are_imported_when_first_used() -> None:
    out = subprocess.run([sys.executable, "-c", _IMPORT_MAIN_WINDOW], cwd=REPO_ROOT,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "none"
