"""Emergency-sign detection in free speech, by meaning rather than fixed phrases.

Each warning sign is a set of rules over *concepts* (a body part or function, a state, an
event), each concept a list of everyday phrases from ``content/emergency_lexicon.json``. A rule
matches when all its concepts occur in one clause, close together, and none of them is
negated, in the past, or only asked about:

- negation follows NegEx (Chapman et al., 2001): a trigger ("not", "no", "haven't") negates
  what follows it within a few words, a post-trigger ("is fine", "went away") what precedes it,
  a terminator ("but") ends the scope, and pseudo-triggers ("not sure") negate nothing. A
  trigger inside one of the rule's own phrases ("not able to pee") is part of the sign;
- the past ("years ago", "used to") turns off what is in its part of the sentence;
- a question about a condition ("can a fall cause back pain") informs and never alarms; asked
  about oneself ("why can't I pee") it gets a confirming question instead of the advice.

A ``clear`` match gives the emergency advice at once; a ``check`` match asks the sign's one
confirming question first. Signs are tried in triage order, life-threatening ones first. Words
no rule matches go to a learned second opinion (``sign_model``), which can only ever ask the
confirming question, and overrules a sign the rules ruled out only when it is near-certain.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import NamedTuple

from . import paths
from .text import words

_YEAR = re.compile(r"(?:19|20)\d\d")
CLEAR = "clear"
CHECK = "check"
QUESTIONED = "questioned"  # a check that comes of the words asking what if ("should I worry if ...")
LEXICON_FILE = "emergency_lexicon.json"
_INTERJECTIONS = frozenset(
    {
        "no",
        "nope",
        "nah",
        "yes",
        "yeah",
        "yep",
        "yup",
        "ok",
        "okay",
        "so",
        "um",
        "uh",
        "er",
        "erm",
        "well",
        "oh",
        "but",  # "no but what would it mean if ..." still opens as a question
    }
)
# After a leading "no", these words show it answered the question ("no, my legs have gone"),
# rather than negating what follows ("no numbness down below").
_AFTER_ANSWER = frozenset(
    {
        "i",
        "im",
        "ive",
        "id",
        "my",
        "but",
        "its",
        "it",
        "thats",
        "that",
        "not",
        "just",
        "only",
        "no",
        "yes",
        "well",
        "actually",
        "sorry",
        "although",
        "though",
        "however",
        "instead",
        "the",
        "we",
        "he",
        "she",
        "hes",
        "shes",
        "theres",
        "there",
        "nah",
        "mate",
        "sir",
        "madam",
        "dont",
        "wait",
        "hang",
        "hold",
        "never",
    }
)


class Sign(NamedTuple):
    """A warning sign: what the advice says about it, its confirming question, and the checklist
    questions a description of it answers (its own id unless the lexicon lists others)."""

    id: str
    summary: str
    why: str
    tell: str
    confirm: str
    answers: frozenset[str]


class Detection(NamedTuple):
    sign: Sign
    confidence: str  # CLEAR or CHECK
    # A check because the words asked what if ("should I worry if my legs go weak"): at the
    # checklist question about that sign it is no yes; the confirming question settles it.
    questioned: bool = False
    # A check from a bare mention ("my waterworks", "the bladder") or from words that count only
    # while the checklist asks about the sign ("legs"): at that question it is no yes on its own.
    via_hint: bool = False
    # A check from the learned model's second opinion (``sign_model``), not from a rule.
    guessed: bool = False

    @property
    def is_clear(self) -> bool:
        return self.confidence == CLEAR


class _Rule(NamedTuple):
    sign: Sign
    concepts: tuple[str, ...]
    confidence: str
    window: int
    request: bool  # a request for help ("can you call an ambulance") is not a question about a condition
    ignored_when_asked: bool  # "should I call nine one one" asks about calling; it is not a call for help
    needs_person: bool  # "weak bones crack after a fall" is general; "my nan fell" is someone
    unless: tuple[str, ...]  # concepts that cancel the rule near it ("my left leg's numb": one side)
    across_clauses: bool  # "a kidney stone last week, but now I'm shivering": the parts belong together
    at_end: bool  # "I can't stand" ends the sentence; "I can't stand reality telly" is a dislike
    required: frozenset[str]  # the concepts, as a set: a rule is tried only when all are present
    in_checklist: bool  # only while the checklist asks about this sign: "it's coming very slowly" is a yes
    after_call: bool  # only after a call carrier: "call {someone}", "I need {to go to hospital}"
    in_order: bool  # the concepts come in the rule's order: "get my mum", not "my mum won't get up"


class _Span(NamedTuple):
    start: int
    end: int  # exclusive
    label: str


class _PhraseTable:
    """Phrases (word tuples) filed by their first word; finds every occurrence in a text."""

    def __init__(self, labelled: Iterable[tuple[str, str]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, phrase in labelled:
            phrase_words = words(phrase)
            if phrase_words:
                self._by_first.setdefault(phrase_words[0], []).append((phrase_words, label))

    @property
    def vocabulary(self) -> set[str]:
        return {w for phrases in self._by_first.values() for phrase, _ in phrases for w in phrase}

    def find(self, text_words: Sequence[str]) -> list[_Span]:
        found = []
        for start, word in enumerate(text_words):
            for phrase, label in self._by_first.get(word, ()):
                end = start + len(phrase)
                if tuple(text_words[start:end]) == phrase:
                    found.append(_Span(start, end, label))
        return found


def _inside(inner: _Span, outer: _Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


class EmergencyDetector:
    def __init__(self, lexicon: dict, second_opinion: bool = True) -> None:
        """``second_opinion``: ask the learned model about words no rule matches (see ``_guessed``)."""
        self._second_opinion = second_opinion
        self._window: int = lexicon["window"]
        self._scope: int = lexicon["negation_scope"]
        self.signs: dict[str, Sign] = {}
        self._rules: list[_Rule] = []
        for raw in lexicon["signs"]:
            sign = Sign(
                raw["id"],
                raw["summary"],
                raw["why"],
                raw["tell"],
                raw["confirm"],
                frozenset(raw.get("checklist_questions", [raw["id"]])),
            )
            self.signs[sign.id] = sign
            for rule in raw["rules"]:
                self._rules.append(
                    _Rule(
                        sign,
                        tuple(rule["all"]),
                        rule["confidence"],
                        rule.get("window", self._window),
                        rule.get("request", False),
                        rule.get("when_asked") == "ignore",
                        rule.get("needs_person", False),
                        tuple(rule.get("unless", ())),
                        rule.get("across_clauses", False),
                        rule.get("at_end", False),
                        frozenset(rule["all"]),
                        rule.get("in_checklist", False),
                        rule.get("after_call", False),
                        rule.get("in_order", False),
                    )
                )
        used = {c for rule in self._rules for c in (*rule.concepts, *rule.unless)} | {"person"}
        self._concepts = _PhraseTable(
            (c, p) for c, phrases in lexicon["concepts"].items() if c in used for p in phrases
        )
        self._first_person = frozenset(
            w for p in lexicon["concepts"]["first_person_subject"] for w in words(p)
        )
        negation, question = lexicon["negation"], lexicon["question"]
        self._cues = _PhraseTable(
            [("exclusion", p) for p in lexicon["exclusions"]]
            + [("before", p) for p in negation["before"]]
            + [("after", p) for p in negation["after"]]
            + [("pseudo", p) for p in negation["pseudo"]]
            + [("end", p) for p in negation["terminators"]]
            + [("break", p) for p in negation["clause_breaks"]]
            + [("past", p) for p in lexicon["past"]]
            + [("marker", p) for p in question["markers"]]
            + [("request", p) for p in question["requests"]]
            + [("firm", p) for p in question["firm_requests"]]
            + [("condition", p) for p in question["about_conditions"]]
            + [("resolved", p) for p in lexicon["resolved"]]
            + [("report", p) for p in question["report_questions"]]
            + [("own", p) for p in question["own_reports"]]
        )
        self._openers = _PhraseTable(("opener", p) for p in question["openers"])
        self._hypothetical = _PhraseTable(("hypothetical", p) for p in question["hypothetical"])
        self._vocabulary = frozenset(self._concepts.vocabulary | self._cues.vocabulary)
        self._spoken = {
            words(spoken)[0]: words(standard)
            for spoken, standard in lexicon["spoken_forms"].items()
            if len(words(spoken)) == 1
        }
        self._me_before = frozenset(w for p in lexicon["possessive_me_before"] for w in words(p))
        self._present = _PhraseTable(("present", p) for p in lexicon["present"])
        self._tail = _PhraseTable(("tail", p) for p in lexicon["at_end_tail"])
        self._refers_back = _PhraseTable(("back", p) for p in lexicon["past_refers_back"])
        answers = lexicon["checklist_answers"]
        self._answer_openers = _PhraseTable(
            [("yes", p) for p in answers["yes"]] + [("no", p) for p in answers["no"]]
        )
        self._answer_fillers = frozenset(w for p in answers["fillers"] for w in words(p))
        self._answer_corrections = _PhraseTable(("correction", p) for p in answers["corrections"])
        self._answer_contrasts = _PhraseTable(("contrast", p) for p in answers["contrasts"])

    def _normalised(self, text_words: Sequence[str]) -> tuple[str, ...]:
        """Everyday spoken forms in the lexicon's words: dialect ("cannae" -> "cant", "meself"),
        dropped g's ("draggin"), "me" for "my" before a body part ("me legs"), and possessives
        or plurals the lexicon lacks ("wee's" -> "wees" -> "wee")."""
        vocabulary, spoken = self._vocabulary, self._spoken
        text_words = _uninverted(text_words)
        result: list[str] = []
        for position, word in enumerate(text_words):
            if word in spoken:
                result.extend(spoken[word])
                continue
            if word.endswith("s") and word not in vocabulary:
                if word[:-1] in vocabulary:
                    word = word[:-1]
                elif word[:-1] in spoken:
                    result.extend(spoken[word[:-1]])
                    continue
            if word.endswith("in") and word not in vocabulary and word + "g" in vocabulary:
                word += "g"
            elif (
                word == "me"
                and position + 1 < len(text_words)
                and text_words[position + 1] in self._me_before
            ):
                word = "my"
            result.append(word)
        return tuple(result)

    # --- the public entry points ----------------------------------------------------------
    def detect(
        self,
        text: str | None,
        asked: bool | None = False,
        asking: str | None = None,
        after_call: bool = False,
    ) -> Detection | None:
        """The most urgent sign the text describes, or None.

        ``asked``: True when the text is known to be a question whose question words (and
        perhaps its "I") a carrier phrase took away: it informs when it is about a condition,
        and gets a confirming question otherwise. None when it may or may not have been a
        question (a topic slot's words): a clear sign gets a confirming question.
        ``asking``: the id of the checklist question waiting for an answer, if any; words that
        only hint at its sign ("it's coming out very slowly") then count too.
        ``after_call``: the words came after a call carrier ("please call {for help}", "I need {to
        go to hospital now}"), whose verb the intent took away: who or where to call counts too."""
        return self.detect_words(words(text), asked, asking, after_call) if text else None

    def detect_words(
        self,
        text_words: Sequence[str],
        asked: bool | None = False,
        asking: str | None = None,
        after_call: bool = False,
    ) -> Detection | None:
        """``detect`` for a text already split into words (``text.words``)."""
        normalised = self._normalised(text_words) if text_words else ()
        found, ruled_out = self._detect(normalised, asked is True, asking, after_call)
        if found is None and self._second_opinion:
            found = self._guessed(normalised, asked is True, ruled_out)
        if asked is None and found is not None:  # "what is {foot drop}" may ask: a check at most
            return found._replace(confidence=CHECK, questioned=True)
        return found

    def _guessed(
        self, normalised: tuple[str, ...], carried_question: bool, ruled_out: bool
    ) -> Detection | None:
        """The learned model's second opinion (``sign_model``) on words no rule matched: a sign
        it finds gets that sign's confirming question, never the advice by itself. Where the
        rules ruled a sign out ("my legs are not weak"), only a near-certain guess overrules
        them. Words a question's carrier phrase left ("when should I {call nine one one}") are
        read as the question they were: the model learned questions with their question word."""
        from .sign_model import NONE, sign_model

        guess = sign_model().guess(("what", *normalised) if carried_question else normalised, ruled_out)
        if guess.sign == NONE or guess.sign not in self.signs:
            return None
        return Detection(self.signs[guess.sign], CHECK, via_hint=True, guessed=True)

    def answer_opening(self, text: str) -> str | None:
        """ "yes" or "no" when the words open with that answer ("yes, someone shoved me down the
        stairs", "um nope, he's peeing fine"), for a checklist question that waits for one; None
        when they open otherwise, correct themselves at once ("no wait", "yes I mean a bit"), or
        a yes goes on about the past or with a denial ("yeah, years back, but it's fine now")."""
        text_words = words(text[:200])
        start = 0
        while start < len(text_words) and text_words[start] in self._answer_fillers:
            start += 1
        rest = text_words[start:]
        openings = [span for span in self._answer_openers.find(rest[:4]) if span.start == 0]
        if not openings:
            return None
        opening = max(openings, key=lambda span: span.end)
        after = rest[opening.end : opening.end + 4]
        if any(span.start == 0 for span in self._answer_corrections.find(after)):
            return None
        if any(span.start == 0 and span.label != opening.label for span in self._answer_openers.find(after)):
            return None  # "yes no", "no yes": not an answer
        if opening.label == "no" and self._answer_contrasts.find(rest[opening.end :]):
            return None  # "no, the legs are fine, but I'm burning up": the no is about something else
        if opening.label == "yes":
            doubts = ("past", "resolved", "before", "after")
            if any(cue.label in doubts for cue in self._cues.find(self._normalised(rest[opening.end :]))):
                return None
        return opening.label

    def _detect(
        self,
        text_words: tuple[str, ...],
        carried_question: bool,
        asking: str | None,
        after_call: bool = False,
    ) -> tuple[Detection | None, bool]:
        """The sign the rules find in the normalised words, and whether they ruled one out: a
        rule's words were all there but denied, in the past, or only asked about (the model then
        has no say)."""
        if not text_words:
            return None, False
        concepts = self._concepts.find(text_words)
        if not concepts:
            return None, False
        cues = self._cues.find(text_words)
        exclusions = [c for c in cues if c.label == "exclusion"]
        # An idiom takes its words away, unless a longer phrase holds it ("go to the emergency room").
        concepts = [
            c
            for c in concepts
            if not any(
                _overlaps(c, e) and not (_inside(e, c) and c.end - c.start > e.end - e.start)
                for e in exclusions
            )
        ]
        if not concepts:
            return None, False
        pseudo = [c for c in cues if c.label == "pseudo"]
        # "not sure if", "did my back in", "not gonna lie": cues inside such phrases are no cues.
        cues = [
            c for c in cues if c.label in ("pseudo", "exclusion") or not any(_inside(c, p) for p in pseudo)
        ]
        # A question word inside a longer sign phrase is the sign's ("I can't work out whether I need
        # to go"), and inside a question about one's own symptoms it asks about them ("what does it
        # mean if both my legs are getting weak"), not about a condition.
        holders = [*concepts, *(c for c in cues if c.label == "report")]
        cues = [
            c
            for c in cues
            if c.label not in ("marker", "condition")
            or not any(_inside(c, span) and span.end - span.start > c.end - c.start for span in holders)
        ]
        context = _Context(
            text_words,
            cues,
            self._scope,
            self._present.find(text_words),
            self._refers_back.find(text_words),
        )
        opens = carried_question or self._opens_as_question(text_words)
        first_person = any(w in self._first_person for w in text_words)
        # "foot drop, what's that": with nobody's symptoms in it, a report question asks about the words.
        asking_about = ("marker", "condition") if first_person else ("marker", "condition", "report")
        questions = [c.start for c in cues if c.label in asking_about]
        conditions = [c.start for c in cues if c.label == "condition"]
        causal = _asks_what_causes(text_words)
        reported = any(c.label == "report" for c in cues)  # "is it bad that both legs are tingling"
        # "what is foot drop, because my foot is dragging", "what's a high fever, mine is 102":
        # the question owns the sign, so it reports it.
        owned = any(c.label == "own" for c in cues)
        has_person = "person" in {c.label for c in concepts}
        # "i need one", "send help": a request whatever else is said
        firm = any(c.label == "firm" for c in cues)
        requested = firm or any(c.label == "request" for c in cues)
        # "should I worry if my legs go weak": asks about what may happen, not what does
        hypothetical = bool(self._hypothetical.find(text_words))
        by_concept: dict[str, list[_Span]] = {}
        for span in concepts:
            by_concept.setdefault(span.label, []).append(span)
        present = by_concept.keys()

        def confidence_of(rule: _Rule, combo: tuple[_Span, ...]) -> str | None:
            """The rule's confidence for this occurrence, given how it was said; None: no sign."""
            # A question cue counts in its own part of the sentence ("my cancer team told me to
            # watch for changes, and now I can't control my bladder" reports, in its second part).
            part = _between(min(span.start for span in combo), context.ends)
            here = lambda positions: any(_between(p, context.ends) == part for p in positions)  # noqa: E731
            about_condition = not owned and (causal or here(conditions) or (opens and bool(conditions)))
            if about_condition and rule.ignored_when_asked and not firm:
                return None  # "can you ring one one two from a mobile": about calling, not a call
            if (opens or causal or here(questions)) and not (rule.request and requested):
                # After a carrier phrase ("why do I {query}") the "I" may be gone too: only a
                # question about a condition counts as general.
                about_self = not about_condition and (
                    carried_question or reported or owned or first_person or has_person
                )
                if not about_self or rule.ignored_when_asked:
                    return None  # a question about a condition informs; it never alarms
                # Asked about no one's symptoms ("what is foot drop", "would numb legs be an
                # emergency"): a question about the words, not a report.
                someones = reported or first_person or has_person
                return CHECK if owned or (someones and not hypothetical) else QUESTIONED
            return rule.confidence

        # A sign the words deny or put in the past ("my legs aren't weak at all", "I had a fever
        # last month but it cleared") is not hinted at by the bare words that only count while
        # the checklist asks about it ("legs", "fever").
        denied: set[str] = set()

        best: Detection | None = None
        ruled_out = False
        for rule in self._rules:
            if not rule.required <= present or (rule.needs_person and not has_person):
                continue
            if (rule.in_checklist and asking not in rule.sign.answers) or (
                rule.after_call and not after_call
            ):
                continue
            if best is not None and rule.confidence == CHECK:
                continue  # a check is found already, and this rule can only give another check
            if rule.in_checklist and rule.sign.id in denied:
                continue
            combos = []
            for combo in _combinations(rule, by_concept):
                if context.holds(combo, rule.across_clauses):
                    combos.append(combo)
                elif context.denies(combo):
                    denied.add(rule.sign.id)
            if rule.unless:
                combos = [
                    combo
                    for combo in combos
                    if not any(
                        abs(other.start - span.start) <= rule.window
                        for name in rule.unless
                        for other in by_concept.get(name, ())
                        for span in combo
                    )
                ]
            if rule.at_end:
                combos = [
                    combo for combo in combos if max(span.end for span in combo) >= self._end_of(text_words)
                ]
            found = {confidence_of(rule, combo) for combo in combos}
            ruled_out = ruled_out or None in found or rule.sign.id in denied
            if CLEAR in found:
                return Detection(rule.sign, CLEAR), False
            if CHECK in found:
                bare = rule.in_checklist or rule.ignored_when_asked
                best = best or Detection(rule.sign, CHECK, via_hint=bare)
            elif QUESTIONED in found:
                best = best or Detection(rule.sign, CHECK, questioned=True)
        return best, ruled_out

    def _end_of(self, text_words: tuple[str, ...]) -> int:
        """Where the sentence ends, before a tail of words like "suddenly", "anymore", "mate"."""
        end = len(text_words)
        tails = self._tail.find(text_words)
        while True:
            tail = next((t for t in tails if t.end == end), None)
            if tail is None:
                return end
            end = tail.start

    def _opens_as_question(self, text_words: tuple[str, ...]) -> bool:
        """ "why ...", "what is ...", "is it normal ...", after any "so", "um" or "okay"."""
        start = 0
        while start < len(text_words) - 1 and text_words[start] in _INTERJECTIONS:
            start += 1
        return any(s.start == 0 for s in self._openers.find(text_words[start : start + 6]))


# Words that put a part of a sentence in the present ("and my legs are weak", "and now I can't").
_PRESENT_TENSE = frozenset(
    {
        "is",
        "are",
        "am",
        "im",
        "cant",
        "cannot",
        "wont",
        "keep",
        "keeps",
        "still",
        "have",
        "has",
        "ive",
        "its",
        "feel",
        "feels",
        "hurt",
        "hurts",
        "getting",
        "now",
        "today",
        "currently",
        "can",
        "isnt",
        "arent",
        "dont",
        "doesnt",
        "theyre",
        "hes",
        "shes",
        "were",
    }
)
_MODALS = frozenset({"can", "could", "does", "do", "will", "would", "might", "may"})
_CAUSAL = frozenset({"cause", "give", "make", "lead", "trigger", "bring"})
_NEGATIVE_AUX = frozenset(
    {"cant", "wont", "dont", "didnt", "doesnt", "couldnt", "wouldnt", "isnt", "arent", "havent", "hasnt"}
)
_PRONOUNS = frozenset({"i", "he", "she", "we", "they", "you", "it"})
_POSSESSIVES = frozenset({"my", "his", "her", "your", "our", "their"})


def _uninverted(text_words: Sequence[str]) -> Sequence[str]:
    """A question's word order as a statement's: "why can't I feel" -> "I can't feel", "why won't
    my legs hold me" -> "my legs won't hold me"."""
    if not any(w in _NEGATIVE_AUX for w in text_words):
        return text_words
    result = list(text_words)
    i = 0
    while i < len(result) - 1:
        if result[i] in _NEGATIVE_AUX and result[i + 1] in _PRONOUNS:
            result[i], result[i + 1] = result[i + 1], result[i]
            i += 2
        elif result[i] in _NEGATIVE_AUX and result[i + 1] in _POSSESSIVES and i + 2 < len(result):
            result[i : i + 3] = [result[i + 1], result[i + 2], result[i]]
            i += 3
        else:
            i += 1
    return result


def _asks_what_causes(text_words: Sequence[str]) -> bool:
    """ "can kidney stones cause a fever", "does sciatica make your legs weak": a causal question.
    A modal after its subject is a statement ("I can barely make it to the kitchen")."""
    return any(
        word in _CAUSAL
        and any(
            text_words[j] in _MODALS and (j == 0 or text_words[j - 1] not in _PRONOUNS)
            for j in range(max(0, i - 5), i)
        )
        for i, word in enumerate(text_words)
    )


def _overlaps(a: _Span, b: _Span) -> bool:
    return a.start < b.end and b.start < a.end


def _combinations(rule: _Rule, by_concept: dict[str, list[_Span]]) -> Iterable[tuple[_Span, ...]]:
    """Every way to pick one occurrence per concept of the rule within its window (few: texts are short)."""
    combos: list[tuple[_Span, ...]] = [()]
    for concept in rule.concepts:
        combos = [
            (*c, span)
            for c in combos
            for span in by_concept[concept]
            if not any(_overlaps(span, other) for other in c)
        ]
    for combo in combos:
        if max(s.end for s in combo) - min(s.start for s in combo) > rule.window + 1:
            continue
        if rule.in_order and any(a.start > b.start for a, b in pairwise(combo)):
            continue
        yield combo


class _Context:
    """Clauses, negation scopes and the past, for one text."""

    def __init__(
        self,
        text_words: tuple[str, ...],
        cues: list[_Span],
        scope: int,
        present: list[_Span],
        refers_back: list[_Span],
    ) -> None:
        """``cues``: the text's cues, those inside a pseudo-trigger already left out."""
        self.scope = scope
        self.text_words = text_words
        self.clause_breaks = sorted(c.start for c in cues if c.label == "break")
        # "if suddenly I can't pee": a time word right after "if" or "when" ends nothing.
        ends = sorted(
            {
                c.start
                for c in cues
                if c.label == "end" and text_words[c.start - 1 : c.start] not in (("if",), ("when",))
            }
            | set(self.clause_breaks)
        )
        self.ends = ends
        # A leading "no" that answers the question asked ("no, my legs have gone") negates nothing.
        leading = (
            1
            if len(text_words) > 1
            and text_words[0] in _INTERJECTIONS
            and (text_words[0] not in ("no", "nope") or text_words[1] in _AFTER_ANSWER)
            else 0
        )
        self.before = [c for c in cues if c.label == "before" and c.start >= leading]
        self.after = [c for c in cues if c.label == "after"]
        # The past reaches from the previous "and" or present-time word to the next one; a part
        # that starts "that was years ago" reaches back over the part before it.
        present_starts = {p.start for p in present}
        parts = sorted({i for i, w in enumerate(text_words) if w == "and"} | set(ends) | present_starts)
        self.past_ranges = []
        for marker in (c for c in cues if c.label == "past"):
            start, end = _between(marker.start, parts)
            # "... as a kid and winded myself": the next parts are the past too, until one is in the present.
            while (
                end < len(text_words)
                and end not in present_starts
                and not any(w in _PRESENT_TENSE for w in text_words[end : _between(end, parts)[1]])
            ):
                end = _between(end, parts)[1]
            if any(start <= b.start <= start + 2 for b in refers_back):
                start = 0  # "..., that was three years ago": all that came before is the past
            self.past_ranges.append((start, end))
        # "physio fixed it", "it's long gone": what was said before is over.
        self.past_ranges += [(0, c.start) for c in cues if c.label == "resolved"]
        # A year ("in 2005") puts its part of the sentence in the past.
        self.past_ranges += [_between(i, parts) for i, w in enumerate(text_words) if _YEAR.fullmatch(w)]

    def holds(self, combo: tuple[_Span, ...], across_clauses: bool = False) -> bool:
        """True when the occurrences are one clause, affirmed and present."""
        first = min(s.start for s in combo)
        clause = _between(first, self.clause_breaks)
        if not across_clauses and any(not clause[0] <= s.start < clause[1] for s in combo):
            return False
        return not self.denies(combo)

    def denies(self, combo: tuple[_Span, ...]) -> bool:
        """True when an occurrence is negated or in the past ("my legs aren't weak", "years ago")."""
        if any(self._negated(span, combo) for span in combo):
            return True
        return any(start <= span.start < end for span in combo for start, end in self.past_ranges)

    def _reach(self, start: int, end: int) -> int:
        """A negation's scope: a few words, and a few more for each "or" ("no pain or trouble breathing")."""
        return self.scope + 4 * sum(1 for w in self.text_words[start:end] if w in ("or", "nor"))

    def _negated(self, span: _Span, combo: tuple[_Span, ...]) -> bool:
        scope_start, scope_end = _between(span.start, self.ends)
        for trigger in self.before:
            if any(_inside(trigger, own) for own in combo):
                continue  # "not able to", "no feeling": the trigger is part of the sign's own words
            if scope_start <= trigger.start and trigger.end <= span.start <= trigger.end + self._reach(
                trigger.end, span.start
            ):
                return True
        for trigger in self.after:
            if any(_overlaps(trigger, own) for own in combo):
                continue
            if trigger.start < scope_end and span.end <= trigger.start <= span.end + self.scope:
                return True
        return False


def _between(position: int, breaks: Sequence[int]) -> tuple[int, int]:
    """The stretch of words around ``position`` that no break cuts (breaks start a stretch)."""
    start, end = 0, 10**6
    for b in breaks:
        if b <= position:
            start = b
        else:
            end = b
            break
    return start, end


def load_lexicon(folder: str | None = None) -> dict:
    path = os.path.join(folder or paths.content_dir(), LEXICON_FILE)
    with open(path, encoding="utf-8") as file:
        return json.load(file)
