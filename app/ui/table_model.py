"""A lazy table over one ledger query: rows come in chunks as the view scrolls.

The model never asks for the whole ledger.  It keeps the chunks fetched so far
(each row's id first, then its display values) and asks the source for the
next chunk of 200 when the view scrolls to the end (canFetchMore/fetchMore),
so a register of a million carriers opens after one small query.  Sorting,
searching and filtering are done by the source (the ledger's indexed
queries), never here.

A source marked `background` is read on the register worker (app/ui/worker.py),
never on the GUI thread: a sort by title over a million rows or a search count
takes seconds there, and the window stays usable meanwhile.  Every query
carries a generation number; a result for an older query (the clerk kept
typing) is dropped, and a queued read whose query is already stale does not
run at all.  The row count is asked separately, after the first chunk, and
not at all when the first chunk already is the whole answer.

Wiring a ledger query is one `FunctionSource(...)` per page (see app/ui/sources.py).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from shiboken6 import isValid

from app.errors import BaomiError
from app.ui import style, worker

CHUNK = 200
Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()  # the invisible root: a table has no parents
RED, ORANGE = QColor("#b00020"), QColor("#c25400")


@dataclass(frozen=True)
class Query:
    """What the page asks for: search text, sort key and direction, filters."""

    search: str = ""
    sort_key: str | None = None
    descending: bool = False
    filters: tuple[tuple[str, Any], ...] = ()

    def filter(self, name: str) -> Any:
        return dict(self.filters).get(name)


class RowSource(Protocol):
    """A ledger query as the table sees it. Rows are tuples: (row id, column values...).

    Optional attributes the page and the model look for (see FunctionSource):
    level_column, alert_column, carrier_column, states, dated, background,
    print_name, today, invalidate().
    """

    headers: Sequence[str]
    sort_keys: Sequence[str | None]  # per column; None: not sortable

    def fetch(self, query: Query, offset: int, limit: int) -> list[tuple]: ...

    def count(self, query: Query) -> int: ...


@dataclass(kw_only=True)
class _Options:
    """What a page can offer over a source: filters, the carrier behind a row, printing."""

    level_column: int | None = None  # the 密级 column, coloured by level
    alert_column: int | None = None  # a status column: 逾期/超期 red, 今日/待 orange
    flag_column: int | None = None  # a 标记 column: rule flags (R01, R12 ...) in orange
    carrier_column: int | None = None  # the column holding a carrier's register number
    states: tuple[str, ...] = ()  # the choices of the 状态 filter
    state_label: str = "状态"
    dated: bool = False  # the date-range filter applies
    date_label: str = "日期"
    background: bool = False  # read on the register worker
    print_name: str | None = None  # the printed ledger (app/io/ledger_layouts.py)
    today: Callable[[], date] | None = None  # the register's clock, for date presets


@dataclass
class FunctionSource(_Options):
    headers: Sequence[str] = ()
    sort_keys: Sequence[str | None] = ()
    fetch_fn: Callable[[Query, int, int], list[tuple]] | None = None
    count_fn: Callable[[Query], int] | None = None

    def fetch(self, query: Query, offset: int, limit: int) -> list[tuple]:
        assert self.fetch_fn is not None
        return self.fetch_fn(query, offset, limit)

    def count(self, query: Query) -> int:
        assert self.count_fn is not None
        return self.count_fn(query)


def source(headers: Sequence[str], sort_keys: Sequence[str | None],
           fetch: Callable[[Query, int, int], list[tuple]], count: Callable[[Query], int],
           **options: Any) -> FunctionSource:
    return FunctionSource(headers=headers, sort_keys=sort_keys, fetch_fn=fetch, count_fn=count,
                          **options)


@dataclass
class StaticSource(_Options):
    """Rows held in memory (small lists: accounts, people, 今日), searched, filtered and
    sorted here.  With a `loader` the rows are read on first use (on the worker when
    `background`), and again after `invalidate()`."""

    headers: Sequence[str] = ()
    rows: list[tuple] | None = field(default_factory=list)
    loader: Callable[[], list[tuple]] | None = None
    state_column: int | None = None
    date_column: int | None = None

    def __post_init__(self) -> None:
        if self.loader is not None:
            self.rows = None

    @property
    def sort_keys(self) -> Sequence[str | None]:
        return [str(i) for i in range(len(self.headers))]

    def invalidate(self) -> None:
        if self.loader is not None:
            self.rows = None

    def _all(self) -> list[tuple]:
        rows = self.rows  # once: invalidate() may run on the GUI thread meanwhile
        if rows is None:
            rows = self.loader() if self.loader else []
            self.rows = rows
        return rows

    def _matching(self, query: Query) -> list[tuple]:
        terms = query.search.strip().casefold().split()
        rows = [r for r in self._all()
                if all(any(t in _text(v).casefold() for v in r[1:]) for t in terms)]
        level, state = query.filter("level"), query.filter("state")
        if level and self.level_column is not None:
            rows = [r for r in rows if r[self.level_column + 1] == level]
        if state and self.state_column is not None:
            rows = [r for r in rows if _text(r[self.state_column + 1]).startswith(state)]
        start, end = query.filter("date_from"), query.filter("date_to")
        if (start or end) and self.date_column is not None:
            rows = [r for r in rows if _within(r[self.date_column + 1], start, end)]
        if query.sort_key is not None:
            col = int(query.sort_key) + 1
            rows.sort(key=lambda r: _sort_text(r[col]), reverse=query.descending)
        return rows

    def fetch(self, query: Query, offset: int, limit: int) -> list[tuple]:
        return self._matching(query)[offset:offset + limit]

    def count(self, query: Query) -> int:
        return len(self._matching(query))


def _within(value: Any, start: date | None, end: date | None) -> bool:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return False
    return (start is None or value >= start) and (end is None or value <= end)


def _sort_text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:020.3f}"
    return _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def status_colour(text: str) -> QColor | None:
    """超期, 逾期, 缺失, 下落不明 red; 今日, 待, 借出中, 即将 orange."""
    colour = style.alert_foreground(text)
    if colour is not None:
        return colour
    if any(w in text for w in ("逾期", "超期", "缺失", "下落不明", "未清退")):
        return RED
    if any(w in text for w in ("今日", "借出中", "即将", "到期")) or text.startswith("待"):
        return ORANGE
    return None


class LazyTableModel(QAbstractTableModel):
    loading_changed = Signal(bool)
    total_changed = Signal()  # the count of the current query became known
    failed = Signal(str)  # a read failed; the message is Chinese

    def __init__(self, source: RowSource, parent: Any = None, *, chunk: int = CHUNK) -> None:
        super().__init__(parent)
        self._chunk = chunk
        self._query = Query()
        self._rows: list[tuple] = []
        self._exhausted = False
        self._total: int | None = None
        self._generation = 0
        self._loading = False
        self._counting = False
        self._take_source(source)
        self._start()

    def _take_source(self, source: RowSource) -> None:
        self._source = source
        level = getattr(source, "level_column", None)
        if level is None and "密级" in source.headers:
            level = list(source.headers).index("密级")
        self._level_column = level
        self._alert_column = getattr(source, "alert_column", None)
        self._flag_column = getattr(source, "flag_column", None)
        self._background = bool(getattr(source, "background", False))

    # -- what the page uses --------------------------------------------------------
    @property
    def source(self) -> RowSource:
        return self._source

    @property
    def query(self) -> Query:
        return self._query

    @property
    def level_column(self) -> int | None:
        return self._level_column

    def is_loading(self) -> bool:
        return self._loading

    def set_search(self, text: str) -> None:
        if text != self._query.search:
            self._query = replace(self._query, search=text)
            self.reload()

    def set_filters(self, filters: dict[str, Any]) -> None:
        clean = tuple(sorted((k, v) for k, v in filters.items() if v not in (None, "")))
        if clean != self._query.filters:
            self._query = replace(self._query, filters=clean)
            self.reload()

    def set_source(self, source: RowSource) -> None:
        """Another view of the ledger (收文 / 发文 ...): new columns, the same search."""
        self.beginResetModel()
        self._take_source(source)
        self._query = replace(self._query, sort_key=None, descending=False)
        self._generation += 1
        self._rows, self._exhausted, self._total = [], False, None
        self.endResetModel()
        self._start()

    def row_id(self, row: int) -> Any:
        return self._rows[row][0]

    def row_values(self, row: int) -> tuple:
        return self._rows[row][1:]

    def loaded(self) -> int:
        return len(self._rows)

    def known_total(self) -> int | None:
        """The count of the current query when known (it arrives after the rows)."""
        return self._total

    def total(self) -> int:
        """How many rows the query matches; asks the source now when not yet known."""
        if self._total is None:
            self._total = len(self._rows) if self._exhausted else self._source.count(self._query)
        return self._total

    def refresh(self) -> None:
        """Read again after a change in the register (a form saved, an import)."""
        invalidate = getattr(self._source, "invalidate", None)
        if invalidate is not None:
            invalidate()
        self.reload()

    def reload(self) -> None:
        """Start again from the first chunk (new search, new sort, or after a change)."""
        self.beginResetModel()
        self._generation += 1
        self._rows, self._exhausted, self._total = [], False, None
        self.endResetModel()
        self._start()

    # -- reading ----------------------------------------------------------------------
    def _start(self) -> None:
        if self._background:
            self._read_chunk(0)
            return
        try:
            rows = self._source.fetch(self._query, 0, self._chunk)
        except BaomiError as e:
            rows = []
            self.failed.emit(e.message)
        self.beginResetModel()
        self._rows = list(rows)
        self._exhausted = len(rows) < self._chunk
        self.endResetModel()
        # A source read on the GUI thread is cheap by nature (in memory): count it now.
        try:
            self._total = len(self._rows) if self._exhausted else self._source.count(self._query)
        except BaomiError:
            self._total = None
        self.total_changed.emit()

    def _set_loading(self, on: bool) -> None:
        if on != self._loading:
            self._loading = on
            self.loading_changed.emit(on)

    def _read_chunk(self, offset: int) -> None:
        generation, query, src, chunk = self._generation, self._query, self._source, self._chunk
        self._set_loading(True)

        def read() -> list[tuple] | None:
            if generation != self._generation:
                return None  # the clerk has moved on: do not run a stale query
            return src.fetch(query, offset, chunk)

        def done(rows: list[tuple] | None) -> None:
            if not isValid(self) or generation != self._generation or rows is None:
                return
            self._set_loading(False)
            self._exhausted = len(rows) < chunk
            if rows:
                start = len(self._rows)
                self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
                self._rows.extend(rows)
                self.endInsertRows()
            if offset == 0:
                if self._exhausted:
                    self._total = len(self._rows)
                    self.total_changed.emit()
                else:
                    self._count_in_background()

        def failed(error: BaseException) -> None:
            if not isValid(self) or generation != self._generation:
                return  # the page is gone (the session ended) or the clerk moved on
            self._set_loading(False)
            self._exhausted = True
            self.failed.emit(error.message if isinstance(error, BaomiError) else str(error))

        worker.run_in_background(read, done, failed)

    def _count_in_background(self) -> None:
        generation, query, src = self._generation, self._query, self._source

        def count() -> int | None:
            if generation != self._generation:
                return None
            return src.count(query)

        def done(n: int | None) -> None:
            if isValid(self) and generation == self._generation and n is not None:
                self._total = n
                self.total_changed.emit()

        worker.run_in_background(count, done, lambda _e: None)

    # -- Qt model --------------------------------------------------------------------
    def rowCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self._source.headers)

    def canFetchMore(self, parent: Index = _TOP) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index = _TOP) -> None:
        if parent.isValid() or self._exhausted or self._loading:
            return
        if self._background:
            self._read_chunk(len(self._rows))
            return
        try:
            rows = self._source.fetch(self._query, len(self._rows), self._chunk)
        except BaomiError as e:
            rows = []
            self.failed.emit(e.message)
        if len(rows) < self._chunk:
            self._exhausted = True
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        value = row[col + 1] if col + 1 < len(row) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = _text(value)
            return text if len(text) > 12 else None
        if role == Qt.ItemDataRole.UserRole:
            return row[0]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self._alert_column:
                return status_colour(_text(value))
            if col == self._flag_column and _text(value):
                return ORANGE
        if col == self._level_column:
            if role == Qt.ItemDataRole.ForegroundRole:
                return style.level_foreground(_text(value))
            if role == Qt.ItemDataRole.BackgroundRole:
                return style.level_background(_text(value))
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            headers = self._source.headers
            return headers[section] if 0 <= section < len(headers) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        keys = self._source.sort_keys
        key = keys[column] if 0 <= column < len(keys) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None and self._query.sort_key is None:
            return  # not sortable, and nothing to undo
        if key is None:
            descending = False  # back to the ledger's own order
        if (key, descending) == (self._query.sort_key, self._query.descending):
            return
        self._query = replace(self._query, sort_key=key, descending=descending)
        self.reload()
