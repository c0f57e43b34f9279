/* v4_ops.c — signed arithmetic that clang-19 -mcpu=v4 compiles to the v4
 * instructions (sdiv, smod, movsx, ldxs*, bswap), checked against the same
 * code built natively and under both interpreters (contract_sdk_v4). Not
 * built under clang-14 (-mcpu=v3 has none of them).
 *
 *   ops(i64 a, i64 b, i32 c, i8 d, i16 e) -> i64 a / b, a % b, (i64)c / d,
 *                                           c % e, (i64)d * e, bswap64(a),
 *                                           bswap32(c), bswap16(e) (LE;
 *                                           b, d, e must not be 0; C leaves
 *                                           INT_MIN % -1 undefined) */
#include <stdint.h>
#include <string.h>

#include "dvm_contract.h"

DVM_ENTRY u64 ops(const u8 *input, u64 len) {
  struct __attribute__((packed)) {
    i64 a, b;
    i32 c;
    i8 d;
    i16 e;
  } in;
  if (len != sizeof in) dvm_revert("ops: want 23 bytes", 18);
  memcpy(&in, input, sizeof in);
  if (in.b == 0 || in.d == 0 || in.e == 0) dvm_revert("ops: division by zero", 21);
  if ((in.a == INT64_MIN && in.b == -1)) dvm_revert("ops: overflow", 13);
  const i8 *dp = (const i8 *)(input + 20); /* a sign-extending byte load */
  i64 out[8] = {
    in.a / in.b,
    in.a % in.b,
    (i64)in.c / *dp,
    in.c % in.e,
    (i64)in.d * in.e,
    (i64)__builtin_bswap64((u64)in.a),
    (i64)__builtin_bswap32((u32)in.c),
    (i64)__builtin_bswap16((u16)in.e),
  };
  dvm_return(out, sizeof out);
  return 0;
}

#ifdef DVM_CONTRACT_HOST
#include "dvm_host.h"
DVM_HOST_MAIN(DVM_HOST_METHOD(ops))
#endif
