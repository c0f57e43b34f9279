/* assert.h — DVM contract libc subset (spec/contracts/sdk.md): a failed
 * assertion reverts the call with the message "assert: EXPR (FILE:LINE)".
 * NDEBUG turns assertions off as usual. Deliberately not guarded: assert.h
 * may be included again after changing NDEBUG. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
extern __UINT64_TYPE__ dvm_revert(const void *msg, __UINT64_TYPE__ len);
#define __DVM_STR2(x) #x
#define __DVM_STR(x) __DVM_STR2(x)
#define assert(e)                                                                        \
  ((e) ? (void)0                                                                         \
       : (dvm_revert("assert: " #e " (" __FILE_NAME__ ":" __DVM_STR(__LINE__) ")",            \
                     sizeof("assert: " #e " (" __FILE_NAME__ ":" __DVM_STR(__LINE__) ")") - 1), \
          __builtin_unreachable()))
#endif
