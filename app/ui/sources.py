"""Where each ledger page gets its rows: one small adapter per page (or per view of a page).

The UI runs no SQL: it opens the ledger's own read context (`queries.reading`,
role-checked) and calls the ledger's query functions, which return frozen rows.
Every source of the register is read on the register worker (`background=True`):
the table shows its first chunk as soon as it arrives and the window never
waits on a query.

    收发登记     queries.carriers_page / count_carriers; view 发文: history.movements_page("发文")
    借阅登记     ledger_view.loans_page("借阅") (returned ones too, 未归还/已归还 filter)
    复制登记     history.movements_page("复制")
    外出携带     ledger_view.loans_page("外出携带")
    清查清退     history.movements_page("清查") and ("清退")
    销毁登记     history.movements_page("销毁") (批准人, 监销人)
    归档         history.movements_page("归档")
    交接         history.movements_page("交接") (移交人 from the detail)
    定密         history.movements_page("定密"); view 待定密: classification_deadlines (R05)
    失泄密事件   ledger_view.incident_rows (R45 deadlines)
    涉密人员     people.list_people
    计算机与介质 devices.list_devices; view 存储介质: ledger_view.media_page (R06)
    今日         out_now, late_three_months, stats.deadlines, the password's expiry
    日志         journal_view.journal_page / count_journal (inspector only)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.ledger import (accounts, classification, devices, history, journal_view, ledger_view,
                        people, queries, stats)
from app.models.carriers import PERSON_STATUSES, STATES
from app.store.register import Register
from app.ui.ledgers import Ledger
from app.ui.table_model import FunctionSource, Query, RowSource, StaticSource, source


@dataclass
class ViewSet:
    """A ledger shown in more than one way (收文 and 发文; 清查 and 清退 ...)."""

    views: list[tuple[str, RowSource]]


def _read(reg: Register, fn: Callable[..., Any], **kwargs: Any) -> Any:
    with queries.reading(reg) as s:
        return fn(s, **kwargs)


def _dates(q: Query) -> dict[str, Any]:
    return {"date_from": q.filter("date_from"), "date_to": q.filter("date_to")}


def _who(name: str, dept: str) -> str:
    return f"{name}（{dept}）" if name and dept else name


def _search(s: Any, q: Query) -> tuple[str | None, int | None]:
    """The search words that are not a person's name, and the one person named (if any)."""
    rest, people = ledger_view.people_in_search(s, q.search)
    if len(people) == 1:
        return rest or None, people[0]
    return q.search or None, None


def _today(reg: Register) -> Callable[[], date]:
    return lambda: reg.clock.now().date()


def _movements(reg: Register, ledger: str, headers: tuple[str, ...], sort_keys: list[str | None],
               row: Callable[[history.MovementRow, dict], tuple], *, names: bool = False,
               print_name: str | None = None, **options: Any) -> FunctionSource:
    """A paper ledger as a view of the movements (history.movements_page), newest first."""
    def fetch(q: Query, offset: int, limit: int) -> list[tuple]:
        with queries.reading(reg) as s:
            search, person = _search(s, q)
            rows = history.movements_page(
                s, ledger, offset=offset, limit=limit, order_by=q.sort_key or "occurred_at",
                descending=q.descending if q.sort_key else True, search=search, person=person,
                level=q.filter("level"), **_dates(q))
            extra: dict = {}
            if names:
                ids = {m.detail.get(k) for m in rows for k in ("from", "to")}
                extra = ledger_view.people_names(s, {i for i in ids if isinstance(i, int)})
        return [row(m, extra) for m in rows]

    def count(q: Query) -> int:
        with queries.reading(reg) as s:
            search, person = _search(s, q)
            return history.count_movements(s, ledger, search=search, person=person,
                                           level=q.filter("level"), **_dates(q))

    return source(headers, sort_keys, fetch, count, background=True, dated=True,
                  carrier_column=headers.index("登记号") if "登记号" in headers else None,
                  print_name=print_name, today=_today(reg), **options)


# -- 收发登记 ------------------------------------------------------------------------------

