"""Learned second opinions on the two flags: is the message an accusation, is it out of scope.

Each flag has its hand-written rules (:mod:`classifier.rules.accusation`, the out-of-scope evidence of
:mod:`classifier.engine`) and a logistic regression trained on labelled messages. Out of scope:
flagged when either says so. Accusation: the model decides, at a threshold the rules' evidence sets
(:func:`accusation_flag`), so it can veto a seal of the rules it finds unlikely. The rules see the
structures we know; the model learns the wording of the labelled sets, and it generalises because
its features are built the same way:

* accusation — character bigrams and trigrams, jieba words and English words of the text, plus the
  same character unigrams and bigrams *crossed with an identifiable target*: they only fire when the
  rules found a named person or unit (王科长, 施某, 那个副处长, 鑫泰置业). So the model learns which
  words, said of someone identifiable, are wrongdoing (截留, 克扣, 拍板 …) rather than which words
  occur in accusations in general, which are also the words of general complaints about graft;
  and the rules' own scores in bins (target, wrongdoing, their product, their verdict).
* out of scope — the rules' evidence (in-scope score, out-of-scope terms, their ratio) in bins, plus
  the text's character n-grams and words, and the n-grams crossed with *weak in-scope evidence*, so
  that it learns what everyday matters sound like when nothing ties them to the rectification.

A missed accusation can reach the accused department; a false seal hides a citizen's opinion from
the triagers and delays the answer. The thresholds are chosen for recall under a cap on the share of
ordinary messages sealed (``classifier/sweep.py``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from classifier.logistic import LogisticModel
from classifier.rules.accusation import AccusationCheck

FORMAT = "hqcbd-gates/1"
# The thresholds live in the model file alone (classifier/data/model.json, read by Gates.from_json):
# `python -m classifier sweep` shows where to put them, an edit of that file puts them there, and
# `python -m classifier train` keeps them. A message is sealed when P(accusation) reaches one of three:
# `threshold_rules` when the rules seal it (the model sees their scores among its features, so it
# learns where they over-trigger: misdeed words with no one identifiable, a named official praised, a
# question about how to report), `threshold` when they found a wrongdoing word said of someone the
# writer could identify, `threshold_no_wrongdoing` otherwise: the best pooled held-out recall among
# the points that seal at most 1 % of the ordinary messages, keep precision ≥ 85 % at the 8 % of
# accusations real mail holds, and keep every file but the hard-case ones at recall ≥ 85 %, precision
# ≥ 80 %. The out-of-scope `threshold` is the lowest with held-out precision ≥ 85 % on the files but
# the hard-case ones (a wrong hint can send a person away).

# How identifiable a target must be (rule score, 0 … 1) for the crossed features to fire: 0.7 takes
# named companies (鑫泰置业) and people known by their unit (服务中心的人), not "officials".
CROSS_TARGET = 0.7
# In-scope evidence below which the out-of-scope model's crossed features fire.
WEAK_SCOPE = 2.0
TRAINING = {
    "accusation": {"epochs": 10, "rate": 0.3, "l2": 3e-4, "positive_weight": 1.0, "min_count": 3},
    "out_of_scope": {"epochs": 10, "rate": 0.3, "l2": 1e-4, "positive_weight": 1.5, "min_count": 3},
}

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class ScopeEvidence:
    """What the rules know about scope: evidence for and against, and their own verdict."""

    inside: float  # best catalogue + lexicon score, plus the general rectification words
    outside: float  # weight of the out-of-scope terms found
    backoff: float  # best character-bigram backoff score (typos, unknown words)
    rule: bool


@dataclass(frozen=True)
class GateInput:
    """Everything the gates look at for one message (normalised text, words, rule evidence)."""

    text: str
    words: tuple[str, ...]
    accusation: AccusationCheck
    scope: ScopeEvidence


def _grams(text: str, sizes: Sequence[int]) -> set[str]:
    """Character n-grams of the CJK runs and the English words (with their pairs)."""
    grams = {run[i : i + n] for run in _CJK.findall(text) for n in sizes for i in range(len(run) - n + 1)}
    words = _ASCII_WORD.findall(text)
    grams.update(words)
    grams.update(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    return grams


def _unit(prefix: str, names: set[str], out: dict[str, float]) -> None:
    """Add ``names`` with one weight that makes the group's length one (long texts weigh alike)."""
    if names:
        value = 1.0 / math.sqrt(len(names))
        for name in names:
            out[prefix + name] = value


def accusation_features(inp: GateInput) -> dict[str, float]:
    """Features of the accusation model: text n-grams, n-grams crossed with a named target, and the
    rules' evidence in bins."""
    out: dict[str, float] = {}
    _unit("c", _grams(inp.text, (2, 3)) | {f"w{w}" for w in inp.words}, out)
    if inp.accusation.target_score >= CROSS_TARGET:
        _unit("t", _grams(inp.text, (1, 2)), out)
    _rule_evidence(inp.accusation, out)
    return out


