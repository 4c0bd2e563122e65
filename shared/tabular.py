"""Reading an import file in bounded memory, refusing early and in Russian what it cannot read or will not hold.

CSV is decoded incrementally and its rows streamed. python-calamine reads a whole XLSX sheet into one dense grid
(about a hundred bytes per cell, and a single cell far away makes it allocate for every cell before it, aborting
the process), so before it runs the archive is checked from its directory (entries, sizes, overlaps), every entry
is inflated once against its declared size and checksum, and the sheet's cell references give its rows and extent.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from shared.i18n import plural
from shared.settings import Settings

CHUNK = 1 << 20
# The dense grid calamine builds (rows × columns of the used range) plus its shared strings: about 110 MB at the
# limit, which keeps the worker under 300 MB with a file of 100 000 rows and 12 columns.
MAX_CELLS = 1_200_000
MAX_ENTRIES = 1000  # parts of one XLSX: a workbook with many sheets and pictures has a few hundred
MAX_DEPTH = 8  # folders inside the archive: xl/worksheets/_rels/sheet1.xml.rels is four deep
SMALL_PART = 4 * 1024 * 1024  # the relationships and the workbook part, parsed whole
CSV_FIELD_LIMIT = 131072  # the csv module's own limit, named in the message

BROKEN = "Файл XLSX повреждён: откройте его в Excel или LibreOffice и сохраните заново"
UNREADABLE = "Не удалось прочитать файл: сохраните его как CSV (UTF-8) или XLSX"


class UnreadableFile(ValueError):
    """A file refused as a whole; the message is for the user."""


@dataclass(frozen=True)
class ImportLimits:
    """What one import file may hold (the operator's settings)."""

    max_rows: int
    max_unpacked_bytes: int

    @classmethod
    def of(cls, settings: Settings) -> ImportLimits:
        return cls(settings.import_max_rows, settings.import_max_unpacked_bytes)


class Table:
    """The file's rows, the header first, blank rows left out, read as they are consumed; `expected` is the
    number of data rows as far as it is known before reading them (for progress)."""

    def __init__(self, rows: Iterator[list[Any]], expected: int) -> None:
        self._rows = rows
        self.expected = expected

    def __iter__(self) -> Iterator[list[Any]]:
        return self._rows


def read_table(content: bytes, limits: ImportLimits) -> Table:
    """XLSX by its zip signature, otherwise CSV; raises UnreadableFile for what is refused before any row."""
    if content.startswith(b"PK\x03\x04"):
        return _xlsx(content, limits)
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableFile(
            "Файл в формате XLS (Excel 97–2003) или защищён паролем: сохраните его как XLSX без пароля или как CSV"
        )
    if content.startswith(b"%PDF"):
        raise UnreadableFile("Это PDF, а не таблица: загрузите файл XLSX или CSV")
    return _csv(content, limits)


def too_many_rows(limit: int) -> UnreadableFile:
    return UnreadableFile(
        f"В файле больше {_number(limit)} {plural(limit, 'строки', 'строк', 'строк')}: разделите его на части"
    )


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _counted(rows: Iterator[list[Any]], limits: ImportLimits) -> Iterator[list[Any]]:
    """Blank rows left out; the header and at most `max_rows` rows after it, then a refusal."""
    seen = -1  # the header is not a data row
    for row in rows:
        if not any(cell is not None and str(cell).strip() for cell in row):
            continue
        seen += 1
        if seen > limits.max_rows:
            raise too_many_rows(limits.max_rows)
        yield row
    if seen < 0:
        raise UnreadableFile("Файл пуст")


# CSV ------------------------------------------------------------------------------------------------------

# Checked longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF16_LE, "utf-16"),
)
UNSUPPORTED_BOMS = (
    (b"+/v", "UTF-7"),
    (b"\x84\x31\x95\x33", "GB 18030"),
    (b"\xdd\x73\x66\x73", "UTF-EBCDIC"),
    (b"\xf7\x64\x4c", "UTF-1"),
    (b"\x0e\xfe\xff", "SCSU"),
    (b"\xfb\xee\x28", "BOCU-1"),
)
NEWLINES = {"utf-16": b"\n\x00", "utf-32": b"\n\x00\x00\x00"}


