# The options, option_pool and vault contracts of issue 9 through signed
# transactions on a real chain (tests/contracts/options/).
if(DVM_BPF_CLANG)
  set(_optdir ${CMAKE_CURRENT_LIST_DIR}/contracts/options)
  add_library(dvm_optkit STATIC ${_optdir}/optkit.c)
  target_include_directories(dvm_optkit PUBLIC ${_optdir})
  target_link_libraries(dvm_optkit PUBLIC dvm_chainkit)

  add_executable(test_options ${_optdir}/test_options.c)
  target_link_libraries(test_options PRIVATE dvm_optkit)
  add_dependencies(test_options options)
  add_test(NAME contract_options COMMAND test_options $<TARGET_PROPERTY:options,DVM_FILE>)
endif()

if(DVM_BPF_V4) # option_pool and vault need clang >= 18 (contracts/CMakeLists.txt)
  dvm_add_contract(evil_pool ${_optdir}/evil_pool.c)
  add_executable(test_pool ${_optdir}/test_pool.c)
  target_link_libraries(test_pool PRIVATE dvm_optkit dvm_fx m)
  add_dependencies(test_pool options option_pool vault evil_pool)
  add_test(NAME contract_option_pool COMMAND test_pool $<TARGET_PROPERTY:options,DVM_FILE>
           $<TARGET_PROPERTY:option_pool,DVM_FILE> $<TARGET_PROPERTY:vault,DVM_FILE>
           $<TARGET_PROPERTY:evil_pool,DVM_FILE>)
endif()

if(DVM_BPF_V4)
  # The randomized run: 20,000 operations by default; set DVM_OPTIONS_RANDOM_OPS
  # lower for sanitizer builds.
  if(DVM_SANITIZE)
    set(_dvm_opt_ops 5000)
  else()
    set(_dvm_opt_ops 20000)
  endif()
  set(DVM_OPTIONS_RANDOM_OPS ${_dvm_opt_ops} CACHE STRING "operations of the contract_options_random test")
  add_executable(test_options_random ${_optdir}/test_random.c)
  target_link_libraries(test_options_random PRIVATE dvm_optkit dvm_fx)
  add_dependencies(test_options_random options option_pool vault)
  add_test(NAME contract_options_random COMMAND test_options_random $<TARGET_PROPERTY:options,DVM_FILE>
           $<TARGET_PROPERTY:option_pool,DVM_FILE> $<TARGET_PROPERTY:vault,DVM_FILE> ${DVM_OPTIONS_RANDOM_OPS})
  set_tests_properties(contract_options_random PROPERTIES TIMEOUT 600)
endif()
