"""Fixtures for the cases package: the bundled rectification catalogue."""

from __future__ import annotations

import pytest
from flask import Flask

from cases.catalogue import bundled_notice_path, import_notice, read_notice_file
from cases.extensions import db
from cases.models.catalogue import RectificationPlan


@pytest.fixture
def catalogue(app: Flask) -> RectificationPlan:
    """The bundled 2023 notice imported and committed; its plan (4 areas, 12 problems, 32 tasks)."""
    plan = import_notice(read_notice_file(bundled_notice_path()))
    db.session.commit()
    return plan
