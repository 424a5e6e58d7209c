"""A person's edits, saved while transflow ran, merged into what transflow writes.

transflow reads a catalog (the *base*), computes its new version (*ours*: new entries,
drafts, obsolete ones) and, at write time, finds the file as a person left it
(*theirs*: saved by Poedit, Lokalize or a text editor meanwhile). This is the three-way
merge of the two versions against the base, entry by entry:

- an entry only one side changed takes that side's version;
- an entry both changed alike is kept; both changed differently is a *conflict*, and the
  person's version wins (it is reported, never silently);
- an entry's translation (msgstr and plural forms, flags, translator comments, previous
  msgid) and its
  source side (references, extracted comments) are merged as two separate parts, so that
  a moved reference never costs a person's translation, and a draft never lands in an
  entry a person translated;
- an entry the person added is kept; one transflow drops or makes obsolete that the
  person edited meanwhile keeps the person's translation; one the person deleted is kept
  as transflow has it (its next extract would add it again anyway).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from transflow.model import Catalog, Entry

Key = tuple[bool, str | None, str]  # obsolete, msgctxt, msgid


@dataclass(frozen=True)
class Conflict:
    """An entry both sides changed differently: the person's version was kept."""

    msgid: str
    line: int | None  # the entry's line in the person's file


def _key(entry: Entry) -> Key:
    return (entry.obsolete, entry.msgctxt, entry.msgid)


_TRANSLATION = (
    "msgstr",
    "msgstr_plural",
    "flags",
    "translator_comments",
    "previous_msgid",
    "previous_msgctxt",
    "previous_msgid_plural",
)


def _translation(e: Entry) -> tuple[object, ...]:
    return tuple(getattr(e, name) for name in _TRANSLATION)


def _source(e: Entry) -> tuple[object, ...]:
    return (e.references, e.extracted_comments)


def _with_translation(entry: Entry, of: Entry) -> Entry:
    return entry.with_(**{name: getattr(of, name) for name in _TRANSLATION})


def _three_way(base: object, ours: object, theirs: object) -> tuple[str, bool]:
    """Which side a part takes ("ours" or "theirs"), and whether that was a conflict."""
    if theirs in (base, ours):
        return "ours", False
    if ours == base:
        return "theirs", False
    return "theirs", True


def _entry(base: Entry | None, ours: Entry, theirs: Entry) -> tuple[Entry, bool]:
    if base is None:  # both added it
        return theirs, theirs != ours and bool(ours.msgstr)
    side, clash = _three_way(_translation(base), _translation(ours), _translation(theirs))
    merged = _with_translation(ours, theirs) if side == "theirs" else ours
    side, clash_source = _three_way(_source(base), _source(ours), _source(theirs))
    if side == "theirs":
        merged = merged.with_(
            references=theirs.references, extracted_comments=theirs.extracted_comments
        )
    return merged, clash or clash_source


def _header(base: Catalog, ours: Catalog, theirs: Catalog) -> Catalog:
    fields = dict(ours.header)
    old, mine = dict(base.header), dict(ours.header)
    for name, value in theirs.header:
        if value != old.get(name) and mine.get(name) == old.get(name):
            fields[name] = value
    for name in old:  # a field the person removed, and transflow did not change
        if name not in dict(theirs.header) and mine.get(name) == old[name]:
            fields.pop(name, None)
    comments = ours.header_comments
    if theirs.header_comments != base.header_comments:
        comments = theirs.header_comments
    return replace(ours, header=tuple(fields.items()), header_comments=comments)


def reconcile(base: Catalog, ours: Catalog, theirs: Catalog) -> tuple[Catalog, list[Conflict]]:
    """`ours` with the changes from `base` to `theirs` merged in (see the module's text)."""
    if theirs == base:
        return ours, []
    before = {_key(e): e for e in base.entries}
    now = {_key(e): e for e in theirs.entries}
    mine = {_key(e) for e in ours.entries}
    conflicts: list[Conflict] = []
    entries: list[Entry] = []
    for entry in ours.entries:
        key = _key(entry)
        found = now.get(key)
        if found is None:
            # not in the person's file: deleted there, or an entry transflow just made
            # obsolete (or active) that the person edited in its other state
            other = now.get((not key[0], key[1], key[2]))
            old = before.get((not key[0], key[1], key[2]))
            if other is not None and old is not None and _translation(other) != _translation(old):
                entry = _with_translation(entry, other)
            entries.append(entry)
            continue
        merged, clash = _entry(before.get(key), entry, found)
        if clash:
            conflicts.append(Conflict(entry.msgid, found.line))
        entries.append(merged)
    for key, found in now.items():
        if key in mine or (not key[0], key[1], key[2]) in mine:
            continue
        old = before.get(key)
        if old is None:
            entries.append(found)  # the person added it
        elif _translation(found) != _translation(old) and found.msgstr:
            entries.append(found.with_(obsolete=True))  # dropped by transflow, edited by them
    result = replace(_header(base, ours, theirs), entries=tuple(entries))
    return result, conflicts
