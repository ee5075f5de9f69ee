"""Periodic jobs for ``rq cron cron_config`` (started from the project root)."""

from __future__ import annotations

import logging
import os

from rq import cron

import wsgi

# Prove at start-up which ``mailbox`` this process imports (ours, not the standard library's).
logging.getLogger("rq.cron").info("mailbox package: %s", wsgi.where_is_mailbox())

QUEUE = os.environ.get("RQ_QUEUE", "hqcbd")

cron.register(wsgi.sweep_outbox, QUEUE, interval=60)
# The published mailbox, every minute; the poller's own lock keeps runs from overlapping.
cron.register(wsgi.poll_mailbox, QUEUE, interval=60)
# Cases held for screening: normally screened by the job the intake asked for; this catches
# what a failed job left behind (held cases are seen by supervisors and inspectors only).
cron.register(wsgi.screen_held_cases, QUEUE, interval=60)
# Web opinions staged by the form and not yet recorded: normally recorded by the run the form
# asked for within seconds; this catches a run that was lost.
cron.register(wsgi.record_staged_cases, QUEUE, interval=60)
# Replied cases nobody rated within CLOCK_RATING_WAIT_DAYS working days close by themselves.
cron.register(wsgi.close_unrated_cases, QUEUE, interval=3600)
# Reminders and escalation of the case clocks, and the daily digests (from REMINDER_DIGEST_HOUR):
# each is recorded under a unique key, so an hourly run (or two at once) sends it once.
cron.register(wsgi.send_reminders, QUEUE, interval=3600)
# Report facts of cases changed by a plain commit or whose refresh job was lost (the reports read
# those cases from their events meanwhile, so this only keeps the dashboards fast).
cron.register(wsgi.refresh_report_facts, QUEUE, interval=60)
