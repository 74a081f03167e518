"""Importing the ledgers a clerk already keeps in Excel (收文登记 and the like).

Three steps, each usable on its own by the import dialog:

1. `propose(path, sheet)` finds the header row (title rows above it, merged
   cells and blank rows are fine) and proposes which column is which field,
   recognising the usual header variants (登记号/编号/序号, 文件名称/名称/标题 …).
2. `plan(reg, path, proposal)` reads every row and validates it: unknown 密级,
   a date that is not a date, a 机密/绝密 item without 份号 (R03, decided by the
   ledger itself), duplicate numbers (in the file and against the register),
   missing title.  Each problem is (row, column, value, reason in Chinese).
   Rows already imported before are recognised and skipped.
3. `apply(reg, plan, valid_rows_only=...)` registers the rows through
   `app.ledger.carriers.receive_in`, all in ONE transaction: nothing unless every
   row is valid, or, when the clerk explicitly asks, the valid rows (the report of
   the others is returned to be kept).

Register numbers (the rule decided for imports):
- A row's old number becomes the carrier's register number when it is a real
  register number: at most 32 characters, no spaces, with a digit, not a bare
  row count (all digits, 6 or fewer), not in the shape of this register's own
  numbers (which the counter may hand out later), and not used by any carrier
  already registered.  A column headed 序号 only counts rows (1, 2, 3 … again on
  every year's sheet): its value goes to the 备注 as 原序号 and is not a number.
- Otherwise the carrier gets a new number from the register's sequence, and
  the old one is kept in its 备注.  Either way the 备注 starts with the marker
  `【台账导入 原登记号 X】` (or `【台账导入】` without a number), which is how a
  second import of the same file recognises rows already imported and skips
  them: importing twice never duplicates a carrier.  Rows without a number are
  matched on title, 文号, 份号, 密级 and date instead.
- A row with 份数 N > 1 becomes N carriers (第n份/共N份) with new numbers, each
  carrying the marker.

Hazard: the old number is put on the carrier right after `receive_in` gave it
a number from the sequence, in the same transaction (the journal shows both);
that sequence number is then never used (numbers are never given twice).
Hazard: `receive_in` flags a receipt registered later than its date (R01);
imported rows carry that flag, which is true of the register if not of the
paper ledger.
Hazard: rows are not wrapped in savepoints: `receive_in` checks every rule
before it writes anything, so a refused row leaves nothing behind; anything else
that fails aborts the whole import.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, BaomiError, RuleViolation
from app.io import xlsx_read
from app.io.jobs import CancelFn, ProgressFn, Ticker
from app.io.ledger_cells import (  # noqa: F401
    FIELDS,
    HEADER_SCAN,
    KIND_WORDS,
    LABELS,
    NOT_REGISTERED,
    REQUIRED,
    keepable,
    match_row,
    norm_header,
    number_shape,
    parse_count,
    parse_date,
    parse_level,
    skip_kind,
)
from app.ledger import lookup, settings
from app.ledger.accounts import require_role
from app.ledger.carriers import NewCarrier, receive_in
from app.models.accounts import ROLE_CLERK
from app.models.carriers import KINDS, Carrier
from app.store.register import Register

MARK_PREFIX = "【台账导入"
ACTION = "台账导入"

_GENERATED_SERIAL = re.compile(r"第\d+份/共\d+份")


# -- results -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    row: int  # the row in the sheet (1-based, as Excel shows it); 0 when not a row
    column: str  # the field's label (名称, 密级 …) or the header text
    value: str
    reason: str

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        col = f"「{self.column}」列" if self.column else ""
        val = f"值「{self.value}」" if self.value else "（空）"
        return f"{where}{col}，{val}：{self.reason}"


def problems_text(problems: list[Problem]) -> str:
    return "\n".join(p.text() for p in problems)


@dataclass
class Proposal:
    """Which column holds which field; the dialog shows it and may change `mapping`."""

    sheet: str
    sheets: list[str]
    header_row: int  # 1-based
    headers: list[str]
    mapping: dict[str, int]  # field -> column (0-based)
    unused: list[str] = field(default_factory=list)  # headers not mapped to anything

    def lines(self) -> list[str]:
        out = []
        for f_, col in sorted(self.mapping.items(), key=lambda kv: kv[1]):
            out.append(f"{LABELS[f_]} ← 第 {col_name(col)} 列「{self.headers[col]}」")
        return out


@dataclass
class Row:
    row: int
    nc: NewCarrier
    at: datetime | None
    old_number: str  # normalized, "" when none
    keep_number: bool
    fingerprint: tuple


@dataclass
class Plan:
    proposal: Proposal
    rows: list[Row]  # valid rows to import
    problems: list[Problem]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) already imported
    ignored: int = 0  # blank, totals, repeated header and footnote rows
    total: int = 0  # data rows read

    @property
    def invalid_rows(self) -> set[int]:
        return {p.row for p in self.problems}


@dataclass
class ImportResult:
    plan: Plan
    imported: list[str] = field(default_factory=list)  # register numbers created
    kept_numbers: int = 0  # rows whose old number became the register number
    applied: bool = False  # False: dry run, or refused because of problems

    def report(self) -> str:
        p = self.plan
        lines = [f"工作表「{p.proposal.sheet}」，表头在第 {p.proposal.header_row} 行；"
                 + "；".join(p.proposal.lines()) + "。"]
        if p.proposal.unused:
            lines.append(f"未使用的列：{'、'.join(p.proposal.unused)}。")
        bad = len(p.invalid_rows)
        lines.append(f"共读取 {p.total} 行：可导入 {len(p.rows)} 行，此前已导入（跳过）{len(p.skipped)} 行，"
                     f"有问题 {bad} 行；空行、合计行等 {p.ignored} 行未读取。")
        if p.problems:
            lines.append("问题：")
            lines.extend("  " + q.text() for q in p.problems)
        if self.applied:
            lines.append(f"已导入 {len(self.imported)} 件载体（保留原登记号 {self.kept_numbers} 件）。")
        elif p.problems:
            lines.append("有问题的行须先在 Excel 中改正；未导入任何内容。"
                         "（如只导入无问题的行，请使用 --valid-rows-only，并保留本报告。）")
        else:
            lines.append("试导入（--dry-run）：未做任何更改。")
        return "\n".join(lines)


class _Rollback(Exception):
    """Raised inside the import transaction to undo it (dry run, or refused)."""


# -- 1. the header -----------------------------------------------------------------------

def col_name(col: int) -> str:
    """Excel's letter of a 0-based column: 0 → A."""
    from openpyxl.utils import get_column_letter
    return get_column_letter(col + 1)


