"""Delivery channels for notices.

The Notice row is the delivery record and the in-app inbox; every backend named in
settings.NOTICE_BACKENDS also receives each new notice after the transaction commits. An SMS or
WeChat channel is one more class with a `send(notices)` method, added to that setting.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

logger = logging.getLogger("venuesafe.notices")


class InboxBackend:
    """The in-app inbox: the rows are already written, so nothing more is needed."""

    def send(self, notices: Sequence) -> None:
        return None


class LogBackend:
    def send(self, notices: Sequence) -> None:
        for notice in notices:
            logger.info(
                "notice %s to user %s: %s (%s)", notice.kind, notice.recipient_id, notice.title, notice.dedupe_key
            )


class MemoryBackend:
    """Keeps what it was sent; for tests of delivery."""

    outbox: list = []

    def send(self, notices: Sequence) -> None:
        MemoryBackend.outbox.extend(notices)
