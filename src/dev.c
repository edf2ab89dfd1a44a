// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/tdx_quote, and /dev/tdx_guest for existing clients: the ioctls,
 * argument checks, copies to and from user space.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
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
	tdxq_quote_result_release(&res);
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
	info.host_framing = tdxq_quote_framing();
	tdxq_stats_fill(&info);

	/*
	 * An older, shorter structure gets the fields it knows; a newer,
	 * longer one gets zeros for the fields this module does not know.
	 */
	if (copy_to_user(argp, &info, min(usize, sizeof(info))))
		return -EFAULT;
	if (usize > sizeof(info) &&
	    clear_user(argp + sizeof(info), usize - sizeof(info)))
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
	case _IOC_NR(TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2):
	case _IOC_NR(TDX_QUOTE_CMD_COMPAT_GET_QUOTE_R):
		if (cmd != TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2 &&
		    cmd != TDX_QUOTE_CMD_COMPAT_GET_QUOTE_R &&
		    cmd != TDX_QUOTE_CMD_COMPAT_GET_QUOTE_RW)
			return -ENOTTY;
		return tdxq_compat_get_quote(argp);
	case _IOC_NR(TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_R):
		if (cmd != TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_R &&
		    cmd != TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_W)
			return -ENOTTY;
		return tdxq_compat_extend_rtmr(argp);
	case _IOC_NR(TDX_QUOTE_CMD_GET_QUOTE):
		if (_IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
			return -ENOTTY;
		return tdxq_ioctl_get_quote(argp, usize);
	case _IOC_NR(TDX_QUOTE_CMD_INFO):
		if (_IOC_DIR(cmd) != _IOC_READ)
			return -ENOTTY;
		return tdxq_ioctl_info(argp, usize);
	case _IOC_NR(TDX_QUOTE_CMD_RTMR_EXTEND):
		if (_IOC_DIR(cmd) != _IOC_WRITE)
			return -ENOTTY;
		return tdxq_ioctl_rtmr_extend(argp, usize);
	case _IOC_NR(TDX_QUOTE_CMD_MEASUREMENTS):
		if (_IOC_DIR(cmd) != _IOC_READ)
			return -ENOTTY;
		return tdxq_ioctl_measurements(argp, usize);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations tdxq_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = tdxq_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice tdxq_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tdx_quote",
	.fops = &tdxq_fops,
	.mode = 0600,
	.groups = tdxq_stats_groups,
};

/*
 * The name existing clients open; upstream's tdx_guest driver uses it too,
 * with the measurement registers in its sysfs directory (measure.c).
 */
static struct miscdevice tdxq_guest_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tdx_guest",
	.fops = &tdxq_fops,
	.mode = 0600,
	.groups = tdxq_mr_groups,
};

static bool tdxq_guest_registered;

/* Does another driver hold the tdx_guest name in the misc class? */
static bool tdxq_guest_name_taken(void)
{
	struct device *dev;

	dev = class_find_device_by_name(tdxq_miscdev.this_device->class,
					tdxq_guest_miscdev.name);
	put_device(dev);
	return dev;
}

static int tdxq_guest_dev_init(void)
{
	bool forced = tdxq_cfg.compat_dev == TDXQ_COMPAT_DEV_ON;
	int ret;

	if (tdxq_cfg.compat_dev == TDXQ_COMPAT_DEV_OFF)
		return 0;
	if (!forced && IS_ENABLED(CONFIG_TDX_GUEST_DRIVER)) {
		pr_info("this kernel has the tdx_guest driver; /dev/tdx_guest is left to it\n");
		return 0;
	}
	if (tdxq_guest_name_taken()) {
		pr_info("/dev/tdx_guest belongs to another driver; not creating it\n");
		return forced ? -EBUSY : 0;
	}
	ret = misc_register(&tdxq_guest_miscdev);
	if (ret) {
		pr_warn("could not create /dev/tdx_guest (%d)\n", ret);
		return forced ? ret : 0;
	}
	tdxq_guest_registered = true;
	return 0;
}

/**
 * tdxq_dev_init() - create /dev/tdx_quote and, as compat_dev says,
 * /dev/tdx_guest
 * Return: 0 or a negative errno.
 */
int tdxq_dev_init(void)
{
	int ret;

	ret = misc_register(&tdxq_miscdev);
	if (ret)
		return ret;
	ret = tdxq_guest_dev_init();
	if (ret)
		misc_deregister(&tdxq_miscdev);
	return ret;
}

/**
 * tdxq_dev_exit() - remove the device nodes
 */
void tdxq_dev_exit(void)
{
	if (tdxq_guest_registered)
		misc_deregister(&tdxq_guest_miscdev);
	tdxq_guest_registered = false;
	misc_deregister(&tdxq_miscdev);
}
