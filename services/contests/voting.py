"""Public voting: one confirmed vote per person and nomination (a keyed hash of the e-mail, never the address), a
confirmation link rebuilt from the vote's id, bursts from one network flagged for the organizer, who excludes them."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import uuid
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from uuid import UUID

import asyncpg
import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.contests.records import EntryRecord, get_entry, get_nomination
from services.contests.tables import ContestEntry
from shared.actor import Actor
from shared.audit import audit
from shared.db import Scope, current_connection, rescope
from shared.errors import NotFound, ValidationFailed
from shared.links import link_token, token_hash

PURPOSE = "contest-vote"
BURST_VOTES = 20  # this many votes of one nomination from one network …
BURST_MINUTES = 10  # … within this many minutes are a burst


def voter_hash(secret_key: str, email: str) -> str:
    normalised = email.strip().lower()
    return hmac.new(secret_key.encode(), f"{PURPOSE}:{normalised}".encode(), hashlib.sha256).hexdigest()


def network_of(ip: str) -> str:
    """The /24 of an IPv4 address, the /48 of an IPv6 one: where a burst of votes comes from."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def vote_token(secret_key: str, vote_id: UUID) -> str:
    return link_token(secret_key, PURPOSE, vote_id)


@lru_cache(maxsize=4)
def _cipher(secret_key: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"nastavnik contest vote v1").derive(
        secret_key.encode()
    )
    return AESGCM(key)


def seal_email(secret_key: str, vote_id: UUID, email: str) -> str:
    """The address travels to the mail job sealed (arq logs and keeps a job's arguments); bound to the vote."""
    nonce = os.urandom(12)
    return urlsafe_b64encode(nonce + _cipher(secret_key).encrypt(nonce, email.strip().encode(), vote_id.bytes)).decode()


def unseal_email(secret_key: str, vote_id: UUID, sealed: str) -> str | None:
    try:
        raw = urlsafe_b64decode(sealed)
        return _cipher(secret_key).decrypt(raw[:12], raw[12:], vote_id.bytes).decode()
    except (InvalidTag, ValueError):
        return None


@dataclass(frozen=True)
class VoteRequest:
    vote_id: UUID
    token: str  # for the confirmation link; only its hash is stored


def _valid_email(email: str) -> bool:
    email = email.strip()
    return 3 <= len(email) <= 254 and "@" in email and " " not in email and "." in email.rsplit("@", 1)[-1]