# Column -> the order_by of queries.carriers_page (None: not sortable).
CARRIER_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("登记号", "number"), ("类别", "kind"), ("标题", "title"), ("文号", "doc_no"),
    ("来文单位", "issuer"), ("密级", "level"), ("份号", "serial"), ("保密期限", "period_until"),
    ("状态", "state"), ("持有人", "holder"), ("存放位置", "location"), ("登记时间", "registered_at"),
)
CARRIER_HEADERS = tuple(name for name, _ in CARRIER_COLUMNS)


def carriers_source(reg: Register) -> FunctionSource:
    def filters(s: Any, q: Query) -> dict[str, Any]:
        search, holder = _search(s, q)  # a person's name: what they hold
        return {"search": search, "holder": holder, "level": q.filter("level"),
                "state": q.filter("state"), **_dates(q)}

    def fetch(q: Query, offset: int, limit: int) -> list[tuple]:
        with queries.reading(reg) as s:
            rows = queries.carriers_page(s, offset=offset, limit=limit,
                                         order_by=q.sort_key or "number", descending=q.descending,
                                         **filters(s, q))
        return [(r.id, r.number, r.kind, r.title, r.doc_no, r.issuer, r.level, r.serial, r.period,
                 r.state, _who(r.holder, r.holder_dept), r.location, r.registered_at) for r in rows]

    def count(q: Query) -> int:
        with queries.reading(reg) as s:
            return queries.count_carriers(s, **filters(s, q))

    return source(CARRIER_HEADERS, [key for _, key in CARRIER_COLUMNS], fetch, count,
                  background=True, states=STATES, dated=True, date_label="登记日期",
                  carrier_column=0, alert_column=8, print_name="收发登记", today=_today(reg))


DISPATCH_HEADERS = ("登记号", "标题", "密级", "发往单位", "传递方式", "经办人", "发文时间", "回执", "标记")


def dispatch_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, _names: dict) -> tuple:
        receipt = f"{m.returned_at:%Y-%m-%d} 已签收" if m.returned_at else "未回"
        return (m.id, m.number, m.title, m.level, m.detail.get("to", ""),
                m.detail.get("channel", ""), m.person or m.account, m.occurred_at, receipt, m.flagged)

    return _movements(reg, "发文", DISPATCH_HEADERS,
                      ["number", "title", "level", None, None, "person", "occurred_at", None, None],
                      row, print_name="发文登记", flag_column=8, date_label="发文日期")


# -- 借阅 and 外出携带 ----------------------------------------------------------------------

LOAN_HEADERS = ("登记号", "标题", "密级", "借阅人", "批准人", "借出时间", "应还时间", "归还时间",
                "阅后签名", "状态")
CARRY_HEADERS = ("登记号", "标题", "密级", "携带人", "批准人", "事由", "带出时间", "应还时间",
                 "归还时间", "状态")


def loans_source(reg: Register, ledger: str) -> FunctionSource:
    carry = ledger == "外出携带"

    def fetch(q: Query, offset: int, limit: int) -> list[tuple]:
        rows = _read(reg, ledger_view.loans_page, ledger=ledger, status=q.filter("state"),
                     offset=offset, limit=limit, order_by=q.sort_key or "occurred_at",
                     descending=q.descending if q.sort_key else True, search=q.search or None,
                     level=q.filter("level"), **_dates(q))
        out = []
        for r in rows:
            m = r.movement
            who = _who(m.person, m.person_dept)
            if carry:
                out.append((m.id, m.number, m.title, m.level, who, m.approver,
                            m.detail.get("purpose", ""), m.occurred_at, r.deadline, m.returned_at,
                            r.status))
            else:
                out.append((m.id, m.number, m.title, m.level, who, m.approver, m.occurred_at,
                            r.deadline, m.returned_at, "已签" if m.returned_at else "", r.status))
        return out

    def count(q: Query) -> int:
        return _read(reg, ledger_view.count_loans, ledger=ledger, status=q.filter("state"),
                     search=q.search or None, level=q.filter("level"), **_dates(q))

    if carry:
        keys = ["number", "title", "level", "person", "approver", None, "occurred_at", "due_at",
                "returned_at", None]
        headers = CARRY_HEADERS
    else:
        keys = ["number", "title", "level", "person", "approver", "occurred_at", "due_at",
                "returned_at", None, None]
        headers = LOAN_HEADERS
    return source(headers, keys, fetch, count, background=True, states=ledger_view.LOAN_STATUSES,
                  state_label="归还", dated=True, date_label="借出日期" if not carry else "带出日期",
                  carrier_column=0, alert_column=len(headers) - 1,
                  print_name="外出携带" if carry else "借阅登记", today=_today(reg))