def _rule_evidence(check: AccusationCheck, out: dict[str, float]) -> None:
    """The rules' scores as features, so the model learns when their verdict is wrong: a misdeed
    word with nobody identifiable, a named person praised, a question about reporting."""
    target, wrong = check.target_score, check.wrongdoing_score
    _bins("rt", target, (0.3, 0.5, 0.7, 0.8, 1.0), out)
    _bins("rw", wrong, (0.5, 1.0, 2.0, 3.0, 4.0), out)
    _bins("rp", target * wrong, (0.5, 1.0, 1.5, 2.0, 3.0, 4.0), out)
    if check.accusation:
        out["rule"] = 1.0
    if check.unidentified:
        out["unknown"] = 1.0
    if not check.targets:
        out["no_target"] = 1.0


def _bins(name: str, value: float, edges: Sequence[float], out: dict[str, float]) -> None:
    for edge in edges:
        if value >= edge:
            out[f"{name}>={edge}"] = 1.0


def scope_features(inp: GateInput) -> dict[str, float]:
    """Features of the out-of-scope model: the rules' evidence in bins, text n-grams, crossed n-grams."""
    scope = inp.scope
    out: dict[str, float] = {}
    _unit("c", _grams(inp.text, (1, 2, 3)) | {f"w{w}" for w in inp.words}, out)
    if scope.inside < WEAK_SCOPE:
        _unit("l", _grams(inp.text, (1, 2)), out)
    _bins("in", scope.inside, (0.3, 1.0, 2.0, 4.0, 8.0), out)
    _bins("out", scope.outside, (0.5, 1.0, 2.0, 3.0, 5.0), out)
    _bins("ratio", scope.outside / max(scope.inside, 0.1), (0.25, 0.5, 0.8, 1.5, 3.0), out)
    _bins("backoff", scope.backoff, (0.5, 1.0, 2.0), out)
    if scope.rule:
        out["rule"] = 1.0
    return out


def accusation_flag(
    check: AccusationCheck,
    probability: float,
    threshold: float,
    threshold_no_wrongdoing: float,
    threshold_rules: float = 0.0,
) -> bool:
    """The model's probability against the threshold the rules' evidence sets: a low one when the
    rules themselves flag the message (the model can only veto a seal it finds very unlikely), the
    two of :func:`model_threshold` otherwise."""
    if check.accusation:
        return probability >= threshold_rules
    return probability >= model_threshold(check, threshold, threshold_no_wrongdoing)


def model_threshold(check: AccusationCheck, threshold: float, threshold_no_wrongdoing: float) -> float:
    """The low threshold when the rules found a wrongdoing said of someone the writer could identify;
    the high one when they found none, or the writer says they do not know who it is."""
    return threshold if check.wrongdoing_score > 0 and not check.unidentified else threshold_no_wrongdoing


@dataclass(frozen=True)
class Gates:
    """The two trained models and their thresholds."""

    accusation: LogisticModel
    out_of_scope: LogisticModel
    accusation_threshold: float
    accusation_threshold_no_wrongdoing: float
    scope_threshold: float
    accusation_threshold_rules: float

    def accusation_probability(self, inp: GateInput) -> float:
        """The model's P(accusation) for a message."""
        return self.accusation.probability(accusation_features(inp))

    def scope_probability(self, inp: GateInput) -> float:
        """The model's P(out of scope) for a message."""
        return self.out_of_scope.probability(scope_features(inp))

    def is_accusation(self, inp: GateInput) -> bool:
        """The model, at the threshold the rules' evidence sets, takes the message for an accusation."""
        return accusation_flag(
            inp.accusation,
            self.accusation_probability(inp),
            self.accusation_threshold,
            self.accusation_threshold_no_wrongdoing,
            self.accusation_threshold_rules,
        )

    def is_out_of_scope(self, inp: GateInput) -> bool:
        """The rules or the model take the message for out of scope."""
        return inp.scope.rule or self.scope_probability(inp) >= self.scope_threshold

    def as_json(self) -> dict[str, Any]:
        """The models as JSON (what python -m classifier train writes to classifier/data/model.json)."""
        return {
            "format": FORMAT,
            "accusation": {
                **self.accusation.as_json(),
                "threshold": self.accusation_threshold,
                "threshold_no_wrongdoing": self.accusation_threshold_no_wrongdoing,
                "threshold_rules": self.accusation_threshold_rules,
            },
            "out_of_scope": {**self.out_of_scope.as_json(), "threshold": self.scope_threshold},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Gates:
        """The models back from :meth:`as_json`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        return cls(
            LogisticModel.from_json(data["accusation"]),
            LogisticModel.from_json(data["out_of_scope"]),
            float(data["accusation"]["threshold"]),
            float(data["accusation"]["threshold_no_wrongdoing"]),
            float(data["out_of_scope"]["threshold"]),
            float(data["accusation"].get("threshold_rules", 0.0)),  # files before it: the rules alone
        )


def train_gates(examples: Sequence[tuple[GateInput, bool, bool]], thresholds: Gates) -> Gates:
    """Train both models on ``(input, is_accusation, is_out_of_scope)`` triples; the thresholds are
    those of ``thresholds`` (the model file's: training never moves them)."""
    accusation = LogisticModel.fit(
        [(accusation_features(inp), acc) for inp, acc, _ in examples], **TRAINING["accusation"]
    )
    out_of_scope = LogisticModel.fit(
        [(scope_features(inp), oos) for inp, _, oos in examples], **TRAINING["out_of_scope"]
    )
    return replace(thresholds, accusation=accusation, out_of_scope=out_of_scope)
