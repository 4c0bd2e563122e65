"""Choices: whom a participant chose after the group meeting, and the second mode of matching, where a mentee
ranks up to five mentors who still have places, each mentor accepts or declines, and the curator confirms."""

from __future__ import annotations

from uuid import UUID

from services import mentoring, programmes
from services.matching.records import AvailableMentor, FormOption, ProgrammeRecord, Ranking, Terms, view
from services.matching.tables import MatchingChoice
from services.mentoring import ScoreDetails
from shared.actor import Actor
from shared.clock import now, today
from shared.db import current_connection
from shared.errors import NotFound, ValidationFailed


async def record_choices(actor: Actor, programme: ProgrammeRecord, chooser_id: str, chosen_ids: list[str]) -> None:
    """Who a person chose, in order (up to five): a mentee's mentors or a mentor's mentees."""
    terms = view(programme, Terms)
    mentors, mentees = await mentoring.eligible(programme)
    people = {str(p.id): p for p in mentors + mentees}
    if chooser_id not in people:
        raise ValidationFailed({"chooser_id": "Выберите участника из баз организации"})
    if not people[chooser_id].consented:
        raise ValidationFailed({"chooser_id": "Нет действующего согласия на обработку персональных данных"})
    chosen = [c for c in dict.fromkeys(chosen_ids) if c]
    if len(chosen) > 5:
        raise ValidationFailed({"chosen_ids": "Не больше пяти вариантов"})
    chooser_is_mentor = any(str(m.id) == chooser_id for m in mentors)
    other_side = {str(p.id) for p in (mentees if chooser_is_mentor else mentors)}
    if any(c not in other_side for c in chosen):
        raise ValidationFailed({"chosen_ids": "Выбирают участника другой стороны: наставляемый — наставника"})
    if any(not people[c].consented for c in chosen):
        raise ValidationFailed({"chosen_ids": "У выбранного участника нет действующего согласия"})
    await (
        MatchingChoice.delete()
        .where((MatchingChoice.programme_id == terms.id) & (MatchingChoice.chooser_id == UUID(chooser_id)))
        .run()
    )
    for rank, chosen_id in enumerate(chosen, start=1):
        await MatchingChoice.insert(
            MatchingChoice(
                region_id=actor.region_id,
                organization_id=terms.organization_id,
                municipality_id=terms.municipality_id,
                programme_id=terms.id,
                chooser_id=UUID(chooser_id),
                chosen_id=UUID(chosen_id),
                rank=rank,
                response="pending",
                created_at=now(),
            )
        ).run()


async def rank_mentors(actor: Actor, programme: ProgrammeRecord, mentee_id: UUID, chosen_ids: list[str]) -> None:
    """A mentee's own ranking from the cabinet: only mentors who still have places."""
    free = {str(m.id) for m in await available_mentors(programme)}
    if any(c not in free for c in chosen_ids):
        raise ValidationFailed({"chosen_ids": "У этого наставника больше нет свободных мест"})
    await record_choices(actor, programme, str(mentee_id), chosen_ids)


async def available_mentors(programme: ProgrammeRecord) -> list[AvailableMentor]:
    """Mentors a mentee may rank: places left after open pairs and the choices they already accepted."""
    terms = view(programme, Terms)
    mentors, _ = await mentoring.eligible(programme)
    load, _ = await mentoring.open_load(terms.id)
    accepted = await current_connection().fetch(
        """SELECT chosen_id, count(*) AS n FROM matching_choice
           WHERE programme_id = $1 AND response = 'accepted' GROUP BY chosen_id""",
        terms.id,
    )
    promised = {r["chosen_id"]: int(r["n"]) for r in accepted}
    places = {m.id: terms.max_mentees_per_mentor - load.get(m.id, 0) - promised.get(m.id, 0) for m in mentors}
    return [AvailableMentor(m.id, m.full_name, places[m.id]) for m in mentors if m.consented and places[m.id] > 0]


async def rankings(programme_id: UUID, mentor_id: UUID | None = None) -> list[Ranking]:
    """Mentees' rankings of mentors (or those addressed to one mentor), with the mentors' responses."""
    rows = await current_connection().fetch(
        """SELECT c.id, c.chooser_id, c.chosen_id, c.rank, c.response, me.full_name AS mentee, mr.full_name AS mentor
           FROM matching_choice c
           JOIN person me ON me.region_id = c.region_id AND me.id = c.chooser_id
           JOIN person mr ON mr.region_id = c.region_id AND mr.id = c.chosen_id
           WHERE c.programme_id = $1 AND ($2::uuid IS NULL OR c.chosen_id = $2)
             AND EXISTS (SELECT 1 FROM participation pa WHERE pa.person_id = c.chooser_id
                         AND pa.organization_id = c.organization_id AND pa.role = 'mentee_candidate')
           ORDER BY me.sort_key, c.rank""",
        programme_id,
        mentor_id,
    )
    return [view(dict(r), Ranking) for r in rows]


async def respond(programme: ProgrammeRecord, choice_id: UUID, mentor_id: UUID, accept_it: bool) -> None:
    """A mentor accepts or declines a mentee's choice; accepting is refused once the places are gone."""
    row = (
        await MatchingChoice.select()
        .where((MatchingChoice.id == choice_id) & (MatchingChoice.chosen_id == mentor_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound()
    if accept_it and not any(m.id == mentor_id for m in await available_mentors(programme)):
        raise ValidationFailed({"response": "Свободных мест у наставника больше нет"})
    await (
        MatchingChoice.update({MatchingChoice.response: "accepted" if accept_it else "declined"})
        .where(MatchingChoice.id == choice_id)
        .run()
    )


async def confirm(actor: Actor, programme: ProgrammeRecord, choice_id: UUID) -> UUID:
    """The curator turns an accepted choice into a draft pair."""
    terms = view(programme, Terms)
    row = await MatchingChoice.select().where(MatchingChoice.id == choice_id).first().run()
    if row is None or row["programme_id"] != terms.id:
        raise NotFound()
    if row["response"] != "accepted":
        raise ValidationFailed({"response": "Наставник ещё не принял этот выбор"})
    mentors, mentees = await mentoring.eligible(programme)
    mentor = next((m for m in mentors if m.id == row["chosen_id"]), None)
    mentee = next((m for m in mentees if m.id == row["chooser_id"]), None)
    if mentor is None or mentee is None:
        raise ValidationFailed({"response": "Наставника или наставляемого больше нет в базе организации"})
    forms, _ = await programmes.catalogue_choices()
    form = next(
        (
            f
            for f in (view(f, FormOption) for f in forms)
            if f.id in terms.form_ids
            and mentor.category in f.mentor_categories
            and mentee.category in f.mentee_categories
        ),
        None,
    )
    if form is None:
        raise ValidationFailed({"response": "Ни одна форма программы не подходит этой паре"})
    await (
        MatchingChoice.delete()
        .where((MatchingChoice.programme_id == terms.id) & (MatchingChoice.chooser_id == row["chooser_id"]))
        .run()
    )
    pair_form = mentoring.PairForm(
        mentor_id=str(mentor.id),
        mentee_ids=[str(mentee.id)],
        form_id=str(form.id),
        starts_on=max(today(), terms.starts_on).isoformat(),
    )
    return await mentoring.create_pair(actor, programme, pair_form, details=ScoreDetails(choice=row["rank"]))
