/* cfg.h - scenario documents: YAML loading, --set overrides, typed and
 * checked access, and diagnostics.
 *
 * A scenario is parsed once (libyaml event API) into a tree of cfg_node with
 * 1-based source positions.  Models then *pull* their parameters with the
 * typed getters below; every getter checks type and range, records the
 * resolved value (for --validate), and marks the key as used.  After all
 * models have pulled, cfg_check_unused() reports every key nobody asked for,
 * with a "did you mean" hint drawn from the keys that were asked for in the
 * same mapping.  Errors never stop the walk: they are collected in the
 * cfg_ctx so that a user sees every problem in a file at once.
 *
 * Reuse within and across files:
 *  - anchors and aliases (`sign: &mldsa {...}` then `sign: *mldsa`) are
 *    expanded into copies at load time; every copied value counts toward
 *    CFG_MAX_NODES, so an alias bomb stops at the alias that crosses it;
 *  - `<<: *anchor` (or a list of them) merges an anchored mapping's keys
 *    into the mapping that holds it (YAML 1.1 merge keys);
 *  - `include: FILE` (or a list of files), in any mapping, merges the keys
 *    of FILE's top-level mapping there; FILE is relative to the including
 *    file's directory, may include others, and a cycle is an error.
 *    Keys written in the mapping itself win over merged ones, and among
 *    merged ones the first listed wins.  Values keep their positions in
 *    the file that wrote them, so messages point into the included file.
 *  - keys starting with `x-` are free for anchored blocks: no getter asks
 *    for them and they are never reported as unknown.
 *
 * Hostile input is bounded: files over CFG_MAX_FILE_BYTES, nesting deeper
 * than CFG_MAX_DEPTH, more than CFG_MAX_NODES nodes (aliases expanded,
 * included files counted), more than CFG_MAX_ANCHORS anchors, includes
 * nested deeper than CFG_MAX_INCLUDE_DEPTH, more than CFG_MAX_INCLUDE_FILES
 * distinct included files or CFG_MAX_INCLUDE_BYTES in all, NUL bytes,
 * invalid UTF-8 and multiple documents are all rejected with a positioned
 * message.  Memory use is O(CFG_MAX_NODES + file sizes).
 */
#ifndef MWRASP_CFG_H
#define MWRASP_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "dist.h"
#include "err.h"
#include "sink.h"

#define CFG_MAX_FILE_BYTES (4u << 20) /* 4 MiB */
#define CFG_MAX_DEPTH 64
#define CFG_MAX_NODES 200000
#define CFG_MAX_ANCHORS 256
#define CFG_MAX_INCLUDE_DEPTH 16
#define CFG_MAX_INCLUDE_BYTES (16u << 20) /* all included files together */
#define CFG_MAX_INCLUDE_FILES 256

typedef enum cfg_kind { CFG_SCALAR, CFG_MAP, CFG_SEQ } cfg_kind;

typedef struct cfg_node cfg_node;
struct cfg_node {
    cfg_kind kind;
    const char *file; /* owned by the cfg_doc */
    int line, col;    /* 1-based position of the node */
    /* CFG_SCALAR */
    char *text;       /* NUL-terminated (NUL bytes are rejected at load) */
    int quoted;       /* 1 when written in quotes: never a number */
    /* CFG_MAP: keys[i] -> items[i]; CFG_SEQ: items[i] */
    size_t n;
    char **keys;
    int *key_line, *key_col;
    cfg_node **items;
    unsigned char *used;       /* CFG_MAP: per key, 1 once asked for */
    const char **asked;        /* CFG_MAP: key names asked for (hints) */
    size_t nasked, asked_cap;
};

/* The text of one file a document was made from. */
typedef struct cfg_source {
    char *path;       /* the including file's directory joined with the
                         include: value, normalised ("a/./b/../c" -> "a/c") */
    char *text;
    size_t len;
} cfg_source;

typedef struct cfg_doc {
    char *file;       /* path as given */
    char *text;       /* the whole file text (stored in results) */
    size_t text_len;
    cfg_node *root;   /* a CFG_MAP */
    cfg_source *includes; /* every file include: brought in, first read first;
                             together with text, all the document came from */
    size_t nincludes;
} cfg_doc;

