"""Matching for a programme: scores with their reasons, the exact assignment, proposals the curator accepts,
swaps or rejects, and "must not" marks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from services import mentoring, programmes
from services.matching.records import (
    Candidate,
    Exclusion,
    FormOption,
    ProgrammeRecord,
    Proposal,
    RoleModelCode,
    Run,
    Terms,
    Unmatched,
    view,
)
from services.matching.solver import Objective, solve
from services.matching.tables import MatchingChoice, MatchingExclusion, MatchingRun
from services.mentoring import ScoreDetails
from services.registry import is_young_specialist, matching_profiles
from shared.actor import Actor
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import NotFound, ValidationFailed
from shared.i18n import age_on

# Points of each part before its weight; the weights (0–5) are tuned per run on the matching page.
WEIGHTS: dict[str, tuple[str, int]] = {
    "form": ("Форма и категории участников", 1),
    "tags": ("Запросы наставляемого и компетенции наставника (#теги)", 1),
    "choice": ("Выбор после групповой встречи", 2),
    "age": ("Предпочтительный возраст наставляемого", 1),
    "subject": ("Один предмет («опытный предметник – неопытный предметник»)", 1),
    "time": ("Удобное время встреч", 1),
}
# A municipal or regional programme's distance rules: a couple from the same organization first, then from the same
# municipality (a preference: each is a bonus to the score, so a couple further apart costs more). Kept with the
# run's weights and tuned on the same page.
DISTANCE_WEIGHTS: dict[str, tuple[str, int]] = {
    "organization": ("Из одной организации", 2),
    "municipality": ("Из одного муниципалитета", 1),
}
SAME_ORGANIZATION_POINTS, SAME_MUNICIPALITY_POINTS = 15, 10
FORM_POINTS, TAG_POINTS, MAX_TAGS, SUBJECT_POINTS, AGE_POINTS, TIME_POINTS = 10, 10, 3, 15, 10, 10
MUTUAL, MENTOR_CHOSE = 40, 10
NO_PARTICIPATION = "нет согласия на участие в программе наставничества"
TOO_LATE = "до конца программы не набирается трёх месяцев совместной работы"
NO_CONSENT = "нет согласия на обработку персональных данных"
NO_MENTOR = "нет совместимого наставника: форма, категория, отметка «нельзя» или уже в паре этой формы"
NO_PLACE = "все подходящие наставники заняты"


def weight_labels(pooled: bool = False) -> dict[str, tuple[str, int]]:
    """The weights a run takes: a municipal or regional programme's add the distance rules."""
    return {**WEIGHTS, **DISTANCE_WEIGHTS} if pooled else dict(WEIGHTS)


def default_weights(pooled: bool = False) -> dict[str, int]:
    return {key: weight for key, (_, weight) in weight_labels(pooled).items()}


def age_bucket(profile: Candidate, day: date) -> str:
    """The mentor questionnaire's age options: 10–12, 13–15, 16–18 лет, студенты, молодые педагоги."""
    if profile.category == "staff":
        return "молодые педагоги" if is_young_specialist(profile.teaching_experience) else ""
    age = age_on(profile.birth_date, day)
    if age is None:
        return ""
    if age <= 12:
        return "10–12 лет"
    if age <= 15:
        return "13–15 лет"
    return "16–18 лет" if age <= 18 else "студенты"


