/* batch.c - parts of a batch job and their merge (see batch.h). */
#include "batch.h"
#include "journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repstore.h"
#include "version.h"

int batch_check(const app_opts *o, const scenario_t *sc, err_t *e)
{
    if (o->nmerge && o->run_of)
        return err_set(e, ERR_USAGE, NULL, 0, 0, "--merge and --run-index: one or the other");
    if (!o->run_of)
        return 0;
    const char *why = o->decide ? "--decide" : o->ci_target > 0 ? "--ci-target"
                    : sc->precision.target > 0 ? "a precision: target"
                    : o->robustness ? "--robustness" : o->plot ? "--plot" : o->csv ? "--csv"
                    : o->mpi_size > 1 ? "an MPI launcher" : NULL;
    if (why)
        return err_set(e, ERR_USAGE, NULL, 0, 0,
                       "--run-index with %s: a part cannot decide alone how many "
                       "replications the study needs or what they show; give it to --merge",
                       why);
    return 0;
}

/* Writes p[0..n) to fd whole.  0, or -1 with errno set. */
static int batch_write_all(int fd, const unsigned char *p, size_t n)
{
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            errno = w < 0 ? errno : EIO;
            return -1;
        }
        off += (size_t)w;
    }
    return 0;
}

static int batch_copy(int fd, FILE *f, const char *part, err_t *e)
{
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (batch_write_all(fd, buf, n) != 0)
            return err_set(e, ERR_IO, part, 0, 0, "cannot append to the merge's journal: %s",
                           strerror(errno));
    if (ferror(f))
        return err_set(e, ERR_IO, part, 0, 0, "cannot read the part");
    return 0;
}

int batch_merge_parts(int fd, const char *const *parts, size_t n, uint64_t key, err_t *e)
{
    if (lseek(fd, 0, SEEK_END) < 0)
        return err_set(e, ERR_IO, NULL, 0, 0, "cannot seek the merge's journal");
    for (size_t i = 0; i < n; i++) {
        FILE *f = fopen(parts[i], "rb");
        if (!f)
            return err_set(e, ERR_NOINPUT, parts[i], 0, 0, "--merge: cannot open the part: %s",
                           strerror(errno));
        unsigned char head[16];
        uint64_t file_key;
        int rc = 0;
        if (fread(head, 1, sizeof head, f) != sizeof head ||
            memcmp(head, JOURNAL_MAGIC, 8) != 0)
            rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                         "--merge: not a part written by --run-index of this mwrasp-sim version");
        if (!rc) {
            memcpy(&file_key, head + 8, 8);
            if (file_key != key)
                rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                             "--merge: the part belongs to another scenario or other --set/"
                             "--sweep/--seed/--replications options (or another version); "
                             "merge with the options the parts ran with");
        }
        if (!rc)
            rc = batch_copy(fd, f, parts[i], e);
        fclose(f);
        if (rc)
            return rc;
    }
    return fsync(fd) == 0 ? 0 : err_set(e, ERR_IO, NULL, 0, 0, "cannot sync the merge's journal");
}

#define BATCH_INFO "PARTINFO"
#define BATCH_DONE "PARTDONE"
/* A manifest is the scenario and its includes (bounded by cfg.h) and the
 * options: far below this. */
#define BATCH_MAX_MANIFEST (64u << 20)
/* The frame of the PARTDONE note: tag, length, key, 0, length, the
 * note's 16 bytes, checksum. */
#define BATCH_DONE_FRAME (8 + 16 + 16 + 8)

static int batch_put_str(repstore_buf *b, const char *s, size_t n)
{
    uint32_t len = (uint32_t)n;
    return n > UINT32_MAX || repstore_put(b, &len, 4) || repstore_put(b, s, n);
}

static int batch_put(repstore_buf *b, const char *s)
{
    return batch_put_str(b, s, strlen(s));
}

static int batch_put_size(repstore_buf *b, size_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", v);
    return batch_put(b, num);
}

