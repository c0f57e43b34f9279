# The perp contract: cost per operation and orders per second end to end
# (not a test): bench_perp build/contracts/perp.dvm
if(TARGET perp AND TARGET perpkit)
  add_executable(bench_perp ${CMAKE_CURRENT_LIST_DIR}/bench_perp.c)
  target_link_libraries(bench_perp PRIVATE perpkit)
  add_dependencies(bench_perp perp)
endif()
