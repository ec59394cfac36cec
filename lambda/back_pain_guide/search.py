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

Building the index takes a first question tens of milliseconds, so tools/build_index.py
precomputes it into ``generated/search_index.bin``, read lazily (``index_file``: a question decodes its own
terms' postings and its best topic's passages, nothing else). That file is used only when it was
built from exactly this index's inputs (the same checksum of the content's topics and spellings,
the lexicon, the stem table and the code that builds it); otherwise the index is built here and
read through the same format, so edited content is never ranked with a stale index.
"""

from __future__ import annotations

import itertools
import json
import math
import mmap
import os
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from .content import Content, Topic
from .index_file import IndexFile, LazyTable, read_checksum
from .text import STEMS_PATH, stem
from .text import words as to_words

if TYPE_CHECKING:
    from .topic_model import TopicModel

_HERE = os.path.dirname(os.path.abspath(__file__))  # os.path, like paths.py: no pathlib import on a request
LEXICON_PATH = os.path.join(_HERE, "search_lexicon.json")
INDEX_PATH = os.path.join(_HERE, "generated", "search_index.bin")
# Files the index is built from besides the content: the lexicon, the stem table, and its code.
INDEX_INPUTS = (
    LEXICON_PATH,
    STEMS_PATH,
    os.path.join(_HERE, "search.py"),
    os.path.join(_HERE, "text.py"),
    os.path.join(_HERE, "index_file.py"),
)

NAME_WEIGHT = 2.5  # a word in a topic's title or synonyms, against one in its text
QUESTION_WEIGHT = 2.0  # a word in a topic's example questions, against one in its text
K1 = 1.2
B_NAMES, B_TEXT = 0.3, 0.5
PAIR_WEIGHT = 1.0  # a stem pair ("bed rest") on top of its two stems
PAIR_MIN_IDF = 1.0  # pairs count only when both stems mean something on their own
EXPANSION_WEIGHT = 0.6  # a lexicon word added to the question
DOMAIN_WEIGHT = 0.3  # "back", "pain", "hurt": said in nearly every question, so they only break ties
MIN_SCORE_SHARE = 0.75  # the best topic must score this share of the rarest word's idf, or we decline
MIN_COVERAGE = 0.3  # share of the question's idf the best topic must match
OFF_BACK_COVERAGE = 0.45  # the share for a question that names neither the back nor a spinal condition
FIRST_STEPS_COVERAGE = 0.5  # share of that bar for a question that asks what to do about the back
FIRST_STEPS_SCORE = 2.0  # such a question's score for the self-care essentials, in score bars
UNKNOWN_IDF_SHARE = 1.25  # a question word the content never uses, against the rarest word it does use
RELATED_BOOST = 0.15  # share added to topics related to what was asked recently
CURRENT_BOOST = 0.3  # share added to the current topic when the question says "it", "that"...
RECENT = 3  # how many recent topics lend their related topics a boost
FIRST_CHUNK_EDGE = 0.5  # a later chunk must beat the first by this much to be read instead
# Everyday word classes that carry no meaning for ranking, whoever speaks: fillers ("um",
# "okay so"), the people a carer speaks of ("my husband", "my mum's"), days ("yesterday"), numbers,
# and a carer's telling of what someone says or wants ("she keeps complaining", "he says").
WORD_CLASSES = ("filler_words", "people_words", "time_words", "number_words", "narration_words")
# Kinds of topic a listener chooses between ("ibuprofen or paracetamol", "an x-ray or an MRI"): a
# question naming two related ones by name is answered by the topic that covers both.
CHOICE_KINDS = frozenset({"treatment", "test"})
# The learned topic model's part in the ranking (``TopicIndex._blended``), chosen by
# leave-one-round-out runs over the dev question sets (tools/train_topic_model.py --report).
MODEL_WEIGHT = 0.7  # the model's probability against the lexical score's share of the best one
MODEL_ALONE = 0.4  # a topic this probable is ranked even when no word of it matched
MODEL_DECLINE = 0.7  # a question this probably out of scope is declined
MODEL_RERANK = 10  # how many of the best lexical topics the model reorders
# The model's decline gives way to a lexical match this many times the score bar ("can heart
# trouble cause pain between my shoulder blades" matched heart attack forty times over).
MODEL_DECLINE_LEXICAL = 4.0
# A question the off-topic words would decline ("should I bend my knees when lifting a bucket",
# "which mattress should I buy") is answered when the model is this sure of one topic.
# Leave-one-round-out: top-1 89.8% -> 90.4%, declines precision 91.8% -> 94.7%, recall 68.7% -> 67.5%.
MODEL_OVERRULES_OFF_TOPIC = 0.8
DECLINE_CLASS = "decline"  # the model's label for a question to decline (topic_model.DECLINE)
ANAPHORA = frozenset({"it", "that", "this", "they", "them", "those", "these", "its"})


class Hit(NamedTuple):
    """A topic that answers the question, and where in it the answer is (a NamedTuple: as
    immutable as a frozen dataclass, and quicker to make, up to three for every question)."""

    topic: Topic
    score: float
    part: str = "chunks"  # "chunks" or "treatment", as in answers.Reading
    chunk: int = 0


@dataclass(frozen=True)
class Lexicon:
    stop_words: frozenset[str]
    domain_words: frozenset[str]
    treatment_words: tuple[str, ...]
    spellings: PhraseTable
    expansions: PhraseTable
    first_steps: frozenset[str] = frozenset()
    first_steps_topic: str = ""
    off_topic: Mapping[str, tuple[tuple[str, ...], ...]] = field(
        default_factory=dict
    )  # phrases by first word
    off_service: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    back_words: frozenset[str] = frozenset()
    not_first_cry: Mapping[str, tuple[tuple[str, ...], ...]] = field(
        default_factory=dict
    )  # "how long", "how many days"
    first_cry_core: frozenset[str] = frozenset()  # a first cry says one of these or pain ("what should I do")
    first_steps_asks: Mapping[str, tuple[tuple[str, ...], ...]] = field(
        default_factory=dict
    )  # "what should I do", "how do I help him"

    @cached_property
    def _first_cry_words(self) -> frozenset[str]:
        """The words a first cry may hold, joined once rather than on every question."""
        return self.first_steps | self.domain_words | self.stop_words

    def is_first_cry(self, words: Sequence[str]) -> bool:
        """ "my back hurts, what should I do", "I've done my back in": nothing but a call for
        first advice (its words all first-steps, domain or stop words, one of them first-steps)."""
        known = self._first_cry_words
        return (
            bool(words)
            and all(w in known for w in words)
            and any(w in self.first_steps for w in words)
            and any(w in self.first_cry_core or w in self.domain_words for w in words)
            and not _has_phrase(words, self.not_first_cry)
        )

    def says_back(self, words: Sequence[str]) -> bool:
        """Whether the words name the back, the spine or one of its conditions."""
        return not self.back_words.isdisjoint(words)

    def asks_first_steps(self, words: Sequence[str]) -> bool:
        """Whether the words ask what to do about back pain, whatever else they say ("my husband
        hurt his back moving the couch, how do I help him")."""
        return self.says_back(words) and _has_phrase(words, self.first_steps_asks)

    def is_off_topic(self, words: Sequence[str]) -> bool:
        """Another body part with no word of the back ("what's good for knee pain"), or a
        service or errand ("how much does an MRI cost", "find me a chiropractor near me")."""
        if _has_phrase(words, self.off_service):
            return True
        return _has_phrase(words, self.off_topic) and not any(w in self.back_words for w in words)

    @classmethod
    def load(cls, content: Content, path: str | os.PathLike[str] = LEXICON_PATH) -> Lexicon:
        with open(path, encoding="utf-8") as file:
            raw = json.load(file)
        spellings: dict[tuple[str, ...], tuple[str, ...]] = {}
        for info in content.locales.values():
            for us, local in info.spellings.items():
                spellings.setdefault(to_words(local), to_words(us))
        spellings.update({to_words(k): to_words(v) for k, v in raw["spellings"].items()})
        return cls(
            stop_words=frozenset(
                w for key in ("stop_words", "place_words", *WORD_CLASSES) for w in to_words(raw.get(key, ""))
            )
            | {f"{w}s" for w in to_words(raw.get("people_words", ""))},  # "my mum's back": "mums"
            domain_words=frozenset(to_words(raw["domain_words"])),
            treatment_words=to_words(raw["treatment_words"]),
            spellings=PhraseTable({k: v for k, v in spellings.items() if k and k != v}),
            expansions=PhraseTable(
                {to_words(k): to_words(v) for k, v in raw["expansions"].items() if to_words(k)}
            ),
            first_steps=frozenset(to_words(raw.get("first_steps", ""))),
            first_steps_topic=raw.get("first_steps_topic", ""),
            off_topic=_by_first_word(raw.get("off_topic", ())),
            off_service=_by_first_word(raw.get("off_service", ())),
            back_words=frozenset(w for p in raw.get("back_words", ()) for w in to_words(p)),
            not_first_cry=_by_first_word(raw.get("not_first_cry", ())),
            first_cry_core=frozenset(to_words(raw.get("first_cry_core", ""))),
            first_steps_asks=_by_first_word(_who_variants(raw.get("first_steps_asks", ()))),
        )


WHO = (
    "i",
    "we",
    "he",
    "she",
    "they",
    "you",
)  # who a question's "{who}" stands for: the asker, or whom they look after


def _who_variants(phrases: Iterable[str]) -> list[str]:
    """Each phrase once for everyone "{who}" may be ("what should {who} do": "what should she do")."""
    return [
        phrase.replace("{who}", who) for phrase in phrases for who in (WHO if "{who}" in phrase else ("",))
    ]


def _by_first_word(phrases: Iterable[str]) -> Mapping[str, tuple[tuple[str, ...], ...]]:
    table: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for phrase in phrases:
        phrase_words = to_words(phrase)
        if phrase_words:
            table[phrase_words[0]].append(phrase_words)
    return MappingProxyType({first: tuple(found) for first, found in table.items()})


def _has_phrase(words: Sequence[str], phrases: Mapping[str, tuple[tuple[str, ...], ...]]) -> bool:
    """Whether any of the phrases (filed by first word) occurs, word for word, in the words."""
    for start, word in enumerate(words):
        for phrase in phrases.get(word, ()):
            if len(phrase) == 1 or tuple(words[start : start + len(phrase)]) == phrase:
                return True
    return False


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
                replacement = self._table.get(tuple(words[i : i + size])) if i + size <= count else None
                if replacement is not None:
                    found.append((i, i + size, replacement))
                    i += size
                    break
            else:
                i += 1
        return found


def _letters_joined(words: Sequence[str]) -> list[str]:
    """Runs of single letters as one word ("an m r i" -> "an mri", "c b d" -> "cbd"); a run
    starts at a letter that is not a word of its own ("a c t scan" is "a ct scan")."""
    joined: list[str] = []
    run = False
    for word in words:
        if len(word) == 1 and word.isalpha() and (run or word not in ("a", "i")):
            if run:
                joined[-1] += word
            else:
                joined.append(word)
            run = True
        else:
            run = False
            joined.append(word)
    return joined


class Analyzer:
    """Text to terms: stems of the words that carry meaning, and adjacent stem pairs."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._meaningless = lexicon.stop_words | lexicon.domain_words
        # Each lexicon phrase's stems (what it stands in for) and the terms it adds to a question.
        self._expansions: dict[tuple[str, ...], tuple[frozenset[str], tuple[str, ...]]] = {}
        for phrase, extra in lexicon.expansions.items():
            added = self.stems(extra)
            self._expansions[phrase] = (
                frozenset(self.stems(phrase, keep_domain=True)),
                tuple(added + self.pairs(added)),
            )

    def spelled(self, text: str) -> list[str]:
        return self.spelled_words(to_words(text))

    def spelled_words(self, words: Sequence[str]) -> list[str]:
        """The words with every spelling made one (the content's and the lexicon's), letters
        spelled out one by one joined into their word ("m r i", "the g p")."""
        spelled = _letters_joined(words)
        for start, end, replacement in reversed(self.lexicon.spellings.find(spelled)):
            spelled[start:end] = replacement
        return spelled

    def stems(self, words: Sequence[str], keep_domain: bool = False) -> list[str]:
        drop = self.lexicon.stop_words if keep_domain else self._meaningless
        return [stem(w) for w in words if w not in drop]

    @staticmethod
    def pairs(stems: Sequence[str]) -> list[str]:
        return [f"{a} {b}" for a, b in itertools.pairwise(stems) if a != b]

    def document_terms(self, text: str) -> list[str]:
        own = self.stems(self.spelled(text), keep_domain=True)
        return own + self.pairs(own)

    def question_terms(
        self, question: Sequence[str]
    ) -> tuple[dict[str, float], list[str], dict[str, frozenset[str]]]:
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
    weights: dict[str, float]  # term -> weight in the question
    own: list[str]  # the question's own meaningful stems
    origins: dict[str, frozenset[str]]  # lexicon term -> the question stems it stands for
    anaphora: bool  # "it", "that"... with a current topic to point at


@dataclass(frozen=True)
class _Passage:
    part: str
    index: int
    values: Mapping[str, float]  # term -> saturated, idf-weighted term frequency in this passage


class IndexTables(NamedTuple):
    """What the index precomputes from the content, by topic position: everything a query reads
    that does not depend on the question."""

    postings: dict[str, dict[int, float]]  # term -> topic position -> saturated, idf-weighted frequency
    idf: dict[str, float]  # term -> idf over topics
    name_terms: list[frozenset[str]]  # terms of each topic's title and synonyms
    title_terms: list[list[str]]  # terms of each topic's title, in order
    passages: list[list[_Passage]]  # each topic's chunks, then its treatment

    def to_bytes(self, checksum: int) -> bytes:
        """The tables in the file format of ``index_file`` (floats exact, as IEEE doubles)."""
        from .index_file import pack

        return pack(
            self.postings,
            self.name_terms,
            self.title_terms,
            [[(p.part, p.index, p.values) for p in passages] for passages in self.passages],
            checksum,
        )


def _idf(count: int, frequency: int) -> float:
    """BM25 idf of a term found in ``frequency`` of ``count`` documents."""
    return math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))


def inputs_checksum(content: Content) -> int:
    """CRC-32 of everything the index is built from: the content's topics (in order) and locale
    spellings, and the files in ``INDEX_INPUTS``. The topics' fields are joined with control
    characters and each tuple's length (a quarter of the time ``json.dumps`` took at ten times
    today's content)."""
    parts: list[str] = []
    for topic in content.topics.values():
        for value in topic:
            if isinstance(value, tuple):
                parts.append(str(len(value)))
                parts.extend(value)
            else:
                parts.append(value)
    checksum = zlib.crc32("\x1f".join(parts).encode("utf-8"))
    spellings = {code: dict(info.spellings) for code, info in content.locales.items()}
    checksum = zlib.crc32(json.dumps(spellings, sort_keys=True).encode("utf-8"), checksum)
    for path in INDEX_INPUTS:
        with open(path, "rb") as file:
            checksum = zlib.crc32(file.read(), checksum)
    return checksum


def load_tables(content: Content, path: str | os.PathLike[str] = INDEX_PATH) -> IndexFile | None:
    """The precomputed index (tools/build_index.py), or None if it is missing, damaged or was not
    built from exactly this content and these inputs."""
    try:
        with open(path, "rb") as file:
            # Mapped, not read: only the pages a question touches are ever loaded. The generator
            # replaces the file rather than rewriting it, so a running process keeps its copy.
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        if read_checksum(data) != inputs_checksum(content):
            return None
        return IndexFile(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def build_tables(topics: Sequence[Topic], analyzer: Analyzer) -> IndexTables:
    """The index's tables computed from the topics (what tools/build_index.py writes)."""
    fields = [_topic_fields(topic, analyzer) for topic in topics]
    names = [name for name, _, _ in fields]
    postings, idf = _weighted_postings(names, [text for _, text, _ in fields])
    return IndexTables(
        postings=postings,
        idf=idf,
        name_terms=[frozenset(name) for name in names],
        title_terms=[analyzer.document_terms(t.title) for t in topics],
        passages=_weighted_passages([passages for _, _, passages in fields]),
    )


def _topic_fields(
    topic: Topic, analyzer: Analyzer
) -> tuple[Counter[str], Counter[str], list[tuple[str, int, Counter[str]]]]:
    """A topic's name terms, text terms and each passage's terms, counted."""
    name: Counter[str] = Counter()  # float weights: Counter adds them as it adds counts
    for phrase in (topic.title, *topic.synonyms):
        terms = analyzer.document_terms(phrase)
        words = len(analyzer.stems(analyzer.spelled(phrase))) or 1  # "back pain" words aside
        # Once per phrase, in the phrase's order ("gabapentin" names a topic more than "leg" in
        # "pain down my leg"); a fixed order keeps the field's float length the same in every process.
        for term in dict.fromkeys(terms):
            name[term] += 1 / words  # type: ignore[assignment]
    text: Counter[str] = Counter()
    for question in topic.questions:
        for term in analyzer.document_terms(question):
            text[term] += QUESTION_WEIGHT  # type: ignore[assignment]
    passages = [
        (part, i, Counter(analyzer.document_terms(chunk)))
        for part, chunks in (("chunks", topic.chunks), ("treatment", topic.treatment))
        for i, chunk in enumerate(chunks)
    ]
    for _, _, counted in passages:
        text.update(counted)
    for part, _, counted in passages:
        if part == "treatment":  # "how is sciatica treated" asks for this part (chunk choice only)
            counted.update(set(analyzer.stems(analyzer.lexicon.treatment_words)))
    return name, text, passages


def _weighted_postings(
    names: list[Counter[str]], texts: list[Counter[str]]
) -> tuple[dict[str, dict[int, float]], dict[str, float]]:
    """BM25F: each term's saturated, idf-weighted frequency in each topic's two fields, and its idf."""
    name_norms, text_norms = _norms(names, B_NAMES), _norms(texts, B_TEXT)
    saturated: dict[str, dict[int, float]] = defaultdict(dict)
    for position, (name, text) in enumerate(zip(names, texts, strict=False)):
        name_norm, text_norm = name_norms[position], text_norms[position]
        for term in name.keys() | text.keys():
            in_name, in_text = name.get(term, 0), text.get(term, 0)
            value = NAME_WEIGHT * in_name * (K1 + 1) / (in_name + name_norm) if in_name else 0.0
            if in_text:
                value += in_text * (K1 + 1) / (in_text + text_norm)
            saturated[term][position] = value
    n = len(names)
    idf = {t: _idf(n, len(p)) for t, p in saturated.items()}
    for term, postings in saturated.items():
        for position in postings:
            postings[position] *= idf[term]
    return dict(saturated), idf


def _norms(fields: list[Counter[str]], b: float) -> list[float]:
    """Each field's BM25 length norm (K1, scaled by its length against the average)."""
    lengths = [sum(f.values()) for f in fields]
    average = sum(lengths) / len(lengths) or 1.0
    return [K1 * (1 - b + b * length / average) for length in lengths]


def _weighted_passages(passage_terms: list[list[tuple[str, int, Counter[str]]]]) -> list[list[_Passage]]:
    """Each passage's saturated, idf-weighted term frequencies (idf over every passage)."""
    passage_df: Counter[str] = Counter(
        t for passages in passage_terms for _, _, terms in passages for t in terms
    )
    count = sum(len(p) for p in passage_terms)
    passage_idf = {t: _idf(count, f) for t, f in passage_df.items()}
    return [
        [
            _Passage(part, i, {t: passage_idf[t] * tf * (K1 + 1) / (tf + K1) for t, tf in terms.items()})
            for part, i, terms in passages
        ]
        for passages in passage_terms
    ]


class TopicIndex:
    """The search index over every topic, loaded precomputed or built once from the content.

    Everything that does not depend on the question (saturated term frequencies, length
    norms, idf) is computed ahead, so a query is one multiply-add per posting."""

    def __init__(self, content: Content, lexicon: Lexicon | None = None) -> None:
        self.analyzer = Analyzer(lexicon or Lexicon.load(content))
        self._topics: list[Topic] = list(content.topics.values())
        self._position = {t.id: i for i, t in enumerate(self._topics)}
        # A lexicon given by the caller is not the one the precomputed tables were built with.
        stored = load_tables(content) if lexicon is None else None
        if stored is None:  # built here, then read through the same format as the file
            stored = IndexFile(build_tables(self._topics, self.analyzer).to_bytes(0))
        self._use(stored)

    def _use(self, stored: IndexFile) -> None:
        """Takes the index, and what follows from it. Terms and topics are read from it as
        questions need them (``index_file``), so loading costs the same whatever the content's size;
        a term seen before costs a dict lookup, as when the whole index was parsed up front."""
        self._stored = stored
        # Term -> topic position -> saturated, idf-weighted value (empty if no topic has it).
        self._postings = stored.postings
        # Term -> its idf over topics (as the index was built: from how many topics have it), or None.
        count = len(self._topics)
        self._idfs: Mapping[str, float | None] = LazyTable(
            lambda term: _idf(count, len(found)) if (found := self._postings[term]) else None
        )
        # A stem pair counts only when both stems mean something on their own.
        self._pairable: Mapping[str, bool] = LazyTable(
            lambda term: (idf := self._idfs[term]) is not None and idf >= PAIR_MIN_IDF
        )
        # The bar scales with the content: one rare word matched in a topic's text about clears it.
        rarest = math.log(1 + (count - 0.5) / 1.5)
        self.min_score = MIN_SCORE_SHARE * rarest
        self._unknown_idf = UNKNOWN_IDF_SHARE * rarest

    # --- ranking ------------------------------------------------------------------------------
    def _query(self, question: Sequence[str], context: Sequence[str]) -> _Query:
        """The question's terms and weights, from its words."""
        weights, own, origins = self.analyzer.question_terms(question)
        pairable = self._pairable.__getitem__
        weights = {t: w for t, w in weights.items() if " " not in t or all(map(pairable, t.split(" ")))}
        current = context[-1] if context else None
        anaphora = current in self._position and self.analyzer.has_anaphora(question)
        if anaphora and current is not None:
            # "is it serious" after sciatica: the question is about the current topic.
            for term in self._stored.topic(self._position[current]).title_terms:
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
        postings = self._postings
        for term, weight in weights.items():
            for position, value in postings[term].items():
                totals[position] += weight * value
        return totals

    def _top_coverage(self, query: _Query, context: Sequence[str], top: int) -> float:
        """The coverage (``_coverage``) of the best topic, at position ``top``."""
        postings = self._postings
        matched = {t for t in query.weights if top in postings[t]}
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
            if any(recent[-1] in self._postings[t] for t in query.own):
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
            idf = self._idfs[term]
            if idf is None:
                idf = self._unknown_idf
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
        """``rank`` for a question already split into words (``text.words``).

        Two questions skip the ranking: one outside the skill is declined, and a first cry for
        help ("my back hurts, what should I do") gets the self-care essentials."""
        lexicon = self.analyzer.lexicon
        if lexicon.is_off_topic(question):
            return self._on_topic_after_all(question, context)
        if lexicon.first_steps_topic in self._position and lexicon.is_first_cry(question):
            return [Hit(self._topics[self._position[lexicon.first_steps_topic]], self.min_score)]
        recent = list(context)
        query = self._query(question, recent)
        # Asked what to do about the back, a question is in scope whatever else it says ("my
        # husband hurt his back moving the couch, how do I help him"): the self-care essentials
        # are the answer unless a topic matches much better, and never a refusal.
        first_steps = lexicon.first_steps_topic in self._position and lexicon.asks_first_steps(question)
        totals = self._scored(query, recent)
        if first_steps:
            totals[self._position[lexicon.first_steps_topic]] += FIRST_STEPS_SCORE * self.min_score
        # Only topics that clear the score bar are ever returned, so only they are sorted.
        bar = self.min_score
        best = sorted([(s, p) for p, s in enumerate(totals) if s >= bar], reverse=True)
        matched = bool(best) and self._top_coverage(query, recent, best[0][1]) >= self._coverage_bar(
            question, query, best[0][1], first_steps
        )
        # The model knows nothing of the session: a follow-up ("how do I use it", a topic related
        # to what was asked) is left to the lexical ranking and its context.
        # Two choices named together ("an xray or an mri") keep the topic that covers both.
        covered = matched and self._covering(query, best, totals) is not None
        model = self.topic_model
        if model is not None and not (first_steps and matched) and not recent and not covered:
            best = self._blended(
                model.probabilities(self.analyzer, question),
                best if matched else [],
                may_decline=not lexicon.says_back(question),
            )
            matched = bool(best)
        if not matched:
            if first_steps:
                return [Hit(self._topics[self._position[lexicon.first_steps_topic]], self.min_score)]
            return []
        covering = self._covering(query, best, totals)
        if covering is not None:  # the topic that covers both choices, then the two
            best = [(best[0][0], covering), *[b for b in best if b[1] != covering]]
        top_score, top = best[0]
        return [self._hit(top, top_score, query.weights)] + [
            Hit(self._topics[position], score) for score, position in best[1:limit]
        ]

    def _on_topic_after_all(self, question: Sequence[str], context: Iterable[str]) -> list[Hit]:
        """The topic the model is sure of (``MODEL_OVERRULES_OFF_TOPIC``) for a question the
        off-topic words would decline; empty otherwise (and in a session's follow-ups)."""
        model = self.topic_model
        if model is None or list(context):
            return []
        topic, probability = self._likeliest_topic(model.probabilities(self.analyzer, question))
        if probability < MODEL_OVERRULES_OFF_TOPIC:
            return []
        return [Hit(self._topics[self._position[topic]], self.min_score)]

    def _likeliest_topic(self, probabilities: Mapping[str, float]) -> tuple[str, float]:
        """The model's likeliest topic of this index and its probability (``"decline"`` left out)."""
        return max(
            ((label, p) for label, p in probabilities.items() if label in self._position),
            key=lambda item: item[1],
            default=("", 0.0),
        )

    @cached_property
    def topic_model(self) -> TopicModel | None:
        """The learned topic model (``topic_model``), loaded with the first question that reaches
        the blend; None when it is absent or was trained on other content than this index's (an
        edited content file, a different content folder): the ranking is then lexical alone, and
        a new synonym is found by its words, never declined by a model that has not seen it."""
        from .topic_model import topic_model

        model = topic_model()
        if model is None or model.model.header.get("index_inputs") != self._stored.checksum:
            return None
        return model

    def _blended(
        self, probabilities: Mapping[str, float], best: Sequence[tuple[float, int]], may_decline: bool
    ) -> list[tuple[float, int]]:
        """The lexical ranking (``best``: the topics above the bar, best first, or empty when the
        ranker would decline) reordered by the topic model: each topic's score becomes the blend
        of its share of the best lexical score and its probability (``MODEL_WEIGHT`` of it), on
        the best lexical score's scale (never below the bar). A topic the model is sure of
        (``MODEL_ALONE``) is ranked even when no word of it matched, rescuing a question the
        ranker would decline, but is offered only when it comes first. A question the model is
        sure is out of scope (``MODEL_DECLINE``) is declined, unless it names the back
        (``may_decline`` false): "can a knee injury cause back pain". Empty: decline."""
        strong = bool(best) and best[0][0] >= MODEL_DECLINE_LEXICAL * self.min_score
        if may_decline and not strong and probabilities.get(DECLINE_CLASS, 0.0) >= MODEL_DECLINE:
            return []
        scale = best[0][0] if best else self.min_score
        ranked = {position: score / scale for score, position in best[:MODEL_RERANK]}
        topic, probability = self._likeliest_topic(probabilities)
        if probability >= MODEL_ALONE:
            ranked.setdefault(self._position[topic], 0.0)
        if not ranked:
            return []
        topics, bar = self._topics, self.min_score
        # Ordered by the blend itself; a score under the bar is then raised to it (ties keep
        # the blend's order: sorted is stable).
        blended = [
            (max(bar, score), p)
            for score, p in sorted(
                (
                    ((1 - MODEL_WEIGHT) * share + MODEL_WEIGHT * probabilities.get(topics[p].id, 0.0))
                    * scale,
                    p,
                )
                for p, share in ranked.items()
            )[::-1]
        ]
        kept = blended[:1] + [(s, p) for s, p in blended[1:] if ranked[p] > 0.0]
        return kept + [(min(s, kept[-1][0]), p) for s, p in best[MODEL_RERANK:]]

    @cached_property
    def _leading_to(self) -> Counter[str]:
        """How many topics list each topic as related: how broad it is."""
        return Counter(r for topic in self._topics for r in topic.related)

    def _covering(
        self, query: _Query, best: Sequence[tuple[float, int]], totals: Sequence[float]
    ) -> int | None:
        """When the best topic and the next choice among the best three are related choices, each
        named by a word of its own ("is it ok to take panadol and nurofen together", "should I get
        an x-ray or an MRI", "acetaminophen or advil for a pulled back"), the
        position of the broader topic whose related topics include both and whose text says most
        of each (by the words, or their stand-ins, that named them), which answers how they
        compare; None otherwise."""
        pair = [p for _, p in best[:3] if self._topics[p].kind in CHOICE_KINDS][:2]
        if len(pair) < 2 or pair[0] != best[0][1]:
            return None
        first, second = (self._topics[p] for p in pair)
        if second.id not in first.related and first.id not in second.related:
            return None
        names = [self._stored.topic(p).name_terms for p in pair]
        own = set(query.own)
        if not (own & names[0] - names[1]) or not (own & names[1] - names[0]):
            return None
        wanted = {first.id, second.id}
        postings = self._postings
        terms = query.weights.keys()  # the words and their lexicon stand-ins ("advil": "ibuprofen")
        sides = [terms & names[0] - names[1], terms & names[1] - names[0]]
        leading = self._leading_to
        narrowest = max(leading[first.id], leading[second.id])
        candidates = []
        for position, topic in enumerate(self._topics):
            # A cover is broader than either choice (more topics lead to it): a CT scan, related
            # to both the X-ray and the MRI, is one more choice, not what compares them.
            if wanted <= set(topic.related) and topic.id not in wanted and leading[topic.id] > narrowest:
                # How much the topic says of each choice, by the words that named it.
                said = [sum(postings[term].get(position, 0.0) for term in side) for side in sides]
                if all(said):
                    candidates.append((sum(said), totals[position], position))
        return max(candidates)[2] if candidates else None

    def coverage_bar(self, question: Sequence[str], context: Sequence[str], top: int) -> float:
        """The share of the question's meaning the topic at position ``top`` must cover."""
        first_steps = self.analyzer.lexicon.asks_first_steps(question)
        return self._coverage_bar(question, self._query(question, context), top, first_steps)

    def _coverage_bar(self, question: Sequence[str], query: _Query, top: int, first_steps: bool) -> float:
        """A question that asks what to do about the back is surely in scope: half the bar. One
        that names neither the back nor a spinal condition, points at nothing said before and
        says no two words of the topic's name together ("what time is it in sydney") needs more."""
        if first_steps:
            return MIN_COVERAGE * FIRST_STEPS_COVERAGE
        lexicon = self.analyzer.lexicon
        if query.anaphora or lexicon.says_back(question) or self._names_pair(query, top):
            return MIN_COVERAGE
        return OFF_BACK_COVERAGE

    def _names_pair(self, query: _Query, position: int) -> bool:
        """Whether the question says two words of the topic's name together ("heating pad", "bed rest")."""
        names = self._stored.topic(position).name_terms
        return any(f"{a} {b}" in names for a, b in itertools.pairwise(query.own))

    def _hit(self, position: int, score: float, weights: Mapping[str, float]) -> Hit:
        """The topic with the passage that best answers what the question asks beyond the
        topic's name: "what is sciatica" reads the first chunk, "how is sciatica treated" the
        treatment."""
        record = self._stored.topic(position)
        names, in_passages = record.name_terms, record.passage_terms
        # A term that no passage has adds nothing to any passage's value, so it is left out.
        asked = [
            (term, weight) for term, weight in weights.items() if term in in_passages and term not in names
        ]
        best: tuple[float, str, int] | None = None
        for order, (part, index, values) in enumerate(record.passages):
            value = sum([weight * values.get(term, 0.0) for term, weight in asked])
            if order == 0:
                value += FIRST_CHUNK_EDGE
            if best is None or value > best[0]:
                best = (value, part, index)
        topic = self._topics[position]
        return Hit(topic, score) if best is None else Hit(topic, score, best[1], best[2])
