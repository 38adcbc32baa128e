"""Backup and restore as docs/backup.md describes them, on a database filled the
way scripts/dev fills it (reference data, demo users, demo accounts if present)."""
import json
import shutil
import subprocess

import pytest

from tests.deploy.conftest import COUNT_ROWS, pg_env, psql, run, run_django, subprocess_env

FILL = """
from django.core.management import call_command, get_commands
call_command("load_reference", verbosity=0)
call_command("demo_users", stdout=open("/dev/null", "w"))
if "demo_accounts" in get_commands():
    call_command("demo_accounts", stdout=open("/dev/null", "w"))
""" + COUNT_ROWS


@pytest.fixture(scope="module")
def source(databases, migrated_template):
    """(DATABASE_URL, name, row count per model) of a database filled like scripts/dev does."""
    url, name = databases.create("kilde", template=migrated_template)
    counts = run_django(FILL, subprocess_env(DATABASE_URL=url))
    assert counts["geography.Municipality"] == 98
    assert counts["users.User"] >= 6
    return url, name, counts


TABLE_COUNTS = """
SELECT table_name,
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
                                            false, true, '')))[1]::text
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY 1
"""


def table_counts(dbname: str) -> dict[str, int]:
    rows = psql(TABLE_COUNTS, dbname).splitlines()
    return {name: int(count) for name, count in (row.split("|") for row in rows)}


@pytest.mark.postgresql
def test_pg_dump_and_pg_restore_into_a_fresh_database(databases, tmp_path, request):
    for tool in ("pg_dump", "pg_restore", "psql"):
        assert shutil.which(tool), f"{tool} mangler (Debian: postgresql-client)"
    _, source_name, _ = request.getfixturevalue("source")
    _, target = databases.create("genskabt")

    dump = tmp_path / "klyngeportal.dump"
    # The commands of docs/backup.md.
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source_name],
                   env=pg_env(), check=True, timeout=120)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)],
                   env=pg_env(), check=True, timeout=120)

    before, after = table_counts(source_name), table_counts(target)
    assert after == before
    assert before["geography_region"] == 5
    assert before["geography_municipality"] == 98
    assert before["geography_cluster"] == 22
    assert before["geography_membership"] == 103
    assert before["django_migrations"] > 10  # the migration history travels along


DUMPDATA_EXCLUDES = ["contenttypes", "auth.permission", "sessions", "accounts.EntryTotal"]

# The entries' sums as the summary holds them, and as the entries add up.
SUMS = """
import json
from django.db.models import Sum
from accounts.models import Entry, EntryTotal
totals = EntryTotal.objects.aggregate(cents=Sum("cents"), entries=Sum("entries"))
print(json.dumps({"summary": [totals["cents"], totals["entries"]],
                  "entries": [int(sum(a * 100 for a in Entry.objects.values_list("amount", flat=True))),
                              Entry.objects.count()]}))
"""


@pytest.mark.parametrize("with_summary", [False, True], ids=["as-documented", "summary-in-dump"])
def test_dumpdata_and_loaddata_into_an_empty_database(source, databases, migrated_template, tmp_path, with_summary):
    """Portable backup (works on SQLite and PostgreSQL alike). The summary of the entries' sums is left
    out as docs/backup.md says (the database adds the entries up as they load); a dump that holds it
    (made without that exclude) loads just the same."""
    source_url, _, before = source
    dump = tmp_path / "klyngeportal.json"
    excludes = [arg for app in DUMPDATA_EXCLUDES if not (with_summary and app == "accounts.EntryTotal")
                for arg in ("--exclude", app)]
    run(["manage.py", "dumpdata", "--natural-foreign", "--natural-primary", *excludes,
         "--indent", "1", "--output", str(dump)], subprocess_env(DATABASE_URL=source_url))
    objects = json.loads(dump.read_text())
    assert sum(1 for o in objects if o["model"] == "geography.municipality") == 98
    assert any(o["model"] == "accounts.entrytotal" for o in objects) == with_summary

    # an empty, migrated database
    target_url, _ = databases.create("genskabt", template=migrated_template)
    load = f"from django.core.management import call_command\ncall_command('loaddata', {str(dump)!r})\n"
    after = run_django(load + COUNT_ROWS, subprocess_env(DATABASE_URL=target_url))

    assert after == before
    assert after["accounts.Entry"] > 0 and after["accounts.EntryTotal"] > 0
    sums = run_django(SUMS, subprocess_env(DATABASE_URL=target_url))
    assert sums["summary"] == sums["entries"] == run_django(SUMS, subprocess_env(DATABASE_URL=source_url))["entries"]
    assert after["geography.Membership"] == 103
    assert after["users.User"] >= 6
