/* cfg.c - scenario documents: loading, --set, typed access, diagnostics.
 *
 * Invariants kept here:
 *  - A cfg_doc's tree is complete or absent: loading stops at the first
 *    problem, frees everything it built and returns one positioned error.
 *  - Every node carries a 1-based position in the file it came from (or in
 *    the --set assignment that created it).
 *  - Within one mapping keys are unique; that is checked at load time with a
 *    hash table so that a mapping with 100k keys still loads in linear time.
 *  - Hostile input is bounded before and while parsing: size is checked
 *    before libyaml sees a byte, depth and node count while events arrive,
 *    and every node an alias copies counts as a node, so expansion stops
 *    at the alias that crosses CFG_MAX_NODES, with its position.
 *  - include: and <<: keys are gone once a document is loaded: their
 *    mappings hold the merged keys instead (cfg_expand), so the getters
 *    never see them.
 *  - Getters never stop at the first error; each one records its diagnostic
 *    in the cfg_ctx and hands back the default so the walk can go on.
 */
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <yaml.h>

/* Nodes made by --set point at this one array, so that a key can tell
 * whether it came from the command line or from the file. */
static const char cfg_set_file[] = "--set";
#define CFG_SET_FILE cfg_set_file
/* Longest user text quoted back in a message; more only buries the point. */
#define CFG_CLIP 60

/* ------------------------------------------------------------------------
 * Nodes
 */

static cfg_node *cfg_node_new(cfg_kind kind, const char *file, int line,
                              int col)
{
    cfg_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

static void cfg_node_free(cfg_node *n)
{
    if (!n)
        return;
    free(n->text);
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            free(n->keys[i]);
        cfg_node_free(n->items[i]);
    }
    for (size_t i = 0; i < n->nasked; i++)
        free((char *)n->asked[i]);
    free(n->keys);
    free(n->key_line);
    free(n->key_col);
    free(n->items);
    free(n->used);
    free(n->asked);
    free(n);
}

/* Arrays grow by doubling from 4; the capacity is implied by n, which
 * saves a field per array in the public struct. */
static int cfg_needs_grow(size_t n)
{
    return n == 0 || (n >= 4 && (n & (n - 1)) == 0);
}

static int cfg_seq_append(cfg_node *s, cfg_node *item)
{
    if (cfg_needs_grow(s->n)) {
        size_t cap = s->n ? 2 * s->n : 4;
        cfg_node **items = realloc(s->items, cap * sizeof *items);
        if (!items)
            return -1;
        s->items = items;
    }
    s->items[s->n++] = item;
    return 0;
}

/* Takes ownership of key and value on success only. */
static int cfg_map_append(cfg_node *m, char *key, int key_line, int key_col,
                          cfg_node *value)
{
    if (cfg_needs_grow(m->n)) {
        size_t cap = m->n ? 2 * m->n : 4;
        char **keys = realloc(m->keys, cap * sizeof *keys);
        if (!keys)
            return -1;
        m->keys = keys;
        int *kl = realloc(m->key_line, cap * sizeof *kl);
        if (!kl)
            return -1;
        m->key_line = kl;
        int *kc = realloc(m->key_col, cap * sizeof *kc);
        if (!kc)
            return -1;
        m->key_col = kc;
        cfg_node **items = realloc(m->items, cap * sizeof *items);
        if (!items)
            return -1;
        m->items = items;
        unsigned char *used = realloc(m->used, cap * sizeof *used);
        if (!used)
            return -1;
        m->used = used;
    }
    m->keys[m->n] = key;
    m->key_line[m->n] = key_line;
    m->key_col[m->n] = key_col;
    m->items[m->n] = value;
    m->used[m->n] = 0;
    m->n++;
    return 0;
}

/* File a key's position refers to: the file its value came from, since a
 * key and its value are written together (keys that --set added or
 * replaced carry their --set position, merged keys their included
 * file's), whatever file holds the mapping. */
static const char *cfg_key_file(const cfg_node *m, size_t i)
{
    return m->items[i]->file;
}

static long cfg_map_find(const cfg_node *m, const char *key, size_t len)
{
    for (size_t i = 0; i < m->n; i++)
        if (strlen(m->keys[i]) == len && memcmp(m->keys[i], key, len) == 0)
            return (long)i;
    return -1;
}

static const char *cfg_kind_word(const cfg_node *n)
{
    switch (n->kind) {
    case CFG_MAP:
        return "a mapping";
    case CFG_SEQ:
        return "a list";
    case CFG_SCALAR:
        break;
    }
    return "a single value";
}

/* Null as YAML writes it: nothing at all, ~ or null, unquoted. */
static int cfg_is_null(const cfg_node *n)
{
    if (n->kind != CFG_SCALAR || n->quoted)
        return 0;
    const char *t = n->text;
    return !t[0] || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 ||
           strcmp(t, "Null") == 0 || strcmp(t, "NULL") == 0;
}

/* Copies s into buf for quoting in a message, cut short when long. */
static const char *cfg_clip(const char *s, char *buf, size_t size)
{
    size_t len = strlen(s);
    if (len <= CFG_CLIP)
        snprintf(buf, size, "%s", s);
    else
        snprintf(buf, size, "%.*s...", CFG_CLIP, s);
    return buf;
}

/* ------------------------------------------------------------------------
 * Positions
 */

/* 1-based line and column of byte offset off, columns counted in code
 * points as libyaml counts them. */
static void cfg_offset_pos(const char *text, size_t len, size_t off,
                           int *line, int *col)
{
    int l = 1, c = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) {
            l++;
            c = 1;
        } else if (ch == '\r' || (ch & 0xC0) == 0x80) {
            continue;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* ------------------------------------------------------------------------
 * Duplicate-key detection: one open-addressing table for a whole load,
 * keyed by (mapping, key), so each insertion costs O(key length).
 */

typedef struct cfg_dup_slot {
    const cfg_node *map;
    size_t index_plus_1; /* 0: empty slot */
} cfg_dup_slot;

typedef struct cfg_dups {
    cfg_dup_slot *slots;
    size_t cap, count;
} cfg_dups;

static uint64_t cfg_hash(const cfg_node *map, const char *key)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(uintptr_t)map;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static void cfg_dups_place(cfg_dup_slot *slots, size_t cap, const cfg_node *map,
                           const char *key, size_t index_plus_1)
{
    size_t i = (size_t)cfg_hash(map, key) & (cap - 1);
    while (slots[i].index_plus_1)
        i = (i + 1) & (cap - 1);
    slots[i].map = map;
    slots[i].index_plus_1 = index_plus_1;
}

/* 1 when key is recorded for map, else 0. */
static int cfg_dups_find(const cfg_dups *t, const cfg_node *map, const char *key)
{
    if (!t->cap)
        return 0;
    size_t i = (size_t)cfg_hash(map, key) & (t->cap - 1);
    while (t->slots[i].index_plus_1) {
        const cfg_dup_slot *s = &t->slots[i];
        if (s->map == map && strcmp(map->keys[s->index_plus_1 - 1], key) == 0)
            return 1;
        i = (i + 1) & (t->cap - 1);
    }
    return 0;
}

/* Returns 1 and *first when key already exists in map, 0 after recording
 * key as map's entry number index, -1 when out of memory. */
static int cfg_dups_check(cfg_dups *t, const cfg_node *map, const char *key,
                          size_t index, size_t *first)
{
    if (t->cap) {
        size_t i = (size_t)cfg_hash(map, key) & (t->cap - 1);
        while (t->slots[i].index_plus_1) {
            const cfg_dup_slot *s = &t->slots[i];
            if (s->map == map && strcmp(map->keys[s->index_plus_1 - 1], key) == 0) {
                *first = s->index_plus_1 - 1;
                return 1;
            }
            i = (i + 1) & (t->cap - 1);
        }
    }
    if (2 * (t->count + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        cfg_dup_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].index_plus_1) {
                const cfg_dup_slot *s = &t->slots[i];
                cfg_dups_place(slots, cap, s->map,
                               s->map->keys[s->index_plus_1 - 1],
                               s->index_plus_1);
            }
        free(t->slots);
        t->slots = slots;
        t->cap = cap;
    }
    /* The key is not in map->keys yet; hash the caller's copy. */
    cfg_dups_place(t->slots, t->cap, map, key, index + 1);
    t->count++;
    return 0;
}

/* ------------------------------------------------------------------------
 * Tree building from libyaml events
 */

typedef struct cfg_frame {
    cfg_node *node;
    char *key; /* CFG_MAP: key waiting for its value, else NULL */
    int key_line, key_col;
    char *anchor; /* &name on this collection, registered when it ends */
    int levels;   /* collection levels in node so far (1: no child collection) */
} cfg_frame;

/* An anchored value aliases may copy.  A collection is the node in the
 * tree being built (nothing there is freed before the build ends); a
 * scalar is a copy, since a scalar used as a key is freed once its text
 * becomes the key. */
typedef struct cfg_anchor {
    char *name;
    cfg_node *node;
    int owned;        /* 1: node is the anchor's own copy */
    int levels;       /* collection levels in node (0: a scalar) */
} cfg_anchor;

typedef struct cfg_build {
    const char *name;      /* file name in messages */
    const char *node_file; /* stored in nodes */
    const char *text;
    size_t len;
    int col_offset; /* --set: where the value starts in the assignment */
    int code;       /* ERR_DATA for files, ERR_USAGE for --set */
    int want_map;   /* 1: a scenario, 2: an included file, 0: any node */
    err_t *e;
    size_t *nodes;  /* nodes so far, shared by a document's files */
    cfg_dups dups;
    cfg_anchor anchors[CFG_MAX_ANCHORS];
    size_t nanchors;
    cfg_frame stack[CFG_MAX_DEPTH];
    int depth;
    cfg_node *root;
} cfg_build;

static int cfg_build_fail(cfg_build *b, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int cfg_build_fail(cfg_build *b, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(b->e, b->code, b->name, line, col, "%s", msg);
}

/* Running out of memory is the program's failure (70), not the file's. */
static int cfg_build_oom(cfg_build *b, int line, int col)
{
    return err_set(b->e, ERR_SOFTWARE, b->name, line, col, "out of memory while reading it");
}

static void cfg_mark_pos(const cfg_build *b, yaml_mark_t m, int *line, int *col)
{
    if (b->col_offset > 0) {
        /* A --set value: libyaml puts the end of input on a line of its
         * own, which the user never typed; count from the byte offset. */
        cfg_offset_pos(b->text, b->len, m.index, line, col);
        if (*line == 1)
            *col += b->col_offset;
        return;
    }
    *line = (int)m.line + 1;
    *col = (int)m.column + 1;
}

static int cfg_build_parser_error(cfg_build *b, const yaml_parser_t *p)
{
    int line, col;
    const char *problem = p->problem ? p->problem : "unknown problem";
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        return cfg_build_oom(b, 0, 0);
    case YAML_READER_ERROR:
    {
        /* The reader reports a byte offset, not a mark, and for a bad
         * trailing byte the offset of that byte: point at the character's
         * first byte instead, which is where an editor shows the damage. */
        size_t off = p->problem_offset;
        int utf8 = strstr(problem, "UTF-8") != NULL;
        if (strstr(problem, "trailing") && off > 0 && off <= b->len) {
            off--;
            while (off > 0 && ((unsigned char)b->text[off] & 0xC0) == 0x80)
                off--;
        }
        cfg_offset_pos(b->text, b->len, off, &line, &col);
        if (line == 1)
            col += b->col_offset;
        if (utf8) {
            unsigned byte = off < b->len ? (unsigned char)b->text[off] : 0;
            return cfg_build_fail(b, line, col,
                                  "YAML syntax error: %s (byte 0x%02X); save "
                                  "the file as UTF-8", problem, byte);
        }
        if (p->problem_value != -1)
            return cfg_build_fail(b, line, col, "YAML syntax error: %s (U+%04X)",
                                  problem, (unsigned)p->problem_value);
        return cfg_build_fail(b, line, col, "YAML syntax error: %s", problem);
    }
    default:
        cfg_mark_pos(b, p->problem_mark, &line, &col);
        /* libyaml's words for a tab say nothing about tabs. */
        if (p->problem_mark.index < b->len &&
            b->text[p->problem_mark.index] == '\t')
            return cfg_build_fail(b, line, col,
                                  "YAML syntax error: %s (%s); indent with "
                                  "spaces, YAML does not allow tabs", problem,
                                  p->context ? p->context : "tab");
        if (p->context)
            return cfg_build_fail(b, line, col, "YAML syntax error: %s (%s)",
                                  problem, p->context);
        return cfg_build_fail(b, line, col, "YAML syntax error: %s", problem);
    }
}

