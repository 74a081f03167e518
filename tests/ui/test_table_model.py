"""The lazy table model: a 100,000-row ledger opens with one chunk and grows as it scrolls."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.ui import style
from app.ui.table_model import CHUNK, LazyTableModel, Query, StaticSource

pytestmark = pytest.mark.usefixtures("ui_app")
LEVELS = ("秘密", "机密", "绝密", "内部")


class FakeSource:
    """100,000 carriers computed on demand; records every call like a query log."""

    headers = ("登记号", "标题", "密级")
    sort_keys = ("number", "title", None)

    def __init__(self, n: int = 100_000) -> None:
        self.n = n
        self.fetches: list[tuple[Query, int, int]] = []
        self.counts = 0

    def _ids(self, q: Query) -> list[int] | range:
        ids: list[int] | range = range(self.n)
        if q.search:
            ids = [i for i in ids if q.search in self.row(i)[1] or q.search in self.row(i)[2]]
        if q.sort_key and q.descending:
            ids = list(reversed(ids))
        return ids

    def row(self, i: int) -> tuple:
        return (i, f"2026-{i:06d}", f"关于第{i}号事项的通知", LEVELS[i % 4])

    def fetch(self, q: Query, offset: int, limit: int) -> list[tuple]:
        self.fetches.append((q, offset, limit))
        return [self.row(i) for i in self._ids(q)[offset:offset + limit]]

    def count(self, q: Query) -> int:
        self.counts += 1
        return len(self._ids(q))


def test_opening_fetches_only_the_first_chunk(qtbot) -> None:
    source = FakeSource()
    model = LazyTableModel(source)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    assert [(off, lim) for _q, off, lim in source.fetches] == [(0, CHUNK)]
    assert model.rowCount() == CHUNK
    assert model.canFetchMore()
    assert model.data(model.index(0, 0)) == "2026-000000"
    assert model.data(model.index(7, 0), Qt.ItemDataRole.UserRole) == 7


def test_scrolling_fetches_the_next_chunk(qtbot) -> None:
    source = FakeSource()
    model = LazyTableModel(source)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * CHUNK, timeout=2000)
    assert [off for _q, off, _l in source.fetches] == [0, CHUNK]
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 3 * CHUNK, timeout=2000)
    assert model.data(model.index(3 * CHUNK - 1, 0)) == f"2026-{3 * CHUNK - 1:06d}"


def test_sorting_is_done_by_the_source() -> None:
    source = FakeSource()
    model = LazyTableModel(source)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert source.fetches[-1][0] == Query(sort_key="number", descending=True)
    assert model.data(model.index(0, 0)) == "2026-099999"
    assert model.rowCount() == CHUNK
    calls = len(source.fetches)
    model.sort(2, Qt.SortOrder.AscendingOrder)  # 密级 column has no sort key: ignored
    model.sort(-1, Qt.SortOrder.AscendingOrder)  # the header's "no column" ends sorting
    assert source.fetches[-1][0].sort_key is None
    assert len(source.fetches) == calls + 1


def test_search_replaces_the_rows() -> None:
    source = FakeSource()
    model = LazyTableModel(source)
    model.set_search("第12345号")
    assert model.rowCount() == 1
    assert model.data(model.index(0, 1)) == "关于第12345号事项的通知"
    assert model.total() == 1
    assert not model.canFetchMore()
    model.set_search("")
    assert model.rowCount() == CHUNK and model.total() == 100_000


def test_level_cells_are_coloured() -> None:
    model = LazyTableModel(FakeSource(8))
    top_secret = model.index(2, 2)
    assert model.data(top_secret) == "绝密"
    assert model.data(top_secret, Qt.ItemDataRole.ForegroundRole) == style.level_foreground("绝密")
    assert model.data(top_secret, Qt.ItemDataRole.BackgroundRole) == style.level_background("绝密")
    assert model.data(model.index(2, 1), Qt.ItemDataRole.ForegroundRole) is None


def test_a_short_ledger_is_exhausted_after_one_fetch() -> None:
    source = FakeSource(150)
    model = LazyTableModel(source)
    assert model.rowCount() == 150 and not model.canFetchMore()
    model.fetchMore()
    assert len(source.fetches) == 1


def test_static_source_searches_and_sorts() -> None:
    source = StaticSource(("用户名", "角色"), [(1, "b", "保密员"), (2, "a", "系统管理员")])
    model = LazyTableModel(source)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 0)) == "a"
    model.set_search("保密")
    assert model.rowCount() == 1 and model.row_id(0) == 1
