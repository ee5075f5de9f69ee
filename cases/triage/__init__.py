"""Triage and case handling services: status changes, decisions, routing, clocks, access, inbox."""
