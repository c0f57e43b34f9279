# bench_gas: nanoseconds per gas of the worst case of every instruction
# class and syscall, through signed transactions and the block's commit
# (spec/gas.md "Measured cost"). Not a test; ctest runs its --quick mode
# (tests/runtime.cmake: bench_gas_quick) to check that it runs.
if(TARGET dvm_chainkit AND DVM_BPF_CLANG)
  dvm_add_contract(gasbench ${CMAKE_CURRENT_LIST_DIR}/gas/gasbench.c ${CMAKE_CURRENT_LIST_DIR}/gas/gasbench2.c)
  get_target_property(GASBENCH_DVM gasbench DVM_FILE)
  add_executable(bench_gas ${CMAKE_CURRENT_LIST_DIR}/bench_gas.c ${CMAKE_CURRENT_LIST_DIR}/bench_gas_tx.c)
  target_link_libraries(bench_gas PRIVATE dvm_chainkit)
  add_dependencies(bench_gas gasbench)
  target_compile_definitions(bench_gas PRIVATE GASBENCH_DVM="${GASBENCH_DVM}")
  add_test(NAME bench_gas_quick COMMAND bench_gas --quick)
  set_tests_properties(bench_gas_quick PROPERTIES TIMEOUT 300)
endif()
