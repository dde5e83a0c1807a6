#ifndef DNNRUN_CJPEG_H
#define DNNRUN_CJPEG_H
// A JPEG decoder to 8-bit RGB over Debian's libjpeg-turbo (libjpeg62-turbo), the library
// Pillow decodes JPEG with; with libjpeg's defaults (integer IDCT, fancy upsampling), as
// Pillow uses it, the pixels equal Pillow's bit for bit. libjpeg reports a fatal error
// by calling error_exit, which must not return; this shim catches it with setjmp, so
// that no longjmp ever crosses Swift frames.

#include <stddef.h>
#include <stdint.h>

typedef enum {
    DNN_JPEG_OK = 0,
    /// libjpeg refused the data; `message` holds its text.
    DNN_JPEG_CORRUPT = 1,
    /// The data ended before the image did ("Premature end of JPEG file").
    DNN_JPEG_TRUNCATED = 2,
    /// width * height is over `max_pixels`; `width` and `height` are set.
    DNN_JPEG_TOO_MANY_PIXELS = 3,
    /// A CMYK or YCCK JPEG (print workflows); `message` names the colour space.
    DNN_JPEG_UNSUPPORTED_COLOR_SPACE = 4,
    /// The pixel buffer could not be allocated.
    DNN_JPEG_OUT_OF_MEMORY = 5,
} dnn_jpeg_status;

typedef struct {
    uint32_t width;
    uint32_t height;
    /// width * height * 3 bytes, row-major, R G B; free with dnn_jpeg_free.
    uint8_t *pixels;
    char message[200];
} dnn_jpeg_image;

/// Decodes the JPEG in `data[0 ..< size]` to RGB (greyscale is replicated to R = G = B).
/// On any status but DNN_JPEG_OK, `out->pixels` is NULL.
dnn_jpeg_status dnn_jpeg_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels,
                                    dnn_jpeg_image *out);

void dnn_jpeg_free(uint8_t *pixels);

#endif
