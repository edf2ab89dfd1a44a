// SPDX-License-Identifier: GPL-2.0
/*
 * The GetQuote ioctls existing clients send to /dev/tdx_guest: a GetQuote
 * buffer (header + payload) in, the same buffer with status, out_len and
 * reply back. Clients send either a raw TDREPORT or a QGS-framed request;
 * each gets its reply in the shape it sent, whatever the host wants
 * (quote.c learns that).
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "tdxq.h"
#include "tdxq_ghci.h"
#include "tdxq_qgs.h"

/*
 * What is read of a client's buffer: the header and the start of the
 * payload, enough for a raw TDREPORT or a framed request up to its
 * TDREPORT. A framed request's id list is checked by length, never read,
 * so a client's buffer size never decides how much kernel memory a
 * request takes.
 */
#define TDXQ_COMPAT_IN_LEN	(GET_QUOTE_HDR_LEN + QGS_REQ_LEN)

/* Find the TDREPORT in a client's payload; false if it is neither shape. */
static bool tdxq_compat_parse(const struct tdx_quote_buf_hdr *hdr,
			      const u8 **tdreport, bool *framed)
{
	*framed = qgs_looks_framed(hdr->data, hdr->in_len);
	if (*framed)
		*tdreport = qgs_parse_req(hdr->data, hdr->in_len);
	else
		*tdreport = hdr->in_len == TDX_TDREPORT_LEN ? hdr->data : NULL;
	return *tdreport;
}

/*
 * Write the outcome into the client's buffer, in the client's shape: the
 * reply (QGS frame header, then the quote) first, the header last, as a
 * host does.
 */
static int tdxq_compat_reply(u8 __user *ubuf, size_t room,
			     struct tdx_quote_buf_hdr *hdr, bool framed,
			     const struct tdxq_quote_result *res, int err)
{
	u8 frame[QGS_MSG_OVERHEAD];
	size_t need, off = 0;

	hdr->status = GET_QUOTE_ERROR;
	hdr->out_len = 0;
	switch (err) {
	case 0:
		need = framed ? qgs_resp_len(res->len) : res->len;
		hdr->out_len = need;
		if (need > room)
			break;	/* ERROR with the size needed, as Intel's VMM */
		if (framed) {
			qgs_build_resp_hdr(frame, res->len);
			off = sizeof(frame);
			if (copy_to_user(ubuf + GET_QUOTE_HDR_LEN, frame, off))
				return -EFAULT;
		}
		if (copy_to_user(ubuf + GET_QUOTE_HDR_LEN + off, res->quote,
				 res->len))
			return -EFAULT;
		hdr->status = GET_QUOTE_SUCCESS;
		break;
	case -EHOSTDOWN:
		hdr->status = GET_QUOTE_SERVICE_UNAVAILABLE;
		break;
	case -EFBIG:
		hdr->out_len = res->host_len;
		break;
	}
	return copy_to_user(ubuf, hdr, GET_QUOTE_HDR_LEN) ? -EFAULT : 0;
}

/* Host answers a client reads from the status word, not from errno. */
static bool tdxq_compat_status_error(int err)
{
	return err == -EHOSTDOWN || err == -EIO || err == -EPROTO ||
	       err == -EFBIG;
}

/**
 * tdxq_compat_get_quote() - the clients' GetQuote ioctl
 * @argp: user pointer to struct tdx_quote_compat_req
 *
 * Return: 0 (the host's verdict is in the buffer's status) or a negative
 * errno as documented in uapi/linux/tdx_quote.h.
 */
long tdxq_compat_get_quote(void __user *argp)
{
	struct tdx_quote_compat_req req;
	struct tdxq_quote_result res = {};
	struct tdx_quote_buf_hdr *hdr;
	const u8 *tdreport;
	u8 __user *ubuf;
	bool framed;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.len < GET_QUOTE_HDR_LEN || req.len > tdxq_cfg.max_quote_size)
		return -EINVAL;
	ubuf = u64_to_user_ptr(req.buf);
	/*
	 * The reply may go anywhere in the buffer: a buffer that cannot take
	 * it fails here, not after the host made a quote for it. This faults
	 * in the caller's pages; nothing is copied.
	 */
	if (fault_in_safe_writeable((const char __user *)ubuf, req.len))
		return -EFAULT;

	hdr = kzalloc(TDXQ_COMPAT_IN_LEN, GFP_KERNEL);
	if (!hdr)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(hdr, ubuf, GET_QUOTE_HDR_LEN))
		goto out;
	ret = -EINVAL;
	if (hdr->version != GET_QUOTE_BUF_VERSION ||
	    hdr->in_len > req.len - GET_QUOTE_HDR_LEN)
		goto out;
	ret = -EFAULT;
	if (copy_from_user(hdr->data, ubuf + GET_QUOTE_HDR_LEN,
			   min_t(size_t, hdr->in_len, QGS_REQ_LEN)))
		goto out;
	ret = -EINVAL;
	if (!tdxq_compat_parse(hdr, &tdreport, &framed))
		goto out;

	ret = tdxq_quote_report(tdreport, 0, &res);
	if (ret && !tdxq_compat_status_error(ret))
		goto out;
	ret = tdxq_compat_reply(ubuf, req.len - GET_QUOTE_HDR_LEN, hdr, framed,
				&res, ret);
out:
	tdxq_quote_result_release(&res);
	kfree(hdr);
	return ret;
}
