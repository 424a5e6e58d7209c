"""QA checks: each check's positives and negatives, the reference translations, the command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st
from tf_helpers import DATA, cli, growth, make_project

from transflow.cli.check import check
from transflow.errors import TransflowError
from transflow.model import Catalog, Entry
from transflow.patterns import EMAIL, emails
from transflow.qa import Finding, check_catalog, check_entry

DOC = "azerbaijan-pak-support"


def found(source: str, target: str, language: str = "ru", terms: tuple[str, ...] = ()) -> set[str]:
    """'check:severity' of each finding."""
    return {f"{c}:{s}" for c, s, _ in check_entry(source, target, language, terms)}


def messages(source: str, target: str, language: str = "ru") -> str:
    return " | ".join(m for _, _, m in check_entry(source, target, language))


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "language"),
    [
        ("1,275 were taken hostage.", "۱۲۷۵ آذربائیجانیوں کو یرغمال بنایا گیا۔", "ur"),
        ("1,275 were taken hostage.", "۱,۲۷۵ آذربائیجانیوں کو یرغمال بنایا گیا۔", "ur"),
        ("1,275 were taken hostage.", "١٬٢٧٥ أخذوا رهائن.", "ar"),
        ("3,890 are missing.", "3 890 пропали.", "ru"),
        ("3,890 are missing.", "3\u00a0890 пропали.", "ru"),
        ("3,890 are missing.", "3\u202f890 ont disparu.", "fr"),
        ("3,890 are missing.", "3.890 werden vermisst.", "de"),
        ("3,890 are missing.", "3,890 azərbaycanlı itkin düşüb.", "az"),
        ("On the night of Feb 25-26, 1992, forces attacked.", "25–26 فروری 1992 کی رات۔", "ur"),
        (
            "On the night of Feb 25-26, 1992, forces attacked.",
            "В ночь с 25 на 26 февраля 1992.",
            "ru",
        ),
        ("In the early 1990s it happened.", "1990-cı illərin əvvəllərində baş verdi.", "az"),
        ("during the 44 day war.", "в ходе 44-дневной войны.", "ru"),
        ("In 2020-21 prices rose.", "В 2020–2021 годах цены выросли.", "ru"),
        ("In the ’90s prices rose.", "В 1990-х цены выросли.", "ru"),
        ("Open {0} of 3 files.", "Открыть {0} из 3 файлов.", "ru"),
    ],
)
def test_numbers_kept(source: str, target: str, language: str) -> None:
    assert not {f for f in found(source, target, language) if f.startswith("numbers")}


def test_numbers_missing_or_changed_is_an_error() -> None:
    assert found("613 were killed.", "631 были убиты.") == {"numbers:error"}
    assert "613" in messages("613 were killed.", "631 были убиты.")
    assert "631" in messages("613 were killed.", "631 были убиты.")
    assert found("613 were killed.", "Многие были убиты.") == {"numbers:error"}
    # the same digits twice in the source need them twice in the translation
    assert found("25 and 25 more.", "25 и ещё.") == {"numbers:error"}
    # a space groups thousands only before three digits: 1992 30 is two numbers
    assert found("In 1992 30 died.", "В 1992 году погибли 30.") == set()
    assert found("3,890 people.", "3,980 человек.") == {"numbers:error"}


def test_numbers_added_are_info() -> None:
    assert found("Eight families.", "8 семей.") == {"numbers:info"}


# --- long texts ------------------------------------------------------------------------

# (source, translation) of about n characters: runs of word characters (what an e-mail's
# local part is made of), of digits, many ranges (2020-21), many numbers in reverse order.
LONG_TEXTS = {
    "letters": lambda n: ("Write to us.", "x" * n),
    "digits": lambda n: ("7" * n, "7" * n + "."),
    "word characters and dots": lambda n: ("ab1_." * (n // 5), "ab1_." * (n // 5) + "!"),
    "ranges": lambda n: ("2020-21 " * (n // 8), "2020–2021, " * (n // 11)),
    "numbers": lambda n: (
        " ".join(map(str, range(n // 6))),
        " ".join(map(str, reversed(range(n // 6)))),
    ),
}


@pytest.mark.parametrize("make", LONG_TEXTS.values(), ids=list(LONG_TEXTS))
def test_checks_are_linear_in_the_length_of_the_text(
    make: Callable[[int], tuple[str, str]],
) -> None:
    # before: the e-mail pattern rescanned a run of word characters from each of its
    # positions, the range pattern a run of digits, and numbers were paired by a scan of
    # all those left: 16 times the time for 4 times the text
    def run(n: int) -> None:
        source, target = make(n)
        check_entry(source, target, "az")
        check_entry(target, source, "ru")

    assert growth(run, 10_000) < 8


@given(st.text(alphabet="ab1_.+-@ x\u00e9\u0661", max_size=40))
def test_emails_are_what_the_pattern_finds(text: str) -> None:
    expected = [match.span() for match in EMAIL.finditer(text)]
    assert [match.span() for match in emails(text)] == expected


# --- urls, placeholders, terms ---------------------------------------------------------


def test_urls_and_emails() -> None:
    source = "See https://example.com/report or write to press@example.org."
    assert found(source, "См. https://example.com/report или press@example.org.") == set()
    assert found(source, "См. https://example.com или press@example.org.") == {"urls:error"}
    assert "press@example.org" in messages(source, "См. https://example.com/report.")


def test_placeholders_and_markup() -> None:
    source = "Click %s to open {name} <b>now</b> &amp; %(count)d {0}."
    same = "Нажмите %s, чтобы открыть {name} <b>сейчас</b> &amp; %(count)d {0}."
    assert found(source, same) == set()
    reordered = "{0} %(count)d &amp; <b>сейчас</b> {name} открыть %s."
    assert found(source, reordered) == set()
    broken = "Нажмите %s, чтобы открыть {имя} <b>сейчас &amp; %(count)s {0}."
    assert found(source, broken) == {"placeholders:error"}
    text = messages(source, broken)
    assert "{name}" in text and "</b>" in text and "%(count)d" in text
    # a percent sign in prose is not a placeholder
    assert found("50% of people agree.", "50 % людей согласны.") == set()


def test_inline_markup_tags() -> None:
    source = "The <b1>new</b1> version, run <c2/> and see the <a3>guide</a3>."
    moved = "Запустите <c2/> и см. <a3>руководство</a3>: <b1>новая</b1> версия."
    assert found(source, moved) == set()  # tags may move and change order
    assert found(source, "Новая версия, запустите <c2/>, см. <a3>руководство</a3>.") == {
        "markup:error"
    }
    assert "tag <b1> is missing" in messages(source, "Новая <c2/> <a3>версия</a3>.")
    added = messages(source, "<b1>Новая</b1> <i4>версия</i4> <c2/> <a3>см.</a3>")
    assert "tag <i4> is not in the source" in added and "placeholders" not in added
    repeated = messages(source, "<b1>Новая</b1> <c2/> <c2/> <a3>см.</a3>")
    assert "tag <c2/> is changed or repeated" in repeated
    crossed = "<b1>Новая <a3>версия</b1> см.</a3> <c2/>."
    assert found(source, crossed) == {"markup:error"} and "badly nested" in messages(
        source, crossed
    )
    # a text unit has no tags: a translation that adds one is reported
    assert found("Plain text.", "Простой <b1>текст</b1>.") == {"markup:error"}
    assert found("Plain <b>text</b>.", "Простой <b>текст</b>.") == set()  # raw HTML: placeholders


def test_do_not_translate_terms() -> None:
    terms = ("Mammadov", "UN")
    assert found("Mammadov said.", "Mammadov сказал.", terms=terms) == set()
    assert found("Mammadov said.", "Мамедов сказал.", terms=terms) == {"terms:error"}
    assert found("He said.", "Он сказал.", terms=terms) == set()  # not in the source


# --- invisible characters --------------------------------------------------------------


def test_stray_bidi_control_is_an_error() -> None:
    assert found("He is here.", "Он\u202e здесь.") == {"invisible:error"}
    assert "U+202E" in messages("He is here.", "Он\u202e здесь.")
    urdu = "وہ یہاں\u2067 ہے۔"
    assert found("He is here.", urdu, "ur") == {"invisible:error"}
    # the source has it too: not the translator's doing
    assert found("He\u202e is here.", "Он\u202e здесь.") == set()


def test_other_invisible_characters() -> None:
    assert found("He is here.", "Он\u200b здесь.") == {"invisible:warning"}
    assert found("He is here.", "Он\ufeff здесь.") == {"invisible:warning"}
    assert found("He is here.", "Он\u200f здесь.") == {"invisible:warning"}
    assert found("He is here.", "وہ\u200f یہاں ہے۔", "ur") == {"invisible:info"}
    assert found("He is here.", "او می\u200cخواهد.", "fa") == set()  # ZWNJ is Persian spelling


# --- brackets and quotes ---------------------------------------------------------------


def test_russian_guillemets() -> None:
    assert found("He said “yes.”", "Он сказал «да».") == set()
    assert found("“Despite the end of the conflict.", "«Несмотря на окончание конфликта.") == set()
    assert found("still missing.”", "числятся пропавшими.»") == set()
    assert found("He said “yes.”", "Он сказал «да.") == {"brackets:warning"}
    assert found("He said “yes.”", "Er sagte „ja.“", "de") == set()


def test_urdu_quotes_open_with_right_quote() -> None:
    assert found("He said “yes.”", "انہوں نے کہا ”ہاں۔“", "ur") == set()
    assert found("“The results.", "”تحقیقات کے نتائج۔", "ur") == set()
    assert found("still missing.”", "لاپتہ ہیں۔“", "ur") == set()
    assert found("He said “yes.”", "انہوں نے کہا ”ہاں۔", "ur") == {"brackets:warning"}
    # English-style quotes in Urdu are accepted too
    assert found("He said “yes.”", "انہوں نے کہا “ہاں۔”", "ur") == set()


def test_apostrophes_are_not_quotes() -> None:
    assert found("Pakistan’s response.", "Ответ Пакистана.") == set()
    assert found("each other’s views.", "bir-birinin mövqeyi.", "az") == set()
    assert found("the farmers’ market.", "рынок.") == set()
    assert found("It is ‘fine’ here.", "Это ‘хорошо’ здесь.") == set()
    assert found("It is ‘fine’ here.", "Это ‘хорошо здесь.") == {"brackets:warning"}


def test_parentheses() -> None:
    assert found("He (the minister) said.", "Он (министр) сказал.") == set()
    assert found("He (the minister) said.", "Он (министр сказал.") == {"brackets:warning"}
    assert found("Options: a) one.", "Варианты: a) один.") == set()  # as the source


# --- whitespace, identical, length, punctuation ----------------------------------------


def test_whitespace() -> None:
    assert found(" Hello world.", " Привет мир.") == set()
    assert found(" Hello world.", "Привет мир.") == {"whitespace:warning"}
    assert found("Hello world.", "Привет мир. ") == {"whitespace:warning"}
    assert found("Hello world.", "Привет  мир.") == {"whitespace:warning"}
    assert found("Hello  world.", "Привет  мир.") == set()
    assert found("Hello\nworld.", "Привет мир.") == {"whitespace:warning"}
    assert found("Hello\nworld.", "Привет\nмир.") == set()
    assert found("Ansar M Bhatti in Baku", "Ansar M. Bhatti\u00a0Bakıda", "az") == set()


def test_identical() -> None:
    sentence = "The minister said this during the talk."
    assert found(sentence, sentence) == {"identical:warning"}
    assert found("Baku", "Baku", "az") == {"identical:info"}
    assert found("2020", "2020") == set()
    assert found("Mammadov", "Mammadov", terms=("Mammadov",)) == set()


def test_length() -> None:
    source = "A long sentence that says many things."
    assert found(source, "Да.") == {"length:warning"}
    assert found(source, "Длинное предложение, которое говорит о многом.") == set()
    assert found(source, "Длинное " * 20 + ".") == {"length:warning"}
    assert found("Short.", "Очень длинный перевод короткого.") == set()  # under 20 characters
    assert found(source, "一个说了很多话的长句子。", "zh") == set()


def test_punctuation() -> None:
    assert found("Where is he?", "وہ کہاں ہے؟", "ur") == set()
    assert found("He is here.", "وہ یہاں ہے۔", "ur") == set()
    assert found("Where is he?", "أين هو؟", "ar") == set()
    assert found("He is here.", "वह यहाँ है।", "hi") == set()
    assert found("He is here.", "他在这里。", "zh") == set()
    assert found("Where is he?", "Πού είναι;", "el") == set()
    assert found("He said “yes.”", "Он сказал «да».") == set()
    assert found("He is here.", "Он здесь") == {"punctuation:warning"}
    assert found("He is here", "وہ یہاں ہے۔", "ur") == {"punctuation:info"}
    assert found("He said; then", "Он сказал;") == set()


def test_empty_translation_is_not_checked() -> None:
    assert check_entry("613 were killed.", "", "ru") == []


# --- the reference translations --------------------------------------------------------


@pytest.mark.parametrize("language", ["az", "ur", "ru"])
def test_reference_translations_are_clean(language: str) -> None:
    lines = (DATA / "reference" / f"{language}.jsonl").read_text(encoding="utf-8").splitlines()
    pairs = [json.loads(line) for line in lines]
    assert len(pairs) == 30
    issues = [
        (p["source"], i) for p in pairs for i in check_entry(p["source"], p["target"], language)
    ]
    assert [i for i in issues if i[1][1] in ("error", "warning")] == []


def test_check_catalog() -> None:
    entries = (
        Entry("613 were killed.", "631 были убиты.", references=("a.txt:1.1",), line=12),
        Entry("He is here.", "", references=("a.txt:1.2",), line=16),
        Entry("He is gone.", "Он\u202e ушёл.", flags=("fuzzy",), line=20),
        Entry("Old 5.", "Старый 6.", obsolete=True, line=24),
    )
    findings = check_catalog("a.txt", "ru", Path("locales/ru/a.po"), Catalog(entries=entries))
    assert [(f.check, f.severity, f.line, f.reference) for f in findings] == [
        ("numbers", "error", 12, "a.txt:1.1"),
        ("invisible", "error", 20, "a.txt"),
    ]
    assert findings[0] == Finding(
        "numbers",
        "error",
        "a.txt",
        "ru",
        "a.txt:1.1",
        "locales/ru/a.po",
        12,
        "613 were killed.",
        "631 были убиты.",
        findings[0].message,
    )


# --- the command -----------------------------------------------------------------------


def run(root: Path, *args: str) -> Result:
    """``transflow --project ROOT check ARGS``: the main group passes --project as ctx.obj."""
    return CliRunner().invoke(check, list(args), obj=root)


def translated_project(tmp_path: Path) -> Path:
    """The sample project, extracted, with the reference translations in every catalog."""
    root = make_project(tmp_path)
    assert cli(root, "extract").exit_code == 0
    for language in ("az", "ur", "ru"):
        lines = (DATA / "reference" / f"{language}.jsonl").read_text(encoding="utf-8")
        targets = {p["source"]: p["target"] for p in map(json.loads, lines.splitlines())}
        po = polib.pofile(str(root / "locales" / language / f"{DOC}.po"))
        for entry in po:
            entry.msgstr = targets[entry.msgid]
        po.save()
    assert cli(root, "extract").exit_code == 0  # polib wraps lines unlike msgcat
    return root


def set_msgstr(root: Path, language: str, msgid_start: str, msgstr: str) -> int:
    """Put `msgstr` into the entry whose msgid starts so; the PO line of its msgid."""
    path = root / "locales" / language / f"{DOC}.po"
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith(msgid_start))
    entry.msgstr = msgstr
    po.save()
    assert cli(root, "extract").exit_code == 0  # polib wraps lines unlike msgcat
    start = int(polib.pofile(str(path)).find(entry.msgid).linenum)  # the entry's first line
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n in range(start, len(lines) + 1) if lines[n - 1].startswith("msgid "))


@pytest.fixture
def translated(tmp_path: Path) -> Path:
    return translated_project(tmp_path)


WRONG = (
    "По азербайджанским данным, в ходе двухчасового наступления армян были убиты 631 "
    "азербайджанец и еще 487 получили тяжелые ранения."
)


def test_command_clean(translated: Path) -> None:
    result = run(translated, "--check")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "0 errors, 0 warnings, 0 info; 0 catalogs out of date"


def test_command_qa_error(translated: Path) -> None:
    line = set_msgstr(translated, "ru", "During the two-hour", WRONG)
    result = run(translated, "--check")
    assert result.exit_code == 4, result.output
    finding = next(x for x in result.stdout.splitlines() if "[numbers]" in x)
    path = translated / "locales" / "ru" / f"{DOC}.po"
    assert finding.startswith(f"{path}:{line}: error: [numbers] the number 613 ")
    assert finding.endswith(f"({DOC}.txt:14)")
    assert "1 error," in result.stdout.splitlines()[-1]
    # without --check, the command reports and exits 0
    assert run(translated).exit_code == 0
    # --severity error hides the rest, not the error
    only = run(translated, "--severity", "error", "--lang", "ru")
    assert all(": error: " in x for x in only.stdout.splitlines()[:-1])
    assert run(translated, "--check", "--lang", "az").exit_code == 0


def test_command_json(translated: Path) -> None:
    set_msgstr(translated, "ur", "He said Azerbaijan from", "انہوں نے\u202e کہا۔")
    result = run(translated, "--json", "--lang", "ur")
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    fields = {"type", *Finding.__dataclass_fields__}
    assert objects and all(set(o) == fields and o["type"] == "finding" for o in objects)
    stray = next(o for o in objects if o["check"] == "invisible")
    assert stray["severity"] == "error" and "U+202E" in stray["message"]
    assert stray["language"] == "ur" and stray["document"] == f"{DOC}.txt"
    assert isinstance(stray["line"], int)


def test_command_outdated_catalogs(translated: Path) -> None:
    source = translated / "source" / f"{DOC}.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text + "\n\nA new paragraph.\n", encoding="utf-8")
    result = run(translated, "--check")
    assert result.exit_code == 5, result.output
    assert "out of date with its source; run 'transflow extract'" in result.stderr
    source.write_text(text, encoding="utf-8")
    set_msgstr(translated, "ru", "During the two-hour", WRONG)
    assert run(translated, "--check").exit_code == 4
    source.write_text(text.replace("Eight families", "Nine families"), encoding="utf-8")
    both = run(translated, "--check", "--json")
    assert both.exit_code == 5  # out of date wins over QA errors; the findings still printed
    assert any(json.loads(x)["check"] == "numbers" for x in both.stdout.splitlines())


def test_command_missing_catalog(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = run(root)
    assert isinstance(result.exception, TransflowError)
    assert "run 'transflow extract" in str(result.exception)


def test_command_help_documents_exit_codes() -> None:
    text = " ".join(CliRunner().invoke(check, ["--help"]).output.split())
    assert "4 QA errors found, 5 catalogs missing or out of date" in text


def test_a_project_turns_a_check_off(project: Path) -> None:
    """`[check] disable = ["length"]`: no length findings from check or review; the other
    checks still run; an unknown id is an error naming the line and the known ids."""
    assert cli(project, "extract").exit_code == 0
    path = project / "locales" / "ru" / "azerbaijan-pak-support.po"
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = "Да 1."  # too short (length) and numbers missing
    catalog.save(str(path))
    before = cli(project, "check", "--lang", "ru", "--json").stdout
    assert '"check": "length"' in before
    config = project / "transflow.toml"
    config.write_text(config.read_text() + '\n[check]\ndisable = ["length"]\n')
    after = cli(project, "check", "--lang", "ru", "--json").stdout
    assert '"check": "length"' not in after and '"check": "numbers"' in after
    assert cli(project, "review", "--lang", "ru").exit_code == 0
    page = (project / "build" / "review" / "ru" / "azerbaijan-pak-support.txt.html").read_text()
    assert "the translation is only" not in page and "numbers" in page
    config.write_text(config.read_text().replace('["length"]', '["lenght"]'))
    result = cli(project, "check")
    assert result.exit_code == 1
    lines = config.read_text().splitlines()
    assert f"transflow.toml:{len(lines)}: check.disable" in result.stderr
    assert "unknown check 'lenght' (known: numbers, urls," in result.stderr
