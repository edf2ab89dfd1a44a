// SPDX-License-Identifier: GPL-2.0
/*
 * quote.c - parser and printer for TDX attestation quotes v4 / v5
 *
 * See quote.h for the layout. The parser walks the buffer with a cursor
 * that is confined to the region being parsed (the whole quote, the signed
 * data, a certification data block): a field can only be taken when it
 * fits in what is left of its region, and a region must be used up
 * exactly. Length fields are checked against what is left before they are
 * used, so no arithmetic on them can overflow.
 */
#include "quote.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct cursor {
	const uint8_t *buf;	/* start of the whole quote */
	size_t off;		/* absolute offset of the next byte */
	size_t end;		/* absolute end of this region */
	const char *region;	/* name of this region, for messages */
	char *err;
	size_t errlen;
};

static int fail(const struct cursor *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(const struct cursor *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static size_t left(const struct cursor *c)
{
	return c->end - c->off;
}

/* Take @n bytes; NULL (with the reason in c->err) if they are not there. */
static const uint8_t *take(struct cursor *c, size_t n, const char *what)
{
	const uint8_t *p;

	if (n > left(c)) {
		fail(c, "truncated: %s (%zu bytes at offset %zu) exceeds remaining %zu bytes of %s",
		     what, n, c->off, left(c), c->region);
		return NULL;
	}
	p = c->buf + c->off;
	c->off += n;
	return p;
}

static int take_u16(struct cursor *c, const char *what, uint16_t *v)
{
	const uint8_t *p = take(c, 2, what);

	if (!p)
		return -1;
	*v = (uint16_t)(p[0] | p[1] << 8);
	return 0;
}

static int take_u32(struct cursor *c, const char *what, uint32_t *v)
{
	const uint8_t *p = take(c, 4, what);

	if (!p)
		return -1;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	     (uint32_t)p[3] << 24;
	return 0;
}

/*
 * Carve the next @len bytes, announced by the length field @what, out of
 * @c into the sub-region @sub named @region, and move @c past them.
 */
static int carve(struct cursor *c, struct cursor *sub, uint64_t len,
		 const char *what, const char *region)
{
	if (len > left(c))
		return fail(c, "%s %" PRIu64 " exceeds remaining %zu bytes of %s (offset %zu)",
			    what, len, left(c), c->region, c->off);
	*sub = *c;
	sub->end = c->off + (size_t)len;
	sub->region = region;
	c->off = sub->end;
	return 0;
}

/* A region must be used up exactly; @what is the length field that sized it. */
static int finish(const struct cursor *c, const char *what, uint64_t len)
{
	if (c->off != c->end)
		return fail(c, "%s %" PRIu64 " does not match its contents: %zu byte(s) left over at the end of %s (offset %zu)",
			    what, len, left(c), c->region, c->off);
	return 0;
}

/*
 * A certification data block: u16 type, u32 size, then size bytes, which
 * become the region @data named @name.
 */
static int take_cert(struct cursor *c, struct cursor *data, struct tdxq_cert *cert,
		     const char *name, const char *type_field, const char *size_field)
{
	cert->offset = c->off;
	if (take_u16(c, type_field, &cert->type) ||
	    take_u32(c, size_field, &cert->size) ||
	    carve(c, data, cert->size, size_field, name))
		return -1;
	cert->data = c->buf + data->off;
	return 0;
}

static int parse_body(struct cursor *c, struct tdxq_body *b, uint16_t body_type,
		      uint32_t body_size)
{
	/*
	 * The region was sized from body_type, so none of these can fail;
	 * if one did, bytes would be left over and finish() would say so.
	 */
	memset(b, 0, sizeof(*b));
	b->tee_tcb_svn = take(c, 16, "tee_tcb_svn");
	b->mrseam = take(c, 48, "mrseam");
	b->mrsignerseam = take(c, 48, "mrsignerseam");
	b->seam_attributes = take(c, 8, "seam_attributes");
	b->td_attributes = take(c, 8, "td_attributes");
	b->xfam = take(c, 8, "xfam");
	b->mrtd = take(c, 48, "mrtd");
	b->mrconfigid = take(c, 48, "mrconfigid");
	b->mrowner = take(c, 48, "mrowner");
	b->mrownerconfig = take(c, 48, "mrownerconfig");
	for (int i = 0; i < 4; i++)
		b->rtmr[i] = take(c, 48, "rtmr");
	b->report_data = take(c, 64, "report_data");
	if (body_type == TDXQ_BODY_TYPE_TD15) {
		b->tee_tcb_svn2 = take(c, 16, "tee_tcb_svn2");
		b->mrservicetd = take(c, 48, "mrservicetd");
	}
	return finish(c, "body_size", body_size);
}

static int parse_signed_data(struct cursor *c, struct tdxq_quote *q)
{
	struct cursor cert = { 0 }, qe, nested = { 0 };

	q->ecdsa_sig = take(c, TDXQ_ECDSA_SIG_LEN, "ECDSA signature");
	if (!q->ecdsa_sig)
		return -1;
	q->att_key = take(c, TDXQ_ATT_KEY_LEN, "attestation key");
	if (!q->att_key)
		return -1;
	if (take_cert(c, &cert, &q->cert, "certification data",
		      "certification data type", "certification data size"))
		return -1;
	if (finish(c, "signed_data_len", q->signed_data_len))
		return -1;

	if (q->cert.type != TDXQ_CERT_QE_REPORT)
		return 0;	/* other types: opaque bytes */

	qe = cert;
	qe.region = "QE report certification data";
	q->qe_report = take(&qe, TDXQ_QE_REPORT_LEN, "QE report");
	if (!q->qe_report)
		return -1;
	q->qe_report_sig = take(&qe, TDXQ_QE_REPORT_SIG_LEN, "QE report signature");
	if (!q->qe_report_sig)
		return -1;
	if (take_u16(&qe, "QE auth data size", &q->qe_auth_size))
		return -1;
	if (q->qe_auth_size > left(&qe))
		return fail(&qe, "QE auth data size %u exceeds remaining %zu bytes of %s (offset %zu)",
			    q->qe_auth_size, left(&qe), qe.region, qe.off);
	q->qe_auth = take(&qe, q->qe_auth_size, "QE auth data");
	if (take_cert(&qe, &nested, &q->nested, "nested certification data",
		      "nested certification data type", "nested certification data size"))
		return -1;
	if (finish(&qe, "certification data size", q->cert.size))
		return -1;
	q->has_qe_report = true;
	return 0;
}

int tdxq_parse_quote(const uint8_t *buf, size_t len, struct tdxq_quote *q,
		     char *err, size_t errlen)
{
	struct cursor c = {
		.buf = buf, .off = 0, .end = len, .region = "quote",
		.err = err, .errlen = errlen,
	};
	struct cursor body = { 0 }, sd = { 0 };
	const uint8_t *h;
	uint32_t expect;

	memset(q, 0, sizeof(*q));
	if (err && errlen)
		err[0] = '\0';
	if (!buf && len)
		return fail(&c, "no buffer");
	q->buf = buf;
	q->len = len;

	h = take(&c, TDXQ_HEADER_LEN, "header");
	if (!h)
		return -1;
	q->version = (uint16_t)(h[0] | h[1] << 8);
	q->att_key_type = (uint16_t)(h[2] | h[3] << 8);
	q->tee_type = (uint32_t)h[4] | (uint32_t)h[5] << 8 |
		      (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
	q->header_reserved = h + 8;
	q->qe_vendor_id = h + 12;
	q->user_data = h + 28;

	if (q->version != 4 && q->version != 5)
		return fail(&c, "unsupported quote version %u (expected 4 or 5)", q->version);
	if (q->att_key_type != TDXQ_ATT_KEY_ECDSA_P256)
		return fail(&c, "unsupported att_key_type %u (expected %u = ECDSA-256-with-P-256)",
			    q->att_key_type, TDXQ_ATT_KEY_ECDSA_P256);
	if (q->tee_type != TDXQ_TEE_TYPE_TDX)
		return fail(&c, "tee_type 0x%08" PRIx32 " is not TDX (expected 0x%08x)",
			    q->tee_type, TDXQ_TEE_TYPE_TDX);

	if (q->version == 4) {
		q->body_type = TDXQ_BODY_TYPE_TD10;
		q->body_size = TDXQ_BODY_TD10_LEN;
	} else {
		if (take_u16(&c, "body_type", &q->body_type) ||
		    take_u32(&c, "body_size", &q->body_size))
			return -1;
		if (q->body_type == TDXQ_BODY_TYPE_TD10)
			expect = TDXQ_BODY_TD10_LEN;
		else if (q->body_type == TDXQ_BODY_TYPE_TD15)
			expect = TDXQ_BODY_TD15_LEN;
		else
			return fail(&c, "unsupported body_type %u (expected %u = TD 1.0 or %u = TD 1.5)",
				    q->body_type, TDXQ_BODY_TYPE_TD10, TDXQ_BODY_TYPE_TD15);
		if (q->body_size != expect)
			return fail(&c, "body_size %" PRIu32 " does not match body_type %u (expected %" PRIu32 ")",
				    q->body_size, q->body_type, expect);
	}

	q->body_offset = c.off;
	if (q->version == 4 && q->body_size > left(&c))	/* no length field to blame */
		return fail(&c, "truncated: body (%" PRIu32 " bytes at offset %zu) exceeds remaining %zu bytes of quote",
			    q->body_size, c.off, left(&c));
	if (carve(&c, &body, q->body_size, "body_size", "body") ||
	    parse_body(&body, &q->body, q->body_type, q->body_size))
		return -1;

	if (take_u32(&c, "signed_data_len", &q->signed_data_len))
		return -1;
	q->signed_data_offset = c.off;
	if (carve(&c, &sd, q->signed_data_len, "signed_data_len", "signed data"))
		return -1;
	if (left(&c))
		return fail(&c, "%zu trailing byte(s) after the signed data (signed_data_len %" PRIu32 " ends at offset %zu of %zu)",
			    left(&c), q->signed_data_len, c.off, len);
	return parse_signed_data(&sd, q);
}

/* ---- printing ---- */

void tdxq_print_hex(FILE *f, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", buf[i]);
}

static void field(FILE *f, const char *indent, const char *name,
		  const uint8_t *p, size_t len)
{
	if (!p)
		return;
	fprintf(f, "%s%-20s ", indent, name);
	tdxq_print_hex(f, p, len);
	fputc('\n', f);
}

const char *tdxq_cert_type_name(uint16_t type)
{
	switch (type) {
	case 1: return "PCK identifier: PPID in plain text, CPUSVN, PCESVN";
	case 2: return "PCK identifier: PPID encrypted with RSA-2048-OAEP";
	case 3: return "PCK identifier: PPID encrypted with RSA-3072-OAEP";
	case 4: return "PCK leaf certificate";
	case 5: return "PEM PCK certificate chain";
	case 6: return "QE report certification data";
	case 7: return "platform manifest";
	default: return "unknown";
	}
}

static size_t count_pem_certs(const uint8_t *p, size_t len)
{
	static const char tag[] = "-----BEGIN CERTIFICATE-----";
	const size_t tlen = sizeof(tag) - 1;
	size_t n = 0;

	for (size_t i = 0; i + tlen <= len; i++) {
		if (p[i] == '-' && !memcmp(p + i, tag, tlen)) {
			n++;
			i += tlen - 1;
		}
	}
	return n;
}

static void print_cert(FILE *f, const char *indent, const char *what,
		       const struct tdxq_cert *c)
{
	fprintf(f, "%s%s: type %u (%s), %" PRIu32 " bytes at offset %zu", indent, what,
		c->type, tdxq_cert_type_name(c->type), c->size, c->offset);
	if (c->type == TDXQ_CERT_PCK_CHAIN)
		fprintf(f, ", %zu PEM certificate(s)", count_pem_certs(c->data, c->size));
	fputc('\n', f);
}

void tdxq_print_quote(FILE *f, const struct tdxq_quote *q)
{
	static const uint8_t intel_qe[16] = {
		0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
		0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
	};
	const struct tdxq_body *b = &q->body;
	static const char *const rtmr[4] = { "rtmr0", "rtmr1", "rtmr2", "rtmr3" };

	fprintf(f, "TDX quote v%u, %zu bytes\n", q->version, q->len);
	fprintf(f, "header: %d bytes at offset 0\n", TDXQ_HEADER_LEN);
	fprintf(f, "  %-20s %u\n", "version", q->version);
	fprintf(f, "  %-20s %u (ECDSA-256-with-P-256)\n", "att_key_type", q->att_key_type);
	fprintf(f, "  %-20s 0x%08" PRIx32 " (TDX)\n", "tee_type", q->tee_type);
	field(f, "  ", "reserved", q->header_reserved, 4);
	fprintf(f, "  %-20s ", "qe_vendor_id");
	tdxq_print_hex(f, q->qe_vendor_id, 16);
	fputs(memcmp(q->qe_vendor_id, intel_qe, 16) ? "\n" : " (Intel SGX QE)\n", f);
	field(f, "  ", "user_data", q->user_data, 20);

	fprintf(f, "body: %s, %" PRIu32 " bytes at offset %zu\n",
		q->body_type == TDXQ_BODY_TYPE_TD15 ? "TD 1.5 report" : "TD 1.0 report",
		q->body_size, q->body_offset);
	if (q->version == 5)
		fprintf(f, "  %-20s %u\n", "body_type", q->body_type);
	field(f, "  ", "tee_tcb_svn", b->tee_tcb_svn, 16);
	field(f, "  ", "mrseam", b->mrseam, 48);
	field(f, "  ", "mrsignerseam", b->mrsignerseam, 48);
	field(f, "  ", "seam_attributes", b->seam_attributes, 8);
	field(f, "  ", "td_attributes", b->td_attributes, 8);
	field(f, "  ", "xfam", b->xfam, 8);
	field(f, "  ", "mrtd", b->mrtd, 48);
	field(f, "  ", "mrconfigid", b->mrconfigid, 48);
	field(f, "  ", "mrowner", b->mrowner, 48);
	field(f, "  ", "mrownerconfig", b->mrownerconfig, 48);
	for (int i = 0; i < 4; i++)
		field(f, "  ", rtmr[i], b->rtmr[i], 48);
	field(f, "  ", "report_data", b->report_data, 64);
	field(f, "  ", "tee_tcb_svn2", b->tee_tcb_svn2, 16);
	field(f, "  ", "mrservicetd", b->mrservicetd, 48);

	fprintf(f, "signed data: %" PRIu32 " bytes at offset %zu\n",
		q->signed_data_len, q->signed_data_offset);
	field(f, "  ", "ecdsa_signature", q->ecdsa_sig, TDXQ_ECDSA_SIG_LEN);
	field(f, "  ", "attestation_key", q->att_key, TDXQ_ATT_KEY_LEN);
	print_cert(f, "  ", "certification data", &q->cert);
	if (q->has_qe_report) {
		fprintf(f, "    %-20s %d bytes\n", "qe_report", TDXQ_QE_REPORT_LEN);
		fprintf(f, "    %-20s %d bytes\n", "qe_report_signature",
			TDXQ_QE_REPORT_SIG_LEN);
		fprintf(f, "    %-20s %u bytes\n", "qe_auth_data", q->qe_auth_size);
		print_cert(f, "    ", "nested certification data", &q->nested);
	}
}

void tdxq_print_tdreport(FILE *f, const uint8_t r[TDXQ_TDREPORT_LEN])
{
	static const struct {
		const char *name;
		unsigned int off, len;
	} fields[] = {
		/* REPORTMACSTRUCT @0 */
		{ "report_type",	  0,  4 },
		{ "cpusvn",		 16, 16 },
		{ "tee_tcb_info_hash",	 32, 48 },
		{ "tee_info_hash",	 80, 48 },
		{ "reportdata",		128, 64 },
		{ "mac",		224, 32 },
		/* TDINFO @512 */
		{ "attributes",		512,  8 },
		{ "xfam",		520,  8 },
		{ "mrtd",		528, 48 },
		{ "mrconfigid",		576, 48 },
		{ "mrowner",		624, 48 },
		{ "mrownerconfig",	672, 48 },
		{ "rtmr0",		720, 48 },
		{ "rtmr1",		768, 48 },
		{ "rtmr2",		816, 48 },
		{ "rtmr3",		864, 48 },
		{ "servtd_hash",	912, 48 },
	};

	fprintf(f, "TDREPORT, %d bytes\n", TDXQ_TDREPORT_LEN);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		field(f, "  ", fields[i].name, r + fields[i].off, fields[i].len);
}

void tdxq_hexdump(FILE *f, const uint8_t *buf, size_t len)
{
	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;

		fprintf(f, "%08zx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				fputc(' ', f);
			if (i < n)
				fprintf(f, " %02x", buf[off + i]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (size_t i = 0; i < n; i++) {
			uint8_t ch = buf[off + i];

			fputc(ch >= 0x20 && ch < 0x7f ? ch : '.', f);
		}
		fputs("|\n", f);
	}
}
