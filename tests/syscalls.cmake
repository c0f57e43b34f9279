# The syscall contract suite (issue 14): one named case per clause of
# spec/syscalls.md for every syscall of runtime/syscalls.def, run through
# the real handlers by both interpreters. The coverage check runs after the
# build: a syscall without cases (or a case citing text the spec does not
# hold) fails the build of the tests.
file(GLOB DVM_SC_CASES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/syscalls/cases/*.cases)
add_executable(sc_cases ${CMAKE_CURRENT_LIST_DIR}/syscalls/sc_cases.c)
target_link_libraries(sc_cases PRIVATE dvm_rt dvm_asm)
add_custom_command(TARGET sc_cases POST_BUILD
  COMMAND sc_cases --coverage ${CMAKE_SOURCE_DIR}/spec/syscalls.md ${DVM_SC_CASES}
  COMMENT "syscall cases: every syscall of syscalls.def has cases")
add_test(NAME sc_cases COMMAND sc_cases ${CMAKE_SOURCE_DIR}/spec/syscalls.md ${DVM_SC_CASES})
# pointers.cases is generated: it must be what gen_pointer_cases.py writes.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME sc_pointer_cases_fresh
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/syscalls/gen_pointer_cases.py --check)
endif()
