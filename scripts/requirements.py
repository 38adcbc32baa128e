"""Print the requirements from pyproject.toml, one per line, for `pip install -r`.

    python scripts/requirements.py          # the portal's dependencies
    python scripts/requirements.py test     # plus the optional group "test"

Reading pyproject.toml directly avoids building the project itself (it is run
from its folder with manage.py, not installed as a package).
"""
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise SystemExit(f"Ukendt gruppe i pyproject.toml: {extra!r} (kendte: {', '.join(optional)})")
        lines.extend(optional[extra])
    return lines


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1:])))
