# node/abci.cmake — `dvm abci` (issue 12): the ABCI 2.0 server for CometBFT
# v0.38 (abci_server.c: socket and threads; abci_app.c: the dispatch, over
# abci_proposal.c, abci_finalize.c, abci_query.c, abci_open.c; abci_frame.c:
# varint-length frames and packed responses; node/abci_int.h says who calls whom).
# Messages: node/proto/abci.proto compiled by protoc-c (protobuf-c-compiler)
# into the build tree; the generated file is compiled without warnings-as-errors.
find_program(PROTOC_C protoc-c REQUIRED)
pkg_check_modules(PROTOBUF_C REQUIRED IMPORTED_TARGET libprotobuf-c)
set(DVM_ABCI_GEN ${CMAKE_CURRENT_BINARY_DIR}/abci_pb)
add_custom_command(
  OUTPUT ${DVM_ABCI_GEN}/abci.pb-c.c ${DVM_ABCI_GEN}/abci.pb-c.h
  COMMAND ${CMAKE_COMMAND} -E make_directory ${DVM_ABCI_GEN}
  COMMAND ${PROTOC_C} --c_out=${DVM_ABCI_GEN} -I${CMAKE_CURRENT_LIST_DIR}/proto
          ${CMAKE_CURRENT_LIST_DIR}/proto/abci.proto
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/proto/abci.proto
  COMMENT "protoc-c node/proto/abci.proto")
set_source_files_properties(${DVM_ABCI_GEN}/abci.pb-c.c PROPERTIES COMPILE_OPTIONS "-w")
add_library(dvm_abci STATIC ${CMAKE_CURRENT_LIST_DIR}/abci_app.c ${CMAKE_CURRENT_LIST_DIR}/abci_server.c
            ${CMAKE_CURRENT_LIST_DIR}/abci_proposal.c ${CMAKE_CURRENT_LIST_DIR}/abci_finalize.c
            ${CMAKE_CURRENT_LIST_DIR}/abci_query.c ${CMAKE_CURRENT_LIST_DIR}/abci_open.c
            ${CMAKE_CURRENT_LIST_DIR}/abci_frame.c
            ${DVM_ABCI_GEN}/abci.pb-c.c)
target_include_directories(dvm_abci PUBLIC ${CMAKE_CURRENT_LIST_DIR} ${DVM_ABCI_GEN})
target_link_libraries(dvm_abci PUBLIC dvm_rt dvm_tx PkgConfig::PROTOBUF_C Threads::Threads)