# -- the other paper ledgers ---------------------------------------------------------------

MOVE_KEYS = {"登记号": "number", "标题": "title", "密级": "level", "批准人": "approver"}


def _keys(headers: tuple[str, ...], **more: str) -> list[str | None]:
    table = {**MOVE_KEYS, **more}
    return [table.get(h) for h in headers]


COPY_HEADERS = ("登记号", "标题", "密级", "复制份数", "复制件登记号", "批准人", "复制人", "复制时间", "标记")


def copies_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, _n: dict) -> tuple:
        d = m.detail
        return (m.id, m.number, m.title, m.level, d.get("count", ""), "、".join(d.get("copies", [])),
                m.approver, m.person or m.account, m.occurred_at, m.flagged)

    return _movements(reg, "复制", COPY_HEADERS, _keys(COPY_HEADERS, 复制人="person", 复制时间="occurred_at"),
                      row, print_name="复制登记", flag_column=8, date_label="复制日期")


CHECK_HEADERS = ("季度", "登记号", "标题", "密级", "核对结果", "处理", "持有人", "清查时间")
WITHDRAW_HEADERS = ("登记号", "标题", "密级", "退往单位", "回执号", "经办人", "清退时间", "备注")


def checks_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, _n: dict) -> tuple:
        d = m.detail
        return (m.id, d.get("quarter", ""), m.number, m.title, m.level, d.get("result", ""),
                "已要求清退（R31）" if d.get("return_demanded") else "", _who(m.person, m.person_dept),
                m.occurred_at)

    return _movements(reg, "清查", CHECK_HEADERS, _keys(CHECK_HEADERS, 清查时间="occurred_at"), row,
                      print_name="清查清退", alert_column=4, date_label="清查日期")


def withdrawals_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, _n: dict) -> tuple:
        d = m.detail
        return (m.id, m.number, m.title, m.level, d.get("to", ""), d.get("receipt_no", ""), m.account,
                m.occurred_at, d.get("note", ""))

    return _movements(reg, "清退", WITHDRAW_HEADERS, _keys(WITHDRAW_HEADERS, 清退时间="occurred_at"),
                      row, print_name="清查清退", date_label="清退日期")


DESTROY_HEADERS = ("批次", "登记号", "标题", "密级", "批准人", "监销人", "销毁方式", "销毁地点", "销毁时间")


def destructions_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, _n: dict) -> tuple:
        d = m.detail
        return (m.id, f"#{m.batch_id}" if m.batch_id else "", m.number, m.title, m.level, m.approver,
                "、".join(d.get("witness_names") or []), d.get("method", ""), d.get("place", ""),
                m.occurred_at)

    return _movements(reg, "销毁", DESTROY_HEADERS, _keys(DESTROY_HEADERS, 销毁时间="occurred_at"), row,
                      print_name="销毁登记", date_label="销毁日期")


ARCHIVE_HEADERS = ("登记号", "标题", "密级", "档号", "存放位置", "归档时间", "经办人")


def archives_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, _n: dict) -> tuple:
        d = m.detail
        return (m.id, m.number, m.title, m.level, d.get("archive_no", ""), d.get("location", ""),
                m.occurred_at, m.account)

    return _movements(reg, "归档", ARCHIVE_HEADERS, _keys(ARCHIVE_HEADERS, 归档时间="occurred_at"), row,
                      print_name="归档", date_label="归档日期")


HANDOVER_HEADERS = ("交接时间", "登记号", "标题", "密级", "移交人", "接收人", "核对", "批次")