/* Hangs a freshly made node into the tree.  On failure n is freed. */
static int cfg_build_attach(cfg_build *b, cfg_node *n)
{
    if (b->depth == 0) {
        if (b->want_map && n->kind != CFG_MAP) {
            int empty = cfg_is_null(n);
            int line = n->line, col = n->col;
            cfg_node_free(n);
            if (empty && b->want_map == 2)
                return err_set(b->e, b->code, b->name, 1, 1,
                               "included file is empty (it must hold a mapping of keys)");
            if (empty)
                return err_set(b->e, b->code, b->name, 1, 1, "empty scenario (write at least name:, duration: and a model section)");
            if (b->want_map == 2)
                return cfg_build_fail(b, line, col,
                                      "an included file must be a mapping of keys (they "
                                      "are merged into the mapping that includes it)");
            return cfg_build_fail(b, line, col,
                                  "the top level must be a mapping of keys "
                                  "(name:, seed:, ...)");
        }
        b->root = n;
        return 0;
    }
    cfg_frame *f = &b->stack[b->depth - 1];
    if (f->node->kind == CFG_SEQ) {
        if (cfg_seq_append(f->node, n) < 0) {
            cfg_node_free(n);
            return cfg_build_oom(b, 0, 0);
        }
        return 0;
    }
    if (!f->key) {
        if (n->kind != CFG_SCALAR) {
            int line = n->line, col = n->col;
            const char *what = cfg_kind_word(n);
            cfg_node_free(n);
            return cfg_build_fail(b, line, col,
                                  "a key must be a plain name, not %s", what);
        }
        size_t first;
        int dup = cfg_dups_check(&b->dups, f->node, n->text, f->node->n, &first);
        if (dup != 0) {
            int line = n->line, col = n->col;
            char clip[CFG_CLIP + 8];
            cfg_clip(n->text, clip, sizeof clip);
            cfg_node_free(n);
            if (dup < 0)
                return cfg_build_oom(b, 0, 0);
            return cfg_build_fail(b, line, col,
                                  "duplicate key '%s' (first defined at line %d)",
                                  clip, f->node->key_line[first]);
        }
        f->key = n->text;
        f->key_line = n->line;
        f->key_col = n->col;
        n->text = NULL;
        cfg_node_free(n);
        return 0;
    }
    if (cfg_map_append(f->node, f->key, f->key_line, f->key_col, n) < 0) {
        cfg_node_free(n);
        return cfg_build_oom(b, 0, 0);
    }
    f->key = NULL;
    return 0;
}

/* Makes the node an event starts; NULL after recording the error. */
static cfg_node *cfg_build_node(cfg_build *b, cfg_kind kind, yaml_mark_t m)
{
    int line, col;
    cfg_mark_pos(b, m, &line, &col);
    if (++*b->nodes > CFG_MAX_NODES) {
        cfg_build_fail(b, line, col,
                       "more than %d values; scenarios are limited to %d",
                       CFG_MAX_NODES, CFG_MAX_NODES);
        return NULL;
    }
    cfg_node *n = cfg_node_new(kind, b->node_file, line, col);
    if (!n)
        cfg_build_oom(b, line, col);
    return n;
}

/* A copy of src for alias name at (line, col), counted node by node, so
 * an alias bomb stops at the first alias that crosses CFG_MAX_NODES.
 * NULL after recording the error.  Recursion is bounded by CFG_MAX_DEPTH
 * (an anchored value nests no deeper than that). */
static cfg_node *cfg_build_copy(cfg_build *b, const cfg_node *src, const char *name,
                                int line, int col)
{
    if (++*b->nodes > CFG_MAX_NODES) {
        cfg_build_fail(b, line, col,
                       "*%s: more than %d values once aliases are expanded; scenarios "
                       "are limited to %d", name, CFG_MAX_NODES, CFG_MAX_NODES);
        return NULL;
    }
    cfg_node *n = cfg_node_new(src->kind, src->file, src->line, src->col);
    if (!n || (src->text && !(n->text = strdup(src->text))))
        goto oom;
    n->quoted = src->quoted;
    for (size_t i = 0; i < src->n; i++) {
        cfg_node *child = cfg_build_copy(b, src->items[i], name, line, col);
        if (!child) {
            cfg_node_free(n);
            return NULL;
        }
        if (src->kind == CFG_SEQ) {
            if (cfg_seq_append(n, child) < 0) {
                cfg_node_free(child);
                goto oom;
            }
            continue;
        }
        char *key = strdup(src->keys[i]);
        if (!key || cfg_map_append(n, key, src->key_line[i], src->key_col[i], child) < 0) {
            free(key);
            cfg_node_free(child);
            goto oom;
        }
    }
    return n;
oom:
    cfg_node_free(n);
    cfg_build_fail(b, line, col, "out of memory");
    return NULL;
}

/* Records anchor name for node; a later anchor of the same name hides an
 * earlier one, as YAML says.  -1 after recording the error. */
static int cfg_build_anchor(cfg_build *b, const char *name, cfg_node *node, int owned,
                            int levels, int line, int col)
{
    if (b->nanchors == CFG_MAX_ANCHORS) {
        if (owned)
            cfg_node_free(node);
        return cfg_build_fail(b, line, col, "more than %d anchors (&%s); scenarios are "
                              "limited to %d", CFG_MAX_ANCHORS, name, CFG_MAX_ANCHORS);
    }
    cfg_anchor *a = &b->anchors[b->nanchors];
    a->name = strdup(name);
    if (!a->name) {
        if (owned)
            cfg_node_free(node);
        return cfg_build_fail(b, line, col, "out of memory");
    }
    a->node = node;
    a->owned = owned;
    a->levels = levels;
    b->nanchors++;
    return 0;
}

/* A collection of `levels` levels was attached to the open frame. */
static void cfg_build_levels(cfg_build *b, int levels)
{
    if (b->depth > 0 && b->stack[b->depth - 1].levels < levels + 1)
        b->stack[b->depth - 1].levels = levels + 1;
}

static int cfg_build_alias(cfg_build *b, const yaml_event_t *ev)
{
    int line, col;
    cfg_mark_pos(b, ev->start_mark, &line, &col);
    const char *name = (const char *)ev->data.alias.anchor;
    for (int i = 0; i < b->depth; i++)
        if (b->stack[i].anchor && strcmp(b->stack[i].anchor, name) == 0)
            return cfg_build_fail(b, line, col,
                                  "*%s stands inside the value &%s names; a value cannot "
                                  "contain itself", name, name);
    const cfg_anchor *a = NULL;
    for (size_t i = b->nanchors; i-- > 0 && !a;)
        if (strcmp(b->anchors[i].name, name) == 0)
            a = &b->anchors[i];
    if (!a)
        return cfg_build_fail(b, line, col,
                              "*%s has no anchor: write &%s on a value before this alias",
                              name, name);
    if (b->depth + a->levels > CFG_MAX_DEPTH)
        return cfg_build_fail(b, line, col, "*%s nests deeper than %d levels here", name,
                              CFG_MAX_DEPTH);
    cfg_node *copy = cfg_build_copy(b, a->node, name, line, col);
    if (!copy)
        return -1;
    int levels = a->levels;
    if (cfg_build_attach(b, copy))
        return -1;
    cfg_build_levels(b, levels);
    return 0;
}

static int cfg_build_event(cfg_build *b, yaml_event_t *ev, int *ndocs, int *done)
{
    int line, col;
    cfg_node *n;
    switch (ev->type) {
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return 0;
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return 0;
    case YAML_DOCUMENT_START_EVENT:
        if (++*ndocs > 1) {
            cfg_mark_pos(b, ev->start_mark, &line, &col);
            return cfg_build_fail(b, line, col,
                                  "a second document starts here; a scenario "
                                  "is one document (remove the extra ---)");
        }
        return 0;
    case YAML_ALIAS_EVENT:
        return cfg_build_alias(b, ev);
    case YAML_SCALAR_EVENT: {
        n = cfg_build_node(b, CFG_SCALAR, ev->start_mark);
        if (!n)
            return -1;
        size_t len = ev->data.scalar.length;
        n->text = malloc(len + 1);
        if (!n->text) {
            cfg_node_free(n);
            return cfg_build_oom(b, 0, 0);
        }
        memcpy(n->text, ev->data.scalar.value, len);
        n->text[len] = '\0';
        /* An explicit !!str tag means text, just as quotes do. */
        const char *tag = (const char *)ev->data.scalar.tag;
        n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                    (tag && strcmp(tag, YAML_STR_TAG) == 0);
        if (ev->data.scalar.anchor) {
            cfg_node *own = cfg_node_new(CFG_SCALAR, n->file, n->line, n->col);
            if (own)
                own->text = strdup(n->text);
            if (!own || !own->text) {
                cfg_node_free(own);
                cfg_node_free(n);
                return cfg_build_fail(b, 0, 0, "out of memory");
            }
            own->quoted = n->quoted;
            if (cfg_build_anchor(b, (const char *)ev->data.scalar.anchor, own, 1, 0,
                                 n->line, n->col)) {
                cfg_node_free(n);
                return -1;
            }
        }
        return cfg_build_attach(b, n) ? -1 : 0;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        if (b->depth >= CFG_MAX_DEPTH) {
            cfg_mark_pos(b, ev->start_mark, &line, &col);
            return cfg_build_fail(b, line, col, "nesting deeper than %d levels",
                                  CFG_MAX_DEPTH);
        }
        n = cfg_build_node(b, ev->type == YAML_MAPPING_START_EVENT ? CFG_MAP
                                                                   : CFG_SEQ,
                           ev->start_mark);
        if (!n || cfg_build_attach(b, n))
            return -1;
        {
            const yaml_char_t *anchor = ev->type == YAML_MAPPING_START_EVENT
                                            ? ev->data.mapping_start.anchor
                                            : ev->data.sequence_start.anchor;
            cfg_frame *f = &b->stack[b->depth];
            f->node = n;
            f->key = NULL;
            f->levels = 1;
            f->anchor = anchor ? strdup((const char *)anchor) : NULL;
            b->depth++;
            if (anchor && !f->anchor)
                return cfg_build_fail(b, n->line, n->col, "out of memory");
        }
        return 0;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth > 0) {
            cfg_frame *f = &b->stack[--b->depth];
            int levels = f->levels;
            char *anchor = f->anchor;
            f->anchor = NULL;
            cfg_build_levels(b, levels);
            if (anchor) {
                int rc = cfg_build_anchor(b, anchor, f->node, 0, levels, f->node->line,
                                          f->node->col);
                free(anchor);
                if (rc)
                    return -1;
            }
        }
        return 0;
    }
    return 0;
}

/* Parses text into a tree.  want_map: the top level must be a non-empty
 * mapping (1: a scenario, 2: an included file); otherwise any node, and
 * empty input gives an empty scalar (a --set value).  nodes, when not
 * NULL, carries the node count across the files of one document. */
