/* sink.h - the one place each kind of output escapes (or refuses) text it
 * did not write itself.
 *
 * Scenario files and results files may come from someone else, so every
 * string taken from them (names, descriptions, paths, sweep values) is
 * hostile until a sink has made it inert for where it goes.  One function
 * per sink; callers never interpolate such text with a bare %s:
 *   gnuplot script    sink_gnuplot_string (a "..." literal), sink_gnuplot_comment
 *   gnuplot data      sink_gnuplot_data (one tab-separated field)
 *   HTML              sink_html (element text and quoted attribute values)
 *   Markdown          sink_markdown (inline text, table cells), sink_markdown_fence
 *   CSV               sink_csv (one RFC 4180 field, spreadsheet formulas defused)
 *   JSON              sink_json_string (a "..." string), sink_json_number
 *   plain text        sink_text (terminal, dashboard: no control characters)
 *   HDF5 object name  sink_h5_name (refuses)
 *   file name         sink_file_stem (maps to a safe path component)
 *
 * Names that a scenario gives (sink_name_check) are also restricted at load
 * time to a documented character set, so that they never need escaping in
 * the places they become identifiers: file names, metric names, HDF5 links.
 */
#ifndef MWRASP_SINK_H
#define MWRASP_SINK_H

#include <stddef.h>
#include <stdio.h>

/* Longest name sink_name_check accepts, per kind. */
#define SINK_FILE_NAME_MAX 64
#define SINK_ID_MAX 64
#define SINK_LABEL_MAX 200

typedef enum sink_name_kind {
    /* Names a file (the scenario's `name:`): letters, digits, '_', '-',
     * '.', starting with a letter or digit. */
    SINK_NAME_FILE,
    /* Becomes part of metric names (attack timeline names, escalation
     * roles): letters, digits, '_', '-', starting with a letter or digit. */
    SINK_NAME_ID,
    /* Dotted references (metric names, scenario paths in sweeps and
     * capacity): letters, digits, '_', '-', '.'. */
    SINK_NAME_PATH,
    /* A human label (claim names): printable ASCII letters, digits, blanks
     * and _ - . , : ; ( ) % + / = < > ! ? # & ' *, no leading/trailing
     * blank. */
    SINK_NAME_LABEL
} sink_name_kind;

/* 0 when s is a valid name of that kind; else -1 with why filled ("may hold
 * only ..."), mentioning the first offending character. */
int sink_name_check(const char *s, sink_name_kind kind, char *why, size_t wsz);

/* A gnuplot double-quoted string literal, quotes included.  Only printable
 * ASCII that gnuplot gives no meaning to is copied; everything else (quotes,
 * backslashes, backquotes, which gnuplot runs as shell commands even inside
 * "...", '@', '$', non-ASCII bytes, control characters) is written as an
 * octal escape, and a newline as \n (a line break in a title). */
void sink_gnuplot_string(FILE *o, const char *s);
/* Text after "# " in a gnuplot script: one line, printable ASCII, no
 * backslash (which would continue the comment onto the next line) and no
 * backquote; other bytes become '?'. */
void sink_gnuplot_comment(FILE *o, const char *s);
/* One field of a tab-separated .dat file: "-" for an empty string, blanks
 * for tabs and line breaks, '?' for other control characters. */
void sink_gnuplot_data(FILE *o, const char *s);

/* HTML text or attribute value: & < > " ' as entities, control characters
 * other than tab and newline dropped. */
void sink_html(FILE *o, const char *s);
/* Markdown inline text (also a table cell): every character CommonMark or
 * GFM tables give a meaning to is backslash-escaped, line breaks become
 * blanks, so text cannot open HTML, links, code, emphasis or new cells. */
void sink_markdown(FILE *o, const char *s);
/* Length of the backquote fence that can enclose body as a code block
 * (one more than its longest run of backquotes, at least 3). */
size_t sink_markdown_fence(const char *body);

/* One CSV field (RFC 4180): quoted when it holds a comma, quote or line
 * break.  A field that a spreadsheet would run as a formula (starting with
 * = + - @ tab or CR, unless it is a plain number) is prefixed with '. */
void sink_csv(FILE *o, const char *s);

/* A JSON string literal (RFC 8259), quotes included: '"', '\\' and
 * control characters escaped (\n, \t, \u00XX), valid UTF-8 copied, every
 * byte of an invalid UTF-8 sequence written as \ufffd, so the output is
 * always valid JSON text. */
void sink_json_string(FILE *o, const char *s);
/* A JSON number (%.17g, which reads back to the same double), or null for
 * NaN and infinities, which JSON has no literal for. */
void sink_json_number(FILE *o, double v);

/* Plain text for a terminal or a text file: s with control characters
 * (other than newline when keep_newlines) replaced by '?', into buf. */
void sink_text(const char *s, int keep_newlines, char *buf, size_t size);

/* 0 when s can be an HDF5 link name as is (non-empty, no '/', not ".",
 * at most 1024 bytes, no control characters); -1 otherwise. */
int sink_h5_name(const char *s);

/* A file-name component made from s: letters, digits, '.', '_' and '-'
 * kept, anything else '_'; never empty, never starting with '.' or '-';
 * at most 96 characters.  When s had to change, a hash of s is appended
 * so that different names keep different stems. */
void sink_file_stem(const char *s, char *buf, size_t size);

#endif