/* Appends b's bytes to fd and syncs. */
static int batch_append(int fd, const repstore_buf *b, err_t *e)
{
    if (batch_write_all(fd, b->data, b->len) != 0)
        return err_set(e, ERR_IO, NULL, 0, 0, "cannot write the part: %s", strerror(errno));
    return fsync(fd) == 0 ? 0 : err_set(e, ERR_IO, NULL, 0, 0, "cannot sync the part: %s",
                                        strerror(errno));
}

/* Frames note (its bytes in body) as a NOTE record and appends it. */
static int batch_append_note(int fd, uint64_t key, const repstore_buf *body, err_t *e)
{
    repstore_buf rec = { 0 };
    int rc = repstore_encode_note(&rec, key, body->data, body->len)
                 ? err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory")
                 : batch_append(fd, &rec, e);
    free(rec.data);
    return rc;
}

int batch_write_manifest(int fd, uint64_t key, const app_opts *o, const scenario_t *sc,
                         err_t *e)
{
    const cfg_doc *doc = sc->doc;
    repstore_buf b = { 0 };
    int bad = repstore_put(&b, BATCH_INFO, 8) || batch_put(&b, MWRASP_VERSION) ||
              batch_put(&b, version_git_revision()) || batch_put_size(&b, o->run_index) ||
              batch_put_size(&b, o->run_of) || batch_put(&b, o->scenario) ||
              batch_put_str(&b, doc->text, doc->text_len) || batch_put_size(&b, doc->nincludes);
    for (size_t i = 0; !bad && i < doc->nincludes; i++)
        bad = batch_put(&b, doc->includes[i].path) ||
              batch_put_str(&b, doc->includes[i].text, doc->includes[i].len);
    bad = bad || batch_put_size(&b, sc->nsets);
    for (size_t i = 0; !bad && i < sc->nsets; i++)
        bad = batch_put(&b, sc->sets[i]);
    bad = bad || batch_put_size(&b, o->nsweeps);
    for (size_t i = 0; !bad && i < o->nsweeps; i++)
        bad = batch_put(&b, o->sweeps[i]);
    int rc = bad ? err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory")
                 : batch_append_note(fd, key, &b, e);
    free(b.data);
    return rc;
}

int batch_write_end(int fd, uint64_t key, size_t saved, err_t *e)
{
    uint64_t n = saved;
    repstore_buf b = { 0 };
    int rc = repstore_put(&b, BATCH_DONE, 8) || repstore_put(&b, &n, 8)
                 ? err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory")
                 : batch_append_note(fd, key, &b, e);
    free(b.data);
    return rc;
}

/* A cursor over a manifest's strings. */
typedef struct batch_reader {
    const unsigned char *p;
    size_t left;
    int bad;
} batch_reader;

/* The next string, copied (NUL-terminated; *len its length when len is
 * given).  NULL (and r->bad) when the manifest ends or memory does. */
static char *batch_get(batch_reader *r, size_t *len)
{
    uint32_t n;
    char *s = NULL;
    if (!r->bad && r->left >= 4) {
        memcpy(&n, r->p, 4);
        if (n <= r->left - 4 && (s = malloc((size_t)n + 1)) != NULL) {
            memcpy(s, r->p + 4, n);
            s[n] = '\0';
            r->p += 4 + (size_t)n;
            r->left -= 4 + (size_t)n;
            if (len)
                *len = n;
        }
    }
    if (!s)
        r->bad = 1;
    return s;
}

/* The next string as a count (at most max). */
static size_t batch_get_size(batch_reader *r, size_t max)
{
    char *s = batch_get(r, NULL), *end;
    unsigned long long v = s ? strtoull(s, &end, 10) : 0;
    if (!s || !*s || *end || v > max)
        r->bad = 1;
    free(s);
    return r->bad ? 0 : (size_t)v;
}

