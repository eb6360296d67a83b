"""Writing a ledger's records as .xlsx (openpyxl's write-only workbook: each row goes to a
temporary file as it is appended, strings inline, nothing kept per row) or as CSV (UTF-8 with a
byte-order mark, so that Excel opens the Chinese text correctly)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .sheets import CHUNK, Column, Ledger, Record

CSV_DATETIME = "%Y-%m-%d %H:%M"
BOM = "\ufeff"
# Text a spreadsheet would take for a formula (CSV injection): written with a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Lines of CSV handed to the response at once: few large writes rather than many tiny ones.
CSV_LINES_PER_PIECE = 500

Progress = Callable[[int], None]


def _report_every_chunk(records: Iterable[Record], progress: Progress | None) -> Iterator[Record]:
    n = 0
    for record in records:
        yield record
        n += 1
        if progress is not None and n % CHUNK == 0:
            progress(n)
    if progress is not None:
        progress(n)


# --- xlsx -----------------------------------------------------------------------------------


class _SheetWriter:
    def __init__(self, wb: Workbook, title: str, columns: tuple[Column, ...], headers: list[str]):
        self.ws = ws = wb.create_sheet(title=title[:31])
        self.columns = columns
        # Widths and frozen header must be set before the first row in a write-only sheet.
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        head = []
        for text in headers:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def append(self, row: list) -> None:
        # Plain values cost openpyxl least; a cell object only where a value needs one. Datetimes
        # and dates get openpyxl's date number formats (yyyy-mm-dd h:mm:ss, yyyy-mm-dd).
        ws = self.ws
        out = []
        for column, value in zip(self.columns, row, strict=True):
            if value == "":
                value = None
            elif isinstance(value, str):
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("=") or value in ERROR_CODES or (column.kind == "long" and "\n" in value):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"  # text stays text, never a formula or an error value
                    if column.kind == "long":
                        cell.alignment = self.wrap
                    value = cell
            out.append(value)
        ws.append(out)


def write_xlsx(ledger: Ledger, records: Iterable[Record], target, progress: Progress | None = None) -> int:
    """Write the ledger to `target` (a path or a binary file); returns the number of rows."""
    wb = Workbook(write_only=True)
    main = _SheetWriter(wb, ledger.title, ledger.columns, ledger.headers())
    events = (
        _SheetWriter(wb, ledger.event_title, ledger.event_columns, ledger.event_headers())
        if (ledger.event_columns)
        else None
    )
    n = 0
    try:
        for row, event_rows in _report_every_chunk(records, progress):
            main.append(row)
            if events is not None:
                for event_row in event_rows:
                    events.append(event_row)
            n += 1
    except BaseException:
        _discard(wb)
        raise
    wb.save(target)
    return n


def _discard(wb: Workbook) -> None:
    """Close and remove the sheets' temporary files of a workbook that will not be saved."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):  # best effort: the build's own error is what is reported
            ws.close()
            ws._writer.cleanup()


# --- CSV ------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write hands back the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime(CSV_DATETIME)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_pieces(ledger: Ledger, records: Iterable[Record], progress: Progress | None = None) -> Iterator[str]:
    """The CSV text in pieces of a few hundred lines, starting with the byte-order mark. The
    hazard ledger's events are in its timeline column (a CSV file has one sheet)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(ledger.headers())
    lines = []
    for row, _events in _report_every_chunk(records, progress):
        lines.append(writer.writerow([_csv_value(v) for v in row]))
        if len(lines) >= CSV_LINES_PER_PIECE:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def write_csv(ledger: Ledger, records: Iterable[Record], target, progress: Progress | None = None) -> int:
    """Write the CSV to a binary file; returns the number of rows."""
    n = 0

    def counted():
        nonlocal n
        for record in records:
            n += 1
            yield record

    for piece in csv_pieces(ledger, counted(), progress):
        target.write(piece.encode("utf-8"))
    return n
