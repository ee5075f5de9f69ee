"""The hand-written lexicon for the 2023 rectification notice: how the public says what the notice says.

The notice is written in official language (着力降低核心区楼宇空置率); people write "那几栋楼一直空着",
"写字楼租不出去", "阿拉楼下个写字楼空关老久", "half-empty office towers". The words are data, in
classifier/data/lexicon/ (their format is described at the top of each file), read once here:

- ``problem_terms.txt``: each problem code's groups of terms, a group keyed by a fragment of one task
  headline (so a hit also points at that task) or by "" for the whole problem;
- ``general_terms.txt``: words of the rectification in general, which keep a message in scope;
- ``out_of_scope_terms.txt``: matters for other authorities;
- ``stopwords.txt``: function words and fillers that carry no topic.

Terms are ``term:weight`` (default 1.0); the classifier takes the lexicon as an argument, so the next
notice gets its own.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "GENERAL_TERMS", "OUT_OF_SCOPE_TERMS", "PROBLEM_TERMS", "STOPWORDS", "read_problem_terms", "read_terms",
]

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"


def _lines(path: Path) -> list[str]:
    """The non-blank lines of a lexicon file, comments (``#`` to the end of the line) left out."""
    text = path.read_text(encoding="utf-8")
    return [line for raw in text.splitlines() if (line := raw.split("#", 1)[0].strip())]


def read_terms(path: Path) -> str:
    """A terms file as one ``"term:weight …"`` spec, as :func:`classifier.textnorm.parse_weighted` reads."""
    return " ".join(_lines(path))


def read_problem_terms(path: Path) -> dict[str, dict[str, str]]:
    """``[code]`` / ``[code fragment]`` sections → {code: {fragment or "": "term:weight …"}}."""
    groups: dict[str, dict[str, list[str]]] = {}
    current: list[str] | None = None
    for line in _lines(path):
        if line.startswith("[") and line.endswith("]"):
            code, _, fragment = line[1:-1].partition(" ")
            current = groups.setdefault(code, {}).setdefault(fragment, [])
        elif current is None:
            raise ValueError(f"{path.name}: terms before the first [code] section")
        else:
            current.append(line)
    return {code: {key: " ".join(lines) for key, lines in keyed.items()} for code, keyed in groups.items()}


PROBLEM_TERMS: dict[str, dict[str, str]] = read_problem_terms(LEXICON_DIR / "problem_terms.txt")
GENERAL_TERMS = read_terms(LEXICON_DIR / "general_terms.txt")
OUT_OF_SCOPE_TERMS = read_terms(LEXICON_DIR / "out_of_scope_terms.txt")
STOPWORDS = frozenset(read_terms(LEXICON_DIR / "stopwords.txt").split())
