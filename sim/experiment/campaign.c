/* campaign.c - sweeps, precision rounds, journal, resume, MPI (see
 * campaign.h).
 *
 * Invariants:
 *  - store[p].have[r] == 1 iff replication r of point p has a result, and
 *    then that result is exactly what (seed, p, r) produces;
 *  - target[p] only grows, and only from results of replications
 *    0..target[p]-1 of point p (never from timing or arrival order);
 *  - a journal record is written only for a result in the store.
 */
#include "campaign.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef MWRASP_HAVE_MPI
#include <mpi.h>
#endif

/* J2: every record carries the run key (J1 had it in the header only). */
#define CAMPAIGN_MAGIC "MWRASPJ2"
enum { CAMPAIGN_REC_DEFS = 0x44454653u, CAMPAIGN_REC_REP = 0x52455053u };

typedef struct campaign_point {
    size_t nmetrics;
    stats_def *defs;      /* NULL until the first result */
    size_t cap;           /* replications allocated */
    stats_rep *reps;      /* [cap][nmetrics] */
    runner_samples *samples; /* [cap][nmetrics], owned */
    uint64_t *events;
    double *wall;
    unsigned char *have;
    size_t target;        /* replications wanted */
    int defs_journalled;
} campaign_point;

typedef struct campaign_task {
    uint32_t point, rep;
} campaign_task;

typedef struct campaign_buf {
    unsigned char *data;
    size_t len, cap;
} campaign_buf;

uint64_t campaign_hash(uint64_t h, const char *s)
{
    if (!h)
        h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return (h ^ 0xff) * 0x100000001b3ULL; /* separator: "ab","c" != "a","bc" */
}

