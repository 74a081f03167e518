"""Where each ledger page gets its rows: one line per page.

Only what the ledger layer already offers is wired: the accounts
(app.ledger.accounts.list_accounts).  The carrier and movement pages show
their columns with no rows until app.ledger.queries lands; wiring one is a
`FunctionSource(...)` line in `source_for` (see app/ui/table_model.py).
"""
from __future__ import annotations

from app.ledger import accounts
from app.store.register import Register
from app.ui.ledgers import Ledger
from app.ui.table_model import RowSource, StaticSource


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
    return StaticSource(ledger.headers, [])
