#!/usr/bin/env python3
"""tests/check_layers.py - the layering rule of README "Architecture", read
from the #include lines.

Each folder below is a layer and may include headers of the layers listed
for it only (its own always); a quoted include that resolves to a header of
any other layer is an upward (or sideways) include and fails the check:

  sim/engine      nothing but itself
  sim/config      engine
  sim/format      engine
  models          engine, config
  sim/experiment  engine, config, format
  analysis        engine, config, format
  sim/cli         every layer (it is the program)

System headers are checked too: the engine names neither <yaml.h>,
<hdf5.h>, <mpi.h> nor <omp.h>; config and the models no <hdf5.h> or
<mpi.h>, the models no <yaml.h> either.  Because the allowed table has no
cycle, no include cycle between folders can pass; the graph of the
includes actually present is printed with --graph.

--models also checks that no include cycle runs between models (a model is
models/NAME.{c,h} or the folder models/NAME/; registry.c and models.def,
which list them all, are no model).  --self-test builds small trees that break each rule and
checks that every one is caught.

Exit status: 0 clean, 1 a rule broken (each violation printed), 2 usage.
"""
import argparse
import os
import re
import sys
import tempfile

LAYERS = {
    "sim/engine": set(),
    "sim/config": {"sim/engine"},
    "sim/format": {"sim/engine"},
    "models": {"sim/engine", "sim/config"},
    "sim/experiment": {"sim/engine", "sim/config", "sim/format"},
    "analysis": {"sim/engine", "sim/config", "sim/format"},
    "sim/cli": {"sim/engine", "sim/config", "sim/format", "models", "sim/experiment",
                "analysis"},
}
FORBIDDEN_SYSTEM = {
    "sim/engine": {"yaml.h", "hdf5.h", "mpi.h", "omp.h"},
    "sim/config": {"hdf5.h", "mpi.h"},
    "models": {"yaml.h", "hdf5.h", "mpi.h"},
}
# Generated at build time (CMake), not in the tree.
GENERATED = {"mwrasp_buildinfo.h"}
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def layer_of(rel):
    best = None
    for layer in LAYERS:
        if rel == layer or rel.startswith(layer + "/"):
            if best is None or len(layer) > len(best):
                best = layer
    return best


def sources(root):
    """Every .c/.h (and .def, an X-macro list) below the layer folders, as
    paths relative to root."""
    out = []
    for layer in LAYERS:
        top = os.path.join(root, layer)
        for d, _, files in os.walk(top):
            for f in files:
                if f.endswith((".c", ".h", ".def")):
                    out.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
    return sorted(out)


def includes(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        text = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), f.read())
    for m in INCLUDE.finditer(text):
        yield m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1


def resolve(rel, name, files, by_base):
    """The tree file a quoted include names: beside the includer first (as
    the compiler looks), else the one header of that name in the layers."""
    local = os.path.normpath(os.path.join(os.path.dirname(rel), name)).replace(os.sep, "/")
    if local in files:
        return local, None
    cands = [p for p in by_base.get(os.path.basename(name), []) if p.endswith("/" + name)
             or p == name]
    if len(cands) == 1:
        return cands[0], None
    if len(cands) > 1:
        return None, "ambiguous: " + ", ".join(cands)
    return None, None


def model_of(rel):
    parts = rel.split("/")
    if parts[0] != "models" or len(parts) < 2:
        return None
    if len(parts) > 2:
        return parts[1]
    stem = os.path.splitext(parts[1])[0]
    return None if stem in ("registry", "models") else stem


def find_cycle(graph):
    """One cycle of graph (dict node -> set of nodes) as a list, or None."""
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m)
                if c:
                    return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n)
            if c:
                return c
    return None


