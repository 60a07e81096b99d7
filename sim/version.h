/* version.h - the code version; the git revision comes from the build. */
#ifndef MWRASP_VERSION_H
#define MWRASP_VERSION_H

#define MWRASP_VERSION "0.1.0"
#ifndef MWRASP_GIT_REV
#define MWRASP_GIT_REV "unknown"
#endif

#endif
