"""Hostile FOLK1A files: a huge file, binary junk, absurd lines and wrong encodings, each refused quickly.

load_population exits with a Danish CommandError, the admin's upload answers 400, nothing is
saved (the shipped 2022K1 stays as it was). Seconds and peak memory of each refusal are measured
in a child process that runs the command's reading and checks (read_path, then parse).
"""
import codecs
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from geography.models import MunicipalityPopulation, PopulationQuarter
from geography.population_file import MAX_FILE_BYTES
from tests.geography.folk1a import folk1a_bytes, folk1a_rows

pytestmark = pytest.mark.django_db

SECONDS, PEAK_MB = 10, 400
BINARY = "den er binær eller beskadiget"


def huge(path: Path) -> None:
    """A 3 GB file of zero bytes (sparse: it takes no room on disk); refused by its size, never read."""
    with path.open("wb") as handle:
        handle.truncate(3 * 1024 ** 3)


def big_text(path: Path) -> None:
    """Semicolon text just over the limit."""
    path.write_bytes(b"101 K\xc3\xb8benhavn;I alt;Alder i alt;2022K1;5\n" * (MAX_FILE_BYTES // 40 + 10))


CASES = {
    "3-gb-file": (huge, "fylder 3.145.728 KB"),
    "over-the-limit": (big_text, "grænsen er 2.048 KB"),
    "random-bytes": (lambda p: p.write_bytes(os.urandom(500_000).replace(b"\x00", b"\x01")),
                     "kan ikke læses som tekst i UTF-8 eller Windows-1252"),
    "control-characters": (lambda p: p.write_bytes(bytes(range(1, 32)) * 1000), BINARY),
    "one-line-of-a-million": (lambda p: p.write_bytes(b"OMR\xc3\x85DE;" + b"x" * 1_000_000), "Linje 1 er 1.000.007 tegn"),
    "a-long-line-later": (lambda p: p.write_bytes(folk1a_bytes(folk1a_rows()) + b"101;" * 5000 + b"\n"),
                          "tegn lang; en FOLK1A-linje er under 100 tegn"),
    "too-many-lines": (lambda p: p.write_bytes(b";\n" * 200_000), "Filen har 200.000 linjer"),
    "utf-16-without-bom": (lambda p: p.write_bytes(folk1a_bytes(folk1a_rows()).decode().encode("utf-16-le")),
                           "gemt som UTF-16 eller UTF-32"),
    "utf-32": (lambda p: p.write_bytes(folk1a_bytes(folk1a_rows()).decode().encode("utf-32")),
               "gemt som UTF-16 eller UTF-32"),
    "utf-16-big-endian": (lambda p: p.write_bytes(codecs.BOM_UTF16_BE + "OMRÅDE;KØN".encode("utf-16-be") * 50),
                          "gemt som UTF-16 eller UTF-32"),
}

CHILD = textwrap.dedent("""
    import json, os, sys, time
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django
    django.setup()
    from pathlib import Path
    from geography.models import Municipality
    from geography.population import PopulationFileError, parse
    from geography.population_file import read_path

    start = time.perf_counter()
    municipalities = [Municipality(pk=code, code=code, name=f"Syntetisk {code}") for code in range(101, 200)]
    try:
        parse(read_path(Path(sys.argv[1])), municipalities)
        refused, problems = False, []
    except PopulationFileError as exc:
        refused, problems = True, exc.problems
    seconds = time.perf_counter() - start
    with open("/proc/self/status") as status:  # VmHWM: this process's own peak (ru_maxrss keeps the parent's)
        peak_mb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    print(json.dumps({"refused": refused, "problems": problems, "seconds": seconds, "peak_mb": peak_mb}))
""")


@pytest.fixture
def hostile(tmp_path):
    def make(name):
        path = tmp_path / f"{name}.csv"
        CASES[name][0](path)
        return path
    return make


def shipped():
    return list(PopulationQuarter.objects.values_list("code", "source_name")), MunicipalityPopulation.objects.count()


@pytest.mark.parametrize("name", CASES)
def test_each_refusal_is_quick_and_small_in_a_child_process(hostile, name):
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CHILD, str(hostile(name))], cwd=root, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["refused"] and CASES[name][1] in " ".join(report["problems"]), report
    assert report["seconds"] < SECONDS and report["peak_mb"] < PEAK_MB, report


@pytest.mark.parametrize("name", CASES)
def test_load_population_exits_in_danish_and_saves_nothing(ref, hostile, name):
    before = shipped()
    with pytest.raises(CommandError) as info:
        call_command("load_population", str(hostile(name)))
    assert "er afvist; intet er gemt." in str(info.value) and CASES[name][1] in str(info.value)
    assert shipped() == before


def test_a_folder_or_device_is_not_read(ref, tmp_path):
    for path in (tmp_path, Path("/dev/zero")):
        with pytest.raises(CommandError, match="er ikke en almindelig fil"):
            call_command("load_population", str(path))


@pytest.mark.parametrize("name", ["over-the-limit", "random-bytes", "one-line-of-a-million", "utf-32"])
def test_the_admin_upload_answers_400_in_danish_and_saves_nothing(ref, admin_client, hostile, name):
    before = shipped()
    upload = SimpleUploadedFile("folk1a.csv", hostile(name).read_bytes())
    response = admin_client.post(reverse("admin:geography_population_upload"), {"file": upload})
    assert response.status_code == 400
    assert CASES[name][1] in response.content.decode()
    assert shipped() == before
