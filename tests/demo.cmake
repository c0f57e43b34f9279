# `dvm demo` end to end on a short session (tests/demo/demo.sh): summary
# fields, a passing replay, the same state root twice, the PNG chart; and
# `dvm deploy --init`. Needs the four contracts (clang >= 18).
if(DVM_BPF_V4)
  add_test(NAME demo COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/demo/demo.sh $<TARGET_FILE:dvm>
                             $<TARGET_FILE_DIR:dvm>/contracts)
  set_tests_properties(demo PROPERTIES TIMEOUT 300)
endif()