void batch_manifest_free(batch_manifest *m)
{
    free(m->version);
    free(m->revision);
    free(m->scenario);
    free(m->text);
    for (size_t i = 0; i < m->nincludes; i++) {
        free(m->includes[i].path);
        free(m->includes[i].text);
    }
    free(m->includes);
    for (size_t i = 0; i < m->nsets; i++)
        free(m->sets[i]);
    free(m->sets);
    for (size_t i = 0; i < m->nsweeps; i++)
        free(m->sweeps[i]);
    free(m->sweeps);
    memset(m, 0, sizeof *m);
}

/* A list of n strings (at most max) into *list. */
static void batch_get_list(batch_reader *r, size_t max, char ***list, size_t *n)
{
    size_t want = batch_get_size(r, max);
    *list = r->bad ? NULL : calloc(want ? want : 1, sizeof **list);
    if (!*list) {
        r->bad = 1;
        return;
    }
    for (*n = 0; *n < want && !r->bad; (*n)++)
        (*list)[*n] = batch_get(r, NULL);
    if (r->bad && *n && !(*list)[*n - 1])
        (*n)--;
}

static int batch_parse_manifest(const unsigned char *note, size_t len, batch_manifest *m)
{
    memset(m, 0, sizeof *m);
    if (len < 8 || memcmp(note, BATCH_INFO, 8) != 0)
        return -1;
    batch_reader r = { note + 8, len - 8, 0 };
    m->version = batch_get(&r, NULL);
    m->revision = batch_get(&r, NULL);
    /* --run-index and --of take at most a million (main.c). */
    m->index = batch_get_size(&r, 1000000);
    m->of = batch_get_size(&r, 1000000);
    m->scenario = batch_get(&r, NULL);
    m->text = batch_get(&r, &m->text_len);
    size_t want = batch_get_size(&r, CFG_MAX_INCLUDE_FILES);
    m->includes = r.bad ? NULL : calloc(want ? want : 1, sizeof *m->includes);
    r.bad |= !m->includes;
    for (; !r.bad && m->nincludes < want; m->nincludes++) {
        cfg_source *src = &m->includes[m->nincludes];
        src->path = batch_get(&r, NULL);
        src->text = batch_get(&r, &src->len);
    }
    batch_get_list(&r, APP_MAX_SETS, &m->sets, &m->nsets);
    batch_get_list(&r, APP_MAX_SETS, &m->sweeps, &m->nsweeps);
    if (r.bad || r.left || !m->of || m->index >= m->of) {
        batch_manifest_free(m);
        return -1;
    }
    return 0;
}

/* Reads n bytes at the current position. */
static int batch_read(FILE *f, void *buf, size_t n)
{
    return fread(buf, 1, n, f) == n ? 0 : -1;
}