async def request_vote(
    region_id: UUID, entry_id: UUID, email: str, ip: str, secret_key: str, moment: datetime
) -> VoteRequest:
    """Under the public scope: the entry must be a finalist of a nomination whose voting is open."""
    if not _valid_email(email):
        raise ValidationFailed({"email": "Укажите адрес электронной почты, на него придёт ссылка для подтверждения"})
    entry = await get_entry(entry_id)  # the public reads only finalists and published results
    nomination = await get_nomination(entry.nomination_id)
    if not entry.finalist:
        raise NotFound()
    if not nomination.voting_open(moment):
        raise ValidationFailed({"entry_id": "Голосование в этой номинации сейчас не идёт"})
    vote_id = uuid.uuid4()
    token = vote_token(secret_key, vote_id)
    await rescope(Scope.public_region(region_id).with_lookup(link_token_hash=token_hash(token)))
    # No RETURNING: the public scope reads a vote back only by its link.
    await current_connection().execute(
        """INSERT INTO contest_vote (region_id, id, contest_id, nomination_id, entry_id, organization_id, voter_hash,
               token_hash, network, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
        region_id,
        vote_id,
        entry.contest_id,
        entry.nomination_id,
        entry.id,
        entry.organization_id,
        voter_hash(secret_key, email),
        token_hash(token),
        network_of(ip),
        moment,
    )
    return VoteRequest(vote_id, token)


class AlreadyVoted(Exception):
    pass


async def confirm_vote(token: str, moment: datetime) -> bool:
    """Under the public scope looked up by the link's hash. True when this confirmation counted the vote; False when
    it was already counted; AlreadyVoted when the same person's other vote in the nomination counts."""
    db = current_connection()
    row = await db.fetchrow(
        "SELECT id, nomination_id, confirmed_at FROM contest_vote WHERE token_hash = $1", token_hash(token)
    )
    if row is None:
        raise NotFound()
    if row["confirmed_at"] is not None:
        return False
    nomination = await get_nomination(row["nomination_id"])
    if not nomination.voting_open(moment):
        raise ValidationFailed({"token": "Голосование в этой номинации завершено"})
    try:
        async with db.transaction():  # a savepoint: the unique index refuses a second counted vote
            await db.execute("UPDATE contest_vote SET confirmed_at = $2 WHERE id = $1", row["id"], moment)
    except asyncpg.UniqueViolationError as exc:
        raise AlreadyVoted() from exc
    return True


async def flag_bursts(region_id: UUID, now: datetime) -> int:
    """Marks the votes of every network that sent BURST_VOTES or more to one nomination within BURST_MINUTES (in the
    last day); returns how many were newly flagged."""
    result = await current_connection().execute(
        """WITH recent AS (
               SELECT v.id, v.nomination_id, v.network, v.created_at FROM contest_vote v
               WHERE v.region_id = $1 AND v.network <> '' AND v.created_at > $2::timestamptz - interval '1 day'
           ), starts AS (  -- a vote that opens a window of BURST_MINUTES holding BURST_VOTES or more
               SELECT nomination_id, network, created_at FROM (
                   SELECT r.*, count(*) OVER (PARTITION BY r.nomination_id, r.network ORDER BY r.created_at
                       RANGE BETWEEN CURRENT ROW AND $3::interval FOLLOWING) AS n FROM recent r) w
               WHERE n >= $4
           ), burst AS (
               SELECT r.id FROM recent r JOIN starts s ON s.nomination_id = r.nomination_id
                   AND s.network = r.network AND r.created_at BETWEEN s.created_at AND s.created_at + $3::interval
           )
           UPDATE contest_vote SET flagged_at = $2,
               flag_reason = 'Много голосов из одной сети за ' || $5 || ' мин.'
           WHERE id IN (SELECT id FROM burst) AND flagged_at IS NULL""",
        region_id,
        now,
        timedelta(minutes=BURST_MINUTES),
        BURST_VOTES,
        str(BURST_MINUTES),
    )
    return int(result.split()[-1])


async def set_excluded(actor: Actor, nomination_id: UUID, network: str, excluded: bool, moment: datetime) -> int:
    """The organizer's decision on a flagged network's votes in a nomination."""
    await get_nomination(nomination_id)
    result = await current_connection().execute(
        """UPDATE contest_vote SET excluded_at = $3, excluded_by = $4
           WHERE nomination_id = $1 AND network = $2 AND flagged_at IS NOT NULL""",
        nomination_id,
        network,
        moment if excluded else None,
        actor.user_id if excluded else None,
    )
    count = int(result.split()[-1])
    await audit(actor, "contest.vote.exclude" if excluded else "contest.vote.restore", None, f"votes={count}")
    return count


async def counted_votes(entry_ids: list[UUID]) -> dict[UUID, int]:
    """Confirmed votes that the organizer has not excluded, per entry (the results read them at finishing)."""
    rows = await current_connection().fetch(
        """SELECT entry_id, count(*) AS votes FROM contest_vote
           WHERE entry_id = ANY($1::uuid[]) AND confirmed_at IS NOT NULL AND excluded_at IS NULL
           GROUP BY entry_id""",
        entry_ids,
    )
    counts = {entry_id: 0 for entry_id in entry_ids}
    counts.update({row["entry_id"]: int(row["votes"]) for row in rows})
    return counts


async def finalists(nomination_id: UUID) -> list[EntryRecord]:
    """The nomination's finalists the scope sees (the public sees every finalist of an announced contest)."""
    rows = (
        await ContestEntry.select()
        .where((ContestEntry.nomination_id == nomination_id) & (ContestEntry.finalist.eq(True)))
        .order_by(ContestEntry.created_at)
        .run()
    )
    return [msgspec.convert(r, EntryRecord, strict=False) for r in rows]


@dataclass(frozen=True)
class FlaggedNetwork:
    network: str
    votes: int
    first_at: datetime
    last_at: datetime
    reason: str
    excluded: bool


async def flagged_networks(nomination_id: UUID) -> list[FlaggedNetwork]:
    """What the organizer decides on: the flagged votes of a nomination by network."""
    rows = await current_connection().fetch(
        """SELECT network, count(*) AS votes, min(created_at) AS first_at, max(created_at) AS last_at,
               min(flag_reason) AS reason, bool_and(excluded_at IS NOT NULL) AS excluded
           FROM contest_vote WHERE nomination_id = $1 AND flagged_at IS NOT NULL
           GROUP BY network ORDER BY count(*) DESC, network""",
        nomination_id,
    )
    return [
        FlaggedNetwork(r["network"], int(r["votes"]), r["first_at"], r["last_at"], r["reason"], r["excluded"])
        for r in rows
    ]
