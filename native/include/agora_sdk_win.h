// The Windows flavour under its own name; everything lives in agora_sig.h.
#ifndef AGORA_SDK_WIN_H_
#define AGORA_SDK_WIN_H_
#include "agora_sig.h"
#endif
