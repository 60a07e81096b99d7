# Bash completion for mwrasp-sim and mwrasp-report.
#
# Options come from the program's own --help, so they never drift from the
# binary; --set/--sweep complete scenario keys from `--validate` of the
# scenario already on the line (the keys it resolves, defaults included).
# Installed as share/bash-completion/completions/{mwrasp-sim,mwrasp-report};
# from a checkout: source completion/mwrasp-sim.bash

# The long options a program's --help lists.
_mwrasp_options()
{
    "$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u
}

# Files whose names end in one of the given suffixes, and directories.
_mwrasp_files()
{
    local cur=$1 f
    shift
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do
        if [[ -d $f ]]; then
            COMPREPLY+=("$f")
            continue
        fi
        local ext
        for ext in "$@"; do
            if [[ $f == *"$ext" ]]; then
                COMPREPLY+=("$f")
            fi
        done
    done < <(compgen -f -- "$cur")
    return 0
}

_mwrasp_sim()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]}
    COMPREPLY=()
    # `mwrasp-sim merge PART... --out FILE`: parts are files of any name,
    # and only the options that do not change the run.
    if [[ ${COMP_WORDS[1]} == merge && $COMP_CWORD -gt 1 ]]; then
        case $prev in
        --out) _mwrasp_files "$cur" .h5; return ;;
        --csv) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "table markdown csv json" -- "$cur")); return ;;
        --threads | --metrics | --max-memory | --max-events) return ;;
        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--out --quiet --strict --plot --csv --format --all \
                         --metrics --threads --max-memory --max-events --help" -- "$cur"))
        else
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi
    case $prev in
    --out)
        _mwrasp_files "$cur" .h5
        return ;;
    --csv)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --format)
        COMPREPLY=($(compgen -W "table markdown csv json" -- "$cur"))
        return ;;
    --merge)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --seed | --replications | --duration | --threads | --ci-target | --metrics | \
    --run-index | --of)
        return ;;
    --set | --sweep)
        local w scenario=
        for w in "${COMP_WORDS[@]:1}"; do
            [[ $w == *.yaml || $w == *.yml ]] && [[ -f $w ]] && scenario=$w
        done
        [[ -n $scenario ]] || return
        local keys
        keys=$("$prog" --validate "$scenario" 2>/dev/null |
               sed -n 's/^  \([A-Za-z0-9_.-]*\) = .*/\1=/p')
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "$keys" -- "$cur"))
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_mwrasp_options "$prog")" -- "$cur"))
        return
    fi
    if [[ $COMP_CWORD -eq 1 && merge == "$cur"* ]]; then
        COMPREPLY=(merge)
    fi
    _mwrasp_files "$cur" .yaml .yml
}

_mwrasp_report()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    case $prev in
    --out | --csv)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    --point)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_mwrasp_options "${COMP_WORDS[0]}")" -- "$cur"))
        return
    fi
    _mwrasp_files "$cur" .h5
}

complete -F _mwrasp_sim mwrasp-sim ./mwrasp-sim
complete -F _mwrasp_report mwrasp-report analysis/mwrasp-report