def handovers_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, names: dict) -> tuple:
        d = m.detail
        return (m.id, m.occurred_at, m.number, m.title, m.level, names.get(d.get("from"), ""),
                _who(m.person, m.person_dept), "已核对" if d.get("checked") else "未核对",
                f"#{m.batch_id}" if m.batch_id else "")

    return _movements(reg, "交接", HANDOVER_HEADERS,
                      _keys(HANDOVER_HEADERS, 交接时间="occurred_at", 接收人="person"), row,
                      names=True, print_name="交接清单", date_label="交接日期")


CLASSIFY_HEADERS = ("登记号", "标题", "事项", "原密级", "密级", "保密期限", "拟定人", "确定人", "依据",
                    "日期", "标记")
PENDING_HEADERS = ("登记号", "标题", "文件产生日期", "定密期限", "状态")


def classifications_source(reg: Register) -> FunctionSource:
    def row(m: history.MovementRow, _n: dict) -> tuple:
        d = m.detail
        before, after = d.get("before") or {}, d.get("after") or {}
        period = after.get("period", "")
        if before.get("period") and before.get("period") != period:
            period = f"{before['period']} → {period}"
        return (m.id, m.number, m.title, m.kind, before.get("level", ""), after.get("level", m.level),
                period, m.person, m.approver, d.get("basis", ""), m.occurred_at, m.flagged)

    return _movements(reg, "定密", CLASSIFY_HEADERS,
                      _keys(CLASSIFY_HEADERS, 事项="kind", 拟定人="person", 确定人="approver",
                            日期="occurred_at"), row, print_name="定密", level_column=4,
                      flag_column=10)


def pending_source(reg: Register) -> StaticSource:
    """R05: documents produced here still waiting for 定密, the overdue first."""
    def load() -> list[tuple]:
        with queries.reading(reg) as s:
            now = reg.clock.now()
            due = classification.classification_deadlines(s, now, within_days=classification.DEADLINE_DAYS)
        return [(d.number, d.number, d.title, d.doc_date, d.due,
                 "逾期未定密（R05）" if d.overdue else "待定密")
                for d in sorted(due, key=lambda d: (not d.overdue, d.due))]

    return StaticSource(headers=PENDING_HEADERS, loader=load, background=True, carrier_column=0,
                        alert_column=4, state_column=4, states=("逾期", "待定密"), dated=True,
                        date_column=3, date_label="定密期限", today=_today(reg))


# -- incidents, people, devices -------------------------------------------------------------

INCIDENT_HEADERS = ("编号", "发现时间", "登记号", "密级", "责任人", "书面报告", "查处结果", "状态", "下一期限")
INCIDENT_STATES = ("待书面报告", "书面报告逾期", "待查处结果", "查处结果逾期", "已报查处结果", "已结案")


def incidents_source(reg: Register) -> StaticSource:
    def load() -> list[tuple]:
        with queries.reading(reg) as s:
            items = ledger_view.incident_rows(s)
        rows = []
        for i in items:
            report = (f"{i.reported_at:%Y-%m-%d %H:%M}" if i.reported_at
                      else f"未报（限 {i.report_due:%m-%d %H:%M} 前）")
            result = (f"{i.result_at:%Y-%m-%d} {i.result}".strip() if i.result_at
                      else f"未报（限 {i.result_due:%Y-%m-%d} 前）")
            rows.append((i.id, i.number, i.discovered_at, i.carrier, i.level, i.responsible, report,
                         result, i.status, i.next_due))
        return rows

    return StaticSource(headers=INCIDENT_HEADERS, loader=load, background=True, carrier_column=2,
                        level_column=3, alert_column=7, state_column=7, states=INCIDENT_STATES,
                        dated=True, date_column=1, date_label="发现日期", print_name="失泄密事件",
                        today=_today(reg))


PEOPLE_HEADERS = ("姓名", "部门", "涉密等级", "领导", "承诺书日期", "状态", "脱密期至", "持有载体", "培训次数")


def people_source(reg: Register) -> StaticSource:
    def load() -> list[tuple]:
        rows = []
        for p in people.list_people(reg):
            leader = "主要领导" if p.is_principal_leader else ("领导" if p.is_leader else "")
            rows.append((p.id, p.name, p.dept, p.clearance, leader, p.pledge_date, p.status,
                         p.declassify_until, p.held, p.trainings))
        return rows

    return StaticSource(headers=PEOPLE_HEADERS, loader=load, background=True, state_column=5,
                        states=PERSON_STATUSES, print_name="涉密人员", today=_today(reg))


