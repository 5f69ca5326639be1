"""TMX import and export of the translation memory, and the admin command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from translate.errors import TranslateError
from translate.memory import Memory, open_memory, tmx
from translate.memory import store as memory_store

SIG = "model-a|beam4"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
    'segtype="sentence" o-tmf="t" adminlang="en" srclang="ar" datatype="plaintext"/><body>'
)


def tmx_file(path: Path, body: str, head: str = HEADER) -> Path:
    path.write_text(head + body + "</body></tmx>", encoding="utf-8")
    return path


def tu(arabic: str, english: str, extra: str = "", attributes: str = "") -> str:
    return (
        f"<tu{attributes}>{extra}<tuv xml:lang='ar-SA'><seg>{arabic}</seg></tuv>"
        f"<tuv xml:lang='EN-US'><seg>{english}</seg></tuv></tu>"
    )


@pytest.fixture
def memory(tmp_path: Path) -> Memory:
    with open_memory(f"sqlite:///{tmp_path / 'm.db'}") as opened:
        yield opened


def fill(memory: Memory) -> None:
    memory.save_edit("قال الوزير: «الاتفاق قريب» & أكثر.", 'He said: "a deal <is> near" & more.',
                     editor="amal", signature=SIG, terms={"الوزير": "the Minister"},
                     when="2026-02-03T04:05:06Z")  # fmt: skip
    memory.save_edit("ارتفعت أسعار النفط.", "Oil prices rose.", editor=None, signature=SIG, terms={},
                     when="2026-02-03T04:05:07Z")  # fmt: skip
    memory.save_machine([("ارتفعت أسعار النفط.", "Oil rose.", {}), ("جملة آلية.", "A machine sentence.", {})],
                        signature=SIG, when="2026-01-01T00:00:00Z")  # fmt: skip


def test_export_is_byte_stable_and_survives_a_round_trip(memory: Memory, tmp_path: Path) -> None:
    fill(memory)
    assert memory.export_tmx(tmp_path / "a.tmx") == 4
    memory.export_tmx(tmp_path / "b.tmx")
    first = (tmp_path / "a.tmx").read_bytes()
    assert first == (tmp_path / "b.tmx").read_bytes()
    with open_memory(f"sqlite:///{tmp_path / 'other.db'}") as other:
        assert other.import_tmx(tmp_path / "a.tmx") == 4
        other.export_tmx(tmp_path / "c.tmx")
        assert (tmp_path / "c.tmx").read_bytes() == first
        assert other.entries() == memory.entries()
        assert [c.action for c in other.history("ارتفعت أسعار النفط.")] == ["import"]


def test_imported_units_are_edits_by_their_creator_unless_marked_machine(memory: Memory, tmp_path: Path) -> None:
    body = (
        tu("صباح الخير يا عالم.", "Good morning, world.",
           attributes=' creationid="lina" creationdate="20250102T030405Z"')
        + tu("مساء الخير.", "Good <ph>&lt;b&gt;</ph>evening.")
        + tu("جملة من آلة.", "A machine line.", '<prop type="x-khabar-origin">machine</prop>'
             '<prop type="x-khabar-signature">' + SIG + "</prop>")
    )  # fmt: skip
    assert memory.import_tmx(tmx_file(tmp_path / "in.tmx", body), editor_default="import-desk") == 3
    morning = memory.exact("صباح الخير يا عالم.", signature="anything", terms={})
    assert (morning.origin, morning.editor, morning.when) == ("edited", "lina", "2025-01-02T03:04:05Z")
    evening = memory.exact("مساء الخير.", signature="anything", terms={})
    assert (evening.target, evening.editor) == ("Good evening.", "import-desk")
    machine = memory.exact("جملة من آلة.", signature=SIG, terms={})
    assert (machine.origin, machine.editor) == ("machine", None)


BAD = {
    "not XML": ("<tu><tuv", "not well-formed"),
    "no English": ("<tu><tuv xml:lang='ar'><seg>نص.</seg></tuv><tuv xml:lang='fr'><seg>x</seg></tuv></tu>",
                   r"Arabic \(ar\) and an English \(en\)"),
    "empty Arabic": (tu(" ", "Text."), "empty"),
    "bad date": (tu("نص.", "Text.", attributes=' creationdate="yesterday"'), "creationdate"),
    "bad origin": (tu("نص.", "Text.", '<prop type="x-khabar-origin">robot</prop>'), "edited or machine"),
    "bad terms": (tu("نص.", "Text.", '<prop type="x-khabar-terms">[1]</prop>'), "JSON object"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_tmx_is_refused_and_nothing_is_imported(memory: Memory, tmp_path: Path, case: str) -> None:
    body, message = BAD[case]
    path = tmx_file(tmp_path / "bad.tmx", tu("جملة صحيحة.", "A good sentence.") + body)
    with pytest.raises(TranslateError, match=message):
        memory.import_tmx(path)
    assert (memory.stats()["edited"], memory.stats()["machine"]) == (0, 0)


def test_entity_expansion_is_refused(memory: Memory, tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    head = HEADER.replace('<tmx version="1.4">', f'<!DOCTYPE tmx [<!ENTITY l0 "ha">{laughs}]><tmx version="1.4">')
    path = tmx_file(tmp_path / "laughs.tmx", tu("نص.", "&l9;"), head)
    with pytest.raises(TranslateError, match="DTD or entities"):
        memory.import_tmx(path)
    xxe = '<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]><tmx version="1.4">'
    external = HEADER.replace('<tmx version="1.4">', xxe)
    with pytest.raises(TranslateError, match="DTD or entities"):
        memory.import_tmx(tmx_file(tmp_path / "xxe.tmx", tu("نص.", "&x;"), external))
    assert memory.stats()["edited"] == 0


def test_a_file_over_the_cap_is_refused(memory: Memory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tmx, "MAX_TMX_BYTES", 1000)
    path = tmx_file(tmp_path / "big.tmx", tu("نص طويل.", "Long text.") * 20)
    with pytest.raises(TranslateError, match="the limit is"):
        memory.import_tmx(path)
    with pytest.raises(TranslateError, match="Cannot read"):
        memory.import_tmx(tmp_path / "missing.tmx")


def test_an_import_that_fails_while_writing_leaves_nothing(
    memory: Memory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = tu("أولى.", "First.") + tu("ثانية.", "Second.", '<prop type="x-khabar-origin">machine</prop>')

    def broken(self: Memory, tx: object, rows: object) -> None:
        raise memory_store.TranslateError("disk full")

    monkeypatch.setattr(Memory, "_write_machine", broken)
    with pytest.raises(TranslateError, match="disk full"):
        memory.import_tmx(tmx_file(tmp_path / "in.tmx", body))
    monkeypatch.undo()
    assert (memory.stats()["edited"], memory.stats()["history"]) == (0, 0)


def admin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "translate.memory", *args], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_the_admin_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    with open_memory(url) as memory:
        fill(memory)
    done = admin("--memory", url, "export", str(tmp_path / "out.tmx"))
    assert done.returncode == 0 and "Exported 4 entries" in done.stdout
    other = f"sqlite:///{tmp_path / 'other.db'}"
    done = admin("--memory", other, "import", str(tmp_path / "out.tmx"))
    assert done.returncode == 0 and "Imported 4 entries" in done.stdout
    stats = json.loads(admin("--memory", other, "stats").stdout)
    assert (stats["edited"], stats["machine"], stats["backend"]) == (2, 2, "sqlite")
    done = admin("--memory", other, "prune", "--max-entries", "1")
    assert done.returncode == 0 and "Removed 1 machine entries" in done.stdout
    done = admin("--memory", other, "prune", "--older-than", "0")
    assert done.returncode == 0 and "Removed 1 machine entries" in done.stdout


def test_the_admin_command_reports_bad_input(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    (tmp_path / "bad.tmx").write_text("<tmx><body><tu>", encoding="utf-8")
    done = admin("--memory", url, "import", str(tmp_path / "bad.tmx"))
    assert done.returncode == 2 and done.stderr.startswith("error: The TMX file") and "Traceback" not in done.stderr
    (tmp_path / "corrupt.db").write_bytes(b"x" * 4096)
    done = admin("--memory", f"sqlite:///{tmp_path / 'corrupt.db'}", "stats")
    assert done.returncode == 2 and "error: Cannot open the translation memory" in done.stderr
    assert admin("--memory", url, "prune").returncode == 2  # needs a limit
    done = admin("--memory", "mysql://db/khabar", "stats")
    assert done.returncode == 2 and "sqlite:///PATH or postgresql://" in done.stderr


def test_awkward_characters_survive_a_round_trip(memory: Memory, tmp_path: Path) -> None:
    memory.save_edit("سطر أول\r\nسطر ثان\tمع\u200f علامة.", "Line one\r\nline two ]]> &amp; <b>\x0b.",
                     editor='a "quoted"\teditor', signature="sig <&>", terms={"سطر": "line\r\n"})  # fmt: skip
    memory.export_tmx(tmp_path / "a.tmx")
    with open_memory(f"sqlite:///{tmp_path / 'other.db'}") as other:
        other.import_tmx(tmp_path / "a.tmx")
        (entry,) = other.entries()
        assert entry.source == "سطر أول\r\nسطر ثان\tمع\u200f علامة."
        assert entry.target == "Line one\r\nline two ]]> &amp; <b>."  # \x0b cannot be written in XML
        assert (entry.editor, entry.signature, entry.terms) == ('a "quoted"\teditor', "sig <&>", {"سطر": "line\r\n"})
        other.export_tmx(tmp_path / "b.tmx")
    assert (tmp_path / "a.tmx").read_bytes() == (tmp_path / "b.tmx").read_bytes()
