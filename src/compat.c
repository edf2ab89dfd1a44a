// SPDX-License-Identifier: GPL-2.0
/*
 * The GetQuote ioctls existing clients send to /dev/tdx_guest: a GetQuote
 * buffer (header + payload) in, the same buffer with status, out_len and
 * reply back. Clients send either a raw TDREPORT or a QGS-framed request;
 * each gets its reply in the shape it sent, whatever the host wants
 * (quote.c learns that).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "tdxq.h"
#include "tdxq_ghci.h"
#include "tdxq_qgs.h"

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

/* Write the outcome into the client's buffer, in the client's shape. */
static void tdxq_compat_reply(struct tdx_quote_buf_hdr *hdr, size_t room,
			      bool framed, const struct tdxq_quote_result *res,
			      int err)
{
	size_t need;

	hdr->status = GET_QUOTE_ERROR;
	hdr->out_len = 0;
	switch (err) {
	case 0:
		need = framed ? qgs_resp_len(res->len) : res->len;
		hdr->out_len = need;
		if (need > room)
			break;	/* ERROR with the size needed, as Intel's VMM */
		if (framed)
			qgs_build_resp(hdr->data, res->quote, res->len);
		else
			memcpy(hdr->data, res->quote, res->len);
		hdr->status = GET_QUOTE_SUCCESS;
		break;
	case -EHOSTDOWN:
		hdr->status = GET_QUOTE_SERVICE_UNAVAILABLE;
		break;
	case -EFBIG:
		hdr->out_len = res->host_len;
		break;
	}
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
	bool framed;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.len < GET_QUOTE_HDR_LEN || req.len > tdxq_cfg.max_quote_size)
		return -EINVAL;

	hdr = kvmalloc(req.len, GFP_KERNEL);
	if (!hdr)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(hdr, u64_to_user_ptr(req.buf), req.len))
		goto out;
	ret = -EINVAL;
	if (hdr->version != GET_QUOTE_BUF_VERSION ||
	    hdr->in_len > req.len - GET_QUOTE_HDR_LEN ||
	    !tdxq_compat_parse(hdr, &tdreport, &framed))
		goto out;

	ret = tdxq_quote_report(tdreport, 0, &res);
	if (ret && !tdxq_compat_status_error(ret))
		goto out;
	tdxq_compat_reply(hdr, req.len - GET_QUOTE_HDR_LEN, framed, &res, ret);
	ret = copy_to_user(u64_to_user_ptr(req.buf), hdr, req.len) ? -EFAULT : 0;
out:
	kvfree(res.quote);
	kvfree(hdr);
	return ret;
}
