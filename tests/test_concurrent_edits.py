"""A translator's edit is never lost: saves made while transflow runs survive its writes.

An editor (Poedit, Lokalize, a text editor) takes no lock: it reads the file, and saves
it whole, either by writing a new file and renaming it over the old one, or by writing
the old file in place. These tests run such a saver in another process while real
``transflow extract`` and ``transflow translate`` runs rewrite the same catalog.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from tf_helpers import SAMPLE, msgfmt_check, sample_units

from transflow.model import Catalog, Entry
from transflow.reconcile import reconcile

DOC = "azerbaijan-pak-support"

# The saver: an editor that, round after round, opens the catalog, accepts a translation
# of one of the sample's entries and saves the file. It prints what it saved last per msgid,
# and writes how many rounds it has made so far to its progress file.
SAVER = r"""
import json, os, random, sys, time
import polib
path, style, seed, stop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
progress = sys.argv[6]
wanted = json.loads(open(sys.argv[5], encoding="utf-8").read())
rng = random.Random(seed)
last, rounds = {}, 0
while not os.path.exists(stop) and rounds < 400:
    po = polib.pofile(path)
    entry = po.find(wanted[rounds % len(wanted)])
    entry.msgstr = f"edit {rounds}"
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    text = str(po) + "\n"
    if style == "rename":
        with open(path + ".saving", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".saving", path)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    last[entry.msgid] = entry.msgstr
    rounds += 1
    with open(progress + ".new", "w", encoding="utf-8") as f:
        f.write(str(rounds))
    os.replace(progress + ".new", progress)
    time.sleep(rng.uniform(0.05, 0.25))
