"""Registers the administration pages and the password pages on the staff blueprint."""

from cases.staff import account_views, admin_list_views, admin_org_views, admin_views  # noqa: F401
