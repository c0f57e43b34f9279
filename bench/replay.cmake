# Replay against live execution (not a test): bench_replay tests/runtime/contracts
add_executable(bench_replay ${CMAKE_CURRENT_LIST_DIR}/bench_replay.c ${CMAKE_CURRENT_LIST_DIR}/chainload.c)
target_include_directories(bench_replay PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(bench_replay PRIVATE dvm_chainkit)
