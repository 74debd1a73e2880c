#!/usr/bin/env bash
# Runs every test: unit and integration tests of each module, then builds the runtime image,
# launches it (the only proof that the module descriptors are right) and drives its dashboard in
# a headless Chromium. Installs what the browser, terminal and shell-completion tests need when it is missing:
# Debian's chromium and chromium-driver, tmux, and zsh and fish (the completion scripts are run by
# the real shells).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v zsh >/dev/null 2>&1 || missing+=(zsh)
command -v fish >/dev/null 2>&1 || missing+=(fish)
if ((${#missing[@]})); then
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
            echo "scripts/test.sh: the browser, terminal and shell-completion tests need ${missing[*]}, which are not installed, and" \
                 "this user cannot install them (not root, no sudo). Install them with: apt-get install -y ${missing[*]}" >&2
            exit 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "scripts/test.sh: the browser, terminal and shell-completion tests need ${missing[*]}; this machine has no apt-get to install" \
             "them. Install Chromium, its ChromeDriver (same major version) and tmux, then run this again." >&2
        exit 1
    fi
    echo "scripts/test.sh: installing ${missing[*]} (Debian packages) for the browser and terminal tests" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
        || { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } \
        || { echo "scripts/test.sh: could not install ${missing[*]} with apt-get (see above)." >&2; exit 1; }
fi

exec ./mvnw -B verify "$@"
