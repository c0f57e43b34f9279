# run_greet.cmake — run the assembly example: sum of the bytes 01 02 03 fc = 0x102,
# and hello, which calls a syscall.
execute_process(COMMAND ${DVM} exec ${IN} --entry sum --mem 010203fc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT out MATCHES "\"r0\":\"0x102\"")
  message(FATAL_ERROR "greet sum: ${out}${err}")
endif()
# hello logs its greeting through dvm_log and returns its length
execute_process(COMMAND ${DVM} exec ${IN} --entry hello OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT out MATCHES "\"status\":\"ok\"" OR NOT out MATCHES "\"r0\":\"0xc\"" OR NOT out MATCHES "\"logs\":1")
  message(FATAL_ERROR "greet hello: ${out}${err}")
endif()
