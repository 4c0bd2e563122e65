"""The live values of a programme's expected results, counted over the programme's reach."""

from __future__ import annotations

from services import mentoring
from services.programmes import INDICATORS, Owner, ProgrammeRecord
from services.registry import ParticipationRole, participant_counts
from services.reports.indicators import Period, Reach, contest_indicators, school_indicators
from services.reports.records import ProgrammePeriod, view
from shared.db import current_connection

__all__ = ["INDICATORS", "indicator_values"]


async def indicator_values(programme: ProgrammeRecord) -> dict[str, int]:
    """An organization's programme counts that organization; a municipality's its organizations; the region all."""
    owner = Owner.of(programme)
    period = view(programme, ProgrammePeriod)
    counts = await participant_counts(owner.organization_id, owner.municipality_id)
    reach = await current_connection().fetchrow(
        """SELECT
             (SELECT count(*) FROM roadmap_event e LEFT JOIN organization o ON o.region_id = e.region_id
                AND o.id = e.organization_id
              WHERE e.status = 'done' AND e.done_on BETWEEN $3 AND $4
                AND ($1::uuid IS NULL OR e.organization_id = $1)
                AND ($2::uuid IS NULL OR o.municipality_id = $2 OR e.municipality_id = $2)) AS events_held,
             (SELECT count(DISTINCT p.organization_id) FROM programme p JOIN organization o ON o.region_id = p.region_id
                AND o.id = p.organization_id
              WHERE p.approved_order_id IS NOT NULL AND p.starts_on <= $4 AND p.ends_on >= $3
                AND ($1::uuid IS NULL OR p.organization_id = $1)
                AND ($2::uuid IS NULL OR o.municipality_id = $2)) AS organizations_in_programme""",
        owner.organization_id,
        owner.municipality_id,
        period.starts_on,
        period.ends_on,
    )
    trained, certified = await school_indicators(
        Reach(owner.organization_id, owner.municipality_id), Period(period.starts_on, period.ends_on)
    )
    applicants, wishing = await contest_indicators(
        Reach(owner.organization_id, owner.municipality_id), Period(period.starts_on, period.ends_on)
    )
    return {
        "pairs": await mentoring.count_pairs(
            owner.organization_id, owner.municipality_id, period.starts_on, period.ends_on
        ),
        "mentor_registry": counts[ParticipationRole.mentor],
        "mentor_candidates": counts[ParticipationRole.mentor_candidate],
        "mentees": counts[ParticipationRole.mentee_candidate],
        "events_held": int(reach["events_held"]),
        "organizations_in_programme": int(reach["organizations_in_programme"]),
        "trained_mentors": trained,
        "certified_curators": certified,
        "contest_applicants": applicants,
        "contest_wishing": wishing,
    }
