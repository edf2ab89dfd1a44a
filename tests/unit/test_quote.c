// SPDX-License-Identifier: GPL-2.0
/*
 * test_quote.c - unit tests for the quote parser (tools/quote.c)
 *
 * Every buffer handed to the parser is a malloc'ed block of exactly the
 * length passed, so that AddressSanitizer (on in tests/unit/Makefile)
 * catches any read past the end.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"
#include "quote_builder.h"

static char err[512];

/* Parse a private copy of exactly @len bytes of @src. */
static int parse_copy(const uint8_t *src, size_t len, struct tdxq_quote *q)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, src, len);
	err[0] = '\0';
	ret = tdxq_parse_quote(copy, len, q, err, sizeof(err));
	free(copy);
	/* q now points into freed memory: callers only look at ret and err */
	return ret;
}

static void expect_reject(const uint8_t *buf, size_t len, const char *needle)
{
	struct tdxq_quote q;

	if (parse_copy(buf, len, &q) == 0)
		fail_msg("accepted a bad quote (len %zu), expected '%s'", len, needle);
	assert_true(strlen(err) > 0);
	if (needle && !strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void check_filled(const uint8_t *p, size_t n, uint8_t byte)
{
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i], byte);
}

/* Check every parsed field of a default-built quote. */
static void check_quote(const uint8_t *buf, const struct qb_layout *l,
			const struct tdxq_quote *q, int version, int body_type)
{
	const struct tdxq_body *b = &q->body;

	assert_ptr_equal(q->buf, buf);
	assert_int_equal(q->len, l->len);
	assert_int_equal(q->version, version);
	assert_int_equal(q->att_key_type, 2);
	assert_int_equal(q->tee_type, 0x81);
	assert_ptr_equal(q->qe_vendor_id, buf + 12);
	assert_int_equal(q->qe_vendor_id[0], 0x93);
	assert_ptr_equal(q->user_data, buf + 28);
	assert_int_equal(q->user_data[0], 0xe0);
	assert_int_equal(q->user_data[19], 0xf3);

	assert_int_equal(q->body_type, body_type);
	assert_int_equal(q->body_size, body_type == 3 ? 648 : 584);
	assert_int_equal(q->body_offset, l->body_off);

	check_filled(b->tee_tcb_svn, 16, 1);
	check_filled(b->mrseam, 48, 2);
	check_filled(b->mrsignerseam, 48, 3);
	check_filled(b->seam_attributes, 8, 4);
	check_filled(b->td_attributes, 8, 5);
	check_filled(b->xfam, 8, 6);
	check_filled(b->mrtd, 48, 7);
	check_filled(b->mrconfigid, 48, 8);
	check_filled(b->mrowner, 48, 9);
	check_filled(b->mrownerconfig, 48, 10);
	for (int i = 0; i < 4; i++)
		check_filled(b->rtmr[i], 48, (uint8_t)(11 + i));
	assert_ptr_equal(b->report_data, buf + l->report_data_off);
	assert_int_equal(l->report_data_off - l->body_off, 520);
	for (int i = 0; i < 64; i++)
		assert_int_equal(b->report_data[i], QB_REPORT_DATA(i));
	if (body_type == 3) {
		check_filled(b->tee_tcb_svn2, 16, 0xa1);
		check_filled(b->mrservicetd, 48, 0xa2);
		assert_ptr_equal(b->mrservicetd + 48, buf + l->body_off + 648);
	} else {
		assert_null(b->tee_tcb_svn2);
		assert_null(b->mrservicetd);
	}

	assert_int_equal(q->signed_data_offset, l->sig_len_off + 4);
	assert_int_equal(q->signed_data_offset + q->signed_data_len, l->len);
	check_filled(q->ecdsa_sig, 64, 0x51);
	check_filled(q->att_key, 64, 0x52);
	assert_int_equal(q->cert.type, 6);
	assert_int_equal(q->cert.offset, l->cert_type_off);
	assert_ptr_equal(q->cert.data, buf + l->cert_size_off + 4);
	assert_true(q->has_qe_report);
	check_filled(q->qe_report, 384, 0x61);
	check_filled(q->qe_report_sig, 64, 0x62);
	assert_int_equal(q->qe_auth_size, 32);
	check_filled(q->qe_auth, 32, 0x63);
	assert_int_equal(q->nested.type, 5);
	assert_int_equal(q->nested.offset, l->nested_type_off);
	assert_ptr_equal(q->nested.data + q->nested.size, buf + l->len);
	assert_memory_equal(q->nested.data, "-----BEGIN CERTIFICATE-----", 27);
}

