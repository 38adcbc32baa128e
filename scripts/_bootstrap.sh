# Shared by scripts/dev and scripts/test (sourced, not run).
# Finds a Python >= 3.12, creates .venv at the repository root if needed and
# installs the requirements from pyproject.toml (again only when it changed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31mFEJL: %s\033[0m\n' "$*" >&2; exit 1; }

python_ok() {
    # Runs the candidate: pyenv shims exist for versions that are not active and then refuse.
    "$1" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for candidate in $(ls -d "$(pyenv root)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
            if python_ok "$candidate"; then
                echo "$candidate"
                return 0
            fi
        done
    fi
    return 1
}

ensure_venv() {
    if [ -x "$PY" ] && python_ok "$PY"; then
        return 0
    fi
    local base
    base="$(find_python)" || die "Fandt ingen Python 3.12 eller nyere (Django 6.1 kræver det).
  Prøvede: \$PYTHON${PYTHON:+ ($PYTHON)}, python3.13, python3.12, python3 og pyenv-versioner 3.12+.
  Installér fx Debians python3.13 eller 'pyenv install 3.13', eller kør med PYTHON=/sti/til/python3.13."
    if [ -e "$VENV" ]; then
        say "$VENV er for gammel eller ødelagt; opretter den igen"
        rm -rf "$VENV"
    fi
    say "Opretter .venv med $base ($("$base" -V 2>&1))"
    "$base" -m venv "$VENV" || die "Kunne ikke oprette .venv (mangler pakken python3-venv?)"
}

# install_requirements [extra...]: pip install what pyproject.toml asks for, if it changed.
install_requirements() {
    local extras="$*" stamp wanted
    ensure_venv
    stamp="$VENV/.klyngeportal-requirements${extras:+-${extras// /-}}"
    wanted="$("$PY" scripts/requirements.py "$@")"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        say "Afhængigheder er installeret (pyproject.toml uændret)"
        return 0
    fi
    say "Installerer afhængigheder fra pyproject.toml${extras:+ (med: $extras)}"
    "$PY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$PY" scripts/requirements.py "$@" > "$VENV/requirements.txt"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$VENV/requirements.txt"
    printf '%s' "$wanted" > "$stamp"
}