static int cfg_build_tree(const char *name, const char *node_file,
                          const char *text, size_t len, int col_offset,
                          int code, int want_map, size_t *nodes, cfg_node **out,
                          err_t *e)
{
    /* With the encoding fixed, libyaml no longer skips a UTF-8 byte order
     * mark itself; editors on Windows like to write one. */
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }
    cfg_build b;
    memset(&b, 0, sizeof b);
    b.name = name;
    b.node_file = node_file;
    b.text = text;
    b.len = len;
    b.col_offset = col_offset;
    b.code = code;
    b.want_map = want_map;
    b.e = e;
    size_t local_nodes = 0;
    b.nodes = nodes ? nodes : &local_nodes;
    *out = NULL;

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return err_set(e, ERR_SOFTWARE, name, 0, 0, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    /* Never guess UTF-16 from a BOM: a scenario is UTF-8 text. */
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    int ndocs = 0, done = 0, failed = 0;
    while (!done && !failed) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            cfg_build_parser_error(&b, &parser);
            failed = 1;
            break;
        }
        failed = cfg_build_event(&b, &ev, &ndocs, &done) != 0;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    free(b.dups.slots);
    for (int i = 0; i < CFG_MAX_DEPTH; i++) {
        free(b.stack[i].key);
        free(b.stack[i].anchor);
    }
    for (size_t i = 0; i < b.nanchors; i++) {
        free(b.anchors[i].name);
        if (b.anchors[i].owned)
            cfg_node_free(b.anchors[i].node);
    }

    if (!failed && !b.root) {
        if (want_map) {
            err_set(e, code, name, 1, 1, "empty scenario (write at least name:, duration: and a model section)");
            failed = 1;
        } else {
            b.root = cfg_node_new(CFG_SCALAR, node_file, 1, col_offset + 1);
            if (b.root)
                b.root->text = calloc(1, 1);
            if (!b.root || !b.root->text) {
                err_set(e, ERR_SOFTWARE, name, 0, 0, "out of memory");
                failed = 1;
            }
        }
    }
    if (failed) {
        cfg_node_free(b.root);
        return e && e->code ? e->code : code;
    }
    *out = b.root;
    return 0;
}

/* ------------------------------------------------------------------------
 * Documents
 */

static int cfg_too_big(const char *name, unsigned long long bytes, err_t *e)
{
    return err_set(e, ERR_DATA, name, 1, 1,
                   "file is %.1f MB; scenarios are limited to %u MB",
                   (double)bytes / (1024.0 * 1024.0),
                   CFG_MAX_FILE_BYTES >> 20);
}

/* Size and NUL checks every file's text passes before libyaml sees it. */
static int cfg_check_text(const char *name, const char *text, size_t len, err_t *e)
{
    if (len > CFG_MAX_FILE_BYTES)
        return cfg_too_big(name, len, e);
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line, col;
        cfg_offset_pos(text, len, (size_t)(nul - text), &line, &col);
        return err_set(e, ERR_DATA, name, line, col,
                       "NUL byte in file (is this a binary file?)");
    }
    return 0;
}

/* Reads path whole into *buf (malloc'd, NUL-terminated) and *len.  Errors
 * are ERR_NOINPUT (cannot open or read) or ERR_DATA (too big), set at
 * (at_file, line, col) when at_file is given (an include: naming path),
 * else against path itself. */
static int cfg_read_path(const char *path, const char *at_file, int line, int col,
                         char **buf, size_t *len, err_t *e)
{
    const char *what = at_file ? "included file" : "";
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, ERR_NOINPUT, at_file ? at_file : "", line, col,
                       "cannot open %s%s'%s': %s", what, at_file ? " " : "", path,
                       strerror(errno));
    struct stat st;
    /* Refuse a huge regular file before reading any of it. */
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_size > CFG_MAX_FILE_BYTES) {
        fclose(f);
        return cfg_too_big(path, (unsigned long long)st.st_size, e);
    }
    /* One byte more than the limit tells a pipe that is too long. */
    size_t cap = CFG_MAX_FILE_BYTES + 1, got_all = 0;
    char *data = malloc(cap + 1);
    if (!data) {
        fclose(f);
        return err_set(e, ERR_SOFTWARE, path, 0, 0, "out of memory");
    }
    while (got_all < cap) {
        size_t got = fread(data + got_all, 1, cap - got_all, f);
        if (got == 0)
            break;
        got_all += got;
    }
    int read_errno = ferror(f) ? errno : 0;
    fclose(f);
    if (read_errno) {
        free(data);
        return err_set(e, ERR_NOINPUT, at_file ? at_file : "", line, col,
                       "cannot read %s%s'%s': %s", what, at_file ? " " : "", path,
                       strerror(read_errno));
    }
    if (got_all > CFG_MAX_FILE_BYTES) {
        free(data);
        return err_set(e, ERR_DATA, path, 1, 1,
                       "file is over %u MB; scenarios are limited to %u MB",
                       CFG_MAX_FILE_BYTES >> 20, CFG_MAX_FILE_BYTES >> 20);
    }
    data[got_all] = '\0';
    *buf = data;
    *len = got_all;
    return 0;
}

/* rel resolved against the directory of from (unless absolute), with "."
 * and "x/.." segments removed, so that one file has one name and a cycle
 * through "./a.yaml" is seen.  -1 when it does not fit. */
static int cfg_path_resolve(const char *from, const char *rel, char *out, size_t size)
{
    char joined[4096];
    const char *slash = rel[0] == '/' ? NULL : strrchr(from, '/');
    int k = slash ? snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - from), from, rel)
                  : snprintf(joined, sizeof joined, "%s", rel);
    if (k < 0 || (size_t)k >= sizeof joined)
        return -1;
    const char *seg[1024];
    size_t seglen[1024], nseg = 0;
    int absolute = joined[0] == '/';
    for (const char *p = joined; *p;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *q = strchr(p, '/');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (len == 1 && p[0] == '.') {
            /* "." names the directory itself */
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && nseg > 0 &&
                   !(seglen[nseg - 1] == 2 && memcmp(seg[nseg - 1], "..", 2) == 0)) {
            nseg--;
        } else if (len == 2 && p[0] == '.' && p[1] == '.' && absolute) {
            /* "/.." is "/" */
        } else {
            if (nseg == sizeof seg / sizeof seg[0])
                return -1;
            seg[nseg] = p;
            seglen[nseg++] = len;
        }
        p += len;
    }
    size_t used = 0;
    if (absolute || nseg == 0) {
        if (size < 2)
            return -1;
        out[used++] = absolute ? '/' : '.';
    }
    for (size_t i = 0; i < nseg; i++) {
        size_t need = seglen[i] + (used > 0 && out[used - 1] != '/');
        if (used + need + 1 > size)
            return -1;
        if (used > 0 && out[used - 1] != '/')
            out[used++] = '/';
        memcpy(out + used, seg[i], seglen[i]);
        used += seglen[i];
    }
    out[used] = '\0';
    return 0;
}

/* Expanding include: and <<: keys once a file's tree is built. */
typedef struct cfg_loader {
    cfg_doc *doc;                  /* receives every included file's text */
    const cfg_source *known;       /* texts to use instead of the disk */
    size_t nknown;
    const char *chain[CFG_MAX_INCLUDE_DEPTH + 1]; /* files being expanded, outermost first */
    int nchain;
    size_t nodes;                  /* across all the document's files */
    size_t include_bytes;          /* of the distinct included files */
    err_t *e;
} cfg_loader;

static int cfg_expand(cfg_loader *L, cfg_node *n, int depth);

/* Collection levels in n (0: a scalar).  Bounded by CFG_MAX_DEPTH. */
static int cfg_levels(const cfg_node *n)
{
    int deepest = 0;
    for (size_t i = 0; i < n->n; i++) {
        int l = cfg_levels(n->items[i]);
        if (l > deepest)
            deepest = l;
    }
    return n->kind == CFG_SCALAR ? 0 : deepest + 1;
}

/* Adds " (included from FILE:LINE:COL)" to an error raised inside an
 * included file, so that the chain that reached it is plain. */
static void cfg_note_included(err_t *e, const cfg_node *at)
{
    size_t len = strlen(e->msg);
    if (len + 1 < sizeof e->msg)
        snprintf(e->msg + len, sizeof e->msg - len, " (included from %s:%d:%d)", at->file,
                 at->line, at->col);
}

/* The source for an include: of path, from the texts already read, the
 * known ones, or the disk (then kept in L->doc).  NULL with e set. */
static const cfg_source *cfg_include_source(cfg_loader *L, const char *path,
                                            const cfg_node *at)
{
    cfg_doc *doc = L->doc;
    for (size_t i = 0; i < doc->nincludes; i++)
        if (strcmp(doc->includes[i].path, path) == 0)
            return &doc->includes[i];
    if (doc->nincludes == CFG_MAX_INCLUDE_FILES) {
        err_set(L->e, ERR_DATA, at->file, at->line, at->col,
                "more than %d included files; scenarios are limited to %d",
                CFG_MAX_INCLUDE_FILES, CFG_MAX_INCLUDE_FILES);
        return NULL;
    }
    cfg_source src = { strdup(path), NULL, 0 };
    if (!src.path) {
        err_set(L->e, ERR_SOFTWARE, at->file, at->line, at->col, "out of memory");
        return NULL;
    }
    const cfg_source *known = NULL;
    for (size_t i = 0; i < L->nknown && !known; i++)
        if (strcmp(L->known[i].path, path) == 0)
            known = &L->known[i];
    if (known) {
        src.text = malloc(known->len + 1);
        if (src.text) {
            memcpy(src.text, known->text, known->len);
            src.text[known->len] = '\0';
            src.len = known->len;
        } else {
            err_set(L->e, ERR_SOFTWARE, at->file, at->line, at->col, "out of memory");
        }
    } else {
        cfg_read_path(path, at->file, at->line, at->col, &src.text, &src.len, L->e);
    }
    /* Each file is bounded on its own; bound them all together too, so
     * that a chain of includes cannot hold more than a few files' worth. */
    if (src.text && L->include_bytes + src.len > CFG_MAX_INCLUDE_BYTES) {
        err_set(L->e, ERR_DATA, at->file, at->line, at->col,
                "the included files hold more than %u MB in all; scenarios are limited "
                "to %u MB", CFG_MAX_INCLUDE_BYTES >> 20, CFG_MAX_INCLUDE_BYTES >> 20);
        free(src.path);
        free(src.text);
        return NULL;
    }
    cfg_source *grown = src.text ? realloc(doc->includes,
                                           (doc->nincludes + 1) * sizeof *grown) : NULL;
    if (!grown) {
        if (src.text)
            err_set(L->e, ERR_SOFTWARE, at->file, at->line, at->col, "out of memory");
        free(src.path);
        free(src.text);
        return NULL;
    }
    doc->includes = grown;
    doc->includes[doc->nincludes] = src;
    L->include_bytes += src.len;
    return &doc->includes[doc->nincludes++];
}

/* Loads the file an include: value at names (relative to at's file) into
 * *root, expanded, for the mapping at depth levels to merge. */
static int cfg_include(cfg_loader *L, const cfg_node *at, int depth, cfg_node **root)
{
    *root = NULL;
    if (at->kind != CFG_SCALAR || cfg_is_null(at))
        return err_set(L->e, ERR_DATA, at->file, at->line, at->col,
                       "include: wants a file name or a list of file names, not %s",
                       cfg_is_null(at) ? "nothing" : cfg_kind_word(at));
    char path[4096];
    if (cfg_path_resolve(at->file, at->text, path, sizeof path))
        return err_set(L->e, ERR_DATA, at->file, at->line, at->col,
                       "include: the file name is too long");
    for (int i = 0; i < L->nchain; i++)
        if (strcmp(L->chain[i], path) == 0) {
            char chain[1024] = "";
            for (int j = i; j < L->nchain; j++) {
                strncat(chain, L->chain[j], sizeof chain - strlen(chain) - 1);
                strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
            }
            strncat(chain, path, sizeof chain - strlen(chain) - 1);
            return err_set(L->e, ERR_DATA, at->file, at->line, at->col,
                           "include cycle: %s; a file cannot include itself", chain);
        }
    if (L->nchain > CFG_MAX_INCLUDE_DEPTH)
        return err_set(L->e, ERR_DATA, at->file, at->line, at->col,
                       "includes nest deeper than %d files", CFG_MAX_INCLUDE_DEPTH);
    const cfg_source *src = cfg_include_source(L, path, at);
    if (!src)
        return L->e->code;
    /* Nested includes may move doc->includes; the strings stay put. */
    const char *src_path = src->path;
    int rc = cfg_check_text(src->path, src->text, src->len, L->e);
    if (!rc)
        rc = cfg_build_tree(src->path, src->path, src->text, src->len, 0, ERR_DATA, 2,
                            &L->nodes, root, L->e);
    if (!rc) {
        L->chain[L->nchain++] = src_path;
        rc = cfg_expand(L, *root, 1);
        L->nchain--;
    }
    if (!rc && depth + cfg_levels(*root) - 1 > CFG_MAX_DEPTH)
        rc = err_set(L->e, ERR_DATA, at->file, at->line, at->col,
                     "including %s here nests deeper than %d levels", src_path,
                     CFG_MAX_DEPTH);
    if (rc) {
        if (L->e->file[0] && strcmp(L->e->file, at->file) != 0)
            cfg_note_included(L->e, at);
        cfg_node_free(*root);
        *root = NULL;
    }
    return rc;
}

