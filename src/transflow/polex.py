"""The careful PO reader: GNU gettext's lexer and grammar (``po-lex.c``, ``po-gram.y``).

It reads every layout gettext reads and refuses what ``msgfmt`` refuses, each time with a
:class:`TransflowError` that names the line:

- a backslash at the end of a line joins the next line to it, anywhere;
- spaces, tabs, CR, FF and VT separate tokens; a line may hold several (``msgid "a" msgstr
  "b"``); ``#`` starts a comment anywhere outside a string, and a comment ends an entry;
- ``#~`` marks the rest of its line obsolete (``#~ # comment`` is a comment of an obsolete
  entry), ``#|`` marks previous strings;
- escapes are C's: ``\\n \\t \\r \\a \\b \\f \\v \\\\ \\"``, up to three octal digits,
  ``\\x`` and any number of hex digits (the last byte counts); they make bytes, which are
  read in the catalog's charset together with the rest of the string; each string stops at
  its first NUL byte, as a C string does; anything else after a backslash is an error, as is
  the byte 0x04 (gettext's context separator) in a string;
- an entry is ``[#| msgctxt] [#| msgid [#| msgid_plural]] [msgctxt] msgid`` and then
  ``msgstr``, or ``msgid_plural`` and ``msgstr[0]``, ``msgstr[1]``... in that order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from transflow.errors import TransflowError
from transflow.model import Entry

_TOKEN = re.compile(
    r"[ \t\r\f\v]+"
    r"|(?P<nl>\n)"
    r"|\#(?P<mark>~\|?|\|)"
    r"|\#(?P<comment>[^\n]*)"
    r'|"(?P<string>(?:[^"\\\n]|\\[^\n])*)(?P<closed>"?)'
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_$]*)"
    r"|\[[ \t\r\f\v]*(?P<index>[0-9]+)[ \t\r\f\v]*\]"
    r"|(?P<other>.)",
    re.DOTALL,
)
_KEYWORDS = {"msgctxt", "msgid", "msgid_plural", "msgstr", "domain"}
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_SIMPLE.update({"\\": "\\", '"': '"'})
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))", re.DOTALL)
_OTHER_ESCAPE = re.compile(r"\\[^ntrabfv\\\"]")
FLAG_SPLIT = re.compile(r"[ \t\r\f\v\n,]+")


@dataclass(slots=True)
class _Token:
    kind: str  # "comment", "string", "keyword" or "index"
    value: str
    line: int
    obsolete: bool
    previous: bool


def _bytes_text(pieces: list[str], path: Path | str, line: int, charset: str) -> str:
    """Pieces made of bytes (octal or hex escapes, NUL bytes), read as one string."""
    data = bytearray()
    for raw in pieces:
        piece = bytearray()
        pos = 0
        for match in _ESCAPE.finditer(raw):
            piece += raw[pos : match.start()].encode(charset, "surrogateescape")
            octal, hexa, char = match.groups()
            if octal is not None:
                piece.append(int(octal, 8) & 0xFF)
            elif hexa is not None:
                piece.append(int(hexa, 16) & 0xFF)
            elif char in _SIMPLE:
                piece += _SIMPLE[char].encode()
            else:
                raise TransflowError(f"invalid escape sequence \\{char} in a string", path, line)
            pos = match.end()
        piece += raw[pos:].encode(charset, "surrogateescape")
        data += piece.split(b"\x00", 1)[0]  # a C string ends at its first NUL
    try:
        return data.decode(charset)
    except UnicodeDecodeError:
        message = f"a string's escapes make bytes that are not {charset}"
        raise TransflowError(message, path, line) from None


def _tokens(text: str, path: Path | str) -> Iterator[_Token]:
    joins: list[int] = []  # positions in `text` where a backslash-newline was taken out
    if "\\\n" in text:
        parts = text.split("\\\n")
        text = "".join(parts)
        total = 0
        for part in parts[:-1]:
            total += len(part)
            joins.append(total)
    line, obsolete, previous = 1, False, False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        if kind == "closed":
            kind = "string"
        here = line + bisect_right(joins, match.start()) if joins else line
        if kind == "nl":
            line += 1
            obsolete = previous = False
        elif kind == "mark":
            obsolete = obsolete or match["mark"][0] == "~"
            previous = previous or match["mark"][-1] == "|"
        elif kind == "comment":
            yield _Token("comment", match["comment"].split("\x00", 1)[0], here, obsolete, False)
        elif kind == "string":
            if not match["closed"]:
                end = "file" if match.end() == len(text) else "line"
                raise TransflowError(f"syntax error: end of {end} within a string", path, here)
            yield _Token("string", match["string"], here, obsolete, previous)
        elif kind == "word":
            word = match["word"]
            if word not in _KEYWORDS:
                raise TransflowError(f"syntax error: unknown keyword {word!r}", path, here)
            yield _Token("keyword", word, here, obsolete, previous)
        elif kind == "index":
            yield _Token("index", match["index"], here, obsolete, previous)
        else:
            raise TransflowError(
                f"syntax error in the catalog: {match['other']!r} here", path, here
            )


@dataclass
class _Builder:
    """The entry being read."""

    line: int  # its msgid's line
    strings: dict[str, str] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    translator: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    obsolete: bool = False

    def entry(self) -> Entry:
        get = self.strings.get
        plural = "msgid_plural" in self.strings
        return Entry(
            msgid=self.strings["msgid"],
            msgstr=self.forms[0] if plural else self.strings["msgstr"],
            msgctxt=get("msgctxt"),
            translator_comments=tuple(self.translator),
            extracted_comments=tuple(self.extracted),
            references=tuple(self.references),
            flags=tuple(self.flags),
            previous_msgid=get("#| msgid"),
            previous_msgctxt=get("#| msgctxt"),
            msgid_plural=get("msgid_plural"),
            msgstr_plural=tuple(self.forms[1:]),
            previous_msgid_plural=get("#| msgid_plural"),
            obsolete=self.obsolete,
            line=self.line,
        )


def flags_of(text: str) -> list[str]:
    """The flags of a "#," line (after the comma): words between commas and spaces, and
    "range:" with the word after it."""
    words = [word for word in FLAG_SPLIT.split(text) if word]
    if "range:" not in words:
        return words
    flags: list[str] = []
    for word in words:
        if flags and flags[-1] == "range:":
            flags[-1] = f"range: {word}"
        else:
            flags.append(word)
    return flags


def comment(builder: _Builder, text: str) -> None:
    """A comment's text (what follows its "#") into `builder`, as gettext reads it."""
    kind = text[:1]
    if kind == ".":
        builder.extracted.append(text[2:] if text.startswith(". ") else text[1:])
    elif kind == ":":
        builder.references += text[1:].split()
    elif kind == ",":
        builder.flags += flags_of(text[1:])
    else:  # "# text", or "#" alone; the space after "#" is not part of the comment
        builder.translator.append(text[1:] if kind == " " else text)


