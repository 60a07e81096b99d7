/* units.h - converting a number written with a unit to a metric's unit.
 *
 * Units are the short texts metrics declare ("ms", "s", "h", "1", "%",
 * "1/s", ...).  Durations convert among ns us ms s min h d y; "%" converts
 * to a fraction; "" means "already in the metric's unit".
 */
#ifndef MWRASP_UNITS_H
#define MWRASP_UNITS_H

/* Seconds per time unit, or 0 when unit is not a time unit. */
double units_seconds(const char *unit);

/* Converts x written in unit `from` (a duration unit, "%", "/s", or "" =
 * the metric's unit) to unit `to`.  Returns 0, or -1 when the units do
 * not fit. */
int units_convert(double x, const char *from, const char *to, double *out);

#endif