static int cfg_is_merge_key(const char *key)
{
    return strcmp(key, "include") == 0 || strcmp(key, "<<") == 0;
}

/* Appends source mapping src (or, for a list, each of its mappings) to
 * *srcs, checking each is a mapping. */
static int cfg_merge_sources(cfg_loader *L, cfg_node *value, cfg_node ***srcs, size_t *n)
{
    size_t count = value->kind == CFG_SEQ ? value->n : 1;
    for (size_t i = 0; i < count; i++) {
        cfg_node *m = value->kind == CFG_SEQ ? value->items[i] : value;
        if (m->kind != CFG_MAP)
            return err_set(L->e, ERR_DATA, m->file, m->line, m->col,
                           "<<: merges mappings (an alias of an anchored mapping, or a "
                           "list of them), not %s", cfg_kind_word(m));
        cfg_node **grown = realloc(*srcs, (*n + 1) * sizeof *grown);
        if (!grown)
            return err_set(L->e, ERR_SOFTWARE, m->file, m->line, m->col, "out of memory");
        *srcs = grown;
        (*srcs)[(*n)++] = m;
    }
    return 0;
}

/* One key of a merged mapping: entry idx of from (m itself or a source). */
typedef struct cfg_merge_entry {
    cfg_node *from;
    size_t idx;
} cfg_merge_entry;

/* Replaces the include: and <<: keys of mapping m (at depth levels) by the
 * keys they bring, in their place: m's own keys win, then the first
 * source that has a key.  Decided first, then moved: a failure (out of
 * memory) leaves m as it was. */
static int cfg_merge(cfg_loader *L, cfg_node *m, int depth)
{
    int any = 0;
    for (size_t i = 0; i < m->n && !any; i++)
        any = cfg_is_merge_key(m->keys[i]);
    if (!any)
        return 0;
    int rc = 0;
    cfg_node **srcs = NULL, **loaded = NULL;
    size_t nsrcs = 0, nloaded = 0, nplan = 0, total = m->n;
    size_t *first_src = calloc(m->n + 1, sizeof *first_src);
    cfg_merge_entry *plan = NULL;
    const char **planned = NULL; /* plan's keys, for the seen table */
    cfg_node seen_map;
    memset(&seen_map, 0, sizeof seen_map);
    cfg_dups own, seen;
    memset(&own, 0, sizeof own);
    memset(&seen, 0, sizeof seen);
    char **keys = NULL;
    int *key_line = NULL, *key_col = NULL;
    cfg_node **items = NULL;
    unsigned char *used = NULL;
    if (!first_src)
        goto oom;
    size_t dup_first;
    /* The sources, in the order their keys stand in m. */
    for (size_t i = 0; i < m->n && !rc; i++) {
        first_src[i] = nsrcs;
        if (!cfg_is_merge_key(m->keys[i])) {
            if (cfg_dups_check(&own, m, m->keys[i], i, &dup_first) < 0)
                goto oom;
            continue;
        }
        if (m->keys[i][0] == '<') {
            rc = cfg_merge_sources(L, m->items[i], &srcs, &nsrcs);
            continue;
        }
        cfg_node *v = m->items[i];
        size_t count = v->kind == CFG_SEQ ? v->n : 1;
        if (v->kind == CFG_SEQ && count == 0)
            rc = err_set(L->e, ERR_DATA, v->file, v->line, v->col,
                         "include: wants a file name or a list of file names, not an "
                         "empty list");
        for (size_t k = 0; k < count && !rc; k++) {
            cfg_node *root;
            rc = cfg_include(L, v->kind == CFG_SEQ ? v->items[k] : v, depth, &root);
            if (rc)
                break;
            cfg_node **grown = realloc(loaded, (nloaded + 1) * sizeof *grown);
            if (!grown) {
                cfg_node_free(root);
                goto oom;
            }
            loaded = grown;
            loaded[nloaded++] = root;
            rc = cfg_merge_sources(L, root, &srcs, &nsrcs);
        }
    }
    if (rc)
        goto done;
    first_src[m->n] = nsrcs;
    for (size_t s = 0; s < nsrcs; s++)
        total += srcs[s]->n;
    plan = malloc((total + 1) * sizeof *plan);
    planned = malloc((total + 1) * sizeof *planned);
    if (!plan || !planned)
        goto oom;
    /* cfg_dups compares against map->keys: let it see the plan's keys. */
    seen_map.keys = (char **)planned;
    for (size_t i = 0; i < m->n; i++) {
        if (!cfg_is_merge_key(m->keys[i])) {
            if (cfg_dups_check(&seen, &seen_map, m->keys[i], nplan, &dup_first) < 0)
                goto oom;
            plan[nplan] = (cfg_merge_entry){ m, i };
            planned[nplan++] = m->keys[i];
            continue;
        }
        for (size_t s = first_src[i]; s < first_src[i + 1]; s++)
            for (size_t k = 0; k < srcs[s]->n; k++) {
                const char *key = srcs[s]->keys[k];
                if (cfg_dups_find(&own, m, key))
                    continue;
                int dup = cfg_dups_check(&seen, &seen_map, key, nplan, &dup_first);
                if (dup < 0)
                    goto oom;
                if (dup)
                    continue;
                plan[nplan] = (cfg_merge_entry){ srcs[s], k };
                planned[nplan++] = key;
            }
    }
    /* The capacity cfg_needs_grow implies for nplan entries, since --set
     * may append to a merged mapping later. */
    size_t cap = 4;
    while (cap < nplan)
        cap *= 2;
    keys = malloc(cap * sizeof *keys);
    key_line = malloc(cap * sizeof *key_line);
    key_col = malloc(cap * sizeof *key_col);
    items = malloc(cap * sizeof *items);
    used = calloc(cap, sizeof *used);
    if (!keys || !key_line || !key_col || !items || !used)
        goto oom;
    for (size_t j = 0; j < nplan; j++) {
        cfg_node *from = plan[j].from;
        size_t idx = plan[j].idx;
        keys[j] = from->keys[idx];
        key_line[j] = from->key_line[idx];
        key_col[j] = from->key_col[idx];
        items[j] = from->items[idx];
        from->keys[idx] = NULL;
        from->items[idx] = NULL;
    }
    /* What is left in m: the merge keys and their values. */
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        cfg_node_free(m->items[i]);
    }
    free(m->keys), free(m->key_line), free(m->key_col), free(m->items), free(m->used);
    m->keys = keys, m->key_line = key_line, m->key_col = key_col;
    m->items = items, m->used = used, m->n = nplan;
    keys = NULL, key_line = NULL, key_col = NULL, items = NULL, used = NULL;
    goto done;
oom:
    rc = err_set(L->e, ERR_SOFTWARE, m->file, m->line, m->col, "out of memory");
done:
    free(keys), free(key_line), free(key_col), free(items), free(used);
    for (size_t i = 0; i < nloaded; i++)
        cfg_node_free(loaded[i]);
    free(loaded);
    free(srcs);
    free(first_src);
    free(plan);
    free(planned);
    free(own.slots);
    free(seen.slots);
    return rc;
}

/* Expands merge keys under n (at depth levels), innermost first, so what
 * a merge brings is already expanded. */
static int cfg_expand(cfg_loader *L, cfg_node *n, int depth)
{
    if (n->kind == CFG_SCALAR)
        return 0;
    for (size_t i = 0; i < n->n; i++) {
        int rc = cfg_expand(L, n->items[i], depth + 1);
        if (rc)
            return rc;
    }
    return n->kind == CFG_MAP ? cfg_merge(L, n, depth) : 0;
}

int cfg_load_with(const char *name, const char *text, size_t len,
                  const cfg_source *known, size_t nknown, cfg_doc **out, err_t *e)
{
    *out = NULL;
    int rc = cfg_check_text(name, text, len, e);
    if (rc)
        return rc;
    cfg_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        goto oom;
    doc->file = strdup(name);
    doc->text = malloc(len + 1);
    if (!doc->file || !doc->text)
        goto oom;
    memcpy(doc->text, text, len);
    doc->text[len] = '\0';
    doc->text_len = len;
    cfg_loader L;
    memset(&L, 0, sizeof L);
    L.doc = doc;
    L.known = known;
    L.nknown = nknown;
    L.e = e;
    char self[4096];
    if (cfg_path_resolve("", doc->file, self, sizeof self) == 0)
        L.chain[L.nchain++] = self;
    rc = cfg_build_tree(doc->file, doc->file, doc->text, len, 0, ERR_DATA,
                        1, &L.nodes, &doc->root, e);
    if (!rc)
        rc = cfg_expand(&L, doc->root, 1);
    if (rc) {
        cfg_doc_free(doc);
        return rc;
    }
    *out = doc;
    return 0;
oom:
    cfg_doc_free(doc);
    return err_set(e, ERR_SOFTWARE, name, 0, 0, "out of memory");
}

int cfg_load_string(const char *name, const char *text, size_t len,
                    cfg_doc **out, err_t *e)
{
    return cfg_load_with(name, text, len, NULL, 0, out, e);
}

int cfg_load_file(const char *path, cfg_doc **out, err_t *e)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = cfg_read_path(path, NULL, 0, 0, &buf, &len, e);
    if (rc)
        return rc;
    rc = cfg_load_string(path, buf, len, out, e);
    free(buf);
    return rc;
}

void cfg_doc_free(cfg_doc *doc)
{
    if (!doc)
        return;
    cfg_node_free(doc->root);
    for (size_t i = 0; i < doc->nincludes; i++) {
        free(doc->includes[i].path);
        free(doc->includes[i].text);
    }
    free(doc->includes);
    free(doc->file);
    free(doc->text);
    free(doc);
}

/* The index a path segment names in list seq, or -1. */
static long cfg_seq_index(const char *seg, size_t len, const cfg_node *seq)
{
    if (len == 0 || len > 9)
        return -1;
    long v = 0;
    for (size_t k = 0; k < len; k++) {
        if (seg[k] < '0' || seg[k] > '9')
            return -1;
        v = v * 10 + (seg[k] - '0');
    }
    return (size_t)v < seq->n ? v : -1;
}

static int cfg_doc_set_pos(cfg_doc *doc, const char *assignment, const char *file, int line,
                           int col_at, err_t *e);

/* Gives n and everything under it the position file:line:col. */
static void cfg_restamp(cfg_node *n, const char *file, int line, int col)
{
    n->file = file;
    n->line = line;
    n->col = col;
    for (size_t i = 0; i < n->n; i++) {
        cfg_restamp(n->items[i], file, line, col);
        if (n->kind == CFG_MAP) {
            n->key_line[i] = line;
            n->key_col[i] = col;
        }
    }
}

int cfg_doc_set_at(cfg_doc *doc, const char *assignment, const char *file, int line, int col,
                   err_t *e)
{
    return cfg_doc_set_pos(doc, assignment, file, line, col, e);
}

int cfg_doc_set(cfg_doc *doc, const char *assignment, err_t *e)
{
    return cfg_doc_set_pos(doc, assignment, NULL, 0, 0, e);
}

/* cfg_doc_set; with file non-NULL, the nodes and keys it creates or
 * replaces get the position file:line:col instead of their --set one. */
