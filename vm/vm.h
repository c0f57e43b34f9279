/* vm.h — DVM user mode: the eBPF instruction set, the program container,
 * the verifier (rules only), the pre-decoder, the two interpreters, the
 * memory map and gas counting.
 *
 * This is the only public header of vm/. It uses libc only; the VM never
 * includes a runtime header. Normative text: spec/isa.md, spec/verifier.md,
 * spec/memory.md, spec/gas.md, spec/container.md.
 *
 * Ownership and threading in one paragraph: a dvm_vm_program is immutable
 * after dvm_vm_program_load() and may be shared by any number of threads and
 * executions; a dvm_vm_exec belongs to one thread while it runs. Nothing in
 * the VM allocates while a program runs, keeps global mutable state, reads a
 * clock, or touches floating point. */
#ifndef DVM_VM_H
#define DVM_VM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Memory map (spec/memory.md). Virtual address = region << 32 | offset. */

#define DVM_VM_REGION_RODATA 1u
#define DVM_VM_REGION_STACK  2u
#define DVM_VM_REGION_HEAP   3u
#define DVM_VM_REGION_INPUT  4u
#define DVM_VM_REGION_COUNT  8u /* table size; regions 0,5,6,7 are empty */

#define DVM_VM_ADDR(region, off) (((uint64_t)(region) << 32) | (uint64_t)(uint32_t)(off))

#define DVM_VM_FRAME_SIZE   4096u /* bytes per local-call stack frame */
#define DVM_VM_MAX_DEPTH    64u   /* frames: the entry frame plus 63 nested calls */
#define DVM_VM_STACK_SIZE   (DVM_VM_FRAME_SIZE * DVM_VM_MAX_DEPTH)
#define DVM_VM_HEAP_DEFAULT 32768u /* heap bytes a fresh execution gets */
#define DVM_VM_DIRTY_SHIFT  8u        /* written-chunk tracking: 256-byte chunks */
#define DVM_VM_DIRTY_HEAP_MAX 1048576u /* heap bytes dvm_vm_exec_init_clean tracks */

/* Verifier size limits (spec/verifier.md). */
#define DVM_VM_MAX_CODE_SLOTS  262144u   /* 2 MiB of code */
#define DVM_VM_MAX_RODATA      1048576u  /* 1 MiB */
#define DVM_VM_MAX_EXPORTS     256u
#define DVM_VM_MAX_NAME        64u       /* export / symbol name bytes */
#define DVM_VM_MAX_SYSCALLS    1024u     /* syscall numbers are 0..1023 */

/* ------------------------------------------------------------------ */
/* The VM's API failures (not traps, which are results): -101..-199 of the
 * one error space (spec/errors.md, base/errors.def). Codes are negative so
 * they never clash with counts or errno values. */

typedef enum dvm_vm_err {
  DVM_VM_OK = 0,
  DVM_VM_ERR_ARG = -101,       /* a caller broke a documented precondition */
  DVM_VM_ERR_NOMEM = -102,     /* allocation failed; nothing was changed */
  DVM_VM_ERR_CONTAINER = -103, /* malformed .dvm container */
  DVM_VM_ERR_VERIFY = -104,    /* the verifier rejected the program */
} dvm_vm_err;

