"""A lazy table over one ledger query: rows come in chunks as the view scrolls.

The model never asks for the whole ledger.  It keeps the chunks fetched so far
(each row's id first, then its display values) and asks the source for the
next chunk of 200 when the view scrolls to the end (canFetchMore/fetchMore),
so a register of a million carriers opens after one small query.  Sorting and
searching are done by the source (the ledger's indexed queries), never here.

Wiring a ledger query is one `FunctionSource(...)` per page, e.g.
    FunctionSource(HEADERS, SORT_KEYS,
                   fetch=lambda q, offset, limit: queries.carriers(reg, search=q.search,
                       order=q.sort_key, descending=q.descending, offset=offset, limit=limit),
                   count=lambda q: queries.count_carriers(reg, search=q.search))
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.ui import style

CHUNK = 200
Index = QModelIndex | QPersistentModelIndex
_TOP = QModelIndex()  # the invisible root: a table has no parents


@dataclass(frozen=True)
class Query:
    """What the page asks for: search text, sort key and direction, filters."""

    search: str = ""
    sort_key: str | None = None
    descending: bool = False
    filters: tuple[tuple[str, Any], ...] = ()


class RowSource(Protocol):
    """A ledger query as the table sees it. Rows are tuples: (row id, column values...)."""

    headers: Sequence[str]
    sort_keys: Sequence[str | None]  # per column; None: not sortable

    def fetch(self, query: Query, offset: int, limit: int) -> list[tuple]: ...

    def count(self, query: Query) -> int: ...


@dataclass
class FunctionSource:
    headers: Sequence[str]
    sort_keys: Sequence[str | None]
    fetch_fn: Callable[[Query, int, int], list[tuple]]
    count_fn: Callable[[Query], int]
    level_column: int | None = None  # the 密级 column, coloured by level
    alert_column: int | None = None

    def fetch(self, query: Query, offset: int, limit: int) -> list[tuple]:
        return self.fetch_fn(query, offset, limit)

    def count(self, query: Query) -> int:
        return self.count_fn(query)


@dataclass
class StaticSource:
    """Rows already in memory (small lists such as the accounts), searched and sorted here."""

    headers: Sequence[str]
    rows: list[tuple] = field(default_factory=list)
    level_column: int | None = None
    alert_column: int | None = None  # a 事项 column whose urgent values are shown in red

    @property
    def sort_keys(self) -> Sequence[str | None]:
        return [str(i) for i in range(len(self.headers))]

    def _matching(self, query: Query) -> list[tuple]:
        text = query.search.strip().casefold()
        rows = [r for r in self.rows if not text or any(text in _text(v).casefold() for v in r[1:])]
        if query.sort_key is not None:
            col = int(query.sort_key) + 1
            rows.sort(key=lambda r: _text(r[col]), reverse=query.descending)
        return rows

    def fetch(self, query: Query, offset: int, limit: int) -> list[tuple]:
        return self._matching(query)[offset:offset + limit]

    def count(self, query: Query) -> int:
        return len(self._matching(query))


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


class LazyTableModel(QAbstractTableModel):
    def __init__(self, source: RowSource, parent: Any = None, *, chunk: int = CHUNK) -> None:
        super().__init__(parent)
        self._source = source
        self._chunk = chunk
        self._query = Query()
        self._rows: list[tuple] = []
        self._exhausted = False
        self._total: int | None = None
        level = getattr(source, "level_column", None)
        if level is None and "密级" in source.headers:
            level = list(source.headers).index("密级")
        self._level_column = level
        self._alert_column = getattr(source, "alert_column", None)
        self._fill_first_chunk()

    # -- what the page uses --------------------------------------------------------
    @property
    def query(self) -> Query:
        return self._query

    def set_search(self, text: str) -> None:
        if text != self._query.search:
            self._query = replace(self._query, search=text)
            self.reload()

    def set_filters(self, filters: dict[str, Any]) -> None:
        self._query = replace(self._query, filters=tuple(sorted(filters.items())))
        self.reload()

    def row_id(self, row: int) -> Any:
        return self._rows[row][0]

    def loaded(self) -> int:
        return len(self._rows)

    def total(self) -> int:
        """How many rows the query matches (asked once per query, for the status line)."""
        if self._total is None:
            self._total = self._source.count(self._query)
        return self._total

    def reload(self) -> None:
        """Start again from the first chunk (new search, new sort, or after a change)."""
        self.beginResetModel()
        self._rows, self._exhausted, self._total = [], False, None
        self._fill_first_chunk()
        self.endResetModel()

    def _fill_first_chunk(self) -> None:
        rows = self._source.fetch(self._query, 0, self._chunk)
        self._rows = list(rows)
        self._exhausted = len(rows) < self._chunk

    # -- Qt model --------------------------------------------------------------------
    def rowCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _TOP) -> int:
        return 0 if parent.isValid() else len(self._source.headers)

    def canFetchMore(self, parent: Index = _TOP) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = _TOP) -> None:
        if parent.isValid() or self._exhausted:
            return
        rows = self._source.fetch(self._query, len(self._rows), self._chunk)
        if len(rows) < self._chunk:
            self._exhausted = True
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column() + 1]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _text(value)
        if role == Qt.ItemDataRole.UserRole:
            return self._rows[index.row()][0]
        if index.column() == self._alert_column and role == Qt.ItemDataRole.ForegroundRole:
            return style.alert_foreground(_text(value))
        if index.column() == self._level_column:
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
            return self._source.headers[section]
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        keys = self._source.sort_keys
        key = keys[column] if 0 <= column < len(keys) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None and self._query.sort_key is None:
            return  # not sortable, and nothing to undo
        if (key, descending) == (self._query.sort_key, self._query.descending):
            return
        self._query = replace(self._query, sort_key=key, descending=descending)
        self.reload()
