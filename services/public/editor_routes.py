"""The curator's editor of the organization's public page: the address and introduction, what it shows,
publication, partners, announcements, documents, the mentors' and the curators' portfolios, and a preview. Thin:
the rules live in sites.py and content.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

import tenants
from services import programmes, registry
from services.public import content, showcase, sites
from services.public.content import PartnerForm, PostForm, ProfileForm
from services.public.sites import INDICATORS, SiteForm, SiteRecord
from services.public.tables import PARTNER_LABELS
from shared.actor import Actor
from shared.errors import NotFound, ValidationFailed
from shared.pages import flash, flashed, form_into, page, see_other
from shared.uploads import UploadKind, read_upload, upload
from tenants import Principal, Role, allow

EDITORS = (Role.curator,)
DOCUMENT_UPLOAD = upload(UploadKind.document, "file", "Документ")
EDITOR = "/public-page"


async def _site(principal: Principal, actor: Actor) -> SiteRecord:
    organization_id = principal.scope.organization_id
    if organization_id is None:
        raise NotFound()
    organization = await tenants.get_organization(organization_id)
    return await sites.ensure_site(actor, organization_id, organization.short_name or organization.name)


async def _people(site: SiteRecord) -> list[registry.PersonBrief]:
    """The mentors of the approved registry, whose portfolios the page may show."""
    programme = await programmes.current_programme(programmes.Owner(organization_id=site.organization_id))
    order = await content.registry_order(programme)
    if order is None:
        return []
    listed = content.listed_people(order)
    return sorted((await registry.people_brief(listed)).values(), key=lambda b: b.sort_key)


async def _curators(site: SiteRecord) -> list[registry.PersonBrief]:
    """The organization's curators (the base's people holding the role), whose portfolios the page may show."""
    curators = await registry.people_brief(await registry.organization_curators(site.organization_id))
    return sorted((b for b in curators.values() if b.category != registry.Category.learner), key=lambda b: b.sort_key)


async def _editor(site: SiteRecord, errors: dict[str, str], status: int = 200, **forms: Any) -> Template:
    people = await _people(site)
    curators = await _curators(site)
    owner = programmes.Owner(organization_id=site.organization_id)
    published_orders = {d.order_id for d in await content.documents_of(site.organization_id)}
    orders = [
        o
        for o in await programmes.list_orders(owner)
        if o.registered and o.kind in content.PUBLIC_ORDER_KINDS and o.id not in published_orders
    ]
    return page(
        "public/editor.html",
        status,
        site=site,
        errors=errors,
        site_form=forms.get("site_form")
        or SiteForm(slug=site.slug, intro=site.intro, frame_origin=site.frame_origin, indicators=site.indicators),
        partner_form=forms.get("partner_form") or PartnerForm(),
        indicators=INDICATORS,
        partner_labels=PARTNER_LABELS,
        partners=await content.partners_of(site.organization_id),
        posts=await content.posts_of(site.organization_id, published_only=False),
        documents=await content.documents_of(site.organization_id),
        orders=orders,
        people=people,
        curators=curators,
        consented=await registry.publication_consented([p.id for p in [*people, *curators]]),
        profiles=await content.profiles_of(site.organization_id),
    )


@get(EDITOR, guards=[allow(*EDITORS)])
async def editor_page(principal: NamedDependency[Principal], actor: NamedDependency[Actor]) -> Template:
    return await _editor(await _site(principal, actor), {})


@post(EDITOR, guards=[allow(*EDITORS)])
async def editor_save(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    site = await _site(principal, actor)
    posted = await request.form()
    form = SiteForm(
        slug=str(posted.get("slug", "")),
        intro=str(posted.get("intro", "")),
        frame_origin=str(posted.get("frame_origin", "")),
        indicators=[str(v) for v in posted.getall("indicators")] if "indicators" in posted else [],
    )
    try:
        await sites.save_site(actor, site, form)
    except ValidationFailed as exc:
        return await _editor(site, exc.errors, 400, site_form=form)
    flash(request, "Сохранено", category="success")
    return see_other(EDITOR)


@post(f"{EDITOR}/publish", guards=[allow(*EDITORS)])
async def editor_publish(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Redirect:
    site = await _site(principal, actor)
    published = str((await request.form()).get("action", "")) == "publish"
    await sites.set_published(actor, site, published)
    flash(request, "Страница опубликована" if published else "Страница снята с публикации", category="success")
    return see_other(EDITOR)


@get(f"{EDITOR}/preview", guards=[allow(*EDITORS, Role.head)])
async def editor_preview(principal: NamedDependency[Principal], actor: NamedDependency[Actor]) -> Template:
    """The page read in the organization's own scope: what the public will see once it is published."""
    site = await _site(principal, actor) if principal.role == Role.curator else await _existing(principal)
    return page(
        "public/organization.html",
        page=await showcase.organization_page(site),
        partner_labels=PARTNER_LABELS,
        preview=True,
    )


async def _existing(principal: Principal) -> SiteRecord:
    site = await sites.get_site(principal.scope.organization_id) if principal.scope.organization_id else None
    if site is None:
        raise NotFound()
    return site


