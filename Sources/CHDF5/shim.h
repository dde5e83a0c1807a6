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
static inline hid_t dnn_h5p_file_access(void) { return H5P_FILE_ACCESS; }

// Native memory types, one per element type the dataset reader keeps as is.
static inline hid_t dnn_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t dnn_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t dnn_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t dnn_h5t_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t dnn_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t dnn_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t dnn_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t dnn_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t dnn_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }

// The default error stack, for silencing HDF5's own printing and reading its messages.
static inline hid_t dnn_h5e_default(void) { return H5E_DEFAULT; }

// For writing files (tests): truncating create, a C string type, a big-endian integer.
static inline unsigned dnn_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline hid_t dnn_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t dnn_h5t_std_i32be(void) { return H5T_STD_I32BE; }
static inline hid_t dnn_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }

#endif
