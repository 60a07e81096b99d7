/* sweep.h - parameter grids: which scenario points a run covers.
 *
 * A sweep maps dotted scenario paths to value lists:
 *   sweep:
 *     mode: grid | zip                 # full factorial (default) or paired
 *     consensus.nodes: [4, 16, 64, 127]
 *     agents.count: {from: 1000, to: 1000000, num: 4, scale: log}
 *     auth.timeout: {from: 1ms, to: 5ms, step: 1ms}
 * Values are kept as text and applied to the scenario as --set overrides,
 * so each point is checked by the models' own schema.  Point p's values
 * follow row-major order (the last axis varies fastest).
 */
#ifndef MWRASP_SWEEP_H
#define MWRASP_SWEEP_H

#include <stddef.h>

#include "cfg.h"
#include "err.h"

#define SWEEP_MAX_VALUES 100000
#define SWEEP_MAX_POINTS 1000000

typedef struct sweep_axis {
    char *path;      /* dotted scenario path */
    char **values;   /* as YAML scalars, e.g. "127", "2ms" */
    size_t nvalues;
    /* Where each value was written (1-based), in the scenario file, or on
     * the command line (from_cli: column in the --sweep option). */
    int *line, *col;
    int from_cli;
} sweep_axis;

typedef struct sweep_spec {
    sweep_axis *axes;
    size_t naxes;
    int zip;         /* 1: point i takes value i of every axis */
} sweep_spec;

/* Reads a `sweep:` mapping (positions in diagnostics).  0 or -1. */
int sweep_parse(cfg_ctx *c, cfg_node *section, sweep_spec *out);
/* Adds (or replaces) an axis from "path=v1,v2,..." (the --sweep option).
 * ERR_USAGE on a malformed spec. */
int sweep_add_cli(sweep_spec *s, const char *spec, err_t *e);
/* Number of points: 1 without axes; product (grid) or common length (zip).
 * ERR_USAGE/ERR_DATA in e when zip lengths differ or the grid is too big;
 * then returns 0. */
size_t sweep_points(const sweep_spec *s, err_t *e);
/* Index into axis a's values for point p. */
size_t sweep_value_index(const sweep_spec *s, size_t point, size_t axis);
/* Writes "path=value" for axis a of point p into buf. */
void sweep_assignment(const sweep_spec *s, size_t point, size_t axis,
                      char *buf, size_t size);
/* Where axis a's value for point p was written: *line, *col; returns 1
 * when it came from --sweep, 0 from the scenario file. */
int sweep_value_pos(const sweep_spec *s, size_t point, size_t axis, int *line, int *col);
void sweep_free(sweep_spec *s);

/* Expands a range {from, to, step} or {from, to, num[, scale: log]} whose
 * bounds may carry the same unit suffix ("1ms").  Exposed for tests.
 * Returns the number of values (<= max) or -1 with why filled. */
long sweep_expand_range(const char *from, const char *to, const char *step,
                        long num, int log_scale, char **values, size_t max,
                        char *why, size_t wsz);

#endif
