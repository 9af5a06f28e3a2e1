# Cross-compiling the core, its tests and examples for 64-bit Windows with Debian's MinGW-w64
# (posix threads: std::thread and std::mutex need them). Programs are linked statically so that
# they run under Wine without the MinGW runtime DLLs beside them; CTest runs them through Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# Packages of the build machine (GoogleTest, nlohmann_json for Linux) must not be picked up.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
find_program(AGORA_SIG_WINE NAMES wine64 PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(AGORA_SIG_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${AGORA_SIG_WINE})
endif()
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static")
