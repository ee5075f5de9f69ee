"""Reading our pages in tests: the client address of a request, the error summary's messages."""

from __future__ import annotations

import re

from werkzeug.test import TestResponse


def from_address(address: str) -> dict[str, object]:
    """Test-client keyword arguments that send a request from client ``address``."""
    return {"environ_base": {"REMOTE_ADDR": address}}


def field_error(response: TestResponse, field_id: str) -> str:
    """The one message the page's error summary links to field ``field_id``."""
    page = response.get_data(as_text=True)
    messages = re.findall(rf'<li><a href="#{re.escape(field_id)}">(.*?)</a></li>', page)
    assert len(messages) == 1, page
    return messages[0]
