/* SPDX-License-Identifier: GPL-2.0 */
/*
 * quote.h - parser for TDX attestation quotes (v4 and v5) and TDREPORTs
 *
 * The parser does no I/O and never reads outside [buf, buf + len): every
 * field is taken through an explicit bounds check, never by casting the
 * buffer to a packed structure. All length fields must add up exactly;
 * any trailing byte is an error. Parsed fields point into the caller's
 * buffer, which must outlive the struct tdxq_quote.
 *
 * Layout (all little-endian):
 *
 *   v4: header(48) body(584)                      u32 sig_len  signed_data
 *   v5: header(48) u16 body_type u32 body_size body u32 sig_len  signed_data
 *
 *   signed_data: ecdsa_sig(64) att_key(64) cert_data
 *   cert_data:   u16 type  u32 size  bytes[size]
 *   type 6:      qe_report(384) qe_report_sig(64) u16 auth_size auth[]
 *                nested cert_data (type 5 = PEM PCK certificate chain)
 */
#ifndef TDXQ_QUOTE_H
#define TDXQ_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TDXQ_HEADER_LEN			48
#define TDXQ_TEE_TYPE_TDX		0x00000081u
#define TDXQ_ATT_KEY_ECDSA_P256		2

#define TDXQ_BODY_TYPE_TD10		2	/* v5 body_type: TD 1.0 report */
#define TDXQ_BODY_TYPE_TD15		3	/* v5 body_type: TD 1.5 report */
#define TDXQ_BODY_TD10_LEN		584
#define TDXQ_BODY_TD15_LEN		648

#define TDXQ_ECDSA_SIG_LEN		64
#define TDXQ_ATT_KEY_LEN		64
#define TDXQ_QE_REPORT_LEN		384
#define TDXQ_QE_REPORT_SIG_LEN		64

#define TDXQ_CERT_PCK_CHAIN		5	/* PEM PCK certificate chain */
#define TDXQ_CERT_QE_REPORT		6	/* QE report certification data */

#define TDXQ_TDREPORT_LEN		1024

/* A parsed TD report body (TD 1.0: 584 bytes; TD 1.5 adds the last two). */
struct tdxq_body {
	const uint8_t *tee_tcb_svn;		/* 16 */
	const uint8_t *mrseam;			/* 48 */
	const uint8_t *mrsignerseam;		/* 48 */
	const uint8_t *seam_attributes;		/*  8 */
	const uint8_t *td_attributes;		/*  8 */
	const uint8_t *xfam;			/*  8 */
	const uint8_t *mrtd;			/* 48 */
	const uint8_t *mrconfigid;		/* 48 */
	const uint8_t *mrowner;			/* 48 */
	const uint8_t *mrownerconfig;		/* 48 */
	const uint8_t *rtmr[4];			/* 48 each */
	const uint8_t *report_data;		/* 64 */
	const uint8_t *tee_tcb_svn2;		/* 16, TD 1.5 only, else NULL */
	const uint8_t *mrservicetd;		/* 48, TD 1.5 only, else NULL */
};

/* A certification data block: u16 type, u32 size, data[size]. */
struct tdxq_cert {
	uint16_t type;
	uint32_t size;
	const uint8_t *data;
	size_t offset;				/* of the type field in the quote */
};

struct tdxq_quote {
	const uint8_t *buf;
	size_t len;

	/* header */
	uint16_t version;
	uint16_t att_key_type;
	uint32_t tee_type;
	const uint8_t *header_reserved;		/*  4 @8 */
	const uint8_t *qe_vendor_id;		/* 16 @12 */
	const uint8_t *user_data;		/* 20 @28 */

	/* body; for v4 body_type is reported as TDXQ_BODY_TYPE_TD10 */
	uint16_t body_type;
	uint32_t body_size;
	size_t body_offset;
	struct tdxq_body body;

	/* signed data */
	uint32_t signed_data_len;
	size_t signed_data_offset;
	const uint8_t *ecdsa_sig;		/* 64 */
	const uint8_t *att_key;			/* 64 */
	struct tdxq_cert cert;

	/* only when cert.type == TDXQ_CERT_QE_REPORT */
	bool has_qe_report;
	const uint8_t *qe_report;		/* 384 */
	const uint8_t *qe_report_sig;		/* 64 */
	uint16_t qe_auth_size;
	const uint8_t *qe_auth;
	struct tdxq_cert nested;
};

/*
 * Parse @len bytes at @buf into @q. Returns 0 on success; on error returns
 * -1 and writes a one-line, NUL-terminated reason (no trailing newline) to
 * @err (which may be NULL when @errlen is 0).
 */
int tdxq_parse_quote(const uint8_t *buf, size_t len, struct tdxq_quote *q,
		     char *err, size_t errlen);

/* Print a quote that tdxq_parse_quote() accepted: header, body fields in hex, sizes. */
void tdxq_print_quote(FILE *f, const struct tdxq_quote *q);

/* Names for the certification data types, "unknown" otherwise. */
const char *tdxq_cert_type_name(uint16_t type);

/* Print the key fields of a 1024-byte TDREPORT_STRUCT. */
void tdxq_print_tdreport(FILE *f, const uint8_t report[TDXQ_TDREPORT_LEN]);

/* Print @len bytes as a classic offset / hex / ASCII dump. */
void tdxq_hexdump(FILE *f, const uint8_t *buf, size_t len);

/* Print @len bytes as contiguous lowercase hex digits (no newline). */
void tdxq_print_hex(FILE *f, const uint8_t *buf, size_t len);

#endif /* TDXQ_QUOTE_H */
