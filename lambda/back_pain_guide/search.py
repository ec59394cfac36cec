"""Ranks content for a free-form question, and picks the chunk that answers it.

BM25F over word stems and stem pairs with two fields: a topic's names (title and synonyms),
which count most, and its text (chunks, treatment, example questions). Questions are widened
with the everyday-to-medical words in ``search_lexicon.json`` (at a lower weight), and
spellings are made one (the content's locale spellings, inverted, plus the lexicon's). The
session's recent topics break near-ties: a small boost for the recent topics' related topics,
and a larger one for the current topic when the question points back at it ("does it go
away by itself" after sciatica) and the topic has the question's words.

A question is answered only when the best topic clears two bars: a score, and the share of
the question's meaning (by idf) that the topic covers; otherwise the caller declines. The
index is built once per process (the handler caches it); a query costs well under a
millisecond (``make bench-questions``).
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple, Sequence

from .content import Content, Topic
from .text import stem
from .text import words as to_words

LEXICON_PATH = Path(__file__).with_name("search_lexicon.json")

NAME_WEIGHT = 2.5         # a word in a topic's title or synonyms, against one in its text
QUESTION_WEIGHT = 2.0     # a word in a topic's example questions, against one in its text
K1 = 1.2
B_NAMES, B_TEXT = 0.3, 0.5
PAIR_WEIGHT = 1.0         # a stem pair ("bed rest") on top of its two stems
PAIR_MIN_IDF = 1.0        # pairs count only when both stems mean something on their own
EXPANSION_WEIGHT = 0.6    # a lexicon word added to the question
DOMAIN_WEIGHT = 0.3       # "back", "pain", "hurt": said in nearly every question, so they only break ties
MIN_SCORE_SHARE = 0.75    # the best topic must score this share of the rarest word's idf, or we decline
MIN_COVERAGE = 0.35       # share of the question's idf the best topic must match
UNKNOWN_IDF_SHARE = 1.25  # a question word the content never uses, against the rarest word it does use
RELATED_BOOST = 0.15      # share added to topics related to what was asked recently
CURRENT_BOOST = 0.3       # share added to the current topic when the question says "it", "that"...
RECENT = 3                # how many recent topics lend their related topics a boost
FIRST_CHUNK_EDGE = 0.5    # a later chunk must beat the first by this much to be read instead
ANAPHORA = frozenset({"it", "that", "this", "they", "them", "those", "these", "its"})
_NO_POSTINGS: Mapping[int, float] = {}


class Hit(NamedTuple):
    """A topic that answers the question, and where in it the answer is (a NamedTuple: as
    immutable as a frozen dataclass, and quicker to make, up to three for every question)."""

    topic: Topic
    score: float
    part: str = "chunks"   # "chunks" or "treatment", as in answers.Reading
    index: int = 0


@dataclass(frozen=True)
class Lexicon:
    stop_words: frozenset[str]
    domain_words: frozenset[str]
    treatment_words: tuple[str, ...]
    spellings: PhraseTable
    expansions: PhraseTable

    @classmethod
    def load(cls, content: Content, path: Path = LEXICON_PATH) -> "Lexicon":
        raw = json.loads(path.read_text(encoding="utf-8"))
        spellings: dict[tuple[str, ...], tuple[str, ...]] = {}
        for info in content.locales.values():
            for us, local in info.spellings.items():
                spellings.setdefault(to_words(local), to_words(us))
        spellings.update({to_words(k): to_words(v) for k, v in raw["spellings"].items()})
        return cls(
            stop_words=frozenset(to_words(raw["stop_words"]) + to_words(raw["place_words"])),
            domain_words=frozenset(to_words(raw["domain_words"])),
            treatment_words=to_words(raw["treatment_words"]),
            spellings=PhraseTable({k: v for k, v in spellings.items() if k and k != v}),
            expansions=PhraseTable({to_words(k): to_words(v) for k, v in raw["expansions"].items() if to_words(k)}),
        )


class PhraseTable:
    """Word phrases to replacement words, found left to right, longest first, not overlapping."""

    def __init__(self, table: Mapping[tuple[str, ...], tuple[str, ...]]) -> None:
        self._table = dict(table)
        sizes: dict[str, set[int]] = defaultdict(set)
        for phrase in table:
            sizes[phrase[0]].add(len(phrase))
        self._sizes = {first: sorted(s, reverse=True) for first, s in sizes.items()}

    def items(self) -> Iterable[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Every phrase and its replacement."""
        return self._table.items()

    def find(self, words: Sequence[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        if self._sizes.keys().isdisjoint(words):  # most questions have none of the phrases
            return []
        found, i, count = [], 0, len(words)
        while i < count:
            for size in self._sizes.get(words[i], ()):
                replacement = self._table.get(tuple(words[i:i + size])) if i + size <= count else None
                if replacement is not None:
                    found.append((i, i + size, replacement))
                    i += size
                    break
            else:
                i += 1
        return found


class Analyzer:
    """Text to terms: stems of the words that carry meaning, and adjacent stem pairs."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._meaningless = lexicon.stop_words | lexicon.domain_words
        # Each lexicon phrase's stems (what it stands in for) and the terms it adds to a question.
        self._expansions: dict[tuple[str, ...], tuple[frozenset[str], tuple[str, ...]]] = {}
        for phrase, extra in lexicon.expansions.items():
            added = self.stems(extra)
            self._expansions[phrase] = (frozenset(self.stems(phrase, keep_domain=True)),
                                        tuple(added + self.pairs(added)))

    def spelled(self, text: str) -> list[str]:
        return self.spelled_words(to_words(text))

    def spelled_words(self, words: Sequence[str]) -> list[str]:
        """The words with every spelling made one (the content's and the lexicon's)."""
        spelled = list(words)
        for start, end, replacement in reversed(self.lexicon.spellings.find(spelled)):
            spelled[start:end] = replacement
        return spelled

    def stems(self, words: Sequence[str], keep_domain: bool = False) -> list[str]:
        drop = self.lexicon.stop_words if keep_domain else self._meaningless
        return [stem(w) for w in words if w not in drop]

    @staticmethod
    def pairs(stems: Sequence[str]) -> list[str]:
        return [f"{a} {b}" for a, b in zip(stems, stems[1:]) if a != b]

    def document_terms(self, text: str) -> list[str]:
        own = self.stems(self.spelled(text), keep_domain=True)
        return own + self.pairs(own)

    def question_terms(self, question: Sequence[str]) -> tuple[dict[str, float], list[str],
                                                                dict[str, frozenset[str]]]:
        """Weighted terms of a question (its words, ``text.words``), its own meaningful stems, and
        for each lexicon term the question stems it stands for (both for coverage). Words like
        "back" and "pain" only break ties, unless the question has nothing more specific."""
        words = self.spelled_words(question)
        own = self.stems(words) or self.stems(words, keep_domain=True)
        weights = {stem(w): DOMAIN_WEIGHT for w in words if w in self.lexicon.domain_words}
        weights.update(dict.fromkeys(own, 1.0))
        weights.update(dict.fromkeys(self.pairs(own), PAIR_WEIGHT))
        origins: dict[str, frozenset[str]] = {}
        for start, end, _ in self.lexicon.expansions.find(words):
            source, terms = self._expansions[tuple(words[start:end])]
            for term in terms:
                weights.setdefault(term, EXPANSION_WEIGHT)
                origins[term] = origins.get(term, frozenset()) | source
        return weights, own, origins

    @staticmethod
    def has_anaphora(words: Sequence[str]) -> bool:
        return not ANAPHORA.isdisjoint(words)


class _Query(NamedTuple):  # a NamedTuple: made once per question, and cheaper to make than a dataclass
    weights: dict[str, float]             # term -> weight in the question
    own: list[str]                        # the question's own meaningful stems
    origins: dict[str, frozenset[str]]    # lexicon term -> the question stems it stands for
    anaphora: bool                        # "it", "that"... with a current topic to point at


@dataclass(frozen=True)
class _Passage:
    part: str
    index: int
    values: Mapping[str, float]  # term -> saturated, idf-weighted term frequency in this passage


class TopicIndex:
    """The search index over every topic, built once from the content.

    Everything that does not depend on the question (saturated term frequencies, length
    norms, idf) is computed here, so a query is one multiply-add per posting."""

    def __init__(self, content: Content, lexicon: Lexicon | None = None) -> None:
        self.analyzer = Analyzer(lexicon or Lexicon.load(content))
        self._topics: list[Topic] = list(content.topics.values())
        self._position = {t.id: i for i, t in enumerate(self._topics)}
        names: list[Counter[str]] = []
        texts: list[Counter[str]] = []
        passage_terms: list[list[tuple[str, int, Counter[str]]]] = []
        for topic in self._topics:
            name: Counter[str] = Counter()
            for phrase in (topic.title, *topic.synonyms):
                terms = self.analyzer.document_terms(phrase)
                words = len(self.analyzer.stems(self.analyzer.spelled(phrase))) or 1  # "back pain" words aside
                for term in set(terms):  # "gabapentin" names a topic more than "leg" in "pain down my leg"
                    name[term] += 1 / words
            text: Counter[str] = Counter()
            for question in topic.questions:
                for term in self.analyzer.document_terms(question):
                    text[term] += QUESTION_WEIGHT
            passages = [(part, i, Counter(self.analyzer.document_terms(chunk)))
                        for part, chunks in (("chunks", topic.chunks), ("treatment", topic.treatment))
                        for i, chunk in enumerate(chunks)]
            for _, _, terms in passages:
                text.update(terms)
            for part, _, terms in passages:
                if part == "treatment":  # "how is sciatica treated" asks for this part (chunk choice only)
                    terms.update(set(self.analyzer.stems(self.analyzer.lexicon.treatment_words)))
            names.append(name)
            texts.append(text)
            passage_terms.append(passages)
        n = len(self._topics)
        self._name_terms = [frozenset(name) for name in names]
        name_norms, text_norms = self._norms(names, B_NAMES), self._norms(texts, B_TEXT)
        saturated: dict[str, dict[int, float]] = defaultdict(dict)
        for position in range(n):
            name, text = names[position], texts[position]
            name_norm, text_norm = name_norms[position], text_norms[position]
            for term in name.keys() | text.keys():
                in_name, in_text = name.get(term, 0), text.get(term, 0)
                value = NAME_WEIGHT * in_name * (K1 + 1) / (in_name + name_norm) if in_name else 0.0
                if in_text:
                    value += in_text * (K1 + 1) / (in_text + text_norm)
                saturated[term][position] = value
        self._idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in saturated.items()}
        for term, postings in saturated.items():
            idf = self._idf[term]
            for position in postings:
                postings[position] *= idf
        self._postings = dict(saturated)
        # A stem pair counts only when both stems mean something on their own.
        self._pairable = frozenset(t for t, idf in self._idf.items() if " " not in t and idf >= PAIR_MIN_IDF)
        self._title_terms = [self.analyzer.document_terms(t.title) for t in self._topics]
        # The bar scales with the content: one rare word matched in a topic's text about clears it.
        rarest = math.log(1 + (n - 0.5) / 1.5)
        self.min_score = MIN_SCORE_SHARE * rarest
        self._unknown_idf = UNKNOWN_IDF_SHARE * rarest
        passage_df: Counter[str] = Counter(t for passages in passage_terms for _, _, terms in passages for t in terms)
        count = sum(len(p) for p in passage_terms)
        passage_idf = {t: math.log(1 + (count - f + 0.5) / (f + 0.5)) for t, f in passage_df.items()}
        self._passages = [
            [_Passage(part, i, {t: passage_idf[t] * tf * (K1 + 1) / (tf + K1) for t, tf in terms.items()})
             for part, i, terms in passages]
            for passages in passage_terms
        ]
        self._passage_terms = [frozenset().union(*(p.values for p in passages)) for passages in self._passages]

    @staticmethod
    def _norms(fields: list[Counter[str]], b: float) -> list[float]:
        lengths = [sum(f.values()) for f in fields]
        average = sum(lengths) / len(lengths) or 1.0
        return [K1 * (1 - b + b * length / average) for length in lengths]

    # --- ranking ------------------------------------------------------------------------------
    def _query(self, question: Sequence[str], context: Sequence[str]) -> _Query:
        """The question's terms and weights, from its words."""
        weights, own, origins = self.analyzer.question_terms(question)
        weights = {t: w for t, w in weights.items() if " " not in t or self._pairable.issuperset(t.split(" "))}
        current = context[-1] if context else None
        anaphora = current in self._position and self.analyzer.has_anaphora(question)
        if anaphora:
            # "is it serious" after sciatica: the question is about the current topic.
            for term in self._title_terms[self._position[current]]:
                weights.setdefault(term, EXPANSION_WEIGHT)
        return _Query(weights, own, origins, anaphora)

    def scores(self, question: str, context: Sequence[str] = ()) -> tuple[list[tuple[float, int]], float]:
        """Every matching topic's score and position (best first), and the best topic's coverage."""
        query = self._query(to_words(question), context)
        # Weights and postings are all above zero, so the topics the question matches are
        # exactly those whose score is.
        ranked = sorted(((s, p) for p, s in enumerate(self._scored(query, context)) if s > 0.0), reverse=True)
        return ranked, self._top_coverage(query, context, ranked[0][1]) if ranked else 0.0

    def _scored(self, query: _Query, context: Sequence[str]) -> list[float]:
        """Every topic's score by position, with the session's boosts (zero if not matched)."""
        totals = self._totals(query.weights)
        self._apply_context(totals, context, query)
        return totals

    def _totals(self, weights: Mapping[str, float]) -> list[float]:
        """Every topic's sum of the question's weighted postings by position, added in term order."""
        totals = [0.0] * len(self._topics)
        for term, weight in weights.items():
            for position, value in self._postings.get(term, _NO_POSTINGS).items():
                totals[position] += weight * value
        return totals

    def _top_coverage(self, query: _Query, context: Sequence[str], top: int) -> float:
        """The coverage (``_coverage``) of the best topic, at position ``top``."""
        matched = {t for t in query.weights if top in self._postings.get(t, _NO_POSTINGS)}
        points_at_top = query.anaphora and self._topics[top].id == context[-1]
        return self._coverage(query, matched, points_at_top)

    def _apply_context(self, totals: list[float], context: Sequence[str], query: _Query) -> None:
        """Boosts, in place, the topics the session makes likelier (a zero stays zero)."""
        if not context:
            return
        recent = [self._position[t] for t in context[-RECENT:] if t in self._position]
        related = {self._position[r] for p in recent for r in self._topics[p].related if r in self._position}
        for position in related:
            totals[position] *= 1 + RELATED_BOOST
        if query.anaphora and recent:
            # "does it go away" leans to the current topic only if the topic speaks of going away;
            # "how long does it last" after sciatica is better answered by how long pain lasts.
            if any(recent[-1] in self._postings.get(t, ()) for t in query.own):
                totals[recent[-1]] *= 1 + CURRENT_BOOST

    def _coverage(self, query: _Query, matched: set[str], points_at_top: bool = False) -> float:
        """The idf-weighted share of the question's own words the topic matched; a word whose
        lexicon stand-in the topic matched counts at the stand-in's lower weight. A word the
        content never uses weighs more than the rarest word it does use. An "it" that points
        at the topic counts as the topic's name, matched."""
        if not query.own and not points_at_top:
            return 0.0
        origins = query.origins
        standing_in = set().union(*(origins[t] for t in matched if t in origins)) if origins else set()
        total = hit = self._unknown_idf / UNKNOWN_IDF_SHARE if points_at_top else 0.0
        for term in set(query.own):
            idf = self._idf.get(term, self._unknown_idf)
            total += idf
            if term in matched:
                hit += idf
            elif term in standing_in:
                hit += idf * EXPANSION_WEIGHT
        return hit / total

    def rank(self, question: str, context: Iterable[str] = (), limit: int = 3) -> list[Hit]:
        """The best topics for the question, best first (the first with the chunk that answers
        it; the others are offered from their start); empty when nothing is relevant enough."""
        return self.rank_words(to_words(question), context, limit)

    def rank_words(self, question: Sequence[str], context: Iterable[str] = (), limit: int = 3) -> list[Hit]:
        """``rank`` for a question already split into words (``text.words``)."""
        recent = list(context)
        query = self._query(question, recent)
        # Only topics that clear the score bar are ever returned, so only they are sorted.
        bar = self.min_score
        best = sorted([(s, p) for p, s in enumerate(self._scored(query, recent)) if s >= bar], reverse=True)
        if not best or self._top_coverage(query, recent, best[0][1]) < MIN_COVERAGE:
            return []
        top_score, top = best[0]
        return [self._hit(top, top_score, query.weights)] + [
            Hit(self._topics[position], score) for score, position in best[1:limit]]

    def _hit(self, position: int, score: float, weights: Mapping[str, float]) -> Hit:
        """The topic with the passage that best answers what the question asks beyond the
        topic's name: "what is sciatica" reads the first chunk, "how is sciatica treated" the
        treatment."""
        names, in_passages = self._name_terms[position], self._passage_terms[position]
        # A term that no passage has adds nothing to any passage's value, so it is left out.
        asked = [(term, weight) for term, weight in weights.items() if term in in_passages and term not in names]
        best: tuple[float, _Passage] | None = None
        for order, passage in enumerate(self._passages[position]):
            values = passage.values
            value = sum([weight * values.get(term, 0.0) for term, weight in asked])
            if order == 0:
                value += FIRST_CHUNK_EDGE
            if best is None or value > best[0]:
                best = (value, passage)
        topic = self._topics[position]
        return Hit(topic, score) if best is None else Hit(topic, score, best[1].part, best[1].index)