/* Verifier rejection rules, one per rule of spec/verifier.md. */
typedef enum dvm_vm_verr {
  DVM_VERR_NONE = 0,
  DVM_VERR_EMPTY,           /* no instructions */
  DVM_VERR_SIZE,            /* code length not a multiple of 8 */
  DVM_VERR_TOO_LONG,        /* more than DVM_VM_MAX_CODE_SLOTS slots */
  DVM_VERR_RODATA_TOO_LONG, /* read-only data over DVM_VM_MAX_RODATA */
  DVM_VERR_OPCODE,          /* opcode not in the supported groups */
  DVM_VERR_REGISTER,        /* register field above r10 */
  DVM_VERR_WRITE_R10,       /* instruction writes the frame pointer r10 */
  DVM_VERR_UNUSED_FIELD,    /* a field the instruction does not use is not zero */
  DVM_VERR_BAD_IMM,         /* immediate not allowed (endianness width, atomic op) */
  DVM_VERR_BAD_OFFSET,      /* offset not allowed (signed div/mod, movsx) */
  DVM_VERR_JUMP_RANGE,      /* jump target outside the program */
  DVM_VERR_JUMP_LDDW,       /* jump target is the second slot of lddw */
  DVM_VERR_CALL_RANGE,      /* local call target outside the program or into lddw */
  DVM_VERR_SYSCALL,         /* syscall number not in the syscall table */
  DVM_VERR_LDDW_TRUNCATED,  /* lddw in the last slot */
  DVM_VERR_LDDW_SECOND,     /* second slot of lddw is not all zero but imm */
  DVM_VERR_FALLS_OFF,       /* last instruction is not exit or an unconditional jump */
  DVM_VERR_EXPORT,          /* exported entry point not an instruction start */
  DVM_VERR_UNINIT,          /* reads a register no path from an entry point writes */
  DVM_VERR_COUNT_
} dvm_vm_verr;

/* What a failed load says: the rule, the instruction slot and a message
 * "pc N: <why>" fit for a user. pc is UINT32_MAX when no instruction is at
 * fault (empty program, container error). */
typedef struct dvm_vm_error {
  int code;        /* dvm_vm_err */
  int rule;        /* dvm_vm_verr when code == DVM_VM_ERR_VERIFY */
  uint32_t pc;
  char msg[160];
} dvm_vm_error;

/* "NAME: message" for a dvm_vm_err, the same text as dvm_strerror() of
 * base/ (vm/ uses libc only, so it keeps its own copy; the test base_errors
 * checks the two agree); the rule's name for a dvm_vm_verr. Never NULL,
 * static storage. */
const char *dvm_vm_strerror(int code);
const char *dvm_vm_verr_name(int rule);

/* ------------------------------------------------------------------ */
/* Instruction set (spec/isa.md, RFC 9669). One table, vm/isa.def, with one
 * line per instruction; the verifier's opcode table, the pre-decoder's ids,
 * the fast interpreter's dispatch, the assembler and the disassembler are
 * derived from it, and a test checks spec/isa.md against it. The reference
 * interpreter (interp_ref.c) shares nothing with it on purpose: it decodes
 * the raw bytes itself, so a mistake in the table cannot hide from the
 * differential fuzzer. */

typedef struct dvm_vm_insn {
  uint8_t opcode;
  uint8_t regs; /* dst in the low nibble, src in the high nibble */
  int16_t off;
  int32_t imm;
} dvm_vm_insn;

#define DVM_VM_INSN_DST(i) ((uint8_t)((i)->regs & 0x0f))
#define DVM_VM_INSN_SRC(i) ((uint8_t)((i)->regs >> 4))

/* Decode slot `pc` of little-endian bytecode whatever the host order. */
dvm_vm_insn dvm_vm_insn_decode(const uint8_t *code, uint32_t pc);
/* Encode into 8 little-endian bytes. */
void dvm_vm_insn_encode(const dvm_vm_insn *insn, uint8_t out[8]);

/* Operand formats: what an instruction reads from its fields. The same
 * format drives assembler parsing, disassembly and the verifier's
 * "unused fields are zero" rule. */
typedef enum dvm_vm_fmt {
  DVM_FMT_ALU_IMM,   /* dst, imm              : add32 %r0, 1        */
  DVM_FMT_ALU_REG,   /* dst, src              : add32 %r0, %r1      */
  DVM_FMT_UNARY,     /* dst                   : neg %r0             */
  DVM_FMT_ENDIAN,    /* dst, width in imm     : be16 %r0            */
  DVM_FMT_LDDW,      /* dst, imm64 (2 slots)  : lddw %r0, 0x1122..  */
  DVM_FMT_LDX,       /* dst, [src+off]        : ldxw %r0, [%r1+4]   */
  DVM_FMT_ST,        /* [dst+off], imm        : stw [%r1+4], 7      */
  DVM_FMT_STX,       /* [dst+off], src        : stxw [%r1+4], %r2   */
  DVM_FMT_ATOMIC,    /* [dst+off], src, imm=op: lock add [%r1], %r2 */
  DVM_FMT_JA,        /* off                   : ja L                */
  DVM_FMT_JA32,      /* imm                   : ja32 L              */
  DVM_FMT_JMP_IMM,   /* dst, imm, off         : jeq %r1, 5, L       */
  DVM_FMT_JMP_REG,   /* dst, src, off         : jeq %r1, %r2, L     */
  DVM_FMT_CALL,      /* imm (syscall number)  : call 3              */
  DVM_FMT_CALL_LOCAL,/* imm (pc-relative)     : call local f        */
  DVM_FMT_EXIT,      /* nothing               : exit                */
} dvm_vm_fmt;

