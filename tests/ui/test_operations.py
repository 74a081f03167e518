"""app/ui/operations: one ledger call on the worker, the result on the GUI thread,
failures in one place, and a Changes record for the pages."""
from __future__ import annotations

import logging
import threading

import pytest
from forms_support import carrier, new
from PySide6.QtWidgets import (
    QApplication,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from app.errors import BadInput, RuleViolation
from app.ledger import pickers
from app.ledger.carriers import NewCarrier
from app.ui import operations
from app.ui.operations import LedgerOp, QueryOp, movements
from app.ui.operations import people as people_ops

pytestmark = pytest.mark.usefixtures("ui_app")


class Record:
    def __init__(self) -> None:
        self.results: list = []
        self.errors: list = []
        self.finished = 0
        self.changes: list[operations.Changes] = []
        self.threads: list[str] = []
        operations.hub().changed.connect(self.changes.append)

    def close(self) -> None:
        operations.hub().changed.disconnect(self.changes.append)


@pytest.fixture
def record():
    r = Record()
    yield r
    r.close()


def run(qtbot, op, reg, record: Record, *, failure: bool = True, parent: QWidget | None = None) -> None:
    op.success(lambda result: (record.results.append(result),
                               record.threads.append(threading.current_thread().name)))
    if failure:
        op.failure(record.errors.append)
    op.finished(lambda: setattr(record, "finished", record.finished + 1))
    op.run_in_background(parent=parent, reg=reg)
    qtbot.waitUntil(lambda: record.finished == 1, timeout=10000)
    assert not operations.busy()


def test_a_receipt_runs_off_the_gui_thread_and_reports_what_changed(qtbot, clerk_reg, record) -> None:
    seen: list[str] = []
    op = LedgerOp(lambda reg: (seen.append(threading.current_thread().name),
                               movements.carriers.receive(reg, NewCarrier(title="通知", level="秘密")))[1],
                  lambda numbers: operations.changes({"receipts"}, numbers, "已登记"))
    run(qtbot, op, clerk_reg, record)
    [numbers] = record.results
    assert seen != [threading.main_thread().name]  # the ledger ran on the worker
    assert record.threads == [threading.main_thread().name]  # the result came back here
    assert carrier(clerk_reg, numbers[0]).title == "通知"
    [changes] = record.changes
    assert changes.touches("receipts") and changes.carriers == tuple(numbers)


def test_the_receive_op_names_every_copy(qtbot, clerk_reg, record) -> None:
    op = movements.receive(carrier=NewCarrier(title="会议纪要", level="机密", copies=3))
    run(qtbot, op, clerk_reg, record)
    [numbers] = record.results
    [changes] = record.changes
    assert len(numbers) == 3 and changes.carriers == tuple(numbers)
    assert {"receipts", "classify"} <= changes.ledgers and "共 3 件" in changes.summary


def test_a_refusal_goes_to_the_failure_handler_and_nothing_is_broadcast(qtbot, clerk_reg, people,
                                                                           record) -> None:
    n = new(clerk_reg, "绝密")
    run(qtbot, movements.copy(number=n, count=1, approver="李处长"), clerk_reg, record)
    [error] = record.errors
    assert isinstance(error, RuleViolation) and error.rule == "R21"
    assert error.message == f"{n} 为绝密载体，绝密载体不得复制、翻印（R21，保密制度汇编 五、四）"
    assert record.results == [] and record.changes == []
    assert operations.open_message_boxes() == []


def test_a_refusal_nobody_handles_is_shown_in_a_message_box(qtbot, clerk_reg, people, record) -> None:
    run(qtbot, movements.lend(number="2026-999999", borrower="张三", approver="李处长"), clerk_reg,
        record, failure=False)
    [box] = operations.open_message_boxes()
    assert box.icon() == QMessageBox.Icon.Warning and "2026-999999" in box.text()
    box.accept()
    assert operations.open_message_boxes() == []


def test_an_unexpected_error_is_one_chinese_sentence(qtbot, clerk_reg, record, caplog) -> None:
    def broken(_reg):
        raise ZeroDivisionError("《绝密标题》 must not reach the log")

    with caplog.at_level(logging.ERROR):
        run(qtbot, LedgerOp(broken, lambda _r: operations.changes(())), clerk_reg, record)
    assert record.errors == []  # not a refusal: the form's handler is not asked
    [box] = operations.open_message_boxes()
    assert box.text() == "发生了意外错误，操作未完成，已保存的内容未受影响。"
    assert box.icon() == QMessageBox.Icon.Critical and "Traceback" not in box.detailedText()
    assert "ZeroDivisionError" in caplog.text and "绝密标题" not in caplog.text
    box.accept()


def test_bad_input_is_a_refusal_too(qtbot, clerk_reg, record) -> None:
    run(qtbot, people_ops.add_person(name=""), clerk_reg, record)
    [error] = record.errors
    assert isinstance(error, BadInput) and "姓名不能为空" in error.message


def test_busy_while_the_worker_runs(qtbot, clerk_reg, record) -> None:
    gate = threading.Event()
    op = LedgerOp(lambda reg: gate.wait(5) and "done", lambda _r: operations.changes(()))
    op.finished(lambda: setattr(record, "finished", record.finished + 1))
    op.run_in_background(parent=None, reg=clerk_reg)
    assert operations.busy()
    gate.set()
    qtbot.waitUntil(lambda: record.finished == 1, timeout=10000)
    assert not operations.busy()


def test_long_work_shows_a_progress_window_without_cancel(qtbot, clerk_reg, record, monkeypatch) -> None:
    monkeypatch.setattr(operations, "PROGRESS_DELAY_MS", 0)
    gate = threading.Event()
    op = LedgerOp(lambda reg: gate.wait(5), lambda _r: operations.changes(()))
    op.finished(lambda: setattr(record, "finished", record.finished + 1))
    op.run_in_background(parent=None, reg=clerk_reg)

    def progress() -> list[QProgressDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QProgressDialog) and w.isVisible()]

    qtbot.waitUntil(lambda: bool(progress()), timeout=5000)
    [dialog] = progress()
    assert dialog.labelText() == "正在保存…" and dialog.findChild(QPushButton) is None
    gate.set()
    qtbot.waitUntil(lambda: record.finished == 1 and not progress(), timeout=10000)


def test_a_query_reads_on_the_worker_without_a_broadcast(qtbot, clerk_reg, people, record) -> None:
    run(qtbot, QueryOp(lambda s: pickers.find_people(s, "三")), clerk_reg, record)
    [[zhang]] = record.results
    assert zhang.name == "张三" and record.changes == []


def test_a_short_read_on_the_gui_thread(clerk_reg, people) -> None:
    assert [p.name for p in operations.read(clerk_reg, pickers.leaders, principal_only=True)] == ["王局长"]