/* Diagnostics and resolved values collected while pulling parameters. */
typedef struct cfg_ctx {
    char **diags;     /* formatted "file:line:col: message" */
    size_t ndiags, diags_cap;
    char **resolved;  /* "path.to.key = value" lines, in pull order */
    size_t nresolved, resolved_cap;
    char prefix[256]; /* current dotted path, e.g. "consensus." */
    /* Sizes models publish for the sections read after theirs (registry
     * order), e.g. "consensus.nodes": the cross-checks of one scenario. */
    struct cfg_size_entry {
        char name[64];
        int64_t value;
    } sizes[16];
    size_t nsizes;
    int oom;          /* a diagnostic or resolved line was lost */
    /* Set by modeltab_configure before a model's configure hook: 1 when a
     * row of its table had a bad value (cross-checks then stay quiet). */
    int rows_bad;
} cfg_ctx;

/* Loads and parses path.  On failure returns ERR_NOINPUT (cannot open/read
 * it, or a file it includes: positioned at the include:) or ERR_DATA
 * (syntax, limits, include cycles; positioned) and *out is NULL.  A file that is
 * not a mapping at top level is ERR_DATA. */
int cfg_load_file(const char *path, cfg_doc **out, err_t *e);
/* Same from memory; name is used in messages and to resolve include:. */
int cfg_load_string(const char *name, const char *text, size_t len,
                    cfg_doc **out, err_t *e);
/* cfg_load_string with the texts of included files known beforehand (a
 * derived scenario's, or a results file's): an include: resolving to
 * known[i].path takes known[i].text and reads nothing from disk. */
int cfg_load_with(const char *name, const char *text, size_t len,
                  const cfg_source *known, size_t nknown, cfg_doc **out, err_t *e);
void cfg_doc_free(cfg_doc *doc);

/* Applies "a.b.c=value": value is parsed as a YAML flow node (so
 * `--set x={dist: constant, value: 1ms}` works); intermediate mappings are
 * created as needed.  Errors (no '=', empty path, path through a scalar,
 * YAML syntax) are ERR_USAGE with file "--set". */
int cfg_doc_set(cfg_doc *doc, const char *assignment, err_t *e);

/* cfg_doc_set, with the value given the position file:line:col (file must
 * outlive doc): a sweep value then reports where the sweep lists it. */
int cfg_doc_set_at(cfg_doc *doc, const char *assignment, const char *file, int line, int col,
                   err_t *e);