static uint64_t campaign_checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static double campaign_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int campaign_buf_put(campaign_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;  /* p may be NULL (an empty sample array) */
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Appends one framed record: tag, payload length, payload, checksum. */
static int campaign_frame(campaign_buf *b, uint32_t tag, const campaign_buf *payload)
{
    uint32_t len = (uint32_t)payload->len;
    uint64_t sum = campaign_checksum(payload->data, payload->len);
    return campaign_buf_put(b, &tag, 4) || campaign_buf_put(b, &len, 4) ||
           campaign_buf_put(b, payload->data, payload->len) ||
           campaign_buf_put(b, &sum, 8);
}

/* Every record starts with the run key, so that a record another run
 * appended (or a journal spliced from two) is never taken for this run's. */
static int campaign_encode_defs(campaign_buf *b, uint64_t key, uint32_t point,
                                const campaign_point *cp)
{
    campaign_buf pl = { 0 };
    uint32_t nm = (uint32_t)cp->nmetrics;
    int rc = campaign_buf_put(&pl, &key, 8) ||
             campaign_buf_put(&pl, &point, 4) || campaign_buf_put(&pl, &nm, 4) ||
             campaign_buf_put(&pl, cp->defs, nm * sizeof *cp->defs) ||
             campaign_frame(b, CAMPAIGN_REC_DEFS, &pl);
    free(pl.data);
    return rc;
}

static int campaign_encode_rep(campaign_buf *b, uint64_t key, uint32_t point, uint32_t rep,
                               const campaign_point *cp)
{
    campaign_buf pl = { 0 };
    uint32_t nm = (uint32_t)cp->nmetrics, pad = 0;
    int rc = campaign_buf_put(&pl, &key, 8) ||
             campaign_buf_put(&pl, &point, 4) || campaign_buf_put(&pl, &rep, 4) ||
             campaign_buf_put(&pl, &nm, 4) || campaign_buf_put(&pl, &pad, 4) ||
             campaign_buf_put(&pl, &cp->events[rep], 8) ||
             campaign_buf_put(&pl, &cp->wall[rep], 8) ||
             campaign_buf_put(&pl, &cp->reps[(size_t)rep * nm], nm * sizeof(stats_rep));
    for (uint32_t k = 0; k < nm && !rc; k++) {
        const runner_samples *sm = &cp->samples[(size_t)rep * nm + k];
        rc = campaign_buf_put(&pl, &sm->nx, 8) || campaign_buf_put(&pl, &sm->ncens, 8) ||
             campaign_buf_put(&pl, &sm->weight, 8) ||
             campaign_buf_put(&pl, &sm->cens_weight, 8) ||
             campaign_buf_put(&pl, sm->x, sm->nx * sizeof(double)) ||
             campaign_buf_put(&pl, sm->cens, sm->ncens * sizeof(double));
    }
    rc = rc || campaign_frame(b, CAMPAIGN_REC_REP, &pl);
    free(pl.data);
    return rc;
}

static int campaign_reserve(campaign_point *cp, size_t reps)
{
    if (reps <= cp->cap)
        return 0;
    size_t cap = cp->cap ? cp->cap : 16;
    while (cap < reps)
        cap *= 2;
    size_t nm = cp->nmetrics ? cp->nmetrics : 1;
    stats_rep *r = realloc(cp->reps, cap * nm * sizeof *r);
    if (!r)
        return -1;
    cp->reps = r;
    runner_samples *sm = realloc(cp->samples, cap * nm * sizeof *sm);
    if (!sm)
        return -1;
    memset(sm + cp->cap * nm, 0, (cap - cp->cap) * nm * sizeof *sm);
    cp->samples = sm;
    uint64_t *ev = realloc(cp->events, cap * sizeof *ev);
    if (!ev)
        return -1;
    cp->events = ev;
    double *w = realloc(cp->wall, cap * sizeof *w);
    if (!w)
        return -1;
    cp->wall = w;
    unsigned char *h = realloc(cp->have, cap);
    if (!h)
        return -1;
    memset(h + cp->cap, 0, cap - cp->cap);
    cp->have = h;
    cp->cap = cap;
    return 0;
}

/* Sets a point's metric catalog (first result) or checks it matches. */
static int campaign_set_defs(campaign_point *cp, const stats_def *defs, size_t n)
{
    if (cp->defs) {
        if (n != cp->nmetrics)
            return -1;
        for (size_t k = 0; k < n; k++)
            if (strcmp(defs[k].name, cp->defs[k].name) != 0)
                return -1;
        return 0;
    }
    /* Storage was sized for 1 metric per replication until now.  Nothing
     * changes unless both allocations succeed: a point with a catalog
     * always has storage for it. */
    size_t cap = cp->cap;
    stats_def *d = malloc((n ? n : 1) * sizeof *d);
    stats_rep *reps = malloc((cap ? cap : 1) * (n ? n : 1) * sizeof *reps);
    if (!d || !reps) {
        free(d);
        free(reps);
        return -1;
    }
    runner_samples *samples = calloc((cap ? cap : 1) * (n ? n : 1), sizeof *samples);
    if (!samples) {
        free(d);
        free(reps);
        return -1;
    }
    memcpy(d, defs, n * sizeof *defs);
    free(cp->reps);
    free(cp->samples);
    cp->reps = reps;
    cp->samples = samples;
    cp->defs = d;
    cp->nmetrics = n;
    return 0;
}

/* Stores one replication's result (a no-op if already present); the
 * samples are copied. */
static int campaign_store(campaign_point *cp, uint32_t rep, const stats_def *defs,
                          const stats_rep *reps, const runner_samples *samples, size_t nm,
                          uint64_t events, double wall)
{
    if (campaign_reserve(cp, (size_t)rep + 1) != 0 || campaign_set_defs(cp, defs, nm) != 0)
        return -1;
    if (cp->have[rep])
        return 0;
    for (size_t k = 0; k < nm; k++)
        if (runner_samples_copy(&cp->samples[(size_t)rep * nm + k], &samples[k]) != 0) {
            for (size_t j = 0; j < k; j++)
                runner_samples_free(&cp->samples[(size_t)rep * nm + j]);
            return -1;
        }
    memcpy(&cp->reps[(size_t)rep * nm], reps, nm * sizeof *reps);
    cp->events[rep] = events;
    cp->wall[rep] = wall;
    cp->have[rep] = 1;
    return 0;
}

/* Parses framed records from data[0..len); stores results.  Returns the
 * length of the valid prefix (a torn or corrupt tail stops the parse). */
static size_t campaign_decode(const unsigned char *data, size_t len, uint64_t key,
                              campaign_point *pts, size_t npoints, size_t *stored, int *bad)
{
    size_t off = 0;
    *bad = 0;
    while (off + 8 <= len) {
        uint32_t tag, plen;
        memcpy(&tag, data + off, 4);
        memcpy(&plen, data + off + 4, 4);
        if (off + 8 + (size_t)plen + 8 > len)
            break;
        const unsigned char *pl = data + off + 8;
        uint64_t sum, rkey;
        memcpy(&sum, pl + plen, 8);
        if (sum != campaign_checksum(pl, plen) || plen < 16)
            break;
        /* A whole record of another run: refuse, never skip or truncate. */
        memcpy(&rkey, pl, 8);
        if (rkey != key) {
            *bad = 2;
            break;
        }
        const size_t frame = 8 + (size_t)plen + 8;
        pl += 8;
        plen -= 8;
        uint32_t point, a;
        memcpy(&point, pl, 4);
        memcpy(&a, pl + 4, 4);
        if (point >= npoints) {
            *bad = 1;
            break;
        }
        campaign_point *cp = &pts[point];
        if (tag == CAMPAIGN_REC_DEFS) {
            stats_def *defs = malloc((a ? a : 1) * sizeof *defs);
            int ok = defs && plen == 8 + (size_t)a * sizeof(stats_def);
            if (ok) {
                memcpy(defs, pl + 8, (size_t)a * sizeof *defs); /* align */
                ok = campaign_set_defs(cp, defs, a) == 0;
            }
            free(defs);
            if (!ok) {
                *bad = 1;
                break;
            }
        } else if (tag == CAMPAIGN_REC_REP) {
            uint32_t nm;
            memcpy(&nm, pl + 8, 4);
            size_t fixed = 32 + (size_t)nm * sizeof(stats_rep);
            if (plen < fixed || !cp->defs || nm != cp->nmetrics) {
                *bad = 1;
                break;
            }
            uint64_t events;
            double wall;
            memcpy(&events, pl + 16, 8);
            memcpy(&wall, pl + 24, 8);
            stats_rep *tmp = malloc((nm ? nm : 1) * sizeof *tmp);
            runner_samples *sm = calloc(nm ? nm : 1, sizeof *sm);
            int ok = tmp && sm;
            if (ok)
                memcpy(tmp, pl + 32, nm * sizeof *tmp);
            /* The samples follow: per metric two counts, two weights, data
             * (pointing into the record; campaign_store copies them). */
            size_t at = fixed;
            double *aligned = NULL;
            for (uint32_t k = 0; ok && k < nm; k++) {
                if (at + 32 > plen) {
                    ok = 0;
                    break;
                }
                memcpy(&sm[k].nx, pl + at, 8);
                memcpy(&sm[k].ncens, pl + at + 8, 8);
                memcpy(&sm[k].weight, pl + at + 16, 8);
                memcpy(&sm[k].cens_weight, pl + at + 24, 8);
                at += 32;
                if (sm[k].nx > (plen - at) / 8 || sm[k].ncens > (plen - at) / 8 - sm[k].nx) {
                    ok = 0;
                    break;
                }
                at += 8 * (size_t)(sm[k].nx + sm[k].ncens);
            }
            ok = ok && at == plen;
            if (ok) {
                /* Copy the arrays out of the (unaligned) record. */
                size_t total = (plen - fixed) / 8 + 1;
                aligned = malloc(total * sizeof *aligned);
                ok = aligned != NULL;
                size_t pos = fixed, di = 0;
                for (uint32_t k = 0; ok && k < nm; k++) {
                    pos += 32;
                    size_t cnt = (size_t)(sm[k].nx + sm[k].ncens);
                    memcpy(aligned + di, pl + pos, cnt * 8);
                    sm[k].x = sm[k].nx || sm[k].ncens ? aligned + di : NULL;
                    sm[k].cens = sm[k].nx || sm[k].ncens ? aligned + di + sm[k].nx : NULL;
                    pos += cnt * 8;
                    di += cnt;
                }
            }
            int already = a < cp->cap && cp->have[a];
            int rc = ok ? campaign_store(cp, a, cp->defs, tmp, sm, nm, events, wall) : -1;
            free(aligned);
            free(sm);
            free(tmp);
            if (rc != 0) {
                *bad = 1;
                break;
            }
            if (!already && stored)
                (*stored)++;
        } else {
            break;
        }
        off += frame;
    }
    return off;
}

typedef struct campaign_journal {
    FILE *f;
    const char *path;
    uint64_t key;
} campaign_journal;

/* Locks unsupported by the file system (Lustre without -o flock, some
 * NFS setups): the O_EXCL creation still keeps two fresh runs apart. */
static int campaign_no_locks(int err)
{
    return err == ENOSYS || err == ENOLCK || err == EOPNOTSUPP || err == EINVAL;
}

int campaign_journal_claim(const char *path, uint64_t key, int resume, int *fd_out, err_t *e)
{
    *fd_out = -1;
    int fd;
    if (resume) {
        fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            return errno == ENOENT
                       ? err_set(e, ERR_NOINPUT, path, 0, 0,
                                 "--resume: no journal to resume from (the run finished, or "
                                 "never started with this --out)")
                       : err_set(e, ERR_CANTCREAT, path, 0, 0, "cannot open the journal: %s",
                                 strerror(errno));
    } else {
        fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST) {
            /* Another run writing now (it holds the lock), or one that was
             * interrupted or killed: never truncate either. */
            int other = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
            int busy = other >= 0 && flock(other, LOCK_SH | LOCK_NB) != 0 &&
                       errno == EWOULDBLOCK;
            if (other >= 0)
                close(other);
            if (busy)
                return err_set(e, ERR_CANTCREAT, path, 0, 0,
                               "another mwrasp-sim run is writing to this --out now (its journal "
                               "is locked); wait for it to finish or choose another --out");
            return err_set(e, ERR_CANTCREAT, path, 0, 0,
                           "the journal of an unfinished run is here: add --resume to "
                           "continue it, or delete it to start again");
        }
        if (fd < 0)
            return err_set(e, ERR_CANTCREAT, path, 0, 0,
                           "cannot create the journal beside the results file: %s",
                           strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, ERR_CANTCREAT, path, 0, 0, "the journal is not a regular file");
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 && !campaign_no_locks(errno)) {
        close(fd);
        return err_set(e, ERR_CANTCREAT, path, 0, 0,
                       "another mwrasp-sim run is using this journal (same --out); wait for it "
                       "to finish or choose another --out");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    /* The header goes in at once: a run interrupted before its first
     * replication still leaves a journal --resume accepts. */
    if (!resume && (write(fd, CAMPAIGN_MAGIC, 8) != 8 || write(fd, &key, 8) != 8)) {
        int saved = errno;
        unlink(path);
        close(fd);
        return err_set(e, ERR_IO, path, 0, 0, "cannot write the journal: %s", strerror(saved));
    }
    if (fd <= 2) {
        /* Keep it clear of the standard streams (flock survives the dup). */
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        close(fd);
        if (high < 0)
            return err_set(e, ERR_SOFTWARE, path, 0, 0, "cannot keep the journal open: %s",
                           strerror(errno));
        fd = high;
    }
    *fd_out = fd;
    return 0;
}

void campaign_journal_release(int fd, const char *path, int remove)
{
    if (fd < 0)
        return;
    /* Removed while still locked: no other run can see it half gone. */
    if (remove && path)
        unlink(path);
    close(fd);
}

/* A stream on the claimed journal (a dup, so closing it keeps the lock). */
static FILE *campaign_journal_stream(int fd, const char *mode)
{
    int d = dup(fd);
    FILE *f = d >= 0 ? fdopen(d, mode) : NULL;
    if (!f && d >= 0)
        close(d);
    return f;
}

static int campaign_journal_open(campaign_journal *j, const campaign_opts *o,
                                 campaign_point *pts, size_t npoints, size_t *resumed,
                                 err_t *e)
{
    j->f = NULL;
    j->path = o->journal;
    j->key = o->journal_key;
    if (!o->journal)
        return 0;
    int fd = o->journal_fd > 0 ? o->journal_fd : -1;
    if (o->resume) {
        FILE *f = NULL;
        if (fd >= 0 && lseek(fd, 0, SEEK_SET) == 0)
            f = campaign_journal_stream(fd, "rb");
        else if (fd < 0)
            f = fopen(o->journal, "rb");
        if (!f)
            return err_set(e, ERR_NOINPUT, o->journal, 0, 0,
                           "--resume: no journal to resume from (the run finished, or "
                           "never started with this --out)");
        long size = -1;
        if (fseek(f, 0, SEEK_END) == 0)
            size = ftell(f);
        if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
            fclose(f);
            return err_set(e, ERR_NOINPUT, o->journal, 0, 0, "cannot read the journal");
        }
        unsigned char *data = malloc(size > 0 ? (size_t)size : 1);
        size_t got = data ? fread(data, 1, (size_t)size, f) : 0;
        fclose(f);
        if (!data)
            return err_set(e, ERR_SOFTWARE, o->journal, 0, 0,
                           "out of memory reading the journal");
        uint64_t key = 0;
        if (got < 16 || memcmp(data, CAMPAIGN_MAGIC, 8) != 0) {
            free(data);
            return err_set(e, ERR_DATA, o->journal, 0, 0,
                           "not a journal of this version of mwrasp-sim; delete it to start "
                           "again");
        }
        memcpy(&key, data + 8, 8);
        if (key != o->journal_key) {
            free(data);
            return err_set(e, ERR_DATA, o->journal, 0, 0,
                           "the journal belongs to another scenario or other --set/--sweep/"
                           "--seed options (or another mwrasp-sim version); rerun with the "
                           "original options, or delete it");
        }
        int bad;
        size_t valid = 16 + campaign_decode(data + 16, got - 16, o->journal_key, pts, npoints,
                                            resumed, &bad);
        free(data);
        if (bad == 2)
            return err_set(e, ERR_DATA, o->journal, 0, 0,
                           "the journal holds a record of another run at byte %zu (two runs "
                           "wrote to it); nothing was resumed: delete it to start again", valid);
        if (bad)
            return err_set(e, ERR_DATA, o->journal, 0, 0,
                           "the journal does not match this scenario's points or metrics");
        /* Drop a torn tail so appends continue from a clean record. */
        if ((fd >= 0 ? ftruncate(fd, (off_t)valid) : truncate(o->journal, (off_t)valid)) != 0)
            return err_set(e, ERR_IO, o->journal, 0, 0, "cannot truncate the journal");
        j->f = fd >= 0 ? campaign_journal_stream(fd, "ab") : fopen(o->journal, "ab");
    } else {
        if (fd >= 0) {
            /* Claimed: the header is already there. */
            j->f = campaign_journal_stream(fd, "ab");
            if (!j->f)
                return err_set(e, ERR_CANTCREAT, o->journal, 0, 0, "cannot use the journal");
            return 0;
        } else {
            int nfd = open(o->journal, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           0644);
            j->f = nfd >= 0 ? fdopen(nfd, "wb") : NULL;
            if (!j->f && nfd >= 0)
                close(nfd);
        }
        if (j->f && (fwrite(CAMPAIGN_MAGIC, 1, 8, j->f) != 8 ||
                     fwrite(&o->journal_key, 8, 1, j->f) != 1 || fflush(j->f) != 0))
            return err_set(e, ERR_IO, o->journal, 0, 0, "cannot write the journal: %s",
                           strerror(errno));
    }
    if (!j->f)
        return err_set(e, ERR_CANTCREAT, o->journal, 0, 0,
                       "cannot create the journal beside the results file");
    fflush(j->f);
    return 0;
}

