/* launch.h - was this process started as one of several by a parallel
 * launcher (mpirun, mpiexec, srun), and may it run?
 *
 * Read from the environment alone, with no MPI call, so that a binary built
 * without MPI can refuse to run as N independent copies of the whole study
 * (N tables, N writers of one results file), and one built with MPI calls
 * MPI_Init only when a launcher started it.
 *
 * Launchers and what they set:
 *   Open MPI mpirun/mpiexec  OMPI_COMM_WORLD_SIZE, OMPI_COMM_WORLD_RANK
 *   MPICH/Hydra mpiexec      PMI_SIZE, PMI_RANK (also srun --mpi=pmi2)
 *   PMIx (prterun, srun --mpi=pmix)  PMIX_RANK
 *   Slurm srun               SLURM_PROCID with SLURM_STEP_ID and
 *                            SLURM_STEP_NUM_TASKS (or SLURM_NTASKS)
 * An sbatch script itself also has SLURM_PROCID=0 and SLURM_NTASKS, but no
 * SLURM_STEP_ID: there one process runs, and it is not treated as launched.
 */
#ifndef MWRASP_LAUNCH_H
#define MWRASP_LAUNCH_H

#include <stddef.h>

typedef struct launch_info {
    const char *launcher; /* e.g. "mpirun (Open MPI)"; NULL when not launched */
    long size;            /* processes started; 0 when the launcher does not say */
    long rank;            /* this process's rank; -1 when unknown */
    long slurm_tasks;     /* tasks in this srun step; 0 outside one */
} launch_info;

/* Fills *out from the environment; returns 1 when launched, else 0. */
int launch_detect(launch_info *out);

/* Whether a launched process must refuse to run, given whether the binary
 * has MPI and, when it has, the size MPI_Comm_size reported (0 before
 * MPI_Init).  Returns 1 with a one-line message naming the fix in msg, or
 * 0 to go on.
 *  - without MPI: refuse unless the launcher started exactly one process;
 *  - with MPI: refuse when the launcher's count and MPI's differ, e.g.
 *    srun without a PMI plugin, where every task is an MPI singleton. */
int launch_refuse(const launch_info *li, int have_mpi, int mpi_size, char *msg,
                  size_t size);

#endif
