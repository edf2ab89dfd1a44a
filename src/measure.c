// SPDX-License-Identifier: GPL-2.0
/*
 * Measurement registers: MRTD, MRCONFIGID, MROWNER, MROWNERCONFIG and
 * RTMR0..3, read from a fresh TDREPORT, and RTMR extend
 * (TDG.MR.RTMR.EXTEND). Offered three ways:
 *
 * - the upstream 6.16 sysfs ABI (Documentation/ABI/testing/
 *   sysfs-driver-tdx-guest), under /sys/class/misc/tdx_guest/measurements/
 *   when tdx_quote holds the tdx_guest name (dev.c attaches the group);
 * - Intel's TDX_CMD_EXTEND_RTMR ioctl, both encodings (libtdx_attest);
 * - the native extend and read ioctls of uapi/linux/tdx_quote.h.
 *
 * One lock serializes extends and the TDREPORTs taken for reads, as the
 * upstream driver does, so a read never sees half of an extend.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include <uapi/linux/tdx_quote.h>

#include "tdxq.h"
#include "tdxq_compat.h"
#include "tdxq_ghci.h"

/* The registers, in the order of struct tdx_quote_measurements */
enum tdxq_mr {
	TDXQ_MR_MRTD,
	TDXQ_MR_MRCONFIGID,
	TDXQ_MR_MROWNER,
	TDXQ_MR_MROWNERCONFIG,
	TDXQ_MR_RTMR0,
	TDXQ_NR_MRS = TDXQ_MR_RTMR0 + TDX_NR_RTMRS,
};

static_assert(sizeof_field(struct tdx_quote_measurements, rtmr) ==
	      TDX_NR_RTMRS * TDX_MR_LEN);
static_assert(offsetof(struct tdx_quote_measurements, reserved) ==
	      TDXQ_NR_MRS * TDX_MR_LEN);

/* TDREPORT offset of each register */
static const u16 tdxq_mr_offset[TDXQ_NR_MRS] = {
	[TDXQ_MR_MRTD] = TDX_TDREPORT_MRTD,
	[TDXQ_MR_MRCONFIGID] = TDX_TDREPORT_MRCONFIGID,
	[TDXQ_MR_MROWNER] = TDX_TDREPORT_MROWNER,
	[TDXQ_MR_MROWNERCONFIG] = TDX_TDREPORT_MROWNERCONFIG,
	[TDXQ_MR_RTMR0] = TDX_TDREPORT_RTMR0,
	[TDXQ_MR_RTMR0 + 1] = TDX_TDREPORT_RTMR0 + TDX_MR_LEN,
	[TDXQ_MR_RTMR0 + 2] = TDX_TDREPORT_RTMR0 + 2 * TDX_MR_LEN,
	[TDXQ_MR_RTMR0 + 3] = TDX_TDREPORT_RTMR0 + 3 * TDX_MR_LEN,
};

static DEFINE_MUTEX(tdxq_mr_lock);
/* The registers of the last TDREPORT taken under tdxq_mr_lock */
static u8 tdxq_mr_value[TDXQ_NR_MRS][TDX_MR_LEN];

/* Refresh tdxq_mr_value from a new TDREPORT; tdxq_mr_lock held. */
static int tdxq_mr_refresh(void)
{
	static const u8 reportdata[TDX_REPORTDATA_LEN];
	u8 *report;
	int i, ret;

	report = kmalloc(TDX_TDREPORT_LEN, GFP_KERNEL);
	if (!report)
		return -ENOMEM;
	ret = tdxq_get_report(report, reportdata);
	if (!ret) {
		for (i = 0; i < TDXQ_NR_MRS; i++)
			memcpy(tdxq_mr_value[i], report + tdxq_mr_offset[i],
			       TDX_MR_LEN);
	}
	kfree(report);
	return ret;
}

/* The TDX module's verdict as an errno, as upstream's tdx_mcall_extend_rtmr() */
static int tdxq_mr_errno(u64 status, unsigned int index)
{
	if (!status)
		return 0;
	pr_err_ratelimited("TDG.MR.RTMR.EXTEND of RTMR%u refused by the TDX module: %#llx\n",
			   index, status);
	return tdxq_tdcall_errno(status);
}

