/* units.c - unit conversion (see units.h). */
#include "units.h"

#include <string.h>

double units_seconds(const char *unit)
{
    static const struct { const char *u; double s; } t[] = {
        { "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 }, { "s", 1.0 },
        { "min", 60.0 }, { "h", 3600.0 }, { "d", 86400.0 }, { "y", 31557600.0 },
        { "years", 31557600.0 },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(unit, t[i].u) == 0)
            return t[i].s;
    return 0;
}

int units_convert(double x, const char *from, const char *to, double *out)
{
    if (!from[0] || strcmp(from, to) == 0) {
        *out = x;
        return 0;
    }
    if (strcmp(from, "%") == 0) {
        *out = strcmp(to, "%") == 0 ? x : x / 100.0;
        return 0;
    }
    double fs = units_seconds(from), ts = units_seconds(to);
    if (fs > 0 && ts > 0) {
        *out = x * fs / ts;
        return 0;
    }
    if (strcmp(from, "/s") == 0 && strcmp(to, "1/s") == 0) {
        *out = x;
        return 0;
    }
    return -1;
}
