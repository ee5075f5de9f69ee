"""Rules that tell what kind of message this is: accusation, claim, enquiry or suggestion.

The accusation rules live in :mod:`classifier.rules.accusation` (re-exported here); the rest are short
patterns. All functions take text already passed through :func:`classifier.textnorm.normalise`.
"""

from __future__ import annotations

import re

from classifier.rules.accusation import (
    THRESHOLD,
    AccusationCheck,
    check_accusation,
    target_evidence,
    wrongdoing_evidence,
)

__all__ = [
    "THRESHOLD",
    "AccusationCheck",
    "check_accusation",
    "is_claim",
    "is_enquiry",
    "message_kind",
    "target_evidence",
    "wrongdoing_evidence",
]

_QUESTION = re.compile(
    r"请问|能否告知|能否|是否|能不能|可不可以|怎么办|怎么|如何|哪里|哪个|哪些|什么时候|几点|"
    r"多少|多久|吗[?？。]?|[?？]|哪能|啥辰光|伐[?？]|(?<![a-z])(?:where|when|how|what|can i)(?![a-z])"
)
_COMPLAINT = re.compile(r"建议|希望|应该|应当|要求|必须|不能|太[^阳]|没人管|不管|乱|差|不满|投诉|反映|为什么|"
                        r"怎么能|凭什么|不合理|不公|违规|整改|请查|查处|严肃|就完了|难道|有啥用|名不副实|"
                        r"please (?:publish|fix|stop)|should")
_CLAIM = re.compile(r"赔偿|补偿|退还|退款|退钱|退押金|返还|申诉|复议|我的[^。，,]{0,12}被|我被|被扣|被罚|"
                    r"权益怎么保障|权益[^。]{0,6}保障|打水漂|拖欠|欠我|要求退|refund|compensat")


def is_claim(text: str) -> bool:
    """Whether the (normalised) text asks for something for the writer personally (申诉求决)."""
    return _CLAIM.search(text) is not None


def is_enquiry(text: str) -> bool:
    """Whether the (normalised) text only asks a question, with no complaint or proposal."""
    return _QUESTION.search(text) is not None and _COMPLAINT.search(text) is None


def message_kind(text: str, *, accusation: bool, out_of_scope: bool) -> str:
    """The case kind: accusation, out_of_scope, claim, enquiry or suggestion (in that order)."""
    if accusation:
        return "accusation"
    if out_of_scope:
        return "out_of_scope"
    if is_claim(text):
        return "claim"
    if is_enquiry(text):
        return "enquiry"
    return "suggestion"
