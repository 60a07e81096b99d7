/* registry.c - the model list, from models/models.def.  Order is part of
 * determinism: models are initialised in that order and their ids are
 * these indices. */
#include "registry.h"

#include <string.h>

/* Each model's descriptor, declared from the list (no model header needed). */
#define MODEL(name) extern const sim_model name##_model;
#include "models.def"
#undef MODEL

static const sim_model *const registry[] = {
#define MODEL(name) &name##_model,
#include "models.def"
#undef MODEL
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
