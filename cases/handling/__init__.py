"""Handling a case after triage: the department's work, drafts, approval, replies, ratings and reviews,
and the discipline track. Every change of status goes through cases.triage.workflow."""
