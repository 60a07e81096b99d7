/* figfmt.c - figures printed with enough digits (see figfmt.h).
 *
 * Invariant: the text never shows 0 (or 100 %, or 1) for a value that is
 * not exactly that.
 */
#include "figfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define FIGFMT_MAX_DECIMALS 8

/* Decimals that give x (0 < x) two significant digits. */
static int figfmt_decimals_for(double x)
{
    return 1 - (int)floor(log10(x));
}

void figfmt_percent(double fraction, int decimals, const char *na, char *buf, size_t size)
{
    if (!isfinite(fraction)) {
        snprintf(buf, size, "%s", na);
        return;
    }
    double p = 100.0 * fraction, a = fabs(p), gap = fabs(100.0 - p);
    int d = decimals;
    if (a > 0 && a < 1) {
        int need = figfmt_decimals_for(a);
        if (need > FIGFMT_MAX_DECIMALS) {
            snprintf(buf, size, "%.2g%%", p);
            return;
        }
        d = need > d ? need : d;
    } else if (gap > 0 && gap < 1) {
        int need = figfmt_decimals_for(gap);
        if (need > FIGFMT_MAX_DECIMALS) {
            snprintf(buf, size, "100%% %s %.2g%%", p < 100 ? "-" : "+", gap);
            return;
        }
        d = need > d ? need : d;
    }
    snprintf(buf, size, "%.*f%%", d, p);
}

void figfmt_number(double v, const char *na, char *buf, size_t size)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", na);
        return;
    }
    snprintf(buf, size, "%.4g", v);
    /* Only a value within 0.05 % of +-1 prints as "1" at four digits. */
    for (int prec = 5; prec <= 15 && fabs(v) != 1.0 && fabs(strtod(buf, NULL)) == 1.0; prec++)
        snprintf(buf, size, "%.*g", prec, v);
}
