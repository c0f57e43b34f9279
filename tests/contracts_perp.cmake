# The perpetual futures contract (spec/contracts/perp.md) through signed
# transactions on a real chain.
if(TARGET perp)
  add_library(perpkit STATIC ${CMAKE_CURRENT_LIST_DIR}/contracts/perp/perpkit.c)
  target_include_directories(perpkit PUBLIC ${CMAKE_CURRENT_LIST_DIR}/contracts/perp)
  target_link_libraries(perpkit PUBLIC dvm_chainkit)
  get_target_property(PERP_DVM perp DVM_FILE)

  add_executable(test_perp_examples ${CMAKE_CURRENT_LIST_DIR}/contracts/perp/test_perp_examples.c)
  target_link_libraries(test_perp_examples PRIVATE perpkit)
  add_dependencies(test_perp_examples perp)
  add_test(NAME perp_examples COMMAND test_perp_examples ${PERP_DVM})
endif()
