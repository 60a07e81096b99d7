/* h5fault.h - the HDF5 half of fault injection (engine/fault.h has the
 * allocation half and the counters): with MWRASP_FAULT_INJECTION, CMake
 * force-includes this header into the sources of the layers that call
 * HDF5, and the write-side calls below go through format/h5fault.c, which
 * fails the k-th of them (MWRASP_FAULT_H5=k).
 */
#ifndef MWRASP_H5FAULT_H
#define MWRASP_H5FAULT_H

#include "fault.h"

#ifdef MWRASP_FAULT

/* The real declarations first, so that the macros below do not rename
 * them. */
#include <hdf5.h>

hid_t fault_H5Fcreate(const char *name, unsigned flags, hid_t fcpl, hid_t fapl);
hid_t fault_H5Gcreate2(hid_t loc, const char *name, hid_t lcpl, hid_t gcpl, hid_t gapl);
hid_t fault_H5Dcreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t lcpl,
                       hid_t dcpl, hid_t dapl);
hid_t fault_H5Acreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t acpl,
                       hid_t aapl);
herr_t fault_H5Dwrite(hid_t ds, hid_t mtype, hid_t mspace, hid_t fspace, hid_t xfer,
                      const void *buf);
herr_t fault_H5Awrite(hid_t attr, hid_t type, const void *buf);
herr_t fault_H5Fflush(hid_t obj, H5F_scope_t scope);
ssize_t fault_H5Fget_file_image(hid_t file, void *buf, size_t len);

#define H5Fcreate(...) fault_H5Fcreate(__VA_ARGS__)
#define H5Gcreate2(...) fault_H5Gcreate2(__VA_ARGS__)
#define H5Dcreate2(...) fault_H5Dcreate2(__VA_ARGS__)
#define H5Acreate2(...) fault_H5Acreate2(__VA_ARGS__)
#define H5Dwrite(...) fault_H5Dwrite(__VA_ARGS__)
#define H5Awrite(...) fault_H5Awrite(__VA_ARGS__)
#define H5Fflush(...) fault_H5Fflush(__VA_ARGS__)
#define H5Fget_file_image(...) fault_H5Fget_file_image(__VA_ARGS__)

#endif /* MWRASP_FAULT */
#endif