static void valid(int version, int body_type)
{
	struct qb_opts o = qb_defaults(version, body_type);
	struct qb_layout l;
	struct tdxq_quote q;
	uint8_t *buf = qb_build(&o, &l);

	assert_non_null(buf);
	if (tdxq_parse_quote(buf, l.len, &q, err, sizeof(err)))
		fail_msg("valid v%d quote rejected: %s", version, err);
	assert_string_equal(err, "");
	check_quote(buf, &l, &q, version, body_type);
	free(buf);
}

static void test_valid_v4(void **state)
{
	(void)state;
	valid(4, 2);
}

static void test_valid_v5_td10(void **state)
{
	(void)state;
	valid(5, 2);
}

static void test_valid_v5_td15(void **state)
{
	(void)state;
	valid(5, 3);
}

/* Layout sizes: v4 header + body + length + signed data adds up as documented. */
static void test_v4_offsets(void **state)
{
	struct qb_opts o = qb_defaults(4, 2);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);

	(void)state;
	assert_int_equal(l.body_off, 48);
	assert_int_equal(l.sig_len_off, 632);
	assert_int_equal(l.report_data_off, 568);
	free(buf);
}

/* Minimal and maximal variable parts are still well-formed. */
static void test_valid_sizes(void **state)
{
	static const size_t auth[] = { 0, 1, 64, 65535 };
	static const size_t pck[] = { 0, 1, 5000, 200000 };

	(void)state;
	for (size_t v = 4; v <= 5; v++) {
		for (size_t i = 0; i < 4; i++) {
			struct qb_opts o = qb_defaults((int)v, 3);
			struct qb_layout l;
			struct tdxq_quote q;
			uint8_t *buf;

			o.qe_auth_len = auth[i];
			o.pck_len = pck[i];
			buf = qb_build(&o, &l);
			assert_non_null(buf);
			if (tdxq_parse_quote(buf, l.len, &q, err, sizeof(err)))
				fail_msg("auth %zu pck %zu: %s", auth[i], pck[i], err);
			assert_int_equal(q.qe_auth_size, auth[i]);
			assert_int_equal(q.nested.size, pck[i]);
			free(buf);
		}
	}
}

/* A certification data type other than 6 is carried as opaque bytes. */
static void test_valid_other_cert_type(void **state)
{
	struct qb_opts o = qb_defaults(4, 2);
	struct qb_layout l;
	struct tdxq_quote q;
	uint8_t *buf;

	(void)state;
	o.cert_type = 5;
	o.pck_len = 1000;
	buf = qb_build(&o, &l);
	assert_int_equal(tdxq_parse_quote(buf, l.len, &q, err, sizeof(err)), 0);
	assert_int_equal(q.cert.type, 5);
	assert_int_equal(q.cert.size, 1000);
	assert_false(q.has_qe_report);
	assert_null(q.qe_report);
	free(buf);
}

static void truncations(int version, int body_type)
{
	struct qb_opts o = qb_defaults(version, body_type);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);

	assert_non_null(buf);
	for (size_t n = 0; n < l.len; n++)
		expect_reject(buf, n, NULL);
	expect_reject(buf, 0, "truncated: header");
	expect_reject(buf, 47, "truncated: header");
	expect_reject(buf, l.len - 1, "signed_data_len");
	free(buf);
}

static void test_truncated_v4(void **state)
{
	(void)state;
	truncations(4, 2);
}

static void test_truncated_v5_td10(void **state)
{
	(void)state;
	truncations(5, 2);
}

