"""The movements that change custody or end a carrier's life, as `baomi` verbs:
copy, check, withdraw, destroy, archive, classify, handover, incident.

Each verb signs in, calls one function of `app.ledger` and prints what it made
(register numbers, incident numbers, one per line) on standard output; notices
go to standard error.  A rule's refusal exits 3 with the rule id in the message.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from app.cli import common
from app.cli.common import add_at, add_db, parse_time, print_json, say, table
from app.errors import BadInput
from app.ledger import archive as archiving
from app.ledger import (
    checks,
    classification,
    copies,
    destruction,
    handover,
    incidents,
    withdraw,
)
from app.models.carriers import LEVELS


def register(sub: argparse._SubParsersAction) -> None:
    _register_copy(sub)
    _register_check(sub)
    _register_withdraw(sub)
    _register_destroy(sub)
    _register_archive(sub)
    _register_classify(sub)
    _register_handover(sub)
    _register_incident(sub)


def _lines(items: list[str]) -> None:
    sys.stdout.write("".join(f"{i}\n" for i in items))


# -- copy -----------------------------------------------------------------------------

def _register_copy(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("copy", help="复制登记（绝密不得复制，R21），输出各复制件的登记号")
    add_db(p)
    p.add_argument("number", metavar="NUMBER", help="原件登记号")
    p.add_argument("--count", type=int, required=True, help="复制份数")
    p.add_argument("--approver", help="批准复制的领导（R20）")
    p.add_argument("--approval-ref", default="", help="或：发文单位的批准（文号、日期、经办人）")
    p.add_argument("--by", help="复制人")
    p.add_argument("--device", help="所用复印机的设备编号（R64）")
    p.add_argument("--spoiled", type=int, default=0, help="废页数（当场销毁）")
    add_at(p)
    p.set_defaults(func=cmd_copy)


def cmd_copy(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        numbers = copies.copy(reg, args.number, count=args.count, approver=args.approver,
                              approval_ref=args.approval_ref, by=args.by, device=args.device,
                              spoiled=args.spoiled, at=at)
    say(f"已复制 {args.number} 共 {len(numbers)} 份，各登记为新载体，按原件管理（R22）。")
    _lines(numbers)
    return 0


# -- check ----------------------------------------------------------------------------

def _intermixed(base: type[argparse.ArgumentParser]) -> type[argparse.ArgumentParser]:
    """A parser that takes positionals after options too (`check DB --user U --quarter Q
    A=在 B=缺失`): plain argparse fills each positional only once, at its first run."""
    class Intermixed(base):  # type: ignore[valid-type, misc]
        _inner = False

        def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
            if self._inner:  # parse_known_intermixed_args calls back in here
                return super().parse_known_args(args, namespace)
            self._inner = True
            try:
                return self.parse_known_intermixed_args(args, namespace)
            finally:
                self._inner = False
    return Intermixed


def _register_check(sub: argparse._SubParsersAction) -> None:
    base = sub._parser_class
    sub._parser_class = _intermixed(base)
    try:
        p = sub.add_parser("check", help="季度清查（R30）：登记 NUMBER=在|缺失|清退|拟销毁，"
                                          "或 --expected 列出应清查的载体")
    finally:
        sub._parser_class = base
    add_db(p)
    p.add_argument("--quarter", required=True, help="季度，如 2026Q4")
    p.add_argument("results", nargs="*", metavar="NUMBER=RESULT", help="清查结果：在、缺失、清退、拟销毁")
    p.add_argument("--expected", action="store_true", help="列出本季度应清查的载体")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（与 --expected 同用）")
    add_at(p)
    p.set_defaults(func=cmd_check)


def _parse_results(items: list[str]) -> dict[str, str]:
    results: dict[str, str] = {}
    for item in items:
        number, sep, result = item.partition("=")
        if not sep or not number.strip():
            raise BadInput(f"清查结果「{item}」应写作 登记号=结果，如 2026-000123=在。")
        results[number.strip()] = result.strip()
    return results


def cmd_check(args: argparse.Namespace) -> int:
    quarter = checks.quarter_name(args.quarter)
    at = parse_time(args.at)
    results = _parse_results(args.results)
    if not args.expected and not results:
        raise BadInput("请给出清查结果（登记号=结果），或用 --expected 列出应清查的载体。")
    reg, _ = common.sign_in(args)
    with reg:
        if args.expected:
            return _print_expected(reg, quarter, args.json)
        summary = checks.check_items(reg, quarter, results, at=at)
    say(f"{quarter} 清查：新登记 {len(summary.recorded)} 件，已登记过未变 {len(summary.unchanged)} 件。")
    if summary.withdrawn:
        say(f"已清退：{'、'.join(summary.withdrawn)}")
    if summary.demanded:
        say(f"借出在外、须收回清退（超过三个月未还按失泄密查处，R31）：{'、'.join(summary.demanded)}")
    if summary.incidents:
        say(f"缺失载体已登记失泄密事件（须24小时内书面报告，R45）：{'、'.join(summary.incidents)}")
    _lines(summary.incidents)
    return 0


def _print_expected(reg, quarter: str, as_json: bool) -> int:
    with reg.read() as s:
        done = checks.recorded_results(s, quarter)
        rows = [{"number": c.number, "title": c.title, "level": c.level, "kind": c.kind,
                 "state": c.state, "result": done.get(c.id, "")}
                for c in checks.expected_for_check(s, quarter)]
    if as_json:
        print_json({"quarter": quarter, "carriers": rows})
        return 0
    head = ["登记号", "密级", "类型", "状态", "清查结果", "名称"]
    sys.stdout.write(table(head, [[r["number"], r["level"], r["kind"], r["state"],
                                    r["result"] or "-", r["title"]] for r in rows]))
    say(f"{quarter} 应清查 {len(rows)} 件，已登记结果 {sum(1 for r in rows if r['result'])} 件。")
    return 0


# -- withdraw, archive ------------------------------------------------------------------

def _register_withdraw(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("withdraw", help="清退登记：退回发文单位（R30）")
    add_db(p)
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--to", required=True, metavar="UNIT", help="退往单位")
    p.add_argument("--receipt", default="", help="回执号")
    add_at(p)
    p.set_defaults(func=cmd_withdraw)


def cmd_withdraw(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        withdraw.withdraw(reg, args.number, to_unit=args.to, receipt_no=args.receipt, at=at)
    say(f"{args.number} 已清退至 {args.to}。")
    return 0


def _register_archive(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("archive", help="归档登记（档案号不得重复，R33）")
    add_db(p)
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--archive-no", required=True, help="档案号")
    p.add_argument("--location", default="", help="存放位置（密档专柜）")
    add_at(p)
    p.set_defaults(func=cmd_archive)


def cmd_archive(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        archiving.archive(reg, args.number, archive_no=args.archive_no, location=args.location, at=at)
    say(f"{args.number} 已归档，档案号 {args.archive_no}。")
    return 0


# -- destroy ------------------------------------------------------------------------------

def _register_destroy(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("destroy", help="销毁登记：领导批准、两人以上监销、逐件登记（R32）")
    add_db(p)
    p.add_argument("numbers", nargs="+", metavar="NUMBER", help="销毁清单上的登记号")
    p.add_argument("--approver", required=True, help="批准销毁的领导")
    p.add_argument("--witness", action="append", default=[], help="监销人（至少两人，每人一个 --witness）")
    p.add_argument("--method", default="送保密局", choices=destruction.METHODS, help="销毁方式")
    p.add_argument("--place", default="", help="销毁地点（自行销毁时必填）")
    add_at(p)
    p.set_defaults(func=cmd_destroy)


def cmd_destroy(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        batch = destruction.destroy(reg, args.numbers, approver=args.approver,
                                    witnesses=args.witness, method=args.method, place=args.place,
                                    at=at)
    say(f"已销毁 {len(args.numbers)} 件（销毁批次 {batch}，{args.method}，"
         f"监销人 {'、'.join(dict.fromkeys(args.witness))}）。")
    sys.stdout.write(f"{batch}\n")
    return 0


# -- classify -----------------------------------------------------------------------------

def _register_classify(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="定密、变更、解密（承办人拟定、领导审核确定，R05）")
    add_db(p)
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--kind", required=True, choices=classification.KINDS)
    p.add_argument("--level", choices=LEVELS, help="密级（定密、变更）")
    p.add_argument("--period", help="保密期限：10年、2030-12-31 或条件")
    p.add_argument("--proposed-by", required=True, help="拟定人（承办人）")
    p.add_argument("--confirmed-by", required=True, help="审核确定的领导")
    p.add_argument("--basis", required=True, help="依据（一览表条目或变更、解密通知）")
    add_at(p)
    p.set_defaults(func=cmd_classify)


def cmd_classify(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        r = classification.classify(reg, args.number, kind=args.kind, level=args.level,
                                    period=args.period, proposed_by=args.proposed_by,
                                    confirmed_by=args.confirmed_by, basis=args.basis, at=at)
    say(f"{r.number} 已办理{r.kind}：{r.level}，保密期限 {r.period or '-'}。")
    if r.flagged:
        say(f"注意：{r.flagged}")
    if r.copies:
        say(f"该载体有复制件，请一并处理：{'、'.join(r.copies)}")
    return 0


# -- handover ------------------------------------------------------------------------------

def _register_handover(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("handover", help="交接（R40）：--list 列出移交清单；否则按清点结果办理交接")
    add_db(p)
    p.add_argument("--from", dest="outgoing", required=True, metavar="PERSON", help="移交人")
    p.add_argument("--to", dest="incoming", metavar="PERSON", help="接收人")
    p.add_argument("--list", action="store_true", help="只列出移交清单")
    p.add_argument("--json", action="store_true", help="以 JSON 输出清单")
    p.add_argument("--checked", nargs="+", default=[], metavar="NUMBER", help="已逐件清点核对的登记号")
    p.add_argument("--all-checked", action="store_true", help="清单上的每一件都已清点核对")
    p.add_argument("--signed", action="store_true", help="移交人和接收人都已核对无误并签字")
    add_at(p)
    p.set_defaults(func=cmd_handover)


def cmd_handover(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    if not args.list:
        if not args.incoming:
            raise BadInput("办理交接须用 --to 写明接收人。")
        if not args.checked and not args.all_checked:
            raise BadInput("请用 --checked 列出已清点的登记号，或在逐件清点后用 --all-checked。")
    reg, _ = common.sign_in(args)
    with reg:
        with reg.read() as s:
            items = handover.handover_list(s, args.outgoing)
        if args.list:
            return _print_holdings(args.outgoing, items, args.json)
        checked = [i.number for i in items] if args.all_checked else args.checked
        batch = handover.handover(reg, outgoing=args.outgoing, incoming=args.incoming,
                                  checked_numbers=checked, outgoing_confirmed=args.signed,
                                  incoming_confirmed=args.signed, at=at)
    say(f"{args.outgoing} 已向 {args.incoming} 移交 {len(items)} 件（交接批次 {batch}）。")
    sys.stdout.write(f"{batch}\n")
    return 0


def _print_holdings(who: str, items: list[handover.Holding], as_json: bool) -> int:
    if as_json:
        print_json({"outgoing": who, "items": [asdict(i) for i in items]})
        return 0
    head = ["登记号", "密级", "类型", "份号", "状态", "借阅人", "位置", "名称"]
    sys.stdout.write(table(head, [[i.number, i.level, i.kind, i.serial or "-", i.state,
                                    i.holder or "-", i.location or "-", i.title] for i in items]))
    say(f"{who} 名下共 {len(items)} 件。")
    return 0


# -- incident ----------------------------------------------------------------------------

def _register_incident(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("incident", help="失泄密事件（R45）：open | report | result | list | found | escalate")
    actions = p.add_subparsers(dest="action", metavar="操作", required=True, parser_class=type(p))

    a = actions.add_parser("open", help="登记事件（报告的七项内容），输出事件编号")
    add_db(a)
    a.add_argument("--discovered", required=True, metavar="DATETIME", help="发现时间")
    a.add_argument("--carrier", metavar="NUMBER", help="涉及的载体（将登记为下落不明）")
    a.add_argument("--not-lost", action="store_true", help="载体本身未丢失（内容泄露）")
    a.add_argument("--content", default="", help="泄露的内容、密级、数量及载体形式（有 --carrier 时可省）")
    a.add_argument("--how-found", required=True, help="发现经过")
    a.add_argument("--responsible", required=True, help="责任人的基本情况")
    a.add_argument("--course", required=True, help="发生的时间、地点及经过")
    a.add_argument("--harm", required=True, help="造成或可能造成的危害")
    a.add_argument("--investigation", default="正在调查", help="已进行或拟进行的查处工作")
    a.add_argument("--remedies", required=True, help="已采取或拟采取的补救措施")
    a.set_defaults(func=cmd_incident_open)

    a = actions.add_parser("report", help="登记书面报告（发现后24小时内）")
    add_db(a)
    a.add_argument("incident", metavar="INCIDENT")
    add_at(a)
    a.set_defaults(func=cmd_incident_report)

    a = actions.add_parser("result", help="登记查处结果并结案（发现后3个月内）")
    add_db(a)
    a.add_argument("incident", metavar="INCIDENT")
    a.add_argument("--text", required=True, help="查处结果")
    add_at(a)
    a.set_defaults(func=cmd_incident_result)

    a = actions.add_parser("list", help="列出事件；--deadlines 列出报告与结果的期限")
    add_db(a)
    a.add_argument("--open", action="store_true", help="只列未结案的")
    a.add_argument("--deadlines", action="store_true", help="列出期限（已逾期和将到期）")
    a.add_argument("--json", action="store_true", help="以 JSON 输出")
    a.set_defaults(func=cmd_incident_list)

    a = actions.add_parser("found", help="找回下落不明的载体（回到在库）")
    add_db(a)
    a.add_argument("number", metavar="NUMBER")
    add_at(a)
    a.set_defaults(func=cmd_incident_found)

    a = actions.add_parser("escalate", help="借阅超期三个月以上未还的，按失泄密事件登记（R31）")
    add_db(a)
    add_at(a)
    a.set_defaults(func=cmd_incident_escalate)


def cmd_incident_open(args: argparse.Namespace) -> int:
    discovered = parse_time(args.discovered, "发现时间")
    reg, _ = common.sign_in(args)
    with reg:
        number = incidents.open_incident(
            reg, discovered_at=discovered, carrier=args.carrier, content=args.content,
            how_found=args.how_found, responsible=args.responsible, course=args.course,
            harm=args.harm, investigation=args.investigation, remedies=args.remedies,
            mark_lost=not args.not_lost)
    say(f"已登记失泄密事件 {number}；须在发现后24小时内书面报告（R45）。")
    sys.stdout.write(number + "\n")
    return 0


def cmd_incident_report(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        late = incidents.report(reg, args.incident, at=at)
    say(f"已登记事件 {args.incident} 的书面报告" + ("（超过24小时，已记为逾期报告，R45）。" if late else "。"))
    return 0


def cmd_incident_result(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        late = incidents.result(reg, args.incident, args.text, at=at)
    say(f"事件 {args.incident} 已结案" + ("（查处结果超过3个月，R45）。" if late else "。"))
    return 0


def cmd_incident_list(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        with reg.read() as s:
            if args.deadlines:
                rows = [asdict(d) for d in incidents.deadlines(s, reg.clock.now())]
            else:
                rows = [_incident_row(i) for i in incidents.list_incidents(s, open_only=args.open)]
    if args.json:
        print_json(rows)
    elif args.deadlines:
        sys.stdout.write(table(["事件", "事项", "期限", "状态"], [
            [r["incident"], r["what"], f"{r['due']:%Y-%m-%d %H:%M}", "已逾期" if r["overdue"] else "未到期"]
            for r in rows]))
    else:
        sys.stdout.write(table(["事件", "发现时间", "来源", "书面报告", "查处结果", "内容"], [
            [r["number"], r["discovered_at"][:16], r["source"], r["report"], r["result"], r["content"]]
            for r in rows]))
    return 0


def _incident_row(i) -> dict:
    report = "未报告" if i.reported_at is None else \
        f"{i.reported_at:%Y-%m-%d %H:%M}" + ("（逾期）" if incidents.report_late(i) else "")
    result = "未结案" if not i.closed else \
        f"{i.result_at:%Y-%m-%d}" + ("（逾期）" if incidents.result_late(i) else "")
    return {"number": i.number, "discovered_at": f"{i.discovered_at:%Y-%m-%d %H:%M:%S}",
            "source": i.source, "content": i.content, "how_found": i.how_found,
            "responsible": i.responsible, "course": i.course, "harm": i.harm,
            "investigation": i.investigation, "remedies": i.remedies, "report": report,
            "result": result, "result_text": i.result, "closed": i.closed,
            "report_late": incidents.report_late(i), "result_late": incidents.result_late(i)}


def cmd_incident_found(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        incidents.found(reg, args.number, at=at)
    say(f"{args.number} 已找回，回到在库；相关事件仍须报告查处结果。")
    return 0


def cmd_incident_escalate(args: argparse.Namespace) -> int:
    at = parse_time(args.at)
    reg, _ = common.sign_in(args)
    with reg:
        opened = incidents.escalate_late(reg, at=at)
    say(f"超期三个月以上未还、已按失泄密事件登记 {len(opened)} 件（R31）。")
    _lines(opened)
    return 0
