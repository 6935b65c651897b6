/*
 * Native reference for the checksum benchmark (src/bench/wire-suite.ts builds it with gcc -O3 -march=native).
 * The same algorithm as assembly/checksum.ts, written so gcc vectorises it: 16-bit little-endian words
 * summed into 32-bit lanes in blocks short enough not to overflow, then folded and byte-swapped once.
 *
 * usage: checksum SIZE RUNS MIN_MS
 * prints one line per run: "<GB/s> <checksum>" over the same deterministic bytes as the JS side.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SIZE RUNS MIN_MS\n", argv[0]);
    return 2;
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
    for (long k = 0; k < iters; k++) sink ^= ones_sum(buf, size);
    if (now_ms() - t0 >= min_ms) break;
    iters *= 2;
  }
  for (int r = 0; r < runs; r++) {
    double t0 = now_ms();
    for (long k = 0; k < iters; k++) sink ^= ones_sum(buf, size);
    double ms = now_ms() - t0;
    printf("%.4f %u\n", (double)iters * (double)size / ms / 1e6, ones_sum(buf, size));
  }
  free(buf);
  return 0;
}
