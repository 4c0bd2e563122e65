"""Russian download names: `filename*` per RFC 5987 with an ASCII fallback, read back as a browser would."""

from __future__ import annotations

from datetime import date
from email.message import Message
from urllib.parse import unquote

from shared.downloads import ascii_name, content_disposition, download_name


def parsed(header: str) -> tuple[str, str]:
    """(filename, filename*) as the e-mail parser (RFC 2231, the same encoding as RFC 5987) reads them."""
    message = Message()
    message["Content-Disposition"] = header
    star = header.split("filename*=UTF-8''", 1)[1]
    return str(message.get_param("filename", header="content-disposition")), unquote(star)


def test_a_russian_name_with_its_date() -> None:
    name = download_name("База наставников", "СОШ № 1", date(2026, 12, 1), extension="xlsx")
    assert name == "База наставников СОШ № 1 01.12.2026.xlsx"
    fallback, utf8 = parsed(content_disposition(name))
    assert utf8 == name
    assert fallback == "Baza nastavnikov SOSh N 1 01.12.2026.xlsx"
    assert fallback.isascii()


def test_characters_a_file_system_refuses_are_dropped() -> None:
    name = download_name('Приказ "о/закреплении"', "пар: 5?", None, "", extension=".docx")
    assert name == "Приказ о закреплении пар 5.docx"
    assert download_name(extension="csv") == "файл.csv"


def test_the_header_carries_both_names_and_nothing_that_breaks_it() -> None:
    header = content_disposition('Согласие; "Иванов" 100%.pdf', "inline")
    assert header.startswith('inline; filename="')
    fallback, utf8 = parsed(header)
    assert utf8 == 'Согласие; "Иванов" 100%.pdf'
    assert '"' not in fallback and ";" not in fallback
    assert ascii_name("Ёлкина Мария") == "Elkina Mariia"
