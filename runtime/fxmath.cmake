# dvm_fxmath: deterministic fixed-point math (spec/fxmath.md). libc only;
# needs a 64-bit gcc or clang (__int128).
add_library(dvm_fxmath STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/fxmath.c
  ${CMAKE_CURRENT_SOURCE_DIR}/fxmath_fn.c
  ${CMAKE_CURRENT_SOURCE_DIR}/fxmath_bs.c)
target_include_directories(dvm_fxmath PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
