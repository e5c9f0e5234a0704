#ifndef MLCOST_CCRYPTO_SHIM_H
#define MLCOST_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
