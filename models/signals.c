/* signals.c - the names of the incident vocabulary (see signals.h). */
#include "signals.h"

const char *const response_type_names[] = {
    "quantum_attack", "ai_agent_compromise", "consensus_failure", "data_breach", NULL,
};
const char *const response_severity_names[] = {"low", "medium", "high", "critical", NULL};

const char *response_type_name(response_type t)
{
    return (unsigned)t < RESPONSE_NTYPES ? response_type_names[t] : "?";
}

const char *response_severity_name(response_severity s)
{
    return (unsigned)s < RESPONSE_NSEVERITIES ? response_severity_names[s] : "?";
}
