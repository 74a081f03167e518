"""Opening a workbook someone hands the clerk, and reading it as a plain grid.

Every way a file can be unusable becomes one Chinese sentence (BadInput, exit 4)
before anything else happens: missing, empty, an old .xls or an encrypted
(password-protected) workbook (both are OLE compound files), not a workbook at
all, a damaged zip.  Merged cells read as the value of their top-left cell in
every cell of the range (a unit name merged down three rows belongs to all three).
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from app.errors import BadInput

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
MAX_BYTES = 200 * 1024 * 1024


def open_workbook(path: Path | str) -> Workbook:
    """Load an .xlsx with cached values (formulas read as their last result)."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"找不到文件「{path}」。") from None
    except IsADirectoryError:
        raise BadInput(f"「{path}」是文件夹，不是 Excel 工作簿。") from None
    except OSError as e:
        raise BadInput(f"无法读取文件「{path}」：{e.strerror or e}。") from None
    if not data:
        raise BadInput(f"文件「{name}」是空的（0 字节），不是 Excel 工作簿。")
    if len(data) > MAX_BYTES:
        raise BadInput(f"文件「{name}」超过 200 MB，不像是台账工作簿。")
    if data.startswith(OLE_MAGIC):
        raise BadInput(f"文件「{name}」是设置了打开密码的加密工作簿，或旧版 Excel 97-2003（.xls）文件，"
                       "无法读取：请在 Excel 中取消打开密码，或“另存为”Excel 工作簿（.xlsx）后再导入。")
    if not data.startswith(ZIP_MAGIC):
        raise BadInput(f"文件「{name}」不是 Excel 工作簿（.xlsx）：请在 Excel 中打开并“另存为”"
                       "Excel 工作簿（.xlsx）后再导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names:
                raise BadInput(f"文件「{name}」是压缩文件，但不是 Excel 工作簿（.xlsx）。")
            bad = z.testzip()
            if bad is not None:
                raise zipfile.BadZipFile(bad)
        return load_workbook(io.BytesIO(data), data_only=True)
    except BadInput:
        raise
    except Exception:  # noqa: BLE001 - BadZipFile, KeyError, XML errors ...: a damaged file
        raise BadInput(f"文件「{name}」已损坏，无法作为 Excel 工作簿打开：请用 Excel 打开检查，"
                       "或重新导出后再导入。") from None


@dataclass
class Grid:
    """A worksheet's values, row by row (row 1 first), merged ranges filled in."""

    sheet: str
    rows: list[list[Any]]

    def cell(self, row: int, col: int) -> Any:
        """1-based row, 0-based column; None outside."""
        if 1 <= row <= len(self.rows):
            r = self.rows[row - 1]
            if 0 <= col < len(r):
                return r[col]
        return None


def read_grid(wb: Workbook, sheet: str | None = None) -> Grid:
    if sheet is not None and sheet not in wb.sheetnames:
        raise BadInput(f"工作簿中没有名为「{sheet}」的工作表，现有：{'、'.join(wb.sheetnames)}。")
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in getattr(ws, "merged_cells", None) or []:
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
            row = rows[r - 1]
            for c in range(rng.min_col, rng.max_col + 1):
                if c - 1 < len(row):
                    row[c - 1] = top
    return Grid(ws.title, rows)


def text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(row: list[Any]) -> bool:
    return all(text(v) == "" for v in row)