static int cfg_doc_set_pos(cfg_doc *doc, const char *assignment, const char *file, int line,
                           int col_at, err_t *e)
{
    char clip[CFG_CLIP + 8];
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return err_set(e, ERR_USAGE, CFG_SET_FILE, 1, 1,
                       "'%s' has no '='; write path.to.key=value",
                       cfg_clip(assignment, clip, sizeof clip));
    if (eq == assignment)
        return err_set(e, ERR_USAGE, CFG_SET_FILE, 1, 1,
                       "no key before '='; write path.to.key=value");

    /* First pass: the path is well formed and does not run through a
     * scalar or list, so that nothing is changed on failure. */
    const char *seg = assignment;
    cfg_node *map = doc->root;
    int nseg = 0;
    for (;;) {
        const char *dot = memchr(seg, '.', (size_t)(eq - seg));
        size_t len = (size_t)((dot ? dot : eq) - seg);
        int col = (int)(seg - assignment) + 1;
        if (len == 0)
            return err_set(e, ERR_USAGE, CFG_SET_FILE, 1, col,
                           "empty key in path '%.*s'", (int)(eq - assignment),
                           assignment);
        if (++nseg > CFG_MAX_DEPTH)
            return err_set(e, ERR_USAGE, CFG_SET_FILE, 1, col,
                           "path nests deeper than %d levels", CFG_MAX_DEPTH);
        if (map && map->kind == CFG_SEQ) {
            /* A list element by index: consensus.faults.0.fraction=0.2 */
            long idx = cfg_seq_index(seg, len, map);
            if (idx < 0)
                return err_set(e, ERR_USAGE, CFG_SET_FILE, 1, col,
                               "'%.*s' is a list of %zu; give an index from 0 to %zu",
                               (int)(seg - 1 - assignment), assignment, map->n,
                               map->n ? map->n - 1 : 0);
            cfg_node *child = map->items[idx];
            if (dot && child->kind != CFG_MAP && child->kind != CFG_SEQ)
                return err_set(e, ERR_USAGE, CFG_SET_FILE, 1, col,
                               "'%.*s' is %s, not a mapping; cannot set a key inside it",
                               (int)(dot - assignment), assignment, cfg_kind_word(child));
            map = child;
        } else if (map) {
            long i = cfg_map_find(map, seg, len);
            cfg_node *child = i >= 0 ? map->items[i] : NULL;
            if (dot && child && child->kind == CFG_SEQ) {
                map = child;
                if (!dot)
                    break;
                seg = dot + 1;
                continue;
            }
            if (dot && child && child->kind != CFG_MAP)
                return err_set(e, ERR_USAGE, CFG_SET_FILE, 1, col,
                               "'%.*s' is %s (%s:%d:%d), not a mapping; "
                               "cannot set a key inside it",
                               (int)(dot - assignment), assignment,
                               cfg_kind_word(child), child->file, child->line,
                               child->col);
            map = child;
        }
        if (!dot)
            break;
        seg = dot + 1;
    }

    cfg_node *value;
    int rc = cfg_build_tree(CFG_SET_FILE, CFG_SET_FILE, eq + 1, strlen(eq + 1),
                            (int)(eq + 1 - assignment), ERR_USAGE, 0, NULL, &value, e);
    if (rc)
        return rc;
    if (file)
        cfg_restamp(value, file, line, col_at);

    seg = assignment;
    map = doc->root;
    for (;;) {
        const char *dot = memchr(seg, '.', (size_t)(eq - seg));
        size_t len = (size_t)((dot ? dot : eq) - seg);
        int col = (int)(seg - assignment) + 1;
        if (map->kind == CFG_SEQ) { /* checked in the first pass */
            long idx = cfg_seq_index(seg, len, map);
            if (!dot) {
                cfg_node_free(map->items[idx]);
                map->items[idx] = value;
                return 0;
            }
            map = map->items[idx];
            seg = dot + 1;
            continue;
        }
        long i = cfg_map_find(map, seg, len);
        if (!dot && i >= 0) {
            /* The key now takes its value from the command line, so point
             * any later message about it there. */
            cfg_node_free(map->items[i]);
            map->items[i] = value;
            map->key_line[i] = file ? line : 1;
            map->key_col[i] = file ? col_at : col;
            return 0;
        }
        if (dot && i >= 0) {
            map = map->items[i];
            seg = dot + 1;
            continue;
        }
        cfg_node *child = dot ? cfg_node_new(CFG_MAP, file ? file : CFG_SET_FILE,
                                             file ? line : 1, file ? col_at : col)
                              : value;
        char *key = strndup(seg, len);
        if (!child || !key ||
            cfg_map_append(map, key, file ? line : 1, file ? col_at : col, child) < 0) {
            free(key);
            if (child != value)
                cfg_node_free(child);
            cfg_node_free(value);
            return err_set(e, ERR_SOFTWARE, CFG_SET_FILE, 1, col,
                           "out of memory");
        }
        if (!dot)
            return 0;
        map = child;
        seg = dot + 1;
    }
}

/* ------------------------------------------------------------------------
 * Context: diagnostics and resolved values
 */

/* Appends s (owned) to arr; -1 when out of memory (s is dropped). */
static int cfg_push(char ***arr, size_t *n, size_t *cap, char *s)
{
    if (!s)
        return -1;
    if (*n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        char **grown = realloc(*arr, ncap * sizeof *grown);
        if (!grown) {
            free(s);
            return -1;
        }
        *arr = grown;
        *cap = ncap;
    }
    (*arr)[(*n)++] = s;
    return 0;
}

void cfg_ctx_init(cfg_ctx *c)
{
    memset(c, 0, sizeof *c);
}

void cfg_ctx_free(cfg_ctx *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ndiags; i++)
        free(c->diags[i]);
    for (size_t i = 0; i < c->nresolved; i++)
        free(c->resolved[i]);
    free(c->diags);
    free(c->resolved);
    cfg_ctx_init(c);
}

void cfg_publish(cfg_ctx *c, const char *name, int64_t value)
{
    for (size_t i = 0; i < c->nsizes; i++)
        if (!strcmp(c->sizes[i].name, name)) {
            c->sizes[i].value = value;
            return;
        }
    if (c->nsizes == sizeof c->sizes / sizeof c->sizes[0])
        return;
    snprintf(c->sizes[c->nsizes].name, sizeof c->sizes[c->nsizes].name, "%s", name);
    c->sizes[c->nsizes++].value = value;
}

int cfg_published(const cfg_ctx *c, const char *name, int64_t *value)
{
    for (size_t i = 0; i < c->nsizes; i++)
        if (!strcmp(c->sizes[i].name, name)) {
            *value = c->sizes[i].value;
            return 0;
        }
    return -1;
}

void cfg_set_prefix(cfg_ctx *c, const char *prefix)
{
    snprintf(c->prefix, sizeof c->prefix, "%s", prefix ? prefix : "");
}

void cfg_prefix_enter(cfg_ctx *c, const char *sub, char *saved)
{
    memcpy(saved, c->prefix, sizeof c->prefix);
    snprintf(c->prefix, sizeof c->prefix, "%s%s.", saved, sub);
}

