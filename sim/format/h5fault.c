/* h5fault.c - the HDF5 hooks of fault injection (see h5fault.h): each
 * write-side call fails when fault_h5_hit() says this is the k-th.  Empty
 * unless the program is built with MWRASP_FAULT_INJECTION. */
#include "h5fault.h"

#ifdef MWRASP_FAULT
/* The build force-includes h5fault.h (with its macros) before this file:
 * here the names mean the real functions again. */
#undef H5Fcreate
#undef H5Gcreate2
#undef H5Dcreate2
#undef H5Acreate2
#undef H5Dwrite
#undef H5Awrite
#undef H5Fflush
#undef H5Fget_file_image

#define FAULT_H5(call) (fault_h5_hit() ? -1 : (call))

hid_t fault_H5Fcreate(const char *name, unsigned flags, hid_t fcpl, hid_t fapl)
{
    return FAULT_H5(H5Fcreate(name, flags, fcpl, fapl));
}

hid_t fault_H5Gcreate2(hid_t loc, const char *name, hid_t lcpl, hid_t gcpl, hid_t gapl)
{
    return FAULT_H5(H5Gcreate2(loc, name, lcpl, gcpl, gapl));
}

hid_t fault_H5Dcreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t lcpl,
                       hid_t dcpl, hid_t dapl)
{
    return FAULT_H5(H5Dcreate2(loc, name, type, space, lcpl, dcpl, dapl));
}

hid_t fault_H5Acreate2(hid_t loc, const char *name, hid_t type, hid_t space, hid_t acpl,
                       hid_t aapl)
{
    return FAULT_H5(H5Acreate2(loc, name, type, space, acpl, aapl));
}

herr_t fault_H5Dwrite(hid_t ds, hid_t mtype, hid_t mspace, hid_t fspace, hid_t xfer,
                      const void *buf)
{
    return FAULT_H5(H5Dwrite(ds, mtype, mspace, fspace, xfer, buf));
}

herr_t fault_H5Awrite(hid_t attr, hid_t type, const void *buf)
{
    return FAULT_H5(H5Awrite(attr, type, buf));
}

herr_t fault_H5Fflush(hid_t obj, H5F_scope_t scope)
{
    return FAULT_H5(H5Fflush(obj, scope));
}

ssize_t fault_H5Fget_file_image(hid_t file, void *buf, size_t len)
{
    return FAULT_H5(H5Fget_file_image(file, buf, len));
}

#else
/* ISO C wants a translation unit to declare something. */
typedef int h5fault_disabled;
#endif