def encoding_of(content: bytes) -> str:
    """By the byte order mark; without one UTF-8 if it decodes, else Windows-1251 (what Russian Excel saves)."""
    for mark, encoding in BOMS:
        if content.startswith(mark):
            return encoding
    for mark, name in UNSUPPORTED_BOMS:
        if content.startswith(mark):
            raise UnreadableFile(f"Кодировка {name} не поддерживается: сохраните файл как CSV (UTF-8) или XLSX")
    if b"\x00" in content[:4096]:
        raise UnreadableFile(
            "Файл в кодировке UTF-16 или UTF-32 без метки порядка байтов (BOM): сохраните его как CSV (UTF-8) или XLSX"
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(content), CHUNK):  # checked piece by piece: no second copy of the file
            decoder.decode(view[start : start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if b"\x98" in content:  # the one byte Windows-1251 leaves undefined
            raise UnreadableFile(UNREADABLE) from None
        return "cp1251"
    return "utf-8"


def _csv(content: bytes, limits: ImportLimits) -> Table:
    encoding = encoding_of(content)
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError:
        raise UnreadableFile(_broken_text(encoding)) from None
    counts = {delimiter: first.count(delimiter) for delimiter in (";", ",", "\t")}
    delimiter = ";" if counts[";"] >= counts[","] else ","
    if counts["\t"] > counts[delimiter]:  # Excel's «Текст Юникод» is UTF-16 with tabs
        delimiter = "\t"
    expected = max(content.count(NEWLINES.get(encoding, b"\n")) - 1, 0)
    return Table(_counted(_csv_rows(itertools.chain([first], text), delimiter, encoding), limits), expected)


def _broken_text(encoding: str) -> str:
    name = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32", "cp1251": "Windows-1251"}.get(encoding)
    return f"Файл не читается в кодировке {name or encoding}: сохраните его как CSV (UTF-8) или XLSX"


def _csv_rows(lines: Iterator[str], delimiter: str, encoding: str) -> Iterator[list[Any]]:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        yield from reader
    except UnicodeDecodeError:
        raise UnreadableFile(_broken_text(encoding)) from None
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise UnreadableFile(
                f"В строке {reader.line_num} ячейка длиннее {_number(CSV_FIELD_LIMIT)} символов"
            ) from None
        raise UnreadableFile(
            f"Не удалось разобрать строку {reader.line_num} файла CSV: проверьте кавычки и разделители"
        ) from None


# XLSX -----------------------------------------------------------------------------------------------------


def _xlsx(content: bytes, limits: ImportLimits) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UnreadableFile(BROKEN) from None
    with archive:
        parts = _directory(archive, content, limits)
        name, sheet_path = _first_sheet(archive, parts)
        scan = _inflate_all(archive, parts, sheet_path, limits)
    if scan.cells > MAX_CELLS:
        raise UnreadableFile(
            f"В таблице больше {_number(MAX_CELLS)} ячеек (строк × столбцов от первой заполненной до последней): "
            "удалите лишние столбцы и пустые ячейки вдали от данных или разделите файл на части"
        )
    return Table(_counted(_calamine_rows(content, name), limits), max(scan.rows - 1, 0))


def _calamine_rows(content: bytes, name: str) -> Iterator[list[Any]]:
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
            sheet = book.get_sheet_by_name(name)
            yield from sheet.iter_rows()
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine's errors name XML and zip details; the user needs one sentence
        raise UnreadableFile(BROKEN) from exc


def _key(name: str) -> str:
    """How calamine finds a part: backslashes as slashes, case ignored."""
    return name.replace("\\", "/").lower()


def _directory(archive: zipfile.ZipFile, content: bytes, limits: ImportLimits) -> dict[str, zipfile.ZipInfo]:
    """The archive's parts by calamine's key, refused before anything is inflated: too many or too deeply nested,
    encrypted, named twice, overlapping one another (one compressed kernel inflated for many parts), or adding up
    to more than the limit once unpacked."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES or any(_key(i.filename).count("/") > MAX_DEPTH for i in infos):
        raise UnreadableFile(
            "Файл XLSX собран нестандартно (слишком много частей или вложенных папок): "
            "откройте его в Excel или LibreOffice и сохраните заново"
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise UnreadableFile("Файл XLSX защищён паролем: снимите пароль и загрузите его снова")
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        raise UnreadableFile(BROKEN)
    parts: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if _key(info.filename) in parts:
            raise UnreadableFile(BROKEN)
        parts[_key(info.filename)] = info
    if "mimetype" in parts:
        with archive.open(parts["mimetype"]) as stream:
            if b"opendocument" in stream.read(200):
                raise UnreadableFile("Файл ODS (LibreOffice) не поддерживается: сохраните его как XLSX или CSV")
    end = len(content)
    for info in sorted(infos, key=lambda i: i.header_offset, reverse=True):
        header = content[info.header_offset : info.header_offset + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise UnreadableFile(BROKEN)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        if info.header_offset + 30 + name_length + extra_length + info.compress_size > end:
            raise UnreadableFile(BROKEN)  # this part's data runs into the next one's
        end = info.header_offset
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.max_unpacked_bytes:
        raise UnreadableFile(
            f"Файл XLSX распаковывается больше чем в {_number(limits.max_unpacked_bytes // (1024 * 1024))} МБ: "
            "разделите его на части или сохраните как CSV"
        )
    return parts


def _small_xml(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], key: str) -> ElementTree.Element:
    info = parts.get(key)
    if info is None or info.file_size > SMALL_PART:
        raise UnreadableFile(BROKEN)
    try:
        data = archive.read(info)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # no spreadsheet declares entities: no expansion bombs
            raise UnreadableFile(BROKEN)
        return ElementTree.fromstring(data)  # noqa: S314 - a few MB at most, without a DTD
    except (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, ValueError, EOFError):
        raise UnreadableFile(BROKEN) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo]) -> tuple[str, str]:
    """The first worksheet's name and part, found the way calamine finds it (package relationships, the
    workbook's relationships, then the workbook's sheets in order)."""
    document = next(
        (
            e.get("Target", "")
            for e in _small_xml(archive, parts, "_rels/.rels").iter()
            if _local(e.tag) == "Relationship" and e.get("Type", "").endswith("/relationships/officeDocument")
        ),
        "",
    )
    base = document.lstrip("/").rpartition("/")[0] + "/"
    if _key(base) != "xl/":  # where every spreadsheet program puts it; anything else is read by nobody here
        raise UnreadableFile(BROKEN)
    relationships = {
        e.get("Id"): (e.get("Target", ""), e.get("Type", ""))
        for e in _small_xml(archive, parts, _key(f"{base}_rels/workbook.xml.rels")).iter()
        if _local(e.tag) == "Relationship"
    }
    sheets = [e for e in _small_xml(archive, parts, _key(f"{base}workbook.xml")).iter() if _local(e.tag) == "sheet"]
    names = [e.get("name", "") for e in sheets]
    if len(set(names)) != len(names):
        raise UnreadableFile(BROKEN)
    for element in sheets:
        rel_id = next((value for attr, value in element.attrib.items() if _local(attr) == "id"), None)
        target, kind = relationships.get(rel_id, ("", ""))
        if kind.rsplit("/", 1)[-1] != "worksheet":
            continue
        path = target[1:] if target.startswith("/") else base + target
        if _key(path) not in parts:
            raise UnreadableFile(BROKEN)
        return element.get("name", ""), _key(path)
    raise UnreadableFile("В файле XLSX нет листа с таблицей")


@dataclass
class Scan:
    rows: int  # rows holding a cell with content
    cells: int  # the grid calamine will build for the sheet, plus the shared strings it will hold


def _inflate_all(archive: zipfile.ZipFile, parts: dict[str, zipfile.ZipInfo], sheet: str, limits: ImportLimits) -> Scan:
    """Every part inflated once, in pieces, held to its declared size and checksum (a part that lies is refused);
    the sheet's rows and extent and the shared strings are counted on the way."""
    extent = Extent(limits.max_rows + 1)
    strings = 0
    for key, info in parts.items():
        if info.is_dir():
            continue
        read = 0
        first = b""
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    if key == sheet:
                        extent.feed(chunk)
                    elif key == "xl/sharedstrings.xml":
                        first = first or chunk[:65536]
                        strings += len(SHARED_STRING.findall(chunk))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            raise UnreadableFile("Файл XLSX повреждён: части архива не сходятся со своими размерами") from None
        if read != info.file_size:
            raise UnreadableFile("Файл XLSX повреждён: части архива не сходятся со своими размерами")
        if first and (declared := UNIQUE_COUNT.search(first)):
            strings = max(strings, int(declared.group(1)))  # calamine reserves room for this many at once
        if key == sheet and extent.exact_needed:
            with archive.open(info) as stream:
                extent = Extent(limits.max_rows + 1, exact=True)
                while chunk := stream.read(CHUNK):
                    extent.feed(chunk)
    if extent.rows > limits.max_rows + 1:
        raise too_many_rows(limits.max_rows)
    return Scan(extent.rows, extent.area + strings)


SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?si[\s>/]")
UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']\s*([0-9]{1,19})""")
# The way Excel, LibreOffice, Google Sheets and the usual libraries write a cell: `<c r="B12"` first.
PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')
CELL_STARTS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
PREFIXED_CELL = re.compile(rb":c[\s>/]")
TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])([^>]*)>")
REF = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CELL_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")
ROW_REF = re.compile(rb"[0-9]{1,7}")


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


