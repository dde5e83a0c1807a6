#ifndef DNNRUN_CSTB_SHIM_H
#define DNNRUN_CSTB_SHIM_H
// stb_image from Debian's libstb-dev: the declarations only. The implementation is
// Debian's own build of it in libstb.so (stb_image, stb_image_resize, ... compiled with
// their default options), so it gets Debian's security fixes; nothing of stb is compiled
// here. Images uses it for PNG (lossless, so any correct decoder gives Pillow's bytes);
// JPEG goes through libjpeg-turbo (Sources/CJPEG), which is what Pillow itself uses.
#include <stb/stb_image.h>
#endif