/* Reads part's header, manifest and end mark.  0, ERR_NOINPUT or ERR_DATA. */
static int batch_read_part(const char *part, batch_manifest *m, uint64_t *key, err_t *e)
{
    FILE *f = fopen(part, "rb");
    if (!f)
        return err_set(e, ERR_NOINPUT, part, 0, 0, "merge: cannot open the part: %s",
                       strerror(errno));
    unsigned char head[16 + 8], done[BATCH_DONE_FRAME];
    unsigned char *rec = NULL;
    const unsigned char *note;
    size_t nlen;
    uint32_t tag = 0, plen = 0;
    int rc = 0;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        rc = err_set(e, ERR_DATA, part, 0, 0, "merge: not a regular file");
    else if (batch_read(f, head, sizeof head) != 0 || memcmp(head, JOURNAL_MAGIC, 8) != 0)
        rc = err_set(e, ERR_DATA, part, 0, 0,
                     "merge: not a part written by --run-index of this mwrasp-sim version");
    if (!rc) {
        memcpy(key, head + 8, 8);
        memcpy(&tag, head + 16, 4);
        memcpy(&plen, head + 20, 4);
        if (tag != REPSTORE_REC_NOTE || plen > BATCH_MAX_MANIFEST)
            rc = err_set(e, ERR_DATA, part, 0, 0,
                         "merge: the part does not describe its run (a run's journal, or a "
                         "part of an older mwrasp-sim): join it with --merge PART ... and the "
                         "scenario and options it ran with");
    }
    if (!rc) {
        rec = malloc((size_t)plen + 16);
        if (!rec)
            rc = err_set(e, ERR_SOFTWARE, part, 0, 0, "out of memory");
    }
    if (!rc) {
        memcpy(rec, head + 16, 8);
        if (batch_read(f, rec + 8, (size_t)plen + 8) != 0 ||
            repstore_decode_note(rec, (size_t)plen + 16, *key, &note, &nlen) != 0 ||
            batch_parse_manifest(note, nlen, m) != 0)
            rc = err_set(e, ERR_DATA, part, 0, 0, "merge: the part's description of its run "
                         "is damaged; make the part again");
    }
    /* The last record: the mark of a finished part. */
    uint64_t saved = 0;
    if (!rc && (fseeko(f, -(off_t)BATCH_DONE_FRAME, SEEK_END) != 0 ||
                batch_read(f, done, sizeof done) != 0 ||
                repstore_decode_note(done, sizeof done, *key, &note, &nlen) != 0 ||
                nlen != 16 || memcmp(note, BATCH_DONE, 8) != 0))
        rc = err_set(e, ERR_DATA, part, 0, 0,
                     "merge: part %zu of %zu did not finish (interrupted or killed, or cut "
                     "short in a copy); finish it with the same command and --resume, then "
                     "merge", m->index, m->of);
    if (!rc) {
        memcpy(&saved, note + 8, 8);
        m->saved = (size_t)saved;
    }
    free(rec);
    fclose(f);
    if (rc)
        batch_manifest_free(m);
    return rc;
}

/* The last assignment in list[0..n) to the key of set ("key=value"), or NULL. */
static const char *batch_find_key(char *const *list, size_t n, const char *set)
{
    size_t klen = strcspn(set, "=");
    for (size_t i = n; i-- > 0;)
        if (strncmp(list[i], set, klen) == 0 && list[i][klen] == '=')
            return list[i];
    return NULL;
}

/* The first difference of two option lists (a: the first part's), into buf. */
static int batch_list_difference(char *const *a, size_t na, char *const *b, size_t nb,
                                 const char *what, const char *first, char *buf, size_t size)
{
    for (size_t i = 0; i < nb; i++) {
        const char *in_a = batch_find_key(a, na, b[i]);
        if (!in_a || strcmp(in_a, batch_find_key(b, nb, b[i])) != 0) {
            snprintf(buf, size, "%s %s here, %s in %s", what, batch_find_key(b, nb, b[i]),
                     in_a ? in_a : "none", first);
            return 1;
        }
    }
    for (size_t i = 0; i < na; i++)
        if (!batch_find_key(b, nb, a[i])) {
            snprintf(buf, size, "no %s %s here, as in %s", what, a[i], first);
            return 1;
        }
    /* The same assignments, in another order or repeated. */
    for (size_t i = 0; i < na || i < nb; i++)
        if (i >= na || i >= nb || strcmp(a[i], b[i]) != 0) {
            snprintf(buf, size, "the same %ss in another order or repeated, unlike %s",
                     what, first);
            return 1;
        }
    return 0;
}

/* What differs between a (the first part, named first) and b's runs, for
 * the message, into buf. */
static void batch_difference(const batch_manifest *a, const batch_manifest *b,
                             const char *first, char *buf, size_t size)
{
    int same_includes = a->nincludes == b->nincludes;
    for (size_t i = 0; same_includes && i < a->nincludes; i++)
        same_includes = strcmp(a->includes[i].path, b->includes[i].path) == 0 &&
                        a->includes[i].len == b->includes[i].len &&
                        memcmp(a->includes[i].text, b->includes[i].text, a->includes[i].len) == 0;
    if (strcmp(a->scenario, b->scenario) != 0)
        snprintf(buf, size, "scenario %s here, %s in %s", b->scenario, a->scenario, first);
    else if (a->text_len != b->text_len || memcmp(a->text, b->text, a->text_len) != 0)
        snprintf(buf, size, "another text of %s: the file changed between the parts",
                 a->scenario);
    else if (!same_includes)
        snprintf(buf, size, "another text of a file %s includes", a->scenario);
    else if (!batch_list_difference(a->sets, a->nsets, b->sets, b->nsets, "option", first, buf,
                                    size) &&
             !batch_list_difference(a->sweeps, a->nsweeps, b->sweeps, b->nsweeps, "--sweep",
                                    first, buf, size))
        snprintf(buf, size, "another run key");
}