DEVICE_HEADERS = ("编号", "类别", "型号／名称", "序列号", "密级", "存放位置", "责任人", "状态", "维修记录")
MEDIA_HEADERS = ("登记号", "类别", "名称", "介质序列号", "密级", "存放位置", "持有人", "状态", "登记时间")


def devices_source(reg: Register) -> StaticSource:
    def load() -> list[tuple]:
        rows = []
        for d in devices.list_devices(reg):
            repairs = (f"维修 {d.repairs} 次，最近 {d.last_repair_at:%Y-%m-%d}"
                       if d.repairs and d.last_repair_at else "")
            if d.kind == "传真机":
                repairs = "；".join(p for p in (repairs, "加密传真" if d.encrypted_fax else "非加密传真（不得传输涉密信息，R64）") if p)
            rows.append((d.id, d.number, d.kind, d.model, d.serial_no, d.level, d.location,
                         d.custodian, d.status, repairs))
        return rows

    return StaticSource(headers=DEVICE_HEADERS, loader=load, background=True, state_column=7,
                        states=("在用", "停用", "报废"), print_name="计算机与介质",
                        today=_today(reg))


def media_source(reg: Register) -> FunctionSource:
    def filters(q: Query) -> dict[str, Any]:
        return {"search": q.search or None, "level": q.filter("level"), "state": q.filter("state")}

    def fetch(q: Query, offset: int, limit: int) -> list[tuple]:
        with queries.reading(reg) as s:
            rows = ledger_view.media_page(s, offset=offset, limit=limit,
                                          order_by=q.sort_key or "number", descending=q.descending,
                                          **filters(q))
            serials = ledger_view.media_serials(s, [r.id for r in rows])
        return [(r.id, r.number, r.kind, r.title, serials.get(r.id, ""), r.level, r.location,
                 _who(r.holder, r.holder_dept), r.state, r.registered_at) for r in rows]

    def count(q: Query) -> int:
        return _read(reg, ledger_view.count_media, **filters(q))

    keys = ["number", "kind", "title", None, "level", "location", "holder", "state", "registered_at"]
    return source(MEDIA_HEADERS, keys, fetch, count, background=True, states=STATES,
                  carrier_column=0, alert_column=7, print_name="计算机与介质", today=_today(reg))


# -- 今日 ---------------------------------------------------------------------------------

DUE_NAMES = {"定密": "定密期限（R05）", "事件书面报告": "事件书面报告（R45，24小时）",
             "事件查处结果": "事件查处结果（R45，3个月）", "季度清查": "季度清查清退（R30）",
             "保密期限届满": "保密期限今年届满（R05）"}


def today_rows(reg: Register) -> list[tuple]:
    """What needs attention today, the most urgent first: one line each, each naming its
    carrier where there is one (the line opens it)."""
    now = reg.clock.now()
    with queries.reading(reg) as s:
        out = queries.out_now(s)
        late = queries.late_three_months(s)
        due = stats.deadlines(s, now)
        incident_carrier = ledger_view.incident_carriers(s)
    late_by_number = {item.number: item for item in late}
    urgent: list[tuple] = []
    rows: list[tuple] = []
    # One line per carrier out, the most urgent label first: R31 > overdue (R12) > due today.
    for r in sorted(out, key=lambda r: (r.number not in late_by_number, not r.overdue, r.deadline)):
        item = late_by_number.pop(r.number, None)
        what = ("超期三个月未还（R31）" if item else "逾期未还（R12）" if r.overdue else
                "今日须归还（R12）" if r.deadline.date() == now.date() else f"{r.state}中")
        note = f"批准人：{r.approver}" if r.approver else ""
        if item:
            note = f"{item.reason}，按失泄密事件处理；{note}"
        line = (r.number, what, r.number, r.title, r.level, _who(r.borrower, r.dept), r.deadline, note)
        (urgent if (item or r.overdue) else rows).append(line)
    for item in late_by_number.values():  # e.g. a return demanded by a quarterly check
        urgent.append((item.number, "超期三个月未还（R31）", item.number, item.title, item.level,
                       item.holder, item.since, item.reason + "，按失泄密事件处理"))
    for d in due:
        name = DUE_NAMES.get(d.kind, d.kind)
        what = ("逾期：" + name) if d.overdue else name
        number = incident_carrier.get(d.ref, "") if d.kind.startswith("事件") else (
            "" if d.kind == "季度清查" else d.ref)
        note = (f"事件编号 {d.ref}" if d.kind.startswith("事件") else
                f"季度 {d.ref}" if d.kind == "季度清查" else "")
        line = (number or d.ref, what, number, d.subject, "", "", d.due, note)
        (urgent if d.overdue else rows).append(line)
    days = reg.sign_in_info.get("expires_in_days")
    if days:
        rows.append(("password", "口令即将到期（R51）", "", f"您的口令 {days} 天后到期，请及时修改", "",
                     reg.actor, f"{days} 天后", "账户 → 修改口令"))
    return urgent + rows


