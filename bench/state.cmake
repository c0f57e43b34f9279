# bench_state: commit cost vs entries changed, lattice cost per entry with
# 1 and 2 threads, overlay operation costs. Run by hand; not a test.
add_executable(bench_state ${CMAKE_CURRENT_SOURCE_DIR}/bench_state.c)
target_link_libraries(bench_state PRIVATE dvm_state)
set_target_properties(bench_state PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
