# tests/base: the leaf helpers and the one error space (spec/errors.md).
#  base_helpers  little-endian bytes, the growable buffer, hex: exact bytes
#  base_errors   base/errors.def vs every library header (both ways), the
#                ranges, dvm_strerror's "NAME: message", spec/errors.md
set(DVM_BASE_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/base)
add_executable(test_base ${DVM_BASE_TEST_DIR}/test_base.c)
target_link_libraries(test_base PRIVATE dvm_base)
add_test(NAME base_helpers COMMAND test_base)

add_executable(test_errors ${DVM_BASE_TEST_DIR}/test_errors.c)
target_link_libraries(test_errors PRIVATE dvm_base dvm_vm dvm_fx dvm_state dvm_tx dvm_rt dvm_asm)
add_test(NAME base_errors
         COMMAND test_errors ${CMAKE_SOURCE_DIR}/spec/errors.md
                 ${CMAKE_SOURCE_DIR}/vm/vm.h ${CMAKE_SOURCE_DIR}/state/state.h
                 ${CMAKE_SOURCE_DIR}/tx/tx.h ${CMAKE_SOURCE_DIR}/runtime/runtime.h
                 ${CMAKE_SOURCE_DIR}/fx/fx.h ${CMAKE_SOURCE_DIR}/assembler/assembler.h
                 ${CMAKE_SOURCE_DIR}/base/base.h)

# scripts/check_no_float.sh catches a double planted in each consensus
# folder, a float literal, <math.h> and compiled double arithmetic.
add_test(NAME no_float_plant COMMAND bash ${DVM_BASE_TEST_DIR}/no_float_plant.sh ${CMAKE_SOURCE_DIR})
