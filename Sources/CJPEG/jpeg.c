#include "CJPEG.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

struct error_manager {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int truncated;
    char message[JMSG_LENGTH_MAX];
};

static void on_error_exit(j_common_ptr cinfo) {
    struct error_manager *err = (struct error_manager *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

// Warnings (corrupt data libjpeg can step over) are not printed; a premature end of the
// data is remembered: libjpeg pads it with grey, Pillow calls such a file truncated.
static void on_emit_message(j_common_ptr cinfo, int level) {
    struct error_manager *err = (struct error_manager *)cinfo->err;
    if (level < 0) {
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
            err->truncated = 1;
        }
        cinfo->err->num_warnings++;
    }
}

dnn_jpeg_status dnn_jpeg_decode_rgb(const uint8_t *data, size_t size, uint64_t max_pixels,
                                    dnn_jpeg_image *out) {
    struct jpeg_decompress_struct cinfo;
    struct error_manager err;
    uint8_t *volatile pixels = NULL;
    volatile dnn_jpeg_status status = DNN_JPEG_OK;

    memset(out, 0, sizeof *out);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error_exit;
    err.pub.emit_message = on_emit_message;
    err.truncated = 0;
    err.message[0] = 0;

    if (setjmp(err.jump)) {
        free(pixels);
        jpeg_destroy_decompress(&cinfo);
        snprintf(out->message, sizeof out->message, "%s", err.message);
        out->pixels = NULL;
        return err.truncated ? DNN_JPEG_TRUNCATED : DNN_JPEG_CORRUPT;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    out->width = cinfo.image_width;
    out->height = cinfo.image_height;

    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        snprintf(out->message, sizeof out->message, "%s",
                 cinfo.jpeg_color_space == JCS_CMYK ? "CMYK" : "YCCK");
        status = DNN_JPEG_UNSUPPORTED_COLOR_SPACE;
    } else if ((uint64_t)cinfo.image_width * cinfo.image_height > max_pixels) {
        status = DNN_JPEG_TOO_MANY_PIXELS;
    }
    if (status != DNN_JPEG_OK) {
        jpeg_destroy_decompress(&cinfo);
        return status;
    }

    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {  // libjpeg converts every colour space left to RGB
        snprintf(out->message, sizeof out->message, "%d components after conversion to RGB",
                 cinfo.output_components);
        jpeg_destroy_decompress(&cinfo);
        return DNN_JPEG_CORRUPT;
    }
    size_t stride = (size_t)cinfo.output_width * 3;
    pixels = malloc(stride * cinfo.output_height);
    if (pixels == NULL) {
        jpeg_destroy_decompress(&cinfo);
        return DNN_JPEG_OUT_OF_MEMORY;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    out->width = cinfo.output_width;
    out->height = cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);

    if (err.truncated) {
        free(pixels);
        snprintf(out->message, sizeof out->message, "Premature end of JPEG file");
        return DNN_JPEG_TRUNCATED;
    }
    out->pixels = pixels;
    return DNN_JPEG_OK;
}

void dnn_jpeg_free(uint8_t *pixels) { free(pixels); }
