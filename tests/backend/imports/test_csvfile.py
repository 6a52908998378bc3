"""The uploaded bytes as rows: the encodings and delimiters spreadsheets really produce."""

import pytest

from backend.imports.csvfile import InvalidFile, read_header, read_table


def test_a_utf8_file_with_a_byte_order_mark_reads_its_first_header_cleanly() -> None:
    table = read_table("\ufeffRecord ID,Deal Name\r\n1,Café crème\r\n".encode())

    assert table.headers == ["Record ID", "Deal Name"]
    assert table.rows == [(2, ["1", "Café crème"])]


def test_an_excel_windows_1252_file_is_read() -> None:
    table = read_table("Name\nCafé\n".encode("cp1252"))

    assert table.rows == [(2, ["Café"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_taken_from_the_header(delimiter: str) -> None:
    content = f"Name{delimiter}Amount\nAcme{delimiter}1,5\n".encode()

    assert read_table(content).headers == ["Name", "Amount"]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet() -> None:
    table = read_table(b"Name,Amount\nA,1\n,\n\nB,2\n")

    assert table.rows == [(2, ["A", "1"]), (5, ["B", "2"])]


def test_a_quoted_cell_may_hold_commas_and_line_breaks() -> None:
    table = read_table(b'Name,Notes\nA,"one, two\nthree"\nB,x\n')

    assert table.rows == [(2, ["A", "one, two\nthree"]), (3, ["B", "x"])]


def test_an_empty_file_cannot_be_imported() -> None:
    with pytest.raises(InvalidFile) as raised:
        read_header(b"  \n")

    assert [(e.row, e.reason) for e in raised.value.errors] == [(None, "the file is empty")]


def test_a_cell_too_large_for_csv_is_a_file_error() -> None:
    with pytest.raises(InvalidFile) as raised:
        read_table(b"Name\n" + b"x" * 200_000 + b"\n")

    assert "not valid CSV" in raised.value.errors[0].reason


def test_the_header_alone_is_read_without_the_rest() -> None:
    assert read_header(b"Record ID;Deal Name\n1;x\n") == ["Record ID", "Deal Name"]
