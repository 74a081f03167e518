"""The daily movements as `baomi` verbs: person, receive, lend, return, circulate,
dispatch, dispatch-receipt, device.

Each verb signs in, calls one function of `app.ledger` and prints what it made
(register numbers, one per line) on standard output; notices go to standard
error.  A rule's refusal exits 3 with the rule id in the message.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import asdict

from app.cli import common
from app.cli.common import (
    add_at,
    add_db,
    parse_date,
    parse_time,
    print_json,
    say,
    table,
)
from app.errors import BadInput
from app.ledger import circulation, devices, dispatch, loans, people
from app.ledger.carriers import NewCarrier, receive
from app.models.carriers import CLEARANCES, KINDS, LEVELS, PERSON_STATUSES, Person
from app.models.movements import Movement


def register(sub: argparse._SubParsersAction) -> None:
    _register_person(sub)
    _register_receive(sub)
    _register_loans(sub)
    _register_circulate(sub)
    _register_dispatch(sub)
    _register_device(sub)


def _group(sub: argparse._SubParsersAction, name: str, help_: str) -> argparse._SubParsersAction:
    p = sub.add_parser(name, help=help_)
    return p.add_subparsers(dest="action", metavar="操作", required=True, parser_class=type(p))


# -- people -------------------------------------------------------------------------

def _register_person(sub: argparse._SubParsersAction) -> None:
    actions = _group(sub, "person", "涉密人员登记：add | status | training | list")
    a = actions.add_parser("add", help="登记涉密人员")
    add_db(a)
    a.add_argument("--name", required=True, help="姓名")
    a.add_argument("--dept", default="", help="部门")
    a.add_argument("--clearance", required=True, choices=CLEARANCES, help="涉密等级")
    a.add_argument("--leader", action="store_true", help="领导（可批准借阅、复制、销毁）")
    a.add_argument("--principal-leader", action="store_true", help="本单位主要领导（R15）")
    a.add_argument("--pledge-date", metavar="DATE", help="保密承诺书签订日期（R62）")
    a.set_defaults(func=cmd_person_add)

    a = actions.add_parser("status", help="变更人员状态：在岗、脱密期、离岗（须先归还或交接，R40）")
    add_db(a)
    a.add_argument("person", metavar="PERSON", help="姓名，或 姓名/部门")
    a.add_argument("--status", required=True, choices=PERSON_STATUSES)
    a.add_argument("--until", metavar="DATE", help="脱密期截止日期")
    a.set_defaults(func=cmd_person_status)

    a = actions.add_parser("training", help="登记培训（R63）")
    add_db(a)
    a.add_argument("person", metavar="PERSON")
    a.add_argument("--on", required=True, metavar="DATE", help="培训日期")
    a.add_argument("--topic", required=True, help="培训内容")
    a.add_argument("--hours", type=float, help="学时")
    a.set_defaults(func=cmd_person_training)

    a = actions.add_parser("list", help="列出涉密人员")
    add_db(a)
    a.add_argument("--json", action="store_true", help="以 JSON 输出")
    a.set_defaults(func=cmd_person_list)


def cmd_person_add(args: argparse.Namespace) -> int:
    pledge = parse_date(args.pledge_date, "承诺书日期")
    reg, _ = common.sign_in(args)
    with reg:
        pid = people.add_person(reg, name=args.name, dept=args.dept, clearance=args.clearance,
                                is_leader=args.leader, is_principal_leader=args.principal_leader,
                                pledge_date=pledge)
    say(f"已登记人员 {args.name}（{args.dept or '无部门'}，{args.clearance}）。")
    sys.stdout.write(f"{pid}\n")
    return 0


def cmd_person_status(args: argparse.Namespace) -> int:
    until = parse_date(args.until, "脱密期截止日期")
    reg, _ = common.sign_in(args)
    with reg:
        people.set_status(reg, args.person, args.status, until=until)
    say(f"{args.person} 已设为{args.status}" + (f"（至 {until}）" if until else "") + "。")
    return 0


def cmd_person_training(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "培训日期")
    reg, _ = common.sign_in(args)
    with reg:
        people.add_training(reg, args.person, on=on, topic=args.topic, hours=args.hours)
    say(f"已登记 {args.person} 的培训：{args.topic}。")
    return 0


def cmd_person_list(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        infos = people.list_people(reg)
    if args.json:
        print_json([asdict(i) for i in infos])
        return 0
    head = ["编号", "姓名", "部门", "涉密等级", "领导", "承诺书", "状态", "持有", "培训"]
    rows = [[str(i.id), i.name, i.dept, i.clearance,
             "主要领导" if i.is_principal_leader else ("是" if i.is_leader else ""),
             str(i.pledge_date or "-"),
             i.status + (f"（至 {i.declassify_until}）" if i.declassify_until else ""),
             str(i.held), str(i.trainings)] for i in infos]
    sys.stdout.write(table(head, rows))
    return 0


# -- receipt ------------------------------------------------------------------------

def _register_receive(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("receive", help="收文登记（也用于自制文件、会议带回文件），输出新登记号")
    add_db(p)
    p.add_argument("--title", required=True, help="文件名称")
    p.add_argument("--level", required=True, choices=LEVELS, help="密级")
    p.add_argument("--from", dest="issuer", default="", metavar="UNIT", help="来文单位")
    p.add_argument("--doc-no", default="", help="文号")
    p.add_argument("--copies", type=int, default=1, help="份数（每份一个登记号）")
    p.add_argument("--serial", default="", help="份号；多份时为起始数字，如 001（R03）")
    p.add_argument("--kind", default="文件", choices=KINDS, help="载体类型")
    p.add_argument("--period", default="", help="保密期限：10年、2030-12-31 或条件（缺省按密级）")
    p.add_argument("--scope", default="", help="知悉范围：人员或部门，逗号分隔，如 张三,办公室")
    p.add_argument("--received", metavar="DATETIME", help="收到时间（同 --at）")
    p.add_argument("--received-by", metavar="PERSON", help="签收人")
    p.add_argument("--via", default="", help="来文渠道，如 机要交通")
    p.add_argument("--pages", type=int, help="页数")
    p.add_argument("--location", default="", help="存放位置")
    p.add_argument("--custodian", metavar="PERSON", help="保管人")
    p.add_argument("--origin", default="收文", choices=("收文", "自制", "会议带回"), help="来源")
    p.add_argument("--approver", metavar="PERSON", help="自制文件的批准印制领导（R04）")
    p.add_argument("--approved-count", type=int, help="批准印制份数（R04）")
    p.add_argument("--meeting", default="", help="会议带回：会议名称（R07）")
    p.add_argument("--handed-in-by", metavar="PERSON", help="会议带回：交回人（R07）")
    p.add_argument("--media-id", default="", help="介质硬件序列号（U盘、硬盘等，R06）")
    p.add_argument("--doc-date", metavar="DATE", help="成文日期（计算保密期限、定密期限）")
    add_at(p)
    p.set_defaults(func=cmd_receive)


def cmd_receive(args: argparse.Namespace) -> int:
    received = parse_time(args.received, "收到时间")
    at = parse_time(args.at, "发生时间")
    if received and at and received != at:
        raise BadInput("--received 与 --at 都是收到时间，只需填写一个。")
    meeting = args.origin == "会议带回"
    nc = NewCarrier(
        title=args.title, level=args.level, issuer=args.issuer, doc_no=args.doc_no, kind=args.kind,
        copies=args.copies, serial=args.serial, period=args.period, pages=args.pages,
        scope=_names(args.scope), location=args.location, custodian=args.custodian,
        origin=args.origin, via=args.meeting if meeting else args.via,
        received_by=args.handed_in_by if meeting else args.received_by,
        approved_by=args.approver, approved_count=args.approved_count,
        doc_date=parse_date(args.doc_date, "成文日期"), media_id=args.media_id)
    reg, _ = common.sign_in(args)
    with reg:
        numbers = receive(reg, nc, at=received or at)
        now = reg.clock.now()
    when = received or at or now
    say(f"已登记 {len(numbers)} 件：{args.title}（{args.level}）。")
    if when.date() < now.date():
        say(f"提示：收到于 {when:%Y-%m-%d}，今日才登记，已标注未当日登记（R01）。")
    sys.stdout.write("".join(f"{n}\n" for n in numbers))
    return 0


# -- lending ------------------------------------------------------------------------

def _register_loans(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lend", help="借阅登记（借出）")
    add_db(p)
    p.add_argument("number", metavar="NUMBER", help="登记号（可扫码）")
    p.add_argument("--to", required=True, metavar="PERSON", help="借阅人")
    p.add_argument("--approver", required=True, metavar="PERSON", help="批准领导（R10）")
    p.add_argument("--take-out", action="store_true", help="携带外出（R15）")
    p.add_argument("--principal-leader-approved", action="store_true",
                   help="绝密载体携带外出已经本单位主要领导批准（R15）")
    p.add_argument("--due", metavar="DATETIME", help="应还时间（缺省为当日下班时间，R12）")
    p.add_argument("--purpose", default="", help="用途")
    add_at(p)
    p.set_defaults(func=cmd_lend)

    p = sub.add_parser("return", help="归还登记（只能由借阅人本人交还，R13）")
    add_db(p)
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--by", required=True, metavar="PERSON", help="交还人（须为借阅人）")
    p.add_argument("--condition", default="完好", help="清点情况，如 完好、缺第3页")
    p.add_argument("--pages-not-checked", action="store_true", help="未清点页数（如实记录）")
    p.add_argument("--not-signed", action="store_true", help="阅读人未签名（将被拒绝，R14）")
    add_at(p)
    p.set_defaults(func=cmd_return)


def cmd_lend(args: argparse.Namespace) -> int:
    due = parse_time(args.due, "应还时间")
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        mid = loans.lend(reg, args.number, borrower=args.to, approver=args.approver,
                         purpose=args.purpose, place="带出" if args.take_out else "室内", due=due,
                         principal_leader_approved=args.principal_leader_approved, at=at)
        due_at = _movement(reg, mid).due_at
    what = "携带外出" if args.take_out else "借出"
    say(f"{args.number} 已{what}给 {args.to}，应于 {due_at:%Y-%m-%d %H:%M} 前交还保密员。")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        mid = loans.return_(reg, args.number, returned_by=args.by, condition=args.condition,
                            pages_checked=not args.pages_not_checked,
                            reader_signed=not args.not_signed, at=at)
        flagged = _movement(reg, mid).flagged
    say(f"{args.number} 已由 {args.by} 交还。")
    if flagged:
        say(f"提示：{flagged}")
    return 0


# -- circulation ----------------------------------------------------------------------

def _register_circulate(sub: argparse._SubParsersAction) -> None:
    actions = _group(sub, "circulate", "传阅：start | next | stop（每位阅读人之间均交回保密员，R13）")
    a = actions.add_parser("start", help="开始传阅，交第一位阅读人")
    add_db(a)
    a.add_argument("number", metavar="NUMBER")
    a.add_argument("--readers", required=True, help="阅读人，按顺序逗号分隔")
    a.add_argument("--approver", required=True, metavar="PERSON", help="批准领导（R10）")
    a.add_argument("--purpose", default="", help="用途")
    add_at(a)
    a.set_defaults(func=cmd_circulate_start)

    a = actions.add_parser("next", help="当前阅读人交回并签名，交下一位阅读人")
    add_db(a)
    a.add_argument("number", metavar="NUMBER")
    a.add_argument("--condition", default="完好", help="清点情况")
    add_at(a)
    a.set_defaults(func=cmd_circulate_next)

    a = actions.add_parser("stop", help="提前终止传阅（载体须已交回）")
    add_db(a)
    a.add_argument("number", metavar="NUMBER")
    a.add_argument("--reason", required=True, help="终止原因")
    add_at(a)
    a.set_defaults(func=cmd_circulate_stop)


def cmd_circulate_start(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    readers = _names(args.readers)
    reg, _ = common.sign_in(args)
    with reg:
        circulation.start_circulation(reg, args.number, readers=readers, approver=args.approver,
                                      purpose=args.purpose, at=at)
    say(f"{args.number} 开始传阅（{' → '.join(readers)}），已交 {readers[0]}。")
    return 0


def cmd_circulate_next(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        mid = circulation.next_reader(reg, args.number, condition=args.condition, at=at)
        if mid is None:
            say(f"{args.number} 传阅完毕，已交回保密员。")
            return 0
        with reg.read() as s:
            name = s.get(Person, s.get(Movement, mid).person_id).name
    say(f"{args.number} 已交回保密员并转交下一位阅读人 {name}。")
    return 0


def cmd_circulate_stop(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        circulation.stop_circulation(reg, args.number, reason=args.reason, at=at)
    say(f"{args.number} 的传阅已终止。")
    return 0


# -- dispatch -------------------------------------------------------------------------

def _register_dispatch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dispatch", help="发文登记（只能经机要通信、专人或保密员传递，R25）")
    add_db(p)
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--to", required=True, metavar="UNIT", help="收文单位")
    p.add_argument("--channel", required=True, help="传递方式：机要通信、专人、保密员")
    p.add_argument("--by", metavar="PERSON", help="递送人（专人传递时必填）")
    add_at(p)
    p.set_defaults(func=cmd_dispatch)

    p = sub.add_parser("dispatch-receipt", help="登记发文回执（收文单位已签收）")
    add_db(p)
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--signed-by", required=True, help="回执上的签收人")
    p.add_argument("--receipt-no", default="", help="回执编号")
    add_at(p)
    p.set_defaults(func=cmd_dispatch_receipt)


def cmd_dispatch(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        dispatch.dispatch(reg, args.number, to_unit=args.to, channel=args.channel,
                          sent_by=args.by, at=at)
    say(f"{args.number} 已发往 {args.to}（{args.channel}），请在回执退回后登记签收。")
    return 0


def cmd_dispatch_receipt(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        dispatch.receipt_signed(reg, args.number, signed_by=args.signed_by,
                                receipt_no=args.receipt_no, at=at)
    say(f"{args.number} 的发文回执已登记（签收人 {args.signed_by}）。")
    return 0


# -- devices ----------------------------------------------------------------------------

def _register_device(sub: argparse._SubParsersAction) -> None:
    actions = _group(sub, "device", "涉密计算机及设备登记：add | repair | list")
    a = actions.add_parser("add", help="登记设备，输出设备编号")
    add_db(a)
    a.add_argument("--kind", required=True, choices=devices.DEVICE_KINDS)
    a.add_argument("--level", default="秘密", choices=LEVELS, help="密级（内部 即非涉密使用）")
    a.add_argument("--location", default="", help="放置地点")
    a.add_argument("--custodian", metavar="PERSON", help="责任人")
    a.add_argument("--model", default="", help="品牌型号")
    a.add_argument("--serial-no", default="", help="序列号")
    a.add_argument("--encrypted-fax", action="store_true", help="传真机配有加密设施（R64）")
    add_at(a)
    a.set_defaults(func=cmd_device_add)

    a = actions.add_parser("repair", help="登记维修（涉密设备须现场监督；外出修理须拆除存储部件）")
    add_db(a)
    a.add_argument("device", metavar="DEVICE", help="设备编号")
    a.add_argument("--company", default="", help="维修单位")
    a.add_argument("--off-site", action="store_true", help="外出修理（缺省为上门维修）")
    a.add_argument("--supervisor", metavar="PERSON", help="现场监督人")
    a.add_argument("--description", default="", help="故障及维修情况")
    a.add_argument("--storage-removed", action="store_true", help="硬盘等存储部件已拆下留存")
    add_at(a)
    a.set_defaults(func=cmd_device_repair)

    a = actions.add_parser("list", help="列出设备")
    add_db(a)
    a.add_argument("--json", action="store_true", help="以 JSON 输出")
    a.set_defaults(func=cmd_device_list)


def cmd_device_add(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        number = devices.add_device(reg, kind=args.kind, level=args.level, location=args.location,
                                    custodian=args.custodian, model=args.model,
                                    serial_no=args.serial_no, encrypted_fax=args.encrypted_fax, at=at)
    say(f"已登记{args.kind}（{args.level}）。")
    sys.stdout.write(number + "\n")
    return 0


def cmd_device_repair(args: argparse.Namespace) -> int:
    at = parse_time(args.at, "发生时间")
    reg, _ = common.sign_in(args)
    with reg:
        devices.add_repair(reg, args.device, company=args.company, on_site=not args.off_site,
                           supervisor=args.supervisor, description=args.description,
                           storage_removed=args.storage_removed, at=at)
    say(f"已登记设备 {args.device} 的维修。")
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    reg, _ = common.sign_in(args)
    with reg:
        infos = devices.list_devices(reg)
    if args.json:
        print_json([asdict(i) for i in infos])
        return 0
    head = ["编号", "类型", "型号", "序列号", "密级", "地点", "责任人", "状态", "维修次数", "最近维修"]
    rows = [[i.number, i.kind + ("（加密）" if i.encrypted_fax else ""), i.model, i.serial_no,
             i.level, i.location, i.custodian, i.status, str(i.repairs),
             f"{i.last_repair_at:%Y-%m-%d}" if i.last_repair_at else "-"] for i in infos]
    sys.stdout.write(table(head, rows))
    return 0


# -- helpers ------------------------------------------------------------------------------

def _names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[,，、;；]", text or "") if n.strip()]


def _movement(reg, mid: int) -> Movement:
    with reg.read() as s:
        m = s.get(Movement, mid)
        s.expunge(m)
        return m