_col_name = col_name  # the import dialog used this name first


def _propose_grid(grid: xlsx_read.Grid, sheets: list[str]) -> Proposal | None:
    best: tuple[int, int, dict] | None = None
    for r in range(1, min(len(grid.rows), HEADER_SCAN) + 1):
        found = match_row(grid.rows[r - 1])
        if "title" not in found or len(found) < 2:
            continue
        if best is None or len(found) > best[1]:
            best = (r, len(found), found)
    if best is None:
        return None
    r, _, found = best
    headers = [xlsx_read.text(v) for v in grid.rows[r - 1]]
    mapping = {f_: col for f_, (col, _) in found.items()}
    used = set(mapping.values())
    unused = [h for i, h in enumerate(headers) if h and i not in used]
    return Proposal(grid.sheet, sheets, r, headers, mapping, unused)


def propose(path: Path | str, sheet: str | None = None) -> Proposal:
    """Find the header row and propose the column mapping (the first sheet that has one)."""
    wb = xlsx_read.open_workbook(path)
    names = [sheet] if sheet else wb.sheetnames
    for name in names:
        grid = xlsx_read.read_grid(wb, name)
        proposal = _propose_grid(grid, wb.sheetnames)
        if proposal is not None:
            return proposal
    where = f"工作表「{sheet}」" if sheet else f"「{Path(path).name}」的各工作表"
    raise BadInput(f"{where}中找不到表头：需要有「名称」（或 文件名称、标题）和「密级」等列，"
                   "表头须在前 30 行内。")


