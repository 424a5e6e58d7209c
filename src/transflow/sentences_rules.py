"""Word lists for :mod:`transflow.sentences` (English).

Abbreviations are stored lowercased, without their final period, and are looked up
case-insensitively. Each set says how a period after such a word behaves when the next
word starts with a capital letter or a digit; see ``transflow.sentences`` for the rules.
"""

from __future__ import annotations

# Titles and other words that precede a name or a term: never the end of a sentence.
TITLES: frozenset[str] = frozenset(
    """
    adm amb atty attys brig capt cdr cmdr col comdr cpl det dr esq fr gen gov hon insp lt
    maj messrs mlle mme mr mrs ms msgr mssrs pres prof pvt rep reps rev sen sens sgt supt
    v vs
    """.split()
)

# Place prefixes ("St. Michael's", "Mt. Fuji"): an end only before a sentence starter.
PLACE_PREFIXES: frozenset[str] = frozenset("ft mt pt st".split())

# Words that take a number after them ("p. 55", "No. 5", "N°. 1026").
NUMBER_ABBREVIATIONS: frozenset[str] = frozenset(
    """
    art arts ch chap eq eqs ex ext fig figs no nos nr n° para paras p pp ref refs rs sec
    secs tab vol vols
    """.split()
)

# Months and days: not an end before a digit ("Feb. 25").
CALENDAR: frozenset[str] = frozenset(
    """
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat
    sun
    """.split()
)

# Other common abbreviations: not an end before a digit or a lowercase word; an end
# before a capitalized word ("Let's ask Jane and co. They should know.").
GENERAL: frozenset[str] = frozenset(
    """
    al approx apt assn assoc ave bldg blvd ca cf co corp dept dist div ed eds est et etc
    govt hr hrs inc intl jr km lb lbs ltd mfg min mins mln mn mph natl oz pl pct pop
    pts qt rd sq sr ste tel univ yr yrs
    """.split()
)

# Dotted abbreviations ("e.g.", "i.e.") that never end a sentence.
NEVER_FINAL_DOTTED: frozenset[str] = frozenset("e.g i.e cf viz c.f".split())

# Time of day ("a.m.", "p.m.").
TIMES: frozenset[str] = frozenset("a.m p.m".split())

# Capitalized words that usually begin a sentence. After an ambiguous abbreviation
# ("U.S.", an initial like "I.", "St.") a following starter means a sentence ended there.
SENTENCE_STARTERS: frozenset[str] = frozenset(
    """
    A After Also An And As At Being But Did Do Does During For He Her His How However I If
    In It Its Meanwhile Millions More Most My Nevertheless Now On Our She So Some That The
    Their Then There These They This Those Thus To We What When Where Which While Who Why
    Yet You
    """.split()
)

# Titles that, after "a.m."/"p.m.", show a new sentence ("at 6 P.M. Mr. Smith then ...").
PERSONAL_TITLES: frozenset[str] = frozenset("Mr Mrs Ms Dr Prof".split())

# Prepositions that open a sentence with a time ("At 5 a.m. Mr. Smith went ...").
TIME_PREPOSITIONS: tuple[str, ...] = (
    "about",
    "after",
    "around",
    "at",
    "before",
    "by",
    "from",
    "since",
    "till",
    "until",
)
