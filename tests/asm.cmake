# tests/asm.cmake — the assembler, disassembler and container tests, and
# dvm_bpf_data: the parser of the conformance suite's .data files, shared
# with the VM's conformance runner.
add_library(dvm_bpf_data STATIC ${CMAKE_CURRENT_LIST_DIR}/bpf_data.c)
target_include_directories(dvm_bpf_data PUBLIC ${CMAKE_CURRENT_LIST_DIR})

set(DVM_CONFORMANCE_DIR "${DVM_SHARED_DIR}/conformance/bpf_conformance")

# Every conformance test assembles (bytes = its -- raw section where there
# is one), round-trips through the disassembler, and the assembler-error
# files of negative/ are rejected with a diagnostic naming their line.
add_executable(asm_conformance ${CMAKE_CURRENT_LIST_DIR}/asm/asm_conformance.c)
target_link_libraries(asm_conformance PRIVATE dvm_asm dvm_bpf_data dvm_vm)
add_test(NAME asm_conformance COMMAND asm_conformance ${DVM_CONFORMANCE_DIR})

# Every diagnostic of spec/assembler.md §4, from the table itself.
add_executable(asm_diagnostics ${CMAKE_CURRENT_LIST_DIR}/asm/asm_diagnostics.c)
target_link_libraries(asm_diagnostics PRIVATE dvm_asm dvm_rt dvm_vm)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/asm_diagnostics.d)
add_test(NAME asm_diagnostics
         COMMAND asm_diagnostics ${CMAKE_CURRENT_LIST_DIR}/../spec/assembler.md ${CMAKE_CURRENT_BINARY_DIR}/asm_diagnostics.d)

# dvm asm / dvm disasm: exit codes, diagnostics, code hash vector, linking.
add_test(NAME asm_cli
         COMMAND ${CMAKE_COMMAND} -DDVM=$<TARGET_FILE:dvm> -DWORK=${CMAKE_CURRENT_BINARY_DIR}/asm_cli.d
                 -P ${CMAKE_CURRENT_LIST_DIR}/asm/cli.cmake)

# The LLVM dialect encodes as its conformance-dialect twin.
add_executable(asm_dialects ${CMAKE_CURRENT_LIST_DIR}/asm/asm_dialects.c)
target_link_libraries(asm_dialects PRIVATE dvm_asm dvm_rt dvm_vm)
add_test(NAME asm_dialects COMMAND asm_dialects ${CMAKE_CURRENT_LIST_DIR}/asm/dialects.txt)

# Generated corpora: random programs and raw slots round-trip through the
# disassembler; the container parser is canonical and robust; junk never
# crashes the assembler.
add_executable(asm_roundtrip ${CMAKE_CURRENT_LIST_DIR}/asm/asm_roundtrip.c)
target_link_libraries(asm_roundtrip PRIVATE dvm_asm dvm_vm)
add_test(NAME asm_roundtrip COMMAND asm_roundtrip)

# A branch offset at its 16-bit limit and one past it (issue 14).
add_executable(asm_branch_range ${CMAKE_CURRENT_LIST_DIR}/asm/asm_branch_range.c)
target_link_libraries(asm_branch_range PRIVATE dvm_asm)
add_test(NAME asm_branch_range COMMAND asm_branch_range)
