#ifndef DNNRUN_CYAML_SHIM_H
#define DNNRUN_CYAML_SHIM_H
#include <yaml.h>
#endif