@post(f"{EDITOR}/partners", guards=[allow(*EDITORS)])
async def partner_add(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    site = await _site(principal, actor)
    form = await form_into(request, PartnerForm)
    try:
        await content.add_partner(actor, site, form)
    except ValidationFailed as exc:
        return await _editor(site, exc.errors, 400, partner_form=form)
    flash(request, "Партнёр добавлен", category="success")
    return see_other(f"{EDITOR}#partners")


@post(f"{EDITOR}/partners/{{partner_id:uuid}}/remove", guards=[allow(*EDITORS)])
async def partner_remove(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    partner_id: FromPath[UUID],
) -> Redirect:
    site = await _site(principal, actor)
    await content.remove_partner(actor, site, partner_id)
    flash(request, "Партнёр удалён", category="success")
    return see_other(f"{EDITOR}#partners")


def _post_form(post: content.PostRecord | None) -> PostForm:
    if post is None:
        return PostForm()
    return PostForm(
        title=post.title,
        body=post.body,
        event_on=f"{post.event_on:%d.%m.%Y}" if post.event_on else "",
        place=post.place,
    )


@get(f"{EDITOR}/posts/new", guards=[allow(*EDITORS)])
async def post_new(principal: NamedDependency[Principal], actor: NamedDependency[Actor]) -> Template:
    await _site(principal, actor)
    return page("public/post.html", post=None, form=PostForm(), errors={})


@post(f"{EDITOR}/posts/new", guards=[allow(*EDITORS)])
async def post_create(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    site = await _site(principal, actor)
    form = await form_into(request, PostForm)
    publish = str((await request.form()).get("action", "")) == "publish"
    try:
        await content.add_post(actor, site, form, publish)
    except ValidationFailed as exc:
        return page("public/post.html", 400, post=None, form=form, errors=exc.errors)
    flash(request, "Объявление опубликовано" if publish else "Черновик сохранён", category="success")
    return see_other(f"{EDITOR}#posts")


@get(f"{EDITOR}/posts/{{post_id:uuid}}", guards=[allow(*EDITORS)])
async def post_page(
    principal: NamedDependency[Principal], actor: NamedDependency[Actor], post_id: FromPath[UUID]
) -> Template:
    site = await _site(principal, actor)
    found = await content.get_post(site.organization_id, post_id)
    return page("public/post.html", post=found, form=_post_form(found), errors={})


@post(f"{EDITOR}/posts/{{post_id:uuid}}", guards=[allow(*EDITORS)])
async def post_save(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    post_id: FromPath[UUID],
) -> Template | Redirect:
    site = await _site(principal, actor)
    found = await content.get_post(site.organization_id, post_id)
    form = await form_into(request, PostForm)
    action = str((await request.form()).get("action", ""))
    if action == "remove":
        await content.remove_post(actor, site, post_id)
        flash(request, "Объявление удалено", category="success")
        return see_other(f"{EDITOR}#posts")
    try:
        await content.update_post(actor, site, post_id, form, publish=action == "publish")
    except ValidationFailed as exc:
        return page("public/post.html", 400, post=found, form=form, errors=exc.errors)
    flash(request, "Опубликовано" if action == "publish" else "Сохранено как черновик", category="success")
    return see_other(f"{EDITOR}#posts")


@post(f"{EDITOR}/documents", guards=[allow(*EDITORS)], opt=DOCUMENT_UPLOAD)
async def document_add(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    site = await _site(principal, actor)
    try:
        data, filename = await read_upload(request) or (b"", "")
        title = str((await request.form()).get("title", ""))
        await content.add_file(actor, site, title, data or None, filename)
    except ValidationFailed as exc:
        return await _editor(site, exc.errors, 400)
    flash(request, "Документ добавлен", category="success")
    return see_other(f"{EDITOR}#documents")


@post(f"{EDITOR}/documents/order", guards=[allow(*EDITORS)])
async def document_order(
    request: Request[Any, Any, Any], principal: NamedDependency[Principal], actor: NamedDependency[Actor]
) -> Template | Redirect:
    site = await _site(principal, actor)
    try:
        order_id = UUID(str((await request.form()).get("order_id", "")))
    except ValueError:
        return await _editor(site, {"order_id": "Выберите приказ"}, 400)
    try:
        await content.add_order(actor, site, order_id)
    except ValidationFailed as exc:
        return await _editor(site, exc.errors, 400)
    flash(request, "Приказ опубликован", category="success")
    return see_other(f"{EDITOR}#documents")


@post(f"{EDITOR}/documents/{{document_id:uuid}}/remove", guards=[allow(*EDITORS)])
async def document_remove(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    document_id: FromPath[UUID],
) -> Redirect:
    site = await _site(principal, actor)
    await content.remove_document(actor, site, document_id)
    flash(request, "Документ снят с публикации", category="success")
    return see_other(f"{EDITOR}#documents")


@post(f"{EDITOR}/profiles/{{person_id:uuid}}", guards=[allow(*EDITORS)])
async def profile_save(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    actor: NamedDependency[Actor],
    person_id: FromPath[UUID],
) -> Redirect:
    site = await _site(principal, actor)
    curator = person_id in {p.id for p in await _curators(site)}
    if not curator and person_id not in {p.id for p in await _people(site)}:
        raise NotFound()
    with flashed(request, "Портфолио сохранено"):
        await content.save_profile(actor, site, person_id, await form_into(request, ProfileForm))
    return see_other(f"{EDITOR}#curators" if curator else f"{EDITOR}#mentors")


PAGES: list[Any] = [
    editor_page,
    editor_save,
    editor_publish,
    editor_preview,
    partner_add,
    partner_remove,
    post_new,
    post_create,
    post_page,
    post_save,
    document_add,
    document_order,
    document_remove,
    profile_save,
]
