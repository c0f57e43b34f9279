# VM tests: spec tables, conformance suite, table-driven cases, verifier,
# differential (fast vs reference) on generated programs, and the CLI.
add_library(dvm_testcommon STATIC
  ${CMAKE_CURRENT_LIST_DIR}/common/progen.c
  ${CMAKE_CURRENT_LIST_DIR}/common/difftest.c)
target_include_directories(dvm_testcommon PUBLIC ${CMAKE_CURRENT_LIST_DIR}/common)
target_link_libraries(dvm_testcommon PUBLIC dvm_vm)

add_executable(isa_table ${CMAKE_CURRENT_LIST_DIR}/vm/isa_table.c)
target_link_libraries(isa_table PRIVATE dvm_vm)
add_test(NAME vm_isa_spec_table COMMAND isa_table ${CMAKE_SOURCE_DIR}/spec/isa.md)

add_executable(vm_cases ${CMAKE_CURRENT_LIST_DIR}/vm/vm_cases.c)
target_link_libraries(vm_cases PRIVATE dvm_asm dvm_vm dvm_bpf_data)
add_test(NAME vm_conformance
  COMMAND vm_cases --conformance ${DVM_SHARED_DIR}/conformance/bpf_conformance/tests
                   --negative ${DVM_SHARED_DIR}/conformance/bpf_conformance/negative)
file(GLOB DVM_VM_CASES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/vm/cases/*.cases)
add_test(NAME vm_cases COMMAND vm_cases ${DVM_VM_CASES})

add_executable(test_verifier ${CMAKE_CURRENT_LIST_DIR}/vm/test_verifier.c)
target_link_libraries(test_verifier PRIVATE dvm_vm)
add_test(NAME vm_verifier COMMAND test_verifier)

add_executable(test_diff ${CMAKE_CURRENT_LIST_DIR}/vm/test_diff.c)
target_link_libraries(test_diff PRIVATE dvm_testcommon)
# 20,000 generated programs; 5,000 under the sanitizers (about 10x slower there).
if(DVM_SANITIZE)
  add_test(NAME vm_diff COMMAND test_diff 5000)
else()
  add_test(NAME vm_diff COMMAND test_diff 20000)
endif()

# `dvm exec --abi` runs the node tests' counter contract (tests/node.cmake
# builds it when clang can target BPF; without it those cases are skipped).
set(_dvm_cli_counter "")
if(DVM_BPF_CLANG)
  set(_dvm_cli_counter ${CMAKE_CURRENT_BINARY_DIR}/node_counter.dvm
                       ${CMAKE_CURRENT_LIST_DIR}/node/contracts/counter/counter.abi.json)
endif()
add_test(NAME vm_cli COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/vm/cli_test.sh $<TARGET_FILE:dvm>
                             ${DVM_SHARED_DIR}/conformance/bpf_conformance/tests ${_dvm_cli_counter})

# The pre-decoder's steps (decode, block gas, fusion) and the verifier
# alone, white-box through vm_private.h.
add_executable(test_predecode ${CMAKE_CURRENT_LIST_DIR}/vm/test_predecode.c)
target_link_libraries(test_predecode PRIVATE dvm_vm)
add_test(NAME vm_predecode COMMAND test_predecode)

# dvm-bpf-plugin under the conformance runner's own protocol (PLUGIN MEM
# OPTIONS, program hex on stdin), on every file of the suite, both interpreters.
add_executable(plugin_proto ${CMAKE_CURRENT_LIST_DIR}/vm/plugin_proto.c)
target_link_libraries(plugin_proto PRIVATE dvm_asm dvm_base dvm_bpf_data)
add_test(NAME vm_plugin_proto
  COMMAND plugin_proto $<TARGET_FILE:dvm-bpf-plugin> ${DVM_SHARED_DIR}/conformance/bpf_conformance/tests)

# The verifier's uninit rule over the fuzz corpora (spec/verifier.md):
# refusals counted per corpus; generated and assembled programs have none.
add_executable(corpus_uninit ${CMAKE_CURRENT_LIST_DIR}/vm/corpus_uninit.c)
target_link_libraries(corpus_uninit PRIVATE dvm_testcommon dvm_rt dvm_asm)
add_test(NAME vm_corpus_uninit COMMAND corpus_uninit ${CMAKE_SOURCE_DIR}/fuzz)

# dvm_vm_exec_init_clean: reused vm and heap start every run all zero.
add_executable(test_init_clean ${CMAKE_CURRENT_LIST_DIR}/vm/test_init_clean.c)
target_link_libraries(test_init_clean PRIVATE dvm_vm)
add_test(NAME vm_init_clean COMMAND test_init_clean)
