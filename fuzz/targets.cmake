# targets.cmake — the fuzz targets: one line per harness fuzz/fuzz_<name>.c.
# Included by fuzz/CMakeLists.txt (fuzz_<name>: libFuzzer, AFL++ or coverage
# build) and by tests/fuzz_regress.cmake (fuzz_replay_<name>: the regression
# test over tests/fuzz_regress/<name>/ and fuzz/corpus/<name>/ in every
# build). Adding a target: write fuzz/fuzz_<name>.c, add its line here,
# seed fuzz/corpus/<name>/ (and optionally fuzz/dict/<name>.dict).
dvm_fuzz_target(verify_exec LIBS dvm_testcommon dvm_rt dvm_vm)
dvm_fuzz_target(diff_interp LIBS dvm_testcommon dvm_vm)
dvm_fuzz_target(asm LIBS dvm_asm dvm_testcommon dvm_rt dvm_vm)
dvm_fuzz_target(tx_decode LIBS dvm_tx)
dvm_fuzz_target(diff_block LIBS dvm_chainkit dvm_testcommon)
