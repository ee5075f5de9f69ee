"""The mailbox's receipt comes from its notice template (issue 14, point 2): an edited template is what
the next e-mail's sender gets, through the real Dovecot and SMTP servers, and the reply still threads."""

from __future__ import annotations

import email
import email.policy

from sqlalchemy import select

from cases.domain.tracking import hash_code
from cases.extensions import db
from cases.models import Case, CaseMessage
from cases.notice_templates import save_template
from mailbox.poller import Poller
from mailbox.settings import load_settings
from tests.cases.test_staff_web import make_user
from tests.mailbox.conftest import message


def test_an_edited_mail_receipt_is_sent_with_the_code(mailbox_app, dovecot, smtp) -> None:  # noqa: ANN001
    editor = make_user(email="supervisor@hqcbd.test", roles=("supervisor",))
    save_template("receipt_mail", "zh_Hans", "【回执】[{reference}] 来信收悉：{subject}",
                  "来信已登记为 {reference}，查询码：{tracking_code}", actor=editor)
    db.session.commit()
    dovecot.deliver([message(message_id="edited.1@example.cn")])
    assert Poller(load_settings()).run().new_cases == 1
    case = db.session.scalar(select(Case))
    [(_sender, _recipients, raw)] = smtp.messages
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    assert sent["Subject"].startswith(f"【回执】[{case.reference}] 来信收悉：")
    assert sent["In-Reply-To"] == "<edited.1@example.cn>"
    body = sent.get_content().strip()
    assert body.startswith(f"来信已登记为 {case.reference}，查询码：")
    assert hash_code(body.rpartition("：")[2]) == case.tracking_code_hash
    stored = db.session.scalar(select(CaseMessage).where(CaseMessage.purpose == "acknowledgement"))
    assert (stored.notice_key, stored.notice_version) == ("receipt_mail", 2)
