"""Read PO text into a :class:`~transflow.model.Catalog`: the inverse of :mod:`poformat`.

Two readers give the same catalog. The fast one reads whole entries with one regular
expression each, for files laid out as msgcat and the usual editors lay them out (one space
after a keyword, nothing between an entry's comments and its strings, no escapes but
``\\n \\t \\r \\a \\b \\f \\v \\\\ \\"``). The careful one (:mod:`transflow.polex`) is
gettext's own lexer and grammar; it takes over whenever the fast one meets anything else,
and it is the one that reports errors, each a :class:`TransflowError` naming the line.

Then the catalog is checked as ``msgfmt --check`` checks it: no two entries (obsolete ones
included) with the same msgctxt and msgid; in an entry a person accepted, msgid, msgid_plural
and each msgstr all begin with a line break or none does, and the same for the end; a plural
entry they accepted has as many forms as the header's ``nplurals``. Not checked: format
strings (``c-format``...), the header's fields and its plural expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from transflow.errors import TransflowError
from transflow.model import Catalog, Entry
from transflow.polex import careful, crlf_to_lf, flags_of

_CHARS = r'[^"\\\n\x00\x04]*'  # inside a string, between escapes
_QUOTED = rf'"{_CHARS}(?:\\[ntrabfv\\"]{_CHARS})*"'  # a string with the usual escapes
_COMMENT = r"\#(?:[^~|\n\x00][^\n\x00]*)?(?<!\\)\n"  # no final backslash: it joins lines
_PREVIOUS = re.compile(rf"\#~?\|[ \t]*(?:(msgctxt|msgid)[ \t]+)?({_QUOTED})[ \t]*")
_UNESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _entry_pattern(mark: str, previous: str) -> re.Pattern[str]:
    """One entry as msgcat lays it out, blank lines before it included: comments, previous
    strings (lines starting with `previous`), then its strings (lines starting with `mark`).
    Each `NAME` group holds the first string's inside, `NAME_more` its continuation lines,
    without `mark`."""

    def keyword(name: str) -> str:
        more = f"(?:{mark}{_QUOTED}\\n)*"
        return rf"{mark}{name} \"(?P<{name}>{_QUOTED[1:-1]})\"\n(?P<{name}_more>{more})"

    return re.compile(
        rf"\n*(?P<comments>(?:{_COMMENT})*)"
        rf"(?P<previous>(?:{previous}[^\n]*\n)*)"
        rf"(?:{keyword('msgctxt')})?{keyword('msgid')}{keyword('msgstr')}"
    )


_ENTRY = _entry_pattern("", r"\#\|")
_OBSOLETE = _entry_pattern(r"\#~\ ", r"\#~\|")


def _unescape(text: str) -> str:
    """The usual escapes (the only ones the fast reader lets through)."""
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def parse(
    text: str, path: Path | str, untranslated: bool = True, charset: str = "utf-8"
) -> Catalog:
    """The catalog in `text` (read from `path`, which messages name; `charset`: the file's,
    which octal and hex escapes are read in). Without `untranslated`, the entries with an
    empty msgstr are left out (the header is kept): for a reader to whom they mean what a
    missing entry means, as ``build``. Then a catalog with few translations is read several
    times faster, and those entries are not checked for duplicates."""
    entries = _fast(text, untranslated)
    if entries is None:
        entries = careful(text, path, charset)
        if not untranslated:
            entries = [e for e in entries if e.msgstr]
    return checked(entries, path)


def _careful(text: str, path: Path | str) -> list[Entry]:
    """The careful reader's entries (for tests that compare the two readers)."""
    return careful(text, path)


class Unusual(Exception):
    """The fast reader met a layout it does not read (:func:`entries`)."""


def _fast(text: str, untranslated: bool = True) -> list[Entry] | None:
    """Entry by entry, for the usual layout; None if `text` has any other. Without
    `untranslated`, entries with an empty msgstr are passed over."""
    try:
        return list(entries(text, untranslated))
    except Unusual:
        return None


