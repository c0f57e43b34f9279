# Chain throughput (not a test): bench_chain tests/runtime/contracts
add_executable(bench_chain ${CMAKE_CURRENT_LIST_DIR}/bench_chain.c ${CMAKE_CURRENT_LIST_DIR}/chainload.c)
target_include_directories(bench_chain PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(bench_chain PRIVATE dvm_chainkit)
