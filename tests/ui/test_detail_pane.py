"""The detail pane: a carrier's fields and whole history as a timeline (R54), printable."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtPrintSupport import QPrintPreviewDialog

from app.ledger.carriers import NewCarrier, receive
from app.ledger.loans import lend, return_
from app.ui.detail_pane import FLAG, DetailPane
from app.ui.main_window import open_main_window

pytestmark = pytest.mark.usefixtures("ui_app")


def at(hh: int, mm: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 11, day, hh, mm)


@pytest.fixture
def lent_and_back(clerk_reg, clock, people) -> str:
    """Received 08:30, lent 10:00 to 张三 with 李处长's approval, back 11:00."""
    [n] = receive(clerk_reg, NewCarrier(title="关于加强保密工作的意见", level="机密", serial="003",
                                        issuer="市委办公厅", doc_no="市委办发〔2026〕7号",
                                        period="20年"), at=at(8, 30))
    clock.set(at(10))
    lend(clerk_reg, n, borrower="张三", approver="李处长", purpose="阅办")
    clock.set(at(11))
    return_(clerk_reg, n, returned_by="张三")
    return n


def shown(qtbot, pane: DetailPane, number: str) -> str:
    pane.show_carrier(number)
    qtbot.waitUntil(lambda: pane.history is not None and pane.number == number, timeout=5000)
    return pane.overview.toPlainText()


def test_selecting_a_row_shows_the_history_of_a_lent_and_returned_carrier(
        qtbot, clerk_reg, clock, lent_and_back) -> None:
    window = open_main_window(clerk_reg, clock=clock, tick_ms=3_600_000)
    window.show()
    page = window.open_page("receipts")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert not window.detail.isVisible()
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: window.detail.history is not None, timeout=5000)
    pane = window.detail
    assert pane.isVisible() and pane.number == lent_and_back
    assert [m.kind for m in pane.history.movements] == ["收文", "借出", "归还"]
    text = pane.overview.toPlainText()
    assert "关于加强保密工作的意见" in pane.title.text()
    assert "市委办发〔2026〕7号" in text and "份号\n003" in text  # the fields
    assert "借阅人 张三（办公室）" in text and "批准人 李处长" in text  # who, with whom
    assert "2026-11-02 10:00" in text and "2026-11-02 11:00" in text  # when
    assert text.index("收文") < text.index("借出") < text.index("归还")  # oldest first
    journal = pane.journal.toPlainText()
    assert "借出" in journal and "#" in journal  # every journal entry, with its sequence
    # Closed by the clerk: moving through the table no longer opens it; Enter does.
    pane._close()
    page.table.clearSelection()
    page.table.selectRow(0)
    qtbot.wait(200)
    assert not pane.isVisible()
    page.table.activated.emit(page.model.index(0, 0))
    assert pane.isVisible()


def test_late_entry_and_rule_flags_stand_out_R01(qtbot, clerk_reg, clock, people) -> None:
    clock.set(at(9, day=3))  # received yesterday, registered today: R01 flags it
    [n] = receive(clerk_reg, NewCarrier(title="会议纪要", level="秘密"), at=at(16, day=2))
    pane = DetailPane(clerk_reg)
    qtbot.addWidget(pane)
    text = shown(qtbot, pane, n)
    assert "补登记：2026-11-03 09:00 由 clerk 录入" in text
    flag = pane.history.movements[0].flagged
    assert flag.startswith("R01")
    assert f"⚑ {flag}" in text
    html = pane.overview.toHtml()
    assert FLAG in html or FLAG.upper() in html or "#c25400" in html.lower()


def test_an_unknown_number_says_so(qtbot, clerk_reg, people) -> None:
    pane = DetailPane(clerk_reg)
    qtbot.addWidget(pane)
    pane.show_carrier("2026-999999")
    qtbot.waitUntil(lambda: "没有编号为 2026-999999" in pane.title.text(), timeout=5000)
    assert not pane.print_button.isEnabled()


def test_print_preview_of_the_history(qtbot, clerk_reg, lent_and_back) -> None:
    pane = DetailPane(clerk_reg)
    qtbot.addWidget(pane)
    pane.show()
    shown(qtbot, pane, lent_and_back)
    assert pane.preview_button.isEnabled()
    pane.preview_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(pane, "print_dialog", None), QPrintPreviewDialog),
                    timeout=5000)
    pane.print_dialog.close()