# -- 2. reading and validating the rows ----------------------------------------------------

def marker(old: str) -> str:
    return f"{MARK_PREFIX} 原登记号 {old}】" if old else f"{MARK_PREFIX}】"


def _read_rows(grid: xlsx_read.Grid, proposal: Proposal, own: re.Pattern[str],
               plan_: Plan) -> list[Row]:
    m = proposal.mapping
    for f_ in REQUIRED:
        if f_ not in m:
            raise BadInput(f"没有指定「{LABELS[f_]}」列，无法导入。")
    # A column headed 序号 only counts the rows (1, 2, 3 … again on every year's sheet):
    # it is kept in the 备注 but never used as a number or to recognise a row.
    row_count_col = norm_header(proposal.headers[m["number"]]) == "序号" if "number" in m else False
    out: list[Row] = []
    for r in range(proposal.header_row + 1, len(grid.rows) + 1):
        cells = grid.rows[r - 1]
        if skip_kind(cells, proposal.headers, m):
            plan_.ignored += 1
            continue
        plan_.total += 1

        def raw(f_: str, r: int = r) -> Any:
            return grid.cell(r, m[f_]) if f_ in m else None

        def txt(f_: str) -> str:
            return xlsx_read.text(raw(f_))

        bad: list[Problem] = []

        def problem(f_: str, reason: str, value: Any = None, r: int = r,
                    bad: list[Problem] = bad) -> None:
            bad.append(Problem(r, LABELS[f_], xlsx_read.text(raw(f_)) if value is None else str(value),
                               reason))

        title = txt("title")
        if not title:
            problem("title", "缺少文件名称")
        elif len(title) > 300:
            problem("title", "文件名称超过 300 个字")
        level_raw = txt("level")
        level, star_period = parse_level(level_raw)
        if not level_raw:
            problem("level", "缺少密级")
        elif not level:
            if re.sub(r"\s+", "", level_raw) in NOT_REGISTERED:
                problem("level", f"「{level_raw}」不是涉密载体，不属登记范围")
            else:
                problem("level", "未知的密级，应为 秘密、机密、绝密 或 内部")
        when = None
        try:
            when = parse_date(raw("date"))
        except ValueError:
            problem("date", "不是有效的日期（应如 2026-03-05、2026.3.5、2026/3/5 或 2026年3月5日）")
        copies = 1
        if txt("copies"):
            try:
                copies = parse_count(raw("copies"), "份数", low=1, high=1000)
            except ValueError as e:
                problem("copies", str(e))
        pages = None
        if txt("pages"):
            try:
                pages = parse_count(raw("pages"), "页数", low=1, high=100000)
            except ValueError as e:
                problem("pages", str(e))
        kind_raw = txt("kind")
        kind = KIND_WORDS.get(kind_raw.replace(" ", ""), kind_raw if kind_raw in KINDS else "")
        old = lookup.normalize_number(txt("number")) if txt("number") and not row_count_col else ""
        notes = [marker(old)]
        if row_count_col and txt("number"):
            notes.append(f"原序号 {txt('number')}")
        if kind_raw and not kind:
            kind = "其他"
            notes.append(f"原载体类型：{kind_raw}")
        if txt("received_by"):
            notes.append(f"签收人：{txt('received_by')}")
        if txt("note"):
            notes.append(txt("note"))
        if bad:
            plan_.problems.extend(bad)
            continue
        nc = NewCarrier(title=title, level=level, issuer=txt("issuer"), doc_no=txt("doc_no"),
                        kind=kind or "文件", copies=copies, serial=txt("serial"),
                        period=txt("period") or star_period, pages=pages, location=txt("location"),
                        note="".join(notes[:1]) + "；".join(notes[1:]))
        fp = (title, nc.doc_no, nc.serial, level, when.date() if when else None)
        out.append(Row(r, nc, when, old, copies == 1 and keepable(old, own), fp))
    return out


