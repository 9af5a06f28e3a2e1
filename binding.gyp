{
  # The same addon as native/addon/CMakeLists.txt, for node-gyp: the core library sources
  # (every native/src/**/*.cpp) compiled straight into agora_sig_addon.node.
  "targets": [
    {
      "target_name": "agora_sig_addon",
      "sources": [
        "native/addon/addon.cpp",
        "native/addon/arg_reader.cpp",
        "native/addon/callback_bridge.cpp",
        "native/addon/sdk_instance.cpp",
        "<!@(node native/addon/gyp-inputs.js sources)"
      ],
      "include_dirs": [
        "native/include",
        "native/src",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NAPI_CPP_EXCEPTIONS",
        "AGORA_SIG_VERSION_STRING=\"<!(node native/addon/gyp-inputs.js version)\""
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-fvisibility=hidden"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "msvs_settings": {
        "VCCLCompilerTool": {
          "ExceptionHandling": 1,
          "AdditionalOptions": ["/std:c++17"]
        }
      },
      "conditions": [
        ["OS=='win'", { "libraries": ["ws2_32.lib"] }]
      ]
    }
  ]
}
