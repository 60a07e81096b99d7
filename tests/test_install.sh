#!/usr/bin/env bash
# test_install.sh BUILD_DIR - what `cmake --install` gives a user: the two
# programs, their man pages (when help2man built them), bash completion,
# the scenarios and the docs; and the completion itself, driven as bash
# drives it.  Run from the repository root (CTest does).
set -euo pipefail
build=${1:?usage: tests/test_install.sh BUILD_DIR}
sim=${MWRASP_SIM:-$build/mwrasp-sim}
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
has() { # has WORD ARRAY...: WORD is among the rest
    local w=$1; shift
    local x; for x in "$@"; do [[ $x == "$w" ]] && return 0; done; return 1
}

# ---- completion, as bash calls it: COMP_WORDS, COMP_CWORD -> COMPREPLY
# shellcheck source=../completion/mwrasp-sim.bash
source completion/mwrasp-sim.bash
complete_line() { # complete_line CWORD WORDS...
    COMP_CWORD=$1; shift
    COMP_WORDS=("$@")
    COMPREPLY=()
    _mwrasp_sim 2>/dev/null || true
}
complete_line 1 "$sim" --re
has --replications "${COMPREPLY[@]}" && has --resume "${COMPREPLY[@]}" ||
    fail "options: '--re' gave: ${COMPREPLY[*]}"
[[ ${#COMPREPLY[@]} -eq 2 ]] || fail "options: '--re' gave ${#COMPREPLY[@]}: ${COMPREPLY[*]}"
complete_line 1 "$sim" scenarios/mm
has scenarios/mmc.yaml "${COMPREPLY[@]}" && has scenarios/mm1.yaml "${COMPREPLY[@]}" ||
    fail "scenario files: 'scenarios/mm' gave: ${COMPREPLY[*]}"
complete_line 3 "$sim" scenarios/mmc.yaml --set mmc.serve
[[ ${COMPREPLY[*]:-} == "mmc.servers=" ]] || fail "--set keys: 'mmc.serve' gave: ${COMPREPLY[*]:-}"
complete_line 3 "$sim" scenarios/consensus_5_nodes.yaml --sweep consensus.signa
[[ ${COMPREPLY[*]:-} == "consensus.signature_size=" ]] ||
    fail "--sweep keys from an included file: gave: ${COMPREPLY[*]:-}"
complete_line 1 "$sim" mer
[[ ${COMPREPLY[*]:-} == merge ]] || fail "the merge subcommand: 'mer' gave: ${COMPREPLY[*]:-}"
complete_line 2 "$sim" merge --s
[[ ${COMPREPLY[*]:-} == --strict ]] || fail "merge's options: '--s' gave: ${COMPREPLY[*]:-}"
complete_line 2 "$sim" merge tests/test_ba
has tests/test_batch.sh "${COMPREPLY[@]}" ||
    fail "merge's parts (any file): 'tests/test_ba' gave: ${COMPREPLY[*]:-}"
complete_line 2 "$sim" --out /nonexistent-dir/x
[[ ${#COMPREPLY[@]} -eq 0 ]] || fail "--out: gave ${COMPREPLY[*]}"

# ---- install into a scratch prefix
prefix=$(mktemp -d /tmp/mwrasp-install-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/mwrasp-sim bin/mwrasp-report \
         share/mwrasp-sim/scenarios/mmc.yaml share/mwrasp-sim/scenarios/include/ml_dsa_65.yaml \
         share/doc/mwrasp-sim/README.md share/doc/mwrasp-sim/scenarios.md \
         share/doc/mwrasp-sim/runbook-claims.md share/doc/mwrasp-sim/analysis.md \
         share/bash-completion/completions/mwrasp-sim \
         share/bash-completion/completions/mwrasp-report; do
    [[ -e $prefix/$f ]] || fail "not installed: $f"
done
"$prefix/bin/mwrasp-sim" --version | head -1 | grep -q '^mwrasp-sim [0-9.]* (git ' ||
    fail "installed mwrasp-sim --version"
"$prefix/bin/mwrasp-report" --version | head -1 | grep -q '^mwrasp-report ' ||
    fail "installed mwrasp-report --version"
# An installed scenario finds its included file beside it.
"$prefix/bin/mwrasp-sim" --validate "$prefix/share/mwrasp-sim/scenarios/consensus_5_nodes.yaml" |
    grep -q '^  consensus.sign = {dist: constant, value: 86us}' ||
    fail "installed consensus_5_nodes.yaml does not resolve its include"

# ---- man pages: generated from --help, so every option is in them
if [[ -f $build/man/mwrasp-sim.1 ]]; then
    for prog in mwrasp-sim mwrasp-report; do
        page=$prefix/share/man/man1/$prog.1
        [[ -f $page ]] || { fail "not installed: share/man/man1/$prog.1"; continue; }
        if command -v man >/dev/null; then
            text=$(MANWIDTH=100 man -l "$page" 2>/dev/null) || fail "man -l $page"
        else
            text=$(sed 's/\\-/-/g' "$page")
        fi
        grep -q "SYNOPSIS" <<<"$text" || fail "$prog.1 has no SYNOPSIS"
        bin=$prefix/bin/$prog
        for opt in $("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
            grep -q -- "$opt" <<<"$text" || fail "$prog.1 lacks $opt"
        done
    done
else
    echo "notice: no man pages in $build (help2man missing at configure time): not checked"
fi

if [[ $failures -gt 0 ]]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "install, man pages and completion: all checks passed"
