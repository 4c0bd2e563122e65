"""Decoder errors in Russian, each at its field: what msgspec and Litestar say of a body, a query or a path.

The API's clients are schools' and regions' own systems; their people read these messages, so «Object missing required
field `kind`» becomes {"kind": "Обязательное поле"}. The web kernel (shared/web.py) calls this for every such error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from litestar import Request

TYPES = {
    "str": "строка",
    "int": "целое число",
    "float": "число",
    "decimal": "число",
    "bool": "true или false",
    "null": "null",
    "array": "список",
    "object": "объект",
    "date": "дата ГГГГ-ММ-ДД",
    "datetime": "дата и время ISO 8601",
    "time": "время ЧЧ:ММ",
    "uuid": "идентификатор (UUID)",
    "bytes": "строка base64",
    "timedelta": "длительность ISO 8601",
}
COMPARISONS = {">=": "не меньше", "<=": "не больше", ">": "больше", "<": "меньше"}
FIXED = {
    "Invalid RFC3339 encoded date": "Дата в формате ГГГГ-ММ-ДД",
    "Invalid RFC3339 encoded datetime": "Дата и время в формате ISO 8601, например 2026-09-01T10:00:00+03:00",
    "Invalid RFC3339 encoded time": "Время в формате ЧЧ:ММ",
    "Invalid UUID": "Ожидается идентификатор (UUID)",
    "Invalid base64 encoded string": "Ожидается строка base64",
    "Invalid decimal string": "Ожидается число",
    "Invalid ISO8601 duration": "Ожидается длительность ISO 8601",
    "Integer value out of range": "Число вне допустимого диапазона",
    "Number out of range": "Число вне допустимого диапазона",
}
UNKNOWN = "Недопустимое значение"


def _type(name: str) -> str:
    return " или ".join(TYPES.get(part.strip(), part.strip()) for part in name.split("|"))


def _length(kind: str, comparison: str, number: str) -> str:
    if kind == "str":
        return f"{'Не короче' if comparison == '>=' else 'Не длиннее'} {number} симв."
    return f"{'Не меньше' if comparison == '>=' else 'Не больше'} {number} элем."


def translate(message: str) -> tuple[str | None, str]:
    """A decoder message in Russian, and the field it names itself (a missing or unknown one), if any."""
    message = message.split(" - at ", 1)[0].strip()
    if found := re.fullmatch(r"Object missing required field `(.+)`", message):
        return found.group(1), "Обязательное поле"
    if found := re.fullmatch(r"Object contains unknown field `(.+)`", message):
        return found.group(1), "Неизвестное поле"
    if message in FIXED:
        return None, FIXED[message]
    if found := re.fullmatch(r"Expected `(.+?)`, got `(.+?)`", message):
        return None, f"Ожидается {_type(found.group(1))}, получено: {_type(found.group(2))}"
    if found := re.fullmatch(r"Expected `(\w+)` of length (>=|<=) (\d+)", message):
        return None, _length(*found.groups())
    if found := re.fullmatch(r"Expected `array` of (?:at least |at most )?length .*", message):
        return None, "Неверное число элементов списка"
    if found := re.fullmatch(r"Expected `(\w+)` (>=|<=|>|<) (\S+)", message):
        return None, f"Ожидается {_type(found.group(1))} {COMPARISONS[found.group(2)]} {found.group(3)}"
    if found := re.fullmatch(r"Expected `int` that's a multiple of (\d+)", message):
        return None, f"Ожидается число, кратное {found.group(1)}"
    if re.fullmatch(r"Expected `str` matching regex .*", message):
        return None, "Неверный формат"
    if re.fullmatch(r"Expected `\w+` with a timezone component", message):
        return None, "Укажите часовой пояс"
    if re.fullmatch(r"Expected `\w+` with no timezone component", message):
        return None, "Без часового пояса"
    if found := re.fullmatch(r"Invalid (?:enum )?value (.+)", message):
        return None, f"{UNKNOWN}: {found.group(1).strip(chr(39))}"
    if found := re.fullmatch(r"Missing required (\w+) parameter '([^']+)'.*", message):
        return found.group(2), "Обязательный параметр"
    return None, UNKNOWN


def _aliases(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Handler arguments named differently in the query (`page_number` is `?page=`)."""
    aliases = {}
    for name, parameter in request.route_handler.parsed_fn_signature.parameters.items():
        alias = getattr(parameter.kwarg_definition, "name", None)
        if alias and alias != name:
            aliases[name] = alias
    return aliases


def field_errors(request: Request[Any, Any, Any], items: Iterable[Any], detail: str = "") -> dict[str, str]:
    """Litestar's list of {key, message, source} (or its bare detail) as {field: Russian message}."""
    errors: dict[str, str] = {}
    aliases = _aliases(request)
    messages = [item for item in items if isinstance(item, dict)] or ([{"message": detail}] if detail else [])
    for item in messages:
        key = str(item.get("key") or "")
        key = key.removeprefix("data").lstrip(".")
        key = re.sub(r"\[(\d+)\]", r".\1", key)
        named, text = translate(str(item.get("message", "")))
        if named:
            key = f"{key}.{named}" if key else named
        key = aliases.get(key, key) or "body"
        errors.setdefault(key, text)
    return errors or {"body": UNKNOWN}
