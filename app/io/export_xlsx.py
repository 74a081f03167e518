"""The quarterly clear-out workbook (R30, R31): `baomi export --quarter 2026Q4`.

Sheets: 清查清单 (every carrier in custody at the quarter's end, with a
核对结果 column the clerk fills with 在 / 缺失 / 清退 / 拟销毁 and imports back,
see app/io/import_check.py), 借出未还, 逾期, 超三个月未清退, 本季收文, 本季发文,
本季复制, 本季销毁 and 汇总 (counts by 密级 and state, and the quarter's movements).

Everything is read in one read transaction, so the checkpoint in the footers is
the journal state the rows come from.  openpyxl runs in write-only mode (rows
are streamed to the file, memory stays flat on 100k carriers); data rows are
plain values — styles only on the title and header rows — which keeps the
export within a few percent of a bare write-only loop.  Dates are real Excel
dates (datetime values; openpyxl gives them a date number format).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.crypto.journal_hash import checkpoint_text
from app.io import ledger_layouts
from app.io import rows as extra
from app.io.jobs import CancelFn, ProgressFn, Ticker, atomic_path
from app.io.ledger_layouts import Filters
from app.io.marks import highest, marking
from app.ledger import checks, settings, stats
from app.ledger.queries import late_three_months, out_now, reading
from app.models.carriers import STATES
from app.store.engine import bulk_page_cache
from app.store.journaling import head
from app.store.register import Register

CHECK_SHEET = "清查清单"
RESULT_HEADER = "核对结果"
NUMBER_HEADER = "登记号"
RESULTS = checks.RESULTS  # 在 / 缺失 / 清退 / 拟销毁
HEADER_ROW = 3  # rows 1-2: title and the line with quarter, exporter and checkpoint
MARKER = "baomi-清查清单"  # in the workbook's keywords, with the quarter
WIDTH_SAMPLE = 2000  # rows looked at to size a column
MAX_WIDTH = 60

CHECK_COLUMNS = ("序号", NUMBER_HEADER, "名称", "文号", "密级", "份号", "类别", "来文单位", "登记日期",
                 "保密期限", "状态", "持有人", "部门", "存放位置", RESULT_HEADER, "备注")
_TITLE_FONT = Font(bold=True, size=14)
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="E8E8E8")
_THIN = Side(style="thin", color="808080")
_HEAD_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class Sheet:
    name: str
    columns: Sequence[str]
    rows: list[tuple]
    level_index: int | None = None  # column holding the 密级 (for the header marking)
    levels: list[str] | None = None
    validation_column: str | None = None  # a column to restrict to RESULTS
    note: str = ""  # under the title
    widths: dict[str, float] = field(default_factory=dict)  # fixed widths by header


@dataclass
class ExportResult:
    path: Path
    quarter: str
    checkpoint: str
    level: str  # the highest 密级 in the workbook: keep the file at this level
    counts: dict[str, int]


def display_width(text: str) -> int:
    """Columns a text takes in Excel: East Asian wide characters count as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return "2026-01-01 00:00:00"
    if isinstance(v, date):
        return "2026-01-01"
    return str(v)


def _widths(sheet: Sheet) -> list[float]:
    out = []
    sample = sheet.rows[:WIDTH_SAMPLE]
    for i, head_ in enumerate(sheet.columns):
        if head_ in sheet.widths:
            out.append(sheet.widths[head_])
            continue
        w = display_width(head_) + 2
        for r in sample:
            if i < len(r) and r[i] is not None:
                w = max(w, display_width(_cell_text(r[i])) + 2)
        out.append(float(min(w, MAX_WIDTH)))
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&&")


# -- gathering ----------------------------------------------------------------------------

