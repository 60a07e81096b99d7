/* h5scale.h - HDF5 dimension scales (H5DS) for a sweep's summaries, so that
 * netCDF-4 readers (xarray with h5netcdf, ncdump) see labelled axes:
 *   xarray.open_dataset(f, engine="h5netcdf", group="sweep/summary")
 *
 * In /sweep/summary, beside the metrics' compound datasets:
 *   grid: one dimension scale per axis, named by its path
 *         ("consensus.nodes"), holding the axis' values as numbers in SI
 *         units (durations in s, rates in 1/s, "%" as a fraction; a unit
 *         the values share and that does not convert is kept as written,
 *         "128B" -> 128 with units "B"); an axis whose values are not all
 *         numbers ("pbft", "raft") is a scale of strings (units "text").
 *   zip:  one scale "point" (0..points-1) and, per axis, a 1-D [points]
 *         coordinate named by its path, listed in each summary's
 *         `coordinates` attribute (the netCDF convention).
 * Scales are plain (non-compound) datasets: readers of the metrics skip
 * them by type.
 */
#ifndef MWRASP_H5SCALE_H
#define MWRASP_H5SCALE_H

#include <hdf5.h>
#include <stddef.h>

#include "sweep.h"

/* The numeric value of an axis' values: out[i] and a unit ("1" when the
 * values are plain numbers).  Returns 0, or -1 when some value is not a
 * number in a unit that all share or that converts (then out is
 * unspecified). */
int h5scale_numeric(const sweep_axis *a, double *out, const char **unit);

typedef struct h5scale_set {
    hid_t scale[32];  /* per summary dimension */
    int rank;
    char coordinates[1024];  /* zip: the `coordinates` attribute, else "" */
} h5scale_set;

/* Writes the scales into group g for a sweep of np points and fills set.
 * 0, or -1 on an HDF5 failure (set's open scales are closed). */
int h5scale_write(hid_t g, const sweep_spec *sw, size_t np, h5scale_set *set);
/* Attaches the scales to dataset ds (shaped as h5scale_write said). */
int h5scale_attach(hid_t ds, const h5scale_set *set);
void h5scale_close(h5scale_set *set);

#endif
