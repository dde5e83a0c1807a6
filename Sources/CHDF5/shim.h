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

// Opening a file from bytes already in memory (the core driver over a file image),
// without libhdf5 copying them: every "copy" of the image it asks for is the caller's
// buffer itself, which must stay unchanged and alive until the file is closed (the way
// H5LTopen_file_image's DONT_COPY mode works, without linking the high-level library).
typedef struct { void *buffer; size_t size; } dnn_file_image;

static void *dnn_image_malloc(size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)op;
    dnn_file_image *image = (dnn_file_image *)udata;
    return size == image->size ? image->buffer : NULL;
}
static void *dnn_image_memcpy(void *dest, const void *src, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)size; (void)op; (void)udata;
    return dest == src ? dest : NULL;  // only ever "copies" the buffer onto itself
}
static void *dnn_image_realloc(void *ptr, size_t size, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)size; (void)op; (void)udata;
    return NULL;  // the file is read-only: never resized
}
static herr_t dnn_image_free(void *ptr, H5FD_file_image_op_t op, void *udata) {
    (void)ptr; (void)op; (void)udata;
    return 0;  // the caller frees the buffer
}
static void *dnn_image_udata_copy(void *udata) { return udata; }
static herr_t dnn_image_udata_free(void *udata) { (void)udata; return 0; }

/// Sets up `fapl` to open `image` (which must outlive the file) with the core driver.
static inline herr_t dnn_set_file_image(hid_t fapl, dnn_file_image *image) {
    if (H5Pset_fapl_core(fapl, 1 << 16, 0) < 0) return -1;
    H5FD_file_image_callbacks_t callbacks = {
        dnn_image_malloc, dnn_image_memcpy, dnn_image_realloc, dnn_image_free,
        dnn_image_udata_copy, dnn_image_udata_free, image};
    if (H5Pset_file_image_callbacks(fapl, &callbacks) < 0) return -1;
    return H5Pset_file_image(fapl, image->buffer, image->size);
}

// A link access list that refuses to follow external links (into other files): the
// reader never leaves the data file, whatever path a name takes.
static herr_t dnn_deny_external_link(const char *parent_file, const char *parent_group, const char *child_file,
                                     const char *child_object, unsigned *flags, hid_t fapl, void *data) {
    (void)parent_file; (void)parent_group; (void)child_file; (void)child_object; (void)flags; (void)fapl; (void)data;
    return -1;
}
static inline hid_t dnn_dataset_access_without_external_links(void) {
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl < 0) return dapl;
    if (H5Pset_elink_cb(dapl, dnn_deny_external_link, NULL) < 0) { H5Pclose(dapl); return -1; }
    return dapl;
}
static inline hid_t dnn_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }
static inline hid_t dnn_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t dnn_h5p_dataset_xfer(void) { return H5P_DATASET_XFER; }

#endif
