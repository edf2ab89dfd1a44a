// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/tdx_quote: argument checks, copies to and from user space.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include <uapi/linux/tdx_quote.h>

#include "tdxq.h"

static long tdxq_ioctl_get_report(void __user *argp)
{
	struct tdx_quote_report_req *req;
	long ret;

	req = kmalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(req->reportdata, argp, sizeof(req->reportdata)))
		goto out;
	ret = tdxq_get_report(req->tdreport, req->reportdata);
	if (ret)
		goto out;
	if (copy_to_user(argp, req, sizeof(*req)))
		ret = -EFAULT;
out:
	kfree(req);
	return ret;
}

static bool tdxq_all_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static long tdxq_ioctl_get_quote(void __user *argp, size_t usize)
{
	struct tdx_quote_get_quote req;
	struct tdxq_quote_result res;
	long ret;

	if (usize < offsetof(struct tdx_quote_get_quote, reserved))
		return -EINVAL;
	ret = copy_struct_from_user(&req, sizeof(req), argp, usize);
	if (ret)
		return ret;
	if (req.flags || !tdxq_all_zero(req.reserved, sizeof(req.reserved)) ||
	    req.timeout_ms > TDX_QUOTE_MAX_TIMEOUT_MS)
		return -EINVAL;

	ret = tdxq_get_quote(req.reportdata, req.timeout_ms, &res);
	req.host_status = res.host_status;
	req.vmcall_status = res.vmcall_status;
	req.buf_len = res.buf_len;
	if (!ret || ret == -EFBIG) {
		if (!ret && res.len > req.quote_len) {
			tdxq_stat_inc(fail_no_space);
			ret = -ENOSPC;
		} else if (!ret && copy_to_user(u64_to_user_ptr(req.quote),
						res.quote, res.len)) {
			ret = -EFAULT;
		}
		req.quote_len = res.len;
	}
	kvfree(res.quote);
	if (copy_to_user(argp, &req, min(usize, sizeof(req))))
		return -EFAULT;
	return ret;
}

static long tdxq_ioctl_info(void __user *argp, size_t usize)
{
	struct tdx_quote_info info;

	memset(&info, 0, sizeof(info));
	strscpy(info.version, TDXQ_VERSION, sizeof(info.version));
	strscpy(info.host, tdxq_host->name, sizeof(info.host));
	tdxq_notify_fill(&info);
	info.max_inflight = tdxq_cfg.max_inflight;
	info.max_quote_size = tdxq_cfg.max_quote_size;
	info.host_max_quote_size = tdxq_quote_host_max();
	info.next_buf_len = tdxq_quote_next_buf_len();
	info.timeout_ms = tdxq_cfg.timeout_ms;
	tdxq_stats_fill(&info);

	/* An older, shorter structure gets the fields it knows. */
	if (copy_to_user(argp, &info, min(usize, sizeof(info))))
		return -EFAULT;
	return 0;
}

static long tdxq_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	size_t usize = _IOC_SIZE(cmd);

	if (_IOC_TYPE(cmd) != _IOC_TYPE(TDX_QUOTE_CMD_GET_QUOTE))
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(TDX_QUOTE_CMD_GET_REPORT):
		if (cmd != TDX_QUOTE_CMD_GET_REPORT)
			return -ENOTTY;
		return tdxq_ioctl_get_report(argp);
	case _IOC_NR(TDX_QUOTE_CMD_GET_QUOTE):
		if (_IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
			return -ENOTTY;
		return tdxq_ioctl_get_quote(argp, usize);
	case _IOC_NR(TDX_QUOTE_CMD_INFO):
		if (_IOC_DIR(cmd) != _IOC_READ)
			return -ENOTTY;
		return tdxq_ioctl_info(argp, usize);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations tdxq_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = tdxq_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice tdxq_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tdx_quote",
	.fops = &tdxq_fops,
	.mode = 0600,
	.groups = tdxq_stats_groups,
};

/**
 * tdxq_dev_init() - create /dev/tdx_quote
 * Return: 0 or the misc_register() error.
 */
int tdxq_dev_init(void)
{
	return misc_register(&tdxq_miscdev);
}

/**
 * tdxq_dev_exit() - remove /dev/tdx_quote
 */
void tdxq_dev_exit(void)
{
	misc_deregister(&tdxq_miscdev);
}
