"""Words and scores for the classifier: jieba segmentation, character bigrams and BM25.

Pure Python (jieba for segmentation). BM25 scores are computed once per word when the index is
built, so scoring a message is one dictionary look-up per distinct word, whatever its length.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

_TOKENIZERS: dict[frozenset[str], Any] = {}
_TOKENIZER_LOCK = threading.Lock()
_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z][a-z'-]*|\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


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


class Segmenter:
    """jieba with the catalogue's words added, minus stopwords."""

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


def bigrams(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """Character bigrams of the CJK runs: lets the learned part pick up words jieba splits.

    A bigram that is a stopword or holds a one-character stopword (的, 了, 个 …) is noise and dropped.
    """
    grams = (run[i : i + 2] for run in _CJK.findall(text) for i in range(len(run) - 1))
    return [g for g in grams if g not in stopwords and g[0] not in stopwords and g[1] not in stopwords]


class Bm25:
    """BM25 over a few documents, with every word's scores per document computed up front."""

    def __init__(self, docs: Sequence[Counter[str]], k1: float = 1.2, b: float = 0.75) -> None:
        n = len(docs)
        lengths = [sum(d.values()) for d in docs]
        avg_len = sum(lengths) / max(n, 1)
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc.keys())
        self.size = n
        # word → {document index: score} for the documents holding it.
        self.postings: dict[str, dict[int, float]] = {}
        for word, freq in df.items():
            # The "+1" form of IDF never goes negative, so a word in every document merely counts ~0.
            idf = math.log(1 + (n - freq + 0.5) / (freq + 0.5))
            row = {}
            for i, doc in enumerate(docs):
                tf = doc.get(word, 0)
                if tf:
                    norm = k1 * (1 - b + b * lengths[i] / avg_len)
                    row[i] = idf * tf * (k1 + 1) / (tf + norm)
            self.postings[word] = row

    def term_score(self, i: int, word: str) -> float:
        """The score of one word in document ``i``."""
        return self.postings.get(word, {}).get(i, 0.0)

    def scores(self, query: dict[str, float] | Iterable[str]) -> list[float]:
        """Every document's score for a query (word → weight, or words of weight 1)."""
        totals = [0.0] * self.size
        weighted = query.items() if isinstance(query, dict) else ((w, 1.0) for w in query)
        for word, weight in weighted:
            for i, score in self.postings.get(word, {}).items():
                totals[i] += weight * score
        return totals
