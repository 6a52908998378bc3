"""The uploaded bytes as rows of cells: encoding, delimiter and blank lines handled once."""

import _csv
import csv
import io
from dataclasses import dataclass

from kit.text import NUL


@dataclass(frozen=True)
class RowError:
    """One problem with one cell, a whole row (`column` None) or the file (`row` None)."""

    row: int | None
    column: str | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class InvalidFile(Exception):
    """The file cannot be imported at all (encoding, header, mapping)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (row number as a spreadsheet shows it, the header being row 1; cells); blank rows left out
    rows: list[tuple[int, list[str]]]


def read_table(content: bytes) -> Table:
    reader = _reader(content)
    try:
        records = list(reader)
    except csv.Error as exc:
        reason = f"the file is not valid CSV: {exc}"
        raise InvalidFile([RowError(reader.line_num, None, reason)]) from exc
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return Table(headers=[h.strip() for h in records[0]], rows=rows)


def read_header(content: bytes) -> list[str]:
    """The header row alone: enough to check a layout before the job reads everything."""
    try:
        return [h.strip() for h in next(_reader(content))]
    except csv.Error as exc:
        raise InvalidFile([RowError(1, None, f"the file is not valid CSV: {exc}")]) from exc


def _reader(content: bytes) -> "_csv.Reader":
    text = _decode(content)
    if not text.strip():
        raise InvalidFile([RowError(None, None, "the file is empty")])
    # Spreadsheets in many locales export ";" or tabs; the header line tells which.
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _decode(content: bytes) -> str:
    # UTF-8 (HubSpot, Google Sheets; with or without a BOM), else Excel's Windows-1252.
    # NUL characters go: Postgres cannot store them, and no spreadsheet means them.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding).replace(NUL, "")
        except UnicodeDecodeError:
            continue
    raise InvalidFile([RowError(None, None, "the file is neither UTF-8 nor Windows-1252 text")])
