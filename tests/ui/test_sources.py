"""Ledger pages over the real ledger queries: the carrier register and 今日."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ledger import accounts, loans, people
from app.ledger.carriers import NewCarrier, receive
from app.ui.main_window import open_main_window
from ui_values import CLERK, CLERK_PW

pytestmark = pytest.mark.usefixtures("ui_app")


@pytest.fixture
def filled(register_path, clock):
    """Three documents received, one of them lent this morning."""
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    people.add_person(reg, name="王局长", dept="局领导", clearance="核心", is_leader=True)
    people.add_person(reg, name="李明", dept="办公室", clearance="重要")
    receive(reg, NewCarrier(title="关于开展保密检查的通知", level="秘密", issuer="市保密局",
                            doc_no="市保发〔2026〕3号", period="10年"))
    receive(reg, NewCarrier(title="年度工作要点", level="机密", issuer="市委办公厅", copies=2,
                            period="20年"))
    numbers = [r for r in receive(reg, NewCarrier(title="会议纪要", level="秘密", issuer="本局",
                                                  period="10年"))]
    loans.lend(reg, numbers[0], borrower="李明", approver="王局长", purpose="阅办")
    reg.close()
    return numbers[0]


def texts(model, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_the_carrier_register_lists_searches_and_sorts(qtbot, register_path, clock, filled) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.show()
    page = window.open_page("receipts")
    model = page.model
    assert model.rowCount() == 4 and model.total() == 4
    assert set(texts(model, 2)) == {"关于开展保密检查的通知", "年度工作要点", "会议纪要"}
    assert "第1份/共2份" in texts(model, 6)  # R03: 机密 copies carry a serial number
    model.set_search("保密检查")
    assert texts(model, 2) == ["关于开展保密检查的通知"]
    model.set_search("")
    page.level_filter.setCurrentIndex(page.level_filter.findData("机密"))
    assert texts(model, 5) == ["机密", "机密"]
    page.level_filter.setCurrentIndex(0)
    model.sort(2, Qt.SortOrder.DescendingOrder)  # by title, in the ledger's query
    assert model.query.sort_key == "title"
    held = texts(model, 9)
    assert "李明（办公室）" in held


def test_today_shows_what_is_out_and_what_is_overdue(qtbot, register_path, clock, filled) -> None:
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.show()
    model = window.open_page("today").model
    assert texts(model, 0) == ["今日须归还"] and texts(model, 1) == [filled]
    assert texts(model, 4) == ["李明（办公室）"]
    window.close()
    clock.advance(hours=9)  # 18:00: past the end of the working day (R12)
    reg = accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.show()
    model = window.open_page("today").model
    assert texts(model, 0) == ["逾期未还"]
