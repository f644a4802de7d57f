#!/usr/bin/env bash
# Set up the system packages the tests need, then .venv: every plugboard
# distribution (editable) and the dev tools.
# Safe to run again; it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The HTML report's browser test drives Debian's Chromium through chromedriver.
BROWSER_PACKAGES=(chromium chromium-driver)
missing=()
for path in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$path" ] || missing+=("$path")
done
if [ "${#missing[@]}" -gt 0 ]; then
    as_root=()
    can_install=false
    if command -v apt-get >/dev/null 2>&1; then
        if [ "$(id -u)" -eq 0 ]; then
            can_install=true
        elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            as_root=(sudo -n)
            can_install=true
        fi
    fi
    if "$can_install"; then
        echo "bootstrap: missing ${missing[*]}; installing ${BROWSER_PACKAGES[*]} with apt-get" >&2
        apt=(${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -qq
             -o DPkg::Lock::Timeout=600)
        if ! { "${apt[@]}" update \
               && "${apt[@]}" install -y --no-install-recommends "${BROWSER_PACKAGES[@]}"; }
        then
            echo "bootstrap: apt-get could not install ${BROWSER_PACKAGES[*]} (see above);" \
                 "the HTML report's browser test needs them" >&2
        fi
    else
        echo "bootstrap: missing ${missing[*]}; the HTML report's browser test needs" \
             "Chromium and chromedriver. Install Debian's packages as root:" \
             "apt-get install --no-install-recommends ${BROWSER_PACKAGES[*]}" \
             "(continuing without them)" >&2
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# Dependency groups (PEP 735) need pip 25.1 or newer.
.venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"
.venv/bin/python -m pip install --quiet --group dev \
    -e dispatcher -e backends/cpu -e conformance
