# The options contract and the pricing pool (not a test):
#   bench_options build/contracts/options.dvm build/contracts/option_pool.dvm [N] [RUNS]
if(DVM_BPF_CLANG AND TARGET dvm_optkit)
  add_executable(bench_options ${CMAKE_CURRENT_LIST_DIR}/bench_options.c)
  target_link_libraries(bench_options PRIVATE dvm_optkit)
  add_dependencies(bench_options options option_pool)
endif()
