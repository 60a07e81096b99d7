/* launch.c - parallel-launcher detection from the environment (launch.h).
 *
 * Nothing here keeps state: launch_detect reads getenv each time and
 * launch_refuse is a pure function of its arguments.
 */
#include "launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A non-negative whole number from the environment, or -1 when the
 * variable is absent or not a number (a garbled value says nothing). */
static long launch_env_long(const char *name)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return -1;
    char *end;
    long v = strtol(s, &end, 10);
    return *end || v < 0 ? -1 : v;
}

static int launch_env_set(const char *name)
{
    return getenv(name) != NULL;
}

int launch_detect(launch_info *out)
{
    memset(out, 0, sizeof *out);
    out->rank = -1;
    if (launch_env_set("SLURM_PROCID") && launch_env_set("SLURM_STEP_ID")) {
        long tasks = launch_env_long("SLURM_STEP_NUM_TASKS");
        if (tasks < 0)
            tasks = launch_env_long("SLURM_NTASKS");
        out->slurm_tasks = tasks > 0 ? tasks : 0;
    }
    /* The MPI launchers first: under srun --mpi=pmix both sets are there,
     * and the MPI one is what MPI_Init will see. */
    if (launch_env_set("OMPI_COMM_WORLD_SIZE") || launch_env_set("OMPI_COMM_WORLD_RANK")) {
        out->launcher = "mpirun (Open MPI)";
        out->size = launch_env_long("OMPI_COMM_WORLD_SIZE");
        out->rank = launch_env_long("OMPI_COMM_WORLD_RANK");
    } else if (launch_env_set("PMI_SIZE") || launch_env_set("PMI_RANK")) {
        out->launcher = "mpiexec (MPICH/Hydra PMI)";
        out->size = launch_env_long("PMI_SIZE");
        out->rank = launch_env_long("PMI_RANK");
    } else if (launch_env_set("PMIX_RANK")) {
        out->launcher = "a PMIx launcher";
        out->size = -1;
        out->rank = launch_env_long("PMIX_RANK");
    } else if (launch_env_set("SLURM_PROCID") && launch_env_set("SLURM_STEP_ID")) {
        out->launcher = "srun (Slurm)";
        out->size = out->slurm_tasks;
        out->rank = launch_env_long("SLURM_PROCID");
    } else {
        return 0;
    }
    /* PMIx names no size; srun does, when it started this step. */
    if (out->size <= 0)
        out->size = out->slurm_tasks; /* 0: unknown */
    return 1;
}

int launch_refuse(const launch_info *li, int have_mpi, int mpi_size, char *msg,
                  size_t size)
{
    if (!li->launcher)
        return 0;
    if (!have_mpi) {
        if (li->size == 1)
            return 0;
        char count[48] = "several processes";
        if (li->size > 1)
            snprintf(count, sizeof count, "%ld processes", li->size);
        snprintf(msg, size,
                 "started by %s as %s, but this mwrasp-sim was built without MPI and each "
                 "would run the whole study: rebuild with MPI (apt-get install libopenmpi-dev "
                 "openmpi-bin, then make) or run it once without the launcher",
                 li->launcher, count);
        return 1;
    }
    if (li->size > 1 && mpi_size != li->size) {
        if (li->slurm_tasks > 1 && mpi_size == 1)
            snprintf(msg, size,
                     "srun started %ld tasks but MPI sees each alone (srun has no PMI plugin "
                     "here): run srun --mpi=pmix (see srun --mpi=list) or mpirun instead",
                     li->slurm_tasks);
        else
            snprintf(msg, size,
                     "%s started %ld processes but MPI sees %d: the launcher belongs to "
                     "another MPI than the one mwrasp-sim was built with; use that MPI's "
                     "mpirun (mwrasp-sim --version names it)",
                     li->launcher, li->size, mpi_size);
        return 1;
    }
    return 0;
}
