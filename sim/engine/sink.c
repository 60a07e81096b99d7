/* sink.c - escaping and refusing text per output kind (see sink.h).
 *
 * Every function here works byte by byte and treats its input as hostile:
 * no length limit is assumed, and the output can never contain a byte
 * sequence that the target format would interpret.
 */
#include "sink.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int sink_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int sink_in_set(sink_name_kind kind, unsigned char c)
{
    if (sink_alnum(c) || c == '_' || c == '-')
        return 1;
    switch (kind) {
    case SINK_NAME_FILE:
    case SINK_NAME_PATH:
        return c == '.';
    case SINK_NAME_ID:
        return 0;
    case SINK_NAME_LABEL:
        return c != 0 && strchr(" .,:;()%+/=<>!?#&'*", c) != NULL;
    }
    return 0;
}

/* "'x'" for a printable character, "byte 0x0a" otherwise. */
static void sink_describe(unsigned char c, char *buf, size_t size)
{
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02x", c);
}

int sink_name_check(const char *s, sink_name_kind kind, char *why, size_t wsz)
{
    static const char *const sets[] = {
        [SINK_NAME_FILE] = "letters, digits, '_', '-' and '.', starting with a letter or digit",
        [SINK_NAME_ID] = "letters, digits, '_' and '-', starting with a letter or digit",
        [SINK_NAME_PATH] = "letters, digits, '_', '-' and '.'",
        [SINK_NAME_LABEL] = ("ASCII letters, digits, blanks and _ - . , : ; ( ) % + / = < > ! "
                             "? # & ' *"),
    };
    static const char *const hints[] = {
        [SINK_NAME_FILE] = " (it names the results file)",
        [SINK_NAME_ID] = " (it becomes part of metric names)",
        [SINK_NAME_PATH] = "",
        [SINK_NAME_LABEL] = "",
    };
    static const size_t max[] = {
        [SINK_NAME_FILE] = SINK_FILE_NAME_MAX, [SINK_NAME_ID] = SINK_ID_MAX,
        [SINK_NAME_PATH] = 256, [SINK_NAME_LABEL] = SINK_LABEL_MAX,
    };
    size_t n = strlen(s);
    if (n == 0) {
        snprintf(why, wsz, "is empty; it may hold only %s%s", sets[kind], hints[kind]);
        return -1;
    }
    if (n > max[kind]) {
        snprintf(why, wsz, "is %zu characters long; at most %zu", n, max[kind]);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!sink_in_set(kind, c)) {
            char what[24];
            sink_describe(c, what, sizeof what);
            snprintf(why, wsz, "has %s at character %zu; it may hold only %s%s", what, i + 1,
                     sets[kind], hints[kind]);
            return -1;
        }
    }
    if ((kind == SINK_NAME_FILE || kind == SINK_NAME_ID) && !sink_alnum((unsigned char)s[0])) {
        snprintf(why, wsz, "must start with a letter or digit%s", hints[kind]);
        return -1;
    }
    if (kind == SINK_NAME_LABEL && (s[0] == ' ' || s[n - 1] == ' ')) {
        snprintf(why, wsz, "must not start or end with a blank");
        return -1;
    }
    return 0;
}

void sink_gnuplot_string(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '\n')
            fputs("\\n", o);
        else if (c >= 0x20 && c < 0x7f && !strchr("\"\\`@$", c))
            fputc(c, o);
        else
            fprintf(o, "\\%03o", c);
    }
    fputc('"', o);
}

void sink_gnuplot_comment(FILE *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        fputc(c >= 0x20 && c < 0x7f && c != '\\' && c != '`' ? c : '?', o);
    }
}

void sink_gnuplot_data(FILE *o, const char *s)
{
    if (!*s) {
        fputc('-', o);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '\t' || c == '\n' || c == '\r')
            fputc(' ', o);
        else
            fputc(c < 0x20 || c == 0x7f ? '?' : c, o);
    }
}

void sink_html(FILE *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", o); break;
        case '>': fputs("&gt;", o); break;
        case '&': fputs("&amp;", o); break;
        case '"': fputs("&quot;", o); break;
        case '\'': fputs("&#39;", o); break;
        default:
            if (*p >= 0x20 || *p == '\t' || *p == '\n')
                fputc(*p, o);
        }
    }
}

void sink_markdown(FILE *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == '\n' || c == '\r' || c == '\t')
            fputc(' ', o);
        else if (c < 0x20 || c == 0x7f)
            continue;
        else if (strchr("\\`*_[]<>|&~#!{}", c))
            fprintf(o, "\\%c", c);
        else
            fputc(c, o);
    }
}

size_t sink_markdown_fence(const char *body)
{
    size_t run = 0, longest = 0;
    for (const char *p = body; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest + 1 > 3 ? longest + 1 : 3;
}

/* A plain decimal number such as "-5", "+1.5e3" (a spreadsheet reads it
 * as a number, not a formula). */
static int sink_is_number(const char *s)
{
    char *end;
    if (!*s)
        return 0;
    (void)strtod(s, &end);
    return *end == '\0' && end != s;
}

void sink_csv(FILE *o, const char *s)
{
    int formula = strchr("=+-@\t\r", s[0]) && s[0] && !sink_is_number(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', o);
    if (formula)
        fputc('\'', o);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', o);
        fputc(*p, o);
    }
    if (quote)
        fputc('"', o);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t sink_utf8_len(const unsigned char *p)
{
    unsigned c = p[0];
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (c >= 0xf5 || n == 0)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) ||
        (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
        return 0;
    return n;
}

void sink_json_string(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', o), fputc((int)c, o), p++;
        } else if (c == '\n') {
            fputs("\\n", o), p++;
        } else if (c == '\t') {
            fputs("\\t", o), p++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(o, "\\u%04x", c), p++;
        } else if (c < 0x80) {
            fputc((int)c, o), p++;
        } else {
            size_t n = sink_utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", o), p++;
            } else {
                fwrite(p, 1, n, o);
                p += n;
            }
        }
    }
    fputc('"', o);
}

void sink_json_number(FILE *o, double v)
{
    if (isfinite(v))
        fprintf(o, "%.17g", v);
    else
        fputs("null", o);
}

void sink_text(const char *s, int keep_newlines, char *buf, size_t size)
{
    size_t k = 0;
    if (!size)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < size; p++) {
        unsigned char c = *p;
        buf[k++] = (c < 0x20 && !(keep_newlines && c == '\n')) || c == 0x7f ? '?' : (char)c;
    }
    buf[k] = '\0';
}

int sink_h5_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 1024 || !strcmp(s, "."))
        return -1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == '/' || *p < 0x20 || *p == 0x7f)
            return -1;
    return 0;
}

void sink_file_stem(const char *s, char *buf, size_t size)
{
    enum { STEM_MAX = 96 };
    char stem[STEM_MAX + 16];
    size_t k = 0;
    int changed = 0;
    if (s[0] == '.' || s[0] == '-' || !s[0]) {
        stem[k++] = '_';
        changed = 1;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (k == STEM_MAX) {
            changed = 1;
            break;
        }
        int ok = sink_alnum(*p) || *p == '.' || *p == '_' || *p == '-';
        stem[k++] = ok ? (char)*p : '_';
        changed |= !ok;
    }
    stem[k] = '\0';
    if (changed) {
        uint32_t h = 2166136261u;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            h = (h ^ *p) * 16777619u;
        snprintf(stem + k, sizeof stem - k, "-%08x", (unsigned)h);
    }
    snprintf(buf, size, "%s", stem);
}
