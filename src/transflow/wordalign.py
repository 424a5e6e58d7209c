"""Which word of a machine translation translates which word of its source.

Used to put inline-markup tags back into a draft made from the plain sentence
(:func:`transflow.protect.place`). Two kinds of evidence, per target word:

- **look-alike** words: numbers with the same digits, and words that look alike once
  both are folded to plain Latin letters (names, cognates: *Mammadov* / *Məmmədov* /
  *Мамедов* / *محمدوف*): a similarity of the folded words, or of their consonants, of at
  least ``SIMILAR``, or a common start of four letters or more (inflection: *Kashmir* /
  *Kəşmir*, *Pakistan* / *Pakistanın*). Only pairs that are each other's best match
  count; such a pair is *sure* when neither word has another match nearly as close.
- **attention**: the model's links (:attr:`transflow.engines.Draft.alignment`), summed
  per pair of words; a target word's owner is the source word it attends most, *likely*
  when that source word also attends most to it (both directions agree).

Look-alike evidence wins over attention, and only it is sure: a model's attention is no
reliable word alignment (the test packages' attention, measured, points anywhere).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from transflow.engines import Link

SIMILAR = 0.75
_MARGIN = 0.1  # a look-alike is sure when the next best is this much less alike
_JOINERS = "-’'.,"

Span = tuple[int, int]

# folding to Latin letters: Cyrillic, and the Arabic script as Urdu writes it (short
# vowels unwritten: long vowels and glides fold to vowels, which the consonant
# comparison drops)
_LATIN = {
    **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziiklmnoprstufye", strict=True)),
    **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
    **{"ъ": "", "ь": "", "ю": "yu", "я": "ya", "ə": "e", "ı": "i", "ß": "ss", "ø": "o"},
    **dict(
        zip(
            "بپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیےئۓة",
            "bpttsjchkddzrrzzsssztzagfqkglmnnohheeeeeh",
            strict=True,
        )
    ),
    **{"ا": "a", "آ": "a", "ي": "e", "ك": "k", "ى": "e", "ه": "h", "أ": "a", "إ": "e"},
}
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_VOWELS = set("aeiouyhw")
_ALIKE = {"v": "f", "j": "c"}  # consonants that scripts and spellings swap


def words(text: str) -> list[Span]:
    """The words of `text`: runs of letters, digits and combining marks, joined across one
    of ``-’'.,`` between two such characters (``3,890``, ``ayrı-seçkilik``, ``Iran’s``)."""
    found: list[Span] = []
    start = None
    for i, ch in enumerate(text):
        if _word_char(ch):
            if start is None:
                start = i
            continue
        inner = (
            ch in _JOINERS and start is not None and i + 1 < len(text) and _word_char(text[i + 1])
        )
        if not inner and start is not None:
            found.append((start, i))
            start = None
    if start is not None:
        found.append((start, len(text)))
    return found


def _word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def fold(word: str) -> str:
    """`word` in plain lower-case Latin letters and ASCII digits, as near as can be."""
    lowered = word.casefold().translate(_DIGITS).replace("дж", "j")
    decomposed = unicodedata.normalize("NFKD", lowered)
    out = []
    for ch in decomposed:
        if unicodedata.category(ch).startswith("M"):
            continue
        out.append(_LATIN.get(ch, ch) if ch.isalnum() else "")
    return "".join(out)


def _consonants(folded: str) -> str:
    kept = [_ALIKE.get(ch, ch) for ch in folded if ch not in _VOWELS]
    return "".join(ch for i, ch in enumerate(kept) if i == 0 or ch != kept[i - 1])


