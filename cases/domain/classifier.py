"""Suggestion classifier: which rectification problem (and task) a message is about, and what kind
of message it is. Pure Python (jieba for segmentation); the catalogue and lexicon come in as data.

Score of a problem for a message = BM25 of the message's words against the problem's published
text (title, task headlines, measures) + the weights of the lexicon terms it contains (colloquial,
English and Shanghainese paraphrases) + a naive-Bayes posterior learned from links that staff
confirmed (absent until :meth:`Classifier.train` is given some). Long messages that quote the notice
are carried by BM25, short colloquial ones by the lexicon, the house vocabulary by the learned part.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cases.domain import lexicon as default_lexicon
from cases.domain.message_kind import check_accusation, message_kind
from cases.domain.naive_bayes import NaiveBayes
from cases.domain.textnorm import TermMatcher, normalise, parse_weighted

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


@dataclass(frozen=True)
class CatalogueEntry:
    """One task of the catalogue, flattened with its problem: the classifier's input data."""

    problem_code: str
    problem_title: str
    task_headline: str
    task_text: str


@dataclass(frozen=True)
class Lexicon:
    """Hand-written domain knowledge; see :mod:`cases.domain.lexicon` for the format."""

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


@dataclass(frozen=True)
class Suggestion:
    """A suggested link: problem code, best task headline in it, score and the words behind it."""

    problem: str
    task: str
    score: float
    reason: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"problem": self.problem, "task": self.task, "score": self.score, "reason": list(self.reason)}


@dataclass(frozen=True)
class Classification:
    """The classifier's verdict on one message."""

    suggestions: tuple[Suggestion, ...]
    kind: str
    accusation: bool
    out_of_scope: bool

    def as_dict(self, message_id: Any = None) -> dict[str, Any]:
        """The JSON form (the ``flask cases classify --jsonl`` output line)."""
        return {
            "id": message_id,
            "suggestions": [s.as_dict() for s in self.suggestions],
            "kind": self.kind,
            "accusation": self.accusation,
            "out_of_scope": self.out_of_scope,
        }


def entries_from_notice(notice: Any) -> list[CatalogueEntry]:
    """Flatten a parsed notice (areas → problems → tasks) into catalogue entries."""
    return [
        CatalogueEntry(problem.code, problem.title, task.headline, task.body)
        for area in notice.areas
        for problem in area.problems
        for task in problem.tasks
    ]


# --- segmentation -----------------------------------------------------------------------------

