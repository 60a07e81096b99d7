/* escalation.h - the runbook's IncidentEscalationMatrix (L828-L881): an
 * incident of a type and severity pages every role on its path; each role
 * has on-call staff who acknowledge pages after a random time and then
 * work the incident; a person handles one incident at a time, so pages
 * queue (FIFO) when everyone in the role is busy.
 *
 * The default matrix is the runbook's (incident type x severity -> roles;
 * an unknown type goes to soc_analyst, L867).  Scenario section
 * `escalation`: matrix.<type>.<severity> (a list of roles, replacing that
 * cell), defaults.{staff, ack, handle} for roles not listed under roles,
 * and roles.<role>.{staff, ack, handle}; the defaults' values are rows of
 * the parameter table in models/escalation.c (`mwrasp-sim --help-model
 * escalation`, docs/scenarios.md).
 * ack: time from page (or from a person freeing up) to acknowledgement;
 * handle: time the person then stays on the incident.
 *
 * Incidents arrive from response: ESCALATION_EV_INCIDENT.
 *
 * Metrics: the metric table in models/escalation.c.
 */
#ifndef MWRASP_ESCALATION_H
#define MWRASP_ESCALATION_H

#include <stdint.h>

#include "signals.h"
#include "sim.h"

extern const sim_model escalation_model;

#define ESCALATION_MAX_ROLES 40
#define ESCALATION_MAX_PATH 8

/* Event kinds: the first comes from the response model, the rest are the
 * model's own. */
typedef enum escalation_kind {
    ESCALATION_EV_INCIDENT = 1, /* escalation_send_incident */
    ESCALATION_EV_FREE          /* a responder is free again */
} escalation_kind;

/* A classified incident to escalate (pages the roles of its path). */
typedef struct escalation_incident_msg {
    uint32_t incident;          /* the response model's incident id */
    uint32_t type;              /* response_type */
    uint32_t severity;          /* response_severity */
} escalation_incident_msg;
SIM_TYPED_SEND(escalation_send_incident, ESCALATION_EV_INCIDENT,
               escalation_incident_msg, msg->incident);

typedef struct escalation_role {
    const char *name;           /* owned by the scenario document or static */
    int64_t staff;
    dist_t ack, handle;         /* ns */
} escalation_role;

typedef struct escalation_params {
    int nroles;
    escalation_role roles[ESCALATION_MAX_ROLES];
    /* path[type][severity] = role indices */
    int path_len[RESPONSE_NTYPES][RESPONSE_NSEVERITIES];
    int path[RESPONSE_NTYPES][RESPONSE_NSEVERITIES][ESCALATION_MAX_PATH];
    /* defaults.*: for roles not listed under roles */
    int64_t default_staff;
    dist_t default_ack, default_handle;
} escalation_params;

/* The runbook's default path, NULL-terminated role names. */
const char *const *escalation_default_path(response_type type, response_severity sev);

#endif
