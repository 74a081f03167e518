"""Importing the filled-in 清查清单 back (R30): each row's 核对结果 becomes the quarter's check.

The results go to `app.ledger.checks.check_items` in one transaction; that
function opens an incident for each 缺失 and returns to the issuer what is 清退.
It records nothing for a carrier whose result for the quarter is already the
same, so importing the same workbook twice changes nothing (the journal head
stays where it was).  Every row is read and checked before anything is
written; a workbook with any unusable row is refused whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.errors import BadInput
from app.io import xlsx_read
from app.io.export_xlsx import CHECK_SHEET, MARKER, NUMBER_HEADER, RESULT_HEADER
from app.io.import_ledger import Problem, problems_text
from app.ledger import checks, lookup
from app.ledger.queries import reading
from app.models.carriers import Carrier
from app.store.register import Register

HEADER_SCAN = 30
# What clerks write instead of the four words; anything else is refused.
SYNONYMS = {"在": "在", "在库": "在", "√": "在", "✓": "在", "✔": "在", "有": "在",
            "缺失": "缺失", "丢失": "缺失", "缺": "缺失", "无": "缺失",
            "清退": "清退", "退回": "清退",
            "拟销毁": "拟销毁", "销毁": "拟销毁", "待销毁": "拟销毁"}
_QUARTER_RE = re.compile(r"(\d{4})\s*Q([1-4])", re.IGNORECASE)


@dataclass
class CheckImport:
    quarter: str
    sheet: str
    results: dict[str, str] = field(default_factory=dict)  # number -> result
    rows: dict[str, int] = field(default_factory=dict)  # number -> its row in the sheet
    blank: int = 0  # rows whose 核对结果 was left empty
    summary: checks.CheckSummary | None = None

    def report(self) -> str:
        lines = [(f"工作表「{self.sheet}」，{self.quarter}：填写核对结果 {len(self.results)} 件，"
                  f"未填写 {self.blank} 件（未登记）。")]
        s = self.summary
        if s is not None:
            lines.append(f"新登记清查结果 {len(s.recorded)} 件，与已登记结果相同未变 {len(s.unchanged)} 件。")
            if s.incidents:
                lines.append(f"缺失，已登记失泄密事件：{'、'.join(s.incidents)}（须在24小时内书面报告，R45）。")
            if s.withdrawn:
                lines.append(f"已清退：{'、'.join(s.withdrawn)}。")
            if s.demanded:
                lines.append(f"借出在外、已要求清退：{'、'.join(s.demanded)}（三个月内未退按失泄密处理，R31）。")
        return "\n".join(lines)


def _find_header(grid: xlsx_read.Grid) -> tuple[int, int, int] | None:
    for r in range(1, min(len(grid.rows), HEADER_SCAN) + 1):
        cells = [xlsx_read.text(v).replace(" ", "").replace("\u3000", "") for v in grid.rows[r - 1]]
        if NUMBER_HEADER in cells and RESULT_HEADER in cells:
            return r, cells.index(NUMBER_HEADER), cells.index(RESULT_HEADER)
    return None


def _quarter_of_workbook(wb, grid: xlsx_read.Grid, header_row: int) -> str | None:
    keywords = wb.properties.keywords or ""
    if MARKER in keywords:
        m = _QUARTER_RE.search(keywords)
        if m:
            return f"{m.group(1)}Q{m.group(2)}"
    for r in range(1, header_row):
        for v in grid.rows[r - 1]:
            m = _QUARTER_RE.search(xlsx_read.text(v))
            if m:
                return f"{m.group(1)}Q{m.group(2)}"
    return None


def read_check_workbook(path: Path | str, quarter: str | None = None) -> tuple[CheckImport, list[Problem]]:
    """The results written in a 清查清单 workbook, and every row that cannot be used."""
    wb = xlsx_read.open_workbook(path)
    names = [CHECK_SHEET] if CHECK_SHEET in wb.sheetnames else wb.sheetnames
    found = None
    for name in names:
        grid = xlsx_read.read_grid(wb, name)
        header = _find_header(grid)
        if header:
            found = grid, header
            break
    if found is None:
        raise BadInput(f"「{Path(path).name}」中找不到清查清单：需要有「{NUMBER_HEADER}」和「{RESULT_HEADER}」两列"
                       "（请导入由 baomi export 导出的清查清单）。")
    grid, (header_row, num_col, res_col) = found
    in_book = _quarter_of_workbook(wb, grid, header_row)
    if quarter:
        quarter = checks.quarter_name(quarter)
        if in_book and in_book != quarter:
            raise BadInput(f"该工作簿是 {in_book} 的清查清单，与指定的季度 {quarter} 不符。")
    elif in_book:
        quarter = in_book
    else:
        raise BadInput("无法从工作簿判断清查季度，请用 --quarter 指定，例如 2026Q4。")
    result = CheckImport(quarter, grid.sheet)
    problems: list[Problem] = []
    first_row = result.rows
    for r in range(header_row + 1, len(grid.rows) + 1):
        row = grid.rows[r - 1]
        if xlsx_read.is_blank(row):
            continue
        raw_number = xlsx_read.text(grid.cell(r, num_col))
        raw_result = xlsx_read.text(grid.cell(r, res_col))
        if not raw_number:
            if raw_result:
                problems.append(Problem(r, NUMBER_HEADER, "", "填写了核对结果，但没有登记号"))
            continue
        number = lookup.normalize_number(raw_number)
        if not raw_result:
            result.blank += 1
            continue
        value = SYNONYMS.get(raw_result.replace(" ", ""))
        if value is None:
            problems.append(Problem(r, RESULT_HEADER, raw_result,
                                    f"核对结果应为 {'、'.join(checks.RESULTS)} 之一"))
            continue
        if number in result.results:
            if result.results[number] != value:
                problems.append(Problem(r, NUMBER_HEADER, raw_number,
                                        f"与第 {first_row[number]} 行是同一载体，但核对结果不同"))
            continue
        first_row[number] = r
        result.results[number] = value
    return result, problems


def import_check(reg: Register, path: Path | str, *, quarter: str | None = None,
                 dry_run: bool = False) -> CheckImport:
    """Read the workbook, refuse it whole if any row is unusable, else record the check."""
    data, problems = read_check_workbook(path, quarter)
    if data.results:
        with reading(reg) as s:
            known = set(s.scalars(select(Carrier.number).where(
                Carrier.number.in_(list(data.results)))))
        problems.extend(Problem(data.rows[n], NUMBER_HEADER, n, "登记簿中没有这个登记号")
                        for n in data.results if n not in known)
        problems.sort(key=lambda p: p.row)
    if problems:
        raise BadInput("清查清单有以下问题，未登记任何清查结果：\n" + problems_text(problems))
    if not data.results:
        raise BadInput("清查清单中没有填写任何核对结果，未登记。")
    if not dry_run:
        data.summary = checks.check_items(reg, data.quarter, data.results)
    return data
