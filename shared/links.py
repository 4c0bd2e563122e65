"""Personal links (invitations, questionnaires): the token is derived from the record id with the secret key, so
the database keeps only its hash and a background job can rebuild the link from the id alone."""

from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from uuid import UUID


def link_token(secret_key: str, purpose: str, record_id: UUID) -> str:
    digest = hmac.new(secret_key.encode(), f"{purpose}:{record_id}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkUnusable(Exception):
    """A personal link that was found but can no longer be used (spent or expired); the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
