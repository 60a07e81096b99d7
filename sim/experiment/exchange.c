/* exchange.c - the MPI exchange of a campaign's rounds (see exchange.h).
 */
#include "exchange.h"

#include <stdlib.h>

#ifdef MWRASP_HAVE_MPI
#include <mpi.h>

int exchange_any(int flag)
{
    int any = 0;
    MPI_Allreduce(&flag, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}

/* Every rank contributes its round's records and receives everyone's. */
int exchange_records(const repstore_buf *mine, uint64_t key, repstore_point *pts,
                     size_t npoints)
{
    int size;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int len = (int)mine->len;
    int *lens = malloc((size_t)size * sizeof *lens), *offs = malloc((size_t)size * sizeof *offs);
    if (!lens || !offs)
        return -1;
    MPI_Allgather(&len, 1, MPI_INT, lens, 1, MPI_INT, MPI_COMM_WORLD);
    size_t total = 0;
    for (int i = 0; i < size; i++) {
        offs[i] = (int)total;
        total += (size_t)lens[i];
    }
    unsigned char *all = malloc(total ? total : 1);
    if (!all)
        return -1;
    MPI_Allgatherv(mine->data, len, MPI_BYTE, all, lens, offs, MPI_BYTE, MPI_COMM_WORLD);
    int bad = 0;
    for (int i = 0; i < size && !bad; i++)
        repstore_decode(all + offs[i], (size_t)lens[i], key, pts, npoints, NULL, &bad);
    free(all);
    free(lens);
    free(offs);
    return bad ? -1 : 0;
}
#else
int exchange_any(int flag)
{
    return flag;
}

int exchange_records(const repstore_buf *mine, uint64_t key, repstore_point *pts,
                     size_t npoints)
{
    (void)mine, (void)key, (void)pts, (void)npoints;
    return 0;
}
#endif