int batch_read_parts(const char *const *parts, size_t n, const char *out, batch_manifest *m,
                     err_t *e)
{
    memset(m, 0, sizeof *m);
    if (!n)
        return err_set(e, ERR_USAGE, NULL, 0, 0, "merge: no parts given");
    struct stat so, sp;
    for (size_t i = 0; out && i < n; i++)
        if (stat(out, &so) == 0 && stat(parts[i], &sp) == 0 && so.st_dev == sp.st_dev &&
            so.st_ino == sp.st_ino)
            return err_set(e, ERR_USAGE, NULL, 0, 0,
                           "merge: --out %s is one of the parts; write the merge elsewhere",
                           out);
    const char **seen = NULL;
    uint64_t key0 = 0;
    size_t saved = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        batch_manifest pm;
        uint64_t key = 0;
        memset(&pm, 0, sizeof pm);
        rc = batch_read_part(parts[i], i ? &pm : m, &key, e);
        if (rc)
            break;
        const batch_manifest *p = i ? &pm : m;
        if (strcmp(p->version, MWRASP_VERSION) != 0 ||
            strcmp(p->revision, version_git_revision()) != 0)
            rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                         "merge: the part was made by mwrasp-sim %s (git %s), this is %s "
                         "(git %s); merge with the build that made the parts", p->version,
                         p->revision, MWRASP_VERSION, version_git_revision());
        else if (i && p->of != m->of)
            rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                         "merge: the part is part %zu of %zu, but %s is part %zu of %zu: "
                         "parts of two different splits", p->index, p->of, parts[0],
                         m->index, m->of);
        else if (i && key != key0) {
            char why[600];
            batch_difference(m, p, parts[0], why, sizeof why);
            rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                         "merge: the part belongs to another run than %s (%s); merge only "
                         "the parts of one run", parts[0], why);
        }
        if (!rc && !i) {
            key0 = key;
            seen = calloc(m->of, sizeof *seen);
            if (!seen)
                rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        }
        if (!rc && seen[p->index])
            rc = err_set(e, ERR_DATA, parts[i], 0, 0,
                         "merge: it is part %zu of %zu, and so is %s; give each part once",
                         p->index, p->of, seen[p->index]);
        if (!rc) {
            seen[p->index] = parts[i];
            saved += p->saved;
        }
        if (i)
            batch_manifest_free(&pm);
    }
    if (!rc) {
        char missing[512];
        size_t k = 0, nmissing = 0;
        missing[0] = '\0';
        for (size_t j = 0; j < m->of; j++) {
            if (seen[j])
                continue;
            if (k + 32 < sizeof missing)
                k += (size_t)snprintf(missing + k, sizeof missing - k, "%s%zu",
                                      nmissing ? ", " : "", j);
            else if (k + 5 < sizeof missing && missing[k - 1] != '.')
                k += (size_t)snprintf(missing + k, sizeof missing - k, ", ...");
            nmissing++;
        }
        if (nmissing)
            rc = err_set(e, ERR_DATA, NULL, 0, 0,
                         "merge: %zu of the %zu parts %s missing (--run-index %s); give every "
                         "part of the run", nmissing, m->of, nmissing == 1 ? "is" : "are",
                         missing);
    }
    free(seen);
    m->saved = saved;
    if (rc)
        batch_manifest_free(m);
    return rc;
}
