"""Which passages go to the model: BM25 relevance to the brief (and storyline), in a budget.

Tokens are Latin words and CJK character bigrams, so Japanese material ranks
without a tokenizer.  Chosen passages go to the model in document order.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from generator.llm.costs import estimate_tokens
from generator.material.passages import Passage

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
K1, B = 1.5, 0.75
_STOP = {"the", "a", "an", "of", "and", "or", "to", "in", "on", "for", "is", "are", "be",
         "by", "with", "as", "at", "it", "this", "that", "from", "we", "our"}


def tokens(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(text.lower()):
        if _CJK.match(word):
            out.extend(word[i:i + 2] for i in range(max(len(word) - 1, 1)))
        elif word not in _STOP:
            out.append(word)
    return out


def scores(passages: list[Passage], query: str) -> list[float]:
    """Okapi BM25 score of each passage for `query`."""
    docs = [Counter(tokens(p.text + " " + p.place)) for p in passages]
    if not docs:
        return []
    lengths = [sum(d.values()) for d in docs]
    average = sum(lengths) / len(docs) or 1
    frequency = Counter(term for d in docs for term in d)
    result = []
    for doc, length in zip(docs, lengths):
        score = 0.0
        for term in set(tokens(query)):
            tf = doc.get(term, 0)
            if not tf:
                continue
            idf = math.log(1 + (len(docs) - frequency[term] + 0.5) / (frequency[term] + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
        result.append(score)
    return result


def choose(passages: list[Passage], query: str, *, budget_tokens: int,
           must: tuple[str, ...] = ()) -> list[Passage]:
    """The most relevant passages that fit `budget_tokens`, `must` ids first, in file order."""
    ranked = sorted(zip(scores(passages, query), range(len(passages))), key=lambda s: -s[0])
    order = [i for i, p in enumerate(passages) if p.id in must]
    order += [i for score, i in ranked if score > 0 and i not in order]
    if not order:  # nothing matches (e.g. another language): the start of each file
        seen: set[str] = set()
        order = [i for i, p in enumerate(passages) if not (p.doc in seen or seen.add(p.doc))]
    chosen, used = [], 0
    for index in order:
        cost = estimate_tokens(passages[index].text) + 12
        if used + cost > budget_tokens:
            continue
        chosen.append(index)
        used += cost
    return [passages[i] for i in sorted(chosen)]
