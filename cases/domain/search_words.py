"""Words for full-text search: Chinese segmented with jieba, so that a database that only splits on
spaces (PostgreSQL's 'simple' configuration, SQLite LIKE) can still find 空置 in 楼宇空置率."""

from __future__ import annotations

import gc
import logging
import re
import threading
import warnings
from typing import Any

from classifier.textnorm import normalise

_WORD = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9][a-z0-9@._'-]*")
_LOCK = threading.Lock()
_JIEBA: list[Any] = []
MAX_QUERY_WORDS = 8


def _jieba() -> Any:
    with _LOCK:
        if not _JIEBA:
            # jieba 0.42 warns on import (pkg_resources, invalid escapes): not ours, and the tests
            # run with warnings as errors.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", SyntaxWarning)
                warnings.simplefilter("ignore", ResourceWarning)
                warnings.filterwarnings("ignore", message=".*pkg_resources.*")
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
            # The dictionary is half a million objects that live as long as the process: keep the
            # cyclic garbage collector from walking them on every full collection (a 50-80 ms pause).
            gc.freeze()
            _JIEBA.append(jieba)
        return _JIEBA[0]


def _tokens(text: str, for_search: bool) -> list[str]:
    flat = normalise(text)
    jieba = _jieba()
    cut = jieba.cut_for_search(flat, HMM=False) if for_search else jieba.cut(flat, HMM=False)
    return [token for token in (t.strip() for t in cut) if token and _WORD.fullmatch(token)]


def index_words(*texts: str) -> str:
    """The space-separated distinct words of ``texts`` (search mode: 空置率 also gives 空置)."""
    seen: dict[str, None] = {}
    for text in texts:
        for token in _tokens(text or "", for_search=True):
            seen.setdefault(token, None)
    return " ".join(seen)


def query_words(query: str) -> list[str]:
    """The words of a search query, all of which a case must contain (at most MAX_QUERY_WORDS)."""
    words = list(dict.fromkeys(_tokens(query, for_search=False)))
    return words[:MAX_QUERY_WORDS]


def rarest_words(words: list[str], limit: int) -> list[str]:
    """The ``limit`` most telling of ``words``: longest first among the rarest in jieba's dictionary.

    A word jieba does not know (a building's nickname, a name) counts as rarest; single characters
    and digits say little and are left out.
    """
    frequency = _jieba().dt.FREQ
    telling = [w for w in dict.fromkeys(words) if len(w) >= 2 and not w.isdigit()]
    telling.sort(key=lambda w: (frequency.get(w) or 0, -len(w), w))
    return telling[:limit]