def similarity(a: str, b: str) -> float:
    """How alike two folded words are, 0..1 (numbers: 1 when their digits are equal)."""
    digits_a, digits_b = "".join(filter(str.isdigit, a)), "".join(filter(str.isdigit, b))
    if digits_a or digits_b:
        return 1.0 if digits_a == digits_b else 0.0
    if len(a) < 2 or len(b) < 2:
        return 1.0 if a == b and a else 0.0
    common = len(_common_start(a, b))
    if common >= 4 and common >= SIMILAR * min(len(a), len(b)):
        return 1.0
    best = difflib.SequenceMatcher(None, a, b).ratio()
    ca, cb = _consonants(a), _consonants(b)
    if min(len(ca), len(cb)) >= 2 and ca[0] == cb[0]:  # short: all the same
        alike = difflib.SequenceMatcher(None, ca, cb).ratio() if min(len(ca), len(cb)) > 2 else 0.0
        best = max(best, 1.0 if ca == cb else alike)
    return best


def _common_start(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


@dataclass(frozen=True)
class Alignment:
    source: list[Span]  # the source's words
    target: list[Span]  # the target's words
    owner: list[int | None]  # per target word: the source word it translates, if known
    sure: list[bool]  # per target word: its owner a look-alike with no rival
    likely: list[bool]  # per target word: its owner sure, or agreed by attention both ways


def align(source: str, target: str, links: Sequence[Link] | None) -> Alignment:
    """The words of `source` and `target`, and who translates whom."""
    src, tgt = words(source), words(target)
    owner: list[int | None] = [None] * len(tgt)
    sure, likely = [False] * len(tgt), [False] * len(tgt)
    attention = _attention(src, tgt, links or ())
    for t, row in enumerate(attention):
        if any(row):
            s = max(range(len(src)), key=row.__getitem__)
            owner[t] = s
            likely[t] = max(range(len(tgt)), key=lambda u: attention[u][s]) == t
    for s, t, unique in _look_alikes(source, target, src, tgt):
        owner[t], sure[t], likely[t] = s, unique, True
    return Alignment(src, tgt, owner, sure, likely)


def _attention(src: list[Span], tgt: list[Span], links: Sequence[Link]) -> list[list[float]]:
    matrix = [[0.0] * len(src) for _ in tgt]
    if not src:
        return matrix
    for s0, s1, t0, t1, weight in links:
        for t in _overlapping(tgt, t0, t1):
            for s in _overlapping(src, s0, s1):
                matrix[t][s] += weight
    return matrix


def _overlapping(spans: list[Span], start: int, end: int) -> list[int]:
    return [i for i, (a, b) in enumerate(spans) if a < end and start < b]


def _look_alikes(
    source: str, target: str, src: list[Span], tgt: list[Span]
) -> list[tuple[int, int, bool]]:
    """(source word, target word, unique) for words each other's best look-alike."""
    folded_src = [fold(source[a:b]) for a, b in src]
    folded_tgt = [fold(target[a:b]) for a, b in tgt]
    candidates = [i for i, (a, b) in enumerate(src) if _worth_matching(source[a:b], folded_src[i])]
    if not candidates or not tgt:
        return []
    scores: dict[tuple[int, int], float] = {}
    for s in candidates:
        for t, folded in enumerate(folded_tgt):
            value = similarity(folded_src[s], folded)
            if value >= SIMILAR:
                # between equally alike words, the one at the nearer relative place
                place = abs(s / max(1, len(src) - 1) - t / max(1, len(tgt) - 1))
                scores[s, t] = value - 0.01 * place
    found = []
    for (s, t), value in scores.items():
        rows = sorted((v for (s2, _), v in scores.items() if s2 == s), reverse=True)
        columns = sorted((v for (_, t2), v in scores.items() if t2 == t), reverse=True)
        if value == rows[0] == columns[0]:
            unique = all(len(v) == 1 or v[0] - v[1] >= _MARGIN for v in (rows, columns))
            found.append((s, t, unique))
    return found


def _worth_matching(word: str, folded: str) -> bool:
    """Numbers, names and longer words: short common words look alike by chance."""
    if any(ch.isdigit() for ch in folded):
        return True
    return len(folded) >= 4 or (word[:1].isupper() and len(folded) >= 2)