_TOKENIZERS: dict[frozenset[str], Any] = {}
_TOKENIZER_LOCK = threading.Lock()
_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z][a-z'-]*|\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_QUOTED = re.compile(r"[《“\"]([^》”\"]{2,12})[》”\"]")


def _import_jieba() -> Any:
    # jieba 0.42 imports pkg_resources (deprecated, warns on recent setuptools) and has regexes
    # with invalid escapes (DeprecationWarning/SyntaxWarning when compiled): not ours to fix, and
    # they must not break a `-W error` test run.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.filterwarnings("ignore", message=".*pkg_resources.*")
        import jieba
    jieba.setLogLevel(logging.WARNING)  # it logs "Building prefix dict…" at DEBUG to stderr
    return jieba


def _tokenizer(words: frozenset[str]) -> Any:
    """A private jieba tokenizer knowing ``words``; built once per word set (≈0.5 s) and kept."""
    with _TOKENIZER_LOCK:
        tokenizer = _TOKENIZERS.get(words)
        if tokenizer is None:
            jieba = _import_jieba()
            tokenizer = jieba.Tokenizer()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                tokenizer.initialize()
            for word in sorted(words):
                tokenizer.add_word(word, freq=50_000)
            if len(_TOKENIZERS) >= 4:  # a handful of catalogues at most; forget the oldest
                _TOKENIZERS.pop(next(iter(_TOKENIZERS)))
            _TOKENIZERS[words] = tokenizer
        return tokenizer


class _Segmenter:
    def __init__(self, words: frozenset[str], stopwords: frozenset[str]) -> None:
        self._tokenizer = _tokenizer(words)
        self._stopwords = stopwords

    def words(self, text: str) -> list[str]:
        """Content words of normalised text, search-mode (核心区 also gives 核心)."""
        out = []
        for token in self._tokenizer.cut_for_search(text, HMM=False):
            token = token.strip()
            if not token or token in self._stopwords or not _WORD.fullmatch(token) or token.isdigit():
                continue
            out.append(token)
        return out


def _bigrams(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Character bigrams of the CJK runs: lets the learned part pick up words jieba splits.

    A bigram that is a stopword or holds a one-character stopword (的, 了, 个 …) is noise and dropped.
    """
    grams = (run[i : i + 2] for run in _CJK.findall(text) for i in range(len(run) - 1))
    return [g for g in grams if g not in stopwords and g[0] not in stopwords and g[1] not in stopwords]


# --- BM25 -------------------------------------------------------------------------------------


class _Bm25:
    def __init__(self, docs: Sequence[Counter[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.docs = list(docs)
        self.k1, self.b = k1, b
        n = len(self.docs)
        self.avg_len = sum(sum(d.values()) for d in self.docs) / max(n, 1)
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(doc.keys())
        # The "+1" form of IDF never goes negative, so a word in every document merely counts ~0.
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.lengths = [sum(d.values()) for d in self.docs]

    def term_score(self, i: int, word: str) -> float:
        tf = self.docs[i].get(word, 0)
        if not tf:
            return 0.0
        norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg_len)
        return self.idf[word] * tf * (self.k1 + 1) / (tf + norm)


# --- the classifier ---------------------------------------------------------------------------


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
    ) -> None:
        if not entries:
            raise ValueError("the catalogue is empty")
        self.entries = tuple(entries)
        self.lexicon = lexicon
        self.naive_bayes = naive_bayes
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
        self._segmenter = _Segmenter(frozenset(user_words), lexicon.stopwords)
        self._codes = list(self._problems)
        self._problem_bm25 = _Bm25([self._doc(code) for code in self._codes])
        self._task_bm25 = _Bm25(
            [Counter(self._words(e.task_headline) * 2 + self._words(e.task_text)) for e in self.entries]
        )
        self._bigram_bm25 = _Bm25([self._bigram_doc(code) for code in self._codes])
        self._task_rows = {
            code: [i for i, e in enumerate(self.entries) if e.problem_code == code] for code in self._codes
        }

    @classmethod
    def from_notice(cls, notice: Any, lexicon: Lexicon = DEFAULT_LEXICON) -> Classifier:
        """A classifier for a parsed notice."""
        return cls(entries_from_notice(notice), lexicon)

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
        grams = _bigrams(normalise(entries[0].problem_title), stop) * 2
        for entry in entries:
            grams += _bigrams(normalise(entry.task_headline), stop) * 2
            grams += _bigrams(normalise(entry.task_text), stop)
        for term, weight in self._problems[code].terms.items():
            grams += _bigrams(term, stop) * max(1, round(weight))
        return Counter(grams)

    def features(self, text: str) -> list[str]:
        """The learned part's features of a message: its words and CJK character bigrams."""
        flat = normalise(text)
        return self._segmenter.words(flat) + _bigrams(flat, self.lexicon.stopwords)

    def train(self, confirmed: Iterable[tuple[str, str]]) -> Classifier:
        """A new classifier that also learns from confirmed ``(text, problem_code)`` links."""
        examples = [(self.features(text), code) for text, code in confirmed if code in self._problems]
        learned = NaiveBayes.fit(examples, self._codes) if examples else None
        return Classifier(self.entries, self.lexicon, learned)

    def classify(self, text: str, subject: str = "") -> Classification:
        """Suggestions (best 3 problems), kind, accusation and out-of-scope flags for a message."""
        flat = normalise(f"{subject}。{text}" if subject else text)
        words = self._segmenter.words(flat)
        query = {w: (SINGLE_CHAR_WEIGHT if len(w) == 1 else 1.0) for w in words}
        hits = list(dict.fromkeys(self._lexicon_matcher.find(flat)))
        grams = _bigrams(flat, self.lexicon.stopwords)
        features = words + grams
        posterior = self._posterior(features)
        gram_query = set(grams)

        scored = []
        unlearned_top = 0.0  # best score without the learned part, for the out-of-scope hint
        backoff_top = 0.0
        for i, code in enumerate(self._codes):
            problem = self._problems[code]
            contributions = {w: q * self._problem_bm25.term_score(i, w) for w, q in query.items()}
            bm25 = sum(contributions.values())
            lex = {t: problem.terms[t] for t in hits if t in problem.terms}
            unlearned = W_BM25 * bm25 + W_LEXICON * sum(lex.values())
            # The backoff ranks but is no evidence of scope: any text shares some bigrams.
            unlearned_top = max(unlearned_top, unlearned)
            backoff = sum(self._bigram_bm25.term_score(i, g) for g in gram_query)
            backoff_top = max(backoff_top, W_BIGRAM * backoff)
            score = unlearned + W_BIGRAM * backoff + posterior.get(code, 0.0)
            scored.append((score, -i, code, contributions, lex))
        scored.sort(reverse=True)

        suggestions = tuple(
            Suggestion(
                code,
                self._best_task(code, query, lex),
                round(score, 3),
                _reason(lex, contributions, self._learned(features, code, posterior)),
            )
            for score, _, code, contributions, lex in scored[:TOP_K]
        )
        general = sum(self._general.terms[t] for t in dict.fromkeys(self._general.find(flat)))
        outside = sum(self._out_of_scope.terms[t] for t in dict.fromkeys(self._out_of_scope.find(flat)))
        # The learned part is trained on in-scope links alone, so its posterior always favours some
        # problem; it counts as in-scope evidence only through words it has learned to be typical
        # of the top problem (a new nickname for a building), not through its mere preference.
        inside = unlearned_top + general
        if suggestions and self._learned(features, suggestions[0].problem, posterior):
            inside += posterior.get(suggestions[0].problem, 0.0)
        out_of_scope = (outside > 0 and outside >= OOS_RATIO * inside) or (
            inside < MIN_EVIDENCE and backoff_top < BACKOFF_EVIDENCE
        )
        accusation = check_accusation(flat).accusation
        kind = message_kind(flat, accusation=accusation, out_of_scope=out_of_scope)
        return Classification(suggestions, kind, accusation, out_of_scope)

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
        best, best_score = rows[0], -1.0
        for position, row in enumerate(rows):
            score = sum(q * self._task_bm25.term_score(row, w) for w, q in query.items())
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


def classify_jsonl_lines(lines: Iterable[str], classifier: Classifier) -> Iterator[dict[str, Any]]:
    """Classify JSON Lines ({"id", "text", "subject"?}); yield one output dict per message.

    Blank lines are skipped; a line that is not a JSON object with a string "text" yields
    ``{"line": n, "error": "…"}`` instead, so one bad line does not stop a batch.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield {"line": number, "error": f"invalid JSON: {error.msg}"}
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield {"line": number, "error": 'expected an object with a string "text"'}
            continue
        subject = record.get("subject") if isinstance(record.get("subject"), str) else ""
        yield classifier.classify(record["text"], subject).as_dict(record.get("id"))
