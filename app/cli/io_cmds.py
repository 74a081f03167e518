"""Paper and Excel as `baomi` verbs: print, export, import-check, import, labels, scan-diff, report.

Each verb signs in, calls one function of `app.io` and prints one line of what it
made on standard output (the row report of an import as well); every file is
written to a temporary name and renamed when complete.  Exit 4 for a file that
cannot be used or an import with invalid rows, 3 for a rule's refusal.
"""
from __future__ import annotations

import argparse
import sys

from app.cli import common
from app.cli.common import add_db, parse_date
from app.errors import BadInput


def register(sub: argparse._SubParsersAction) -> None:
    from app.io.ledger_layouts import LEDGERS
    names = "、".join(LEDGERS)

    p = sub.add_parser("print", help=f"打印台账为 PDF（{names}）")
    add_db(p)
    p.add_argument("--ledger", required=True, metavar="台账", help=f"台账名称：{names}")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="起始日期，如 2026-10-01")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="截止日期（含当日），如 2026-12-31")
    p.add_argument("--number", help="载体历史：登记号")
    p.add_argument("--from-person", help="交接清单：移交人（保管人）")
    p.add_argument("--to-person", help="交接清单：接收人")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="输出的 PDF 文件")
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("export", help="导出季度清查工作簿（.xlsx，R30、R31）")
    add_db(p)
    p.add_argument("--quarter", required=True, help="季度，如 2026Q4")
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="输出的工作簿")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import-check", help="导入填好核对结果的清查清单，登记本季度清查（R30）")
    add_db(p)
    p.add_argument("file", metavar="FILE.xlsx", help="由 baomi export 导出并填写的工作簿")
    p.add_argument("--quarter", help="季度（默认取工作簿中的季度）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不登记")
    p.set_defaults(func=cmd_import_check)

    p = sub.add_parser("import", help="导入原有的 Excel 收文登记台账")
    add_db(p)
    p.add_argument("file", metavar="FILE.xlsx", help="原有台账工作簿（.xlsx）")
    p.add_argument("--sheet", help="工作表名称（默认为第一个有表头的工作表）")
    p.add_argument("--dry-run", action="store_true", help="只检查并报告，不导入")
    p.add_argument("--valid-rows-only", action="store_true",
                   help="有问题的行不导入，只导入无问题的行（请保留打印出的问题报告）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("labels", help="打印载体标签（二维码、登记号、密级、标题）")
    add_db(p)
    p.add_argument("numbers", nargs="+", metavar="NUMBER", help="登记号")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--sheet", default="A4", choices=("A4", "label-60x40"),
                   help="A4 标签纸（3×8）或 60×40 毫米标签打印机")
    p.set_defaults(func=cmd_labels)

    p = sub.add_parser("scan-diff", help="扫描清查差异表：应在未扫到、扫到但不应在此")
    add_db(p)
    p.add_argument("--quarter", help="按季度清查清单比对，如 2026Q4")
    p.add_argument("--location", help="按存放位置比对，如 保密柜1")
    p.add_argument("--scanned", required=True, metavar="FILE.txt", help="扫描结果，每行一个登记号")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="差异表 PDF")
    p.set_defaults(func=cmd_scan_diff)

    p = sub.add_parser("report", help="打印月报（R60，一页，供领导审阅签字）")
    add_db(p)
    p.add_argument("--month", required=True, help="月份，如 2026-11")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_report)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _level_note(level: str) -> str:
    return f"（最高密级 {level}，打印件按{level}载体管理）" if level in ("秘密", "机密", "绝密") else ""


def cmd_print(args: argparse.Namespace) -> int:
    from app.io.ledger_print import print_ledger
    date_from, date_to = parse_date(args.date_from, "起始日期"), parse_date(args.date_to, "截止日期")
    reg, _ = common.sign_in(args)
    with reg:
        r = print_ledger(reg, args.ledger, args.out, date_from=date_from, date_to=date_to,
                         number=args.number, from_person=args.from_person, to_person=args.to_person)
    _say(f"已打印 {args.ledger}：{r.rows} 行，共 {r.pages} 页 → {args.out}{_level_note(r.level)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.io.export_xlsx import export_quarter
    reg, _ = common.sign_in(args)
    with reg:
        r = export_quarter(reg, args.quarter, args.out)
    counts = "，".join(f"{k} {v}" for k, v in r.counts.items() if k != "汇总")
    _say(f"已导出 {r.quarter} 清查工作簿 → {args.out}（{counts}；日志检查点 {r.checkpoint}）"
         f"{_level_note(r.level)}")
    return 0


def cmd_import_check(args: argparse.Namespace) -> int:
    from app.io.import_check import import_check
    reg, _ = common.sign_in(args)
    with reg:
        r = import_check(reg, args.file, quarter=args.quarter, dry_run=args.dry_run)
    _say(r.report())
    if args.dry_run:
        _say("试导入（--dry-run）：未登记任何清查结果。")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.io.import_ledger import import_ledger
    if args.dry_run and args.valid_rows_only:
        raise BadInput("--dry-run 与 --valid-rows-only 不能同时使用。")
    reg, _ = common.sign_in(args)
    with reg:
        r = import_ledger(reg, args.file, sheet=args.sheet, dry_run=args.dry_run,
                          valid_rows_only=args.valid_rows_only)
    _say(r.report())
    if r.plan.problems and not args.valid_rows_only:
        return BadInput.exit_code
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    from app.io.labels import print_labels
    reg, _ = common.sign_in(args)
    with reg:
        r = print_labels(reg, args.numbers, args.out, sheet=args.sheet)
    _say(f"已生成 {r.labels} 张标签，共 {r.pages} 页 → {args.out}")
    return 0


def cmd_scan_diff(args: argparse.Namespace) -> int:
    from app.io.scanning import diff_scanned, print_scan_diff, read_scanned
    scanned = read_scanned(args.scanned)
    reg, _ = common.sign_in(args)
    with reg:
        diff = diff_scanned(reg, scanned, quarter=args.quarter, location=args.location)
        r = print_scan_diff(reg, diff, args.out)
    _say(f"{diff.summary()}差异表 {r.pages} 页 → {args.out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from app.io.report import print_report
    reg, _ = common.sign_in(args)
    with reg:
        r = print_report(reg, args.month, args.out)
    _say(f"已生成 {r.month} 月报 → {args.out}（需关注事项 {r.attention} 项）{_level_note(r.level)}")
    return 0