/* How an entry is told apart from others sharing its opcode byte. */
typedef enum dvm_vm_match {
  DVM_MATCH_NONE, /* the opcode byte alone */
  DVM_MATCH_OFF,  /* opcode and off == match_val (sdiv, movsx) */
  DVM_MATCH_IMM,  /* opcode and imm == match_val (endianness, atomics) */
  DVM_MATCH_SRC,  /* opcode and src register field == match_val (calls) */
} dvm_vm_match;

typedef struct dvm_vm_isa_entry {
  uint16_t id;         /* dense index into the table, stable within a build */
  uint8_t opcode;
  uint8_t match;       /* dvm_vm_match */
  int32_t match_val;
  uint8_t fmt;         /* dvm_vm_fmt */
  uint8_t width;       /* operand/access width in bits: 8,16,32,64 */
  const char *name;    /* mnemonic in the conformance dialect */
  const char *sem;     /* one line of semantics, as in spec/isa.md */
} dvm_vm_isa_entry;

/* The whole table, in opcode order; *n receives its length. */
const dvm_vm_isa_entry *dvm_vm_isa_table(size_t *n);
/* The entry an instruction decodes to, or NULL when it is not in the
 * supported groups. Does not check registers or unused fields. */
const dvm_vm_isa_entry *dvm_vm_isa_lookup(const dvm_vm_insn *insn);
/* The entry with mnemonic `name` and format `fmt`, or NULL. Mnemonics such
 * as "add" exist in two formats (immediate and register). */
const dvm_vm_isa_entry *dvm_vm_isa_find(const char *name, int fmt);

/* ------------------------------------------------------------------ */
/* Program container (spec/container.md). */

#define DVM_VM_CONTAINER_MAGIC "DVMC"
#define DVM_VM_CONTAINER_VERSION 1u
#define DVM_VM_FLAG_REENTRANT 0x1u /* callee accepts re-entrant calls */
#define DVM_VM_FLAGS_KNOWN    0x1u

enum {
  DVM_VM_SECTION_CODE = 1,
  DVM_VM_SECTION_RODATA = 2,
  DVM_VM_SECTION_EXPORTS = 3,
  DVM_VM_SECTION_SYMBOLS = 4,
};

typedef struct dvm_vm_export {
  uint32_t pc;                       /* instruction slot of the entry point */
  uint8_t name_len;
  char name[DVM_VM_MAX_NAME + 1];    /* NUL-terminated */
} dvm_vm_export;

/* Debug symbols: labels of the code and of the read-only data, kept so the
 * disassembler can print names. They never change execution. */
typedef struct dvm_vm_symbol {
  uint32_t value;                    /* slot (code) or byte offset (rodata) */
  uint8_t kind;                      /* 0 code label, 1 rodata label */
  uint8_t name_len;
  char name[DVM_VM_MAX_NAME + 1];
} dvm_vm_symbol;

/* A parsed container. Pointers borrow from the caller's buffer for code
 * and rodata; exports and symbols are allocated and freed by
 * dvm_vm_container_free(). */
typedef struct dvm_vm_container {
  uint32_t version;
  uint32_t flags;
  const uint8_t *code;
  uint32_t code_len;
  const uint8_t *rodata;
  uint32_t rodata_len;
  dvm_vm_export *exports;
  uint32_t export_count;
  dvm_vm_symbol *symbols;
  uint32_t symbol_count;
} dvm_vm_container;

