"""Every ledger page over the real ledger queries, on a small register with a line in each."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.main_window import MainWindow, open_main_window
from ledger_data import Filled, fill
from typing_helpers import type_text

pytestmark = pytest.mark.usefixtures("ui_app")


@pytest.fixture
def filled(clerk_reg, people, clock) -> Filled:
    return fill(clerk_reg, clock)


@pytest.fixture
def window(qtbot, clerk_reg, clock, filled) -> MainWindow:
    w = open_main_window(clerk_reg, clock=clock, tick_ms=3_600_000)
    w.show()
    return w  # closed by the ui_app fixture


def loaded(qtbot, page):
    qtbot.waitUntil(lambda: not page.model.is_loading() and page.model.known_total() is not None,
                    timeout=5000)
    return page.model


def texts(model, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def column(model, name: str) -> list[str]:
    return texts(model, list(model.source.headers).index(name))


def open_page(qtbot, window: MainWindow, key: str, view: int = 0):
    page = window.open_page(key)
    if view:
        page.view_filter.setCurrentIndex(view)
    loaded(qtbot, page)
    return page


def test_the_carrier_register_lists_searches_filters_and_sorts(qtbot, window, filled) -> None:
    page = open_page(qtbot, window, "receipts")
    model = page.model
    assert model.known_total() == 13
    assert "年度保密工作要点" in column(model, "标题")
    assert "001" in column(model, "份号")  # R03: 机密 carries a serial number
    assert "李四（财务处）" in column(model, "持有人")  # out now: the borrower holds it
    model.set_search("保密检查")
    loaded(qtbot, page)
    # the notice, its copy (R22: a carrier of its own) and the CD
    assert sorted(column(model, "标题")) == ["保密检查录像光盘", "关于开展保密检查的通知", "关于开展保密检查的通知"]
    model.set_search("")
    page.level_filter.setCurrentIndex(page.level_filter.findData("机密"))
    loaded(qtbot, page)
    assert column(model, "密级") == ["机密"]
    page.level_filter.setCurrentIndex(0)
    page.state_filter.setCurrentIndex(page.state_filter.findData("已销毁"))
    loaded(qtbot, page)
    assert column(model, "登记号") == [filled.destroyed]
    page.state_filter.setCurrentIndex(0)
    loaded(qtbot, page)
    model.sort(2, Qt.SortOrder.DescendingOrder)  # by title, in the ledger's query
    loaded(qtbot, page)
    assert model.query.sort_key == "title"
    titles = column(model, "标题")
    assert titles == sorted(titles, reverse=True)


def test_the_date_filter_bounds_the_registration_day(qtbot, window) -> None:
    page = open_page(qtbot, window, "receipts")
    page.date_filter.setCurrentIndex(page.date_filter.findData("今天"))
    assert loaded(qtbot, page).known_total() == 13
    page.date_filter.setCurrentIndex(page.date_filter.findData("上季度"))
    assert loaded(qtbot, page).known_total() == 0
    assert page.empty_label.text() == "没有符合条件的记录。"


def test_dispatches_are_a_view_of_the_register(qtbot, window, filled) -> None:
    page = open_page(qtbot, window, "receipts", view=1)
    model = page.model
    assert page.view_name() == "发文" and page.print_name() == "发文登记"
    assert column(model, "登记号") == [filled.sent]
    assert column(model, "发往单位") == ["市保密局"] and column(model, "回执") == ["未回"]


def test_search_as_you_type_narrows_the_rows(qtbot, window) -> None:
    page = open_page(qtbot, window, "receipts")
    type_text(page.search_box, "纪要")
    qtbot.waitUntil(lambda: page.model.query.search == "纪要", timeout=3000)
    assert column(loaded(qtbot, page), "标题") == ["市委常委会会议纪要"]


def test_loans_show_returned_and_open_ones_R10_R12(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "loans").model
    assert column(model, "登记号") == [filled.plan, filled.minutes, filled.notice]  # newest first
    rows = {n: r for r, n in enumerate(column(model, "登记号"))}
    back = rows[filled.notice]
    assert model.data(model.index(back, 3)) == "张三（办公室）"
    assert model.data(model.index(back, 4)) == "李处长"
    assert model.data(model.index(back, 7)) == "2026-11-02 09:30"
    assert model.data(model.index(back, 9)) == "已归还"
    assert model.data(model.index(rows[filled.minutes], 9)) == "借出中"
    page = window.pages["loans"]
    page.state_filter.setCurrentIndex(page.state_filter.findData("未归还"))
    assert column(loaded(qtbot, page), "登记号") == [filled.plan, filled.minutes]


def test_take_outs(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "carry").model
    assert column(model, "登记号") == [filled.plan]
    assert column(model, "事由") == ["赴省厅汇报"]
    assert column(model, "应还时间") == ["2026-11-03 17:00"]  # R15: the approved due


def test_copies(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "copies").model
    assert column(model, "登记号") == [filled.notice]
    assert column(model, "复制件登记号") == filled.copies
    assert column(model, "批准人") == ["李处长"] and column(model, "复制人") == ["赵六"]


def test_checks_and_withdrawals(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "clearout").model
    assert sorted(column(model, "登记号")) == sorted([filled.notice, filled.plan])
    assert set(column(model, "核对结果")) == {"在"} and set(column(model, "季度")) == {"2026Q4"}
    model = open_page(qtbot, window, "clearout", view=1).model
    assert column(model, "登记号") == [filled.withdrawn]
    assert column(model, "回执号") == ["QT-001"]


def test_destruction_with_approver_and_witnesses_R32(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "destruction").model
    assert column(model, "登记号") == [filled.destroyed]
    assert column(model, "批准人") == ["李处长"] and column(model, "监销人") == ["张三（办公室）、李四（财务处）"]


def test_archive_handover_and_classification(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "archive").model
    assert column(model, "档号") == ["WS-2026-001"]
    model = open_page(qtbot, window, "handover").model
    assert column(model, "登记号") == [filled.handed]
    assert column(model, "移交人") == ["赵六"] and column(model, "接收人") == ["张三（办公室）"]
    model = open_page(qtbot, window, "classify").model
    assert column(model, "登记号") == [filled.classified]
    assert column(model, "拟定人") == ["张三"] and column(model, "确定人") == ["李处长"]
    model = open_page(qtbot, window, "classify", view=1).model  # 待定密 (R05)
    assert column(model, "登记号") == [filled.pending]
    assert column(model, "状态") == ["逾期未定密（R05）"]


def test_incidents_with_their_deadlines_R45(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "incidents").model
    assert column(model, "编号") == [filled.incident]
    assert column(model, "登记号") == [filled.lost]
    assert column(model, "状态") == ["待书面报告"]
    assert column(model, "下一期限") == ["2026-11-03 09:55"]  # 24 hours after discovery


def test_people_and_devices(qtbot, window, filled) -> None:
    model = open_page(qtbot, window, "people").model
    assert set(column(model, "姓名")) == {"王局长", "李处长", "张三", "李四", "赵六"}
    page = window.pages["people"]
    page.search_box.setText("财务")
    page.search_box.returnPressed.emit()
    assert column(loaded(qtbot, page), "姓名") == ["李四"]
    model = open_page(qtbot, window, "devices").model
    assert column(model, "编号") == [filled.device]
    assert column(model, "责任人") == ["赵六"] and "维修 1 次" in column(model, "维修记录")[0]
    model = open_page(qtbot, window, "devices", view=1).model  # R06: media are carriers
    assert column(model, "登记号") == [filled.disc]
    assert column(model, "介质序列号") == ["CD-2026-07"]


def test_today_lists_what_is_out_and_the_deadlines(qtbot, window, filled, clock) -> None:
    model = open_page(qtbot, window, "today").model
    what = dict(zip(column(model, "登记号"), column(model, "事项")))
    assert what[filled.minutes] == "今日须归还（R12）"
    assert what[filled.pending] == "逾期：定密期限（R05）"
    incident_lines = [w for w in column(model, "事项") if w.startswith("事件书面报告")]
    assert incident_lines  # R45: the written report within 24 hours
    lines = list(zip(column(model, "登记号"), column(model, "事项")))
    assert (filled.lost, "事件书面报告（R45，24小时）") in lines  # the line opens the incident's carrier
    overdue_first = column(model, "事项")[0]
    assert overdue_first.startswith("逾期")


def test_today_after_hours_shows_overdue_R12(qtbot, clerk_reg, people, clock) -> None:
    f = fill(clerk_reg, clock)
    clock.set(clock.now().replace(hour=18))
    window = open_main_window(clerk_reg, clock=clock, tick_ms=3_600_000)
    window.show()
    model = open_page(qtbot, window, "today").model
    what = dict(zip(column(model, "登记号"), column(model, "事项")))
    assert what[f.minutes] == "逾期未还（R12）"


def test_a_today_line_opens_its_carrier(qtbot, window, filled) -> None:
    page = open_page(qtbot, window, "today")
    row = column(page.model, "登记号").index(filled.minutes)
    page.table.setCurrentIndex(page.model.index(row, 0))
    page.table.activated.emit(page.model.index(row, 0))
    qtbot.waitUntil(lambda: window.detail.history is not None, timeout=5000)
    assert window.detail.isVisible() and window.detail.number == filled.minutes


def test_a_persons_name_finds_what_they_hold_or_borrowed(qtbot, window, filled) -> None:
    page = open_page(qtbot, window, "receipts")
    page.search_box.setText("李四")
    page.search_box.returnPressed.emit()
    assert column(loaded(qtbot, page), "登记号") == [filled.minutes]  # out with 李四 now
    page = open_page(qtbot, window, "loans")
    page.search_box.setText("张三 要点")
    page.search_box.returnPressed.emit()
    assert column(loaded(qtbot, page), "登记号") == [filled.plan]
    page = open_page(qtbot, window, "destruction")
    page.search_box.setText("李处长")  # the approver
    page.search_box.returnPressed.emit()
    assert column(loaded(qtbot, page), "登记号") == [filled.destroyed]
