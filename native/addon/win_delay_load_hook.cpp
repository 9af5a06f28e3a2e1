// The MinGW-w64 build's delay-load hook (MSVC builds get cmake-js's own, which is MSVC-only).
// The addon imports Node-API from "node.exe" (native/addon/CMakeLists.txt), delay-loaded: when the
// first call resolves it, this hands over the running executable's image instead, so the module
// loads in any host that exports Node-API from its executable, whatever the file is named
// (node.exe, or an Electron app's own .exe), and never loads a node.exe found on disk.
#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <delayimp.h>
#include <string.h>

static FARPROC WINAPI agora_sig_load_host_image(unsigned event, PDelayLoadInfo info) {
  if (event != dliNotePreLoadLibrary || _stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(GetModuleHandleA(nullptr));
}

// Read by MinGW-w64's __delayLoadHelper2 (declared extern "C" in delayimp.h); defining it here
// replaces libmingwex's empty default.
PfnDliHook __pfnDliNotifyHook2 = agora_sig_load_host_image;
#endif
