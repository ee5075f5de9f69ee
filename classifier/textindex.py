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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

_TOKENIZERS: dict[frozenset[str], _Tokenizer] = {}
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


def _shared_dictionary() -> Any:
    """jieba's default tokenizer, initialised: the one dictionary (≈70 MB) every segmenter reads."""
    jieba = _import_jieba()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        jieba.dt.check_initialized()
    return jieba.dt


class _Tokenizer:
    """jieba's segmentation (HMM off) over its default dictionary plus a few added words.

    jieba's ``add_word`` writes into a tokenizer's own dictionary, so a private jieba tokenizer needs
    a private copy of the whole vocabulary (≈80 MB of RSS beside the copy search already holds). This
    one reads the shared default dictionary and keeps only the added words and their prefixes apart.
    The steps are jieba 0.42's own (``cut`` with HMM off, ``get_DAG``, ``calc``, ``cut_for_search``)
    done on the two tables, so the words are exactly those of a private tokenizer given the same
    ``add_word`` calls (a test compares them). The default dictionary is only read: nothing in the
    project adds words to it.
    """

    def __init__(self, words: Iterable[str], freq: int) -> None:
        jieba = _import_jieba()
        base = _shared_dictionary()
        self._base: dict[str, int] = base.FREQ
        self._added: dict[str, int] = {}
        total = base.total
        for word in sorted(words):  # what add_word(word, freq) does, on the small table
            self._added[word] = freq
            total += freq
            for end in range(1, len(word)):
                prefix = word[:end]
                if prefix not in self._added and prefix not in self._base:
                    self._added[prefix] = 0
        self._logtotal = math.log(total)
        self._han, self._skip, self._eng = jieba.re_han_default, jieba.re_skip_default, jieba.re_eng

    def _freq(self, word: str) -> int | None:
        freq = self._added.get(word)
        return self._base.get(word) if freq is None else freq

    def cut_for_search(self, sentence: str) -> Iterator[str]:
        """Words, then their known two- and three-character parts (jieba's cut_for_search)."""
        for word in self._cut(sentence):
            if len(word) > 2:
                for i in range(len(word) - 1):
                    if self._freq(word[i : i + 2]):
                        yield word[i : i + 2]
            if len(word) > 3:
                for i in range(len(word) - 2):
                    if self._freq(word[i : i + 3]):
                        yield word[i : i + 3]
            yield word

    def _cut(self, sentence: str) -> Iterator[str]:
        """jieba's ``cut(HMM=False)``: runs of word characters by the DAG, the rest one by one."""
        for block in self._han.split(sentence):
            if not block:
                continue
            if self._han.match(block):
                yield from self._cut_block(block)
                continue
            for part in self._skip.split(block):
                if self._skip.match(part):
                    yield part
                else:
                    yield from part

    def _cut_block(self, sentence: str) -> Iterator[str]:
        route = self._route(sentence)
        x, n, letters = 0, len(sentence), ""
        while x < n:
            y = route[x][1] + 1
            word = sentence[x:y]
            if len(word) == 1 and self._eng.match(word):  # single letters and digits run together
                letters += word
            else:
                if letters:
                    yield letters
                    letters = ""
                yield word
            x = y
        if letters:
            yield letters

    def _route(self, sentence: str) -> dict[int, tuple[float, int]]:
        """The most probable split (jieba's get_DAG then calc), as position → (log P, word end)."""
        added, base, logtotal, log = self._added, self._base, self._logtotal, math.log
        n = len(sentence)
        dag = []
        for k in range(n):
            ends, i, frag = [], k, sentence[k]
            while i < n:
                freq = added.get(frag)
                if freq is None:
                    freq = base.get(frag)
                    if freq is None:
                        break
                if freq:
                    ends.append(i)
                i += 1
                frag = sentence[k : i + 1]
            dag.append(ends or [k])
        route: dict[int, tuple[float, int]] = {n: (0, 0)}
        for idx in range(n - 1, -1, -1):
            route[idx] = max(
                (log(added.get(sentence[idx : x + 1]) or base.get(sentence[idx : x + 1]) or 1)
                 - logtotal + route[x + 1][0], x)
                for x in dag[idx]
            )
        return route


def _tokenizer(words: frozenset[str]) -> _Tokenizer:
    """A tokenizer knowing ``words`` (built once per word set and kept)."""
    with _TOKENIZER_LOCK:
        tokenizer = _TOKENIZERS.get(words)
        if tokenizer is None:
            tokenizer = _Tokenizer(words, freq=50_000)
            if len(_TOKENIZERS) >= 4:  # a handful of catalogues at most; forget the oldest
                _TOKENIZERS.pop(next(iter(_TOKENIZERS)))
            _TOKENIZERS[words] = tokenizer
        return tokenizer


class Segmenter:
    """jieba with the catalogue's words added, minus stopwords."""

    def __init__(self, words: frozenset[str], stopwords: frozenset[str]) -> None:
        self.added_words = words
        self._tokenizer = _tokenizer(words)
        self._stopwords = stopwords

    def words(self, text: str) -> list[str]:
        """Content words of normalised text, search-mode (核心区 also gives 核心)."""
        out = []
        for token in self._tokenizer.cut_for_search(text):
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