def entries(
    text: str,
    untranslated: bool = True,
    line: int = 1,
    whole: bool = True,
    shared: Mapping[str, Entry] | None = None,
) -> Iterator[Entry]:
    """The entries of `text` one at a time as the fast reader reads them (the header's
    too, and unchecked: see :func:`checked`), for a reader that may stop early or read a
    file a piece at a time (not `whole`: `text` then starts at `line` of its file, whose
    first line does not end in CRLF); raises :class:`Unusual` where the layout is not the
    usual one. An entry whose msgid is a key of `shared` (a template's entries, by msgid)
    gets that entry's msgid, and its references when they are equal: strings and tuples
    the caller holds already, so that they are not held twice."""
    if whole:
        text = crlf_to_lf(text)
    if not text.endswith("\n"):
        text += "\n"
    pos, end = 0, len(text)
    new = tuple.__new__
    while pos < end:
        match = _ENTRY.match(text, pos) or _OBSOLETE.match(text, pos)
        if match is None:
            if text[pos:].strip("\n"):
                raise Unusual
            return
        obsolete = match.re is _OBSOLETE
        comments, previous, ctxt, ctxt_more, msgid, msgid_more, msgstr, msgstr_more = match.groups()
        if not (untranslated or msgstr or msgstr_more) and (not previous or _previous(previous)):
            line += text.count("\n", pos, match.end())
            pos = match.end()
            continue
        translator: list[str] = []
        extracted: list[str] = []
        references: list[str] = []
        flags: list[str] = []
        for comment in comments[:-1].split("\n") if comments else ():
            kind = comment[:2]  # as polex.comment(): the line starts with "#"
            if kind == "#:":
                references += comment[2:].split()
            elif kind == "#,":
                flags += flags_of(comment[2:])
            elif kind == "#.":
                extracted.append(comment[3:] if comment.startswith("#. ") else comment[2:])
            else:
                translator.append(comment[2:] if kind == "# " else comment[1:])
        if previous:
            old = _previous(previous)
            if old is None:
                raise Unusual
            previous_msgid, previous_msgctxt = old.get("msgid"), old.get("msgctxt")
        else:
            previous_msgid = previous_msgctxt = None
        cut, split = (4, '"\n#~ "') if obsolete else (1, '"\n"')
        if msgid_more:
            msgid += "".join(msgid_more[cut:-2].split(split))
        if msgstr_more:
            msgstr += "".join(msgstr_more[cut:-2].split(split))
        if ctxt_more:
            ctxt += "".join(ctxt_more[cut:-2].split(split))
        msgid_start = match.start(5)
        line += text.count("\n", pos, msgid_start)
        pos = match.end()
        if "\\" in msgid:
            msgid = _unescape(msgid)
        refs = tuple(references)
        if shared is not None:
            known = shared.get(msgid)
            if known is not None:
                msgid = known.msgid
                if known.references == refs:
                    refs = known.references
        yield new(  # Entry(...) without its Python-level __new__: hot
            Entry,
            (
                msgid,
                msgstr if "\\" not in msgstr else _unescape(msgstr),
                None if ctxt is None else _unescape(ctxt),
                tuple(translator),
                tuple(extracted),
                refs,
                tuple(flags),
                previous_msgid,
                previous_msgctxt,
                None,
                (),
                None,
                obsolete,
                line,
            ),
        )
        line += text.count("\n", msgid_start, pos)


def _previous(block: str) -> dict[str, str] | None:
    """The previous strings (`#| msgid "..."` lines) of an entry; None: not the usual form."""
    old: dict[str, str] = {}
    key = None
    for row in block[:-1].split("\n"):
        match = _PREVIOUS.fullmatch(row)
        if match is None:
            return None
        keyword = match[1]
        if keyword:
            if keyword in old or (keyword == "msgctxt" and key is not None):
                return None
            key = keyword
        elif key is None:
            return None
        old[key] = old.get(key, "") + match[2][1:-1]
    if "msgid" not in old:
        return None  # a previous msgctxt alone: an error the careful reader reports
    return {name: _unescape(value) for name, value in old.items()}


def checked(found: Iterable[Entry], path: Path | str) -> Catalog:
    """The catalog of the entries `found` in the file `path`, the header apart, checked as
    ``msgfmt --check`` checks it (see the module's doc)."""
    checks = Checks(path)
    entries = tuple(entry for entry in found if checks.add(entry, entry.msgid))
    checks.finish()
    return Catalog(checks.header, checks.header_comments, checks.header_fuzzy, entries)