static void test_truncated_v5_td15(void **state)
{
	(void)state;
	truncations(5, 3);
}

/* The message the brief asks for, literally. */
static void test_signed_data_len_too_big(void **state)
{
	struct qb_opts o = qb_defaults(4, 2);
	struct qb_layout l;
	uint8_t *buf;
	char want[128];

	(void)state;
	o.pck_len = 4000 - (64 + 64 + 6 + 384 + 64 + 2 + 32 + 6);	/* signed data: 4000 */
	buf = qb_build(&o, &l);
	assert_int_equal(qb_get_u32(buf + l.sig_len_off), 4000);
	qb_put_u32(buf + l.sig_len_off, 5000);
	snprintf(want, sizeof(want), "signed_data_len 5000 exceeds remaining 4000 bytes");
	expect_reject(buf, l.len, want);
	free(buf);
}

static void corrupt_u32(const uint8_t *orig, const struct qb_layout *l, size_t off,
			const char *field)
{
	static const int64_t deltas[] = { 1, -1, 1000, -1000 };
	uint32_t v = qb_get_u32(orig + off);
	uint8_t *buf = malloc(l->len);
	char want[128];

	memcpy(buf, orig, l->len);
	for (size_t i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
		qb_put_u32(buf + off, (uint32_t)(v + deltas[i]));
		expect_reject(buf, l->len, NULL);
	}
	/* too big: the message names the field and the numbers */
	qb_put_u32(buf + off, v + 1);
	snprintf(want, sizeof(want), "%s %" PRIu32 " exceeds remaining %" PRIu32 " bytes",
		 field, v + 1, v);
	expect_reject(buf, l->len, want);
	qb_put_u32(buf + off, 0xffffffff);
	expect_reject(buf, l->len, field);
	qb_put_u32(buf + off, 0);
	expect_reject(buf, l->len, NULL);
	free(buf);
}

static void wrong_lengths(int version, int body_type)
{
	struct qb_opts o = qb_defaults(version, body_type);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);
	uint16_t auth;

	corrupt_u32(buf, &l, l.sig_len_off, "signed_data_len");
	corrupt_u32(buf, &l, l.cert_size_off, "certification data size");
	corrupt_u32(buf, &l, l.nested_size_off, "nested certification data size");

	/* too small: bytes left over, named */
	qb_put_u32(buf + l.sig_len_off, qb_get_u32(buf + l.sig_len_off) - 1);
	expect_reject(buf, l.len, "trailing");
	qb_put_u32(buf + l.sig_len_off, qb_get_u32(buf + l.sig_len_off) + 1);

	qb_put_u32(buf + l.nested_size_off, qb_get_u32(buf + l.nested_size_off) - 1);
	expect_reject(buf, l.len, "certification data size");
	qb_put_u32(buf + l.nested_size_off, qb_get_u32(buf + l.nested_size_off) + 1);

	qb_put_u32(buf + l.cert_size_off, qb_get_u32(buf + l.cert_size_off) - 1);
	expect_reject(buf, l.len, "signed_data_len");
	qb_put_u32(buf + l.cert_size_off, qb_get_u32(buf + l.cert_size_off) + 1);

	auth = qb_get_u16(buf + l.qe_auth_size_off);
	qb_put_u16(buf + l.qe_auth_size_off, (uint16_t)(auth + 1));
	expect_reject(buf, l.len, NULL);
	qb_put_u16(buf + l.qe_auth_size_off, (uint16_t)(auth - 1));
	expect_reject(buf, l.len, NULL);
	qb_put_u16(buf + l.qe_auth_size_off, 0xffff);
	expect_reject(buf, l.len, "QE auth data size 65535 exceeds remaining");
	qb_put_u16(buf + l.qe_auth_size_off, auth);

	if (version == 5) {
		uint32_t size = qb_get_u32(buf + l.body_size_off);
		static const uint32_t bad[] = { 0, 583, 585, 647, 649, 0xffffffff };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			qb_put_u32(buf + l.body_size_off, bad[i]);
			expect_reject(buf, l.len, "body_size");
		}
		/* the other type's size */
		qb_put_u32(buf + l.body_size_off, size == 584 ? 648 : 584);
		expect_reject(buf, l.len, "does not match body_type");
		qb_put_u32(buf + l.body_size_off, size);
	}

	/* back to the original: still valid */
	{
		struct tdxq_quote q;

		assert_int_equal(parse_copy(buf, l.len, &q), 0);
	}
	free(buf);
}

