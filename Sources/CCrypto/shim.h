#ifndef DNNRUN_CCRYPTO_SHIM_H
#define DNNRUN_CCRYPTO_SHIM_H
// The system's libcrypto (OpenSSL, Debian's libssl-dev), for SHA-256 only: one hash
// function does not justify compiling a whole TLS library (swift-crypto built all of
// BoringSSL). EVP is OpenSSL 3's non-deprecated interface.
#include <openssl/evp.h>
#endif
