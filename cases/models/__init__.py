"""All models, imported here so that Alembic and the app see the whole metadata."""

from cases.models.api import ApiToken
from cases.models.audit import AuditEvent, PasswordLink
from cases.models.case import Attachment, Case, CaseEvent, CaseMessage, ReferenceCounter
from cases.models.catalogue import Area, Measure, Problem, RectificationPlan, Task
from cases.models.handling import DisciplineMeasure, DraftFile, ReplyDraft
from cases.models.learning import ClassifierModel, ConfirmedLink
from cases.models.mail import MailboxFolderState, MailboxLedger, QuarantinedEmail, RawEmail
from cases.models.notice import NoticeTemplate
from cases.models.org import Department, RoutingRule, StaffRole, StaffUser
from cases.models.outbox import OutboxItem
from cases.models.reminder import Reminder
from cases.models.report import ReportDirty, ReportFact, ReportRollup, ReportRollupCount, ReportState
from cases.models.staged import StagedCase, StagedFile
from cases.models.triage import CaseNamedParty, CaseRating, HolidayOverride

__all__ = [
    "ApiToken",
    "Area",
    "AuditEvent",
    "Attachment",
    "Case",
    "CaseEvent",
    "CaseMessage",
    "CaseNamedParty",
    "CaseRating",
    "ClassifierModel",
    "ConfirmedLink",
    "HolidayOverride",
    "MailboxFolderState",
    "MailboxLedger",
    "QuarantinedEmail",
    "RawEmail",
    "Department",
    "DisciplineMeasure",
    "DraftFile",
    "Measure",
    "NoticeTemplate",
    "OutboxItem",
    "PasswordLink",
    "Problem",
    "RectificationPlan",
    "ReportDirty",
    "ReportFact",
    "ReportRollup",
    "ReportRollupCount",
    "ReportState",
    "ReferenceCounter",
    "Reminder",
    "ReplyDraft",
    "RoutingRule",
    "StaffRole",
    "StagedCase",
    "StagedFile",
    "StaffUser",
    "Task",
]