/* Appends one replication (and its point's catalog the first time). */
static int campaign_journal_add(campaign_journal *j, campaign_point *cp, uint32_t point,
                                uint32_t rep)
{
    if (!j->f)
        return 0;
    campaign_buf b = { 0 };
    int rc = 0;
    if (!cp->defs_journalled)
        rc = campaign_encode_defs(&b, j->key, point, cp);
    rc = rc || campaign_encode_rep(&b, j->key, point, rep, cp);
    if (!rc && (fwrite(b.data, 1, b.len, j->f) != b.len || fflush(j->f) != 0))
        rc = -1;
    if (!rc)
        cp->defs_journalled = 1;
    free(b.data);
    return rc;
}

typedef struct campaign_meter {
    campaign_progress mode;
    double start, last;
    size_t points;
} campaign_meter;

static void campaign_show(campaign_meter *m, size_t done, size_t total, size_t points_done,
                          size_t resumed, int final)
{
    if (m->mode == CAMPAIGN_PROGRESS_NONE)
        return;
    double now = campaign_clock();
    double every = m->mode == CAMPAIGN_PROGRESS_TTY ? 0.2 : 10.0;
    if (!final && now - m->last < every)
        return;
    m->last = now;
    double rate = (double)(done - resumed) / (now - m->start > 1e-9 ? now - m->start : 1e-9);
    double eta = rate > 0 ? (double)(total - done) / rate : NAN;
    char line[200];
    snprintf(line, sizeof line,
             "points %zu/%zu, replications %zu/%zu, %.1f rep/s, ETA %s%.0f s", points_done,
             m->points, done, total, rate, isnan(eta) ? "? " : "", isnan(eta) ? 0.0 : eta);
    if (m->mode == CAMPAIGN_PROGRESS_TTY)
        fprintf(stderr, "\r\033[K%s%s", line, final ? "\n" : "");
    else
        fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

/* 1 when point cp meets the precision rule with its first target reps, 0
 * when not, -1 when out of memory. */
static int campaign_precise(const campaign_point *cp, const scenario_precision *prec,
                            double target)
{
    runner_result r = { 0 };
    r.nmetrics = cp->nmetrics;
    r.defs = cp->defs;
    r.nreps = cp->target;
    r.reps = cp->reps;
    if (runner_summarise(&r) != 0)
        return -1;
    int ok = 1;
    for (size_t k = 0; k < cp->nmetrics && ok; k++) {
        int named = 0;
        if (prec->nmetrics) {
            for (size_t i = 0; i < prec->nmetrics; i++)
                named |= strcmp(prec->metrics[i], cp->defs[k].name) == 0;
        } else {
            named = cp->defs[k].kind == STATS_TALLY;
        }
        const stats_summary *s = &r.summary[k];
        if (!named || isnan(s->mean) || s->mean == 0)
            continue;
        if (!(s->half_width <= target * fabs(s->mean)))
            ok = 0;
    }
    free(r.summary);
    return ok;
}

#ifdef MWRASP_HAVE_MPI
/* Every rank contributes its round's records and receives everyone's. */
static int campaign_exchange(const campaign_buf *mine, uint64_t key, campaign_point *pts,
                             size_t npoints)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int len = (int)mine->len;
    int *lens = malloc((size_t)size * sizeof *lens), *offs = malloc((size_t)size * sizeof *offs);
    if (!lens || !offs)
        return -1;
    MPI_Allgather(&len, 1, MPI_INT, lens, 1, MPI_INT, MPI_COMM_WORLD);
    size_t total = 0;
    for (int i = 0; i < size; i++) {
        offs[i] = (int)total;
        total += (size_t)lens[i];
    }
    unsigned char *all = malloc(total ? total : 1);
    if (!all)
        return -1;
    MPI_Allgatherv(mine->data, len, MPI_BYTE, all, lens, offs, MPI_BYTE, MPI_COMM_WORLD);
    int bad = 0;
    for (int i = 0; i < size && !bad; i++)
        campaign_decode(all + offs[i], (size_t)lens[i], key, pts, npoints, NULL, &bad);
    free(all);
    free(lens);
    free(offs);
    return bad ? -1 : 0;
}
#endif