/**
 * tdxq_mr_extend() - extend an RTMR
 * @index: RTMR 0..3
 * @data: 48 bytes
 *
 * Return: 0; -EINVAL for an index above 3; -EINTR on a fatal signal while
 * waiting for the lock; -ENXIO, -EBUSY or -EIO when the TDX module refuses
 * (invalid operand, operand busy, anything else); -ENOMEM.
 */
int tdxq_mr_extend(unsigned int index, const u8 *data)
{
	u64 status;
	u8 *buf;

	if (index >= TDX_NR_RTMRS)
		return -EINVAL;
	/* kmalloc() aligns power-of-two sizes naturally: 64 as the TDCALL needs */
	buf = kzalloc(TDX_RTMR_EXTEND_ALIGN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, data, TDX_MR_LEN);
	if (mutex_lock_killable(&tdxq_mr_lock)) {
		kfree(buf);
		return -EINTR;
	}
	status = tdxq_host->extend_rtmr(buf, index);
	mutex_unlock(&tdxq_mr_lock);
	kfree(buf);
	return tdxq_mr_errno(status, index);
}

/**
 * tdxq_mr_read() - every register, from one fresh TDREPORT
 * @m: filled in; @m->reserved zeroed
 *
 * Return: 0, -EINTR on a signal while waiting for the lock, or the
 * TDREPORT's error.
 */
int tdxq_mr_read(struct tdx_quote_measurements *m)
{
	int ret;

	if (mutex_lock_interruptible(&tdxq_mr_lock))
		return -EINTR;
	ret = tdxq_mr_refresh();
	if (!ret) {
		memset(m, 0, sizeof(*m));
		memcpy(m, tdxq_mr_value, sizeof(tdxq_mr_value));
	}
	mutex_unlock(&tdxq_mr_lock);
	return ret;
}

/* ---- the upstream sysfs files ---- */

/*
 * The sysfs core has already cut @off and @count to the file's 48 bytes:
 * a read at offset 0 takes a fresh TDREPORT, a read further on continues
 * from the values of the last one (a reader that reads in pieces gets one
 * snapshot, as long as nobody else reads from offset 0 meanwhile).
 */
static ssize_t tdxq_mr_show(struct file *file, struct kobject *kobj,
			    TDXQ_BIN_ATTR_CONST struct bin_attribute *attr,
			    char *buf, loff_t off, size_t count)
{
	unsigned int mr = (uintptr_t)attr->private;
	int ret = 0;

	if (mutex_lock_interruptible(&tdxq_mr_lock))
		return -EINTR;
	if (!off)
		ret = tdxq_mr_refresh();
	if (!ret)
		memcpy(buf, tdxq_mr_value[mr] + off, count);
	mutex_unlock(&tdxq_mr_lock);
	return ret ?: count;
}

/*
 * Upstream's rule (tsm-mr.c): exactly the register's size at offset 0,
 * else -EINVAL. The sysfs core answers a write at or past the end with
 * -EFBIG and cuts a longer one at offset 0 to the 48 bytes, as upstream.
 */
static ssize_t tdxq_mr_store(struct file *file, struct kobject *kobj,
			     TDXQ_BIN_ATTR_CONST struct bin_attribute *attr,
			     char *buf, loff_t off, size_t count)
{
	unsigned int mr = (uintptr_t)attr->private;
	int ret;

	if (off || count != TDX_MR_LEN)
		return -EINVAL;
	ret = tdxq_mr_extend(mr - TDXQ_MR_RTMR0, buf);
	return ret ?: count;
}

#define TDXQ_MR_FILE(_name, _mr) {					\
	.attr = { .name = _name, .mode = 0444 },			\
	.size = TDX_MR_LEN,						\
	.private = (void *)(_mr),					\
	.read = tdxq_mr_show,						\
}

