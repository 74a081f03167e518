"""The lazy table model: a 100,000-row ledger opens with one chunk and grows as it scrolls."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.errors import BadInput
from app.ui import style, table_model, worker
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


# -- read on the register worker ------------------------------------------------------------

class WorkerSource(FakeSource):
    """The same rows, read on the register worker; notes the thread of every read."""

    background = True

    def __init__(self, n: int = 100_000) -> None:
        super().__init__(n)
        self.threads: set[str] = set()

    def fetch(self, q: Query, offset: int, limit: int) -> list[tuple]:
        self.threads.add(threading.current_thread().name)
        return super().fetch(q, offset, limit)


def test_a_background_source_is_never_read_on_the_gui_thread(qtbot) -> None:
    source = WorkerSource()
    model = LazyTableModel(source)
    assert model.rowCount() == 0 and model.is_loading()
    with qtbot.waitSignal(model.total_changed, timeout=5000):
        pass
    assert model.rowCount() == CHUNK and model.known_total() == 100_000
    assert threading.main_thread().name not in source.threads
    assert source.counts == 1  # asked once, after the first chunk
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * CHUNK, timeout=5000)


def test_a_short_answer_needs_no_count(qtbot) -> None:
    source = WorkerSource()
    model = LazyTableModel(source)
    qtbot.waitUntil(lambda: model.known_total() is not None, timeout=5000)
    model.set_search("第777号")
    qtbot.waitUntil(lambda: model.known_total() == 1, timeout=5000)
    assert source.counts == 1  # the first query's only


def test_a_stale_query_is_dropped_and_not_even_run(qtbot) -> None:
    source = WorkerSource()
    model = LazyTableModel(source)
    qtbot.waitUntil(lambda: model.known_total() is not None, timeout=5000)
    gate = threading.Event()
    worker.run_in_background(lambda: gate.wait(5), lambda _r: None, lambda _e: None)
    model.set_search("第4号")  # typed on, before the worker got to it
    model.set_search("第42号")
    gate.set()
    qtbot.waitUntil(lambda: not model.is_loading() and model.known_total() is not None, timeout=5000)
    assert [q.search for q, _o, _l in source.fetches if q.search] == ["第42号"]
    assert {model.data(model.index(r, 1)) for r in range(model.rowCount())} >= {"关于第42号事项的通知"}


def test_a_failed_read_is_reported(qtbot) -> None:
    class Broken(WorkerSource):
        def fetch(self, q: Query, offset: int, limit: int) -> list[tuple]:
            raise BadInput("登记簿已锁定，请重新输入密码。")

    model = LazyTableModel(Broken())
    with qtbot.waitSignal(model.failed, timeout=5000) as got:
        pass
    assert got.args == ["登记簿已锁定，请重新输入密码。"]
    assert not model.is_loading() and not model.canFetchMore()


def test_another_view_brings_its_own_columns() -> None:
    model = LazyTableModel(FakeSource())
    model.sort(0, Qt.SortOrder.DescendingOrder)
    other = StaticSource(("编号", "名称"), [(1, "SB-1", "计算机")])
    model.set_source(other)
    assert model.columnCount() == 2 and model.headerData(1, Qt.Orientation.Horizontal) == "名称"
    assert model.query.sort_key is None and model.rowCount() == 1


def test_static_source_filters_and_reloads() -> None:
    loads = []

    def load() -> list[tuple]:
        loads.append(1)
        return [(1, "张三", "秘密", "在岗", date(2026, 11, 2)),
                (2, "李四", "机密", "脱密期", date(2026, 10, 1))]

    source = StaticSource(headers=("姓名", "密级", "状态", "日期"), loader=load, level_column=1,
                          state_column=2, date_column=3)
    model = LazyTableModel(source)
    assert model.rowCount() == 2 and len(loads) == 1
    model.set_filters({"level": "机密"})
    assert [model.row_id(r) for r in range(model.rowCount())] == [2]
    model.set_filters({"state": "在岗", "date_from": date(2026, 11, 1)})
    assert [model.row_id(r) for r in range(model.rowCount())] == [1]
    model.set_filters({"date_to": date(2026, 10, 31)})
    assert [model.row_id(r) for r in range(model.rowCount())] == [2]
    model.refresh()  # after a change in the register: read again
    assert len(loads) == 2


def test_status_words_are_coloured() -> None:
    source = StaticSource(headers=("事项", "密级"), rows=[(1, "逾期未还（R12）", "秘密"),
                                                         (2, "今日须归还（R12）", "秘密"),
                                                         (3, "已归还", "秘密")], alert_column=0)
    model = LazyTableModel(source)
    colours = [model.data(model.index(r, 0), Qt.ItemDataRole.ForegroundRole) for r in range(3)]
    assert colours[0] == table_model.RED and colours[1] == table_model.ORANGE and colours[2] is None