int campaign_run(const scenario_t *base, scenario_t *const *points, size_t npoints,
                 const campaign_opts *o, campaign_result *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    int rc = 0;
    campaign_point *pts = calloc(npoints, sizeof *pts);
    campaign_task *tasks = NULL;
    campaign_journal j = { NULL, NULL, 0 };
    if (!pts)
        return err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
    size_t batch = (size_t)base->replications;
    double target = o->ci_target > 0 ? o->ci_target : base->precision.target;
    size_t max_reps = target > 0 ? (size_t)base->precision.max_replications : batch;
    if (max_reps < batch)
        max_reps = batch;
    for (size_t p = 0; p < npoints; p++)
        pts[p].target = batch;
    int journal_here = o->mpi_rank == 0;
    campaign_opts local = *o;
    if (!journal_here)
        local.journal = NULL;
    if (local.journal || o->resume) {
        if (!journal_here)
            local.journal = o->journal; /* every rank reads it on resume */
        rc = campaign_journal_open(&j, &local, pts, npoints, &out->resumed, e);
        if (!journal_here && j.f) {
            fclose(j.f);
            j.f = NULL;
        }
        if (rc)
            goto done;
    }
    campaign_meter meter = { o->mpi_rank == 0 ? o->progress : CAMPAIGN_PROGRESS_NONE,
                             campaign_clock(), 0, npoints };
    size_t done_total = out->resumed;
    for (;;) {
        /* Tasks of this round, in (point, replication) order. */
        size_t ntasks = 0, planned = 0, points_done = 0;
        for (size_t p = 0; p < npoints; p++) {
            planned += pts[p].target;
            if (campaign_reserve(&pts[p], pts[p].target) != 0) {
                rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
                goto done;
            }
        }
        free(tasks);
        tasks = malloc((planned ? planned : 1) * sizeof *tasks);
        if (!tasks) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            goto done;
        }
        for (size_t p = 0; p < npoints; p++) {
            int complete = 1;
            for (size_t r = 0; r < pts[p].target; r++)
                if (!pts[p].have[r]) {
                    tasks[ntasks].point = (uint32_t)p;
                    tasks[ntasks].rep = (uint32_t)r;
                    ntasks++;
                    complete = 0;
                }
            points_done += complete;
        }
        out->planned = planned;
        if (ntasks == 0)
            break;
        campaign_buf round = { 0 };
        int first_error = -1;
        /* Set once a task failed: the remaining tasks of the round are
         * skipped (their results could not be kept anyway). */
        int abort_round = 0;
        err_t task_error;
        err_clear(&task_error);
        int threads = o->threads > 0 ? o->threads : 1;
        (void)threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
#endif
        for (long t = 0; t < (long)ntasks; t++) {
            if ((size_t)t % (size_t)o->mpi_size != (size_t)o->mpi_rank)
                continue;
            if ((o->interrupt && *o->interrupt) || __atomic_load_n(&abort_round, __ATOMIC_RELAXED))
                continue;
            campaign_task tk = tasks[t];
            runner_rep rep;
            err_t te;
            err_clear(&te);
            int trc = runner_replicate(points[tk.point], tk.point, tk.rep, o->interrupt, &rep, &te);
#ifdef _OPENMP
#pragma omp critical(campaign_store)
#endif
            {
                if (trc == 0) {
                    campaign_point *cp = &pts[tk.point];
                    if (campaign_store(cp, tk.rep, rep.defs, rep.reps, rep.samples, rep.nmetrics,
                                       rep.events, rep.wall_s) != 0 ||
                        campaign_journal_add(&j, cp, tk.point, tk.rep) != 0 ||
                        (o->mpi_size > 1 &&
                         (campaign_encode_defs(&round, o->journal_key, tk.point, cp) ||
                          campaign_encode_rep(&round, o->journal_key, tk.point, tk.rep, cp)))) {
                        trc = ERR_IO;
                        err_set(&te, ERR_IO, o->journal, 0, 0,
                                "cannot record a finished replication (disk full?)");
                    } else {
                        done_total++;
                    }
                }
                if (trc && trc != ERR_INTERRUPTED && (first_error < 0 || t < first_error)) {
                    first_error = (int)t;
                    task_error = te;
                    __atomic_store_n(&abort_round, 1, __ATOMIC_RELAXED);
                }
                campaign_show(&meter, done_total, planned, points_done, out->resumed, 0);
            }
            runner_rep_free(&rep);
        }
#ifdef MWRASP_HAVE_MPI
        if (o->mpi_size > 1) {
            int local_err = first_error >= 0, any_err = 0;
            MPI_Allreduce(&local_err, &any_err, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
            if (!any_err && campaign_exchange(&round, o->journal_key, pts, npoints) != 0)
                any_err = 1;
            int intr = o->interrupt && *o->interrupt, any_intr = 0;
            MPI_Allreduce(&intr, &any_intr, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
            if (any_intr && o->interrupt)
                *o->interrupt = 1;
            if (any_err && first_error < 0) {
                first_error = 0;
                err_set(&task_error, ERR_SOFTWARE, NULL, 0, 0,
                        "another MPI rank failed; see its message");
            }
            /* Rank 0 journals what the other ranks computed. */
            if (journal_here && j.f)
                for (size_t t = 0; t < ntasks; t++)
                    if ((t % (size_t)o->mpi_size) != 0 && pts[tasks[t].point].have[tasks[t].rep])
                        campaign_journal_add(&j, &pts[tasks[t].point], tasks[t].point,
                                             tasks[t].rep);
            done_total = 0;
            for (size_t p = 0; p < npoints; p++)
                for (size_t r = 0; r < pts[p].target; r++)
                    done_total += pts[p].have[r];
        }
#endif
        free(round.data);
        if (first_error >= 0) {
            *e = task_error;
            rc = task_error.code ? task_error.code : ERR_SOFTWARE;
            goto done;
        }
        if (o->interrupt && *o->interrupt) {
            out->saved = done_total;
            rc = err_set(e, ERR_INTERRUPTED, NULL, 0, 0, "interrupted");
            goto done;
        }
        /* Precision: grow the target of points whose CI is still too wide. */
        if (target > 0)
            for (size_t p = 0; p < npoints; p++) {
                int precise = pts[p].target < max_reps
                                  ? campaign_precise(&pts[p], &base->precision, target) : 1;
                if (precise < 0) {
                    rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
                    goto done;
                }
                if (!precise) {
                    pts[p].target += batch;
                    if (pts[p].target > max_reps)
                        pts[p].target = max_reps;
                }
            }
        /* A caller's rule (--decide) sees every point's results so far and
         * may raise targets; it looks only at results, so every rank and
         * every thread count takes the same decisions. */
        if (o->policy) {
            runner_result *views = calloc(npoints, sizeof *views);
            size_t *targets = malloc(npoints * sizeof *targets);
            int prc = views && targets ? 0 : -1;
            for (size_t p = 0; p < npoints && !prc; p++) {
                views[p].nmetrics = pts[p].nmetrics;
                views[p].defs = pts[p].defs;
                views[p].nreps = pts[p].target;
                views[p].reps = pts[p].reps;
                views[p].samples = pts[p].samples;
                views[p].events = pts[p].events;
                views[p].wall_s = pts[p].wall;
                targets[p] = pts[p].target;
                if (runner_summarise(&views[p]) != 0)
                    prc = -1;
            }
            if (!prc)
                prc = o->policy(o->policy_ctx, views, npoints, targets);
            for (size_t p = 0; views && p < npoints; p++)
                free(views[p].summary);
            if (!prc)
                for (size_t p = 0; p < npoints; p++)
                    if (targets[p] > pts[p].target)
                        pts[p].target = targets[p];
            free(views);
            free(targets);
            if (prc) {
                rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
                goto done;
            }
        }
    }
    campaign_show(&meter, done_total, out->planned, npoints, out->resumed, 1);
    out->saved = done_total;

    /* Assemble results in (point, replication) order. */
    out->points = calloc(npoints, sizeof *out->points);
    if (!out->points) {
        rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
        goto done;
    }
    out->npoints = npoints;   /* only now: campaign_result_free walks them */
    for (size_t p = 0; p < npoints; p++) {
        campaign_point *cp = &pts[p];
        runner_result *r = &out->points[p];
        size_t n = cp->nmetrics, R = cp->target;
        r->nmetrics = n;
        r->nreps = R;
        r->defs = malloc((n ? n : 1) * sizeof *r->defs);
        r->reps = malloc((n ? n : 1) * R * sizeof *r->reps);
        r->events = malloc(R * sizeof *r->events);
        r->wall_s = malloc(R * sizeof *r->wall_s);
        r->samples = calloc((n ? n : 1) * R, sizeof *r->samples);
        if (!r->defs || !r->reps || !r->events || !r->wall_s || !r->samples) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            goto done;
        }
        memcpy(r->defs, cp->defs, n * sizeof *r->defs);
        memcpy(r->reps, cp->reps, n * R * sizeof *r->reps);
        /* The samples move to the result (the store is freed below). */
        memcpy(r->samples, cp->samples, n * R * sizeof *r->samples);
        memset(cp->samples, 0, n * R * sizeof *cp->samples);
        memcpy(r->events, cp->events, R * sizeof *r->events);
        memcpy(r->wall_s, cp->wall, R * sizeof *r->wall_s);
        if (runner_summarise(r) != 0) {
            rc = err_set(e, ERR_SOFTWARE, NULL, 0, 0, "out of memory");
            goto done;
        }
    }
done:
    if (j.f) {
        fflush(j.f);
        fsync(fileno(j.f));
        fclose(j.f);
    }
    for (size_t p = 0; p < npoints; p++) {
        if (pts[p].samples)
            for (size_t i = 0; i < pts[p].cap * pts[p].nmetrics; i++)
                runner_samples_free(&pts[p].samples[i]);
        free(pts[p].samples);
        free(pts[p].defs);
        free(pts[p].reps);
        free(pts[p].events);
        free(pts[p].wall);
        free(pts[p].have);
    }
    free(pts);
    free(tasks);
    if (rc && rc != ERR_INTERRUPTED)
        campaign_result_free(out);
    return rc;
}

void campaign_result_free(campaign_result *r)
{
    if (!r)
        return;
    for (size_t p = 0; p < r->npoints; p++)
        runner_result_free(&r->points[p]);
    free(r->points);
    r->points = NULL;
    r->npoints = 0;
}
