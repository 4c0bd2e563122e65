"""A final stage's diplomas, issued by a tracked job from the panel's results page: checked before it is queued,
one document per entry however often it runs, its progress and its failure shown, and «Повторить» after a failure."""

from __future__ import annotations

from typing import Any

import httpx

from shared.db import Scope, current_connection, tenant_transaction
from tests.contests.factories_jury import JuryContest, make_jury_contest
from tests.contests.test_sheets import score
from tests.helpers import PASSWORD, Tenant, login_page, make_client, make_tenant, post_form, run_worker

SIGNATORY = {"signatory_name": "Соколова Т. В.", "signatory_position": "Министр"}


async def finished_panel(app: Any, tenant: Tenant, *, final: bool = True, finish: bool = True) -> JuryContest:
    """Four scored entries of the municipal panel; the only stage (so the final one) unless `final` is False."""
    contest = await make_jury_contest(tenant, entries=4, jurors=2, advance=2)
    if final:
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            await current_connection().execute("DELETE FROM contest_stage WHERE id = $1", contest.regional_stage_id)
    for entry in range(4):
        for juror in range(2):
            await score(tenant, contest, juror, entry, [str(9 - entry), str(8 - entry)])
    if finish:
        async with make_client(app) as client:
            await login_page(client, tenant.regional, PASSWORD)
            finished = await post_form(client, f"{base(contest)}/results", {"action": "finish"})
            assert finished.status_code == 303
    return contest


def base(contest: JuryContest) -> str:
    return f"/contests/{contest.contest_id}/panels/{contest.panel_id}"


async def issue(client: httpx.AsyncClient, contest: JuryContest, form: dict[str, str] | None = None) -> None:
    started = await post_form(
        client, f"{base(contest)}/diplomas", SIGNATORY if form is None else form, page=f"{base(contest)}/results"
    )
    assert started.status_code == 303, started.text


async def documents_of(tenant: Tenant, contest: JuryContest) -> list[Any]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return list(
            await current_connection().fetch(
                """SELECT e.id AS entry_id, c.id, c.number, c.kind, c.signatory_name FROM contest_entry e
                   JOIN certificate c ON c.id = e.certificate_id WHERE e.panel_id = $1 ORDER BY e.rank""",
                contest.panel_id,
            )
        )


async def certificates_of(tenant: Tenant, contest: JuryContest) -> int:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        count: int = await current_connection().fetchval(
            "SELECT count(*) FROM certificate WHERE source_kind = 'contest_entry' AND source_id = ANY($1::uuid[])",
            contest.entries,
        )
    return count


async def jobs_of(tenant: Tenant, contest: JuryContest) -> list[Any]:
    async with tenant_transaction(Scope.for_region(tenant.region_id)):
        return list(
            await current_connection().fetch(
                """SELECT id, status, done, total, attempt, error, result::text AS result FROM tracked_job
                   WHERE kind = 'contest_diplomas' AND params->>'panel_id' = $1 ORDER BY created_at""",
                str(contest.panel_id),
            )
        )


async def test_the_page_starts_the_job_once_and_it_issues_one_document_per_entry(app: Any) -> None:
    tenant = await make_tenant("Дипломы")
    contest = await finished_panel(app, tenant)
    results = f"{base(contest)}/results"
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        before = await client.get(results)
        assert "Выдать дипломы и сертификаты участников" in before.text
        assert "Участников без диплома или сертификата: 4" in before.text
        await issue(client, contest)
        await issue(client, contest)  # a double click: the job under way is the answer
        assert len(await jobs_of(tenant, contest)) == 1
        queued = await client.get(results)
        assert "Выдаём дипломы и сертификаты" in queued.text and "hx-get" in queued.text
        assert "Выдать дипломы и сертификаты участников" not in queued.text
        assert await certificates_of(tenant, contest) == 0  # nothing issued in the request

        await run_worker(app, 1)
        [job] = await jobs_of(tenant, contest)
        assert (job["status"], job["done"], job["total"]) == ("done", 4, 4)
        issued = await documents_of(tenant, contest)
        assert [r["kind"] for r in issued] == ["diploma", "diploma", "diploma", "participant"]
        assert {r["signatory_name"] for r in issued} == {"Соколова Т. В."}
        done = await client.get(results)
        assert "Выдано дипломов и сертификатов: 4." in done.text
        assert "Дипломы и сертификаты выданы всем участникам" in done.text
        polled = await client.get(results, headers={"HX-Request": "true"})
        assert polled.status_code == 200 and "<html" not in polled.text and "Выдано дипломов" in polled.text
        assert polled.headers["vary"] == "HX-Request" and "hx-get" not in polled.text

        # Started again, the job runs and issues nothing twice.
        await issue(client, contest)
        await run_worker(app, 1)
        second = (await jobs_of(tenant, contest))[-1]
        assert second["status"] == "done" and '"issued": 0' in second["result"] and '"already": 4' in second["result"]
        assert [r["number"] for r in await documents_of(tenant, contest)] == [r["number"] for r in issued]
        assert await certificates_of(tenant, contest) == 4
        again = await client.get(results)
        assert "Выдано дипломов и сертификатов: 0; выданы раньше: 4." in again.text


