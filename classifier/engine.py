"""Suggestion classifier: which rectification problem (and task) a message is about, and what kind
of message it is. Pure Python (jieba for segmentation); the catalogue and lexicon come in as data.

Score of a problem for a message = BM25 of the message's words against the problem's published
text (title, task headlines, measures) + the weights of the lexicon terms it contains (colloquial,
English and Shanghainese paraphrases) + a naive-Bayes posterior learned from links that staff
confirmed (absent until :meth:`Classifier.train` is given some). Long messages that quote the notice
are carried by BM25, short colloquial ones by the lexicon, the house vocabulary by the learned part.

The accusation and out-of-scope flags come from hand-written rules and, when the classifier is given
them, trained gates (:mod:`classifier.gates`, shipped in classifier/data/model.json), which weigh the rules'
evidence (see there). A long
message is classified on its beginning and end (``HEAD_CHARS``, ``TAIL_CHARS``), so the work per
message is bounded whatever its length.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from classifier import lexicon as default_lexicon
from classifier.gates import GateInput, Gates, ScopeEvidence, train_gates
from classifier.naive_bayes import NaiveBayes
from classifier.rules.accusation import check_accusation
from classifier.rules.message_kind import message_kind
from classifier.textindex import Bm25, Segmenter, bigrams
from classifier.textnorm import TermMatcher, normalise, parse_weighted
from classifier.verdict import Classification, Suggestion, classify_jsonl_lines

__all__ = [
    "KINDS",
    "CatalogueEntry",
    "Classification",
    "Classifier",
    "Lexicon",
    "Suggestion",
    "classify_jsonl_lines",
    "entries_from_notice",
]

KINDS = ("suggestion", "accusation", "claim", "enquiry", "out_of_scope")

# Weights of the three parts. BM25 sums over every word of a long message, so it is damped
# relative to the lexicon, whose terms are few and chosen.
W_BM25 = 0.35
W_LEXICON = 1.0
W_NAIVE_BAYES = 2.0
# Character-bigram backoff: BM25 of the message's CJK bigrams against each problem's notice text and
# lexicon terms. It catches words neither jieba nor the lexicon knows (派生词, typos such as 空致率 for
# 空置率 still share 空置/致率 → one bigram) and is kept small so that it only breaks near-ties and
# lifts problems nothing else scores.
W_BIGRAM = 0.12
# A message with no catalogue word and no lexicon term is still in scope when its bigrams alone
# reach this (a typo-ridden 容积律被偷偷提高了); below it, an empty or unrelated message.
BACKOFF_EVIDENCE = 1.0
# The learned part earns trust with the number of confirmed examples: n / (n + NB_TRUST).
NB_TRUST = 3.0
# Out of scope when the out-of-scope evidence reaches OOS_RATIO × the in-scope evidence (a shade
# below parity: a message that names a parking ticket or a hospital is rarely about the
# rectification), or when nothing at all scores MIN_EVIDENCE (an empty or unrelated message).
OOS_RATIO = 0.8
MIN_EVIDENCE = 0.3
SINGLE_CHAR_WEIGHT = 0.3
TOP_K = 3
# Work per message is bounded: a longer text is classified on its beginning and its end. Labelled
# messages run to a few hundred characters; a long letter says what it is about early on and often
# sums up (or names who it accuses) at the end, while the middle mostly quotes the notice. Without the
# bound segmentation and matching grow with the text (≈20 ms per 1,000 characters before).
HEAD_CHARS = 1000
TAIL_CHARS = 300


@dataclass(frozen=True)
class CatalogueEntry:
    """One task of the catalogue, flattened with its problem: the classifier's input data."""

    problem_code: str
    problem_title: str
    task_headline: str
    task_text: str


@dataclass(frozen=True)
class Lexicon:
    """Hand-written domain knowledge; see :mod:`classifier.lexicon` for the format."""

    problem_terms: dict[str, dict[str, str]]
    general_terms: str = ""
    out_of_scope_terms: str = ""
    stopwords: frozenset[str] = frozenset()


DEFAULT_LEXICON = Lexicon(
    problem_terms=default_lexicon.PROBLEM_TERMS,
    general_terms=default_lexicon.GENERAL_TERMS,
    out_of_scope_terms=default_lexicon.OUT_OF_SCOPE_TERMS,
    stopwords=default_lexicon.STOPWORDS,
)