static void test_wrong_lengths_v4(void **state)
{
	(void)state;
	wrong_lengths(4, 2);
}

static void test_wrong_lengths_v5_td10(void **state)
{
	(void)state;
	wrong_lengths(5, 2);
}

static void test_wrong_lengths_v5_td15(void **state)
{
	(void)state;
	wrong_lengths(5, 3);
}

static void test_wrong_body_type(void **state)
{
	struct qb_opts o = qb_defaults(5, 2);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);
	static const uint16_t bad[] = { 0, 1, 4, 0xffff };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		qb_put_u16(buf + l.body_type_off, bad[i]);
		expect_reject(buf, l.len, "unsupported body_type");
	}
	/* type 3 with the 584-byte body it does not have */
	qb_put_u16(buf + l.body_type_off, 3);
	expect_reject(buf, l.len, "body_size 584 does not match body_type 3 (expected 648)");
	free(buf);
}

static void test_wrong_tee_type(void **state)
{
	struct qb_opts o = qb_defaults(4, 2);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);
	static const uint32_t bad[] = { 0, 0x80, 0x82, 0x81000000, 0xffffffff };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		qb_put_u32(buf + 4, bad[i]);
		expect_reject(buf, l.len, "tee_type");
	}
	qb_put_u32(buf + 4, 0);
	expect_reject(buf, l.len, "tee_type 0x00000000 is not TDX");
	free(buf);
}

static void test_wrong_version_and_key(void **state)
{
	struct qb_opts o = qb_defaults(4, 2);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);

	(void)state;
	qb_put_u16(buf, 3);
	expect_reject(buf, l.len, "unsupported quote version 3");
	qb_put_u16(buf, 6);
	expect_reject(buf, l.len, "version");
	qb_put_u16(buf, 5);	/* a v4 quote read as v5: body_type is garbage */
	expect_reject(buf, l.len, NULL);
	qb_put_u16(buf, 4);
	qb_put_u16(buf + 2, 3);
	expect_reject(buf, l.len, "att_key_type 3");
	free(buf);
}

static void test_trailing_garbage(void **state)
{
	struct qb_opts o = qb_defaults(4, 2);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);
	uint8_t *big = calloc(1, l.len + 100);

	(void)state;
	memcpy(big, buf, l.len);
	expect_reject(big, l.len + 1, "1 trailing byte(s) after the signed data");
	expect_reject(big, l.len + 100, "100 trailing byte(s)");
	free(big);
	free(buf);
}

static void test_null_and_empty(void **state)
{
	struct tdxq_quote q;

	(void)state;
	assert_int_equal(tdxq_parse_quote(NULL, 0, &q, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "header"));
	assert_int_equal(tdxq_parse_quote(NULL, 100, &q, err, sizeof(err)), -1);
	/* no error buffer at all */
	assert_int_equal(tdxq_parse_quote(NULL, 0, &q, NULL, 0), -1);
}

/* Random corruption must never crash or read out of bounds (ASan watches). */
static void test_random_corruption(void **state)
{
	struct qb_opts o = qb_defaults(5, 3);
	struct qb_layout l;
	uint8_t *orig, *buf;
	struct tdxq_quote q;
	unsigned int seed = 12345;
	int accepted = 0;

	(void)state;
	o.pck_len = 64;
	orig = qb_build(&o, &l);
	buf = malloc(l.len);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = l.len;
		int flips = 1 + rand_r(&seed) % 4;

		memcpy(buf, orig, l.len);
		for (int k = 0; k < flips; k++)
			buf[(size_t)rand_r(&seed) % l.len] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4 == 0)
			len = (size_t)rand_r(&seed) % l.len;
		if (tdxq_parse_quote(buf, len, &q, err, sizeof(err)) == 0) {
			accepted++;
			assert_int_equal(q.signed_data_offset + q.signed_data_len, len);
		} else {
			assert_true(strlen(err) > 0);
		}
	}
	/* flips in fields without structure keep the quote valid */
	assert_true(accepted > 0);
	free(buf);
	free(orig);
}