def _quarter_sheets(reg: Register, s, quarter: str, now: datetime) -> list[Sheet]:
    start, end = checks.quarter_bounds(quarter)
    past = end <= now
    as_of = end - timedelta(microseconds=1) if past else None
    last_day = (end - timedelta(days=1)).date()
    f = Filters(start.date(), last_day)

    recorded = checks.recorded_results(s, quarter)
    custody = stats.clear_out_list(s, quarter)
    notes = extra.carrier_extras(s, [c.id for c in custody])
    check_rows = []
    for i, c in enumerate(custody, 1):
        x = notes.get(c.id)
        check_rows.append((i, c.number, c.title, c.doc_no, c.level, c.serial, c.kind, c.issuer,
                           c.registered_at.date(), c.period, c.state, c.holder, c.holder_dept,
                           c.location, recorded.get(c.id, ""), x.note if x else ""))
    sheets = [Sheet(CHECK_SHEET, CHECK_COLUMNS, check_rows, level_index=4,
                    validation_column=RESULT_HEADER,
                    note=f"核对结果请填：{'、'.join(RESULTS)}（缺失将登记失泄密事件；清退即退回来文单位）",
                    widths={RESULT_HEADER: 10.0, "名称": 40.0})]

    out_cols = ("序号", NUMBER_HEADER, "名称", "密级", "状态", "借阅人", "部门", "批准人", "借出时间",
                "应还时间", "截止时间", "是否逾期")
    loans = out_now(s, as_of)
    at = as_of or now

    def loan_rows(items) -> list[tuple]:
        return [(i, r.number, r.title, r.level, r.state, r.borrower, r.dept, r.approver, r.out_at,
                 r.due_at, r.deadline, "逾期" if r.overdue else "") for i, r in enumerate(items, 1)]

    sheets.append(Sheet("借出未还", out_cols, loan_rows(loans), level_index=3))
    late = [r for r in loans if r.overdue]
    sheets.append(Sheet("逾期", out_cols, loan_rows(late), level_index=3,
                        note=f"截至 {at:%Y-%m-%d %H:%M} 未按时归还（R12：当日下班前归还）"))
    three = late_three_months(s, at)
    sheets.append(Sheet("超三个月未清退", ("序号", NUMBER_HEADER, "名称", "密级", "持有人", "起算时间", "原因"),
                        [(i, r.number, r.title, r.level, r.holder, r.since, r.reason)
                         for i, r in enumerate(three, 1)], level_index=3,
                        note="R31：应清退而逾期三个月以上未退，按失泄密事件处理"))
    for sheet_name, ledger in (("本季收文", "收发登记"), ("本季发文", "发文登记"),
                               ("本季复制", "复制登记"), ("本季销毁", "销毁登记")):
        lg = ledger_layouts.find(ledger)
        lr = lg.build(reg, s, f)
        titles = [c.title for c in lg.layout.columns]
        body = [(i, *r) for i, r in enumerate(lr.rows, 1)]
        level_index = titles.index("密级") if "密级" in titles else None
        sheets.append(Sheet(sheet_name, titles, body, level_index=level_index, levels=lr.levels))
    sheets.append(_summary(s, quarter, as_of, sheets))
    return sheets


def _summary(s, quarter: str, as_of: datetime | None, sheets: list[Sheet]) -> Sheet:
    levels = ("绝密", "机密", "秘密", "内部")
    counts = extra.counts_by_level_state(s, as_of)
    rows: list[tuple] = [("一、在册载体（按密级、状态）",), ("密级", *STATES, "合计")]
    for lv in levels:
        line = [counts.get((lv, st), 0) for st in STATES]
        rows.append((lv, *line, sum(line)))
    totals = [sum(counts.get((lv, st), 0) for lv in levels) for st in STATES]
    rows.append(("合计", *totals, sum(totals)))
    rows.append(())
    rows.append(("二、本季流转（按密级）",))
    rows.append(("事项", *levels, "合计"))
    year, q = checks.parse_quarter(quarter)
    monthly = [stats.monthly_stats(s, f"{year}-{m:02d}") for m in range(3 * q - 2, 3 * q + 1)]
    for row in stats.STAT_ROWS:
        line = [sum(m.counts.get(row, {}).get(lv, 0) for m in monthly) for lv in levels]
        rows.append((row, *line, sum(line)))
    rows.append(())
    rows.append(("三、本工作簿各表行数",))
    for sh in sheets:
        rows.append((sh.name, len(sh.rows)))
    width = {"密级": 26.0}
    return Sheet("汇总", ("项目",), rows, widths=width)


# -- writing ------------------------------------------------------------------------------

def _sheet_level(sheet: Sheet) -> str:
    if sheet.levels is not None:
        return highest(sheet.levels, "内部")
    if sheet.level_index is None:
        return "内部"
    k = sheet.level_index
    return highest([r[k] for r in sheet.rows if len(r) > k], "内部")


