"""What matching keeps about a person whose personal data is destroyed (the registry's retention job calls this).

A run stores its proposals and the mentees it left out with their names and the reasons of each score, which may
quote the person's questionnaire: for the person those become the stub and no reasons. The ids, scores and
statuses stay, so a run still reads as it was decided; "must not" marks and rankings hold ids only.
"""

from __future__ import annotations

import msgspec

from services.matching.records import Proposal, Unmatched
from services.matching.tables import MatchingRun
from services.registry import DESTROYED, Forgotten
from shared.db import current_connection


async def forget_people(people: list[Forgotten]) -> None:
    ids = {str(record) for person in people for record in person.ids}
    rows = await current_connection().fetch(
        """SELECT id, proposals, unmatched FROM matching_run r WHERE EXISTS (
               SELECT 1 FROM jsonb_array_elements(r.proposals || r.unmatched) e
               WHERE e->>'mentee_id' = ANY($1::text[]) OR e->>'mentor_id' = ANY($1::text[]))""",
        sorted(ids),
    )
    for row in rows:
        proposals = msgspec.convert(row["proposals"], list[Proposal])
        for proposal in proposals:
            if proposal.mentee_id in ids or proposal.mentor_id in ids:
                proposal.parts = []
            if proposal.mentee_id in ids:
                proposal.mentee = DESTROYED
            if proposal.mentor_id in ids:
                proposal.mentor = DESTROYED
        unmatched = [
            Unmatched(u.mentee_id, DESTROYED, u.reason) if u.mentee_id in ids else u
            for u in msgspec.convert(row["unmatched"], list[Unmatched])
        ]
        await (
            MatchingRun.update(
                {
                    MatchingRun.proposals: msgspec.to_builtins(proposals),
                    MatchingRun.unmatched: msgspec.to_builtins(unmatched),
                }
            )
            .where(MatchingRun.id == row["id"])
            .run()
        )
