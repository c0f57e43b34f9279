# tests/fx: the fixed-point math library (spec/fxmath.md).
#  fxmath_unit       mul_div rounding modes, error paths, edge values, determinism
#  fxmath_vectors    (fixture) python3 tests/fx/gen_vectors.py -> build dir
#  fxmath_reference  every function vs the 50-digit reference, bounds asserted
set(DVM_FXMATH_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fx)

add_executable(test_fxmath_unit ${DVM_FXMATH_TEST_DIR}/test_fxmath_unit.c)
target_link_libraries(test_fxmath_unit PRIVATE dvm_fx)
add_test(NAME fxmath_unit COMMAND test_fxmath_unit)

add_executable(test_fxmath_ref ${DVM_FXMATH_TEST_DIR}/test_fxmath_ref.c)
target_link_libraries(test_fxmath_ref PRIVATE dvm_fx m)

find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  set(DVM_FXMATH_VECTORS ${CMAKE_CURRENT_BINARY_DIR}/fxmath_vectors.txt)
  add_test(NAME fxmath_vectors
           COMMAND ${Python3_EXECUTABLE} ${DVM_FXMATH_TEST_DIR}/gen_vectors.py ${DVM_FXMATH_VECTORS})
  set_tests_properties(fxmath_vectors PROPERTIES FIXTURES_SETUP fxmath_vec TIMEOUT 300)
  add_test(NAME fxmath_reference COMMAND test_fxmath_ref ${DVM_FXMATH_VECTORS})
  set_tests_properties(fxmath_reference PROPERTIES FIXTURES_REQUIRED fxmath_vec TIMEOUT 300)
else()
  message(WARNING "python3 not found: fxmath_reference test disabled")
endif()