/* Print to a memory stream and return the text (caller frees). */
static char *print_to_string(const struct tdxq_quote *q)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	tdxq_print_quote(f, q);
	fclose(f);
	return text;
}

static void test_print(void **state)
{
	struct qb_opts o = qb_defaults(5, 3);
	struct qb_layout l;
	uint8_t *buf = qb_build(&o, &l);
	struct tdxq_quote q;
	char want[256] = "report_data          ";
	char *text;

	(void)state;
	assert_int_equal(tdxq_parse_quote(buf, l.len, &q, err, sizeof(err)), 0);
	text = print_to_string(&q);
	for (int i = 0; i < 64; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%02x",
			 QB_REPORT_DATA(i));
	strcat(want, "\n");
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "TDX quote v5"));
	assert_non_null(strstr(text, "body: TD 1.5 report, 648 bytes at offset 54"));
	assert_non_null(strstr(text, "mrtd                 0707070707"));
	assert_non_null(strstr(text, "mrservicetd          a2a2"));
	assert_non_null(strstr(text, "(Intel SGX QE)"));
	assert_non_null(strstr(text, "qe_auth_data         32 bytes"));
	assert_non_null(strstr(text, "3 PEM certificate(s)"));
	free(text);

	/* v4 has no TD 1.5 fields */
	free(buf);
	o = qb_defaults(4, 2);
	buf = qb_build(&o, &l);
	assert_int_equal(tdxq_parse_quote(buf, l.len, &q, err, sizeof(err)), 0);
	text = print_to_string(&q);
	assert_non_null(strstr(text, "body: TD 1.0 report, 584 bytes at offset 48"));
	assert_null(strstr(text, "mrservicetd"));
	assert_null(strstr(text, "body_type"));
	free(text);
	free(buf);
}

static void test_print_tdreport(void **state)
{
	uint8_t r[TDXQ_TDREPORT_LEN] = { 0x81 };
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	(void)state;
	for (int i = 0; i < 64; i++)
		r[128 + i] = (uint8_t)(0xc0 + i);
	memset(r + 528, 0x77, 48);	/* mrtd */
	f = open_memstream(&text, &size);
	tdxq_print_tdreport(f, r);
	tdxq_hexdump(f, r, 20);
	fclose(f);
	assert_non_null(strstr(text, "report_type          81000000\n"));
	assert_non_null(strstr(text, "reportdata           c0c1c2"));
	assert_non_null(strstr(text, "fdfeff\n"));
	assert_non_null(strstr(text, "mrtd                 7777"));
	assert_non_null(strstr(text, "00000000  81 00 00"));
	assert_non_null(strstr(text, "00000010  00 00 00 00"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_v4),
		cmocka_unit_test(test_valid_v5_td10),
		cmocka_unit_test(test_valid_v5_td15),
		cmocka_unit_test(test_v4_offsets),
		cmocka_unit_test(test_valid_sizes),
		cmocka_unit_test(test_valid_other_cert_type),
		cmocka_unit_test(test_truncated_v4),
		cmocka_unit_test(test_truncated_v5_td10),
		cmocka_unit_test(test_truncated_v5_td15),
		cmocka_unit_test(test_signed_data_len_too_big),
		cmocka_unit_test(test_wrong_lengths_v4),
		cmocka_unit_test(test_wrong_lengths_v5_td10),
		cmocka_unit_test(test_wrong_lengths_v5_td15),
		cmocka_unit_test(test_wrong_body_type),
		cmocka_unit_test(test_wrong_tee_type),
		cmocka_unit_test(test_wrong_version_and_key),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_tdreport),
	};

	return cmocka_run_group_tests_name("quote parser", tests, NULL, NULL);
}
