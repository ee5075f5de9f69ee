"""Uploaded files of a web form (public opinion form, staff manual entry) through the checks of
cases.domain.filetypes, with the reasons for refusing one in the user's language."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from cases.domain.filetypes import CheckedFile, UploadRejected, check_file


def rejection_message(error: UploadRejected, max_bytes: int) -> str:
    """Why a file was refused, naming it (its clean name), for the form's error list."""
    if error.reason == "too_large":
        return _("%(name)s is larger than %(size)s MB", name=error.filename, size=max_bytes // 1048576)
    if error.reason == "empty":
        return _("%(name)s is empty", name=error.filename)
    if error.reason == "executable_name":
        return _("%(name)s ends in an extension of programs, scripts or web pages (such as .exe, .bat, "
                 ".js or .html); such files are not accepted", name=error.filename)
    if error.reason == "active_content":
        return _("%(name)s contains a web page or a script; such files are not accepted",
                 name=error.filename)
    return _("%(name)s is not a file type we accept (the content is checked, not the name)",
             name=error.filename)


def check_uploads(files: Iterable[FileStorage | None], max_bytes: int) -> tuple[list[CheckedFile], list[str]]:
    """Check every chosen file: the ones that pass, and a message for each one refused."""
    checked: list[CheckedFile] = []
    errors: list[str] = []
    for upload in files:
        if not upload or not upload.filename:
            continue
        # Read one byte more than allowed: enough to know a file is too large without keeping it.
        data = upload.stream.read(max_bytes + 1)
        try:
            checked.append(check_file(upload.filename, data, max_bytes=max_bytes))
        except UploadRejected as error:
            errors.append(rejection_message(error, max_bytes))
    return checked, errors
