"""Where each ledger page gets its rows: one small adapter per page.

The UI runs no SQL: it opens the ledger's own read context
(`queries.reading(reg)`, role-checked) and calls the ledger's query functions,
which return frozen rows.  Wired so far: the carrier register (收发登记)
through `queries.carriers_page`, 今日 through `queries.out_now` and
`queries.late_three_months`, and the accounts.  The movement ledgers
(借阅, 复制, 销毁 ...) show their columns with no rows until the ledger layer
offers a paged query for movements; wiring one is a `FunctionSource` line here.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.errors import BaomiError
from app.ledger import accounts, queries
from app.store.register import Register
from app.ui.ledgers import Ledger
from app.ui.table_model import FunctionSource, Query, RowSource, StaticSource

# Column -> the order_by of queries.carriers_page (None: not sortable).
CARRIER_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("登记号", "number"), ("类别", "kind"), ("标题", "title"), ("文号", "doc_no"),
    ("来文单位", "issuer"), ("密级", "level"), ("份号", "serial"), ("保密期限", None),
    ("状态", "state"), ("持有人", "holder"), ("存放位置", "location"), ("登记时间", "registered_at"),
)
CARRIER_HEADERS = tuple(name for name, _ in CARRIER_COLUMNS)


def _read(reg: Register, fn: Callable[..., Any], **kwargs: Any) -> Any:
    with queries.reading(reg) as s:
        return fn(s, **kwargs)


def _filters(q: Query) -> dict[str, Any]:
    f = dict(q.filters)
    return {"search": q.search or None, "level": f.get("level") or None}


def carriers_source(reg: Register) -> FunctionSource:
    def fetch(q: Query, offset: int, limit: int) -> list[tuple]:
        try:
            rows = _read(reg, queries.carriers_page, offset=offset, limit=limit,
                         order_by=q.sort_key or "number", descending=q.descending, **_filters(q))
        except BaomiError:
            return []  # e.g. a search the index cannot take: show nothing rather than fail
        return [(r.id, r.number, r.kind, r.title, r.doc_no, r.issuer, r.level, r.serial, r.period,
                 r.state, f"{r.holder}（{r.holder_dept}）" if r.holder_dept else r.holder,
                 r.location, r.registered_at) for r in rows]

    def count(q: Query) -> int:
        try:
            return _read(reg, queries.count_carriers, **_filters(q))
        except BaomiError:
            return 0

    return FunctionSource(CARRIER_HEADERS, [key for _, key in CARRIER_COLUMNS], fetch, count)


def today_source(reg: Register, headers: tuple[str, ...]) -> StaticSource:
    """What needs attention today: small lists by nature, so read at once."""
    now = reg.clock.now()
    with queries.reading(reg) as s:
        out = queries.out_now(s)
        late = queries.late_three_months(s)
    late_by_number = {item.number: item for item in late}
    rows: list[tuple] = []
    # One line per carrier, the most urgent label first: R31 > overdue (R12) > due today.
    for r in sorted(out, key=lambda r: (r.number not in late_by_number, not r.overdue, r.deadline)):
        item = late_by_number.pop(r.number, None)
        what = ("超期三个月（R31）" if item else "逾期未还" if r.overdue else
                "今日须归还" if r.deadline.date() == now.date() else r.state)
        who = f"{r.borrower}（{r.dept}）" if r.dept else r.borrower
        note = f"批准人：{r.approver}" if r.approver else ""
        if item:
            note = f"{item.reason}，按失泄密事件处理；{note}"
        rows.append((r.carrier_id, what, r.number, r.title, r.level, who, r.deadline, note))
    for item in late_by_number.values():  # e.g. a return demanded by a quarterly check
        rows.append((item.number, "超期三个月（R31）", item.number, item.title, item.level,
                     item.holder, item.since, item.reason + "，按失泄密事件处理"))
    days = reg.sign_in_info.get("expires_in_days")
    if days:
        rows.append(("password", "口令即将到期", "", "", "", reg.actor, f"{days} 天后",
                     "请及时修改口令（R51）"))
    return StaticSource(headers, rows, alert_column=0)


def accounts_source(reg: Register, headers: tuple[str, ...]) -> StaticSource:
    rows = []
    for a in accounts.list_accounts(reg):
        state = "停用" if a.disabled else ("锁定" if a.locked_minutes else "正常")
        if a.must_change and not a.disabled:
            state += f"（须改口令：{a.must_change}）"
        rows.append((a.username, a.username, a.display_name, "、".join(a.roles), state,
                     a.password_changed_at, a.last_login_at, a.locked_minutes or ""))
    return StaticSource(headers, rows)


def source_for(ledger: Ledger, reg: Register) -> RowSource:
    if ledger.key == "accounts":
        return accounts_source(reg, ledger.headers)
    if ledger.key == "receipts":
        return carriers_source(reg)
    if ledger.key == "today":
        return today_source(reg, ledger.headers)
    return StaticSource(ledger.headers, [])
