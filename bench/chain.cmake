# Chain throughput (not a test): bench_chain tests/runtime/contracts
add_executable(bench_chain ${CMAKE_CURRENT_LIST_DIR}/bench_chain.c)
target_link_libraries(bench_chain PRIVATE dvm_chainkit)
