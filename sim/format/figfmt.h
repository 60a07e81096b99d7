/* figfmt.h - how the reports (mwrasp-sim's tables, report.md/html) and the
 * dashboard print figures, so that no small value hides behind its
 * rounding.
 *
 * The rule: a figure shows at least two significant digits of what it
 * says, however small.  A percentage keeps its usual decimals when those
 * show two digits, and gets more when they would not: 0.0017 % (not
 * "0.0 %"), 0.042 %, and near 100 % the distance to 100 (99.9958 %, not
 * "100.00 %"); below 1e-6 % it is written 1.7e-07 % (and 100 % - 1.7e-09 %).  Only an exact 0 or
 * 100 prints as such.  A plain number gets four significant digits, and a
 * value that would round to 1 or -1 without being it (a proportion of
 * 0.9999996) gets the digits that tell it apart.
 */
#ifndef MWRASP_FIGFMT_H
#define MWRASP_FIGFMT_H

#include <stddef.h>

/* fraction (0.5 = 50 %) as "50.00%" with `decimals` decimals or more by
 * the rule above; `na` when it is not finite. */
void figfmt_percent(double fraction, int decimals, const char *na, char *buf, size_t size);

/* v with four significant digits (%.4g) or more by the rule above; `na`
 * when it is not finite. */
void figfmt_number(double v, const char *na, char *buf, size_t size);

#endif
