"""A ledger page: search as you type (debounced), the 密级 filter, the count."""
from __future__ import annotations

import pytest

from app.ui.ledger_page import SEARCH_DELAY_MS, LedgerPage
from app.ui.ledgers import BY_KEY
from app.ui.table_model import Query
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
