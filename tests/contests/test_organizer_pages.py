"""The organizer through the pages: a draft contest with a preset nomination, stages and a preset sheet, then
announced; the jury composed from the region's juror accounts with one chair, its progress, and the reminder that
reaches only the members who owe sheets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared import clock
from tests.contests.factories_jury import add_juror, juror_account, make_jury_contest
from tests.helpers import PASSWORD, login_page, make_client, make_tenant, post_form, run_worker


def _day(days: int) -> str:
    return (clock.today() + timedelta(days=days)).strftime("%d.%m.%Y")


async def test_the_region_builds_and_announces_a_contest(app: Any) -> None:
    tenant = await make_tenant("Конкурс страницы")
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        bad = await post_form(client, "/contests/new", {"title": "", "year": "20"})
        assert bad.status_code == 400 and "Назовите конкурс" in bad.text and "Укажите год конкурса" in bad.text
        made = await post_form(client, "/contests/new", {"title": "Наставник года — 2027", "year": "2027"})
        assert made.status_code == 303
        card_url = made.headers["location"]
        card = await client.get(card_url)
        assert card.status_code == 200 and "черновик" in card.text and "Добавьте хотя бы одну номинацию" in card.text

        nomination = await post_form(
            client, f"{card_url}/nominations", {"kind": "mentor_of_year", "use_preset": "on"}, card_url
        )
        assert nomination.status_code == 303
        no_kind = await post_form(client, f"{card_url}/nominations", {"kind": "nonsense"}, card_url)
        assert no_kind.status_code == 400 and "Выберите номинацию" in no_kind.text
        bad_stage = await post_form(
            client, f"{card_url}/stages", {"level": "region", "applications_from": "31.02.2027"}, card_url
        )
        assert bad_stage.status_code == 400 and "Такой даты нет: 31.02.2027" in bad_stage.text
        stage = {
            "level": "region",
            "applications_from": _day(1),
            "applications_until": _day(20),
            "review_from": _day(21),
            "review_until": _day(30),
            "results_on": _day(31),
        }
        assert (await post_form(client, f"{card_url}/stages", stage, card_url)).status_code == 303
        card = await client.get(card_url)
        assert "стаж от 3 лет" in card.text and "Задайте критерии" in card.text
        criteria_link = next(
            line.split('href="')[1].split('"')[0] for line in card.text.splitlines() if "/criteria/" in line
        )
        preset = await post_form(client, criteria_link, {"action": "preset", "preset": "mari_el"})
        assert preset.status_code == 303
        sheet = await client.get(criteria_link)
        assert sheet.text.count("<td>5</td>") == 1 and "<td>6</td>" not in sheet.text  # Марий Эл: five criteria
        bad_criterion = await post_form(client, criteria_link, {"action": "add", "title": "Ещё", "max_points": "abc"})
        assert bad_criterion.status_code == 400 and "Укажите наибольший балл числом" in bad_criterion.text

        announced = await post_form(client, card_url, {"action": "announce"})
        assert announced.status_code == 303
        card = await client.get(card_url)
        assert "объявлен" in card.text and "Объявить конкурс" not in card.text
    async with make_client(app) as client:  # the curator of the region sees it announced, but cannot change it
        await login_page(client, tenant.curator, PASSWORD)
        assert "Наставник года — 2027" in (await client.get("/contests")).text
        assert (await post_form(client, card_url, {"action": "finish"}, "/contests")).status_code == 403
        assert "Добавить номинацию" not in (await client.get(card_url)).text
    async with make_client(app) as client:  # another region's coordinator does not see it at all
        other = await make_tenant("Конкурс чужой")
        await login_page(client, other.regional, PASSWORD)
        assert (await client.get(card_url)).status_code == 404


async def test_the_jury_is_composed_and_reminded(app: Any, smtp: Any) -> None:
    inbox, port = smtp
    tenant = await make_tenant("Жюри состав")
    contest = await make_jury_contest(tenant, entries=2, jurors=1, advance=1)
    first_email, _, _ = contest.jurors[0]
    expert_email, expert_id = await juror_account(tenant, "эксперт")
    jury_url = f"/contests/{contest.contest_id}/panels/{contest.panel_id}/jury"
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        page = await client.get(jury_url)
        assert page.status_code == 200 and "Жюри эксперт" in page.text and "0 из 2" in page.text
        missing = await post_form(client, jury_url, {"user_id": ""})
        assert missing.status_code == 400 and "Выберите члена жюри" in missing.text
        added = await post_form(
            client,
            jury_url,
            {
                "user_id": str(expert_id),
                "position": "доцент",
                "organization_id": str(tenant.organization_id),
                "is_chair": "on",
            },
        )
        assert added.status_code == 303
        page = await client.get(jury_url)
        assert "председатель" in page.text and "доцент" in page.text
        assert "0 из 0" in page.text  # works where both entries come from: judges none of them
        assert (await post_form(client, jury_url, {"user_id": str(expert_id)})).status_code == 400  # seated once
        remind_url = f"/contests/{contest.contest_id}/panels/{contest.panel_id}/remind"
        reminded = await post_form(client, remind_url, {}, jury_url)
        assert reminded.status_code == 303
        assert "Напоминание отправлено: 1 члену жюри" in (await client.get(jury_url)).text
    await run_worker(app, port)
    assert len(inbox.to(first_email)) == 1 and not inbox.to(expert_email)
    text = inbox.to(first_email)[0].get_payload(decode=True).decode()
    assert "ждут ваших оценок: 2 заявки" in text and "/contests/jury" in text
    async with make_client(app) as client:  # a curator does not run the region's panels
        await login_page(client, tenant.curator, PASSWORD)
        assert (await client.get(jury_url)).status_code == 403
    _, municipal_expert = await juror_account(tenant, "региональный")
    async with make_client(app) as client:  # the municipality runs its stage's panel with the region's experts
        await login_page(client, tenant.municipal, PASSWORD)
        page = await client.get(jury_url)
        assert page.status_code == 200 and "Жюри региональный" in page.text
        added = await post_form(client, jury_url, {"user_id": str(municipal_expert), "position": "методист"})
        assert added.status_code == 303 and "методист" in (await client.get(jury_url)).text
    await add_juror(tenant, contest, contest.panel_id, "второй")
