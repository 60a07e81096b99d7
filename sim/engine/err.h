/* err.h - error values passed upward (rule 6).
 *
 * A function that can fail returns an int status (0 ok, otherwise one of the
 * ERR_* exit-code classes below) and fills a caller-owned err_t.  Only main()
 * prints errors and turns them into exit codes.  Nothing below main() exits.
 */
#ifndef MWRASP_ERR_H
#define MWRASP_ERR_H

#include <stddef.h>

/* Exit-code classes, sysexits(3) numbering. */
enum {
    ERR_OK = 0,
    ERR_USAGE = 64,    /* bad command line */
    ERR_DATA = 65,     /* bad scenario data */
    ERR_NOINPUT = 66,  /* missing / unreadable input */
    ERR_SOFTWARE = 70, /* internal error */
    ERR_CANTCREAT = 73,/* cannot create output */
    ERR_IO = 74,       /* I/O error while writing */
    ERR_INTERRUPTED = 130 /* stopped by SIGINT/SIGTERM (128 + 2) */
};

typedef struct err {
    int code;          /* one of ERR_*; 0 when no error */
    char file[256];    /* source of the error, "" when none */
    int line, col;     /* 1-based; 0 when unknown */
    char msg[512];
} err_t;

/* Clears e.  Safe on NULL. */
void err_clear(err_t *e);
/* Sets e (if it is still clear) and returns code, so callers can write
 * `return err_set(e, ERR_DATA, file, line, col, "fmt", ...)`.  The first
 * error wins: later calls do not overwrite it. */
int err_set(err_t *e, int code, const char *file, int line, int col,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Formats e as "file:line:col: msg" (omitting empty parts) into buf. */
void err_format(const err_t *e, char *buf, size_t size);

#endif
