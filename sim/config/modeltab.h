/* modeltab.h - a model's parameter and metric tables, read and printed.
 *
 * The configuration layer's side of the declarative model descriptor
 * (sim.h: sim_param, sim_metric_spec).  modeltab_configure pulls a model's
 * scenario section row by row through the typed cfg_* getters, so the
 * --validate lines, the messages and the defaults are exactly those of the
 * getters; the same rows print `mwrasp-sim --help-model NAME` and the key
 * reference of docs/scenarios.md, so a default is written once, in the
 * table.
 */
#ifndef MWRASP_MODELTAB_H
#define MWRASP_MODELTAB_H

#include <stdio.h>

#include "cfg.h"
#include "sim.h"

/* Reads section (NULL when absent) into params with m's table, then runs
 * m->configure when set.  The prefix of c is the model's ("mmc.") on entry
 * and on return.  0, or -1 after recording diagnostics. */
int modeltab_configure(cfg_ctx *c, cfg_node *section, const sim_model *m, void *params);

/* For a hook: reads the row of m whose dotted key is key (one marked
 * custom) from map, the mapping that holds its last part.  0 or -1. */
int modeltab_get(cfg_ctx *c, cfg_node *map, const sim_model *m, const char *key, void *params);

/* Prints m's parameter and metric tables as text (--help-model). */
void modeltab_help(const sim_model *m, FILE *out);

/* Prints the per-model key and metric reference of docs/scenarios.md, one
 * "### name" part per model, in registry order. */
void modeltab_markdown(const sim_model *const *models, size_t n, FILE *out);

#endif