void cfg_ctx_init(cfg_ctx *c);
void cfg_ctx_free(cfg_ctx *c);
/* Records a positioned diagnostic at node n (or file-level when n NULL). */
void cfg_error(cfg_ctx *c, const cfg_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records running out of memory at n (the scenario then fails with 70,
 * not as bad data). */
void cfg_oom(cfg_ctx *c, const cfg_node *n);
/* Sets the dotted prefix used for resolved lines ("" for top level). */
void cfg_set_prefix(cfg_ctx *c, const char *prefix);
/* Enters a nested mapping: copies the prefix into saved (sizeof c->prefix
 * bytes) and appends sub and "." ("consensus." + "availability" gives
 * "consensus.availability."), so that messages and resolved lines name
 * the whole path of nested keys.  cfg_set_prefix(c, saved) leaves it. */
void cfg_prefix_enter(cfg_ctx *c, const char *sub, char *saved);

/* Lookup without type checks.  Marks key as asked (and used when present).
 * Returns NULL when absent or map is NULL or not a mapping. */
cfg_node *cfg_get(cfg_node *map, const char *key);
/* Like cfg_get, but the value must be a mapping (error otherwise, NULL). */
cfg_node *cfg_section(cfg_ctx *c, cfg_node *map, const char *key);
/* The value must be a sequence (error otherwise, NULL). */
cfg_node *cfg_list(cfg_ctx *c, cfg_node *map, const char *key);
/* cfg_list for a hook that reads a bounded list of mappings: the list at
 * key, named `name` in messages ("attacks.timeline"), NULL when absent or
 * not a list; when it has more than max items, records "NAME: at most MAX
 * NOUNS", sets *bad to -1 and returns NULL. */
cfg_node *cfg_list_upto(cfg_ctx *c, cfg_node *map, const char *key, size_t max,
                        const char *name, const char *nouns, int *bad);
/* Item i of list when it is a mapping; else records "NAME: each NOUN is a
 * mapping like EXAMPLE" at it, sets *bad to -1 and returns NULL. */
cfg_node *cfg_list_map(cfg_ctx *c, const cfg_node *list, size_t i, const char *name,
                       const char *noun, const char *example, int *bad);
/* Error "missing required key" (at the mapping) when key is absent.
 * Returns 0 when present. */
int cfg_require(cfg_ctx *c, cfg_node *map, const char *key);

/* Typed getters.  When the key is absent, *out = def and 0 is returned.
 * On a bad value an error is recorded, *out = def and -1 is returned.
 * map may be NULL (absent section): then *out = def. */
int cfg_int(cfg_ctx *c, cfg_node *map, const char *key, int64_t def,
            int64_t min, int64_t max, int64_t *out);
int cfg_double(cfg_ctx *c, cfg_node *map, const char *key, double def,
               double min, double max, double *out);
int cfg_bool(cfg_ctx *c, cfg_node *map, const char *key, int def, int *out);
/* "0.15" or "15%"; must lie in [min, max] (as fractions). */
int cfg_fraction(cfg_ctx *c, cfg_node *map, const char *key, double def,
                 double min, double max, double *out);
/* Durations with units: 250ns 100us 63ms 3s 2min 24h 7d (decimals ok). */
int cfg_duration(cfg_ctx *c, cfg_node *map, const char *key, int64_t def_ns,
                 int64_t min_ns, int64_t max_ns, int64_t *out_ns);
/* Rates: "200/s", "5/min", "3/h", "1/d", "2/ms", "1/us" -> per second. */
int cfg_rate(cfg_ctx *c, cfg_node *map, const char *key, double def_per_s,
             double min_per_s, double max_per_s, double *out_per_s);
/* Sizes: B, KB MB GB TB (powers of 1000), KiB MiB GiB TiB (powers of 1024). */
int cfg_size(cfg_ctx *c, cfg_node *map, const char *key, uint64_t def_bytes,
             uint64_t min_bytes, uint64_t max_bytes, uint64_t *out_bytes);
/* Any scalar as a string (returned pointer owned by the doc, or def). */
int cfg_string(cfg_ctx *c, cfg_node *map, const char *key, const char *def,
               const char **out);
/* Like cfg_string, and the text must be a valid name of that kind (see
 * sink.h for the character sets). */
int cfg_name_string(cfg_ctx *c, cfg_node *map, const char *key, const char *def,
                    sink_name_kind kind, const char **out);
/* Records "what 's' has ... it may hold only ..." at n unless s is a
 * valid name of that kind.  0 or -1. */
int cfg_check_name(cfg_ctx *c, const cfg_node *n, const char *what, const char *s,
                   sink_name_kind kind);
/* One of names[0..] (NULL-terminated); *out is the index. */
int cfg_enum(cfg_ctx *c, cfg_node *map, const char *key,
             const char *const *names, int def, int *out);
/* A distribution mapping {dist: NAME, ...params}.  is_time: parameters are
 * durations (stored in ns), else plain numbers.  All parameters must be
 * finite and in range (positive scale/shape, min <= max, ...). */
int cfg_dist(cfg_ctx *c, cfg_node *map, const char *key, const dist_t *def,
             int is_time, dist_t *out);

/* Scalar parsers used by the getters (exposed for tests and for the CLI).
 * Return 0 on success, else -1 with a human message in why. */
int cfg_parse_duration(const char *s, int64_t *ns, char *why, size_t wsz);
int cfg_parse_rate(const char *s, double *per_s, char *why, size_t wsz);
int cfg_parse_size(const char *s, uint64_t *bytes, char *why, size_t wsz);
int cfg_parse_fraction(const char *s, double *f, char *why, size_t wsz);
int cfg_parse_double(const char *s, double *v, char *why, size_t wsz);
int cfg_parse_int(const char *s, int64_t *v, char *why, size_t wsz);
/* Formats ns as the shortest exact unit string ("63ms", "1.5s", "250ns"). */
void cfg_format_duration(int64_t ns, char *buf, size_t size);

/* Cross-checks between sections.  A model publishes a size that others may
 * refer to (consensus publishes "consensus.nodes"); models configured later
 * (registry order) read it back to default or bound their own values.
 * cfg_published: 0 and *value, or -1 when that model is not active. */
void cfg_publish(cfg_ctx *c, const char *name, int64_t value);
int cfg_published(const cfg_ctx *c, const char *name, int64_t *value);

/* Reports every key under node (recursively) that no getter asked for:
 * "unknown key 'nodse' in consensus (did you mean 'nodes'?)". */
void cfg_check_unused(cfg_ctx *c, cfg_node *node);

/* Levenshtein-closest of candidates[0..n) to word, or NULL when none is
 * within a plausible distance. */
const char *cfg_suggest(const char *word, const char *const *candidates,
                        size_t n);

#endif