class Checks:
    """:func:`checked`'s checks on entries that come one at a time (:meth:`add` each, then
    :meth:`finish`), for a reader that keeps only part of each; the first problem found in
    the file's order is raised, a duplicate before any other."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.header: tuple[tuple[str, str], ...] = ()
        self.header_comments: tuple[str, ...] = ()
        self.header_fuzzy = False
        self.has_header = False
        self._seen: set[str | tuple[str, str]] = set()
        # in order: the first line-break problem, and the plural entries before it (their
        # forms are checked when the header is known)
        self._later: list[TransflowError | tuple[int | None, int]] = []
        self._failed = False

    def add(self, entry: Entry, msgid: str) -> bool:
        """Check `entry` (`msgid`: its msgid, or an equal string to keep instead); False
        for the header entry (then the header is read from it)."""
        key = msgid if entry.msgctxt is None else (entry.msgctxt, msgid)
        if key in self._seen:
            raise TransflowError(f"duplicate entry for msgid {msgid[:40]!r}", self.path, entry.line)
        self._seen.add(key)
        if msgid == "" and entry.msgctxt is None and not entry.obsolete:
            fields = [line.partition(":") for line in entry.msgstr.split("\n")]
            self.header = tuple(
                (name.strip(), value.strip()) for name, colon, value in fields if colon
            )
            self.header_comments, self.header_fuzzy = entry.translator_comments, entry.fuzzy
            self.has_header = True
            return False
        msgstr = entry.msgstr
        if self._failed or not msgstr or not msgid or entry.obsolete or "fuzzy" in entry.flags:
            return True
        plural = entry.msgid_plural is not None
        if plural or "\n" in msgid[0] + msgid[-1] + msgstr[0] + msgstr[-1]:
            try:
                _check_line_breaks(entry, self.path)
            except TransflowError as error:
                self._later.append(error)
                self._failed = True
                return True
        if plural:
            self._later.append((entry.line, 1 + len(entry.msgstr_plural)))
        return True

    def finish(self) -> None:
        """Raise the first problem of the entries added, if any."""
        nplurals: int | None = None
        for item in self._later:
            if isinstance(item, TransflowError):
                raise item
            line, forms = item
            if nplurals is None:
                nplurals = _nplurals(self.header, self.has_header, self.path, line)
            if forms != nplurals:
                raise TransflowError(
                    f"the header's Plural-Forms says nplurals={nplurals}, "
                    f"but this entry has {forms} plural forms",
                    self.path,
                    line,
                )


def check_entry(entry: Entry, path: Path | str) -> None:
    """What :func:`parse` checks in one entry alone (not duplicates, not plural forms)."""
    if not (entry.obsolete or entry.fuzzy or not entry.msgstr or not entry.msgid):
        _check_line_breaks(entry, path)


def _check_line_breaks(entry: Entry, path: Path | str) -> None:
    """msgfmt --check: the strings of an accepted entry all begin with a line break or none
    does; the same for their ends."""
    msgid = entry.msgid
    ends = msgid[0] + msgid[-1] + entry.msgstr[:1] + entry.msgstr[-1:]
    if "\n" not in ends and not entry.plural:
        return
    others = [("msgstr", entry.msgstr)]
    if entry.plural:
        assert entry.msgid_plural is not None
        others = [("msgid_plural", entry.msgid_plural)] + [
            (f"msgstr[{n}]", form) for n, form in enumerate((entry.msgstr, *entry.msgstr_plural))
        ]
    for where, test in (("begin", str.startswith), ("end", str.endswith)):
        for name, other in others:
            if test(msgid, "\n") != test(other, "\n"):
                raise TransflowError(
                    f"msgid and {name} do not both {where} with a line break", path, entry.line
                )


def _nplurals(
    header: tuple[tuple[str, str], ...], has_header: bool, path: Path | str, line: int | None
) -> int:
    """The header's nplurals, which a catalog with plural translations needs."""
    forms = dict(header).get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*([0-9]+)", forms)
    if match is None or re.search(r"(?<![a-z])plural\s*=", forms) is None:
        what = "header" if has_header else "header entry"
        raise TransflowError(
            f"a plural translation, but the {what} has no Plural-Forms with nplurals and plural",
            path,
            line,
        )
    return int(match[1])
