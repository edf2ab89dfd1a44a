// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-384 (FIPS 180-4, section 6.4 with the SHA-384 initial values),
 * written for the simulated host. Builds in the kernel and in userspace
 * (sim_sha384.h).
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "sim_sha384.h"

#define SHA512_BLOCK		128

static const u64 sim_sha_k[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL,
	0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
	0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL,
	0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
	0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
	0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL, 0x2de92c6f592b0275ULL,
	0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL,
	0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
	0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL,
	0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL,
	0x92722c851482353bULL, 0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
	0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
	0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL,
	0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
	0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL,
	0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL,
	0xc67178f2e372532bULL, 0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
	0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL,
	0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
	0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
	0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

static const u64 sim_sha384_iv[8] = {
	0xcbbb9d5dc1059ed8ULL, 0x629a292a367cd507ULL, 0x9159015a3070dd17ULL,
	0x152fecd8f70e5939ULL, 0x67332667ffc00b31ULL, 0x8eb44a8768581511ULL,
	0xdb0c2e0d64f98fa7ULL, 0x47b5481dbefa4fa4ULL,
};

static u64 sim_ror(u64 x, unsigned int n)
{
	return (x >> n) | (x << (64 - n));
}

static u64 sim_be64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* One block; the message schedule kept as a ring of 16 words (small stack). */
static void sim_sha_block(u64 h[8], const u8 *blk)
{
	u64 w[16], s[8], t1, t2, w15, w2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = sim_be64(blk + 8 * i);
	memcpy(s, h, sizeof(s));
	for (i = 0; i < 80; i++) {
		if (i >= 16) {
			w15 = w[(i - 15) & 15];
			w2 = w[(i - 2) & 15];
			w[i & 15] += w[(i - 7) & 15] +
				     (sim_ror(w15, 1) ^ sim_ror(w15, 8) ^ (w15 >> 7)) +
				     (sim_ror(w2, 19) ^ sim_ror(w2, 61) ^ (w2 >> 6));
		}
		t1 = s[7] + (sim_ror(s[4], 14) ^ sim_ror(s[4], 18) ^ sim_ror(s[4], 41)) +
		     ((s[4] & s[5]) ^ (~s[4] & s[6])) + sim_sha_k[i] + w[i & 15];
		t2 = (sim_ror(s[0], 28) ^ sim_ror(s[0], 34) ^ sim_ror(s[0], 39)) +
		     ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
		memmove(s + 1, s, 7 * sizeof(s[0]));
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += s[i];
}

void sim_sha384(const u8 *msg, size_t len, u8 out[SIM_SHA384_LEN])
{
	u8 tail[2 * SHA512_BLOCK];
	size_t full = len - len % SHA512_BLOCK, rest = len - full, n, i;
	u64 h[8];

	memcpy(h, sim_sha384_iv, sizeof(h));
	for (i = 0; i < full; i += SHA512_BLOCK)
		sim_sha_block(h, msg + i);

	/* 0x80, zeros, then the length in bits as a 128-bit big-endian number */
	memset(tail, 0, sizeof(tail));
	memcpy(tail, msg + full, rest);
	tail[rest] = 0x80;
	n = rest + 1 + 16 <= SHA512_BLOCK ? SHA512_BLOCK : 2 * SHA512_BLOCK;
	for (i = 0; i < 8; i++)
		tail[n - 1 - i] = (u8)(((u64)len << 3) >> (8 * i));
	tail[n - 9] = (u8)((u64)len >> 61);
	for (i = 0; i < n; i += SHA512_BLOCK)
		sim_sha_block(h, tail + i);

	for (i = 0; i < SIM_SHA384_LEN; i++)
		out[i] = (u8)(h[i / 8] >> (56 - 8 * (i % 8)));
}

void sim_sha384_extend(u8 mr[SIM_SHA384_LEN], const u8 data[SIM_SHA384_LEN])
{
	u8 buf[2 * SIM_SHA384_LEN];

	memcpy(buf, mr, SIM_SHA384_LEN);
	memcpy(buf + SIM_SHA384_LEN, data, SIM_SHA384_LEN);
	sim_sha384(buf, sizeof(buf), mr);
}