def check(root, models=False, graph_out=None):
    files = sources(root)
    fileset = set(files)
    by_base = {}
    for p in files:
        if p.endswith(".h"):
            by_base.setdefault(os.path.basename(p), []).append(p)
    problems = []
    folder_graph, model_graph = {}, {}
    for rel in files:
        layer = layer_of(rel)
        for kind, name, line in includes(root, rel):
            where = "%s:%d: #include %s%s%s" % (rel, line, kind, name, '"' if kind == '"' else ">")
            if kind == "<":
                if os.path.basename(name) in FORBIDDEN_SYSTEM.get(layer, ()):
                    problems.append("%s: %s must not use %s" % (where, layer, name))
                continue
            target, why = resolve(rel, name, fileset, by_base)
            if why:
                problems.append("%s: %s" % (where, why))
                continue
            if target is None:
                if os.path.basename(name) not in GENERATED:
                    problems.append("%s: no such header in the layers" % where)
                continue
            tlayer = layer_of(target)
            if tlayer != layer:
                folder_graph.setdefault(layer, set()).add(tlayer)
                if tlayer not in LAYERS[layer]:
                    problems.append("%s: %s may not include %s (%s); allowed: %s" % (
                        where, layer, target, tlayer,
                        ", ".join(sorted(LAYERS[layer])) or "its own headers only"))
            a, b = model_of(rel), model_of(target)
            if a and b and a != b:
                model_graph.setdefault(a, set()).add(b)
    cycle = find_cycle(folder_graph)
    if cycle:
        problems.append("include cycle between folders: " + " -> ".join(cycle))
    if models:
        cycle = find_cycle(model_graph)
        if cycle:
            problems.append("include cycle between models: " + " -> ".join(cycle))
    if graph_out is not None:
        for a in sorted(folder_graph):
            graph_out.write("%-15s -> %s\n" % (a, ", ".join(sorted(folder_graph[a]))))
        if models:
            for a in sorted(model_graph):
                graph_out.write("model %-10s -> %s\n" % (a, ", ".join(sorted(model_graph[a]))))
    return problems, len(files)


def self_test():
    """Each rule, broken once in a scratch tree, must be reported."""
    cases = {
        "upward include": {"sim/engine/sim.h": '#include "cfg.h"\n',
                           "sim/config/cfg.h": "\n"},
        "sideways include": {"sim/experiment/h5out.c": '#include "registry.h"\n',
                             "models/registry.h": "\n"},
        "analysis into experiment": {"analysis/plots.c": '#include "h5out.h"\n',
                                     "sim/experiment/h5out.h": "\n"},
        "system header": {"sim/engine/evq.c": "#include <hdf5.h>\n"},
        "model cycle": {"models/a.c": '#include "b.h"\n', "models/b.h": "\n",
                        "models/b.c": '#include "a.h"\n', "models/a.h": "\n"},
        "model folder cycle": {"models/c/x.c": '#include "../d.h"\n', "models/d.h": "\n",
                               "models/d.c": '#include "c/c.h"\n', "models/c/c.h": "\n"},
        "missing header": {"sim/config/cfg.c": '#include "nosuch.h"\n'},
    }
    clean = {"sim/engine/sim.h": '#include "err.h"\n#include <math.h>\n',
             "sim/engine/err.h": "/* #include \"cfg.h\" in a comment */\n",
             "sim/config/cfg.h": '#include "sim.h"\n',
             "models/registry.c": '#include "a.h"\n#include "b.h"\n', "models/a.h": "\n",
             "models/b.h": '#include "a.h"\n',
             "sim/cli/main.c": '#include "registry.h"\n', "models/registry.h": "\n"}
    failures = 0
    for name, tree in list(cases.items()) + [("clean tree", clean)]:
        with tempfile.TemporaryDirectory() as root:
            for rel, text in tree.items():
                os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
                with open(os.path.join(root, rel), "w") as f:
                    f.write(text)
            problems, _ = check(root, models=True)
            want = name != "clean tree"
            ok = bool(problems) == want
            failures += not ok
            print("%s %s: %s" % ("ok  " if ok else "FAIL", name,
                                 problems[0] if problems else "no violation"))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    ap.add_argument("--models", action="store_true", help="also: no cycle between models")
    ap.add_argument("--graph", action="store_true", help="print the include graph")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return self_test()
    problems, n = check(os.path.abspath(a.root), a.models, sys.stdout if a.graph else None)
    for p in problems:
        print(p)
    print("check_layers: %d files, %d violation%s" % (n, len(problems),
                                                      "" if len(problems) == 1 else "s"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
