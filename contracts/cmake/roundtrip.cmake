# roundtrip.cmake — dvm disasm IN, dvm asm the text, compare bytes.
# cmake -DDVM=... -DIN=file.dvm -DWORK=dir -P roundtrip.cmake
get_filename_component(name ${IN} NAME_WE)
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${DVM} disasm ${IN} -o ${WORK}/${name}.rt.s RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dvm disasm ${IN} failed")
endif()
execute_process(COMMAND ${DVM} asm ${WORK}/${name}.rt.s -o ${WORK}/${name}.rt.dvm RESULT_VARIABLE rc
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "reassembly failed:\n${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${IN} ${WORK}/${name}.rt.dvm RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${IN}: disasm -> asm does not give the identical container")
endif()
message(STATUS "${name}: round trip identical")
