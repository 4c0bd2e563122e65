"""Russian full-text search against a hand-made library: morphology («наставника» finds «наставник»), the order by
weight (title, then problem and results, then the rest), highlighted fragments with the text escaped, the web-search
syntax, the filters, and only what is published."""

from __future__ import annotations

from typing import Any

from tests.cases.factories import catalogue_form, published, write_case
from tests.helpers import PASSWORD, Tenant, login_api, make_client, make_tenant


async def library(app: Any, tenant: Tenant) -> dict[str, str]:
    """Four published cases and a draft, each word placed in a field of known weight."""
    ids = {
        "title": await published(
            app,
            tenant,
            title="Наставник для молодого учителя",
            problem="Первый год в школе.",
            activities="Посещение уроков.",
            results="Учитель остался в профессии.",
            tags=["адаптация"],
            year=2025,
        ),
        "problem": await published(
            app,
            tenant,
            title="Проектная работа старшеклассников",
            problem="Наставники из числа выпускников помогают девятиклассникам с проектами: "
            "<script>alert(1)</script> «A & B».",
            activities="Еженедельные консультации.",
            results="Восемь проектов защищены.",
            tags=["проекты"],
            year=2026,
        ),
        "rest": await published(
            app,
            tenant,
            title="Чтение вслух",
            problem="Дети мало читают.",
            activities="Старший товарищ-наставник читает с младшими по субботам.",
            results="Сорок книг за год.",
            tags=["чтение", "адаптация"],
            year=2026,
        ),
        "other": await published(
            app,
            tenant,
            title="Шахматный клуб",
            problem="Нет кружка.",
            activities="Турниры.",
            results="Команда района.",
            year=2026,
        ),
    }
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        draft = await write_case(curator, title="Черновик про наставника", form_id=await catalogue_form(curator))
    ids["draft"] = draft["id"]
    return ids


async def test_russian_search_with_morphology_ranking_and_highlight(app: Any) -> None:
    tenant = await make_tenant("поиск кейсов")
    ids = await library(app, tenant)
    async with make_client(app) as reader:
        await login_api(reader, tenant.mentor, PASSWORD)  # a signed-in reader of the region: its library only

        async def found(**params: str) -> list[dict[str, Any]]:
            response = await reader.get("/api/v1/cases", params=params)
            assert response.status_code == 200, response.text
            hits: list[dict[str, Any]] = response.json()
            return hits

        hits = await found(q="наставника")
        assert [h["id"] for h in hits] == [ids["title"], ids["problem"], ids["rest"]]  # A, then B, then C
        assert hits[0]["rank"] > hits[1]["rank"] > hits[2]["rank"]
        fragment = hits[1]["fragment"]
        assert "<mark>Наставники</mark>" in fragment
        assert "<script" not in fragment and "A &amp; B" in fragment  # the text escaped, only our marks are HTML
        assert ids["draft"] not in {h["id"] for h in await found(q="наставник")}

        assert [h["id"] for h in await found(q='"молодого учителя"')] == [ids["title"]]
        assert [h["id"] for h in await found(q="наставник -проектов")] == [ids["title"], ids["rest"]]
        assert [h["id"] for h in await found(q="проекты")] == [ids["problem"]]  # «проектами», «проектов»
        assert {h["id"] for h in await found(tag="адаптация")} == {ids["title"], ids["rest"]}
        assert {h["id"] for h in await found(q="наставник", year="2026")} == {ids["problem"], ids["rest"]}
        assert [h["id"] for h in await found(year="2025")] == [ids["title"]]
        everything = await found()
        assert {h["id"] for h in everything} == {ids["title"], ids["problem"], ids["rest"], ids["other"]}
        form = everything[0]["form"]
        assert form and len(await found(form=form)) == 4 and await found(form="Нет такой формы") == []
        assert len(await found(organization_kind="school")) == 4 and await found(organization_kind="college") == []
        assert len(await found(municipality_id=str(tenant.municipality_id))) == 4
        assert await found(municipality_id=str(tenant.other_municipality_id)) == []
        assert await found(kind="material") == []

        page = await reader.get("/cases", params={"q": "наставника"})
        assert page.status_code == 200 and "Найдено: 3" in page.text
        assert "<mark>Наставники</mark>" in page.text and "<script>alert" not in page.text
        assert "Черновик про наставника" not in page.text
        nothing = await reader.get("/cases", params={"q": "квантовая хромодинамика"})
        assert "Ничего не нашлось" in nothing.text


async def test_anonymous_visitors_search_without_signing_in_and_see_only_published(app: Any) -> None:
    tenant = await make_tenant("поиск без входа")
    word = "Зеленоглазовск"
    public_id = await published(app, tenant, title=f"Практика города {word}")
    async with make_client(app) as curator:
        await login_api(curator, tenant.curator, PASSWORD)
        draft = await write_case(curator, title=f"Черновик города {word}", form_id=await catalogue_form(curator))
    async with make_client(app) as visitor:
        page = await visitor.get("/cases", params={"q": word})
        assert page.status_code == 200 and "Найдено: 1" in page.text and f"/cases/{public_id}" in page.text
        assert f"/cases/{draft['id']}" not in page.text
        hits = (await visitor.get("/api/v1/cases", params={"q": word})).json()
        assert [h["id"] for h in hits] == [public_id] and hits[0]["organization"]
        assert (await visitor.get(f"/cases/{public_id}")).status_code == 200
        assert (await visitor.get(f"/cases/{draft['id']}")).status_code == 404
        assert (await visitor.get(f"/api/v1/cases/{draft['id']}")).status_code == 404
        assert '<a href="/cases">Кейсы</a>' in (await visitor.get("/login")).text