class Extent:
    """Where a sheet's cells with content lie, the way calamine places them: a cell's `r` if it has one, else
    the next column of its row. The quick pass reads only `<c r="…"` references and gives up (asking for the
    exact pass, tag by tag) when the sheet is written any other way. Gives up counting past `cap` rows."""

    def __init__(self, cap: int, *, exact: bool = False) -> None:
        self.cap = cap
        self.exact = exact
        self.exact_needed = False
        self.row_numbers: set[int] = set()
        self.columns: set[int] = set()
        self.min_row = self.min_column = 1 << 40
        self.max_row = self.max_column = -1
        self._carry = b""
        self._started = False
        self._row = self._next_column = 0
        self._letters: dict[bytes, int] = {}

    @property
    def rows(self) -> int:
        return len(self.row_numbers)

    @property
    def area(self) -> int:
        if self.max_row < 0:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_column - self.min_column + 1)

    def feed(self, chunk: bytes) -> None:
        if self.exact_needed or len(self.row_numbers) > self.cap:
            return
        if not self._started:
            self._started = True
            if b"\x00" in chunk[:256]:  # a part in UTF-16: the references could not be read, so neither is it
                raise UnreadableFile(BROKEN)
        data = self._carry + chunk
        end = data.rfind(b">") + 1
        self._carry = data[end:]
        if len(self._carry) > CHUNK:  # a tag longer than a megabyte is no spreadsheet
            raise UnreadableFile(BROKEN)
        view = data[:end]
        if self.exact:
            self._exact(view)
        else:
            self._quick(view)

    def _quick(self, data: bytes) -> None:
        cells = PLAIN_CELL.findall(data)
        if sum(data.count(start) for start in CELL_STARTS) != len(cells) or PREFIXED_CELL.search(data):
            self.exact_needed = True
            return
        rows = {number for _, number, empty in cells if not empty}
        if not rows:
            return
        numbers = {int(n) - 1 for n in rows}
        columns = [self._col(letters) for letters in {letters for letters, _, empty in cells if not empty}]
        self.row_numbers |= numbers
        self.min_row, self.max_row = min(self.min_row, min(numbers)), max(self.max_row, max(numbers))
        self.min_column, self.max_column = min(self.min_column, min(columns)), max(self.max_column, max(columns))

    def _col(self, letters: bytes) -> int:
        if (column := self._letters.get(letters)) is None:
            column = self._letters[letters] = _column(letters)
        return column

    def _exact(self, data: bytes) -> None:
        for found in TAG.finditer(data):
            closing, name, attributes = found.groups()
            own = REF.search(attributes)
            value = (own.group(1) if own.group(1) is not None else own.group(2)).strip() if own else None
            if name == b"row":
                if closing:
                    self._row, self._next_column = self._row + 1, 0
                    continue
                if value is not None:
                    if not ROW_REF.fullmatch(value) or int(value) < 1:
                        raise UnreadableFile(BROKEN)
                    self._row = int(value) - 1
                if attributes.endswith(b"/"):
                    self._row, self._next_column = self._row + 1, 0
                continue
            if closing:
                continue
            if value is not None:
                ref = CELL_REF.fullmatch(value)
                if ref is None or int(ref.group(2)) < 1:
                    raise UnreadableFile(BROKEN)
                row, column = int(ref.group(2)) - 1, self._col(ref.group(1))
            else:
                row, column = self._row, self._next_column
            self._next_column = column + 1
            if attributes.endswith(b"/"):  # an empty cell, styled only: calamine leaves it out
                continue
            self.row_numbers.add(row)
            self.min_row, self.max_row = min(self.min_row, row), max(self.max_row, row)
            self.min_column, self.max_column = min(self.min_column, column), max(self.max_column, column)
            if len(self.row_numbers) > self.cap:
                return
