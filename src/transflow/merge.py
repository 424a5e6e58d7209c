"""Template entries + an existing catalog -> the updated catalog, as msgmerge does, safer.

- a unit whose text is unchanged keeps its translation, flags and comments;
- a new unit is added empty, or with the translation of a similar vanished unit as a
  fuzzy suggestion, the old text kept as ``#| msgid``;
- a vanished unit becomes obsolete (``#~``) when it has a translation, so that a
  translation a person accepted is never lost: it stays in the file until they delete it.

Entries that transflow does not make: a plural entry is no unit of any document, so it never
vanishes; it is kept as it is (active or obsolete), after the units, and the catalog keeps
its own Plural-Forms. An entry a person gave a msgctxt is still the entry of the unit with
its msgid, when no entry without msgctxt has that msgid: it keeps its msgctxt, translation
and flags. Any other entry with a msgctxt that no unit has is handled as a vanished unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from transflow.model import Catalog, Entry

_POSITION_WINDOW = 3  # blocks around a unit's old position searched first


def _block_of(reference: str) -> tuple[str, int] | None:
    doc, _, position = reference.rpartition(":")
    block, _, _ = position.partition(".")
    return (doc, int(block)) if block.isdigit() else None


def _suggest(
    entry: Entry,
    candidates: Sequence[Entry],
    near: Iterable[Entry],
    threshold: int,
) -> Entry | None:
    """The most similar vanished entry at or above `threshold`; nearby ones are tried first."""
    from rapidfuzz import fuzz, process

    for pool in (list(near), candidates):
        if not pool:
            continue
        best = process.extractOne(
            entry.msgid,
            [c.msgid for c in pool],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
        )
        if best is not None:
            return pool[best[2]]
    return None


def merge(
    template: Sequence[Entry],
    existing: Catalog,
    header: tuple[tuple[str, str], ...],
    threshold: int = 80,
) -> Catalog:
    """The catalog for `template` (entries with empty msgstr), keeping `existing`'s work.

    `header` holds the fields transflow writes (:func:`transflow.template.header_fields`);
    the other header fields of `existing` (an editor's own keys) are kept, in their order.
    """
    if not existing.entries:  # a new catalog, or a template (made anew): the units as they are
        return Catalog(
            header=merge_header(existing.header, header),
            header_comments=existing.header_comments,
            header_fuzzy=existing.header_fuzzy,
            entries=tuple(template),
        )
    plural = [e for e in existing.entries if e.plural]
    singular = [e for e in existing.entries if not e.plural]
    active = {e.key: e for e in singular if not e.obsolete}
    obsolete = {e.key: e for e in singular if e.obsolete}
    taken = {e.key for e in plural}
    template = [e for e in template if e.key not in taken]
    context: dict[str, Entry] = {}  # msgid -> the first entry a person gave a msgctxt
    for e in active.values():
        if e.msgctxt is not None:
            context.setdefault(e.msgid, e)
    match: dict[str | tuple[str, str], Entry] = {}  # a unit's key -> its existing entry
    for new in template:
        same = active.get(new.key)
        if same is None and new.msgctxt is None:
            same = context.get(new.msgid)
        same = same or obsolete.get(new.key)
        if same is not None:
            match[new.key] = same
    used = {e.key for e in match.values()}
    # Old work worth keeping and suggesting; a machine draft of a vanished unit is not: the
    # new unit gets a fresh draft, and the translation memory still has the old one.
    vanished = [e for k, e in active.items() if k not in used and e.msgstr and not e.draft]
    vanished += [
        e
        for k, e in obsolete.items()
        if k not in used and k not in active and e.msgstr and not e.draft
    ]

    by_block: dict[tuple[str, int], list[Entry]] = {}
    for old in vanished:
        for reference in old.references:
            place = _block_of(reference)
            if place:
                by_block.setdefault(place, []).append(old)

    def near(entry: Entry) -> list[Entry]:
        found: dict[str, Entry] = {}
        for reference in entry.references:
            place = _block_of(reference)
            if place:
                doc, block = place
                for b in range(block - _POSITION_WINDOW, block + _POSITION_WINDOW + 1):
                    for old in by_block.get((doc, b), ()):
                        found.setdefault(old.msgid, old)
        return list(found.values())

    entries: list[Entry] = []
    for new in template:
        same = match.get(new.key)
        if same is not None:
            unchanged = (same.references, same.extracted_comments, same.obsolete) == (
                new.references,
                new.extracted_comments,
                False,
            )
            entries.append(
                same
                if unchanged
                else same.with_(
                    references=new.references,
                    extracted_comments=new.extracted_comments,
                    obsolete=False,
                )
            )
            continue
        source = _suggest(new, vanished, near(new), threshold) if vanished else None
        if source is None:
            entries.append(new)
        else:
            entries.append(
                new.with_(
                    msgstr=source.msgstr,
                    translator_comments=source.translator_comments,
                    flags=(*dict.fromkeys(("fuzzy", *source.flags)),),
                    previous_msgid=(source.fuzzy and source.previous_msgid) or source.msgid,
                    previous_msgctxt=source.msgctxt,
                )
            )

    kept_obsolete: dict[str | tuple[str, str], Entry] = {}
    for old in vanished:
        kept_obsolete.setdefault(old.key, old.with_(obsolete=True, references=()))
    entries += plural
    entries += kept_obsolete.values()

    if plural and existing.header_value("Plural-Forms"):  # the forms its plural entries have
        header = tuple(field for field in header if field[0] != "Plural-Forms")
    return Catalog(
        header=merge_header(existing.header, header),
        header_comments=existing.header_comments,
        header_fuzzy=existing.header_fuzzy,
        entries=tuple(entries),
    )


# The order in which xgettext and msgmerge write the header fields.
_ORDER = {
    name: rank
    for rank, name in enumerate(
        (
            "Project-Id-Version",
            "Report-Msgid-Bugs-To",
            "POT-Creation-Date",
            "PO-Revision-Date",
            "Last-Translator",
            "Language-Team",
            "Language",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding",
            "Plural-Forms",
        )
    )
}


def merge_header(
    existing: tuple[tuple[str, str], ...], ours: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """`existing` in its own order with our values set. Each of our fields it lacks goes
    after the last of its fields that xgettext writes before that one (other fields, such
    as X-Generator, after the last field xgettext writes), so that a catalog an older
    transflow wrote gets the standard order."""
    values = dict(ours)
    merged = [(k, values.pop(k, v)) for k, v in existing]
    last = len(_ORDER)
    for name, value in values.items():
        rank = _ORDER.get(name, last)
        before = [i for i, (k, _) in enumerate(merged) if _ORDER.get(k, last) < rank]
        merged.insert(before[-1] + 1 if before else 0, (name, value))
    return tuple(merged)