def _imported_before(s: Session) -> tuple[dict[str, str], set[tuple]]:
    """Old numbers already imported (-> a carrier number) and fingerprints of unnumbered rows."""
    olds: dict[str, str] = {}
    prints: set[tuple] = set()
    q = select(Carrier.number, Carrier.note, Carrier.title, Carrier.doc_no, Carrier.serial,
               Carrier.level, Carrier.registered_at).where(Carrier.note.like(MARK_PREFIX + "%"))
    for number, note, title, doc_no, serial, level, at in s.execute(q):
        m = re.match(re.escape(MARK_PREFIX) + r"(?: 原登记号 (.*?))?】", note)
        if not m:
            continue
        if m.group(1):
            olds.setdefault(m.group(1), number)
        else:
            # The 份号 of a multi-copy row was generated (第n份/共N份): the row had none.
            serial = "" if _GENERATED_SERIAL.fullmatch(serial or "") else serial
            prints.add((title, doc_no, serial, level, at.date() if at else None))
    return olds, prints


def _check_duplicates(s: Session, rows: list[Row], plan_: Plan) -> list[Row]:
    olds, prints = _imported_before(s)
    wanted = [r.old_number for r in rows if r.old_number]
    taken: dict[str, str] = {}
    for i in range(0, len(wanted), 900):
        for number, title in s.execute(select(Carrier.number, Carrier.title)
                                       .where(Carrier.number.in_(wanted[i:i + 900]))):
            taken[number] = title
    prints4 = {p[:4] for p in prints}  # rows without a date: the import day was used
    seen_old: dict[str, int] = {}
    seen_fp: dict[tuple, int] = {}
    keep: list[Row] = []
    for r in rows:
        if r.old_number:
            if r.old_number in seen_old:
                plan_.problems.append(Problem(r.row, LABELS["number"], r.old_number,
                                              f"与第 {seen_old[r.old_number]} 行的登记号重复"))
                continue
            seen_old[r.old_number] = r.row
            if r.old_number in olds:
                plan_.skipped.append((r.row, f"原登记号 {r.old_number} 已于此前导入（{olds[r.old_number]}）"))
                continue
            if r.old_number in taken:
                plan_.problems.append(Problem(
                    r.row, LABELS["number"], r.old_number,
                    f"登记簿中已有登记号为 {r.old_number} 的载体《{taken[r.old_number]}》，登记号重复"))
                continue
        else:
            if r.fingerprint in seen_fp:
                plan_.problems.append(Problem(r.row, LABELS["title"], r.nc.title,
                                              f"与第 {seen_fp[r.fingerprint]} 行内容完全相同（重复登记）"))
                continue
            seen_fp[r.fingerprint] = r.row
            if r.fingerprint in prints or (r.fingerprint[4] is None and r.fingerprint[:4] in prints4):
                plan_.skipped.append((r.row, "与此前导入的载体相同"))
                continue
        keep.append(r)
    return keep


def plan(reg: Register, path: Path | str, proposal: Proposal | None = None, *,
         sheet: str | None = None) -> Plan:
    """Read and validate every row (no rule of the ledger is run yet: see `apply`)."""
    proposal = proposal or propose(path, sheet)
    wb = xlsx_read.open_workbook(path)
    grid = xlsx_read.read_grid(wb, proposal.sheet)
    result = Plan(proposal, [], [])
    with reg.read() as s:
        own = number_shape(settings.get(s, "number_pattern"))
        rows = _read_rows(grid, proposal, own, result)
        result.rows = _check_duplicates(s, rows, result)
    result.problems.sort(key=lambda p: (p.row, p.column))
    return result


