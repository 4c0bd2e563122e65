"""Import files an attacker or a careless program makes, built in the test (nothing large is committed), and a probe
that reads them in a child process the way the worker does and reports what it said and its peak memory.

    python -m tests.registry.hostile_files  → one JSON line: {"results": {name: message}, "peak_mb": …}
"""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
    '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER = ["Фамилия", "Имя", "Дата рождения", "Категория"]
PUPIL = ["Иванов", "Иван", "12.04.2011", "обучающийся"]
MB = 1024 * 1024


def cell(value: str, ref: str = "", prefix: str = "") -> str:
    """An inline-string cell, as many programs write them; `ref` empty leaves its position to its order."""
    at = f' r="{ref}"' if ref else ""
    return f'<{prefix}c{at} t="inlineStr"><{prefix}is><{prefix}t>{escape(value)}</{prefix}t></{prefix}is></{prefix}c>'


def column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def row(number: int, values: list[str], *, refs: bool = True, prefix: str = "") -> str:
    cells = "".join(cell(v, f"{column(i)}{number}" if refs else "", prefix) for i, v in enumerate(values))
    at = f' r="{number}"' if refs else ""
    return f"<{prefix}row{at}>{cells}</{prefix}row>"


def xlsx(rows: Iterable[str | bytes], *, prefix: str = "", level: int = 6) -> bytes:
    """A minimal workbook whose one sheet is `rows` (XML, streamed into the archive piece by piece)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        namespace = f"xmlns:{prefix[:-1]}" if prefix else "xmlns"
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head = f'<?xml version="1.0" encoding="UTF-8"?><{prefix}worksheet {namespace}="{MAIN}">'
            sheet.write(f"{head}<{prefix}sheetData>".encode())
            for piece in rows:
                sheet.write(piece.encode() if isinstance(piece, str) else piece)
            sheet.write(f"</{prefix}sheetData></{prefix}worksheet>".encode())
    return buffer.getvalue()


def pupils(count: int) -> Iterator[str]:
    yield row(1, HEADER)
    for n in range(2, count + 2):
        yield row(n, [f"Иванов{n}", "Иван", "12.04.2011", "обучающийся"])


def compressed_bomb(unpacked: int) -> bytes:
    """A few hundred kilobytes that expand past `unpacked`: one row repeated, without positions."""
    block = row(0, PUPIL, refs=False).encode() * (MB // 100)

    def pieces() -> Iterator[str | bytes]:
        yield row(1, HEADER)
        for _ in range(unpacked // len(block) + 1):
            yield block

    return xlsx(pieces(), level=9)


def row_bomb(rows: int) -> bytes:
    """Millions of identical short rows that, compressed, look like a small file and unpack within the limit."""
    block = b"<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>" * 10_000

    def pieces() -> Iterator[str | bytes]:
        yield row(1, HEADER)
        for _ in range(rows // 10_000):
            yield block

    return xlsx(pieces())


def far_cell(*, positioned: bool = True) -> bytes:
    """A kilobyte whose far cells would make calamine allocate a grid of 17 billion cells (and abort): one by its
    reference, or (unpositioned) the last column by following a styled empty cell and the last row by its row."""
    if positioned:
        far = ['<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']
    else:
        far = ['<row r="3"><c r="XFC3" s="1"/><c><v>1</v></c></row>', '<row r="1048576"><c><v>1</v></c></row>']
    return xlsx([row(1, HEADER, refs=positioned), row(2, PUPIL, refs=positioned), *far])


def huge_shared_strings_count() -> bytes:
    """A shared-strings part announcing a trillion strings, for which calamine would reserve room at once."""
    small = xlsx(pupils(2))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        out.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="1" uniqueCount="1000000000000"><si><t>x</t></si></sst>',
        )
    return buffer.getvalue()


def lying_sizes(content: bytes, part: str, declared: int) -> bytes:
    """The archive's directory and the part's local header say `declared` bytes; the data inflates to more."""
    data = bytearray(content)
    name = part.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", data, central + 24, declared)  # uncompressed size
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _local_record(name: bytes, payload: bytes, crc: int, size: int, method: int) -> bytes:
    header = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(payload), size, len(name), 0)
    return header + name + payload


def overlapping(content: bytes) -> bytes:
    """The workbook plus a stored part whose data quotes a whole second part (header and data): both read well
    alone, and the directory points into the first for the second, as a non-recursive zip bomb does."""
    inner_data = b"<x/>" * 1000
    packed = zlib.compressobj(6, zlib.DEFLATED, -15)
    inner_payload = packed.compress(inner_data) + packed.flush()
    inner_name = b"xl/media/inner.xml"
    inner = _local_record(inner_name, inner_payload, zlib.crc32(inner_data), len(inner_data), zipfile.ZIP_DEFLATED)
    entries: list[tuple[bytes, bytes, int, int, int]] = []  # name, payload, crc, size, method
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        for info in source.infolist():
            data = source.read(info)
            entries.append((info.filename.encode(), data, zlib.crc32(data), len(data), zipfile.ZIP_STORED))
    entries.append((b"xl/media/outer.bin", inner, zlib.crc32(inner), len(inner), zipfile.ZIP_STORED))
    out = bytearray()
    central = bytearray()
    for name, payload, crc, size, method in entries:
        offset = len(out)
        out += _local_record(name, payload, crc, size, method)
        central += struct.pack(
            "<4s6H3I5H2I",
            b"PK\x01\x02",
            20,
            20,
            0,
            method,
            0,
            0,
            crc,
            len(payload),
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
        if name == b"xl/media/outer.bin":
            quoted = offset + 30 + len(name)  # where the quoted part's header sits, inside the outer part's data
            central += struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0,
                zipfile.ZIP_DEFLATED,
                0,
                0,
                zlib.crc32(inner_data),
                len(inner_payload),
                len(inner_data),
                len(inner_name),
                0,
                0,
                0,
                0,
                0,
                quoted,
            )
            central += inner_name
    count = len(entries) + 1
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + end)


def probe() -> None:
    """Reads each file as the worker would (its modules loaded, the default limits) and reports the outcome."""
    from app import worker  # noqa: F401 - the worker's own footprint is part of what is measured
    from services.registry.importer import ImportLimits, UnreadableFile, prepare, read_table

    limits = ImportLimits(max_rows=100_000, max_unpacked_bytes=200 * MB)
    results: dict[str, dict[str, object]] = {}
    files = {
        "row_bomb": lambda: row_bomb(2_000_000),
        "far_cell": far_cell,
        "far_cell_unpositioned": lambda: far_cell(positioned=False),
        "shared_strings": huge_shared_strings_count,
        "accepted": lambda: xlsx(pupils(int(os.environ.get("PROBE_ROWS", "20000")))),
    }
    for name, build in files.items():
        content = build()
        started = time.perf_counter()
        try:
            report = prepare(read_table(content, limits)).report
            outcome = f"valid {report.valid}" if report.ok else report.errors[0].message
        except UnreadableFile as exc:
            outcome = str(exc)
        results[name] = {"message": outcome, "size": len(content), "seconds": time.perf_counter() - started}
        del content
    sys.stdout.write(json.dumps({"results": results, "peak_mb": peak_mb()}, ensure_ascii=False) + "\n")


def peak_mb() -> float:
    """This process's peak resident memory. getrusage's ru_maxrss survives exec on Linux, so a child started
    from a large test process would report its parent's size; the kernel's VmHWM starts afresh with the exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    probe()
