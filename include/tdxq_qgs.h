/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QGS message framing, as libtdx_attest sends it through GetQuote and as
 * pass-through hosts hand it to the Quote Generation Service:
 *
 *   be32 length of what follows, then
 *   GET_QUOTE_REQ:  header, u32 report_size, u32 id_list_size, TDREPORT
 *   GET_QUOTE_RESP: header, u32 selected_id_size, u32 quote_size, id, quote
 *
 * Shared by tdx_quote (translating between clients and hosts) and the
 * simulated host (playing a pass-through host). Little-endian fields.
 */
#ifndef TDXQ_QGS_H
#define TDXQ_QGS_H

#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>

#include "tdxq_compat.h"
#include "tdxq_ghci.h"

#define QGS_MSG_MAJOR		1
#define QGS_MSG_MINOR		1
#define QGS_GET_QUOTE_REQ	0
#define QGS_GET_QUOTE_RESP	1

#define QGS_LEN_PREFIX		4	/* be32 message length */
#define QGS_HDR_LEN		16	/* major, minor, type, size, error */
#define QGS_BODY_HDR_LEN	8	/* two u32 sizes after the header */
#define QGS_MSG_OVERHEAD	(QGS_LEN_PREFIX + QGS_HDR_LEN + QGS_BODY_HDR_LEN)

/* Framed GET_QUOTE_REQ carrying one TDREPORT and no id list: 1052 bytes */
#define QGS_REQ_LEN		(QGS_MSG_OVERHEAD + TDX_TDREPORT_LEN)

static inline void qgs_put_msg(u8 *out, u32 type, u32 body1, u32 body2,
			       size_t total)
{
	u32 msg = total - QGS_LEN_PREFIX;

	put_unaligned_be32(msg, out);
	out += QGS_LEN_PREFIX;
	put_unaligned_le16(QGS_MSG_MAJOR, out);
	put_unaligned_le16(QGS_MSG_MINOR, out + 2);
	put_unaligned_le32(type, out + 4);
	put_unaligned_le32(msg, out + 8);
	put_unaligned_le32(0, out + 12);
	put_unaligned_le32(body1, out + QGS_HDR_LEN);
	put_unaligned_le32(body2, out + QGS_HDR_LEN + 4);
}

/*
 * Check the framing and header of a message of @len bytes; returns its
 * two body sizes. -EINVAL if malformed, -EIO if it carries an error code.
 */
static inline int qgs_get_msg(const u8 *in, size_t len, u32 type,
			      u32 *body1, u32 *body2)
{
	u32 msg;

	if (len < QGS_MSG_OVERHEAD)
		return -EINVAL;
	msg = get_unaligned_be32(in);
	in += QGS_LEN_PREFIX;
	if (msg != len - QGS_LEN_PREFIX ||
	    get_unaligned_le16(in) != QGS_MSG_MAJOR ||
	    get_unaligned_le32(in + 4) != type ||
	    get_unaligned_le32(in + 8) != msg)
		return -EINVAL;
	if (get_unaligned_le32(in + 12))
		return -EIO;
	*body1 = get_unaligned_le32(in + QGS_HDR_LEN);
	*body2 = get_unaligned_le32(in + QGS_HDR_LEN + 4);
	return 0;
}

/**
 * qgs_looks_framed() - does a payload start like a framed QGS message?
 * @in: payload
 * @len: payload bytes
 *
 * Return: true if its length prefix matches @len.
 */
static inline bool qgs_looks_framed(const u8 *in, size_t len)
{
	return len >= QGS_LEN_PREFIX &&
	       get_unaligned_be32(in) == len - QGS_LEN_PREFIX;
}

/**
 * qgs_build_req() - frame a TDREPORT as GET_QUOTE_REQ
 * @out: QGS_REQ_LEN bytes
 * @tdreport: TDX_TDREPORT_LEN bytes
 */
static inline void qgs_build_req(u8 *out, const u8 *tdreport)
{
	qgs_put_msg(out, QGS_GET_QUOTE_REQ, TDX_TDREPORT_LEN, 0, QGS_REQ_LEN);
	memcpy(out + QGS_MSG_OVERHEAD, tdreport, TDX_TDREPORT_LEN);
}

/**
 * qgs_parse_req() - find the TDREPORT in a framed GET_QUOTE_REQ
 * @in: payload
 * @len: payload bytes
 *
 * The id list, if any, is allowed but ignored: only the first
 * min(@len, QGS_REQ_LEN) bytes of @in are read, so a caller may pass the
 * full length with only those bytes present.
 * Return: pointer to the TDREPORT inside @in, or NULL if malformed.
 */
static inline const u8 *qgs_parse_req(const u8 *in, size_t len)
{
	u32 report_size, id_size;

	if (qgs_get_msg(in, len, QGS_GET_QUOTE_REQ, &report_size, &id_size))
		return NULL;
	/* In size_t, and the TDREPORT first: no sum may wrap. */
	if (report_size != TDX_TDREPORT_LEN ||
	    len < QGS_MSG_OVERHEAD + TDX_TDREPORT_LEN ||
	    id_size != len - QGS_MSG_OVERHEAD - TDX_TDREPORT_LEN)
		return NULL;
	return in + QGS_MSG_OVERHEAD;
}

/**
 * qgs_resp_len() - framed GET_QUOTE_RESP length for a quote
 * @quote_len: quote bytes
 * Return: bytes.
 */
static inline size_t qgs_resp_len(size_t quote_len)
{
	return QGS_MSG_OVERHEAD + quote_len;
}

/**
 * qgs_build_resp_hdr() - the QGS_MSG_OVERHEAD bytes that frame a quote as
 * GET_QUOTE_RESP (no selected id); the quote follows them
 * @out: QGS_MSG_OVERHEAD bytes
 * @quote_len: quote bytes
 */
static inline void qgs_build_resp_hdr(u8 *out, u32 quote_len)
{
	qgs_put_msg(out, QGS_GET_QUOTE_RESP, 0, quote_len,
		    qgs_resp_len(quote_len));
}

/**
 * qgs_build_resp() - frame a quote as GET_QUOTE_RESP (no selected id)
 * @out: qgs_resp_len(@quote_len) bytes
 * @quote: the quote
 * @quote_len: its length
 */
static inline void qgs_build_resp(u8 *out, const u8 *quote, u32 quote_len)
{
	qgs_build_resp_hdr(out, quote_len);
	memcpy(out + QGS_MSG_OVERHEAD, quote, quote_len);
}

/**
 * qgs_parse_resp() - find the quote in a framed GET_QUOTE_RESP
 * @in: reply
 * @len: reply bytes
 * @quote_len: out: quote bytes
 *
 * Return: offset of the quote in @in, -EINVAL if malformed, -EIO if the
 * service reported an error.
 */
static inline long qgs_parse_resp(const u8 *in, size_t len, u32 *quote_len)
{
	u32 id_size, q_size;
	int ret;

	ret = qgs_get_msg(in, len, QGS_GET_QUOTE_RESP, &id_size, &q_size);
	if (ret)
		return ret;
	if (!q_size || len < QGS_MSG_OVERHEAD ||
	    (size_t)id_size + q_size != len - QGS_MSG_OVERHEAD)
		return -EINVAL;
	*quote_len = q_size;
	return QGS_MSG_OVERHEAD + id_size;
}

#endif /* TDXQ_QGS_H */
