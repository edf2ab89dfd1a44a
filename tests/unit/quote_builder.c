// SPDX-License-Identifier: GPL-2.0
/*
 * quote_builder.c - build well-formed TDX quotes for the tests
 */
#include "quote_builder.h"

#include <stdlib.h>
#include <string.h>

static const char pem_cert[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIE8zCCBJigAwIBAgIUfakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake\n"
	"-----END CERTIFICATE-----\n";

void qb_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void qb_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint16_t qb_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t qb_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

struct qb_opts qb_defaults(int version, int body_type)
{
	struct qb_opts o = {
		.version = version,
		.body_type = body_type,
		.cert_type = 6,
		.qe_auth_len = 32,
		.pck_len = 3 * (sizeof(pem_cert) - 1),
	};
	return o;
}

/* An append-only writer; with buf == NULL it only counts. */
struct w {
	uint8_t *buf;
	size_t off;
};

static size_t put(struct w *w, const void *src, size_t n)
{
	size_t at = w->off;

	if (w->buf && n)
		memcpy(w->buf + at, src, n);
	w->off += n;
	return at;
}

static size_t fill(struct w *w, uint8_t byte, size_t n)
{
	size_t at = w->off;

	if (w->buf)
		memset(w->buf + at, byte, n);
	w->off += n;
	return at;
}

static size_t u16(struct w *w, uint16_t v)
{
	uint8_t b[2];

	qb_put_u16(b, v);
	return put(w, b, 2);
}

static size_t u32(struct w *w, uint32_t v)
{
	uint8_t b[4];

	qb_put_u32(b, v);
	return put(w, b, 4);
}

static void pem(struct w *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)pem_cert[i % (sizeof(pem_cert) - 1)];

		put(w, &c, 1);
	}
}

static void layout(struct w *w, const struct qb_opts *o, struct qb_layout *l)
{
	static const size_t body_fields[] = {
		16, 48, 48, 8, 8, 8, 48, 48, 48, 48, 48, 48, 48, 48,
	};
	static const uint8_t intel_qe[16] = {
		0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
		0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
	};
	size_t body_len = o->version == 5 && o->body_type == 3 ? 648 : 584;
	size_t cert_len, sd_len;

	memset(l, 0, sizeof(*l));

	/* header */
	u16(w, (uint16_t)o->version);
	u16(w, 2);			/* att_key_type */
	u32(w, 0x81);			/* tee_type */
	fill(w, 0, 4);			/* reserved */
	put(w, intel_qe, 16);
	for (uint8_t i = 0; i < 20; i++)
		put(w, &(uint8_t){ (uint8_t)(0xe0 + i) }, 1);	/* user_data */

	if (o->version == 5) {
		l->body_type_off = u16(w, (uint16_t)o->body_type);
		l->body_size_off = u32(w, (uint32_t)body_len);
	}

	l->body_off = w->off;
	l->body_len = body_len;
	for (size_t k = 0; k < sizeof(body_fields) / sizeof(body_fields[0]); k++)
		fill(w, (uint8_t)(k + 1), body_fields[k]);
	l->report_data_off = w->off;
	for (int i = 0; i < 64; i++)
		put(w, &(uint8_t){ QB_REPORT_DATA(i) }, 1);
	if (body_len == 648) {
		fill(w, 0xa1, 16);	/* tee_tcb_svn2 */
		fill(w, 0xa2, 48);	/* mrservicetd */
	}

	if (o->cert_type == 6)
		cert_len = 384 + 64 + 2 + o->qe_auth_len + 2 + 4 + o->pck_len;
	else
		cert_len = o->pck_len;
	sd_len = 64 + 64 + 2 + 4 + cert_len;

	l->sig_len_off = u32(w, (uint32_t)sd_len);
	fill(w, 0x51, 64);		/* ECDSA signature */
	fill(w, 0x52, 64);		/* attestation key */
	l->cert_type_off = u16(w, o->cert_type);
	l->cert_size_off = u32(w, (uint32_t)cert_len);
	if (o->cert_type == 6) {
		fill(w, 0x61, 384);	/* QE report */
		fill(w, 0x62, 64);	/* QE report signature */
		l->qe_auth_size_off = u16(w, (uint16_t)o->qe_auth_len);
		fill(w, 0x63, o->qe_auth_len);
		l->nested_type_off = u16(w, 5);
		l->nested_size_off = u32(w, (uint32_t)o->pck_len);
	}
	pem(w, o->pck_len);
	l->len = w->off;
}

uint8_t *qb_build(const struct qb_opts *o, struct qb_layout *l)
{
	struct w w = { 0 };
	uint8_t *buf;

	if (o->qe_auth_len > 0xffff)
		return NULL;
	layout(&w, o, l);		/* measure */
	buf = malloc(l->len);
	if (!buf)
		return NULL;
	w.buf = buf;
	w.off = 0;
	layout(&w, o, l);		/* write */
	return buf;
}
