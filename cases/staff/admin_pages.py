"""Registers the administration pages, the password pages and the notice templates page on the staff
blueprint."""

from cases.staff import (  # noqa: F401
    account_views,
    admin_list_views,
    admin_org_views,
    admin_views,
    notice_views,
)
