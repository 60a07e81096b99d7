/* registry.c - the model list.  Order is part of determinism: models are
 * initialised in this order and their ids are these indices. */
#include "registry.h"

#include <string.h>

#include "agents.h"
#include "attacks.h"
#include "auth.h"
#include "canaries.h"
#include "consensus.h"
#include "escalation.h"
#include "fragments.h"
#include "key_rotation.h"
#include "mmc.h"
#include "phold.h"
#include "response.h"

static const sim_model *const registry[] = {
    &mmc_model,
    &phold_model,
    &agents_model,
    &auth_model,
    &consensus_model,
    &canaries_model,
    &fragments_model,
    &response_model,
    &escalation_model,
    &attacks_model,
    &key_rotation_model,
};

const sim_model *const *registry_models(size_t *count)
{
    if (count)
        *count = registry_count();
    return registry;
}

size_t registry_count(void)
{
    return sizeof registry / sizeof registry[0];
}

int registry_find(const char *name)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return (int)i;
    return -1;
}