# -- 3. applying -------------------------------------------------------------------------------

_RULE_COLUMNS = {"R03": "serial", "R06": "kind", "R04": "note", "R07": "note"}
_WORD_COLUMNS = (("份号", "serial"), ("份数", "copies"), ("页数", "pages"), ("密级", "level"),
                 ("载体类型", "kind"), ("名称", "title"), ("时间", "date"), ("日期", "date"))


def _column_of(e: BaomiError) -> str:
    if isinstance(e, RuleViolation) and e.rule in _RULE_COLUMNS:
        return LABELS[_RULE_COLUMNS[e.rule]]
    for word, f_ in _WORD_COLUMNS:
        if word in e.message:
            return LABELS[f_]
    return ""


def _value_of(r: Row, column: str) -> str:
    by_label = {"份号": r.nc.serial, "份数": str(r.nc.copies), "页数": str(r.nc.pages or ""),
                "密级": r.nc.level, "载体类型": r.nc.kind, "名称": r.nc.title,
                "收文日期": f"{r.at:%Y-%m-%d}" if r.at else ""}
    return by_label.get(column, "")


def apply(reg: Register, plan_: Plan, *, valid_rows_only: bool = False, dry_run: bool = False,
          progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> ImportResult:
    """Register the plan's rows in one transaction, each checked by the ledger's rules.

    A row the ledger refuses (R03 机密 without 份号 …) becomes a problem like the
    others.  Nothing is written when `dry_run`, or when any row has a problem and
    `valid_rows_only` is not set; the report says so.
    """
    require_role(reg, ROLE_CLERK)
    result = ImportResult(plan_)
    ticker = Ticker(len(plan_.rows), progress, cancel, step=50)
    set_number = _number_setter()
    try:
        with reg.operation(ACTION) as s:
            for r in plan_.rows:
                ticker.tick()
                try:
                    # No savepoint per row: receive_in checks every rule before it writes
                    # anything, so a refused row leaves nothing behind (and savepoints
                    # would double the time of a large import).
                    numbers = set_number(s, r)
                except BaomiError as e:
                    column = _column_of(e)
                    plan_.problems.append(Problem(r.row, column, _value_of(r, column), e.message))
                    continue
                result.imported.extend(numbers)
                result.kept_numbers += int(r.keep_number)
            plan_.problems.sort(key=lambda p: (p.row, p.column))
            if dry_run or (plan_.problems and not valid_rows_only) or not result.imported:
                raise _Rollback()
    except _Rollback:
        result.imported = []
        result.kept_numbers = 0
    failed = plan_.invalid_rows
    plan_.rows = [r for r in plan_.rows if r.row not in failed]
    if not result.imported:
        return result
    result.applied = True
    ticker.finish()
    return result


def _number_setter() -> Callable[[Session, Row], list[str]]:
    """Register one row; a kept old number replaces the sequence number at once."""
    def register(s: Session, r: Row) -> list[str]:
        numbers = receive_in(s, r.nc, at=r.at)
        if r.keep_number and len(numbers) == 1:
            carrier = s.scalars(select(Carrier).where(Carrier.number == numbers[0])).one()
            carrier.number = r.old_number
            s.flush()
            return [r.old_number]
        return numbers
    return register


def import_ledger(reg: Register, path: Path | str, *, sheet: str | None = None,
                  dry_run: bool = False, valid_rows_only: bool = False,
                  proposal: Proposal | None = None, progress: ProgressFn | None = None,
                  cancel: CancelFn | None = None) -> ImportResult:
    """`baomi import`: propose, plan and apply in one call."""
    require_role(reg, ROLE_CLERK)
    p = plan(reg, path, proposal, sheet=sheet)
    if not p.rows:
        return ImportResult(p)
    return apply(reg, p, valid_rows_only=valid_rows_only, dry_run=dry_run, progress=progress,
                 cancel=cancel)
