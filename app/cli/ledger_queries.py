"""The clerk's questions as `baomi` verbs: list, show, stats, today; and demo.

Reading verbs are for the 保密员, 领导 and 检查人员 (never the 系统管理员, who
does not read the ledgers).  Output is an aligned table in Chinese, or with
`--json` one JSON document whose keys are listed in README.md
("`--json` 输出格式").  No rule and no SQL lives here.
"""
from __future__ import annotations

import argparse
import sys
import time as timer
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli import common
from app.cli.common import add_db, display_width, parse_time, print_json, say, table
from app.crypto.keyslots import keyslot_path
from app.errors import BadInput
from app.ledger import history as hist
from app.ledger import queries, stats
from app.ledger.queries import reading
from app.models.carriers import LEVELS, STATES

TITLE_WIDTH = 36


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="列出涉密载体（可按状态、密级、持有人、关键词筛选；--as-of 查看某一时刻）")
    add_db(p)
    p.add_argument("--state", choices=STATES, help="状态")
    p.add_argument("--level", choices=LEVELS, help="密级")
    p.add_argument("--holder", metavar="PERSON", help="持有人（借阅人或保管人），姓名或 姓名/部门")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--overdue", action="store_true", help="只列逾期未还的（R12：当日下班未还或超过应还时间）")
    which.add_argument("--late-3-months", action="store_true", help="只列超过三个月未还的（R31）")
    p.add_argument("--search", metavar="TEXT", help="标题、登记号、文号、来文单位中的文字（可多个词，空格分隔）")
    p.add_argument("--as-of", metavar="DATETIME", help="查看登记簿在某一时刻的情况，如 2026-06-30 17:30")
    p.add_argument("--limit", type=int, default=100, metavar="N", help="最多显示 N 行（默认 100，0 为全部）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="显示一件载体及其全部流转记录和日志")
    add_db(p)
    p.add_argument("number", metavar="NUMBER", help="登记号（可扫码输入）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("stats", help="月度统计（R60）：收文、发文、借出、复制、销毁等，按密级")
    add_db(p)
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="月份，如 2026-11")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("today", help="今日提示：在外载体、今日应还、逾期、超三个月未还、各项期限")
    add_db(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_today)

    p = sub.add_parser("demo", help="生成一个新的演示登记簿（演示账户和口令显示在标准错误上）")
    p.add_argument("db", metavar="DB", help="新登记簿文件（须不存在）")
    p.add_argument("--carriers", type=int, required=True, metavar="N", help="载体数量")
    p.add_argument("--seed", type=int, default=0, help="随机种子（相同种子生成相同数据）")
    p.add_argument("--fast-kdf", action="store_true",
                   help="使用测试用的极低强度密钥派生参数（仅供演示和性能测试）")
    p.set_defaults(func=cmd_demo)


# -- output helpers ---------------------------------------------------------------------

def _clip(text: str, width: int = TITLE_WIDTH) -> str:
    if display_width(text) <= width:
        return text
    out = ""
    for c in text:
        if display_width(out + c) > width - 1:
            return out + "…"
        out += c
    return out


def _t(when: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return when.strftime(fmt) if when else "-"


def _iso(when: Any) -> str | None:
    """Times as 2026-11-02 09:00:00, dates as 2026-11-02, absent as null."""
    if when is None:
        return None
    return when.isoformat(sep=" ") if isinstance(when, datetime) else when.isoformat()


# -- JSON shapes (documented in README.md) ---------------------------------------------------

def carrier_json(r: queries.CarrierRow) -> dict:
    return {"number": r.number, "kind": r.kind, "title": r.title, "doc_no": r.doc_no,
            "issuer": r.issuer, "level": r.level, "serial": r.serial, "period": r.period,
            "state": r.state, "holder": r.holder or None, "holder_dept": r.holder_dept or None,
            "location": r.location, "registered_at": _iso(r.registered_at)}


def loan_json(r: queries.OutRow) -> dict:
    return {"number": r.number, "title": r.title, "level": r.level, "state": r.state,
            "borrower": r.borrower, "dept": r.dept, "approver": r.approver,
            "out_at": _iso(r.out_at), "due_at": _iso(r.due_at), "deadline": _iso(r.deadline),
            "overdue": r.overdue}


def late_json(r: Any) -> dict:
    return {"number": r.number, "title": r.title, "level": r.level, "holder": r.holder,
            "since": _iso(r.since), "reason": r.reason}


def due_json(d: stats.Due) -> dict:
    return {"kind": d.kind, "rule": d.rule, "due": _iso(d.due), "ref": d.ref,
            "subject": d.subject, "overdue": d.overdue}


def movement_json(m: hist.MovementRow) -> dict:
    return {"id": m.id, "kind": m.kind, "occurred_at": _iso(m.occurred_at),
            "entered_at": _iso(m.entered_at), "account": m.account, "person": m.person or None,
            "person_dept": m.person_dept or None, "approver": m.approver or None,
            "batch_id": m.batch_id, "due_at": _iso(m.due_at), "returned_at": _iso(m.returned_at),
            "state_after": m.state_after, "flagged": m.flagged or None, "detail": m.detail,
            "summary": m.summary}


# -- list -------------------------------------------------------------------------------

def _filtered_loans(rows: list, args: argparse.Namespace, holder: int | None) -> list:
    """--overdue with the other filters (the out set is small: filtered here)."""
    terms = queries.search_terms(args.search)
    return [r for r in rows
            if (not args.level or r.level == args.level)
            and (not args.state or r.state == args.state)
            and (holder is None or r.borrower_id == holder)
            and all(t in r.title or t in r.number for t in terms)]


def cmd_list(args: argparse.Namespace) -> int:
    as_of = parse_time(args.as_of, "--as-of 时间")
    if args.limit < 0:
        raise BadInput("--limit 不能为负数。")
    limit = args.limit or None
    reg, _ = common.sign_in(args)
    with reg, reading(reg) as s:
        holder = queries.person_id(s, args.holder)
        if args.late_3_months:
            if as_of:
                raise BadInput("--late-3-months 只能查看当前情况，不能与 --as-of 同用。")
            items = [r for r in queries.late_three_months(s)
                     if (not args.level or r.level == args.level)
                     and all(t in r.title or t in r.number for t in queries.search_terms(args.search))]
            view, total = "late_3_months", len(items)
        elif args.overdue:
            items = _filtered_loans(queries.overdue(s, as_of), args, holder)
            view, total = "overdue", len(items)
        else:
            filters = dict(search=args.search, level=args.level, state=args.state, holder=holder,
                           as_of=as_of)
            total = queries.count_carriers(s, **filters)
            items = queries.carriers_page(s, limit=limit, **filters)
            view = "carriers"
    shown = items[:limit] if limit else items
    if args.json:
        to_json = {"carriers": carrier_json, "overdue": loan_json, "late_3_months": late_json}[view]
        print_json({"view": view, "as_of": _iso(as_of), "total": total, "shown": len(shown),
                    "items": [to_json(r) for r in shown]})
        return 0
    sys.stdout.write(_list_table(view, shown))
    when = f"（截至 {as_of:%Y-%m-%d %H:%M}）" if as_of else ""
    say(f"共 {total} 件{when}，显示 {len(shown)} 件。")
    return 0


def _list_table(view: str, rows: list) -> str:
    if view == "carriers":
        return table(["登记号", "密级", "标题", "文号", "来文单位", "份号", "状态", "持有人", "登记时间"],
                      [[r.number, r.level, _clip(r.title), r.doc_no, r.issuer, r.serial, r.state,
                        r.holder or "-", _t(r.registered_at)] for r in rows])
    if view == "overdue":
        return table(["登记号", "密级", "标题", "状态", "借阅人", "部门", "借出时间", "应还时间"],
                      [[r.number, r.level, _clip(r.title), r.state, r.borrower, r.dept,
                        _t(r.out_at), _t(r.deadline)] for r in rows])
    return table(["登记号", "密级", "标题", "持有人", "应还（起算）", "原因"],
                  [[r.number, r.level, _clip(r.title), r.holder or "-", _t(r.since), r.reason]
                   for r in rows])


# -- show -------------------------------------------------------------------------------

def cmd_show(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg, reading(reg) as s:
        h = hist.history(s, args.number)
    c = h.carrier
    if args.json:
        carrier = {k: (_iso(v) if hasattr(v, "isoformat") else list(v) if isinstance(v, tuple) else v)
                   for k, v in asdict(c).items() if k != "id"}
        print_json({"carrier": carrier, "movements": [movement_json(m) for m in h.movements],
                    "timeline": [{"seq": e.seq, "entered_at": _iso(e.entered_at),
                                  "happened_at": _iso(e.happened_at), "account": e.account,
                                  "action": e.action, "object": e.obj_type, "summary": e.summary}
                                 for e in h.timeline]})
        return 0
    out = sys.stdout
    out.write(f"{c.number}《{c.title}》\n")
    fields = [("密级", c.level + (f"（曾定 {c.highest_level}）" if c.highest_level != c.level else "")),
              ("状态", c.state + (f"，持有人 {c.holder}" if c.holder else "")),
              ("类型", c.kind), ("文号", c.doc_no), ("来文单位", c.issuer), ("份号", c.serial),
              ("份数", str(c.copies_total)), ("保密期限", c.period + (f"（至 {c.period_until}）" if c.period_until else "")),
              ("知悉范围", "、".join(c.scope)), ("来源", c.origin), ("原件", c.parent),
              ("复制件", "、".join(c.copies)), ("存放位置", c.location), ("保管人", c.custodian),
              ("定密", "已定密" if c.classified else "待定密（R05）"), ("登记时间", _t(c.registered_at)),
              ("介质编号", c.media_id), ("备注", c.note)]
    out.write(table(["项目", "内容"], [[k, v] for k, v in fields if v]))
    out.write("\n流转记录：\n")
    out.write(table(["发生时间", "类型", "经办账户", "录入时间", "摘要"],
                     [[_t(m.occurred_at), m.kind, m.account, _t(m.entered_at), m.summary]
                      for m in h.movements]))
    out.write("\n日志：\n")
    out.write(table(["序号", "录入时间", "发生时间", "账户", "操作", "内容"],
                     [[str(e.seq), _t(e.entered_at), _t(e.happened_at), e.account, e.action, e.summary]
                      for e in h.timeline]))
    return 0


# -- stats ------------------------------------------------------------------------------

def cmd_stats(args: argparse.Namespace) -> int:
    stats.month_bounds(args.month)  # bad input before the password
    reg, _ = common.sign_in(args)
    with reg, reading(reg) as s:
        m = stats.monthly_stats(s, args.month)
    if args.json:
        print_json({"month": m.month, "levels": list(stats.STAT_LEVELS),
                    "rows": [{"row": row, "counts": m.counts[row], "total": m.total(row)}
                             for row in stats.STAT_ROWS]})
        return 0
    sys.stdout.write(f"{m.month} 涉密载体月度统计（R60）\n")
    sys.stdout.write(table(["项目", *stats.STAT_LEVELS, "合计"],
                            [[row, *(str(m.counts[row][lv]) for lv in stats.STAT_LEVELS),
                              str(m.total(row))] for row in stats.STAT_ROWS]))
    return 0


# -- today ------------------------------------------------------------------------------

def cmd_today(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg, reading(reg) as s:
        now = s.info["clock"].now()
        out, due, overdue = queries.out_now(s, now), queries.due_today(s, now), queries.overdue(s, now)
        late, dues = queries.late_three_months(s, now), stats.deadlines(s, now)
    if args.json:
        print_json({"now": _iso(now), "out_now": [loan_json(r) for r in out],
                    "due_today": [loan_json(r) for r in due],
                    "overdue": [loan_json(r) for r in overdue],
                    "late_3_months": [late_json(r) for r in late],
                    "deadlines": [due_json(d) for d in dues]})
        return 0
    w = sys.stdout.write
    w(f"{now:%Y-%m-%d %H:%M} 今日提示\n")
    sections = [("在外载体", out, "overdue"), ("今日应还（R12）", due, "overdue"),
                ("逾期未还（R12）", overdue, "overdue"), ("超过三个月未还（R31）", late, "late")]
    for title, rows, view in sections:
        w(f"\n{title}：{len(rows)} 件\n")
        if rows:
            w(_list_table(view, rows))
    w(f"\n各项期限：{len(dues)} 项\n")
    if dues:
        w(table(["期限", "事项", "规则", "编号", "说明"],
                 [[_t(d.due) + ("（已过）" if d.overdue else ""), d.kind, d.rule, d.ref, d.subject]
                  for d in dues]))
    return 0


# -- demo -------------------------------------------------------------------------------

DEMO_ACCOUNTS = (("系统管理员", "admin", "Guanli#Demo2026"), ("保密员", "clerk", "Baomi#Demo2026"),
                 ("检查人员", "jiancha", "Shencha#Demo2026"))
_FIRST = "Chushi#Demo2026"  # set at creation, changed at once (first sign-in, R52)


def cmd_demo(args: argparse.Namespace) -> int:
    """A new register: accounts made at the demo's start (2023), events up to now,
    then the demo passwords set now (so they are not already expired, R51)."""
    from app.clock import FakeClock
    from app.crypto.kdf import TEST_PARAMS
    from app.ledger import accounts
    from app.ledger.demo import START, build_demo
    path = Path(args.db)
    if path.exists() or keyslot_path(path).exists():
        raise BadInput(f"文件 {path} 已存在：演示数据只写入新的登记簿。")
    if not 1 <= args.carriers <= 2_000_000:
        raise BadInput("--carriers 应在 1 至 2000000 之间。")
    real = common.clock()
    if args.fast_kdf:
        say("注意：使用测试用的极低强度密钥派生参数（--fast-kdf），此登记簿只可用于演示。")
    else:
        say("正在按本机性能设定密钥派生参数（约需数秒）……")
    start = FakeClock(START.replace(hour=7))
    t0 = timer.perf_counter()
    code = accounts.create_register(path, unit="演示单位（某市直机关）", level="机密", admin="admin",
                                    admin_password=_FIRST, clerk="clerk", clerk_password=_FIRST,
                                    clock=start, kdf=TEST_PARAMS if args.fast_kdf else None)
    try:
        reg = accounts.sign_in(path, "clerk", _FIRST, clock=start, allow_password_change=True)
        with reg:
            summary = build_demo(reg, carriers=args.carriers, seed=args.seed, end=real.now(),
                                 progress=lambda n, total: say(f"已生成 {n}/{total} 件……"))
        _demo_accounts(path, real)
    except BaseException:
        for p in (path, keyslot_path(path), path.with_name(path.name + "-wal"),
                  path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        raise
    say("演示账户（仅供演示）：")
    for role, user, password in DEMO_ACCOUNTS:
        say(f"  {role} {user}  口令 {password}")
    say(f"恢复码（演示）：{code}")
    sys.stdout.write(f"已生成演示登记簿 {path}：载体 {summary.carriers} 件，人员 {summary.people} 人，"
                     f"流转 {summary.events} 次，用时 {timer.perf_counter() - t0:.1f} 秒。\n")
    return 0


def _demo_accounts(path: Path, clock: Any) -> None:
    from app.ledger import accounts
    passwords = {user: pw for _, user, pw in DEMO_ACCOUNTS}
    for user in ("clerk", "admin"):
        reg = accounts.sign_in(path, user, _FIRST, clock=clock, allow_password_change=True)
        with reg:
            accounts.change_password(reg, _FIRST, passwords[user])
            if user == "admin":
                accounts.add_account(reg, "jiancha", "检查人员", _FIRST, display_name="检查人员（演示）")
    reg = accounts.sign_in(path, "jiancha", _FIRST, clock=clock, allow_password_change=True)
    with reg:
        accounts.change_password(reg, _FIRST, passwords["jiancha"])
