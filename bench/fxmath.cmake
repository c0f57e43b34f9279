# bench_fxmath: ns per call of each fixed-point math function (median of 7 runs).
add_executable(bench_fxmath ${CMAKE_CURRENT_SOURCE_DIR}/bench_fxmath.c)
target_link_libraries(bench_fxmath PRIVATE dvm_fx)
