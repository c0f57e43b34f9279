# Replay against live execution (not a test): bench_replay tests/runtime/contracts
add_executable(bench_replay ${CMAKE_CURRENT_LIST_DIR}/bench_replay.c)
target_link_libraries(bench_replay PRIVATE dvm_chainkit)