static void cfg_verror_at(cfg_ctx *c, const char *file, int line, int col,
                          const char *fmt, va_list ap)
{
    char msg[1024], full[1400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (file && line > 0)
        snprintf(full, sizeof full, "%s:%d:%d: %s", file, line, col, msg);
    else if (file)
        snprintf(full, sizeof full, "%s: %s", file, msg);
    else
        snprintf(full, sizeof full, "%s", msg);
    /* Messages quote the scenario's text: no control character may reach
     * the terminal. */
    sink_text(full, 0, full, sizeof full);
    /* Out of memory: the scenario still counts as bad (scenario_load then
     * reports running out of memory, not a clean file). */
    if (cfg_push(&c->diags, &c->ndiags, &c->diags_cap, strdup(full)) != 0)
        c->oom = 1;
}

static void cfg_error_at(cfg_ctx *c, const char *file, int line, int col,
                         const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void cfg_error_at(cfg_ctx *c, const char *file, int line, int col,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfg_verror_at(c, file, line, col, fmt, ap);
    va_end(ap);
}

void cfg_oom(cfg_ctx *c, const cfg_node *n)
{
    c->oom = 1;
    cfg_error(c, n, "out of memory");
}

void cfg_error(cfg_ctx *c, const cfg_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (n)
        cfg_verror_at(c, n->file, n->line, n->col, fmt, ap);
    else
        cfg_verror_at(c, NULL, 0, 0, fmt, ap);
    va_end(ap);
}

static void cfg_resolve(cfg_ctx *c, const char *name, const char *value,
                        int is_default)
{
    size_t size = strlen(name) + strlen(value) + 16;
    char *line = malloc(size);
    if (line)
        snprintf(line, size, "%s = %s%s", name, value,
                 is_default ? " (default)" : "");
    if (cfg_push(&c->resolved, &c->nresolved, &c->resolved_cap, line) != 0)
        c->oom = 1;
}

/* ------------------------------------------------------------------------
 * Lookup
 */

static void cfg_note_asked(cfg_node *map, const char *key)
{
    for (size_t i = 0; i < map->nasked; i++)
        if (strcmp(map->asked[i], key) == 0)
            return;
    if (map->nasked == map->asked_cap) {
        size_t cap = map->asked_cap ? 2 * map->asked_cap : 8;
        const char **grown = realloc(map->asked, cap * sizeof *grown);
        if (!grown)
            return; /* only costs a hint */
        map->asked = grown;
        map->asked_cap = cap;
    }
    /* Copied: callers may build key names in temporary buffers. */
    char *copy = strdup(key);
    if (copy)
        map->asked[map->nasked++] = copy;
}

cfg_node *cfg_get(cfg_node *map, const char *key)
{
    if (!map || map->kind != CFG_MAP)
        return NULL;
    cfg_note_asked(map, key);
    long i = cfg_map_find(map, key, strlen(key));
    if (i < 0)
        return NULL;
    map->used[i] = 1;
    return map->items[i];
}

static void cfg_name(const cfg_ctx *c, const char *key, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", c->prefix, key);
}

cfg_node *cfg_section(cfg_ctx *c, cfg_node *map, const char *key)
{
    cfg_node *n = cfg_get(map, key);
    /* "consensus:" with nothing under it reads as an empty section. */
    if (!n || cfg_is_null(n))
        return NULL;
    if (n->kind != CFG_MAP) {
        char name[320];
        cfg_name(c, key, name, sizeof name);
        cfg_error(c, n, "%s: expected a mapping of keys (key: value lines), "
                        "found %s", name, cfg_kind_word(n));
        return NULL;
    }
    return n;
}

cfg_node *cfg_list(cfg_ctx *c, cfg_node *map, const char *key)
{
    cfg_node *n = cfg_get(map, key);
    if (!n || cfg_is_null(n))
        return NULL;
    if (n->kind != CFG_SEQ) {
        char name[320];
        cfg_name(c, key, name, sizeof name);
        cfg_error(c, n, "%s: expected a list (lines starting with '- ' or "
                        "[a, b]), found %s", name, cfg_kind_word(n));
        return NULL;
    }
    return n;
}

cfg_node *cfg_list_upto(cfg_ctx *c, cfg_node *map, const char *key, size_t max,
                        const char *name, const char *nouns, int *bad)
{
    cfg_node *list = cfg_list(c, map, key);
    if (list && list->n > max) {
        cfg_error(c, list, "%s: at most %zu %s", name, max, nouns);
        *bad = -1;
        return NULL;
    }
    return list;
}

cfg_node *cfg_list_map(cfg_ctx *c, const cfg_node *list, size_t i, const char *name,
                       const char *noun, const char *example, int *bad)
{
    cfg_node *item = list->items[i];
    if (item->kind == CFG_MAP)
        return item;
    cfg_error(c, item, "%s: each %s is a mapping like %s", name, noun, example);
    *bad = -1;
    return NULL;
}

int cfg_require(cfg_ctx *c, cfg_node *map, const char *key)
{
    if (cfg_get(map, key))
        return 0;
    char name[320];
    cfg_name(c, key, name, sizeof name);
    cfg_error(c, map && map->kind == CFG_MAP ? map : NULL,
              "missing required key '%s'", name);
    return -1;
}

/* ------------------------------------------------------------------------
 * Scalar parsers
 */

static int cfg_why(char *why, size_t wsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cfg_why(char *why, size_t wsz, const char *fmt, ...)
{
    if (why && wsz) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, wsz, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Length of the longest prefix of s shaped like a decimal number
 * ([+-]digits[.digits][e[+-]digits]); 0 when there is none. */
static size_t cfg_scan_number(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (!digits)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

/* nan, inf, infinity, .nan, .inf and -.inf in any case. */
static int cfg_is_nonfinite(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '.')
        s++;
    return strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0;
}

static int cfg_is_hex(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/* Reads the number at the start of s (the whole value, for messages);
 * *used is its length.  what/example describe the expected value. */
static int cfg_number_prefix(const char *s, const char *example, double *v,
                             size_t *used, char *why, size_t wsz)
{
    char clip[CFG_CLIP + 8];
    cfg_clip(s, clip, sizeof clip);
    if (!*s)
        return cfg_why(why, wsz, "the value is empty; write %s", example);
    if (cfg_is_nonfinite(s))
        return cfg_why(why, wsz, "'%s' is not a finite number; write %s", clip,
                       example);
    if (cfg_is_hex(s))
        return cfg_why(why, wsz, "'%s' is hexadecimal; write the decimal "
                                 "value, e.g. %s", clip, example);
    size_t n = cfg_scan_number(s);
    if (n == 0)
        return cfg_why(why, wsz, "'%s' is not a number; write %s", clip,
                       example);
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno == ERANGE) {
        if (fabs(d) > 1.0)
            return cfg_why(why, wsz, "'%s' is too large to represent", clip);
        return cfg_why(why, wsz, "'%s' is too close to zero to represent; "
                                 "write 0 if you mean zero", clip);
    }
    /* strtod may read more than our grammar allows (it knows hex and
     * infinities), so trust the scanner for the length. */
    *v = d;
    *used = n;
    return 0;
}

int cfg_parse_double(const char *s, double *v, char *why, size_t wsz)
{
    double d;
    size_t n;
    char clip[CFG_CLIP + 8];
    if (cfg_number_prefix(s, "a number like 0.5", &d, &n, why, wsz))
        return -1;
    if (s[n])
        return cfg_why(why, wsz, "'%s' is not a number (unexpected '%c'); "
                                 "write a number like 0.5",
                       cfg_clip(s, clip, sizeof clip), s[n]);
    *v = d;
    return 0;
}

int cfg_parse_int(const char *s, int64_t *v, char *why, size_t wsz)
{
    char clip[CFG_CLIP + 8];
    cfg_clip(s, clip, sizeof clip);
    if (!*s)
        return cfg_why(why, wsz, "the value is empty; write a whole number "
                                 "like 42");
    if (cfg_is_hex(s))
        return cfg_why(why, wsz, "'%s' is hexadecimal; write the decimal "
                                 "value", clip);
    const char *p = s + (*s == '+' || *s == '-');
    size_t digits = strspn(p, "0123456789");
    if (digits == 0 || p[digits])
        return cfg_why(why, wsz, "'%s' is not a whole number; write a whole "
                                 "number like 42", clip);
    if (p[0] == '0' && digits > 1)
        return cfg_why(why, wsz, "'%s' has a leading zero (YAML 1.1 reads "
                                 "that as octal); remove the zero", clip);
    errno = 0;
    char *end;
    long long x = strtoll(s, &end, 10);
    if (errno == ERANGE || *end)
        return cfg_why(why, wsz, "'%s' does not fit in a 64-bit integer",
                       clip);
    *v = (int64_t)x;
    return 0;
}

typedef struct cfg_unit {
    const char *name;
    double scale;
} cfg_unit;

static const cfg_unit cfg_time_units[] = {
    {"ns", 1.0},     {"us", 1e3},     {"\xc2\xb5s", 1e3}, {"ms", 1e6},
    {"s", 1e9},      {"min", 60e9},   {"h", 3600e9},      {"d", 86400e9},
};
#define CFG_TIME_UNITS "ns, us, ms, s, min, h or d"

static const cfg_unit cfg_size_units[] = {
    {"B", 1.0},     {"KB", 1e3},    {"kB", 1e3},         {"MB", 1e6},
    {"GB", 1e9},    {"TB", 1e12},   {"KiB", 1024.0},     {"MiB", 1048576.0},
    {"GiB", 1073741824.0},          {"TiB", 1099511627776.0},
};
#define CFG_SIZE_UNITS "B, KB, MB, GB, TB, KiB, MiB, GiB or TiB"

static const cfg_unit *cfg_find_unit(const cfg_unit *units, size_t n,
                                     const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(units[i].name, name) == 0)
            return &units[i];
    return NULL;
}

/* Explains why unit is not one of units[] (with a hint when close). */
static int cfg_bad_unit(const char *s, const char *unit, const cfg_unit *units,
                        size_t n, const char *list, char *why, size_t wsz)
{
    char clip[CFG_CLIP + 8], uclip[CFG_CLIP + 8];
    const char *names[16];
    for (size_t i = 0; i < n && i < 16; i++)
        names[i] = units[i].name;
    const char *hint = cfg_suggest(unit, names, n < 16 ? n : 16);
    cfg_clip(s, clip, sizeof clip);
    cfg_clip(unit, uclip, sizeof uclip);
    if (hint)
        return cfg_why(why, wsz, "'%s' has unknown unit '%s' (did you mean "
                                 "'%s'?); use %s", clip, uclip, hint, list);
    return cfg_why(why, wsz, "'%s' has unknown unit '%s'; use %s", clip, uclip,
                   list);
}

/* Splits s into number and unit; *unit points into s.  A space before the
 * unit is refused with the exact fix, since "5 ms" is a common slip. */
static int cfg_number_unit(const char *s, const char *example,
                           const cfg_unit *units, size_t nunits,
                           const char *list, double *v, const cfg_unit **unit,
                           char *why, size_t wsz)
{
    char clip[CFG_CLIP + 8];
    size_t n;
    if (cfg_number_prefix(s, example, v, &n, why, wsz))
        return -1;
    cfg_clip(s, clip, sizeof clip);
    const char *u = s + n;
    if (!*u)
        return cfg_why(why, wsz, "'%s' has no unit; write %s", clip, example);
    if (*u == ' ' || *u == '\t') {
        const char *t = u + strspn(u, " \t");
        if (cfg_find_unit(units, nunits, t))
            return cfg_why(why, wsz, "'%s' has a space before the unit; "
                                     "write %.*s%s", clip, (int)n, s, t);
        return cfg_bad_unit(s, t, units, nunits, list, why, wsz);
    }
    *unit = cfg_find_unit(units, nunits, u);
    if (!*unit)
        return cfg_bad_unit(s, u, units, nunits, list, why, wsz);
    return 0;
}

int cfg_parse_duration(const char *s, int64_t *ns, char *why, size_t wsz)
{
    char example[96], clip[CFG_CLIP + 8];
    size_t n = cfg_scan_number(s);
    if (n > 0 && n <= 20 && !s[n])
        snprintf(example, sizeof example, "a duration like %sms or 2s", s);
    else
        snprintf(example, sizeof example, "a duration like 500ms or 2s");
    if (s[n] == 'm' && !s[n + 1] && n > 0)
        return cfg_why(why, wsz, "'%s' is ambiguous; write %.*smin for "
                                 "minutes or %.*sms for milliseconds",
                       cfg_clip(s, clip, sizeof clip), (int)n, s, (int)n, s);
    double v = 0;
    const cfg_unit *unit;
    if (cfg_number_unit(s, example, cfg_time_units,
                        sizeof cfg_time_units / sizeof cfg_time_units[0],
                        CFG_TIME_UNITS, &v, &unit, why, wsz))
        return -1;
    cfg_clip(s, clip, sizeof clip);
    double x = v * unit->scale;
    if (!(fabs(x) < 9223372036854775807.0))
        return cfg_why(why, wsz, "'%s' is too long; durations are limited to "
                                 "about 292 years", clip);
    double r = nearbyint(x);
    /* Past 2^53 ns a double cannot hold fractions, and any error left is
     * in the parsing of the decimal, not in what the user wrote. */
    if (fabs(x) < 9007199254740992.0 && fabs(x - r) > 1e-6)
        return cfg_why(why, wsz, "'%s' is not a whole number of nanoseconds",
                       clip);
    *ns = (int64_t)r;
    return 0;
}

int cfg_parse_rate(const char *s, double *per_s, char *why, size_t wsz)
{
    static const char example[] = "a rate like 200/s or 5/min";
    char clip[CFG_CLIP + 8];
    double v = 0;
    size_t n;
    if (cfg_number_prefix(s, example, &v, &n, why, wsz))
        return -1;
    cfg_clip(s, clip, sizeof clip);
    if (!s[n])
        return cfg_why(why, wsz, "'%s' has no unit; write a rate like %s/s or "
                                 "%s/min", clip, n <= 20 ? s : "200",
                       n <= 20 ? s : "5");
    if (s[n] != '/')
        return cfg_why(why, wsz, "'%s' is not a rate; write %s", clip, example);
    const char *u = s + n + 1;
    const cfg_unit *unit = cfg_find_unit(
        cfg_time_units, sizeof cfg_time_units / sizeof cfg_time_units[0], u);
    if (!unit)
        return cfg_bad_unit(s, u, cfg_time_units,
                            sizeof cfg_time_units / sizeof cfg_time_units[0],
                            CFG_TIME_UNITS, why, wsz);
    if (v < 0)
        return cfg_why(why, wsz, "'%s' is negative; a rate is 0 or more",
                       clip);
    double r = v / (unit->scale * 1e-9);
    if (!isfinite(r))
        return cfg_why(why, wsz, "'%s' is too large to represent", clip);
    *per_s = r;
    return 0;
}

int cfg_parse_size(const char *s, uint64_t *bytes, char *why, size_t wsz)
{
    char example[96], clip[CFG_CLIP + 8];
    size_t n = cfg_scan_number(s);
    if (n > 0 && n <= 20 && !s[n])
        snprintf(example, sizeof example, "a size like %sB or 4KiB", s);
    else
        snprintf(example, sizeof example, "a size like 64KB or 4GiB");
    double v = 0;
    const cfg_unit *unit;
    if (cfg_number_unit(s, example, cfg_size_units,
                        sizeof cfg_size_units / sizeof cfg_size_units[0],
                        CFG_SIZE_UNITS, &v, &unit, why, wsz))
        return -1;
    cfg_clip(s, clip, sizeof clip);
    if (v < 0)
        return cfg_why(why, wsz, "'%s' is negative; a size is 0 or more", clip);
    double x = v * unit->scale;
    if (!(x < 18446744073709551616.0))
        return cfg_why(why, wsz, "'%s' is too large; sizes are limited to "
                                 "16 EiB", clip);
    double r = nearbyint(x);
    if (x < 9007199254740992.0 && fabs(x - r) > 1e-6)
        return cfg_why(why, wsz, "'%s' is not a whole number of bytes", clip);
    *bytes = (uint64_t)r;
    return 0;
}

int cfg_parse_fraction(const char *s, double *f, char *why, size_t wsz)
{
    static const char example[] = "a fraction like 0.15 or 15%";
    char clip[CFG_CLIP + 8];
    double v = 0;
    size_t n;
    if (cfg_number_prefix(s, example, &v, &n, why, wsz))
        return -1;
    cfg_clip(s, clip, sizeof clip);
    if (!s[n]) {
        *f = v;
        return 0;
    }
    if (strcmp(s + n, "%") == 0) {
        *f = v / 100.0;
        return 0;
    }
    if (s[n] == ' ' && strcmp(s + n + strspn(s + n, " "), "%") == 0)
        return cfg_why(why, wsz, "'%s' has a space before '%%'; write %.*s%%",
                       clip, (int)n, s);
    return cfg_why(why, wsz, "'%s' is not a fraction; write %s", clip, example);
}

void cfg_format_duration(int64_t ns, char *buf, size_t size)
{
    dist_format_duration(ns, buf, size);
}

/* Shortest %g spelling that reads back as the same double. */
static void cfg_format_double(double v, char *buf, size_t size)
{
    /* Whole numbers as people write them: 1000, not 1e+03. */
    if (v == nearbyint(v) && fabs(v) < 1e15) {
        snprintf(buf, size, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void cfg_format_size(uint64_t bytes, char *buf, size_t size)
{
    /* Largest unit that divides exactly, binary units first on ties. */
    static const struct { const char *name; uint64_t mult; } units[] = {
        {"TiB", 1ull << 40}, {"TB", 1000000000000ull}, {"GiB", 1ull << 30},
        {"GB", 1000000000ull}, {"MiB", 1ull << 20},    {"MB", 1000000ull},
        {"KiB", 1024},         {"KB", 1000},
    };
    for (size_t i = 0; bytes && i < sizeof units / sizeof units[0]; i++)
        if (bytes % units[i].mult == 0) {
            snprintf(buf, size, "%llu%s",
                     (unsigned long long)(bytes / units[i].mult), units[i].name);
            return;
        }
    snprintf(buf, size, "%lluB", (unsigned long long)bytes);
}

/* ------------------------------------------------------------------------
 * Getters
 *
 * Each cfg_fetch_* looks key up, checks kind, parses and range-checks.
 * Returns 1 with the value, 0 when absent, -1 after recording an error.
 * name is the dotted name used in messages.
 */

static int cfg_fetch(cfg_ctx *c, cfg_node *map, const char *key,
                     const char *name, const char *example, int allow_quoted,
                     cfg_node **out)
{
    cfg_node *n = cfg_get(map, key);
    *out = n;
    if (!n)
        return 0;
    if (n->kind != CFG_SCALAR) {
        cfg_error(c, n, "%s: expected %s, found %s", name, example,
                  cfg_kind_word(n));
        return -1;
    }
    if (cfg_is_null(n)) {
        cfg_error(c, n, "%s has no value; write %s, or remove the key to use "
                        "the default", name, example);
        return -1;
    }
    if (n->quoted && !allow_quoted) {
        char clip[CFG_CLIP + 8];
        cfg_error(c, n, "%s: \"%s\" is in quotes, so it is text; write %s "
                        "without quotes", name,
                  cfg_clip(n->text, clip, sizeof clip), example);
        return -1;
    }
    return 1;
}

/* Range messages, with one-sided wording when a bound is open. */
static void cfg_range_error(cfg_ctx *c, const cfg_node *n, const char *name,
                            const char *value, const char *lo, const char *hi)
{
    if (lo && hi)
        cfg_error(c, n, "%s: %s is out of range [%s, %s]", name, value, lo, hi);
    else if (lo)
        cfg_error(c, n, "%s: %s is below the minimum %s", name, value, lo);
    else
        cfg_error(c, n, "%s: %s is above the maximum %s", name, value, hi);
}

static int cfg_fetch_int(cfg_ctx *c, cfg_node *map, const char *key,
                         const char *name, int64_t min, int64_t max,
                         int64_t *out)
{
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, "a whole number like 42", 0, &n);
    if (st <= 0)
        return st;
    char why[256];
    int64_t v;
    if (cfg_parse_int(n->text, &v, why, sizeof why)) {
        cfg_error(c, n, "%s: %s", name, why);
        return -1;
    }
    if (v < min || v > max) {
        char val[32], lo[32], hi[32];
        snprintf(val, sizeof val, "%lld", (long long)v);
        snprintf(lo, sizeof lo, "%lld", (long long)min);
        snprintf(hi, sizeof hi, "%lld", (long long)max);
        cfg_range_error(c, n, name, val, min == INT64_MIN ? NULL : lo,
                        max == INT64_MAX ? NULL : hi);
        return -1;
    }
    *out = v;
    return 1;
}

static int cfg_double_in(cfg_ctx *c, const cfg_node *n, const char *name,
                         double v, double min, double max, const char *suffix)
{
    if (v >= min && v <= max)
        return 0;
    char val[40], lo[40], hi[40];
    cfg_format_double(v, val, sizeof val);
    cfg_format_double(min, lo, sizeof lo);
    cfg_format_double(max, hi, sizeof hi);
    strncat(val, suffix, sizeof val - strlen(val) - 1);
    strncat(lo, suffix, sizeof lo - strlen(lo) - 1);
    strncat(hi, suffix, sizeof hi - strlen(hi) - 1);
    cfg_range_error(c, n, name, val, min <= -DBL_MAX ? NULL : lo,
                    max >= DBL_MAX ? NULL : hi);
    return -1;
}

static int cfg_fetch_double(cfg_ctx *c, cfg_node *map, const char *key,
                            const char *name, double min, double max,
                            double *out)
{
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, "a number like 0.5", 0, &n);
    if (st <= 0)
        return st;
    char why[256];
    double v = 0;
    if (cfg_parse_double(n->text, &v, why, sizeof why)) {
        cfg_error(c, n, "%s: %s", name, why);
        return -1;
    }
    if (cfg_double_in(c, n, name, v, min, max, ""))
        return -1;
    *out = v;
    return 1;
}

static int cfg_fetch_duration(cfg_ctx *c, cfg_node *map, const char *key,
                              const char *name, int64_t min, int64_t max,
                              int64_t *out)
{
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, "a duration like 500ms or 2s", 1, &n);
    if (st <= 0)
        return st;
    char why[256];
    int64_t v;
    if (cfg_parse_duration(n->text, &v, why, sizeof why)) {
        cfg_error(c, n, "%s: %s", name, why);
        return -1;
    }
    if (v < min || v > max) {
        char val[64], lo[64], hi[64];
        cfg_format_duration(v, val, sizeof val);
        cfg_format_duration(min, lo, sizeof lo);
        cfg_format_duration(max, hi, sizeof hi);
        cfg_range_error(c, n, name, val, min == INT64_MIN ? NULL : lo,
                        max == INT64_MAX ? NULL : hi);
        return -1;
    }
    *out = v;
    return 1;
}

int cfg_int(cfg_ctx *c, cfg_node *map, const char *key, int64_t def,
            int64_t min, int64_t max, int64_t *out)
{
    char name[320], buf[32];
    cfg_name(c, key, name, sizeof name);
    *out = def;
    int64_t v;
    int st = cfg_fetch_int(c, map, key, name, min, max, &v);
    if (st < 0)
        return -1;
    if (st > 0)
        *out = v;
    snprintf(buf, sizeof buf, "%lld", (long long)*out);
    cfg_resolve(c, name, buf, st == 0);
    return 0;
}

int cfg_double(cfg_ctx *c, cfg_node *map, const char *key, double def,
               double min, double max, double *out)
{
    char name[320], buf[40];
    cfg_name(c, key, name, sizeof name);
    *out = def;
    double v = 0;
    int st = cfg_fetch_double(c, map, key, name, min, max, &v);
    if (st < 0)
        return -1;
    if (st > 0)
        *out = v;
    cfg_format_double(*out, buf, sizeof buf);
    cfg_resolve(c, name, buf, st == 0);
    return 0;
}

int cfg_bool(cfg_ctx *c, cfg_node *map, const char *key, int def, int *out)
{
    char name[320], clip[CFG_CLIP + 8];
    cfg_name(c, key, name, sizeof name);
    *out = def;
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, "true or false", 0, &n);
    if (st < 0)
        return -1;
    if (st > 0) {
        const char *t = n->text;
        if (!strcmp(t, "true") || !strcmp(t, "True") || !strcmp(t, "TRUE")) {
            *out = 1;
        } else if (!strcmp(t, "false") || !strcmp(t, "False") ||
                   !strcmp(t, "FALSE")) {
            *out = 0;
        } else {
            cfg_error(c, n, "%s: '%s' is not true or false; write true or "
                            "false", name, cfg_clip(t, clip, sizeof clip));
            *out = def;
            return -1;
        }
    }
    cfg_resolve(c, name, *out ? "true" : "false", st == 0);
    return 0;
}

int cfg_fraction(cfg_ctx *c, cfg_node *map, const char *key, double def,
                 double min, double max, double *out)
{
    char name[320], why[256], buf[40];
    cfg_name(c, key, name, sizeof name);
    *out = def;
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, "a fraction like 0.15 or 15%", 1, &n);
    if (st < 0)
        return -1;
    if (st > 0) {
        double v;
        if (cfg_parse_fraction(n->text, &v, why, sizeof why)) {
            cfg_error(c, n, "%s: %s", name, why);
            return -1;
        }
        if (v >= min && v <= max) {
            *out = v;
        } else if (v > 1 && v <= 100 && !strchr(n->text, '%') &&
                   v / 100.0 >= min && v / 100.0 <= max) {
            cfg_error(c, n, "%s: %s is out of range [%g, %g] (did you mean "
                            "%s%%?)", name, n->text, min, max, n->text);
            return -1;
        } else {
            cfg_double_in(c, n, name, v, min, max, "");
            return -1;
        }
    }
    cfg_format_double(*out, buf, sizeof buf);
    cfg_resolve(c, name, buf, st == 0);
    return 0;
}

int cfg_duration(cfg_ctx *c, cfg_node *map, const char *key, int64_t def_ns,
                 int64_t min_ns, int64_t max_ns, int64_t *out_ns)
{
    char name[320], buf[64];
    cfg_name(c, key, name, sizeof name);
    *out_ns = def_ns;
    int64_t v;
    int st = cfg_fetch_duration(c, map, key, name, min_ns, max_ns, &v);
    if (st < 0)
        return -1;
    if (st > 0)
        *out_ns = v;
    cfg_format_duration(*out_ns, buf, sizeof buf);
    cfg_resolve(c, name, buf, st == 0);
    return 0;
}

int cfg_rate(cfg_ctx *c, cfg_node *map, const char *key, double def_per_s,
             double min_per_s, double max_per_s, double *out_per_s)
{
    char name[320], why[256], buf[48];
    cfg_name(c, key, name, sizeof name);
    *out_per_s = def_per_s;
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, "a rate like 200/s or 5/min", 1, &n);
    if (st < 0)
        return -1;
    if (st > 0) {
        double v;
        if (cfg_parse_rate(n->text, &v, why, sizeof why)) {
            cfg_error(c, n, "%s: %s", name, why);
            return -1;
        }
        if (cfg_double_in(c, n, name, v, min_per_s, max_per_s, "/s"))
            return -1;
        *out_per_s = v;
    }
    cfg_format_double(*out_per_s, buf, sizeof buf);
    strcat(buf, "/s");
    cfg_resolve(c, name, buf, st == 0);
    return 0;
}