print(json.dumps({"rounds": rounds, "last": last}))
"""


def _transflow(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "transflow", "--project", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _rounds(progress: Path) -> int:
    """How many times the saver has saved so far."""
    try:
        return int(progress.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0


def _big_project(tmp_path: Path) -> Path:
    """The sample article followed by enough paragraphs that a run takes a while."""
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    (root / "transflow.toml").write_text(
        '[project]\nlanguages = ["az"]\n\n[translate]\nengine = "pseudo"\n', encoding="utf-8"
    )
    filler = "".join(
        f"\n\nIn paragraph {n}, officials said {n * 7} rockets fell on town {n}. "
        f"The report for area {n} was filed on day {n % 28 + 1}."
        for n in range(1500)
    )
    (root / "source" / f"{DOC}.txt").write_text(
        SAMPLE.read_text(encoding="utf-8") + filler + "\n", encoding="utf-8"
    )
    return root


@pytest.mark.parametrize("style", ["rename", "inplace"])
@pytest.mark.parametrize("command", ["extract", "translate"])
def test_saves_made_during_runs_all_survive(tmp_path: Path, command: str, style: str) -> None:
    root = _big_project(tmp_path)
    assert _transflow(root, "extract").returncode == 0
    path = root / "locales" / "az" / f"{DOC}.po"
    wanted = [str(u["text"]) for u in sample_units()]
    stop, listed, progress = tmp_path / "stop", tmp_path / "wanted.json", tmp_path / "rounds"
    listed.write_text(json.dumps(wanted), encoding="utf-8")
    saver = subprocess.Popen(
        [sys.executable, "-c", SAVER, str(path), style, "7", str(stop), str(listed), str(progress)],
        stdout=subprocess.PIPE,
        text=True,
    )
    merged = 0
    source = root / "source" / f"{DOC}.txt"
    try:
        run = 0
        # six runs at least, and as many more as the editor needs to save ten times during
        # them (however fast the runs are)
        while run < 6 or (_rounds(progress) < 10 and run < 100):
            # a changed source, so that every run has new entries to write
            with source.open("a", encoding="utf-8") as f:
                f.write(f"\nRound {run} adds this sentence.\n\n")
            done = _transflow(root, command)
            assert done.returncode == 0, done.stderr
            merged += done.stderr.count("saved by someone else meanwhile")
            run += 1
    finally:
        stop.touch()
        out, _ = saver.communicate(timeout=60)
    result = json.loads(out)
    assert result["rounds"] >= 10
    # the editor may have saved over transflow's last write (as an editor that does not
    # reload would): one more run, alone, brings transflow's own work back
    assert _transflow(root, command).returncode == 0
    catalog = polib.pofile(str(path))
    kept = {msgid: catalog.find(msgid).msgstr for msgid in result["last"]}
    lost = {m: (kept[m], saved) for m, saved in result["last"].items() if kept[m] != saved}
    print(
        f"{command}/{style}: {result['rounds']} saves, {len(result['last'])} entries "
        f"edited, {len(lost)} lost, {merged} runs merged a save made meanwhile"
    )
    assert not lost
    assert not any(e.fuzzy for e in (catalog.find(m) for m in result["last"]))
    if command == "translate":  # transflow's own work landed too
        assert catalog.find("Round 5 adds this sentence.").msgstr
    assert not list((root / "locales").rglob("*.tmp"))
    msgfmt_check(path)


def _entry(msgid: str, msgstr: str = "", *flags: str, refs: str = "a.txt:1.1") -> Entry:
    comments = ("machine translation: pseudo 1",) if "fuzzy" in flags and msgstr else ()
    return Entry(msgid, msgstr, flags=flags, references=(refs,), translator_comments=comments)


def test_three_way_merge_keeps_the_persons_work() -> None:
    base = Catalog(entries=(_entry("A"), _entry("B"), _entry("C", "c"), _entry("D", "d")))
    ours = Catalog(  # transflow drafted A and B, moved C's reference, made D obsolete
        entries=(
            _entry("A", "[a]", "fuzzy"),
            _entry("B", "[b]", "fuzzy"),
            _entry("C", "c", refs="a.txt:2.1"),
            _entry("D", "d").with_(obsolete=True),
        )
    )
    theirs = Catalog(  # the person translated B, edited C and D, added E
        entries=(
            _entry("A"),
            _entry("B", "bee"),
            _entry("C", "sea"),
            _entry("D", "dee"),
            _entry("E", "e"),
        )
    )
    merged, conflicts = reconcile(base, ours, theirs)
    by_id = {e.msgid: e for e in merged.entries}
    assert by_id["A"] == _entry("A", "[a]", "fuzzy")  # only transflow changed it
    assert by_id["B"] == _entry("B", "bee")  # both: the person's version, reported
    assert [c.msgid for c in conflicts] == ["B"]
    assert by_id["C"] == _entry("C", "sea", refs="a.txt:2.1")  # both parts kept
    assert by_id["D"].obsolete and by_id["D"].msgstr == "dee"
    assert by_id["E"] == _entry("E", "e")


@pytest.mark.parametrize("given", ["bytes", "pieces"])
def test_a_file_saved_at_the_moment_of_the_swap_is_merged_too(tmp_path: Path, given: str) -> None:
    """The save lands between transflow's last look and its rename: it is caught in the
    swapped-out file (renameat2 RENAME_EXCHANGE), put back, and merged in. The data to
    write may be given as bytes or as what makes them a piece at a time."""
    from transflow import swap

    def data(*pieces: bytes) -> swap.Data:
        return b"".join(pieces) if given == "bytes" else lambda: iter(pieces)

    if not sys.platform.startswith("linux"):
        pytest.skip("the one-step swap is Linux's")
    path = tmp_path / "a.po"
    path.write_bytes(b"old\n")
    calls: list[bytes] = []
    real = swap._exchange

    def exchange_after_a_save(a: Path, b: Path) -> bool:
        if not calls:
            b.write_bytes(b"saved by a person\n")  # in place, just before the swap
        return real(a, b)

    def remerge(found: bytes) -> bytes:
        calls.append(found)
        return data(b"ours + ", found)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(swap, "_exchange", exchange_after_a_save)
        written = swap.replace_merged(path, b"old\n", data(b"ou", b"rs\n"), remerge, tmp_path)
    assert calls == [b"saved by a person\n"]
    assert path.read_bytes() == b"ours + saved by a person\n"
    assert written == swap.Seen.of(path.read_bytes())
    assert not list((tmp_path / ".transflow" / "tmp").iterdir())


def test_data_in_pieces_as_the_file_holds_is_not_written(tmp_path: Path) -> None:
    """Pieces that make what the file held when it was read leave it as it is (not even
    looked at again: a save made since stays as the person saved it); other pieces are
    written whole, once."""
    from transflow import swap

    path = tmp_path / "a.po"
    path.write_bytes(b"one\ntwo\n")
    before = path.stat()
    made: list[bytes] = []

    def pieces(*these: bytes) -> swap.Data:
        def make() -> list[bytes]:
            made.extend(these)
            return list(these)

        return make

    def remerge(found: bytes) -> bytes:
        raise AssertionError("nothing to merge")

    same = pieces(b"one\n", b"two\n")
    assert swap.replace_merged(path, b"one\ntwo\n", same, remerge, tmp_path) is None
    assert path.stat().st_ino == before.st_ino and path.stat().st_mtime_ns == before.st_mtime_ns
    other = pieces(b"one\n", b"three\n")
    written = swap.replace_merged(path, b"one\ntwo\n", other, remerge, tmp_path)
    assert path.read_bytes() == b"one\nthree\n"
    assert written == swap.Seen.of(b"one\nthree\n")
    assert made == [b"one\n", b"two\n", b"one\n", b"three\n"]  # each made once
    assert not list((tmp_path / ".transflow" / "tmp").iterdir())


def test_temporary_files_never_land_in_locales_and_leftovers_are_removed(
    tmp_path: Path,
) -> None:
    root = _big_project(tmp_path)
    assert _transflow(root, "extract").returncode == 0
    folder = root / "locales" / "az"
    leftover = folder / f".{DOC}.po.0123456789ab.tmp"  # as an older transflow left them
    leftover.write_text("truncat", encoding="utf-8")
    os.chmod(leftover, 0o600)
    state = root / ".transflow"
    (state / "tmp").mkdir(exist_ok=True)
    (state / "tmp" / f".{DOC}.po.ba9876543210.tmp").write_text("x", encoding="utf-8")
    with (root / "source" / f"{DOC}.txt").open("a", encoding="utf-8") as f:
        f.write("\nA new sentence.\n")
    assert _transflow(root, "extract").returncode == 0
    assert not leftover.exists()
    assert not list((state / "tmp").iterdir())
    # git never sees what transflow keeps: its folder ignores itself
    assert (state / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_bytes_as_the_file_holds_are_not_even_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes (a template, a small catalog) equal to what the file held are compared, not
    written to a temporary file first (a re-extract of 300 touched documents wrote 1,200)."""
    from transflow import swap

    path = tmp_path / "a.po"
    path.write_bytes(b"one\n")
    staged: list[object] = []
    real = swap._stage
    monkeypatch.setattr(swap, "_stage", lambda *a: staged.append(a) or real(*a))

    def remerge(found: bytes) -> bytes:
        raise AssertionError("nothing to merge")

    assert swap.replace_merged(path, b"one\n", b"one\n", remerge, tmp_path) is None
    assert staged == []
    assert swap.replace_merged(path, b"one\n", b"two\n", remerge, tmp_path) is not None
    assert len(staged) == 1 and path.read_bytes() == b"two\n"
