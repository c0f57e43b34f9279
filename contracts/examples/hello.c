/* hello.c — the README's first contract ("Writing contracts"). */
#include <string.h>
#include "dvm_contract.h"

DVM_ENTRY u64 greet(const u8 *input, u64 len) {
  char out[64] = "hello, ";
  if (len > 32) dvm_revert("name too long", 13);
  memcpy(out + 7, input, len);
  dvm_return(out, 7 + len);
  return 0;
}