def careful(text: str, path: Path | str, charset: str = "utf-8") -> list[Entry]:
    """Every entry of `text`, in order; the first error gettext would find is raised."""
    tokens = list(_tokens(crlf_to_lf(text), path))
    tokens.append(_Token("end", "", tokens[-1].line if tokens else 1, False, False))
    entries: list[Entry] = []
    comments: list[_Token] = []
    at = 0
    obsolete = False

    def strings(skip: int = 1) -> str:
        """The strings after the keyword at `at` (and its index, `skip` 2), joined."""
        nonlocal at
        keyword = tokens[at]
        name = keyword.value
        start, at = at, at + skip
        pieces = []
        while tokens[at].kind == "string" and tokens[at].previous == keyword.previous:
            pieces.append(tokens[at].value)
            at += 1
        if not pieces:
            raise TransflowError(f"syntax error: {name} without a string", path, keyword.line)
        for token in tokens[start:at]:
            if token.obsolete != obsolete:
                raise TransflowError("inconsistent use of #~", path, token.line)
        joined = "".join(pieces)
        if "\\" in joined or "\x00" in joined:
            if "\x00" not in joined and _OTHER_ESCAPE.search(joined) is None:
                joined = _ESCAPE.sub(lambda m: _SIMPLE[m[3]], joined)
            else:
                joined = _bytes_text(pieces, path, keyword.line, charset)
        if "\x04" in joined:
            raise TransflowError(
                "the context separator (byte 0x04) in a string", path, keyword.line
            )
        return joined

    def is_keyword(name: str, previous: bool = False) -> bool:
        token = tokens[at]
        return token.kind == "keyword" and token.value == name and token.previous == previous

    while tokens[at].kind != "end":
        token = tokens[at]
        if token.kind == "comment":
            comments.append(token)
            at += 1
            continue
        if token.kind == "string":
            raise TransflowError("a string continues no keyword", path, token.line)
        if token.kind == "index" or token.value in ("msgstr", "msgid_plural"):
            raise TransflowError(f"syntax error: {token.value} without msgid", path, token.line)
        if token.value == "domain":
            raise TransflowError("'domain' directives are not supported", path, token.line)
        obsolete = token.obsolete
        builder = _Builder(token.line, obsolete=obsolete)
        for item in comments:
            comment(builder, item.value)
        comments = []
        if is_keyword("msgctxt", True):
            builder.strings["#| msgctxt"] = strings()
            if not is_keyword("msgid", True):
                raise TransflowError("syntax error: #| msgctxt without #| msgid", path, token.line)
        if is_keyword("msgid", True):
            builder.strings["#| msgid"] = strings()
            if is_keyword("msgid_plural", True):
                builder.strings["#| msgid_plural"] = strings()
        if is_keyword("msgctxt"):
            builder.strings["msgctxt"] = strings()
        if not is_keyword("msgid"):
            raise TransflowError("syntax error: an entry without msgid", path, tokens[at].line)
        builder.line = tokens[at].line
        builder.strings["msgid"] = strings()
        if is_keyword("msgstr") and tokens[at + 1].kind != "index":
            builder.strings["msgstr"] = strings()
        elif is_keyword("msgid_plural"):
            builder.strings["msgid_plural"] = strings()
            while is_keyword("msgstr") and tokens[at + 1].kind == "index":
                if int(tokens[at + 1].value) != len(builder.forms):
                    wrong = (
                        "first plural form has nonzero"
                        if not builder.forms
                        else "plural form has wrong"
                    )
                    raise TransflowError(f"{wrong} index", path, tokens[at].line)
                builder.forms.append(strings(2))
            if not builder.forms:
                raise TransflowError("missing 'msgstr[]' section", path, builder.line)
        elif is_keyword("msgstr"):
            raise TransflowError("missing 'msgid_plural' section", path, builder.line)
        else:
            raise TransflowError("missing 'msgstr' section", path, builder.line)
        entries.append(builder.entry())
    return entries


def crlf_to_lf(text: str) -> str:
    """`text` with CRLF line ends as LF, in a file whose first line ends in CRLF: then a
    comment does not keep its CR. A CR after a backslash stays (it joins no lines)."""
    if not text[: text.find("\n") + 1].endswith("\r\n"):
        return text
    if "\\\r\n" in text:
        return re.sub(r"(?<!\\)\r\n", "\n", text)
    return text.replace("\r\n", "\n")
