"""日志 for the inspector: the journal page and 核验 off the GUI thread (R54, 三员分立)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from app.clock import FakeClock
from app.ledger import accounts
from app.ui import worker
from app.ui.journal_page import JournalPage
from app.ui.main_window import MainWindow, open_main_window
from ledger_data import fill
from ui_values import ADMIN, ADMIN_PW, CLERK, CLERK_PW

pytestmark = pytest.mark.usefixtures("ui_app")


def titles(window: MainWindow) -> list[str]:
    return [window.navigation.item(i).text() for i in range(window.navigation.count())]


def inspector(path: Path, clock: FakeClock):
    admin = accounts.sign_in(path, ADMIN, ADMIN_PW, clock=clock)
    accounts.add_account(admin, "jiancha", "检查人员", "Chushi#2026ab")
    admin.close()
    reg = accounts.sign_in(path, "jiancha", "Chushi#2026ab", clock=clock, allow_password_change=True)
    accounts.change_password(reg, "Chushi#2026ab", "Xinde#2026abc")
    return reg


@pytest.fixture
def journal(qtbot, register_path, clock) -> JournalPage:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    from app.ledger.people import add_person
    for name, dept, leader in (("李处长", "办公室", True), ("张三", "办公室", False),
                               ("李四", "财务处", False), ("赵六", "办公室", False)):
        add_person(reg, name=name, dept=dept, clearance="核心", is_leader=leader)
    fill(reg, clock)
    reg.close()
    window = open_main_window(inspector(register_path, clock), clock=clock, tick_ms=3_600_000)
    window.show()
    page = window.open_page("journal")
    qtbot.waitUntil(lambda: page.model.known_total() is not None, timeout=5000)
    return page


def test_the_administrator_never_sees_the_journal(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.show()
    assert "日志" not in titles(window) and titles(window) == ["账户管理"]
    assert not any(isinstance(p, JournalPage) for p in window.pages.values())


def test_the_clerk_has_no_journal_page(qtbot, register_path, clock) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    assert "日志" not in titles(window)
    window.close()


def test_the_inspector_reads_the_journal_newest_first(qtbot, journal) -> None:
    model = journal.model
    assert isinstance(journal, JournalPage) and journal.ledger.title == "日志"
    assert list(model.source.headers) == ["序号", "时间", "账户", "操作", "对象", "摘要"]
    seqs = [int(model.data(model.index(r, 0))) for r in range(model.rowCount())]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == model.known_total()
    accounts_ = {model.data(model.index(r, 2)) for r in range(model.rowCount())}
    assert {"clerk", "jiancha"} <= accounts_
    journal.search_box.setText("销毁")
    journal.search_box.returnPressed.emit()
    qtbot.waitUntil(lambda: not model.is_loading() and model.known_total() is not None, timeout=5000)
    assert model.rowCount() and {model.data(model.index(r, 3)) for r in range(model.rowCount())} == {"销毁"}


def test_verify_runs_off_the_gui_thread_and_shows_ok(qtbot, journal) -> None:
    with qtbot.waitSignal(journal.verified, timeout=10000) as got:
        journal.verify_button.click()
    report = got.args[0]
    assert report is not None and report.ok
    assert journal.result_label.text().startswith("核验通过")
    assert report.checkpoint in journal.result_label.text()
    assert journal.verify_button.isEnabled() and not journal.problems.isVisible()


def test_verify_with_a_wrong_checkpoint_shows_the_problem(qtbot, journal) -> None:
    journal.checkpoint_box.setText("3:000000000000")
    with qtbot.waitSignal(journal.verified, timeout=10000) as got:
        journal.start_verify()
    assert got.args[0] is not None and not got.args[0].ok
    assert "核验发现" in journal.result_label.text()
    assert "检查点" in journal.problems.toPlainText()


def test_verify_finds_a_row_changed_behind_the_programs_back(qtbot, journal) -> None:
    reg = journal.reg
    with reg.engine.begin() as con:  # what a tamperer with the key could do
        con.exec_driver_sql("UPDATE carriers SET title = '已被改动' WHERE id = 1")
    with qtbot.waitSignal(journal.verified, timeout=10000) as got:
        journal.start_verify()
    assert not got.args[0].ok
    assert "carriers" in journal.problems.toPlainText()


def test_verify_can_be_cancelled(qtbot, journal) -> None:
    gate = threading.Event()
    worker.run_in_background(lambda: gate.wait(10), lambda _r: None, lambda _e: None)  # busy worker
    with qtbot.waitSignal(journal.verified, timeout=10000) as got:
        journal.start_verify()
        journal.progress_dialog.findChild(QPushButton).click()  # the dialog's 取消 button
        gate.set()
    assert got.args[0] is None
    assert journal.result_label.text() == "核验已取消。"
