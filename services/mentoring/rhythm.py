"""The meeting rhythm of 002 §8.6: a meeting at least every two weeks, an in-person one at least an hour long; a
lapse becomes an alert once."""

from __future__ import annotations

from datetime import date

from services.mentoring.records import Lapse, view
from shared.db import current_connection

RHYTHM_DAYS = 14  # meetings at least once every two weeks
IN_PERSON_MINUTES = 60  # an in-person meeting lasts at least an hour


async def find_lapses(day: date) -> list[Lapse]:
    """New alerts only: a pair with no meeting for more than 14 days, an in-person meeting under an hour.

    Each lapse is keyed by the meeting (or start) it follows, so a pair is reported once per lapse, not every run;
    a pair without meetings counts from its start or its order, whichever is later.
    """
    silent = await current_connection().fetch(
        """INSERT INTO rhythm_alert (region_id, organization_id, mentorship_id, kind, lapse, details)
           SELECT m.region_id, m.organization_id, m.id, 'no_meeting',
                  greatest(max(x.held_on), m.starts_on, m.approved_on)::text,
                  'нет встреч с ' || to_char(greatest(max(x.held_on), m.starts_on, m.approved_on), 'DD.MM.YYYY')
           FROM mentorship m
           LEFT JOIN meeting x ON x.region_id = m.region_id AND x.mentorship_id = m.id
           WHERE m.status = 'active' AND m.starts_on < $1
           GROUP BY m.region_id, m.id
           HAVING greatest(max(x.held_on), m.starts_on, m.approved_on) < $1 - $2::integer
           ON CONFLICT (region_id, mentorship_id, kind, lapse) DO NOTHING
           RETURNING region_id, organization_id, mentorship_id, kind, details""",
        day,
        RHYTHM_DAYS,
    )
    short = await current_connection().fetch(
        """INSERT INTO rhythm_alert (region_id, organization_id, mentorship_id, kind, lapse, details)
           SELECT x.region_id, x.organization_id, x.mentorship_id, 'short_meeting', x.id::text,
                  'очная встреча ' || to_char(x.held_on, 'DD.MM.YYYY') || ' длилась ' || x.minutes || ' мин'
           FROM meeting x JOIN mentorship m ON m.region_id = x.region_id AND m.id = x.mentorship_id
           WHERE m.status = 'active' AND x.format = 'in_person' AND x.minutes < $1 AND x.kind IN ('regular', 'final')
           ON CONFLICT (region_id, mentorship_id, kind, lapse) DO NOTHING
           RETURNING region_id, organization_id, mentorship_id, kind, details""",
        IN_PERSON_MINUTES,
    )
    return [view(dict(r), Lapse) for r in (*silent, *short)]
