/*
 * Native reference for the checksum benchmark (bench/src/wire-suite.ts builds it with gcc -O3 -march=native).
 * Two native references, timed in CPU time like the JS and WASM figures:
 *  - portable: plain C that gcc vectorises by itself: 16-bit little-endian words summed into 32-bit lanes
 *    in blocks short enough not to overflow, then folded and byte-swapped once (what the targets compare to);
 *  - intrinsics: the widest x86 vectors the CPU has (AVX-512BW or AVX2), with the biased multiply-add
 *    trick assembly/checksum.ts uses, as an upper bound of what native code reaches here.
 *
 * usage: checksum SIZE RUNS MIN_MS [portable|intrinsics]
 * prints one line per run: "<GB/s> <one's complement sum>" over the same deterministic bytes as the JS
 * side; exits 3 when the intrinsics variant was not compiled in (no AVX2).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__AVX512BW__) || defined(__AVX2__)
#include <immintrin.h>
#endif

static uint32_t fold(uint64_t s) {
  s = (s & 0xffffffffu) + (s >> 32);
  s = (s & 0xffffffffu) + (s >> 32);
  uint32_t t = (uint32_t)s;
  t = (t & 0xffff) + (t >> 16);
  t = (t & 0xffff) + (t >> 16);
  return t;
}

__attribute__((noinline)) static uint32_t ones_sum(const uint8_t *p, size_t len) {
  uint64_t sum = 0;
  size_t words = len / 2;
  const uint8_t *end_words = p + words * 2;
  while (p < end_words) {
    size_t n = (size_t)(end_words - p) / 2;
    if (n > 32768) n = 32768; /* 32768 * 0xffff < 2^32 per lane */
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
      uint16_t w;
      memcpy(&w, p + 2 * i, 2);
      acc += w;
    }
    sum += acc;
    p += 2 * n;
  }
  if (len & 1) sum += *p;
  uint32_t le = fold(sum);
  return ((le & 0xff) << 8) | (le >> 8);
}

#if defined(__AVX512BW__)
#define VBYTES 64
typedef __m512i vec;
#define VSET16(x) _mm512_set1_epi16(x)
#define VLOAD(p) _mm512_loadu_si512((const void *)(p))
#define VXOR(a, b) _mm512_xor_si512(a, b)
#define VMADD(a, b) _mm512_madd_epi16(a, b)
#define VADD(a, b) _mm512_add_epi32(a, b)
#define VZERO() _mm512_setzero_si512()
#define VSTORE(p, v) _mm512_storeu_si512((void *)(p), v)
#elif defined(__AVX2__)
#define VBYTES 32
typedef __m256i vec;
#define VSET16(x) _mm256_set1_epi16(x)
#define VLOAD(p) _mm256_loadu_si256((const __m256i *)(p))
#define VXOR(a, b) _mm256_xor_si256(a, b)
#define VMADD(a, b) _mm256_madd_epi16(a, b)
#define VADD(a, b) _mm256_add_epi32(a, b)
#define VZERO() _mm256_setzero_si256()
#define VSTORE(p, v) _mm256_storeu_si256((__m256i *)(p), v)
#endif

#ifdef VBYTES
static int64_t lanes(vec v) {
  int32_t l[VBYTES / 4];
  VSTORE(l, v);
  int64_t s = 0;
  for (int i = 0; i < VBYTES / 4; i++) s += l[i];
  return s;
}

/* XOR 0x8000 makes each unsigned word u the signed u - 32768; madd against ones adds pairs of them. */
__attribute__((noinline)) static uint32_t ones_sum_intrinsics(const uint8_t *p, size_t len) {
  const vec bias = VSET16((short)0x8000), ones = VSET16(1);
  const uint8_t *start = p, *end = p + len;
  int64_t biased = 0;
  while ((size_t)(end - p) >= 4 * VBYTES) {
    size_t rounds = (size_t)(end - p) / (4 * VBYTES);
    if (rounds > 16384) rounds = 16384; /* each lane gains at most 65536 a round */
    vec a0 = VZERO(), a1 = VZERO(), a2 = VZERO(), a3 = VZERO();
    for (size_t i = 0; i < rounds; i++, p += 4 * VBYTES) {
      a0 = VADD(a0, VMADD(VXOR(VLOAD(p), bias), ones));
      a1 = VADD(a1, VMADD(VXOR(VLOAD(p + VBYTES), bias), ones));
      a2 = VADD(a2, VMADD(VXOR(VLOAD(p + 2 * VBYTES), bias), ones));
      a3 = VADD(a3, VMADD(VXOR(VLOAD(p + 3 * VBYTES), bias), ones));
    }
    biased += lanes(a0) + lanes(a1) + lanes(a2) + lanes(a3);
  }
  vec rest = VZERO();
  for (; (size_t)(end - p) >= VBYTES; p += VBYTES) rest = VADD(rest, VMADD(VXOR(VLOAD(p), bias), ones));
  biased += lanes(rest);
  uint64_t sum = (uint64_t)(biased + 32768 * (int64_t)((p - start) / 2));
  for (; end - p >= 2; p += 2) {
    uint16_t w;
    memcpy(&w, p, 2);
    sum += w;
  }
  if (end > p) sum += *p;
  uint32_t le = fold(sum);
  return ((le & 0xff) << 8) | (le >> 8);
}
#endif

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time, as bench/src/measure.ts */
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) {
    fprintf(stderr, "usage: %s SIZE RUNS MIN_MS [portable|intrinsics]\n", argv[0]);
    return 2;
  }
  uint32_t (*ones_sum_fn)(const uint8_t *, size_t) = ones_sum;
  if (argc == 5 && strcmp(argv[4], "intrinsics") == 0) {
#ifdef VBYTES
    ones_sum_fn = ones_sum_intrinsics;
#else
    return 3;
#endif
  }
  size_t size = (size_t)atol(argv[1]);
  int runs = atoi(argv[2]);
  double min_ms = atof(argv[3]);
  uint8_t *buf = aligned_alloc(64, (size + 63) & ~(size_t)63);
  for (size_t i = 0; i < size; i++) buf[i] = (uint8_t)((i * 7) & 255);
  volatile uint32_t sink = 0;
  long iters = 1;
  for (;;) { /* calibrate: enough iterations for one run to take MIN_MS */
    double t0 = now_ms();
    for (long k = 0; k < iters; k++) sink ^= ones_sum_fn(buf, size);
    if (now_ms() - t0 >= min_ms) break;
    iters *= 2;
  }
  for (int r = 0; r < runs; r++) {
    double t0 = now_ms();
    for (long k = 0; k < iters; k++) sink ^= ones_sum_fn(buf, size);
    double ms = now_ms() - t0;
    printf("%.4f %u\n", (double)iters * (double)size / ms / 1e6, ones_sum_fn(buf, size));
  }
  free(buf);
  return 0;
}
