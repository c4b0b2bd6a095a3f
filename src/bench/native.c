/*
 * The native floor the benchmark holds `cpu-wasm` to (`native-c`): the lecture's SGD in plain C,
 * float64 with sigmoid units, compiled by the machine's C compiler with -O2 (src/cli/native.ts),
 * written as plainly as floor.ts's JavaScript loop: theta and the hidden values in arrays, one
 * loop over the steps, libm's exp. It draws each epoch's visiting order as the engines do, inside
 * its time (numpy's legacy shuffle: MT19937 seeded by init_genrand, Fisher-Yates from the back
 * with masked rejection), so its history is the engines' and is checked against `cpu` before its
 * time counts.
 *
 * Input (argv[1], little-endian, written by native.ts): int32 K, batch, n, nv, epochs, shuffle;
 * uint32 seed; float64 lr; float64 x[n], y[n], xv[nv], yv[nv], theta[3K] (rows v, w, b).
 * Output (stdout): {"trainMs": t, "loss": [...], "valLoss": [...]}.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint32_t mt[624];
static int mti;

static void init_genrand(uint32_t s) {
  mt[0] = s;
  for (mti = 1; mti < 624; mti++) mt[mti] = 1812433253u * (mt[mti - 1] ^ (mt[mti - 1] >> 30)) + (uint32_t)mti;
}

static uint32_t genrand(void) {
  uint32_t y;
  if (mti >= 624) {
    for (int k = 0; k < 624; k++) {
      y = (mt[k] & 0x80000000u) | (mt[(k + 1) % 624] & 0x7fffffffu);
      mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    mti = 0;
  }
  y = mt[mti++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

/* numpy's random_interval: a uniform integer in [0, max] by masked rejection. */
static uint32_t interval(uint32_t max) {
  if (max == 0) return 0;
  uint32_t mask = max, v;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  do v = genrand() & mask;
  while (v > max);
  return v;
}

static void read_all(FILE *f, void *p, size_t size, size_t count) {
  if (fread(p, size, count, f) != count) {
    fprintf(stderr, "native-c: the input file is short\n");
    exit(2);
  }
}

/* A number of the JSON output (null where it is not finite: JSON has no inf or nan). */
static void print_number(const char *before, double v) {
  if (isfinite(v)) printf("%s%.17g", before, v);
  else printf("%snull", before);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: native-c INPUT\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  int32_t head[6];
  uint32_t seed;
  double lr;
  read_all(f, head, 4, 6);
  read_all(f, &seed, 4, 1);
  read_all(f, &lr, 8, 1);
  const int K = head[0], B = head[1], n = head[2], nv = head[3], epochs = head[4], shuffle = head[5];
  double *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n);
  double *xv = malloc(sizeof(double) * (nv + 1)), *yv = malloc(sizeof(double) * (nv + 1));
  double *theta = malloc(sizeof(double) * 3 * K), *h = malloc(sizeof(double) * B * K), *r = malloc(sizeof(double) * B);
  double *loss = malloc(sizeof(double) * epochs), *val = malloc(sizeof(double) * epochs);
  uint32_t *order = malloc(sizeof(uint32_t) * n);
  read_all(f, x, 8, n);
  read_all(f, y, 8, n);
  read_all(f, xv, 8, nv);
  read_all(f, yv, 8, nv);
  read_all(f, theta, 8, 3 * K);
  fclose(f);
  init_genrand(seed);

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int epoch = 0; epoch < epochs; epoch++) {
    for (int i = 0; i < n; i++) order[i] = (uint32_t)i;
    if (shuffle) {
      for (int i = n - 1; i > 0; i--) {
        uint32_t j = interval((uint32_t)i), t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    double sq = 0;
    for (int first = 0; first < n; first += B) {
      const int count = n - first < B ? n - first : B;
      for (int i = 0; i < count; i++) {
        const double xi = x[order[first + i]];
        double alpha = 0;
        for (int k = 0; k < K; k++) {
          const double s = 1 / (1 + exp(-(theta[3 * k + 1] * xi + theta[3 * k + 2])));
          h[i * K + k] = s;
          alpha += theta[3 * k] * s;
        }
        r[i] = alpha - y[order[first + i]];
        sq += r[i] * r[i];
      }
      const double c = (2.0 / count) * lr;
      for (int k = 0; k < K; k++) {
        double gv = 0, gz = 0, gw = 0;
        for (int i = 0; i < count; i++) {
          const double s = h[i * K + k], d = r[i] * s * (1 - s);
          gv += r[i] * s;
          gz += d;
          gw += d * x[order[first + i]];
        }
        const double v = theta[3 * k];
        theta[3 * k] = v - c * gv;
        theta[3 * k + 1] -= c * v * gw;
        theta[3 * k + 2] -= c * v * gz;
      }
    }
    loss[epoch] = sq / n;
    double vsq = 0;
    for (int j = 0; j < nv; j++) {
      double alpha = 0;
      for (int k = 0; k < K; k++) alpha += theta[3 * k] / (1 + exp(-(theta[3 * k + 1] * xv[j] + theta[3 * k + 2])));
      vsq += (alpha - yv[j]) * (alpha - yv[j]);
    }
    val[epoch] = nv > 0 ? vsq / nv : NAN;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);

  printf("{\"trainMs\": %.6f, \"loss\": [", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  for (int e = 0; e < epochs; e++) print_number(e ? ", " : "", loss[e]);
  printf("], \"valLoss\": [");
  for (int e = 0; e < epochs; e++) print_number(e ? ", " : "", val[e]);
  printf("]}\n");
  return 0;
}
