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

if(TARGET perp)
  add_executable(test_perp_random ${CMAKE_CURRENT_LIST_DIR}/contracts/perp/test_perp_random.c
                                  ${CMAKE_CURRENT_LIST_DIR}/contracts/perp/perp_model.c)
  target_link_libraries(test_perp_random PRIVATE perpkit)
  add_dependencies(test_perp_random perp)
  # 100,000 operations in the default build, 10,000 in sanitizer builds
  # (the environment variable PERP_RANDOM_OPS overrides the default when no
  # count is given); perp_random_short runs 10,000 with another seed.
  if(DVM_SANITIZE)
    set(PERP_RANDOM_OPS 10000)
  else()
    set(PERP_RANDOM_OPS 100000)
  endif()
  add_test(NAME perp_random COMMAND test_perp_random ${PERP_DVM} ${PERP_RANDOM_OPS})
  add_test(NAME perp_random_short COMMAND test_perp_random ${PERP_DVM} 10000 7)
  set_tests_properties(perp_random PROPERTIES TIMEOUT 600)
endif()

if(TARGET perp)
  dvm_add_contract(perp_attacker ${CMAKE_CURRENT_LIST_DIR}/contracts/perp/attacker.c)
  get_target_property(PERP_ATTACKER_DVM perp_attacker DVM_FILE)
  add_executable(test_perp_adversarial ${CMAKE_CURRENT_LIST_DIR}/contracts/perp/test_perp_adversarial.c)
  target_link_libraries(test_perp_adversarial PRIVATE perpkit)
  add_dependencies(test_perp_adversarial perp perp_attacker)
  add_test(NAME perp_adversarial COMMAND test_perp_adversarial ${PERP_DVM} ${PERP_ATTACKER_DVM})
endif()
