"""A ledger page: search as you type (debounced), the filters it offers, views, the selected carrier."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate

from app.ui.ledger_page import SEARCH_DELAY_MS, LedgerPage, preset_range
from app.ui.ledgers import BY_KEY
from app.ui.sources import ViewSet
from app.ui.table_model import Query, StaticSource
from test_table_model import FakeSource
from typing_helpers import type_text

pytestmark = pytest.mark.usefixtures("ui_app")


class LedgerSource(FakeSource):
    headers = BY_KEY["copies"].headers[:3]  # 登记号, 标题, 密级
    sort_keys = ("number", "title", None)

    def _ids(self, q: Query):
        ids = super()._ids(q)
        level = dict(q.filters).get("level")
        return [i for i in ids if self.row(i)[3] == level] if level else ids


def make_page(qtbot, source) -> LedgerPage:
    page = LedgerPage(BY_KEY["copies"], source, read_only=False)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    return page


def test_search_as_you_type_waits_for_a_pause(qtbot) -> None:
    source = LedgerSource()
    page = make_page(qtbot, source)
    assert page.count_label.text() == "共 100000 条"
    type_text(page.search_box, "第4242号")
    # Nothing is queried per keystroke: the timer waits for a pause in typing.
    assert page.model.query.search == ""
    assert all(q.search == "" for q, _o, _l in source.fetches)
    qtbot.waitUntil(lambda: page.model.query.search == "第4242号", timeout=SEARCH_DELAY_MS * 10)
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 0)) == "2026-004242"
    assert page.count_label.text() == "共 1 条"
    searches = [q.search for q, _o, _l in source.fetches if q.search]
    assert searches == ["第4242号"]  # one query for the whole word


def test_enter_searches_at_once(qtbot) -> None:
    page = make_page(qtbot, LedgerSource())
    page.search_box.setText("第77号")
    page.search_box.returnPressed.emit()
    assert page.model.query.search == "第77号"
    assert page.model.rowCount() == 1


def test_level_filter(qtbot) -> None:
    page = make_page(qtbot, LedgerSource(400))
    assert page.level_filter is not None
    page.level_filter.setCurrentIndex(page.level_filter.findData("绝密"))
    assert page.model.total() == 100
    assert {page.model.data(page.model.index(r, 2)) for r in range(page.model.rowCount())} == {"绝密"}


def test_date_presets_cover_whole_days() -> None:
    monday = date(2026, 11, 2)
    assert preset_range("今天", monday) == (monday, monday)
    assert preset_range("本周", date(2026, 11, 5)) == (monday, date(2026, 11, 8))
    assert preset_range("本月", monday) == (date(2026, 11, 1), date(2026, 11, 30))
    assert preset_range("本季度", monday) == (date(2026, 10, 1), date(2026, 12, 31))
    assert preset_range("上季度", date(2026, 2, 1)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert preset_range("本年", monday) == (date(2026, 1, 1), date(2026, 12, 31))
    assert preset_range("全部日期", monday) == (None, None)


class DatedSource(LedgerSource):
    dated = True
    states = ("在库", "借出")
    carrier_column = 0
    today = staticmethod(lambda: date(2026, 11, 2))


def test_filters_shown_are_those_the_source_answers(qtbot) -> None:
    plain = make_page(qtbot, LedgerSource(10))
    assert not plain.state_filter.isVisible() and not plain.date_filter.isVisible()
    assert not plain.view_filter.isVisible() and plain.level_filter.isVisible()
    page = make_page(qtbot, DatedSource(10))
    assert page.state_filter.isVisible() and page.date_filter.isVisible()
    assert not page.date_from.isVisible()
    page.date_filter.setCurrentIndex(page.date_filter.findData("本月"))
    assert page.model.query.filter("date_from") == date(2026, 11, 1)
    page.date_filter.setCurrentIndex(page.date_filter.findData("自定义…"))
    assert page.date_from.isVisible() and page.date_to.isVisible()
    page.date_to.setDate(QDate(2026, 11, 10))
    assert page.date_range() == (date(2026, 11, 2), date(2026, 11, 10))
    page.state_filter.setCurrentIndex(page.state_filter.findData("借出"))
    assert page.filters()["state"] == "借出"


def test_views_switch_the_columns(qtbot) -> None:
    other = StaticSource(headers=("编号", "名称", "状态"), rows=[(1, "SB-1", "计算机", "在用")])
    page = LedgerPage(BY_KEY["devices"], ViewSet([("载体", LedgerSource(10)), ("设备", other)]),
                      read_only=False)
    qtbot.addWidget(page)
    page.show()
    assert page.view_filter.isVisible() and page.view_name() == "载体"
    page.view_filter.setCurrentIndex(1)
    assert page.view_name() == "设备" and page.model.columnCount() == 3
    assert not page.level_filter.isVisible()  # no 密级 column in this view
    assert page.count_label.text() == "共 1 条"


def test_selecting_a_row_names_its_carrier(qtbot) -> None:
    page = make_page(qtbot, DatedSource(10))
    with qtbot.waitSignal(page.carrier_selected, timeout=2000) as got:
        page.table.selectRow(3)
    assert got.args == ["2026-000003"]
    page.table.selectRow(5)
    page.table.selectRow(6)
    page.table.setSelectionMode(page.table.SelectionMode.MultiSelection)
    page.table.selectRow(7)
    assert page.selected_numbers() == ["2026-000006", "2026-000007"]
    with qtbot.waitSignal(page.carrier_activated, timeout=2000) as got:
        page.table.activated.emit(page.model.index(2, 0))
    assert got.args == ["2026-000002"]