int cfg_size(cfg_ctx *c, cfg_node *map, const char *key, uint64_t def_bytes,
             uint64_t min_bytes, uint64_t max_bytes, uint64_t *out_bytes)
{
    char name[320], why[256], buf[48];
    cfg_name(c, key, name, sizeof name);
    *out_bytes = def_bytes;
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, "a size like 64KB or 4GiB", 1, &n);
    if (st < 0)
        return -1;
    if (st > 0) {
        uint64_t v;
        if (cfg_parse_size(n->text, &v, why, sizeof why)) {
            cfg_error(c, n, "%s: %s", name, why);
            return -1;
        }
        if (v < min_bytes || v > max_bytes) {
            char val[48], lo[48], hi[48];
            cfg_format_size(v, val, sizeof val);
            cfg_format_size(min_bytes, lo, sizeof lo);
            cfg_format_size(max_bytes, hi, sizeof hi);
            cfg_range_error(c, n, name, val, min_bytes == 0 ? NULL : lo,
                            max_bytes == UINT64_MAX ? NULL : hi);
            return -1;
        }
        *out_bytes = v;
    }
    cfg_format_size(*out_bytes, buf, sizeof buf);
    cfg_resolve(c, name, buf, st == 0);
    return 0;
}

int cfg_string(cfg_ctx *c, cfg_node *map, const char *key, const char *def,
               const char **out)
{
    char name[320];
    cfg_name(c, key, name, sizeof name);
    *out = def;
    cfg_node *n = cfg_get(map, key);
    if (n && n->kind != CFG_SCALAR) {
        cfg_error(c, n, "%s: expected text, found %s", name, cfg_kind_word(n));
        return -1;
    }
    if (n)
        *out = n->text;
    cfg_resolve(c, name, *out ? *out : "(none)", !n);
    return 0;
}

int cfg_check_name(cfg_ctx *c, const cfg_node *n, const char *what, const char *s,
                   sink_name_kind kind)
{
    char why[256], shown[CFG_CLIP + 8], clean[CFG_CLIP + 8];
    if (sink_name_check(s, kind, why, sizeof why) == 0)
        return 0;
    /* The offending text is quoted clipped and without control characters:
     * it may be a 10 kB name or hold terminal escapes. */
    sink_text(cfg_clip(s, shown, sizeof shown), 0, clean, sizeof clean);
    cfg_error(c, n, "%s '%s' %s", what, clean, why);
    return -1;
}

