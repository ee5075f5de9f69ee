"""Exactly-once IMAP polling: ledger by UID, record and commit first, act on the server after.

Order for every message: fetch (BODY.PEEK[], so reading never sets \\Seen) → one transaction with
the raw bytes, the ledger row and the case → commit → only then move it or flag it \\Seen, and
mark the ledger row server_done. A crash before the commit leaves no ledger row: the UID is taken
again. A crash after it leaves server_done false: the next poll only finishes the server step.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import logging
import ssl as ssl_module
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale
from imapclient import IMAPClient
from imapclient.imapclient import DELETED, SEEN
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from cases.extensions import db
from cases.models import MailboxFolderState, MailboxLedger, QuarantinedEmail, RawEmail
from cases.models.types import utcnow
from cases.outbox import dispatch_pending, flush_until_clean

from .intake import Fetched, Group, LedgerKey, Policy, ingest, record_ledger
from .lock import PollerLock
from .parsing import ParsedMessage
from .prepare import ParseAhead, clean_text, generated_message_id
from .replies import prefetch_answer_counts
from .settings import MailboxSettings

log = logging.getLogger(__name__)
# Bodies are fetched in groups of at most this many bytes, so memory stays flat on any mailbox.
FETCH_BYTES = 16 * 1024 * 1024


@dataclass
class Summary:
    """What one poll did (printed as JSON by ``mailbox poll --json``)."""

    fetched: int = 0
    new_cases: int = 0
    threaded: int = 0
    auto_replies: int = 0
    bounces: int = 0
    duplicates: int = 0
    quarantined: int = 0
    too_large: int = 0
    server_done: int = 0
    parsed_ahead: int = 0  # parsed by the second process (a backlog)
    uidvalidity_changed: bool = False
    seconds: float = 0.0

    def count(self, outcome: str) -> None:
        """Add one message's outcome."""
        field = {"new_case": "new_cases", "threaded": "threaded", "auto_reply": "auto_replies",
                 "bounce": "bounces", "duplicate": "duplicates", "quarantined": "quarantined",
                 "too_large": "too_large"}[outcome]
        setattr(self, field, getattr(self, field) + 1)
        if outcome == "too_large":
            self.new_cases += 1  # a too-large message opens a case as well

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready summary."""
        return asdict(self)


def connect(settings: MailboxSettings) -> IMAPClient:
    """Log in to the mailbox: implicit TLS by default, STARTTLS or plain only when configured."""
    if not settings.host:
        raise RuntimeError("IMAP_HOST is not set: no mailbox to poll")
    context = ssl_module.create_default_context() if settings.ssl or settings.starttls else None
    client = IMAPClient(settings.host, port=settings.port, ssl=settings.ssl, ssl_context=context, timeout=60)
    try:
        if settings.starttls and not settings.ssl:
            client.starttls(context)
        client.login(settings.user or "", settings.password or "")
    except Exception:
        client.shutdown()
        raise
    return client


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _by_bytes(uids: list[int], sizes: dict[int, int], cap: int) -> Iterator[list[int]]:
    group: list[int] = []
    total = 0
    for uid in uids:
        if group and total + sizes[uid] > cap:
            yield group
            group, total = [], 0
        group.append(uid)
        total += sizes[uid]
    if group:
        yield group


@dataclass
class _Batch:
    """One batch of UIDs as fetched: sizes, groups of bodies with their parse, the UIDs answered."""

    uids: list[int]
    sizes: dict[int, int]
    # (messages, their parse, whether parsed in the second process)
    groups: list[tuple[list[tuple[LedgerKey, Fetched]], Future[list[ParsedMessage]], bool]] = field(
        default_factory=list)
    answered: set[int] = field(default_factory=set)


class Poller:
    """One poll of one folder of one mailbox (hold the lock before calling run)."""

    def __init__(self, settings: MailboxSettings, lock: PollerLock | None = None,
                 client_factory: Callable[[MailboxSettings], IMAPClient] = connect,
                 progress: Callable[[Summary, int], None] | None = None) -> None:
        self.settings = settings
        self.lock = lock
        self.client_factory = client_factory
        self.policy = Policy(max_bytes=settings.max_bytes, ack_per_day=settings.ack_per_day)
        self.summary = Summary()
        # Told (the summary so far, the new messages this poll takes) as groups are recorded.
        self.progress = progress
        self.total = 0

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.summary, self.total)

    def run(self) -> Summary:
        """Poll once: finish server steps left behind, then take every new UID in batches."""
        started = time.monotonic()
        client = self.client_factory(self.settings)
        try:
            # Mail cases are answered in the default language; forced once, not per message.
            with force_locale(str(current_app.config.get("BABEL_DEFAULT_LOCALE") or "zh_Hans")):
                self._poll(client)
        finally:
            self.summary.seconds = round(time.monotonic() - started, 3)
            try:
                client.logout()
            except Exception:  # noqa: BLE001 - the connection may be gone already; close the socket
                client.shutdown()
        return self.summary

    def _renew(self) -> None:
        if self.lock is not None:
            self.lock.renew()

    def _poll(self, client: IMAPClient) -> None:
        settings = self.settings
        if settings.server_action == "move" and not client.folder_exists(settings.processed_folder):
            client.create_folder(settings.processed_folder)
        selected = client.select_folder(settings.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        state = self._folder_state(uidvalidity)
        state_id, last_uid = state.id, state.last_uid
        key = LedgerKey(settings.mailbox, settings.folder, uidvalidity, 0)
        # First finish the server step of messages a crash left committed but not moved/flagged.
        self._server_step(client, key, self._left_behind(key))
        # Every UID up to last_uid is in the ledger; above it, a crashed run may have left some.
        known = set(db.session.scalars(select(MailboxLedger.uid).where(
            *self._ledger_where(key), MailboxLedger.uid > last_uid)))
        # UID n:* always answers the highest UID even when it is below n: filter.
        new = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"])
                     if uid > last_uid and uid not in known)
        db.session.rollback()  # end the read transaction before the long fetch
        self.total = len(new)
        self._report()
        floor: int | None = None
        # Batch k+1 is fetched (and parsed in a second process, for a backlog) while batch k is
        # recorded; nothing is done on the server for a batch before its own commit.
        backlog = 0 < settings.parse_ahead_min <= len(new)
        with ParseAhead(enabled=backlog) as parser:
            ahead: _Batch | None = None
            for uids in [*_chunks(new, settings.batch_size), None]:
                try:
                    fetched = None if uids is None else self._fetch(client, key, uids, parser)
                except Exception:
                    if ahead is not None:  # keep what was fetched; its server step waits for the next poll
                        self._record_groups(ahead)
                    raise
                if ahead is not None:
                    floor = self._finish(client, key, ahead, state_id, floor)
                ahead = fetched
        db.session.execute(update(MailboxFolderState).where(MailboxFolderState.id == state_id)
                           .values(polled_at=utcnow()))
        db.session.commit()

    def _finish(self, client: IMAPClient, key: LedgerKey, batch: _Batch, state_id: int,
                floor: int | None) -> int | None:
        """Record a fetched batch, act on the server, move the folder's mark; return the floor."""
        self._renew()
        done = self._record_batch(client, key, batch)
        dispatch_pending()  # acknowledgements go out once their records are committed
        self._server_step(client, key, done)
        # A UID the server listed but did not return stays above last_uid: taken next time.
        missing = [uid for uid in batch.uids if uid not in batch.answered]
        if missing and floor is None:
            floor = min(missing) - 1
        db.session.execute(update(MailboxFolderState).where(MailboxFolderState.id == state_id)
                           .values(last_uid=max(batch.uids) if floor is None else floor, polled_at=utcnow()))
        db.session.commit()
        return floor

    def _ledger_where(self, key: LedgerKey) -> tuple[Any, ...]:
        return (MailboxLedger.mailbox == key.mailbox, MailboxLedger.folder == key.folder,
                MailboxLedger.uidvalidity == key.uidvalidity)

    def _folder_state(self, uidvalidity: int) -> MailboxFolderState:
        settings = self.settings
        state = db.session.scalar(select(MailboxFolderState).where(
            MailboxFolderState.mailbox == settings.mailbox, MailboxFolderState.folder == settings.folder))
        if state is None:
            state = MailboxFolderState(mailbox=settings.mailbox, folder=settings.folder,
                                       uidvalidity=uidvalidity, last_uid=0)
            db.session.add(state)
        elif state.uidvalidity != uidvalidity:
            # The server renumbered the folder: rescan it all; the hash dedupe stops any double.
            log.warning("UIDVALIDITY of %s changed from %s to %s: rescanning", settings.folder,
                        state.uidvalidity, uidvalidity)
            state.uidvalidity, state.last_uid = uidvalidity, 0
            self.summary.uidvalidity_changed = True
        db.session.commit()
        return state

    def _left_behind(self, key: LedgerKey) -> list[int]:
        return list(db.session.scalars(select(MailboxLedger.uid).where(
            *self._ledger_where(key), MailboxLedger.server_done.is_(False)).order_by(MailboxLedger.uid)))

    def _fetch(self, client: IMAPClient, key: LedgerKey, uids: list[int], parser: ParseAhead) -> _Batch:
        """Fetch a batch's sizes and bodies (BODY.PEEK[]: never sets \\Seen) and hand them to the parser."""
        sizes = {uid: int(item[b"RFC822.SIZE"]) for uid, item in client.fetch(uids, ["RFC822.SIZE"]).items()
                 if b"RFC822.SIZE" in item}
        batch = _Batch(uids=uids, sizes=sizes)
        small = [uid for uid in uids if uid in sizes and sizes[uid] <= self.settings.max_bytes]
        for group in _by_bytes(small, sizes, FETCH_BYTES):
            bodies = client.fetch(group, ["BODY.PEEK[]"])
            items: list[tuple[LedgerKey, Fetched]] = []
            for uid in group:
                item = bodies.pop(uid, None)
                if item is None or b"BODY[]" not in item:
                    continue  # expunged meanwhile by someone else: nothing to take
                batch.answered.add(uid)
                items.append((LedgerKey(key.mailbox, key.folder, key.uidvalidity, uid),
                              Fetched(raw=item[b"BODY[]"], size=sizes[uid])))
            del bodies
            batch.groups.append((items, *parser.submit([fetched.raw for _, fetched in items])))
        return batch

    def _record_batch(self, client: IMAPClient, key: LedgerKey, batch: _Batch) -> list[int]:
        """Record a fetched batch; return the UIDs now safely recorded (committed)."""
        done = self._record_groups(batch)
        for uid in batch.uids:
            if uid in batch.sizes and batch.sizes[uid] > self.settings.max_bytes:
                item = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {})
                headers = item.get(b"BODY[HEADER]")
                if headers is not None:
                    batch.answered.add(uid)
                if headers is not None and self._record(
                        LedgerKey(key.mailbox, key.folder, key.uidvalidity, uid),
                        Fetched(raw=headers, size=batch.sizes[uid], headers_only=True)):
                    done.append(uid)
        return sorted(done)

    def _record_groups(self, batch: _Batch) -> list[int]:
        """Record the bodies of a fetched batch (not its too-large messages, which need the server)."""
        done: list[int] = []
        for items, parsed, ahead in batch.groups:
            try:
                messages = parsed.result()
            except Exception as error:  # noqa: BLE001 - one by one, where the bad one is quarantined
                log.info("a group could not be parsed as a whole (%s): one by one", type(error).__name__)
                messages = None
            if messages is not None and ahead:
                self.summary.parsed_ahead += len(messages)
            done += self._record_all(items, messages)
            self._report()
        return done

    def _record_all(self, items: list[tuple[LedgerKey, Fetched]],
                    parsed: list[ParsedMessage] | None) -> list[int]:
        """Record a group of messages; return the UIDs recorded (committed)."""
        if len(items) > 1 and parsed is not None and self._record_together(items, parsed):
            return [key.uid for key, _ in items]
        done = []
        for key, fetched in items:
            if self._record(key, fetched):
                done.append(key.uid)
            self._renew()
        return done

    def _record_together(self, items: list[tuple[LedgerKey, Fetched]], parsed: list[ParsedMessage]) -> bool:
        """Record a group in one transaction; False (nothing kept) when any message fails.

        One commit per group instead of one per message: the server is touched only after it,
        as before. A failure rolls the group back and the caller takes its messages one by one,
        each in its own transaction, so the bad one is quarantined and the others are kept.
        """
        outcomes = []
        try:
            now = utcnow()
            # The look-ups every message needs, once for the group: Message-IDs already recorded,
            # automatic answers already sent to each sender.
            group = Group([message.message_id for message in parsed], answered=[
                i for message in parsed for i in (message.in_reply_to, *message.references) if i])
            prefetch_answer_counts([message.sender_address for message in parsed], now)
            # No autoflush: what a message needs of the group's earlier ones is in ``group``, so
            # the whole group is written by one flush, a few statements per table.
            with db.session.no_autoflush:
                for (key, fetched), message in zip(items, parsed, strict=True):
                    outcomes.append(ingest(fetched, key, self.policy, now, group=group, parsed=message)[0])
                    self._renew()
            flush_until_clean()
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            raise  # the database is down: stop; the messages stay on the server for the next poll
        except Exception as error:  # noqa: BLE001 - retried one by one, where it is quarantined
            db.session.rollback()
            log.warning("a group of %d messages is recorded one by one: %s: %s", len(items),
                        type(error).__name__, error)
            return False
        self.summary.fetched += len(items)
        for outcome in outcomes:
            self.summary.count(outcome)
        return True

    def _record(self, key: LedgerKey, fetched: Fetched) -> bool:
        """Record one message in its own transaction; quarantine it when it fails."""
        self.summary.fetched += 1
        try:
            outcome, _case_id = ingest(fetched, key, self.policy, utcnow())
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            raise  # the database is down: stop; the message stays on the server for the next poll
        except IntegrityError as error:
            db.session.rollback()
            if self._already_recorded(key):
                return True  # another poller recorded it first (the lock makes this rare)
            self._quarantine(key, fetched, error)
            return True
        except Exception as error:  # noqa: BLE001 - one bad message must never block the rest
            db.session.rollback()
            log.exception("message UID %s quarantined", key.uid)
            self._quarantine(key, fetched, error)
            return True
        self.summary.count(outcome)
        return True

    def _already_recorded(self, key: LedgerKey) -> bool:
        return db.session.scalar(select(MailboxLedger.id).where(
            *self._ledger_where(key), MailboxLedger.uid == key.uid)) is not None

    def _quarantine(self, key: LedgerKey, fetched: Fetched, error: BaseException) -> None:
        reason = f"{type(error).__name__}: {error}"
        try:
            entry = quarantine(fetched, key, reason)
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            raise
        except DBAPIError:
            # Even the header values were unstorable: keep the bytes under the hash's id.
            db.session.rollback()
            entry = quarantine(fetched, key, reason, trust_headers=False)
            db.session.commit()
        self.summary.count("quarantined" if entry is not None else "duplicate")

    def _server_step(self, client: IMAPClient, key: LedgerKey, uids: list[int]) -> None:
        """Move or flag committed messages, then record that it is done."""
        if not uids:
            return
        for group in _chunks(uids, 500):
            server_action(client, self.settings, group)
            db.session.execute(update(MailboxLedger)
                               .where(*self._ledger_where(key), MailboxLedger.uid.in_(group))
                               .values(server_done=True))
            db.session.commit()
            self.summary.server_done += len(group)


