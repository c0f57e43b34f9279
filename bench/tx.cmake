# bench_tx: signatures verified per second (1 thread, all threads) and
# transaction decode ns (transfer, 16-call batch); medians of 7 runs.
add_executable(bench_tx ${CMAKE_CURRENT_SOURCE_DIR}/bench_tx.c)
target_link_libraries(bench_tx PRIVATE dvm_tx)
