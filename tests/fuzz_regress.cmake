# tests/fuzz_regress.cmake — fuzz findings as regression tests (fuzz/README.md).
# Every fuzz target of fuzz/targets.cmake is also built, in every build and
# with the project's compiler, as fuzz_replay_<name>: the harness plus a
# plain main (fuzz/replay_main.c) that runs files through it once. The test
# fuzz_regress_<name> replays tests/fuzz_regress/<name>/ (the minimized
# reproducers of past findings) and the seed corpus fuzz/corpus/<name>/; any
# finding aborts the replay.
set(DVM_FUZZ_DIR ${CMAKE_SOURCE_DIR}/fuzz)
function(dvm_fuzz_target NAME)
  cmake_parse_arguments(F "" "" "LIBS" ${ARGN})
  set(t fuzz_replay_${NAME})
  add_executable(${t} ${DVM_FUZZ_DIR}/fuzz_${NAME}.c ${DVM_FUZZ_DIR}/replay_main.c)
  target_include_directories(${t} PRIVATE ${DVM_FUZZ_DIR})
  target_compile_definitions(${t} PRIVATE DVM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_link_libraries(${t} PRIVATE ${F_LIBS})
  set(inputs "")
  foreach(d ${CMAKE_CURRENT_LIST_DIR}/fuzz_regress/${NAME} ${DVM_FUZZ_DIR}/corpus/${NAME})
    if(IS_DIRECTORY ${d})
      list(APPEND inputs ${d})
    endif()
  endforeach()
  if(inputs)
    add_test(NAME fuzz_regress_${NAME} COMMAND ${t} ${inputs})
    set_tests_properties(fuzz_regress_${NAME} PROPERTIES TIMEOUT 300)
  endif()
endfunction()
include(${DVM_FUZZ_DIR}/targets.cmake)
