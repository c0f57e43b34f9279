# Replay, traces, export and import (issue 11; README §Replay, spec/trace.md).
add_executable(replay_tamper ${CMAKE_CURRENT_LIST_DIR}/replay/tamper.c)
target_link_libraries(replay_tamper PRIVATE dvm_tx PkgConfig::LMDB)

add_executable(test_trace ${CMAKE_CURRENT_LIST_DIR}/replay/test_trace.c)
target_link_libraries(test_trace PRIVATE dvm_chainkit)

add_test(NAME replay_cli COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/replay/replay_test.sh
                                 $<TARGET_FILE:dvm> $<TARGET_FILE:det_run> $<TARGET_FILE:replay_tamper>
                                 $<TARGET_FILE:test_trace> ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(replay_cli PROPERTIES TIMEOUT 120)
