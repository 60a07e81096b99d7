/* registry.c - the model list.  Order is part of determinism: models are
 * initialised in this order and their ids are these indices. */
#include "registry.h"

#include <string.h>

#include "agents.h"
#include "auth.h"
#include "consensus.h"
#include "mmc.h"
#include "phold.h"

static const sim_model *const registry[] = {
    &mmc_model,
    &phold_model,
    &agents_model,
    &auth_model,
    &consensus_model,
};

const sim_model *const *registry_models(size_t *count)
{
    *count = sizeof registry / sizeof registry[0];
    return registry;
}

int registry_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return (int)i;
    return -1;
}
