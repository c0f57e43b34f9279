# State layer tests (spec/state.md): overlay semantics, lattice vectors,
# store (growth, failures, views, determinism) and the kill -9 crash test.
foreach(t overlay lthash store skip)
  add_executable(test_state_${t} ${CMAKE_CURRENT_SOURCE_DIR}/state/test_state_${t}.c)
  target_link_libraries(test_state_${t} PRIVATE dvm_state)
  set_target_properties(test_state_${t} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
endforeach()
add_test(NAME state_overlay COMMAND test_state_overlay)
add_test(NAME state_store COMMAND test_state_store)
add_test(NAME state_skip COMMAND test_state_skip)
# The lattice vectors are read from the spec itself.
add_test(NAME state_lthash COMMAND test_state_lthash ${CMAKE_SOURCE_DIR}/spec/state.md)

# The same vectors from an independent pure-Python reference (skipped
# without python3).
find_program(DVM_PYTHON3 python3)
if(DVM_PYTHON3)
  add_test(NAME state_lthash_ref
           COMMAND ${DVM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/state/lthash_ref.py ${CMAKE_SOURCE_DIR}/spec/state.md)
endif()

add_executable(state_crash_writer ${CMAKE_CURRENT_SOURCE_DIR}/state/crash_writer.c)
target_link_libraries(state_crash_writer PRIVATE dvm_state)
set_target_properties(state_crash_writer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME state_crash
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/state/crash_test.sh $<TARGET_FILE:state_crash_writer> 40)
set_tests_properties(state_overlay state_store state_skip state_lthash PROPERTIES TIMEOUT 60)
set_tests_properties(state_crash PROPERTIES TIMEOUT 90)
