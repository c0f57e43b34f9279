# e2e_ladder.cmake — a C contract from source to execution:
# clang -target bpf -S, dvm asm, dvm exec of the syscall-free entry (checked
# r0), dvm exec of the entry that calls syscalls (checked status, r0, logs,
# revert), and the disasm -> asm round trip.
file(MAKE_DIRECTORY ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(rc "${rc}" PARENT_SCOPE)
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

run(${CLANG} -target bpf ${CFLAGS} -Werror -S ${SRC} -o ${WORK}/ladder.s)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "clang failed:\n${err}")
endif()
run(${DVM} asm ${WORK}/ladder.s -o ${WORK}/ladder.dvm)
if(NOT rc EQUAL 0 OR NOT out MATCHES "code hash [0-9a-f]+")
  message(FATAL_ERROR "dvm asm failed:\n${out}${err}")
endif()

# selftest: spot 100 by default -> payoff 7 (7.5 truncated), FNV-1a low bits 0x57032eda
run(${DVM} exec ${WORK}/ladder.dvm --entry selftest)
if(NOT out MATCHES "\"status\":\"ok\"" OR NOT out MATCHES "\"r0\":\"0x757032eda\"")
  message(FATAL_ERROR "selftest (no input): ${out}${err}")
endif()
# spot 110 (0x6e) -> payoff 25
run(${DVM} exec ${WORK}/ladder.dvm --entry selftest --input 6e)
if(NOT out MATCHES "\"r0\":\"0x1957032eda\"")
  message(FATAL_ERROR "selftest (spot 110): ${out}${err}")
endif()
# settle calls syscalls (block height, storage, log; dvm exec runs them on
# an ephemeral chain, spec/syscalls.md §7): it returns 0 with one log...
run(${DVM} exec ${WORK}/ladder.dvm --entry settle --input 6e)
if(NOT out MATCHES "\"status\":\"ok\"" OR NOT out MATCHES "\"r0\":\"0x0\"" OR NOT out MATCHES "\"logs\":1")
  message(FATAL_ERROR "settle (spot 110): ${out}${err}")
endif()
# ...and reverts, through dvm_revert, without input
run(${DVM} exec ${WORK}/ladder.dvm --entry settle)
if(NOT out MATCHES "\"status\":\"revert\"")
  message(FATAL_ERROR "settle (no input) did not revert: ${out}${err}")
endif()

run(${DVM} disasm ${WORK}/ladder.dvm -o ${WORK}/ladder.rt.s)
run(${DVM} asm ${WORK}/ladder.rt.s -o ${WORK}/ladder.rt.dvm)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "reassembly failed:\n${err}")
endif()
run(${CMAKE_COMMAND} -E compare_files ${WORK}/ladder.dvm ${WORK}/ladder.rt.dvm)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "disasm -> asm round trip differs")
endif()