async def test_a_running_job_shows_its_progress(app: Any) -> None:
    tenant = await make_tenant("Ход выдачи")
    contest = await finished_panel(app, tenant)
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        await issue(client, contest)
        [job] = await jobs_of(tenant, contest)
        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            await current_connection().execute(
                "UPDATE tracked_job SET status = 'running', done = 2, total = 4 WHERE id = $1", job["id"]
            )
        polled = await client.get(f"{base(contest)}/results", headers={"HX-Request": "true"})
        assert "Выдаём дипломы и сертификаты… 2 из 4" in polled.text and "hx-trigger" in polled.text
        async with tenant_transaction(Scope.for_region(tenant.region_id)):  # the worker never ran it
            await current_connection().execute("UPDATE tracked_job SET status = 'failed' WHERE id = $1", job["id"])


async def test_a_failed_job_says_why_in_russian_and_is_retried_from_the_page(app: Any) -> None:
    tenant = await make_tenant("Повтор дипломов")
    contest = await finished_panel(app, tenant)
    results = f"{base(contest)}/results"
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        refused = await post_form(client, f"{base(contest)}/diplomas/retry", {}, page=results)
        assert refused.status_code == 303
        assert "Повторить можно только выдачу, которая не удалась" in (await client.get(results)).text

        await issue(client, contest)
        async with tenant_transaction(Scope.for_region(tenant.region_id)):  # a later stage added meanwhile
            added = await current_connection().fetchval(
                """INSERT INTO contest_stage (region_id, contest_id, position, level, applications_from,
                       applications_until, review_from, review_until, results_on)
                   SELECT region_id, contest_id, position + 1, 'region', applications_from, applications_until,
                       review_from, review_until, results_on FROM contest_stage WHERE id = $1 RETURNING id""",
                contest.municipal_stage_id,
            )
        await run_worker(app, 1)
        [job] = await jobs_of(tenant, contest)
        assert job["status"] == "failed" and job["error"] == "Дипломы выдаются по итогам заключительного этапа"
        failed = await client.get(results)
        assert "Дипломы выдаются по итогам заключительного этапа" in failed.text and "Повторить" in failed.text
        assert "Выдать дипломы и сертификаты участников" not in failed.text
        assert await certificates_of(tenant, contest) == 0  # nothing half-issued

        async with tenant_transaction(Scope.for_region(tenant.region_id)):
            await current_connection().execute("DELETE FROM contest_stage WHERE id = $1", added)
        retried = await post_form(client, f"{base(contest)}/diplomas/retry", {}, page=results)
        assert retried.status_code == 303
        await run_worker(app, 1)
        [job] = await jobs_of(tenant, contest)
        assert job["status"] == "done" and job["attempt"] == 2 and job["error"] == ""
        assert len(await documents_of(tenant, contest)) == 4 and await certificates_of(tenant, contest) == 4
        assert "Выдано дипломов и сертификатов: 4." in (await client.get(results)).text


async def test_what_the_diplomas_need_is_said_before_any_job(app: Any) -> None:
    tenant = await make_tenant("Проверка дипломов")
    open_panel = await finished_panel(app, tenant, finish=False)
    not_final = await finished_panel(app, tenant, final=False)
    final = await finished_panel(app, tenant)
    async with make_client(app) as client:
        await login_page(client, tenant.regional, PASSWORD)
        for contest, form, message in (
            (open_panel, SIGNATORY, "Документы готовятся после завершения этапа"),
            (not_final, SIGNATORY, "Дипломы выдаются по итогам заключительного этапа"),
            (final, {**SIGNATORY, "signatory_name": " "}, "Укажите, кто подписывает дипломы"),
            (final, {**SIGNATORY, "signatory_position": ""}, "Укажите должность того, кто подписывает дипломы"),
        ):
            await issue(client, contest, form)
            shown = await client.get(f"{base(contest)}/results")
            assert message in shown.text, message
            assert not await jobs_of(tenant, contest)
    async with make_client(app) as juror:  # a juror does not run the panel
        await login_page(juror, final.jurors[0][0], PASSWORD)
        refused = await post_form(juror, f"{base(final)}/diplomas", SIGNATORY, page="/contests/jury")
        assert refused.status_code in (403, 404)
    assert not await jobs_of(tenant, final)
