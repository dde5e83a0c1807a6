#ifndef DNNRUN_CHDF5_SHIM_H
#define DNNRUN_CHDF5_SHIM_H
#include <hdf5.h>

// HDF5's predefined type and property-list identifiers are macros over global
// variables (H5OPEN H5T_NATIVE_DOUBLE_g ...), which Swift cannot import. These
// inline wrappers expose them as functions.
static inline hid_t dnn_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t dnn_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t dnn_h5s_all(void) { return H5S_ALL; }
static inline unsigned dnn_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }

#endif
