# bench/vm.cmake — bench_vm: the fast and the reference interpreter against
# native code on four C programs (bench/programs/*.c, bench/README.md).
#
# Each program is compiled twice: by clang for the BPF target (-O2 -S, the
# LLVM assembly dialect, assembled by dvm_asm when bench_vm starts) and
# natively by gcc -O2 (its `entry` renamed to bench_native_<name>). The
# native copies are always gcc -O2, whatever compiler and build type build
# the VM, so the baseline stays put when the VM's build changes.

set(DVM_BENCH_VM_PROGRAMS alu_loop recursion fnv1a sort)

# A clang that can target BPF: clang-14 first, then clang.
set(DVM_BENCH_BPF_CC "")
foreach(cand clang-14 clang)
  find_program(DVM_BENCH_CLANG_${cand} NAMES ${cand})
  if(DVM_BENCH_CLANG_${cand} AND NOT DVM_BENCH_BPF_CC)
    execute_process(
      COMMAND ${DVM_BENCH_CLANG_${cand}} -target bpf -ffreestanding -x c -c /dev/null -o /dev/null
      RESULT_VARIABLE _dvm_bpf_rc OUTPUT_QUIET ERROR_QUIET)
    if(_dvm_bpf_rc EQUAL 0)
      set(DVM_BENCH_BPF_CC ${DVM_BENCH_CLANG_${cand}})
    endif()
  endif()
endforeach()

if(NOT DVM_BENCH_BPF_CC)
  message(STATUS "bench_vm: skipped (no clang with the BPF target: tried clang-14, clang)")
else()
  find_program(DVM_BENCH_NATIVE_CC NAMES gcc)
  if(NOT DVM_BENCH_NATIVE_CC)
    set(DVM_BENCH_NATIVE_CC ${CMAKE_C_COMPILER})
  endif()
  set(_dvm_bw -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla)
  set(_dvm_bench_vm_dir ${CMAKE_CURRENT_BINARY_DIR}/vm_programs)
  file(MAKE_DIRECTORY ${_dvm_bench_vm_dir})
  set(_dvm_bench_vm_asm "")
  set(_dvm_bench_vm_obj "")
  foreach(prog ${DVM_BENCH_VM_PROGRAMS})
    set(src ${CMAKE_CURRENT_SOURCE_DIR}/programs/${prog}.c)
    add_custom_command(
      OUTPUT ${_dvm_bench_vm_dir}/${prog}.s
      COMMAND ${DVM_BENCH_BPF_CC} -target bpf -mcpu=v3 -O2 -ffreestanding ${_dvm_bw}
              -S ${src} -o ${_dvm_bench_vm_dir}/${prog}.s
      DEPENDS ${src}
      COMMENT "bench_vm: ${prog}.c -> BPF assembly"
      VERBATIM)
    add_custom_command(
      OUTPUT ${_dvm_bench_vm_dir}/${prog}.native.o
      COMMAND ${DVM_BENCH_NATIVE_CC} -O2 ${_dvm_bw} -Dentry=bench_native_${prog}
              -c ${src} -o ${_dvm_bench_vm_dir}/${prog}.native.o
      DEPENDS ${src}
      COMMENT "bench_vm: ${prog}.c -> native object (-O2)"
      VERBATIM)
    list(APPEND _dvm_bench_vm_asm ${_dvm_bench_vm_dir}/${prog}.s)
    list(APPEND _dvm_bench_vm_obj ${_dvm_bench_vm_dir}/${prog}.native.o)
  endforeach()
  add_custom_target(bench_vm_programs DEPENDS ${_dvm_bench_vm_asm})
  set_source_files_properties(${_dvm_bench_vm_obj} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_executable(bench_vm ${CMAKE_CURRENT_SOURCE_DIR}/bench_vm.c ${_dvm_bench_vm_obj})
  add_dependencies(bench_vm bench_vm_programs)
  target_link_libraries(bench_vm PRIVATE dvm_asm dvm_vm)
  target_compile_definitions(bench_vm PRIVATE
    DVM_BENCH_VM_ASM_DIR="${_dvm_bench_vm_dir}"
    DVM_BENCH_VM_NATIVE_CC="${DVM_BENCH_NATIVE_CC}"
    DVM_BENCH_VM_CC="${CMAKE_C_COMPILER_ID} ${CMAKE_C_COMPILER_VERSION}"
    DVM_BENCH_VM_BUILD="$<CONFIG>")
endif()