def _list(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if value else set()


@dataclass
class Couple:
    form: FormOption
    score: int
    parts: list[tuple[str, int]]


def score_couple(
    mentor: Candidate,
    mentee: Candidate,
    forms: list[FormOption],
    weights: dict[str, int],
    choices: dict[tuple[UUID, UUID], int],
    same_subject: bool,
    day: date,
    pooled: bool = False,
) -> Couple | None:
    """None when the couple may not meet (no form of the programme takes both); else the score and its parts."""
    form = next(
        (
            f
            for f in forms
            if mentor.category in f.mentor_categories
            and mentee.category in f.mentee_categories
            and mentee.id not in f.taken
        ),
        None,
    )
    if form is None:
        return None
    parts: list[tuple[str, int]] = [(f"Форма «{form.title}»", FORM_POINTS * weights["form"])]
    shared = sorted(set(mentee.tags) & set(mentor.tags))
    if shared:
        parts.append(
            (f"Общие темы: {' '.join(shared[:MAX_TAGS])}", TAG_POINTS * min(len(shared), MAX_TAGS) * weights["tags"])
        )
    mentee_rank = choices.get((mentee.id, mentor.id))
    mentor_rank = choices.get((mentor.id, mentee.id))
    if mentee_rank and mentor_rank:
        parts.append(("Взаимный выбор после групповой встречи", MUTUAL * weights["choice"]))
    elif mentee_rank:
        parts.append(
            (
                f"Наставляемый выбрал этого наставника ({mentee_rank}-й выбор)",
                (30 - 5 * mentee_rank) * weights["choice"],
            )
        )
    elif mentor_rank:
        parts.append(("Наставник выбрал этого наставляемого", MENTOR_CHOSE * weights["choice"]))
    wanted_ages = _list(mentor.answers.get("mentor_offer", {}).get("mentee_age"))
    bucket = age_bucket(mentee, day)
    if bucket and bucket in wanted_ages:
        parts.append((f"Наставник хочет работать с возрастом «{bucket}»", AGE_POINTS * weights["age"]))
    if same_subject and mentor.subject and mentor.subject.strip().lower() == mentee.subject.strip().lower():
        parts.append((f"Один предмет: {mentor.subject}", SUBJECT_POINTS * weights["subject"]))
    mentee_time = _list(mentee.answers.get("mentee_needs", {}).get("time"))
    mentor_time = _list(mentor.answers.get("mentor_offer", {}).get("time"))
    if mentee_time & mentor_time:
        parts.append((f"Удобное время: {', '.join(sorted(mentee_time & mentor_time))}", TIME_POINTS * weights["time"]))
    if pooled:
        if set(mentor.organizations) & set(mentee.organizations):
            parts.append(("Из одной организации", SAME_ORGANIZATION_POINTS * weights.get("organization", 0)))
        elif set(mentor.municipalities) & set(mentee.municipalities):
            parts.append(("Из одного муниципалитета", SAME_MUNICIPALITY_POINTS * weights.get("municipality", 0)))
    parts = [(label, points) for label, points in parts if points]
    return Couple(form, max(1, sum(points for _, points in parts)), parts)


@dataclass
class Instance:
    mentors: list[Candidate]
    mentees: list[Candidate]
    capacities: list[int]
    couples: dict[tuple[int, int], Couple]
    excluded: list[Unmatched] = field(default_factory=list)  # mentees not considered, and why
    organization_names: dict[UUID, str] = field(default_factory=dict)  # a pooled programme's organizations

    def where(self, person: Candidate) -> str:
        return ", ".join(self.organization_names[o] for o in person.organizations if o in self.organization_names)


async def build(programme: ProgrammeRecord, weights: dict[str, int], day: date | None = None) -> Instance:
    """Consenting mentees without an open pair in some form, registry mentors with places left: of the programme's
    organization, or of every organization of its pool (a municipality's or the region's programme) under the
    same rules, with the distance rules added to the score."""
    day = day or today()
    terms = view(programme, Terms)
    pool = await mentoring.pool(programme)
    mentor_rows, mentee_rows = pool.mentors, pool.mentees
    profiles = {
        person_id: view(profile, Candidate)
        for person_id, profile in (await matching_profiles([p.id for p in mentor_rows + mentee_rows])).items()
    }
    load, taken = await mentoring.open_load(terms.id, list(pool.organizations) if pool.pooled else None)
    forms_all, models = await programmes.catalogue_choices()
    forms = [
        msgspec.structs.replace(option, taken={m for (m, f_id) in taken if f_id == option.id})
        for option in (view(f, FormOption) for f in forms_all)
        if option.id in terms.form_ids
    ]
    chosen_models = {m.code for m in (view(m, RoleModelCode) for m in models) if m.id in terms.role_model_ids}
    same_subject = bool(chosen_models & programmes.SAME_SUBJECT)
    marked = {(e.mentor_id, e.mentee_id) for e in await exclusions(terms.id)}
    marked |= await mentoring.couples(terms.id)  # a couple who already had a pair is never proposed again
    mentors_consenting, mentees_consenting = await mentoring.pool_participating(pool)
    start = max(day, terms.starts_on)
    too_late = terms.max_pair_months < mentoring.MIN_MONTHS or mentoring.earliest_end(start) > terms.ends_on
    choices = {
        (r["chooser_id"], r["chosen_id"]): r["rank"]
        for r in await MatchingChoice.select().where(MatchingChoice.programme_id == terms.id).run()
        if r["response"] != "declined"
    }

    def placed(person_id: UUID, homes: dict[UUID, list[UUID]]) -> dict[str, Any]:
        organizations = homes.get(person_id, [])
        municipalities = list({pool.organizations[o].municipality_id for o in organizations})
        return {"organizations": organizations, "municipalities": municipalities}

    mentors = []
    for row in mentor_rows:
        places = terms.max_mentees_per_mentor - load.get(row.id, 0)
        if row.id in profiles and row.id in mentors_consenting and places > 0:
            mentors.append(
                msgspec.structs.replace(
                    profiles[row.id], full_name=row.full_name, places=places, **placed(row.id, pool.mentor_homes)
                )
            )
    excluded: list[Unmatched] = []
    mentees = []
    for row in mentee_rows:
        if row.id not in profiles:
            excluded.append(Unmatched(str(row.id), row.full_name, NO_CONSENT))
        elif row.id not in mentees_consenting:
            excluded.append(Unmatched(str(row.id), row.full_name, NO_PARTICIPATION))
        elif too_late:
            excluded.append(Unmatched(str(row.id), row.full_name, TOO_LATE))
        elif all(row.id in f.taken for f in forms):
            continue  # already paired in every form of the programme
        else:
            mentees.append(
                msgspec.structs.replace(profiles[row.id], full_name=row.full_name, **placed(row.id, pool.mentee_homes))
            )
    # The sparse graph: a mentee meets only the mentors of a category some open form of theirs takes, so a
    # municipality's run never walks all mentees × all mentors.
    by_category: dict[str, list[int]] = {}
    for j, mentor in enumerate(mentors):
        by_category.setdefault(mentor.category, []).append(j)
    couples = {}
    for i, mentee in enumerate(mentees):
        open_forms = [f for f in forms if mentee.id not in f.taken and mentee.category in f.mentee_categories]
        reachable = sorted({j for f in open_forms for c in f.mentor_categories for j in by_category.get(c, [])})
        for j in reachable:
            mentor = mentors[j]
            if (mentor.id, mentee.id) in marked or mentor.id == mentee.id:
                continue
            if mentor.category == "learner" and not (
                mentor.birth_date and mentee.birth_date and mentor.birth_date < mentee.birth_date
            ):
                continue  # a learner mentor is older than the mentee (by class only when a pair is formed by hand)
            couple = score_couple(mentor, mentee, forms, weights, choices, same_subject, day, pool.pooled)
            if couple is not None:
                couples[(i, j)] = couple
    names = {o.id: o.name for o in pool.organizations.values()} if pool.pooled else {}
    return Instance(mentors, mentees, [m.places for m in mentors], couples, excluded, names)


def clean_weights(raw: dict[str, str], pooled: bool = False) -> dict[str, int]:
    weights = default_weights(pooled)
    for key in weights:
        if key in raw and str(raw[key]).strip() != "":
            try:
                value = int(str(raw[key]))
            except ValueError:
                raise ValidationFailed({f"weight_{key}": "Вес — целое число от 0 до 5"}) from None
            if not 0 <= value <= 5:
                raise ValidationFailed({f"weight_{key}": "Вес — целое число от 0 до 5"})
            weights[key] = value
    if weights["form"] == 0 and not any(weights.values()):
        raise ValidationFailed({"weight_form": "Хотя бы один вес больше нуля"})
    return weights


def _stored(records: list[Proposal] | list[Unmatched]) -> list[dict[str, Any]]:
    stored: list[dict[str, Any]] = msgspec.to_builtins(records)
    return stored


async def run(actor: Actor, programme: ProgrammeRecord, objective: str, weights: dict[str, int]) -> UUID:
    """Solves exactly and keeps the proposals with their reasons, and why each unmatched mentee is left out."""
    terms = view(programme, Terms)
    if terms.organization_id != actor.organization_id:
        raise NotFound()  # an organization's curator runs its own programme; a coordinator, the level's (routes)
    try:
        goal = Objective(objective)
    except ValueError:
        raise ValidationFailed({"objective": "Выберите цель подбора"}) from None
    if not terms.form_ids:
        raise ValidationFailed({"objective": "В программе не выбраны формы наставничества (шаг 8 конструктора)"})
    instance = await build(programme, weights)
    result = solve(len(instance.mentees), instance.capacities, {k: c.score for k, c in instance.couples.items()}, goal)
    proposals = []
    for i, j in sorted(result.pairs.items(), key=lambda item: instance.mentees[item[0]].full_name):
        couple = instance.couples[(i, j)]
        proposals.append(
            Proposal(
                mentee_id=str(instance.mentees[i].id),
                mentee=instance.mentees[i].full_name,
                mentor_id=str(instance.mentors[j].id),
                mentor=instance.mentors[j].full_name,
                form_id=str(couple.form.id),
                form=couple.form.title,
                score=couple.score,
                parts=couple.parts,
                mentee_organization=instance.where(instance.mentees[i]),
                mentor_organization=instance.where(instance.mentors[j]),
            )
        )
    unmatched = list(instance.excluded)
    with_couples = {i for i, _ in instance.couples}
    for i, mentee in enumerate(instance.mentees):
        if i not in result.pairs:
            reason = NO_PLACE if i in with_couples else NO_MENTOR
            unmatched.append(Unmatched(str(mentee.id), mentee.full_name, reason))
    rows = (
        await MatchingRun.insert(
            MatchingRun(
                region_id=actor.region_id,
                organization_id=terms.organization_id,
                municipality_id=terms.municipality_id,
                programme_id=terms.id,
                objective=goal,
                weights=weights,
                proposals=_stored(proposals),
                unmatched=_stored(unmatched),
                created_by=actor.user_id,
                created_at=now(),
            )
        )
        .returning(MatchingRun.id)
        .run()
    )
    run_id: UUID = rows[0]["id"]
    return run_id


async def latest_run(programme_id: UUID) -> Run | None:
    row = (
        await MatchingRun.select()
        .where(MatchingRun.programme_id == programme_id)
        .order_by(MatchingRun.created_at, ascending=False)
        .first()
        .run()
    )
    return view(row, Run) if row is not None else None


async def _run(programme_id: UUID, run_id: UUID) -> Run:
    latest = await latest_run(programme_id)
    if latest is None or latest.id != run_id:
        raise NotFound()  # only the latest run's proposals are acted on
    return latest


async def _save(run: Run) -> None:
    await MatchingRun.update({MatchingRun.proposals: _stored(run.proposals)}).where(MatchingRun.id == run.id).run()


def _proposal(run: Run, mentee_id: str) -> Proposal:
    found = next((p for p in run.proposals if p.mentee_id == mentee_id), None)
    if found is None:
        raise NotFound()
    if found.status != "proposed":
        raise ValidationFailed({"status": "Это предложение уже рассмотрено"})
    return found


async def accept(
    actor: Actor, programme: ProgrammeRecord, run_id: UUID, mentee_id: str, starts_on: date | None = None
) -> UUID:
    """The proposal becomes a draft pair; every rule is checked again as for a pair formed by hand."""
    terms = view(programme, Terms)
    run = await _run(terms.id, run_id)
    proposal = _proposal(run, mentee_id)
    start = max(starts_on or today(), terms.starts_on)
    form = mentoring.PairForm(
        mentor_id=proposal.mentor_id,
        mentee_ids=[proposal.mentee_id],
        form_id=proposal.form_id,
        starts_on=start.isoformat(),
    )
    details = ScoreDetails(parts=proposal.parts, run_id=str(run_id))
    pair_id = await mentoring.create_pair(actor, programme, form, proposal.score, details)
    proposal.status, proposal.pair_id = "accepted", str(pair_id)
    await _save(run)
    return pair_id


async def reject(programme: ProgrammeRecord, run_id: UUID, mentee_id: str) -> None:
    run = await _run(view(programme, Terms).id, run_id)
    proposal = _proposal(run, mentee_id)
    proposal.status = "rejected"
    run.unmatched.append(Unmatched(mentee_id, proposal.mentee, "предложение отклонено куратором"))
    await (
        MatchingRun.update(
            {
                MatchingRun.proposals: _stored(run.proposals),
                MatchingRun.unmatched: _stored(run.unmatched),
            }
        )
        .where(MatchingRun.id == run.id)
        .run()
    )


async def swap(programme: ProgrammeRecord, run_id: UUID, mentee_id: str, other_mentee_id: str) -> None:
    """Exchange the mentors of two proposals; refused unless both new couples may meet."""
    run = await _run(view(programme, Terms).id, run_id)
    first, second = _proposal(run, mentee_id), _proposal(run, other_mentee_id)
    instance = await build(programme, {k: int(v) for k, v in run.weights.items()})
    mentees = {str(m.id): i for i, m in enumerate(instance.mentees)}
    mentors = {str(m.id): j for j, m in enumerate(instance.mentors)}
    updated = []
    for proposal, mentor_id, mentor_name, where in (
        (first, second.mentor_id, second.mentor, second.mentor_organization),
        (second, first.mentor_id, first.mentor, first.mentor_organization),
    ):
        couple = instance.couples.get((mentees.get(proposal.mentee_id, -1), mentors.get(mentor_id, -1)))
        if couple is None:
            raise ValidationFailed({"swap": f"{proposal.mentee} и {mentor_name} не могут составить пару"})
        updated.append((proposal, mentor_id, mentor_name, where, couple))
    for proposal, mentor_id, mentor_name, where, couple in updated:
        proposal.mentor_id, proposal.mentor, proposal.mentor_organization = mentor_id, mentor_name, where
        proposal.form_id, proposal.form = str(couple.form.id), couple.form.title
        proposal.score, proposal.parts = couple.score, couple.parts
    await _save(run)


async def exclusions(programme_id: UUID) -> list[Exclusion]:
    rows = await MatchingExclusion.select().where(MatchingExclusion.programme_id == programme_id).run()
    return [view(r, Exclusion) for r in rows]


async def exclude(actor: Actor, programme: ProgrammeRecord, mentor_id: str, mentee_id: str) -> None:
    """The curator's "must not": this mentor and this mentee are never proposed together."""
    terms = view(programme, Terms)
    mentors, mentees = await mentoring.eligible(programme)
    mentor = next((m for m in mentors if str(m.id) == mentor_id), None)
    mentee = next((m for m in mentees if str(m.id) == mentee_id), None)
    if mentor is None or mentee is None:
        raise ValidationFailed({"mentor_id": "Выберите наставника из реестра и наставляемого из базы"})
    await current_connection().execute(
        """INSERT INTO matching_exclusion
               (region_id, organization_id, municipality_id, programme_id, mentor_id, mentee_id, created_by)
           VALUES ($1, $2, $7, $3, $4, $5, $6) ON CONFLICT DO NOTHING""",
        actor.region_id,
        terms.organization_id,
        terms.id,
        mentor.id,
        mentee.id,
        actor.user_id,
        terms.municipality_id,
    )