def today_source(reg: Register, headers: tuple[str, ...]) -> StaticSource:
    return StaticSource(headers=headers, loader=lambda: today_rows(reg), background=True,
                        alert_column=0, carrier_column=1, today=_today(reg))


# -- 日志 ------------------------------------------------------------------------------------

JOURNAL_HEADERS = ("序号", "时间", "账户", "操作", "对象", "摘要")


def journal_source(reg: Register) -> FunctionSource:
    def filters(q: Query) -> dict[str, Any]:
        return {"search": q.search or None, **_dates(q)}

    def fetch(q: Query, offset: int, limit: int) -> list[tuple]:
        with journal_view.reading(reg) as s:
            rows = journal_view.journal_page(s, offset=offset, limit=limit,
                                             descending=q.descending if q.sort_key else True,
                                             **filters(q))
        return [(r.seq, r.seq, r.at, r.account, r.action, r.object, r.summary) for r in rows]

    def count(q: Query) -> int:
        with journal_view.reading(reg) as s:
            return journal_view.count_journal(s, **filters(q))

    return source(JOURNAL_HEADERS, ["seq", None, None, None, None, None], fetch, count,
                  background=True, dated=True, date_label="记录日期", today=_today(reg))


# -- accounts ----------------------------------------------------------------------------------

def accounts_source(reg: Register, headers: tuple[str, ...]) -> StaticSource:
    def load() -> list[tuple]:
        rows = []
        for a in accounts.list_accounts(reg):
            state = "停用" if a.disabled else ("锁定" if a.locked_minutes else "正常")
            if a.must_change and not a.disabled:
                state += f"（须改口令：{a.must_change}）"
            rows.append((a.username, a.username, a.display_name, "、".join(a.roles), state,
                         a.password_changed_at, a.last_login_at, a.locked_minutes or ""))
        return rows

    return StaticSource(headers=headers, rows=load(), loader=None, alert_column=3)


def source_for(ledger: Ledger, reg: Register) -> RowSource | ViewSet:
    """The rows of a navigation page: one source, or the views of the ledger."""
    key = ledger.key
    if key == "accounts":
        return accounts_source(reg, ledger.headers)
    if key == "today":
        return today_source(reg, ledger.headers)
    if key == "receipts":
        return ViewSet([("全部载体", carriers_source(reg)), ("发文", dispatch_source(reg))])
    if key == "loans":
        return loans_source(reg, "借阅")
    if key == "carry":
        return loans_source(reg, "外出携带")
    if key == "copies":
        return copies_source(reg)
    if key == "clearout":
        return ViewSet([("清查", checks_source(reg)), ("清退", withdrawals_source(reg))])
    if key == "destruction":
        return destructions_source(reg)
    if key == "archive":
        return archives_source(reg)
    if key == "handover":
        return handovers_source(reg)
    if key == "classify":
        return ViewSet([("定密记录", classifications_source(reg)), ("待定密", pending_source(reg))])
    if key == "incidents":
        return incidents_source(reg)
    if key == "people":
        return people_source(reg)
    if key == "devices":
        return ViewSet([("设备", devices_source(reg)), ("存储介质", media_source(reg))])
    if key == "journal":
        return journal_source(reg)
    return StaticSource(headers=ledger.headers)
