/* registry.h - the one list of models (rule 2).
 *
 * A model's registry index is its id in every replication; events carry
 * it.  To add a model: write models/<name>.c/.h exposing a const sim_model,
 * add the line MODEL(<name>) at the end of models/models.def, and the line
 * mwrasp_model(<name>) to CMakeLists.txt.
 */
#ifndef MWRASP_REGISTRY_H
#define MWRASP_REGISTRY_H

#include <stddef.h>

#include "sim.h"

/* The registry array and (when count is not NULL) its length. */
const sim_model *const *registry_models(size_t *count);
/* The registry's length. */
size_t registry_count(void);
/* Index of the model called name, or -1. */
int registry_find(const char *name);

#endif
