"""The API's validation errors are Russian and name their field, decoder errors included: one translation, in the
kernel, for every route."""

from __future__ import annotations

import enum
import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
import pytest

from shared.api_errors import translate
from tests.helpers import PASSWORD, Tenant, login_api, make_client

# Words a Russian message may still hold: formats, JSON's own literals, and what the client sent.
ALLOWED_LATIN = {"UUID", "ISO", "null", "true", "false", "base64", "JSON", "T10", "blue"}  # blue: the value sent


def russian(text: str) -> bool:
    return re.search("[А-Яа-я]", text) is not None and all(
        word in ALLOWED_LATIN for word in re.findall("[A-Za-z][A-Za-z0-9]+", text)
    )


class Colour(enum.Enum):
    red = "red"


class Sample(msgspec.Struct, forbid_unknown_fields=True):
    kind: Colour
    count: Annotated[int, msgspec.Meta(ge=0)] = 0
    code: Annotated[str, msgspec.Meta(max_length=3)] = ""
    short: Annotated[list[str], msgspec.Meta(min_length=1)] = msgspec.field(default_factory=lambda: ["x"])
    day: date | None = None
    at: datetime | None = None
    ref: uuid.UUID | None = None
    pattern: Annotated[str, msgspec.Meta(pattern="^[0-9]+$")] = "1"
    aware: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


BAD = [
    ({}, "Обязательное поле", "kind"),
    ({"kind": "blue"}, "Недопустимое значение: blue", None),
    ({"kind": "red", "count": -1}, "Ожидается целое число не меньше 0", None),
    ({"kind": "red", "count": "x"}, "Ожидается целое число, получено: строка", None),
    ({"kind": "red", "code": "long"}, "Не длиннее 3 симв.", None),
    ({"kind": "red", "short": []}, "Не меньше 1 элем.", None),
    ({"kind": "red", "day": "вчера"}, "Дата в формате ГГГГ-ММ-ДД", None),
    ({"kind": "red", "day": 5}, "Ожидается дата ГГГГ-ММ-ДД или null, получено: целое число", None),
    ({"kind": "red", "at": "завтра"}, "Дата и время в формате ISO 8601, например 2026-09-01T10:00:00+03:00", None),
    ({"kind": "red", "ref": "nope"}, "Ожидается идентификатор (UUID)", None),
    ({"kind": "red", "pattern": "abc"}, "Неверный формат", None),
    ({"kind": "red", "aware": "2026-09-01T10:00:00"}, "Укажите часовой пояс", None),
    ({"kind": "red", "extra": 1}, "Неизвестное поле", "extra"),
]


@pytest.mark.parametrize(("value", "expected", "field"), BAD)
def test_every_decoder_message_is_translated(value: dict[str, Any], expected: str, field: str | None) -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(value, Sample)
    named, text = translate(str(caught.value))
    assert (named, text) == (field, expected)
    assert russian(text)


def test_litestars_own_messages_are_translated() -> None:
    assert translate("Missing required query parameter 'page' for path /api/v1/people") == (
        "page",
        "Обязательный параметр",
    )
    assert translate("something no one foresaw") == (None, "Недопустимое значение")


async def test_the_api_answers_decoder_errors_in_russian_at_their_fields(app: Any, tenant_a: Tenant) -> None:
    async with make_client(app) as client:
        await login_api(client, tenant_a.curator, PASSWORD)
        created = await client.post(
            "/api/v1/people",
            json={"surname": "Ошибкина", "name": "Ирина", "category": "staff", "roles": ["mentor_candidate"]},
        )
        person_id = created.json()["id"]
        cases: list[tuple[str, str, dict[str, Any], int, dict[str, str]]] = [
            (
                "POST",
                f"/api/v1/people/{person_id}/consents",
                {"json": {"given_on": "2026-09-01"}},
                400,
                {"kind": "Обязательное поле"},
            ),
            (
                "POST",
                "/api/v1/people",
                {"json": {"surname": 5, "name": "Ирина", "category": "staff"}},
                400,
                {"surname": "Ожидается строка, получено: целое число"},
            ),
            (
                "POST",
                "/api/v1/people",
                {"json": {"surname": "Ошибкина", "name": "Ирина", "category": "staff", "roles": ["mentor", 7]}},
                400,
                {"roles.1": "Ожидается строка, получено: целое число"},
            ),
            (
                "POST",
                "/api/v1/people",
                {"json": {"surname": "Ошибкина", "name": "Ирина", "category": "staff", "birth_date": "2011-02-31"}},
                400,
                {"birth_date": "Такой даты нет: 2011-02-31"},  # the kernel's date parser, as in the forms
            ),
            (
                "POST",
                f"/api/v1/people/{person_id}/consents",
                {"json": {"kind": "personal_data", "given_on": 20260901}},
                400,
                {"given_on": "Ожидается строка, получено: целое число"},
            ),
            (
                "POST",
                "/api/v1/people",
                {"content": b'{"surname": "', "headers": {"content-type": "application/json"}},
                400,
                {"body": "Некорректный JSON: данные обрываются"},
            ),
            (
                "POST",
                "/api/v1/people",
                {"content": b"{surname: 1}", "headers": {"content-type": "application/json"}},
                400,
                {"body": "Некорректный JSON (байт 1)"},
            ),
            (
                "PATCH",
                f"/api/v1/people/{person_id}",
                {"json": [1]},
                400,
                {"body": "Ожидается объект, получено: список"},
            ),
            ("GET", "/api/v1/people?page=first", {}, 400, {"page": "Ожидается целое число, получено: строка"}),
            (
                "GET",
                "/api/v1/people/123/consents",
                {},
                404,
                {"person_id": "Ожидается идентификатор (UUID)"},
            ),
        ]
        for method, url, request, status, errors in cases:
            response = await client.request(method, url, **request)
            assert (response.status_code, response.json()["errors"]) == (status, errors), (method, url)
            assert russian(response.json()["detail"]), response.text
        # An unknown id that is a UUID stays a plain 404, whose existence is not revealed.
        unknown = await client.get(f"/api/v1/people/{uuid.uuid4()}")
        assert unknown.status_code == 404 and "errors" not in unknown.json()
    async with make_client(app) as region:
        await login_api(region, tenant_a.regional, PASSWORD)
        response = await region.get("/api/v1/organizations?municipality=первый")
        assert response.json()["errors"] == {"municipality": "Ожидается идентификатор (UUID)"}