int cfg_name_string(cfg_ctx *c, cfg_node *map, const char *key, const char *def,
                    sink_name_kind kind, const char **out)
{
    if (cfg_string(c, map, key, def, out) != 0)
        return -1;
    cfg_node *n = cfg_get(map, key);
    if (!n)
        return 0;
    char name[320];
    cfg_name(c, key, name, sizeof name);
    return cfg_check_name(c, n, name, *out, kind);
}

/* "a, b or c" into buf. */
static void cfg_join(const char *const *names, size_t n, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", sep, names[i]);
    }
}

int cfg_enum(cfg_ctx *c, cfg_node *map, const char *key,
             const char *const *names, int def, int *out)
{
    char name[320], list[512], clip[CFG_CLIP + 8];
    cfg_name(c, key, name, sizeof name);
    *out = def;
    size_t count = 0;
    while (names[count])
        count++;
    cfg_join(names, count, list, sizeof list);
    char example[600];
    snprintf(example, sizeof example, "one of %s", list);
    cfg_node *n;
    int st = cfg_fetch(c, map, key, name, example, 1, &n);
    if (st < 0)
        return -1;
    if (st > 0) {
        size_t i = 0;
        while (i < count && strcmp(names[i], n->text) != 0)
            i++;
        if (i == count) {
            const char *hint = cfg_suggest(n->text, names, count);
            cfg_clip(n->text, clip, sizeof clip);
            if (hint)
                cfg_error(c, n, "%s: '%s' is not one of %s (did you mean "
                                "'%s'?)", name, clip, list, hint);
            else
                cfg_error(c, n, "%s: '%s' is not one of %s", name, clip, list);
            return -1;
        }
        *out = (int)i;
    }
    if (*out >= 0 && (size_t)*out < count)
        cfg_resolve(c, name, names[*out], st == 0);
    return 0;
}

/* ------------------------------------------------------------------------
 * Distributions
 */

typedef struct cfg_dist_spec {
    const char *name;
    const char *param[2]; /* NULL when the kind has one parameter */
    int plain[2];         /* 1: dimensionless even in a time dist */
} cfg_dist_spec;

/* Indexed by dist_kind. */
static const cfg_dist_spec cfg_dist_specs[] = {
    {"constant", {"value", NULL}, {0, 0}},
    {"exponential", {"mean", NULL}, {0, 0}},
    {"uniform", {"min", "max"}, {0, 0}},
    {"normal", {"mean", "sd"}, {0, 0}},
    {"lognormal", {"median", "sigma"}, {0, 1}},
    {"gamma", {"shape", "scale"}, {1, 0}},
    {"weibull", {"shape", "scale"}, {1, 0}},
    {"pareto", {"shape", "scale"}, {1, 0}},
};
#define CFG_NDISTS (sizeof cfg_dist_specs / sizeof cfg_dist_specs[0])

/* Which parameters must be > 0 (else >= 0 for times, any for numbers). */
static int cfg_dist_positive(dist_kind k, int which)
{
    switch (k) {
    case DIST_EXPONENTIAL:
    case DIST_LOGNORMAL:
        return which == 0;
    case DIST_GAMMA:
    case DIST_WEIBULL:
    case DIST_PARETO:
        return 1;
    default:
        return 0;
    }
}

static void cfg_mark_all_used(cfg_node *map)
{
    for (size_t i = 0; i < map->n; i++)
        map->used[i] = 1;
}

int cfg_dist(cfg_ctx *c, cfg_node *map, const char *key, const dist_t *def,
             int is_time, dist_t *out)
{
    char name[320], pname[400], list[256], desc[256], clip[CFG_CLIP + 8];
    const char *dnames[CFG_NDISTS + 1];
    for (size_t i = 0; i < CFG_NDISTS; i++)
        dnames[i] = cfg_dist_specs[i].name;
    dnames[CFG_NDISTS] = NULL;
    cfg_join(dnames, CFG_NDISTS, list, sizeof list);
    cfg_name(c, key, name, sizeof name);
    if (def)
        *out = *def;

    cfg_node *n = cfg_get(map, key);
    if (!n) {
        if (def) {
            dist_describe(def, is_time, desc, sizeof desc);
            cfg_resolve(c, name, desc, 1);
        }
        return 0;
    }
    const char *example = is_time ? "{dist: exponential, mean: 2ms}"
                                  : "{dist: exponential, mean: 2.5}";
    if (n->kind != CFG_MAP) {
        if (n->kind == CFG_SCALAR)
            cfg_error(c, n, "%s: expected a distribution like %s, found '%s' "
                            "(for a fixed value write {dist: constant, "
                            "value: %s})", name, example,
                      cfg_clip(n->text, clip, sizeof clip), clip);
        else
            cfg_error(c, n, "%s: expected a distribution like %s, found %s",
                      name, example, cfg_kind_word(n));
        return -1;
    }

    cfg_node *kn = cfg_get(n, "dist");
    if (!kn || kn->kind != CFG_SCALAR)
        /* Without a kind the parameters cannot be judged; one message
         * about the kind is enough. */
        cfg_mark_all_used(n);
    if (!kn) {
        cfg_error(c, n, "%s: missing 'dist:' (one of %s), e.g. %s", name, list,
                  example);
        return -1;
    }
    if (kn->kind != CFG_SCALAR) {
        cfg_error(c, kn, "%s.dist: expected one of %s, found %s", name, list,
                  cfg_kind_word(kn));
        return -1;
    }
    size_t k = 0;
    while (k < CFG_NDISTS && strcmp(cfg_dist_specs[k].name, kn->text) != 0)
        k++;
    if (k == CFG_NDISTS) {
        cfg_mark_all_used(n);
        const char *hint = cfg_suggest(kn->text, dnames, CFG_NDISTS);
        cfg_clip(kn->text, clip, sizeof clip);
        if (hint)
            cfg_error(c, kn, "%s.dist: '%s' is not a distribution (did you "
                             "mean '%s'?); use %s", name, clip, hint, list);
        else
            cfg_error(c, kn, "%s.dist: '%s' is not a distribution; use %s",
                      name, clip, list);
        return -1;
    }
    const cfg_dist_spec *spec = &cfg_dist_specs[k];
    int nparams = spec->param[1] ? 2 : 1;
    char takes[64];
    if (nparams == 2)
        snprintf(takes, sizeof takes, "%s and %s", spec->param[0],
                 spec->param[1]);
    else
        snprintf(takes, sizeof takes, "%s", spec->param[0]);

    int bad = 0;
    double p[2] = {0.0, 0.0};
    for (int i = 0; i < nparams; i++) {
        snprintf(pname, sizeof pname, "%s.%s", name, spec->param[i]);
        int st;
        if (is_time && !spec->plain[i]) {
            int64_t ns = 0;
            st = cfg_fetch_duration(c, n, spec->param[i], pname, 0, INT64_MAX,
                                    &ns);
            p[i] = (double)ns;
        } else {
            st = cfg_fetch_double(c, n, spec->param[i], pname, -DBL_MAX,
                                  DBL_MAX, &p[i]);
        }
        if (st == 0) {
            cfg_error(c, n, "%s: %s needs %s; missing '%s'", name, spec->name,
                      takes, spec->param[i]);
            bad = 1;
        } else if (st < 0) {
            bad = 1;
        } else if (cfg_dist_positive((dist_kind)k, i) && !(p[i] > 0.0)) {
            cfg_error(c, cfg_get(n, spec->param[i]),
                      "%s: must be greater than 0", pname);
            bad = 1;
        } else if ((k == DIST_NORMAL || k == DIST_LOGNORMAL) && i == 1 &&
                   p[i] < 0.0) {
            cfg_error(c, cfg_get(n, spec->param[i]),
                      "%s: must not be negative", pname);
            bad = 1;
        }
    }
    /* Extra keys are reported here, with the parameter list, and marked
     * used so that cfg_check_unused does not report them a second time. */
    for (size_t i = 0; i < n->n; i++) {
        if (n->used[i])
            continue;
        n->used[i] = 1;
        const char *hint = cfg_suggest(n->keys[i], spec->param, (size_t)nparams);
        cfg_clip(n->keys[i], clip, sizeof clip);
        if (hint)
            cfg_error_at(c, cfg_key_file(n, i), n->key_line[i], n->key_col[i],
                         "%s: '%s' is not a parameter of %s (did you mean "
                         "'%s'?); it takes %s", name, clip, spec->name, hint,
                         takes);
        else
            cfg_error_at(c, cfg_key_file(n, i), n->key_line[i], n->key_col[i],
                         "%s: '%s' is not a parameter of %s; it takes %s",
                         name, clip, spec->name, takes);
        bad = 1;
    }
    if (!bad && k == DIST_UNIFORM && p[0] > p[1]) {
        cfg_error(c, n, "%s: uniform needs min <= max", name);
        bad = 1;
    }
    if (bad)
        return -1;
    out->kind = (dist_kind)k;
    out->a = p[0];
    out->b = nparams == 2 ? p[1] : 0.0;
    dist_describe(out, is_time, desc, sizeof desc);
    cfg_resolve(c, name, desc, 0);
    return 0;
}

/* ------------------------------------------------------------------------
 * Unknown keys and suggestions
 */

static void cfg_unused_walk(cfg_ctx *c, const cfg_node *n, const char *path)
{
    char child[512];
    if (n->kind == CFG_SEQ) {
        for (size_t i = 0; i < n->n; i++) {
            snprintf(child, sizeof child, "%s[%zu]", path, i);
            cfg_unused_walk(c, n->items[i], child);
        }
        return;
    }
    /* A mapping nobody asked anything of was not read as a section (the
     * caller took it whole through cfg_get), so its keys are not ours to
     * judge.  The root is always a section. */
    if (n->kind != CFG_MAP || (path[0] && n->nasked == 0))
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->used[i]) {
            snprintf(child, sizeof child, "%s%s%s", path, path[0] ? "." : "",
                     n->keys[i]);
            cfg_unused_walk(c, n->items[i], child);
            continue;
        }
        /* x- keys hold anchored blocks for aliases to copy (as in Compose
         * files): no getter asks for them, by design. */
        if (strncmp(n->keys[i], "x-", 2) == 0)
            continue;
        char clip[CFG_CLIP + 8], where[560];
        cfg_clip(n->keys[i], clip, sizeof clip);
        if (path[0])
            snprintf(where, sizeof where, "in %s", path);
        else
            snprintf(where, sizeof where, "at top level");
        const char *hint = cfg_suggest(n->keys[i], n->asked, n->nasked);
        const char *file = cfg_key_file(n, i);
        if (hint)
            cfg_error_at(c, file, n->key_line[i], n->key_col[i],
                         "unknown key '%s' %s (did you mean '%s'?)", clip,
                         where, hint);
        else
            cfg_error_at(c, file, n->key_line[i], n->key_col[i],
                         "unknown key '%s' %s", clip, where);
    }
}

void cfg_check_unused(cfg_ctx *c, cfg_node *node)
{
    if (node)
        cfg_unused_walk(c, node, "");
}

#define CFG_SUGGEST_MAX 64

/* Optimal string alignment distance: Levenshtein plus adjacent swaps,
 * since "nodse" for "nodes" is the commonest slip.  Case differences
 * cost nothing, so "Seed" finds "seed". */
static size_t cfg_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t d[CFG_SUGGEST_MAX + 1][CFG_SUGGEST_MAX + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) !=
                          tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *cfg_suggest(const char *word, const char *const *candidates,
                        size_t n)
{
    size_t lw = strlen(word);
    if (lw == 0 || lw > CFG_SUGGEST_MAX)
        return NULL;
    /* Allow about one slip per three letters, at least one. */
    size_t limit = lw <= 3 ? 1 : lw <= 6 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t lc = strlen(candidates[i]);
        if (lc > CFG_SUGGEST_MAX)
            continue;
        size_t d = cfg_distance(word, lw, candidates[i], lc);
        /* A distance as long as the word means nothing in common. */
        if (d < best_d && d < lw) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}
