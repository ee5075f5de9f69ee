"""Wrong tracking codes slow down the address that typed them and never lock a reference: the
person with the right code opens their case from any other address (issue 11, point 6)."""

from __future__ import annotations

import re

from werkzeug.test import TestResponse

from tests.feedback.helpers import open_case, submit
from tests.support.pages import field_error, from_address

WRONG = "ABCD-ABCD-ABCD-ABCD-ABCD"
GUESSER, OWNER = "203.0.113.9", "198.51.100.20"


def _error(response: TestResponse) -> str:
    return field_error(response, "code")


def test_wrong_codes_from_one_address_do_not_lock_the_person_out(client, catalogue):
    reference, code = submit(client, email=None)
    for _ in range(8):  # the old lock came after five, from any address
        open_case(client, reference, WRONG, **from_address(GUESSER))
    refused = open_case(client, reference, code, **from_address(GUESSER))  # even the right code
    assert refused.status_code == 429 and "分钟后再试" in _error(refused)
    opened = open_case(client, reference, code, **from_address(OWNER))
    assert opened.status_code == 303 and opened.headers["Location"] == "/track/case"
    assert reference in client.get("/track/case").get_data(as_text=True)


def test_the_tries_left_count_down_alike_for_known_and_unknown_references(client, catalogue):
    reference, _code = submit(client, email=None)
    answers = {}
    for ref, address in ((reference, "192.0.2.1"), ("HQ-2099-999999", "192.0.2.2")):
        answers[ref] = [_error(open_case(client, ref, WRONG, **from_address(address))).replace(ref, "")
                        for _ in range(5)]
    assert answers[reference] == answers["HQ-2099-999999"]
    messages = answers[reference]
    assert messages[0] == "受理编号与查询码不匹配，请核对后重试。还可尝试 4 次。"
    assert [re.search(r"还可尝试 (\d) 次", m).group(1) for m in messages[:4]] == ["4", "3", "2", "1"]  # type: ignore[union-attr]
    assert messages[4] == "受理编号与查询码不匹配。错误次数过多，请 60 分钟后再试。"
    refused = open_case(client, reference, WRONG, **from_address("192.0.2.1"))
    assert refused.status_code == 429 and _error(refused) == "尝试次数过多，请 60 分钟后再试。"

    client.get("/lang/en")
    english = _error(open_case(client, reference, WRONG, **from_address("192.0.2.3")))
    assert english.endswith("Check both and try again. You can try 4 more times.")


def test_the_right_code_gives_the_address_its_tries_back(client, catalogue):
    reference, code = submit(client, email=None)
    for _ in range(4):
        open_case(client, reference, WRONG)
    assert open_case(client, reference, code).status_code == 303
    assert "还可尝试 4 次" in _error(open_case(client, reference, WRONG))


def test_one_address_cannot_spread_guesses_over_many_references(app, client, catalogue):
    app.config["TRACK_ADDRESS_FAILURES"] = "3 per hour"
    reference, code = submit(client, email=None)
    for number in range(3):  # references are sequential: a guesser walks through them
        open_case(client, f"HQ-2099-00000{number}", WRONG, **from_address(GUESSER))
    assert open_case(client, reference, code, **from_address(GUESSER)).status_code == 429
    assert open_case(client, reference, code, **from_address(OWNER)).status_code == 303


def test_a_reference_many_addresses_guess_gives_each_one_wrong_try(app, client, catalogue):
    app.config["TRACK_REFERENCE_FAILURES"] = "3 per hour"
    reference, code = submit(client, email=None)
    for guesser in range(1, 4):
        open_case(client, reference, WRONG, **from_address(f"203.0.113.{guesser}"))
    first = open_case(client, reference, WRONG, **from_address("203.0.113.50"))
    assert "还可尝试" not in _error(first) and "分钟后再试" in _error(first)
    assert open_case(client, reference, WRONG, **from_address("203.0.113.50")).status_code == 429
    assert open_case(client, reference, code, **from_address(OWNER)).status_code == 303
