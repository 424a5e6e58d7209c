"""Read PO text into a :class:`~transflow.model.Catalog`: the inverse of :mod:`poformat`.

Two readers give the same catalog. The fast one reads whole entries with one regular
expression each, for files laid out as msgcat and the usual editors lay them out (LF line
ends, one space after a keyword, nothing between an entry's comments and its strings). The
careful one reads line by line and accepts every layout gettext accepts; it takes over
whenever the fast one meets anything else, and it is the one that reports errors: a line
that is not a comment, a keyword with a string, a continuation string or blank is a
:class:`TransflowError` that names the file and the line. Plural entries are refused:
documents have none. On a 4.6 MB catalog the fast reader takes about 0.1 s, the careful one
0.2 s and polib 0.5 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from transflow.errors import TransflowError
from transflow.model import Catalog, Entry

_LINE = re.compile(
    r"(?P<obsolete>#~\s*)?(?P<previous>#?\|\s*)?"
    r"(?:(?P<keyword>msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)[ \t]+)?"
    r'"(?P<string>[^"\\\n]*(?:\\.[^"\\\n]*)*)"[ \t\r]*'  # the loop unrolled: fast
)
_UNESCAPE = re.compile(r"\\(.)")
_QUOTED = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # a quoted string, escapes included


def _entry_pattern(mark: str, previous: str) -> re.Pattern[str]:
    """One entry as msgcat lays it out, blank lines before it included: comments, previous
    strings (lines starting with `previous`), then its strings (lines starting with `mark`).
    Each `NAME` group holds the first string's inside, `NAME_more` its continuation lines,
    without `mark`."""

    def keyword(name: str) -> str:
        more = f"(?:{mark}{_QUOTED}\\n)*"
        return rf"{mark}{name} \"(?P<{name}>{_QUOTED[1:-1]})\"\n(?P<{name}_more>{more})"

    return re.compile(
        r"\n*(?P<comments>(?:#(?:[^~|\n][^\n]*)?\n)*)"
        rf"(?P<previous>(?:{previous}[^\n]*\n)*)"
        rf"(?:{keyword('msgctxt')})?{keyword('msgid')}{keyword('msgstr')}"
    )


_ENTRY = _entry_pattern("", r"\#\|")
_OBSOLETE = _entry_pattern(r"\#~\ ", r"\#~\|")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


@dataclass
class _Builder:
    """The entry being read."""

    line: int  # where the entry starts (its first comment, or its msgid)
    strings: dict[str, list[str]] = field(default_factory=dict)  # field name -> pieces
    msgid_line: int | None = None
    translator: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    obsolete: bool = False

    def text(self, name: str) -> str | None:
        pieces = self.strings.get(name)
        return None if pieces is None else _unescape("".join(pieces))

    def entry(self) -> Entry:
        return Entry(
            msgid=self.text("msgid") or "",
            msgstr=self.text("msgstr") or "",
            msgctxt=self.text("msgctxt"),
            translator_comments=tuple(self.translator),
            extracted_comments=tuple(self.extracted),
            references=tuple(self.references),
            flags=tuple(self.flags),
            previous_msgid=self.text("previous msgid"),
            previous_msgctxt=self.text("previous msgctxt"),
            obsolete=self.obsolete,
            line=self.msgid_line or self.line,
        )


def _comment(builder: _Builder, line: str, stripped: str) -> None:
    """A comment line (`stripped`: without the whitespace around it) into `builder`."""
    kind, rest = stripped[:2], stripped[2:].strip()
    if kind == "#.":
        builder.extracted.append(rest)
    elif kind == "#:":
        builder.references += rest.split()
    elif kind == "#,":
        builder.flags += [f.strip() for f in rest.split(",") if f.strip()]
    else:  # "# text", or "#" alone; the space after "#" is not part of the comment
        builder.translator.append(line[2:] if line.startswith("# ") else line[1:])


def parse(text: str, path: Path | str, untranslated: bool = True) -> Catalog:
    """The catalog in `text` (read from `path`, which messages name). Without
    `untranslated`, the entries with an empty msgstr are left out (the header is kept):
    for a reader to whom they mean what a missing entry means, as ``build``. Then a
    catalog with few translations is read several times faster, and those entries are
    not checked for duplicates."""
    entries = _fast(text, untranslated)
    if entries is None:
        entries = _careful(text, path)
        if not untranslated:
            entries = [e for e in entries if e.msgstr]
    return _catalog(entries, path)


def _careful(text: str, path: Path | str) -> list[Entry]:
    """Line by line: every layout, and errors that name the line."""
    built: list[_Builder] = []
    current: _Builder | None = None
    last: str | None = None  # the field continuation strings extend

    def start(number: int) -> _Builder:
        nonlocal current, last
        current, last = _Builder(number), None
        built.append(current)
        return current

    # Lines end at "\n" only (str.splitlines() would also cut at U+2028, U+0085...), or
    # at "\r\n" in a file written with those; elsewhere a "\r" is part of a comment.
    crlf = text[: text.find("\n") + 1].endswith("\r\n")
    for number, line in enumerate(text.split("\n"), 1):
        if crlf:
            line = line.removesuffix("\r")
        stripped = line.strip()
        if not stripped:
            continue
        comment = stripped.startswith("#") and not stripped.startswith(("#~", "#|"))
        if comment:
            if current is None or "msgid" in current.strings:
                start(number)
            assert current is not None
            _comment(current, line, stripped)
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise TransflowError(f"syntax error in the catalog: {line[:40]!r}", path, number)
        keyword, previous = match["keyword"], bool(match["previous"])
        if keyword:
            name = f"previous {keyword}" if previous else keyword
            if name.startswith(("msgid_plural", "msgstr[")):
                raise TransflowError(
                    "plural entries are not supported in document catalogs", path, number
                )
            if (
                current is None
                or name in current.strings
                or ("msgstr" in current.strings and name != "msgstr")
            ):
                start(number)
            assert current is not None
            current.obsolete = current.obsolete or bool(match["obsolete"])
            current.strings[name] = [match["string"]]
            if name == "msgid":
                current.msgid_line = number
            last = name
        elif current is None or last is None:
            raise TransflowError("a string continues no keyword", path, number)
        else:
            current.strings[last].append(match["string"])
    for item in built:
        if "msgid" not in item.strings:
            raise TransflowError("an entry without msgid", path, item.line)
    return [item.entry() for item in built]


def _fast(text: str, untranslated: bool = True) -> list[Entry] | None:
    """Entry by entry, for the usual layout; None if `text` has any other. Without
    `untranslated`, entries with an empty msgstr are passed over."""
    if text[: text.find("\n") + 1].endswith("\r\n"):
        return None  # CRLF line ends
    if not text.endswith("\n"):
        text += "\n"
    entries: list[Entry] = []
    pos, line, end = 0, 1, len(text)
    while pos < end:
        match = _ENTRY.match(text, pos) or _OBSOLETE.match(text, pos)
        if match is None:
            return None if text[pos:].strip("\n") else entries
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
            kind = comment[:2]  # as _comment(): the line starts with "#"
            if kind == "#:":
                references += comment[2:].split()
            elif kind == "#,":
                flags += [f.strip() for f in comment[2:].split(",") if f.strip()]
            elif kind == "#.":
                extracted.append(comment[2:].strip())
            else:
                translator.append(comment[2:] if kind == "# " else comment[1:])
        old = _previous(previous) if previous else {}
        if old is None:
            return None
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
        entries.append(
            Entry(
                _unescape(msgid),
                _unescape(msgstr),
                None if ctxt is None else _unescape(ctxt),
                tuple(translator),
                tuple(extracted),
                tuple(references),
                tuple(flags),
                old.get("msgid"),
                old.get("msgctxt"),
                obsolete,
                line,
            )
        )
        line += text.count("\n", msgid_start, pos)
    return entries


def _previous(block: str) -> dict[str, str] | None:
    """The previous strings (`#| msgid "..."` lines) of an entry; None: not the usual form."""
    old: dict[str, str] = {}
    key = None
    for row in block[:-1].split("\n"):
        match = _LINE.fullmatch(row)
        if match is None:
            return None
        keyword = match["keyword"]
        if keyword:
            if keyword not in ("msgctxt", "msgid") or keyword in old:
                return None
            key = keyword
        elif key is None:
            return None
        old[key] = old.get(key, "") + match["string"]
    return {name: _unescape(value) for name, value in old.items()}


def _catalog(found: list[Entry], path: Path | str) -> Catalog:
    header: tuple[tuple[str, str], ...] = ()
    header_comments: tuple[str, ...] = ()
    header_fuzzy = False
    entries: list[Entry] = []
    seen: set[tuple[str | None, str, bool]] = set()
    for entry in found:
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete and not header:
            fields = [line.partition(":") for line in entry.msgstr.split("\n")]
            header = tuple((key.strip(), value.strip()) for key, colon, value in fields if colon)
            header_comments, header_fuzzy = entry.translator_comments, entry.fuzzy
            continue
        key = (entry.msgctxt, entry.msgid, entry.obsolete)
        if key in seen:
            raise TransflowError(
                f"duplicate entry for msgid {entry.msgid[:40]!r}", path, entry.line
            )
        seen.add(key)
        entries.append(entry)
    return Catalog(header, header_comments, header_fuzzy, tuple(entries))
