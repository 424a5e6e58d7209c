"""Inline markup through the whole workflow, before the Markdown and HTML formats exist: a
test-only format (``.tg`` files: a unit a line, ``*bold*`` a paired tag, `` `code` `` a
standalone one) registered for the test, the real CLI, the real fixture packages.

translate puts tags back into the drafts (guessed ones flagged in the comment), check
reports broken markup, build keeps the source for a unit whose translation's markup is
broken, says so naming the catalog entry, and marks it in the alignment file.
"""

from __future__ import annotations

import json
import re
import sys
import types
from collections.abc import Iterator, Sequence
from pathlib import Path

import polib
import pytest
from test_kernels import COMPUTE_TYPE
from tf_helpers import DATA, cli

from transflow import formats, markup
from transflow.formats import Format, Translate
from transflow.model import Placed, Unit

_INLINE = re.compile(r"\*([^*\n]+)\*|`([^`\n]+)`")


class TaggedFormat(Format):
    name = "tagged"

    def segment(self, text: str, options: object) -> tuple[Unit, ...]:
        units, position = [], 0
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                parts, tags, last = [], [], 0
                for match in _INLINE.finditer(line):
                    parts.append(line[last : match.start()])
                    n = len(tags) + 1
                    if match.group(1) is not None:
                        parts.append(f"<b{n}>{match.group(1)}</b{n}>")
                        tags.append(("*", "*"))
                    else:
                        parts.append(f"<c{n}/>")
                        tags.append((match.group(), ""))
                    last = match.end()
                parts.append(line[last:])
                unit = Unit(number, 1, "paragraph", "".join(parts), position, position + len(line))
                units.append(unit._replace(tags=tuple(tags)))
            position += len(line) + 1
        return tuple(units)

    def pieces(
        self, text: str, units: Sequence[Unit], translate: Translate, language: str
    ) -> tuple[list[str], list[Placed]]:
        out: list[str] = []
        placed, position, length = [], 0, 0
        for unit in units:
            out.append(text[position : unit.start])
            length += unit.start - position
            source, found = text[unit.start : unit.end], translate(unit.text)
            broken = bool(found) and bool(markup.problems(unit.text, found or ""))
            done = found is not None and found != unit.text and not broken
            written = markup.restore(found, unit.tags) if done and found else source
            out.append(written)
            placed.append(Placed(unit, written, length, length + len(written), done, broken))
            length += len(written)
            position = unit.end
        out.append(text[position:])
        return out, placed


@pytest.fixture
def tagged_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    module = types.ModuleType("transflow.formats.tagged_for_tests")
    module.FORMAT = TaggedFormat  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(formats.FORMATS, "tagged", "tagged_for_tests")
    monkeypatch.setitem(formats.SUFFIXES, ".tg", "tagged")
    formats.get_format.cache_clear()
    yield
    formats.get_format.cache_clear()


def msgid_line(po: Path, start: str) -> int:
    """The line of the msgid of the entry whose msgid starts with `start`."""
    lines = po.read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines) if f'"{start}' in text)
    return next(n for n in range(at, -1, -1) if lines[n].startswith("msgid")) + 1


def sources() -> list[str]:
    lines = (DATA / "reference" / "ru.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["source"] for line in lines]


@pytest.fixture
def project(tmp_path: Path, tagged_format: None) -> Path:
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    packages = root / ".transflow" / "packages"
    result = cli(root, "models", "--packages-dir", str(packages), "install", "--from",
                 str(DATA / "argos"), "ru")  # fmt: skip
    assert result.exit_code == 0, result.output
    (root / "transflow.toml").write_text(
        '[project]\nsource_lang = "en"\nlanguages = ["ru"]\ndocuments = ["**/*.tg"]\n'
        f'[translate]\nengine = "argos"\ncompute_type = "{COMPUTE_TYPE}"\n'
        'packages_dir = ".transflow/packages"\n',
        encoding="utf-8",
    )
    s = sources()
    lines = [
        s[4].replace("Elnur Mammadov", "*Elnur Mammadov*"),  # a look-alike: placed for sure
        s[5].replace("Thursday", "*Thursday*"),  # no look-alike: placed by a guess
        s[11] + "`[1]`",  # a standalone tag at the end
        s[7].replace("Pakistan", "*Pakistan*"),
    ]
    (root / "source" / "doc.tg").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_markup_through_translate_check_and_build(project: Path) -> None:
    result = cli(project, "translate")
    assert result.exit_code == 0, result.output
    po = project / "locales" / "ru" / "doc.tg.po"
    catalog = polib.pofile(str(po))
    entries = {e.msgid: e for e in catalog}
    s = sources()
    sure = entries[s[4].replace("Elnur Mammadov", "<b1>Elnur Mammadov</b1>")]
    assert "<b1>Эльнур Мамедов</b1>" in sure.msgstr
    assert sure.tcomment.startswith("machine translation: argos") and "guess" not in sure.tcomment
    guessed = entries[s[5].replace("Thursday", "<b1>Thursday</b1>")]
    assert "; tags placed by guess: <b1>" in guessed.tcomment
    end = entries[s[11] + "<c1/>"]
    assert end.msgstr.endswith("<c1/>") and "guess" not in end.tcomment
    assert all(markup.problems(e.msgid, e.msgstr) == [] for e in catalog)
    status = cli(project, "status", "--drafts", "9")
    assert "[tags placed by guess: <b1>]" in status.output

    # a reviewer breaks one translation's markup and accepts them all
    pakistan = entries[s[7].replace("Pakistan", "<b1>Pakistan</b1>")]
    pakistan.msgstr = pakistan.msgstr.replace("</b1>", "")
    for entry in catalog:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save(str(po))
    line = msgid_line(po, "He said we have invited")
    checked = cli(project, "check", "--lang", "ru")
    assert f"doc.tg.po:{line}: error: [markup] tag <b1> is changed or repeated" in checked.output

    built = cli(project, "build")
    assert built.exit_code == 0, built.output
    warning = [w for w in built.stderr.splitlines() if "broken inline markup" in w]
    assert len(warning) == 1 and f"doc.tg.po:{line}: warning: broken inline markup" in warning[0]
    assert (
        "(tag <b1> is changed or repeated); doc.tg:7 [ru] was published in the source"
        in (warning[0])
    )
    output = (project / "build" / "ru" / "doc.tg").read_text(encoding="utf-8").split("\n")
    assert output[6] == s[7].replace("Pakistan", "*Pakistan*")  # the source, kept
    assert "*Эльнур Мамедов*" in output[0] and output[4].endswith("`[1]`")
    rows = json.loads((project / "build" / "ru" / "doc.tg.align.json").read_text("utf-8"))
    marked = [row["position"] for row in rows["units"] if row.get("markup") == "broken"]
    assert marked == ["7.1"]
    manifest = json.loads((project / "build" / "manifest.json").read_text("utf-8"))
    assert [b["reference"] for b in manifest["outputs"][0]["broken"]] == ["doc.tg:7"]