/* All four RTMRs are writable (mode 0644), as upstream's TSM_MR_F_RTMR. */
#define TDXQ_RTMR_FILE(_name, _i) {					\
	.attr = { .name = _name, .mode = 0644 },			\
	.size = TDX_MR_LEN,						\
	.private = (void *)(TDXQ_MR_RTMR0 + (_i)),			\
	.read = tdxq_mr_show,						\
	.write = tdxq_mr_store,						\
}

static struct bin_attribute tdxq_mr_files[] = {
	TDXQ_RTMR_FILE("rtmr0:sha384", 0),
	TDXQ_RTMR_FILE("rtmr1:sha384", 1),
	TDXQ_RTMR_FILE("rtmr2:sha384", 2),
	TDXQ_RTMR_FILE("rtmr3:sha384", 3),
	TDXQ_MR_FILE("mrtd:sha384", TDXQ_MR_MRTD),
	TDXQ_MR_FILE("mrconfigid", TDXQ_MR_MRCONFIGID),
	TDXQ_MR_FILE("mrowner", TDXQ_MR_MROWNER),
	TDXQ_MR_FILE("mrownerconfig", TDXQ_MR_MROWNERCONFIG),
};

static TDXQ_BIN_ATTR_CONST struct bin_attribute *tdxq_mr_bin_attrs[] = {
	&tdxq_mr_files[0], &tdxq_mr_files[1], &tdxq_mr_files[2],
	&tdxq_mr_files[3], &tdxq_mr_files[4], &tdxq_mr_files[5],
	&tdxq_mr_files[6], &tdxq_mr_files[7], NULL,
};

static const struct attribute_group tdxq_mr_group = {
	.name = "measurements",
	.bin_attrs = tdxq_mr_bin_attrs,
};

/* The tdx_guest device's sysfs groups (dev.c) */
const struct attribute_group *tdxq_mr_groups[] = {
	&tdxq_mr_group,
	NULL,
};

/* ---- ioctls ---- */

/**
 * tdxq_ioctl_rtmr_extend() - TDX_QUOTE_CMD_RTMR_EXTEND
 * @argp: user pointer to struct tdx_quote_rtmr_extend
 * @usize: its size, from the ioctl number
 *
 * Return: 0 or a negative errno as documented in uapi/linux/tdx_quote.h.
 */
long tdxq_ioctl_rtmr_extend(void __user *argp, size_t usize)
{
	struct tdx_quote_rtmr_extend req;
	long ret;

	if (usize < offsetof(struct tdx_quote_rtmr_extend, reserved))
		return -EINVAL;
	ret = copy_struct_from_user(&req, sizeof(req), argp, usize);
	if (ret)
		return ret;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    req.index >= TDX_NR_RTMRS)
		return -EINVAL;
	return tdxq_mr_extend(req.index, req.data);
}

/**
 * tdxq_ioctl_measurements() - TDX_QUOTE_CMD_MEASUREMENTS
 * @argp: user pointer to struct tdx_quote_measurements
 * @usize: its size, from the ioctl number (a shorter one gets what fits)
 *
 * Return: 0 or a negative errno as documented in uapi/linux/tdx_quote.h.
 */
long tdxq_ioctl_measurements(void __user *argp, size_t usize)
{
	struct tdx_quote_measurements m;
	long ret;

	ret = tdxq_mr_read(&m);
	if (ret)
		return ret;
	if (copy_to_user(argp, &m, min(usize, sizeof(m))))
		return -EFAULT;
	return 0;
}

/**
 * tdxq_compat_extend_rtmr() - Intel's TDX_CMD_EXTEND_RTMR (both encodings)
 * @argp: user pointer to struct tdx_quote_compat_rtmr_extend
 *
 * Return: 0 or a negative errno: -EINVAL for an index above 3, else as
 * for TDX_QUOTE_CMD_RTMR_EXTEND.
 */
long tdxq_compat_extend_rtmr(void __user *argp)
{
	struct tdx_quote_compat_rtmr_extend req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return tdxq_mr_extend(req.index, req.data);
}
