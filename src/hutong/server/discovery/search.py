"""Search over mini programs by name, keywords and description, in Chinese, English and pinyin.

An in-process index: small enough to rebuild from the database whenever an app changes, fast enough for
tens of thousands of apps. Scores are BM25 per field, weighted (name above keywords above description),
with exact and prefix matches on names and pinyin, plus a gentle boost for apps people use.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from hutong.server.discovery.text import has_han, normalise, pinyin_forms, words

FIELD_WEIGHTS = {"name": 4.0, "keywords": 2.5, "category": 1.5, "description": 1.0}
_K1 = 1.2
_B = 0.75


@dataclass(frozen=True)
class SearchDocument:
    appid: str
    name: str
    keywords: tuple[str, ...] = ()
    description: str = ""
    category: str = ""
    uses: int = 0  # how often it was opened lately: a small boost, never stronger than relevance


@dataclass
class SearchHit:
    appid: str
    score: float


@dataclass
class _FieldIndex:
    postings: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    lengths: dict[str, int] = field(default_factory=dict)

    @property
    def average_length(self) -> float:
        return (sum(self.lengths.values()) / len(self.lengths)) if self.lengths else 1.0


class SearchIndex:
    def __init__(self, documents: list[SearchDocument] | None = None) -> None:
        self.documents: dict[str, SearchDocument] = {}
        self.fields: dict[str, _FieldIndex] = {name: _FieldIndex() for name in FIELD_WEIGHTS}
        self.pinyin: dict[str, tuple[str, ...]] = {}
        for document in documents or []:
            self.add(document)

    def add(self, document: SearchDocument) -> None:
        self.remove(document.appid)
        self.documents[document.appid] = document
        texts = {
            "name": document.name,
            "keywords": " ".join(document.keywords),
            "category": document.category,
            "description": document.description,
        }
        for name, text in texts.items():
            terms = Counter(words(text))
            index = self.fields[name]
            index.lengths[document.appid] = sum(terms.values())
            for term, count in terms.items():
                index.postings[term][document.appid] = count
        self.pinyin[document.appid] = pinyin_forms(document.name + " " + " ".join(document.keywords))

    def remove(self, appid: str) -> None:
        if appid not in self.documents:
            return
        del self.documents[appid]
        self.pinyin.pop(appid, None)
        for index in self.fields.values():
            index.lengths.pop(appid, None)
            for postings in index.postings.values():
                postings.pop(appid, None)

    def _expand(self, index: _FieldIndex, term: str) -> list[tuple[str, float]]:
        """The term itself, and for Latin words of 3+ letters the indexed words it begins (type-ahead,
        `course` finds `courses`), at a discount."""
        expanded = [(term, 1.0)] if term in index.postings else []
        if len(term) >= 3 and not has_han(term):
            expanded.extend(
                (other, 0.7) for other in index.postings if other != term and other.startswith(term)
            )
        return expanded

    def _bm25(self, terms: tuple[str, ...]) -> dict[str, float]:
        scores: dict[str, float] = defaultdict(float)
        total = max(len(self.documents), 1)
        for name, weight in FIELD_WEIGHTS.items():
            index = self.fields[name]
            average = index.average_length
            for term, discount in (pair for query_term in terms for pair in self._expand(index, query_term)):
                postings = index.postings.get(term)
                if not postings:
                    continue
                idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
                for appid, count in postings.items():
                    length = index.lengths.get(appid, 0)
                    tf = count * (_K1 + 1) / (count + _K1 * (1 - _B + _B * length / average))
                    scores[appid] += weight * idf * tf * discount
        return scores

    def search(self, query: str, limit: int = 20, uses: Mapping[str, int] | None = None) -> list[SearchHit]:
        """The best ``limit`` matches; ``uses`` (appid → recent launches) overrides documents' own."""
        query = normalise(query)
        if not query:
            return []
        scores = self._bm25(words(query))
        compact = query.replace(" ", "")
        for appid, document in self.documents.items():
            name = normalise(document.name)
            if compact == name.replace(" ", ""):
                scores[appid] += 20.0
            elif name.startswith(query):
                scores[appid] += 8.0
            elif len(query) >= 2 and query in name:
                scores[appid] += 5.0
            if not has_han(query) and compact.isalnum():
                for form in self.pinyin.get(appid, ()):
                    if compact == form:
                        scores[appid] += 12.0
                        break
                    if len(compact) >= 2 and form.startswith(compact):
                        scores[appid] += 6.0
                        break

        def used(appid: str) -> int:
            return uses.get(appid, 0) if uses is not None else self.documents[appid].uses

        hits = [
            SearchHit(appid, score + math.log1p(used(appid)) * 0.5)
            for appid, score in scores.items()
            if score > 0
        ]
        hits.sort(key=lambda hit: (-hit.score, self.documents[hit.appid].name, hit.appid))
        return hits[:limit]
