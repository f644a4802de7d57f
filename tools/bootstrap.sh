#!/usr/bin/env bash
# Set up the system packages the tests need, then .venv: every plugboard
# distribution (editable) and the dev tools.
# Safe to run again; it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, each group checked by the files it provides:
# - plugboard-cpu's native kernels are C++ (pybind11, built by scikit-build-core, which
#   brings CMake and Ninja from PyPI when the system's are missing): a C++ compiler and
#   the headers of the Python that builds them;
# - the HTML report's browser test drives Debian's Chromium through chromedriver;
# - the OpenCL backend runs on PoCL, Debian's OpenCL implementation for the CPU (its ICD
#   file in /etc/OpenCL/vendors is what the OpenCL ICD loader, pyopencl's included, reads);
# - the ROCm backend's compile checks build HIP kernels for gfx90a with Debian's hipcc
#   (ROCm 5's clang and device libraries, about 40 MB to download; it brings ROCm 5's
#   runtime with hiprtc inside, not ROCm 7's libamdhip64.so.7 that the backend runs on).
BUILD_PACKAGES=(build-essential)
PYTHON_HEADER_PACKAGES=(python3-dev)
BROWSER_PACKAGES=(chromium chromium-driver)
OPENCL_PACKAGES=(pocl-opencl-icd)
HIP_PACKAGES=(hipcc)
PYTHON=${PYTHON:-python3}
packages=()
needs=()
missing=()
if ! command -v c++ >/dev/null 2>&1 && ! command -v g++ >/dev/null 2>&1; then
    missing+=(c++)
    packages+=("${BUILD_PACKAGES[@]}")
    needs+=("plugboard-cpu's native kernels need a C++17 compiler (${BUILD_PACKAGES[*]})")
fi
python_header=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h
if [ ! -e "$python_header" ]; then
    missing+=("$python_header")
    packages+=("${PYTHON_HEADER_PACKAGES[@]}")
    needs+=("plugboard-cpu's native kernels need the Python headers (${PYTHON_HEADER_PACKAGES[*]})")
fi
browser_missing=()
for path in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$path" ] || browser_missing+=("$path")
done
if [ "${#browser_missing[@]}" -gt 0 ]; then
    missing+=("${browser_missing[@]}")
    packages+=("${BROWSER_PACKAGES[@]}")
    needs+=("the HTML report's browser test needs ${BROWSER_PACKAGES[*]}")
fi
# Removed Debian packages leave their configuration behind (the ICD file among it), so
# where dpkg can tell, the package itself is checked.
pocl_installed() {
    if command -v dpkg-query >/dev/null 2>&1; then
        [ "$(dpkg-query -W -f='${Status}' pocl-opencl-icd 2>/dev/null)" = "install ok installed" ]
    else
        [ -e /etc/OpenCL/vendors/pocl.icd ]
    fi
}
if ! pocl_installed; then
    missing+=(pocl-opencl-icd)
    packages+=("${OPENCL_PACKAGES[@]}")
    needs+=("the OpenCL backend needs ${OPENCL_PACKAGES[*]}")
fi
if ! command -v hipcc >/dev/null 2>&1; then
    missing+=(hipcc)
    packages+=("${HIP_PACKAGES[@]}")
    needs+=("the ROCm backend's compile checks need ${HIP_PACKAGES[*]}")
fi
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
        echo "bootstrap: missing ${missing[*]}; installing ${packages[*]} with apt-get" >&2
        apt=(${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -qq
             -o DPkg::Lock::Timeout=600)
        if ! { "${apt[@]}" update \
               && "${apt[@]}" install -y --no-install-recommends "${packages[@]}"; }
        then
            echo "bootstrap: apt-get could not install ${packages[*]} (see above);" \
                 "$(IFS=';'; echo "${needs[*]}")" >&2
        fi
    else
        echo "bootstrap: missing ${missing[*]}; $(IFS=';'; echo "${needs[*]}")." \
             "Install Debian's packages as root:" \
             "apt-get install --no-install-recommends ${packages[*]}" \
             "(continuing without them)" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# Dependency groups (PEP 735) need pip 25.1 or newer. plugboard-cpu compiles its C++
# kernels while it installs (in backends/cpu/build, so a repeat run recompiles only what
# changed); after editing backends/cpu/src/native, run this script (or
# `.venv/bin/pip install -e backends/cpu`) again.
.venv/bin/python -m pip install --quiet --upgrade "pip>=25.1"
.venv/bin/python -m pip install --quiet --group dev --group benchmark \
    -e dispatcher -e backends/cpu -e 'backends/opencl[benchmark]' -e backends/cupy \
    -e 'backends/cuda[nvrtc]' -e backends/rocm -e backends/metal \
    -e conformance