def server_action(client: IMAPClient, settings: MailboxSettings, uids: Iterable[int]) -> None:
    """Move the messages to the processed folder, or only flag them \\Seen; never delete them."""
    uids = list(uids)
    if settings.server_action != "move":
        client.add_flags(uids, [SEEN], silent=True)
        return
    if client.has_capability("MOVE"):
        client.move(uids, settings.processed_folder)
        return
    client.copy(uids, settings.processed_folder)
    if client.has_capability("UIDPLUS"):
        client.add_flags(uids, [DELETED], silent=True)
        client.uid_expunge(uids)
    else:
        # Without UIDPLUS an EXPUNGE would also remove messages others flagged \\Deleted: copy only.
        client.add_flags(uids, [SEEN], silent=True)


def _header_message_id(raw: bytes) -> str | None:
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        value = str(headers.get("message-id", "") or "").strip().strip("<>").strip()
    except Exception:  # noqa: BLE001 - the message is being quarantined because it is broken
        return None
    return clean_text(value)[:998] or None


def quarantine(fetched: Fetched, key: LedgerKey | None, error: str,
               trust_headers: bool = True) -> QuarantinedEmail | None:
    """Keep a message that failed with its bytes and the error (the caller commits). Flushes.

    None when these very bytes were recorded before (a re-delivered broken message): the ledger
    row then points at the earlier record and no second quarantine entry is made.
    """
    digest = hashlib.sha256(fetched.raw).hexdigest()
    raw_email = db.session.scalar(select(RawEmail).where(RawEmail.sha256 == digest).limit(1))
    if raw_email is not None and key is not None:
        record_ledger(key, "duplicate", fetched.size, raw_email_id=raw_email.id)
        db.session.flush()
        return None
    if raw_email is None:
        found = _header_message_id(fetched.raw) if trust_headers else None
        raw_email = RawEmail(message_id=found or generated_message_id(digest),
                             sha256=digest, size=fetched.size, data=fetched.raw, outcome="quarantined")
        db.session.add(raw_email)
    raw_email.outcome = "quarantined"
    db.session.flush()
    record_ledger(key, "quarantined", fetched.size, raw_email=raw_email)
    entry = QuarantinedEmail(raw_email=raw_email, error=clean_text(error)[:4000], retries=0, state="open")
    db.session.add(entry)
    db.session.flush()
    return entry