def entries_from_notice(notice: Any) -> list[CatalogueEntry]:
    """Flatten a parsed notice (areas → problems → tasks) into catalogue entries."""
    return [
        CatalogueEntry(problem.code, problem.title, task.headline, task.body)
        for area in notice.areas
        for problem in area.problems
        for task in problem.tasks
    ]


def _bounded(text: str) -> str:
    """The part of a text that is classified: all of it, or its head and tail when it is long."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return f"{text[:HEAD_CHARS]}。{text[-TAIL_CHARS:]}"


_QUOTED = re.compile(r"[《“\"]([^》”\"]{2,12})[》”\"]")


# --- the classifier ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Analysis:
    """One message worked through: its query, lexicon hits, learned part, ranking and gate input."""

    query: dict[str, float]
    hits: list[str]
    features: list[str]
    posterior: dict[str, float]
    ranked: list[tuple[float, int, str]]  # (score, -index, code), best first
    gate: GateInput


@dataclass
class _Problem:
    code: str
    title: str
    headlines: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)  # lexicon term → weight
    task_terms: dict[str, int] = field(default_factory=dict)  # lexicon term → task index


class Classifier:
    """Scores messages against a catalogue; immutable, so one instance can serve all threads."""

    def __init__(
        self,
        entries: Sequence[CatalogueEntry],
        lexicon: Lexicon = DEFAULT_LEXICON,
        naive_bayes: NaiveBayes | None = None,
        gates: Gates | None = None,
    ) -> None:
        if not entries:
            raise ValueError("the catalogue is empty")
        self.entries = tuple(entries)
        self.lexicon = lexicon
        self.naive_bayes = naive_bayes
        self.gates = gates
        self._problems: dict[str, _Problem] = {}
        for entry in self.entries:
            code = entry.problem_code
            problem = self._problems.setdefault(code, _Problem(code, entry.problem_title))
            problem.headlines.append(entry.task_headline)
        all_terms: dict[str, float] = {}
        for code, groups in lexicon.problem_terms.items():
            problem = self._problems.get(code)
            if problem is None:  # a lexicon written for another catalogue: ignore its extra codes
                continue
            for key, spec in groups.items():
                task_index = next(
                    (i for i, h in enumerate(problem.headlines) if key and key in normalise(h)), None
                )
                for term, weight in parse_weighted(spec).items():
                    problem.terms[term] = max(weight, problem.terms.get(term, 0.0))
                    if task_index is not None:
                        problem.task_terms.setdefault(term, task_index)
                    all_terms[term] = 1.0
        self._lexicon_matcher = TermMatcher(all_terms)
        self._general = TermMatcher(parse_weighted(lexicon.general_terms))
        self._out_of_scope = TermMatcher(parse_weighted(lexicon.out_of_scope_terms))
        user_words = {t for t in all_terms if not t.isascii()}
        for entry in self.entries:  # quoted names and document titles of the notice: 《…》 “…”
            user_words.update(_QUOTED.findall(normalise(entry.task_text)))
        self._segmenter = Segmenter(frozenset(user_words), lexicon.stopwords)
        self._codes = list(self._problems)
        self._problem_bm25 = Bm25([self._doc(code) for code in self._codes])
        self._task_bm25 = Bm25(
            [Counter(self._words(e.task_headline) * 2 + self._words(e.task_text)) for e in self.entries]
        )
        self._bigram_bm25 = Bm25([self._bigram_doc(code) for code in self._codes])
        self._task_rows = {
            code: [i for i, e in enumerate(self.entries) if e.problem_code == code] for code in self._codes
        }
        # lexicon term → ((problem index, weight), …): a hit adds its weight to those problems.
        term_problems: dict[str, list[tuple[int, float]]] = {}
        for i, code in enumerate(self._codes):
            for term, weight in self._problems[code].terms.items():
                term_problems.setdefault(term, []).append((i, weight))
        self._term_problems = {term: tuple(rows) for term, rows in term_problems.items()}

    @classmethod
    def from_notice(
        cls, notice: Any, lexicon: Lexicon = DEFAULT_LEXICON, gates: Gates | None = None
    ) -> Classifier:
        """A classifier for a parsed notice."""
        return cls(entries_from_notice(notice), lexicon, gates=gates)

    def _derived(self, naive_bayes: NaiveBayes | None, gates: Gates | None) -> Classifier:
        # The catalogue index (segmenter, BM25 tables) depends only on the entries and the lexicon:
        # share it rather than build it again.
        clone = copy.copy(self)
        clone.naive_bayes, clone.gates = naive_bayes, gates
        return clone

    def with_model(self, naive_bayes: NaiveBayes | None) -> Classifier:
        """The same classifier with another learned part (e.g. the newest stored model)."""
        return self._derived(naive_bayes, self.gates)

    def with_gates(self, gates: Gates | None) -> Classifier:
        """The same classifier with other accusation and out-of-scope gates (None: rules only)."""
        return self._derived(self.naive_bayes, gates)

    def _words(self, text: str) -> list[str]:
        return self._segmenter.words(normalise(text))

    def _doc(self, code: str) -> Counter[str]:
        entries = [e for e in self.entries if e.problem_code == code]
        words = self._words(entries[0].problem_title) * 2
        for entry in entries:
            words += self._words(entry.task_headline) * 2 + self._words(entry.task_text)
        return Counter(words)

    def _bigram_doc(self, code: str) -> Counter[str]:
        """The problem's character bigrams: its notice text, and its lexicon terms by weight."""
        entries = [e for e in self.entries if e.problem_code == code]
        stop = self.lexicon.stopwords
        grams = bigrams(normalise(entries[0].problem_title), stop) * 2
        for entry in entries:
            grams += bigrams(normalise(entry.task_headline), stop) * 2
            grams += bigrams(normalise(entry.task_text), stop)
        for term, weight in self._problems[code].terms.items():
            grams += bigrams(term, stop) * max(1, round(weight))
        return Counter(grams)

    def features(self, text: str) -> list[str]:
        """The learned part's features of a message: its words and CJK character bigrams."""
        flat = normalise(text)
        return self._segmenter.words(flat) + bigrams(flat, self.lexicon.stopwords)

    def train(self, confirmed: Iterable[tuple[str, str]]) -> Classifier:
        """A new classifier that also learns from confirmed ``(text, problem_code)`` links."""
        examples = [(self.features(text), code) for text, code in confirmed if code in self._problems]
        return self.with_model(NaiveBayes.fit(examples, self._codes) if examples else None)

    def train_gates(self, labelled: Iterable[tuple[str, str, bool, bool]], thresholds: Gates) -> Classifier:
        """A new classifier whose gates learn from ``(text, subject, is_accusation, is_out_of_scope)``,
        at the thresholds of ``thresholds``."""
        examples = [(self.gate_input(text, subject), acc, oos) for text, subject, acc, oos in labelled]
        return self.with_gates(train_gates(examples, thresholds))

    def gate_input(self, text: str, subject: str = "") -> GateInput:
        """What the accusation and out-of-scope gates see of a message (used to train them)."""
        return self._analyse(text, subject).gate

    def classify(self, text: str, subject: str = "") -> Classification:
        """Suggestions (best 3 problems), kind, accusation and out-of-scope flags for a message."""
        analysis = self._analyse(text, subject)
        gate = analysis.gate
        suggestions = tuple(
            self._suggestion(code, score, analysis) for score, _, code in analysis.ranked[:TOP_K]
        )
        if self.gates is None:  # rules only
            accusation, out_of_scope = gate.accusation.accusation, gate.scope.rule
        else:
            accusation, out_of_scope = self.gates.is_accusation(gate), self.gates.is_out_of_scope(gate)
        kind = message_kind(gate.text, accusation=accusation, out_of_scope=out_of_scope)
        return Classification(suggestions, kind, accusation, out_of_scope)

    def _analyse(self, text: str, subject: str) -> _Analysis:
        """Scores of every problem and the evidence on scope and accusation."""
        flat = normalise(_bounded(f"{subject}。{text}" if subject else text))
        words = self._segmenter.words(flat)
        query = {w: (SINGLE_CHAR_WEIGHT if len(w) == 1 else 1.0) for w in words}
        hits = list(dict.fromkeys(self._lexicon_matcher.find(flat)))
        grams = bigrams(flat, self.lexicon.stopwords)
        features = words + grams
        posterior = self._posterior(features)

        bm25 = self._problem_bm25.scores(query)
        backoff = self._bigram_bm25.scores(set(grams))
        lexicon = [0.0] * len(self._codes)
        for term in hits:
            for i, weight in self._term_problems.get(term, ()):
                lexicon[i] += weight
        ranked = []
        for i, code in enumerate(self._codes):
            score = W_BM25 * bm25[i] + W_LEXICON * lexicon[i] + W_BIGRAM * backoff[i]
            ranked.append((score + posterior.get(code, 0.0), -i, code))
        ranked.sort(reverse=True)
        # Best score without the learned part, for the out-of-scope hint. The backoff ranks but is
        # no evidence of scope: any text shares some bigrams.
        unlearned_top = max(W_BM25 * b + W_LEXICON * x for b, x in zip(bm25, lexicon, strict=True))
        backoff_top = W_BIGRAM * max(backoff)
        general = sum(self._general.terms[t] for t in dict.fromkeys(self._general.find(flat)))
        outside = sum(self._out_of_scope.terms[t] for t in dict.fromkeys(self._out_of_scope.find(flat)))
        # The learned part is trained on in-scope links alone, so its posterior always favours some
        # problem; it counts as in-scope evidence only through words it has learned to be typical
        # of the top problem (a new nickname for a building), not through its mere preference.
        inside = unlearned_top + general
        top = ranked[0][2]
        if self._learned(features, top, posterior):
            inside += posterior.get(top, 0.0)
        rule = (outside > 0 and outside >= OOS_RATIO * inside) or (
            inside < MIN_EVIDENCE and backoff_top < BACKOFF_EVIDENCE
        )
        gate = GateInput(
            flat, tuple(words), check_accusation(flat), ScopeEvidence(inside, outside, backoff_top, rule)
        )
        return _Analysis(query, hits, features, posterior, ranked, gate)

    def _suggestion(self, code: str, score: float, analysis: _Analysis) -> Suggestion:
        """One suggestion with its best task and the words behind it (only for the top three)."""
        i = self._codes.index(code)
        problem = self._problems[code]
        contributions = {w: q * self._problem_bm25.term_score(i, w) for w, q in analysis.query.items()}
        lex = {t: problem.terms[t] for t in analysis.hits if t in problem.terms}
        reason = _reason(lex, contributions, self._learned(analysis.features, code, analysis.posterior))
        return Suggestion(code, self._best_task(code, analysis.query, lex), round(score, 3), reason)

    def _posterior(self, features: list[str]) -> dict[str, float]:
        if self.naive_bayes is None:
            return {}
        trust = self.naive_bayes.size / (self.naive_bayes.size + NB_TRUST)
        return {c: W_NAIVE_BAYES * trust * p for c, p in self.naive_bayes.posterior(features).items()}

    def _learned(self, features: list[str], code: str, posterior: dict[str, float]) -> list[str]:
        """Words the learned part associates with ``code``, when it weighs in noticeably."""
        if self.naive_bayes is None or posterior.get(code, 0.0) < 0.3:
            return []
        return self.naive_bayes.evidence(features, code)

    def _best_task(self, code: str, query: dict[str, float], lex: dict[str, float]) -> str:
        rows = self._task_rows[code]
        task_terms = self._problems[code].task_terms
        task_scores = self._task_bm25.scores(query)
        best, best_score = rows[0], -1.0
        for position, row in enumerate(rows):
            score = task_scores[row]
            score += sum(weight for term, weight in lex.items() if task_terms.get(term) == position)
            if score > best_score:
                best, best_score = row, score
        return self.entries[best].task_headline


def _reason(
    lex: dict[str, float], contributions: dict[str, float], learned: list[str], limit: int = 6
) -> tuple[str, ...]:
    """The words that weighed most: lexicon terms, the strongest catalogue words, learned words."""
    ranked = (
        sorted(lex.items(), key=lambda kv: -kv[1])
        + sorted(((w, W_BM25 * s) for w, s in contributions.items() if s > 0.5), key=lambda kv: -kv[1])
        + [(w, 0.0) for w in learned]
    )
    out: list[str] = []
    for term, _ in ranked:
        term = term.rstrip("*")
        if term not in out:
            out.append(term)
    return tuple(out[:limit])
