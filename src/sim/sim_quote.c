// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: fake TDREPORTs and well-formed v4/v5 quotes built from
 * them (layouts in shared/facts/ghci.md). Nothing here is cryptographic.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tdxq_compat.h"
#include "tdxq_ghci.h"
#include "sim.h"

/* TDREPORT_STRUCT offsets */
#define TDR_TYPE		0
#define TDR_CPUSVN		16
#define TDR_REPORTDATA		128
#define TDR_MAC			224
#define TDR_TCB_VALID		256
#define TDR_TEE_TCB_SVN		264
#define TDR_MRSEAM		280
#define TDR_MRSIGNERSEAM	328
#define TDR_SEAM_ATTR		376
#define TDR_TD_ATTR		512
#define TDR_XFAM		520
#define TDR_MRTD		TDX_TDREPORT_MRTD
#define TDR_MRCONFIGID		TDX_TDREPORT_MRCONFIGID
#define TDR_MROWNER		TDX_TDREPORT_MROWNER
#define TDR_MROWNERCONFIG	TDX_TDREPORT_MROWNERCONFIG
#define TDR_RTMR0		TDX_TDREPORT_RTMR0
#define TDR_LEN			1024

#define Q_HDR_LEN		48
#define Q_BODY_LEN		584
#define Q_SIG_LEN		64
#define Q_ATT_KEY_LEN		64
#define Q_QE_REPORT_LEN		384
#define Q_QE_SIG_LEN		64
#define Q_CERT_HDR_LEN		6	/* u16 type, u32 size */
#define Q_AUTH_LEN		32
#define Q_CERT_QE_REPORT	6
#define Q_CERT_PCK_CHAIN	5

static const u8 sim_qe_vendor_id[16] = {
	0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
	0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
};

static void sim_pattern(u8 *p, size_t len, u8 seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = seed + i;
}

void sim_fill_tdreport(u8 *r, const u8 *reportdata)
{
	int i;

	memset(r, 0, TDR_LEN);
	r[TDR_TYPE] = 0x81;		/* TEE type: TDX */
	r[TDR_TYPE + 2] = 1;		/* version */
	sim_pattern(r + TDR_CPUSVN, 16, 0x01);
	memcpy(r + TDR_REPORTDATA, reportdata, 64);
	memset(r + TDR_TCB_VALID, 0xff, 8);
	sim_pattern(r + TDR_TEE_TCB_SVN, 16, 0x02);
	sim_pattern(r + TDR_MRSEAM, 48, 0x30);
	put_unaligned_le64(0x10000000ULL, r + TDR_TD_ATTR);
	put_unaligned_le64(0xe71ULL, r + TDR_XFAM);
	sim_measure_fill(r);
	/* A stand-in MAC: not a secret, just not zero. */
	for (i = 0; i < TDR_MAC; i++)
		r[TDR_MAC + i % 32] ^= r[i];
}

static size_t sim_body_offset(unsigned int version)
{
	return version == 5 ? Q_HDR_LEN + 6 : Q_HDR_LEN;
}

size_t sim_quote_min_len(unsigned int version)
{
	return sim_body_offset(version) + Q_BODY_LEN + 4 + Q_SIG_LEN +
	       Q_ATT_KEY_LEN + Q_CERT_HDR_LEN + Q_QE_REPORT_LEN + Q_QE_SIG_LEN +
	       2 + Q_AUTH_LEN + Q_CERT_HDR_LEN;
}

/* Quote body (584 bytes) from the TDREPORT. */
static void sim_fill_body(u8 *b, const u8 *r)
{
	memcpy(b, r + TDR_TEE_TCB_SVN, 16);
	memcpy(b + 16, r + TDR_MRSEAM, 48);
	memcpy(b + 64, r + TDR_MRSIGNERSEAM, 48);
	memcpy(b + 112, r + TDR_SEAM_ATTR, 8);
	memcpy(b + 120, r + TDR_TD_ATTR, 8);
	memcpy(b + 128, r + TDR_XFAM, 8);
	memcpy(b + 136, r + TDR_MRTD, 48);
	memcpy(b + 184, r + TDR_MRCONFIGID, 48);
	memcpy(b + 232, r + TDR_MROWNER, 48);
	memcpy(b + 280, r + TDR_MROWNERCONFIG, 48);
	memcpy(b + 328, r + TDR_RTMR0, 4 * 48);
	memcpy(b + 520, r + TDR_REPORTDATA, 64);
}

/* PEM-looking filler for the PCK certificate chain. */
static void sim_fill_pem(u8 *p, size_t len)
{
	static const char head[] = "-----BEGIN CERTIFICATE-----\n";
	static const char line[] =
		"TUlJQ2pUQ0NBaktnQXdJQkFnSVVTaW11bGF0ZWRQQ0tDZXJ0aWZpY2F0ZQ==\n";
	const char *s = head;
	size_t off = 0, n;

	while (off < len) {
		n = min(len - off, strlen(s));
		memcpy(p + off, s, n);
		off += n;
		s = line;
	}
}

u8 *sim_build_quote(const u8 *r, unsigned int version, size_t len)
{
	size_t body = sim_body_offset(version), off, signed_len, pck_len;
	u8 *q;

	if (len < sim_quote_min_len(version))
		return NULL;
	q = kvzalloc(len, GFP_KERNEL);
	if (!q)
		return NULL;

	put_unaligned_le16(version, q);
	put_unaligned_le16(2, q + 2);			/* ECDSA-256 */
	put_unaligned_le32(0x81, q + 4);		/* TDX */
	memcpy(q + 12, sim_qe_vendor_id, 16);
	sim_pattern(q + 28, 20, 0x55);			/* user data */
	if (version == 5) {
		put_unaligned_le16(2, q + Q_HDR_LEN);	/* TD report 1.0 body */
		put_unaligned_le32(Q_BODY_LEN, q + Q_HDR_LEN + 2);
	}
	sim_fill_body(q + body, r);

	off = body + Q_BODY_LEN;
	signed_len = len - off - 4;
	put_unaligned_le32(signed_len, q + off);
	off += 4;
	sim_pattern(q + off, Q_SIG_LEN, 0x5a);
	off += Q_SIG_LEN;
	sim_pattern(q + off, Q_ATT_KEY_LEN, 0x6b);
	off += Q_ATT_KEY_LEN;

	put_unaligned_le16(Q_CERT_QE_REPORT, q + off);
	put_unaligned_le32(len - off - Q_CERT_HDR_LEN, q + off + 2);
	off += Q_CERT_HDR_LEN;
	sim_pattern(q + off, Q_QE_REPORT_LEN, 0x7c);
	off += Q_QE_REPORT_LEN;
	sim_pattern(q + off, Q_QE_SIG_LEN, 0x8d);
	off += Q_QE_SIG_LEN;
	put_unaligned_le16(Q_AUTH_LEN, q + off);
	off += 2;
	sim_pattern(q + off, Q_AUTH_LEN, 0x9e);
	off += Q_AUTH_LEN;

	pck_len = len - off - Q_CERT_HDR_LEN;
	put_unaligned_le16(Q_CERT_PCK_CHAIN, q + off);
	put_unaligned_le32(pck_len, q + off + 2);
	off += Q_CERT_HDR_LEN;
	sim_fill_pem(q + off, pck_len);
	return q;
}
