# fib.s — Fibonacci by naive recursion through local calls, the example of
# the README's demo. Entry fib_main: r1 points to the memory (first byte n,
# 0 means 24), returns fib(n) in r0.
.globl fib_main
fib_main:
  ldxb %r1, [%r1]
  jne %r1, 0, go
  mov %r1, 24
go:
  call local fib
  exit

# fib(r1) -> r0; r6 keeps n across the first recursive call
fib:
  mov %r0, %r1
  jlt %r1, 2, leaf
  mov %r6, %r1
  sub %r1, 1
  call local fib
  mov %r7, %r0
  mov %r1, %r6
  sub %r1, 2
  call local fib
  add %r0, %r7
leaf:
  exit
