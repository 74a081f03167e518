"""Input widgets the movement forms share: a person by part of a name, a carrier
number that takes a barcode scan, and lists of either.

Keyboard contract (the form base relies on it): a widget that uses Enter for
itself (the scan field, adding to a list, picking the one matching person)
accepts the key event; otherwise it ignores Enter so the form saves.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ledger.pickers import CarrierChoice, CarrierSummary, PersonChoice
from app.ui import style

ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
COMPLETE_DELAY_MS = 150  # a scanner types a whole number faster than this: no popup mid-scan
_NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1


def is_enter(event: QKeyEvent) -> bool:
    return event.key() in ENTER


# -- people ---------------------------------------------------------------------------

class PersonField(QLineEdit):
    """A person of the register, found by typing part of the name or department.

    The completer matches anywhere in "姓名（部门）".  Enter on text that matches
    exactly one person completes it and moves on; on text matching several it
    opens the list; on a complete choice (or nothing) it lets the form save.
    `ref()` is what the ledger takes: the person's id when the text names one
    person, otherwise the text (the ledger then says who it cannot find).
    """

    person_changed = Signal(object)  # PersonChoice | None

    def __init__(self, people: list[PersonChoice] | None = None, parent: QWidget | None = None,
                 *, placeholder: str = "输入姓名或部门的一部分") -> None:
        super().__init__(parent)
        self._people: list[PersonChoice] = []
        self._model = QStringListModel(self)
        self._current: PersonChoice | None = None
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(10)
        self.setCompleter(completer)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.textChanged.connect(self._resolve)
        self.set_people(people or [])

    def set_people(self, people: list[PersonChoice]) -> None:
        self._people = list(people)
        self._model.setStringList([p.label for p in self._people])
        self._resolve()

    def people(self) -> list[PersonChoice]:
        return list(self._people)

    def matches(self, text: str | None = None) -> list[PersonChoice]:
        key = (self.text() if text is None else text).strip().casefold()
        return [p for p in self._people if key and key in p.label.casefold()]

    def person(self) -> PersonChoice | None:
        """The one person the text names: a full label, or a name nobody else has."""
        text = self.text().strip()
        if not text:
            return None
        for p in self._people:
            if p.label == text:
                return p
        same = [p for p in self._people if p.name == text]
        return same[0] if len(same) == 1 else None

    def ref(self) -> int | str | None:
        p = self.person()
        if p is not None:
            return p.id
        text = self.text().strip()
        return text or None

    def set_person(self, person: PersonChoice | None) -> None:
        self.setText(person.label if person else "")

    def _resolve(self, _text: str = "") -> None:
        p = self.person()
        if p != self._current:
            self._current = p
            self.person_changed.emit(p)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer().popup()
        if is_enter(event) and popup.isVisible() and popup.currentIndex().isValid():
            event.ignore()  # the completer takes the line chosen in its list (never a save)
            return
        if is_enter(event) and self.text().strip() and self.person() is None:
            found = self.matches()
            if len(found) == 1:
                self.setText(found[0].label)
                event.accept()
                self.focusNextChild()
                return
            if len(found) > 1:
                self.completer().setCompletionPrefix(self.text().strip())
                self.completer().complete()
                event.accept()
                return
        super().keyPressEvent(event)


class PeopleListField(QWidget):
    """An ordered list of people (readers of a 传阅, witnesses of a 销毁): type, Enter adds."""

    changed = Signal()

    def __init__(self, people: list[PersonChoice], parent: QWidget | None = None, *,
                 placeholder: str = "输入姓名的一部分，回车加入") -> None:
        super().__init__(parent)
        self.entry = _ListEntry(self, people, placeholder=placeholder)
        self.entry.completer().activated.connect(lambda text: QTimer.singleShot(0, lambda: self.add(text)))
        add = QPushButton(self.tr("加入"))
        add.setAutoDefault(False)
        add.clicked.connect(lambda: self.add(self.entry.text()))
        self.list = QListWidget()
        self.list.setMaximumHeight(84)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        remove = QPushButton(self.tr("移除"))
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_selected)
        up = QPushButton(self.tr("上移"))
        up.setAutoDefault(False)
        up.clicked.connect(lambda: self._move(-1))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.entry, 1)
        row.addWidget(add)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(up)
        side.addWidget(remove)
        side.addStretch(1)
        below = QHBoxLayout()
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(self.list, 1)
        below.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addLayout(below)
        self.setFocusProxy(self.entry)

    def add(self, text: str) -> bool:
        """Add the person the text names (or its one match); False when it names nobody yet."""
        text = (text or "").strip()
        if not text:
            return False
        person = next((p for p in self.entry.people() if p.label == text), None)
        if person is None:
            found = self.entry.matches(text)
            same = [p for p in self.entry.people() if p.name == text]
            person = same[0] if len(same) == 1 else (found[0] if len(found) == 1 else None)
        label = person.label if person else text
        if label not in self.labels():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, person.id if person else text)
            self.list.addItem(item)
            self.changed.emit()
        self.entry.clear()
        return True

    def labels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def refs(self) -> list[int | str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        if row < 0 or not 0 <= row + step < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(row + step, item)
        self.list.setCurrentRow(row + step)
        self.changed.emit()

    def draft_value(self) -> list[str]:
        return self.labels()

    def restore_value(self, value: object) -> None:
        self.list.clear()
        for label in value if isinstance(value, list) else []:
            self.add(str(label))


class _ListEntry(PersonField):
    """The entry line of a PeopleListField: Enter adds to the list (empty: the form saves)."""

    def __init__(self, owner: PeopleListField, people: list[PersonChoice], *, placeholder: str) -> None:
        super().__init__(people, owner, placeholder=placeholder)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A name, its one match, or nobody (the ledger will say so): add.  Several: the list opens.
        if is_enter(event) and self.text().strip() and (
                self.person() is not None or len(self.matches()) < 2):
            self._owner.add(self.text())
            event.accept()
            return
        super().keyPressEvent(event)


# -- carriers -------------------------------------------------------------------------

Lookup = Callable[[str], CarrierSummary | None]
Complete = Callable[[str], list[CarrierChoice]]


class CarrierField(QLineEdit):
    """A register number, typed or scanned.

    A scanner types the number and then Enter: Enter here looks the carrier up
    and moves to the next field (never saves), so a scan cannot save a half
    filled form.  Typing part of a number offers completions after a pause.
    """

    found = Signal(object)  # CarrierSummary | None, after each look-up

    def __init__(self, lookup: Lookup, complete: Complete | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lookup = lookup
        self._complete = complete
        self.summary: CarrierSummary | None = None
        self._looked_up: str | None = None
        self.next_widget: QWidget | None = None  # where Enter goes after a found carrier
        self.setPlaceholderText(self.tr("输入或扫描登记号"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(220)
        self._model = QStandardItemModel(self)
        completer = QCompleter(self._model, self)
        completer.setCompletionRole(_NUMBER_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.activated.connect(lambda _t: QTimer.singleShot(0, self.look_up))
        self.setCompleter(completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMPLETE_DELAY_MS)
        self._timer.timeout.connect(self._refresh_completions)
        self.textEdited.connect(lambda _t: self._timer.start())
        self.editingFinished.connect(self._finished_editing)

    def _refresh_completions(self) -> None:
        if self._complete is None:
            return
        self._model.clear()
        for choice in self._complete(self.text()):
            item = QStandardItem(choice.label)
            item.setData(choice.number, _NUMBER_ROLE)
            self._model.appendRow(item)

    def number(self) -> str:
        return self.text().strip()

    def look_up(self) -> CarrierSummary | None:
        """Find the carrier now (also called by forms after a draft or a prefill)."""
        self._timer.stop()
        text = self.number()
        self._looked_up = text
        self.summary = self._lookup(text) if text else None
        if self.summary is not None and self.summary.number != text:
            self.setText(self.summary.number)  # the normalised form (full-width digits ...)
            self._looked_up = self.summary.number
        self.found.emit(self.summary)
        return self.summary

    def _finished_editing(self) -> None:
        if self.number() != self._looked_up:
            self.look_up()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_enter(event):
            event.accept()  # never the form's save
            if self.completer().popup().isVisible():
                self.completer().popup().hide()
            if self.look_up() is not None:
                self.advance()
            else:
                self.selectAll()  # a second scan replaces the wrong number
            return
        super().keyPressEvent(event)

    def advance(self) -> None:
        target = self.next_widget
        if target is not None and target.isEnabled() and target.isVisible():
            target.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.focusNextChild()


class CarrierCard(QLabel):
    """What the scanned carrier is and who has it, under the number field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carrierCard")
        self.setWordWrap(True)
        # A wrapped label asked for its height at a narrow width claims several lines;
        # as wide as the fields it takes the one or two it needs.
        self.setMinimumWidth(380)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.show_summary(None)

    def show_summary(self, summary: CarrierSummary | None, *, missing: str = "") -> None:
        if summary is None:
            self.setText(f'<span style="color:#b00020">{missing}</span>' if missing
                         else '<span style="color:#888">（输入登记号后回车，显示载体信息）</span>')
            return
        fg, bg = style.LEVEL_COLOURS.get(summary.level, ("#333", "#eee"))
        serial = f"，份号 {summary.serial}" if summary.serial else ""
        badge = f"<span style='color:{fg};background:{bg};'>&nbsp;{summary.level}&nbsp;</span>"
        text = f"《{_esc(summary.title)}》 {badge} {summary.kind}{serial} · <b>{summary.state}</b>"
        if summary.holder is not None:
            due = f"，应还 {summary.due_at:%m-%d %H:%M}" if summary.due_at else ""
            text += f"<br>借阅人：{_esc(summary.holder.label)}，借出 {summary.out_at:%m-%d %H:%M}{due}"
        if summary.circulation:
            text += (f"<br>传阅中（第 {summary.circulation_served}/{len(summary.circulation)} 位）："
                     + "→".join(_esc(n) for n in summary.circulation))
        self.setText(text)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CarrierListField(QWidget):
    """A list of carriers (a destruction list): scan or type numbers, Enter adds each."""

    changed = Signal()

    def __init__(self, lookup: Lookup, complete: Complete | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = _CarrierEntry(self, lookup, complete)
        self.message = QLabel()
        self.message.setObjectName("fieldHint")
        self.list = QListWidget()
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(150)
        remove = QPushButton(self.tr("移除所选"))
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.entry, 1)
        row.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        self.setFocusProxy(self.entry)

    def add_summary(self, summary: CarrierSummary | CarrierChoice) -> None:
        if summary.number in self.numbers():
            self.message.setText(self.tr("%1 已在清单中。").replace("%1", summary.number))
            return
        item = QListWidgetItem(f"{summary.number}  《{summary.title}》  {summary.level}  {summary.state}")
        item.setData(Qt.ItemDataRole.UserRole, summary.number)
        self.list.addItem(item)
        self.message.setText(self.tr("已加入 %1，共 %2 件。").replace("%1", summary.number)
                             .replace("%2", str(self.list.count())))
        self.changed.emit()

    def add_number(self, number: str) -> bool:
        summary = self.entry._lookup(number)
        if summary is None:
            self.message.setText(self.tr("登记簿中没有编号为 %1 的载体。").replace("%1", number))
            return False
        self.add_summary(summary)
        return True

    def numbers(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def remove_selected(self) -> None:
        for item in self.list.selectedItems() or ([self.list.currentItem()] if self.list.currentItem() else []):
            self.list.takeItem(self.list.row(item))
        self.changed.emit()

    def draft_value(self) -> list[str]:
        return self.numbers()

    def restore_value(self, value: object) -> None:
        self.list.clear()
        for number in value if isinstance(value, list) else []:
            self.add_number(str(number))


class _CarrierEntry(CarrierField):
    """The scan line of a CarrierListField: Enter adds the carrier and stays for the next scan."""

    def __init__(self, owner: CarrierListField, lookup: Lookup, complete: Complete | None) -> None:
        super().__init__(lookup, complete, owner)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_enter(event) and not self.number():
            super(CarrierField, self).keyPressEvent(event)  # empty: the form may save
            return
        if is_enter(event):
            event.accept()
            self.completer().popup().hide()
            if self._owner.add_number(self.number()):
                self.clear()
            else:
                self.selectAll()
            return
        super().keyPressEvent(event)

    def _finished_editing(self) -> None:
        pass  # adding happens on Enter only


class ScanLine(QLineEdit):
    """A line that takes one scan after another: Enter hands the number on and clears.

    Empty, Enter goes to the form (which saves)."""

    scanned = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.tr("扫描或输入登记号，回车"))
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_enter(event) and self.text().strip():
            event.accept()
            self.scanned.emit(self.text().strip())
            return
        super().keyPressEvent(event)


# -- dates ----------------------------------------------------------------------------

def datetime_edit(value: datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(QDateTime(value))
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    edit.setMinimumWidth(170)
    return edit


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value))
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setMinimumWidth(130)
    return edit


def to_datetime(edit: QDateTimeEdit) -> datetime:
    return edit.dateTime().toPython().replace(second=0, microsecond=0)


def to_date(edit: QDateEdit) -> date:
    return edit.date().toPython()
