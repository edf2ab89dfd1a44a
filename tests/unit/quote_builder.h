/* SPDX-License-Identifier: GPL-2.0 */
/*
 * quote_builder.h - build well-formed TDX quotes for the tests
 *
 * Written independently of tools/quote.c: it lays the quote out by
 * appending fields in order, and records where each length field went so
 * tests can corrupt them.
 *
 * Contents: every body field k (0-based, in layout order: tee_tcb_svn,
 * mrseam, ..., rtmr3) is filled with the byte k + 1; report_data byte i is
 * QB_REPORT_DATA(i); TD 1.5 extras are 0xa1 (tee_tcb_svn2), 0xa2
 * (mrservicetd).
 */
#ifndef QUOTE_BUILDER_H
#define QUOTE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#define QB_REPORT_DATA(i)	((uint8_t)(0x40 + (i)))

struct qb_opts {
	int version;		/* 4 or 5 */
	int body_type;		/* v5 only: 2 (584 bytes) or 3 (648 bytes) */
	uint16_t cert_type;	/* 6: QE report certification data; else opaque */
	size_t qe_auth_len;	/* type 6: QE auth data bytes */
	size_t pck_len;		/* type 6: nested PEM chain bytes; else cert data bytes */
};

/* Default: v4, type 6 with 32 bytes of QE auth data and a 3-cert PEM chain. */
struct qb_opts qb_defaults(int version, int body_type);

/* Offsets of interesting fields in a built quote. */
struct qb_layout {
	size_t len;			/* total length */
	size_t body_type_off;		/* v5: u16 body_type */
	size_t body_size_off;		/* v5: u32 body_size */
	size_t body_off;		/* first body byte */
	size_t body_len;
	size_t report_data_off;
	size_t sig_len_off;		/* u32 signed_data_len */
	size_t cert_type_off;		/* u16 */
	size_t cert_size_off;		/* u32 */
	size_t qe_auth_size_off;	/* type 6: u16 */
	size_t nested_type_off;		/* type 6: u16 */
	size_t nested_size_off;		/* type 6: u32 */
};

/* Build into a malloc'ed buffer of exactly the quote's length; NULL on error. */
uint8_t *qb_build(const struct qb_opts *o, struct qb_layout *l);

void qb_put_u16(uint8_t *p, uint16_t v);
void qb_put_u32(uint8_t *p, uint32_t v);
uint16_t qb_get_u16(const uint8_t *p);
uint32_t qb_get_u32(const uint8_t *p);

#endif /* QUOTE_BUILDER_H */