/* Parse bytes into *c. On error *c is zeroed, err says why, nothing is
 * allocated. The buffer must outlive *c. Structure only: the code is not
 * verified here (dvm_vm_program_load does that). */
int dvm_vm_container_parse(dvm_vm_container *c, const uint8_t *buf, size_t len,
                           dvm_vm_error *err);
void dvm_vm_container_free(dvm_vm_container *c);
/* Serialize *c canonically (exports and symbols sorted as the spec says,
 * empty sections omitted) into a malloc'd buffer the caller frees. */
int dvm_vm_container_write(const dvm_vm_container *c, uint8_t **out, size_t *out_len);
/* True when the bytes start with the container magic. */
int dvm_vm_is_container(const uint8_t *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Execution. */

typedef struct dvm_vm_exec dvm_vm_exec;

/* Syscall handler. args = r1..r5. Write the result to *r0 and return
 * DVM_VM_SC_CONTINUE, or stop the program:
 *   DVM_VM_SC_HALT:  finished on purpose (return / revert); the runtime
 *                    keeps its own record of which;
 *   DVM_VM_SC_TRAP:  the handler called dvm_vm_trap_raise() (bad pointer,
 *                    out of gas, bad argument).
 * Handlers charge their gas with dvm_vm_gas_charge() and translate every
 * pointer argument with dvm_vm_translate(). */
enum { DVM_VM_SC_CONTINUE = 0, DVM_VM_SC_HALT = 1, DVM_VM_SC_TRAP = 2 };
typedef int (*dvm_vm_syscall_fn)(dvm_vm_exec *vm, void *ctx, const uint64_t args[5],
                                 uint64_t *r0);

/* The syscall numbers a program may name and their handlers. A number is
 * known to the verifier when num < count and names[num] != NULL; a known
 * number whose fn is NULL traps DVM_TRAP_INVALID_SYSCALL when executed
 * (the host does not offer it in this context). The table must outlive
 * every program loaded with it. */
typedef struct dvm_vm_syscall_table {
  uint32_t count;
  const char *const *names;           /* [count] */
  const dvm_vm_syscall_fn *fns;       /* [count] */
} dvm_vm_syscall_table;

typedef struct dvm_vm_program dvm_vm_program;

/* Verify and pre-decode a program. code/rodata are copied; the program is
 * immutable afterwards. syscalls may be NULL (no syscall is known). exports
 * may be NULL when export_count is 0: entry is then slot 0. On failure *out
 * is NULL, err is filled and nothing is allocated. */
int dvm_vm_program_load(dvm_vm_program **out, const uint8_t *code, size_t code_len,
                        const uint8_t *rodata, size_t rodata_len,
                        const dvm_vm_export *exports, uint32_t export_count,
                        const dvm_vm_syscall_table *syscalls, dvm_vm_error *err);
/* Parse a container and load it (flags are kept on the program). */
int dvm_vm_program_load_container(dvm_vm_program **out, const uint8_t *buf, size_t len,
                                  const dvm_vm_syscall_table *syscalls,
                                  dvm_vm_error *err);
void dvm_vm_program_free(dvm_vm_program *p);

uint32_t dvm_vm_program_slots(const dvm_vm_program *p);
uint32_t dvm_vm_program_flags(const dvm_vm_program *p);
const uint8_t *dvm_vm_program_code(const dvm_vm_program *p);
/* Entry point `name`: its slot in *pc, or DVM_VM_ERR_ARG when absent. */
int dvm_vm_program_export(const dvm_vm_program *p, const char *name, uint32_t *pc);

/* Results. A trap is a result, not an API error. */
typedef enum dvm_vm_status {
  DVM_VM_STATUS_OK = 0,   /* exit from the entry frame; r0 is the result */
  DVM_VM_STATUS_HALT = 1, /* a syscall returned DVM_VM_SC_HALT */
  DVM_VM_STATUS_TRAP = 2,
} dvm_vm_status;

typedef enum dvm_vm_trap {
  DVM_TRAP_NONE = 0,
  DVM_TRAP_OUT_OF_GAS,     /* the instruction at pc (or a syscall) could not be paid */
  DVM_TRAP_MEM_FAULT,      /* access outside a region, or a write to a read-only one */
  DVM_TRAP_CALL_DEPTH,     /* local call past DVM_VM_MAX_DEPTH frames */
  DVM_TRAP_INVALID_SYSCALL,/* known number the host does not offer here */
  DVM_TRAP_SYSCALL_ARG,    /* a syscall rejected its arguments (detail code says why) */
  DVM_TRAP_COUNT_
} dvm_vm_trap;

enum { DVM_VM_ACCESS_READ = 0, DVM_VM_ACCESS_WRITE = 1 };

typedef struct dvm_vm_result {
  int status;            /* dvm_vm_status */
  int trap;              /* dvm_vm_trap, DVM_TRAP_NONE unless status == TRAP */
  uint32_t pc;           /* slot of the exit, halting call, or trapping instruction */
  uint64_t r0;
  uint64_t gas_used;     /* == gas limit on a trap (spec/gas.md) */
  uint64_t insns;        /* instructions executed (lddw counts once) */
  uint64_t fault_addr;   /* MEM_FAULT: first byte of the access */
  uint32_t fault_size;   /* MEM_FAULT: access width in bytes */
  int fault_access;      /* MEM_FAULT: DVM_VM_ACCESS_* */
  int detail;            /* SYSCALL_ARG / HALT: code chosen by the handler */
} dvm_vm_result;

const char *dvm_vm_trap_name(int trap);   /* "out_of_gas", "mem_fault", ... */

/* Per-instruction observer for traces (reference interpreter only). Called
 * before each instruction executes with the gas left before it. */
typedef void (*dvm_vm_trace_fn)(void *ctx, const dvm_vm_exec *vm, uint32_t pc,
                                const dvm_vm_insn *insn, uint64_t gas_left,
                                const uint64_t regs[11], uint32_t depth);

/* The execution context. Callers allocate it (it embeds the 256 KiB stack)
 * and treat the fields as private: use the functions below. */
struct dvm_vm_exec {
  /* translation: one comparison per access (spec/memory.md) */
  uint8_t *rgn_host[DVM_VM_REGION_COUNT];
  uint64_t rgn_rlen[DVM_VM_REGION_COUNT]; /* readable bytes */
  uint64_t rgn_wlen[DVM_VM_REGION_COUNT]; /* writable bytes (0 = read-only) */
  const dvm_vm_program *prog;
  void *ctx;             /* handed to syscalls */
  uint64_t gas_limit;
  uint64_t gas_left;
  uint64_t sys_gas;      /* gas charged by syscalls (not instructions) */
  uint64_t reg[11];
  uint32_t pc;
  uint32_t depth;        /* current frame index, 0 = entry */
  uint32_t depth_hwm;    /* deepest frame zeroed so far */
  uint32_t heap_cap;     /* bytes the caller's heap buffer holds */
  dvm_vm_result res;
  dvm_vm_trace_fn trace;
  void *trace_ctx;
  struct {
    uint64_t r6_r9[4];
    uint64_t r10;
    const void *ret_ip; /* fast interpreter: the return instruction */
    uint32_t ret_pc;    /* reference interpreter: the return slot */
  } frames[DVM_VM_MAX_DEPTH];
  /* Reuse without zeroing everything (dvm_vm_exec_init_clean): which
   * 256-byte chunks of stack and heap were written since the last init
   * (by the fast interpreter's stores and by dvm_vm_translate for WRITE;
   * heap chunk numbers modulo DVM_VM_DIRTY_HEAP_MAX / 256). */
  uint8_t clean;        /* init_clean: stack and heap buffer all zero at init */
  uint8_t marks_ok;     /* every write of this run is in dirty_* (run_fast) */
  uint8_t dirty_stack[DVM_VM_STACK_SIZE >> DVM_VM_DIRTY_SHIFT];
  uint8_t dirty_heap[DVM_VM_DIRTY_HEAP_MAX >> DVM_VM_DIRTY_SHIFT];
  uint8_t *clean_heap;  /* the heap buffer of the last init_clean */
  uint32_t clean_cap;
  uint8_t stack[DVM_VM_STACK_SIZE];
};

/* Prepare vm to run program p from `entry_pc` with gas_limit. heap is the
 * caller's buffer of heap_cap bytes, of which the first heap_len are
 * visible (heap_len <= heap_cap; contents are the caller's: zero it for a
 * fresh call). input is mapped read-only at DVM_VM_REGION_INPUT. Registers
 * start at zero except r10 (frame top). Neither buffer is copied: both must
 * stay valid until the run ends. */
int dvm_vm_exec_init(dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                     uint64_t gas_limit, uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                     const uint8_t *input, uint32_t input_len, void *ctx);

/* The same for a vm and heap buffer that are used again and again (the
 * runtime's calls): instead of the caller zeroing the heap and the VM
 * zeroing each stack frame when first reached, the VM zeroes only the
 * 256-byte chunks of stack and heap that the previous run on this vm wrote
 * (the fast interpreter and dvm_vm_translate record them), so every run
 * starts with the whole stack and the whole heap buffer (heap_cap bytes)
 * zero, exactly as with dvm_vm_exec_init on a zeroed heap. The first use
 * of a vm (or after dvm_vm_exec_init, or a run of the reference
 * interpreter, which does not record) zeroes everything instead, as does a
 * different heap buffer or cap. heap_cap <= DVM_VM_DIRTY_HEAP_MAX; before
 * the first call the vm must have been through dvm_vm_exec_forget. */
int dvm_vm_exec_init_clean(dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                           uint64_t gas_limit, uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                           const uint8_t *input, uint32_t input_len, void *ctx);
/* Mark a new (e.g. malloc'd) vm as holding nothing known: the next
 * dvm_vm_exec_init_clean zeroes stack and heap wholly. */
void dvm_vm_exec_forget(dvm_vm_exec *vm);

/* Set r1..r5 (or any register but r10) before running. */
void dvm_vm_reg_set(dvm_vm_exec *vm, unsigned reg, uint64_t value);

/* Run to completion with the fast (pre-decoded, computed-goto, per-block
 * gas) or the reference (switch over the raw bytes, per-instruction gas)
 * interpreter. Both return &vm->res, identical for identical inputs: the
 * differential tests and fuzzer check it, nothing enforces it by
 * construction. */
const dvm_vm_result *dvm_vm_run_fast(dvm_vm_exec *vm);
const dvm_vm_result *dvm_vm_run_ref(dvm_vm_exec *vm);

/* For syscall handlers. */
/* Charge `cost` gas. Returns 0, or -1 after recording an out-of-gas trap
 * (the handler must then return DVM_VM_SC_TRAP). */
int dvm_vm_gas_charge(dvm_vm_exec *vm, uint64_t cost);
uint64_t dvm_vm_gas_left(const dvm_vm_exec *vm);
/* Give back `n` gas that this handler charged earlier in the same call and
 * did not use (a cross-contract call returns its callee's unused gas).
 * n must not exceed what the handler charged. */
void dvm_vm_gas_refund(dvm_vm_exec *vm, uint64_t n);
/* Host pointer for [addr, addr+len) if the access is allowed, else NULL
 * after recording a memory-fault trap. len 0 is always allowed and returns
 * a non-NULL pointer that must not be dereferenced. */
void *dvm_vm_translate(dvm_vm_exec *vm, uint64_t addr, uint64_t len, int access);
/* Record a trap of `kind` with handler-defined `detail`. */
void dvm_vm_trap_raise(dvm_vm_exec *vm, int kind, int detail);
/* Record a halt (status HALT) with handler-defined `detail`. */
void dvm_vm_halt(dvm_vm_exec *vm, int detail);
/* Make heap_len bytes of the caller's heap buffer visible (<= heap_cap). */
int dvm_vm_heap_resize(dvm_vm_exec *vm, uint32_t heap_len);
uint32_t dvm_vm_heap_len(const dvm_vm_exec *vm);
void *dvm_vm_ctx(const dvm_vm_exec *vm);

#ifdef __cplusplus
}
#endif
#endif /* DVM_VM_H */
