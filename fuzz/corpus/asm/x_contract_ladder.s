	.text
	.file	"ladder.c"
	.globl	selftest                        # -- Begin function selftest
	.p2align	3
	.type	selftest,@function
selftest:                               # @selftest
# %bb.0:
	r3 = r1
	r1 = 100000000000 ll
	if r2 == 0 goto LBB0_2
# %bb.1:
	w1 = *(u8 *)(r3 + 0)
	r1 *= 1000000000
LBB0_2:
	call ladder_payoff
	r2 = r0
	r2 s>>= 63
	r1 = r0
	r1 += r2
	r1 ^= r2
	r1 /= 1000000000
	w6 = w1
	w6 = -w6
	if r0 s< 0 goto LBB0_4
# %bb.3:
	r6 = r1
LBB0_4:
	r6 <<= 32
	call fnv1a
	r0 <<= 32
	r0 >>= 32
	r6 |= r0
	r0 = r6
	exit
.Lfunc_end0:
	.size	selftest, .Lfunc_end0-selftest
                                        # -- End function
	.p2align	3                               # -- Begin function ladder_payoff
	.type	ladder_payoff,@function
ladder_payoff:                          # @ladder_payoff
# %bb.0:
	r6 = r1
	r7 = 0
	r8 = 4294966784 ll
	r9 = 0
	goto LBB1_1
LBB1_3:                                 #   in Loop: Header=BB1_1 Depth=1
	r1 += r9
	r7 += 8
	r9 = r1
	if r7 == 40 goto LBB1_4
LBB1_1:                                 # =>This Inner Loop Header: Depth=1
	r1 = strikes ll
	r1 += r7
	r2 = *(u64 *)(r1 + 0)
	r2 *= 1000000000
	r1 = r6
	call call_payoff
	r2 = r0
	r2 s>>= 63
	r1 = r0
	r1 += r2
	r1 ^= r2
	r4 = r1
	r4 >>= 32
	r4 *= 500000000
	r2 = r4
	r2 <<= 32
	r2 >>= 32
	r1 <<= 32
	r1 >>= 32
	r1 *= 500000000
	r3 = r1
	r3 >>= 32
	r3 += r2
	r2 = r3
	r2 >>= 32
	r4 >>= 32
	w2 += w4
	r1 &= r8
	w4 = w2
	w4 /= 1000000000
	w4 *= 1000000000
	w2 -= w4
	r3 <<= 32
	r2 <<= 32
	r3 >>= 32
	r2 |= r3
	r3 = r2
	r3 /= 1000000000
	w4 = w3
	w4 *= 1000000000
	w2 -= w4
	r2 <<= 32
	r2 |= r1
	r2 /= 1000000000
	r3 <<= 32
	r2 += r3
	r1 = r2
	r1 = -r1
	if r0 s< 0 goto LBB1_3
# %bb.2:                                #   in Loop: Header=BB1_1 Depth=1
	r1 = r2
	goto LBB1_3
LBB1_4:
	r0 = r1
	exit
.Lfunc_end1:
	.size	ladder_payoff, .Lfunc_end1-ladder_payoff
                                        # -- End function
	.p2align	3                               # -- Begin function fnv1a
	.type	fnv1a,@function
fnv1a:                                  # @fnv1a
# %bb.0:
	r0 = 1408098148915818202 ll
	exit
.Lfunc_end2:
	.size	fnv1a, .Lfunc_end2-fnv1a
                                        # -- End function
	.globl	settle                          # -- Begin function settle
	.p2align	3
	.type	settle,@function
settle:                                 # @settle
# %bb.0:
	if r2 != 0 goto LBB3_2
# %bb.1:
	r1 = settle.why ll
	r2 = 34
	call dvm_revert
	r6 = 1
	goto LBB3_3
LBB3_2:
	w1 = *(u8 *)(r1 + 0)
	r1 *= 1000000000
	call ladder_payoff
	r6 = r0
	call dvm_block_height
	*(u64 *)(r10 - 8) = r6
	*(u64 *)(r10 - 16) = r0
	r7 = r10
	r7 += -16
	r1 = settle.key ll
	r2 = 11
	r3 = r7
	r4 = 16
	call dvm_storage_set
	r6 = 0
	r1 = 0
	r2 = 0
	r3 = r7
	r4 = 16
	call dvm_log
LBB3_3:
	r0 = r6
	exit
.Lfunc_end3:
	.size	settle, .Lfunc_end3-settle
                                        # -- End function
	.p2align	3                               # -- Begin function call_payoff
	.type	call_payoff,@function
call_payoff:                            # @call_payoff
# %bb.0:
	r0 = r1
	r0 -= r2
	if r1 s> r2 goto LBB4_2
# %bb.1:
	r0 = 0
LBB4_2:
	exit
.Lfunc_end4:
	.size	call_payoff, .Lfunc_end4-call_payoff
                                        # -- End function
	.type	settle.key,@object              # @settle.key
	.section	.rodata,"a",@progbits
settle.key:
	.asciz	"ladder/last"
	.size	settle.key, 12

	.type	settle.why,@object              # @settle.why
settle.why:
	.asciz	"settle: no spot price in the input"
	.size	settle.why, 35

	.type	strikes,@object                 # @strikes
	.p2align	3
strikes:
	.quad	90                              # 0x5a
	.quad	95                              # 0x5f
	.quad	100                             # 0x64
	.quad	105                             # 0x69
	.quad	110                             # 0x6e
	.size	strikes, 40

	.addrsig
	.addrsig_sym selftest
	.addrsig_sym settle
	.addrsig_sym settle.key
	.addrsig_sym settle.why