def _write(wb: Workbook, sheet: Sheet, *, unit: str, quarter: str, exported_by: str,
           at: datetime, checkpoint: str, ticker: Ticker) -> str:
    ws = wb.create_sheet(sheet.name)
    level = _sheet_level(sheet)
    last_col = get_column_letter(len(sheet.columns))
    summary = sheet.name == "汇总"
    for i, w in enumerate(_widths(sheet) if not summary else [26.0] + [10.0] * 10, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    # Write-only sheets write their properties and views with the first row: set the
    # print set-up and the frozen panes before appending anything.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = not summary
    ws.oddHeader.left.text = _escape(marking(level))
    ws.oddHeader.left.color = "B00020"
    ws.oddHeader.left.size = 14
    ws.oddHeader.left.font = "-,Bold"
    ws.oddHeader.center.text = _escape(f"{unit} {sheet.name}")
    ws.oddHeader.right.text = _escape(f"季度 {quarter}")
    ws.oddFooter.left.text = _escape(f"日志检查点 {checkpoint}（可用 baomi verify --checkpoint 核验）")
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    ws.oddFooter.right.text = _escape(f"导出：{exported_by} {at:%Y-%m-%d %H:%M}")
    if not summary:
        ws.freeze_panes = f"C{HEADER_ROW + 1}"
    title = WriteOnlyCell(ws, f"{unit}　{quarter} {sheet.name}".strip())
    title.font = _TITLE_FONT
    ws.append([title])
    meta = (f"季度：{quarter}　导出人：{exported_by}　导出时间：{at:%Y-%m-%d %H:%M}　"
            f"日志检查点：{checkpoint}" + (f"　　{sheet.note}" if sheet.note else ""))
    ws.append([meta])
    if not summary:
        header = []
        for name in sheet.columns:
            c = WriteOnlyCell(ws, name)
            c.font, c.fill, c.border, c.alignment = _HEAD_FONT, _HEAD_FILL, _HEAD_BORDER, _HEAD_ALIGN
            header.append(c)
        ws.append(header)
        last_row = HEADER_ROW + max(len(sheet.rows), 1)
        ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
        ws.print_title_rows = f"1:{HEADER_ROW}"
        if sheet.validation_column:
            col = get_column_letter(list(sheet.columns).index(sheet.validation_column) + 1)
            dv = DataValidation(type="list", formula1='"' + ",".join(RESULTS) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="核对结果",
                                error=f"请填写：{'、'.join(RESULTS)}", showInputMessage=True,
                                promptTitle="核对结果", prompt="、".join(RESULTS))
            dv.add(f"{col}{HEADER_ROW + 1}:{col}{last_row}")
            ws.data_validations.append(dv)
    append = ws.append
    tick = ticker.tick
    for n, row in enumerate(sheet.rows, 1):
        append(row)
        if n & 255 == 0:
            tick(256)
    ticker.tick(len(sheet.rows) & 255)
    return level


def export_quarter(reg: Register, quarter: str, out: Path | str, *,
                   progress: ProgressFn | None = None, cancel: CancelFn | None = None,
                   on_gathered: Callable[[list[Sheet]], None] | None = None) -> ExportResult:
    """Write the quarter's workbook to `out` (atomically); returns what went in.

    `on_gathered` sees the sheets before they are written (the benchmark uses it
    to time a bare write-only loop over exactly the same rows).
    """
    quarter = checks.quarter_name(quarter)
    ticker0 = Ticker(1, None, cancel)
    ticker0.check()
    with reading(reg) as s, bulk_page_cache(s.connection()):  # the whole register is read
        unit = settings.get(s, "unit_name") or ""
        checkpoint = checkpoint_text(*head(s))
        now = reg.clock.now()
        sheets = _quarter_sheets(reg, s, quarter, now)
    if on_gathered:
        on_gathered(sheets)
    ticker = Ticker(sum(len(sh.rows) for sh in sheets), progress, cancel, step=256)
    ticker.check()
    levels = []
    with atomic_path(out) as tmp:
        wb = Workbook(write_only=True)
        wb.properties.title = f"{unit} {quarter} 清查清单"
        wb.properties.keywords = f"{MARKER} {quarter}"
        wb.properties.creator = f"baomi（{reg.actor}）"
        for sheet in sheets:
            levels.append(_write(wb, sheet, unit=unit, quarter=quarter, exported_by=reg.actor,
                                 at=now, checkpoint=checkpoint, ticker=ticker))
            ticker.check()
        wb.save(str(tmp))
    ticker.finish()
    return ExportResult(Path(out), quarter, checkpoint, highest(levels, "内部"),
                        {sh.name: len(sh.rows) for sh in sheets})
