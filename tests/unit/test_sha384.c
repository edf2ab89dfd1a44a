// SPDX-License-Identifier: GPL-2.0
/*
 * test_sha384.c - the simulated host's SHA-384 (src/sim/sim_sha384.c),
 * which extends its RTMRs and which the VM tests predict them with, held
 * to the FIPS 180-4 example vectors and to digests computed by another
 * implementation (coreutils sha384sum), at every padding boundary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sim_sha384.h"

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void expect(const void *msg, size_t len, const char *want)
{
	uint8_t d[SIM_SHA384_LEN];
	char h[2 * SIM_SHA384_LEN + 1];

	sim_sha384(msg, len, d);
	hex(h, d, SIM_SHA384_LEN);
	if (strcmp(h, want))
		fail_msg("SHA-384 of %zu bytes:\n  got  %s\n  want %s", len, h, want);
}

/* FIPS 180-4 examples (NIST CSRC "SHA384.pdf") */
static void test_fips_vectors(void **state)
{
	(void)state;
	expect("abc", 3,
	       "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	       "8086072ba1e7cc2358baeca134c825a7");
	expect("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
	       "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
	       "fcc7c71a557e2db966c3e9fa91746039");
	expect("", 0,
	       "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
	       "274edebfe76f65fbd51ad2f14898b95b");
}

/*
 * n bytes of 'a' around the one- and two-block padding boundaries (111,
 * 112, 127, 128, 129), 96 (the length of every RTMR extend), 240, 300.
 */
static void test_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *want;
	} v[] = {
		{ 96, "e6f8fc9807cf07d835566f50978d72022b2d718f5b0b75a4594187c73487c0ba"
		      "edf4e289b340428164e42938f54abcfb" },
		{ 111, "3c37955051cb5c3026f94d551d5b5e2ac38d572ae4e07172085fed81f8466b8f"
		      "90dc23a8ffcdea0b8d8e58e8fdacc80a" },
		{ 112, "187d4e07cb306103c69967bf544d0dfbe9042577599c73c330abc0cb64c61236"
		      "d5ed565ee19119d8c31779a38f791fcd" },
		{ 127, "9bd06b1763c2cf7aef40e795dc65bc96d59c41b537f3ad72ebdefd485476b571"
		      "7c1aeb37c327fe9c1831b12b9efd08ae" },
		{ 128, "edb12730a366098b3b2beac75a3bef1b0969b15c48e2163c23d96994f8d1bef7"
		      "60c7e27f3c464d3829f56c0d53808b0b" },
		{ 129, "39b6f5a7b0e781dbc419f72e49b30eaac10f2c98c4403bc610da31067fd1b48f"
		      "324138c8615d2b496d08d73d5e865326" },
		{ 240, "4d86957beab348a29180f02d02564ac1d32f5b4c217ece2b038f7c184f0cafc8"
		      "c8e438eb82aa03796170e0a7ce8c0675" },
		{ 300, "0541e349b6d06749a852ae0a68db73f98620879de6b5b3743d7fca7dda0f81d8"
		      "3b0ca596f710542ed343f1b4214d508c" },
	};
	uint8_t a[300];

	(void)state;
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		expect(a, v[i].len, v[i].want);
}

/* RTMR extend: SHA-384(48 zero bytes || 48 bytes 0x11), from sha384sum. */
static void test_extend(void **state)
{
	uint8_t mr[SIM_SHA384_LEN] = { 0 }, data[SIM_SHA384_LEN];
	char h[2 * SIM_SHA384_LEN + 1];

	(void)state;
	memset(data, 0x11, sizeof(data));
	sim_sha384_extend(mr, data);
	hex(h, mr, SIM_SHA384_LEN);
	assert_string_equal(h, "c7304e0aec48bbbc703c099b425485b7a60e19b6a83630b0fb558ce2f02ec41e"
			       "4cdf205335b4b613b3537ad83eb62262");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_vectors),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_extend),
	};

	return cmocka_run_group_tests_name("sim_sha384", tests, NULL, NULL);
}
