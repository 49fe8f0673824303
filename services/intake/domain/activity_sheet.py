"""A township office's spreadsheet of duty activities (CSV or XLSX) read into rows.

Only reading happens here: each row keeps the line it came from so that every error can
name it; checking the rows is the schema's and the directory's job.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

COLUMNS = ("deputy_id", "activity", "occurred_on", "duration_hours", "organiser", "office_id")
OPTIONAL = ("duration_hours", "office_id", "note")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


class SheetError(ValueError):
    """The file as a whole cannot be read; the message says why."""


def _cell(value: Any) -> Any:
    """XLSX cells come typed: dates as dates, numbers as numbers; the schema wants text."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value).strip()


def _records(header: list[str], lines: list[tuple[int, list[Any]]]) -> list[dict[str, Any]]:
    names = [str(name or "").strip().lstrip("\ufeff") for name in header]
    missing = [c for c in COLUMNS if c not in names and c not in OPTIONAL]
    if missing:
        raise SheetError(f"line 1: the header lacks {', '.join(missing)}")
    unknown = [n for n in names if n and n not in COLUMNS + OPTIONAL]
    if unknown:
        raise SheetError(f"line 1: unknown column {', '.join(unknown)}")
    rows = []
    for line, cells in lines:
        values = [_cell(cell) for cell in cells]
        if not any(values):
            continue  # a blank line is no record
        record = {name: value for name, value in zip(names, values, strict=False) if name}
        rows.append({"line": line, **{k: v for k, v in record.items() if v != ""}})
    if not rows:
        raise SheetError("the sheet has no rows")
    if len(rows) > MAX_ROWS:
        raise SheetError(f"at most {MAX_ROWS} rows in one upload")
    return rows


def read_csv(data: bytes) -> list[dict[str, Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError("a CSV file must be UTF-8 (Excel: 另存为 CSV UTF-8)") from None
    if "\x00" in text:
        raise SheetError("the file holds NUL bytes: not a CSV")
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise SheetError(f"not a CSV file: {error}") from None
    if not table:
        raise SheetError("the sheet has no rows")
    return _records(table[0], list(enumerate(table[1:], start=2)))


def read_xlsx(data: bytes) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError("not an XLSX workbook") from None
    try:
        table = list(book.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    finally:
        book.close()
    if not table:
        raise SheetError("the sheet has no rows")
    return _records(list(table[0]), [(n, list(r)) for n, r in enumerate(table[1:], start=2)])


def read_sheet(filename: str, data: bytes) -> list[dict[str, Any]]:
    if len(data) > MAX_BYTES:
        raise SheetError(f"the file is larger than {MAX_BYTES // 1024 // 1024} MB")
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if filename.lower().endswith(".csv"):
        return read_csv(data)
    raise SheetError("upload a .csv (UTF-8) or .xlsx file")
