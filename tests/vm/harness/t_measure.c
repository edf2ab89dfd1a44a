// SPDX-License-Identifier: GPL-2.0
/*
 * Measurement registers (docs/clients.md "Measurement registers"): the upstream
 * 6.16 sysfs files under /sys/class/misc/tdx_guest/measurements/, Intel's
 * TDX_CMD_EXTEND_RTMR in both encodings, and the native extend and read
 * ioctls, against the simulated host's registers.
 *
 * The test keeps its own model of RTMR0..3: zero when the sim is loaded,
 * and after every extend it expects SHA-384(old || data), computed here
 * in userspace. After each extend the model must match what sysfs, the
 * MEASUREMENTS ioctl, a TDREPORT (offset 720 + 48 i) and a quote (v4
 * body, offset 376 + 48 i) say; after each refused write, nothing may
 * have changed. The SHA-384 is the sim's own file (src/sim/sim_sha384.c),
 * first held to FIPS 180-4 test vectors here (and in tests/unit), so a
 * wrong hash in the sim cannot agree with itself unnoticed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "sim_sha384.h"

#define MR_DIR			"/sys/class/misc/tdx_guest/measurements"
#define MR_LEN			48
#define NR_RTMRS		4
#define TDR_MRTD		528
#define TDR_RTMR0		720
#define Q_BODY			48	/* v4 header */
#define Q_MRTD			(Q_BODY + 136)
#define Q_RTMR0			(Q_BODY + 328)

/* TDX module status words the sim's fault knob takes */
#define TDX_OPERAND_INVALID	0xC000010000000000ULL
#define TDX_OPERAND_BUSY	0x8000020000000000ULL

/* Intel's request and numbers, as libtdx_attest spells them */
struct cl_extend {
	uint8_t data[MR_LEN];
	uint8_t index;
};

#define CL_EXTEND_R		0x80315403UL	/* _IOR('T', 3, 49 bytes) */
#define CL_EXTEND_W		0x40315403UL	/* _IOW (V3_DRIVER) */

_Static_assert(sizeof(struct cl_extend) == 49, "libtdx_attest extend request");
_Static_assert(TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_R == CL_EXTEND_R, "extend number");
_Static_assert(TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_W == CL_EXTEND_W, "V3 extend number");

static const char *const rtmr_file[NR_RTMRS] = {
	MR_DIR "/rtmr0:sha384", MR_DIR "/rtmr1:sha384",
	MR_DIR "/rtmr2:sha384", MR_DIR "/rtmr3:sha384",
};

/* What RTMR0..3 must hold now */
static uint8_t model[NR_RTMRS][MR_LEN];

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void expect_mr(const char *where, const uint8_t *got, const uint8_t *want)
{
	char g[2 * MR_LEN + 1], w[2 * MR_LEN + 1];

	if (!memcmp(got, want, MR_LEN))
		return;
	hex(g, got, MR_LEN);
	hex(w, want, MR_LEN);
	fail_msg("%s:\n  got  %s\n  want %s", where, g, w);
}

/*
 * What an extend must do to the model: SHA-384(old || data), with the
 * concatenation done here, not by the sim's sim_sha384_extend().
 */
static void predict(uint8_t *mr, const uint8_t *data)
{
	uint8_t both[2 * MR_LEN];

	memcpy(both, mr, MR_LEN);
	memcpy(both + MR_LEN, data, MR_LEN);
	sim_sha384(both, sizeof(both), mr);
}

/* 48 bytes of extend data from @seed */
static void extend_data(uint8_t *d, unsigned int seed)
{
	int i;

	for (i = 0; i < MR_LEN; i++)
		d[i] = (uint8_t)(seed * 37 + i * 11 + 1);
}

/* Read a whole 48-byte register file (or fail). */
static void read_file48(const char *path, uint8_t *out)
{
	uint8_t buf[MR_LEN + 16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	if (n != MR_LEN)
		fail_msg("read %s: %zd (%s), want %d bytes", path, n,
			 n < 0 ? strerror(errno) : "short", MR_LEN);
	/* and then end of file */
	n = read(fd, buf + MR_LEN, 16);
	if (n != 0)
		fail_msg("read %s past 48 bytes: %zd, want 0", path, n);
	close(fd);
	memcpy(out, buf, MR_LEN);
}

/* write() @len bytes at @off to @path. Return: bytes written or -errno. */
static ssize_t write_at(const char *path, const uint8_t *buf, size_t len, off_t off)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = pwrite(fd, buf, len, off);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static void measurements(struct tdx_quote_measurements *m)
{
	memset(m, 0xee, sizeof(*m));
	if (ioctl(hx_fd(), TDX_QUOTE_CMD_MEASUREMENTS, m))
		fail_msg("MEASUREMENTS: %s", strerror(errno));
}

/* Every way of reading RTMR0..3 agrees with the model. */
static void check_model(const char *after)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_measurements m;
	uint8_t rd[64], tdreport[1024], got[MR_LEN], *quote;
	char where[160];
	int i, ret;

	measurements(&m);
	hx_reportdata(rd, 77);
	ret = hx_get_report(hx_fd(), rd, tdreport);
	if (ret)
		fail_msg("GET_REPORT: %s", strerror(ret));
	quote = malloc(64 * HX_KiB);
	assert_non_null(quote);
	ret = hx_get_quote(hx_fd(), rd, 0, quote, 64 * HX_KiB, &req);
	if (ret)
		fail_msg("GET_QUOTE: %s", strerror(ret));
	for (i = 0; i < NR_RTMRS; i++) {
		snprintf(where, sizeof(where), "%s: %s", after, rtmr_file[i]);
		read_file48(rtmr_file[i], got);
		expect_mr(where, got, model[i]);
		snprintf(where, sizeof(where), "%s: MEASUREMENTS rtmr[%d]", after, i);
		expect_mr(where, m.rtmr[i], model[i]);
		snprintf(where, sizeof(where), "%s: TDREPORT RTMR%d", after, i);
		expect_mr(where, tdreport + TDR_RTMR0 + MR_LEN * i, model[i]);
		snprintf(where, sizeof(where), "%s: quote RTMR%d", after, i);
		expect_mr(where, quote + Q_RTMR0 + MR_LEN * i, model[i]);
	}
	free(quote);
}

/* ------------------------------------------------------------ fixtures */

static int setup_measure(void **state)
{
	(void)state;
	memset(model, 0, sizeof(model));	/* a freshly loaded sim */
	return hx_setup("", "compat_dev=on");
}

static int teardown_measure(void **state)
{
	(void)state;
	return hx_teardown();
}

/* After each test: the sim's fault knobs off again. */
static int knobs_off(void **state)
{
	(void)state;
	if (!hx_module_loaded(HX_SIM_MODULE))
		return 0;
	return hx_write_str(HX_SIM_PARAMS "/fault_extend", "none") |
	       hx_write_str(HX_SIM_PARAMS "/extend_busy", "0") ? -1 : 0;
}

/* -------------------------------------------------------------- tests */

/* The hash the tests predict with is SHA-384 (FIPS 180-4 vectors). */
static void test_sha384_vectors(void **state)
{
	static const char abc[] =
		"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		"8086072ba1e7cc2358baeca134c825a7";
	static const char two_blocks[] =
		"09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
		"fcc7c71a557e2db966c3e9fa91746039";
	static const char *msg2 =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	uint8_t d[MR_LEN];
	char h[2 * MR_LEN + 1];

	(void)state;
	sim_sha384((const uint8_t *)"abc", 3, d);
	hex(h, d, MR_LEN);
	assert_string_equal(h, abc);
	sim_sha384((const uint8_t *)msg2, strlen(msg2), d);
	hex(h, d, MR_LEN);
	assert_string_equal(h, two_blocks);
}

/* The upstream ABI: names, modes, sizes; values as a TDREPORT has them. */
static void test_files(void **state)
{
	static const struct {
		const char *name;
		mode_t mode;
		int tdr_off;
	} files[] = {
		{ "rtmr0:sha384", 0644, TDR_RTMR0 },
		{ "rtmr1:sha384", 0644, TDR_RTMR0 + MR_LEN },
		{ "rtmr2:sha384", 0644, TDR_RTMR0 + 2 * MR_LEN },
		{ "rtmr3:sha384", 0644, TDR_RTMR0 + 3 * MR_LEN },
		{ "mrtd:sha384", 0444, TDR_MRTD },
		{ "mrconfigid", 0444, TDR_MRTD + MR_LEN },
		{ "mrowner", 0444, TDR_MRTD + 2 * MR_LEN },
		{ "mrownerconfig", 0444, TDR_MRTD + 3 * MR_LEN },
	};
	struct tdx_quote_measurements m;
	uint8_t rd[64], tdreport[1024], got[MR_LEN];
	char path[160];
	struct stat st;
	size_t i;
	int ret;

	(void)state;
	assert_int_equal(hx_dir_count(MR_DIR), 8);
	hx_reportdata(rd, 5);
	ret = hx_get_report(hx_fd(), rd, tdreport);
	if (ret)
		fail_msg("GET_REPORT: %s", strerror(ret));
	measurements(&m);
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "%s/%s", MR_DIR, files[i].name);
		if (stat(path, &st))
			fail_msg("stat %s: %s", path, strerror(errno));
		if ((st.st_mode & 07777) != files[i].mode || st.st_size != MR_LEN)
			fail_msg("%s: mode %o size %lld, want %o and 48", path,
				 st.st_mode & 07777, (long long)st.st_size,
				 files[i].mode);
		read_file48(path, got);
		expect_mr(path, got, tdreport + files[i].tdr_off);
		/* the native read, in the uapi's order: mrtd first */
		expect_mr("MEASUREMENTS",
			  (const uint8_t *)&m + (files[i].tdr_off - TDR_MRTD), got);
	}
	/* A freshly loaded sim: RTMRs zero, MRTD its launch pattern. */
	check_model("after loading");
	assert_int_equal(m.mrtd[0], 0xa0);
	assert_int_equal(m.mrconfigid[1], 0xc1);
	for (i = 0; i < sizeof(m.reserved) / sizeof(m.reserved[0]); i++)
		assert_int_equal(m.reserved[i], 0);
}

/* Writing 48 bytes at offset 0 to rtmrN:sha384 extends RTMR N. */
static void test_extend_sysfs(void **state)
{
	uint8_t d[MR_LEN];
	uint64_t ext0 = hx_sim_stat("extends");
	char after[64];
	int i, round;
	ssize_t n;

	(void)state;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < NR_RTMRS; i++) {
			extend_data(d, 10 * round + i);
			n = write_at(rtmr_file[i], d, MR_LEN, 0);
			if (n != MR_LEN)
				fail_msg("write 48 bytes to %s: %zd (%s)", rtmr_file[i],
					 n, n < 0 ? strerror(-n) : "short");
			predict(model[i], d);
			snprintf(after, sizeof(after), "sysfs extend %d of RTMR%d",
				 round + 1, i);
			check_model(after);
		}
	}
	assert_int_equal(hx_sim_stat("extends") - ext0, 8);
}

/* Nothing but 48 bytes at offset 0 extends, and a rejected write changes nothing. */
static void test_bad_writes(void **state)
{
	static const char *const ro[] = {
		MR_DIR "/mrtd:sha384", MR_DIR "/mrconfigid", MR_DIR "/mrowner",
		MR_DIR "/mrownerconfig",
	};
	uint8_t d[2 * MR_LEN];
	uint64_t ext0 = hx_sim_stat("extends"), ref0 = hx_sim_stat("extends_refused");
	size_t i;
	ssize_t n;
	int fd;

	(void)state;
	extend_data(d, 99);
	extend_data(d + MR_LEN, 98);
	/* too short, at offset 0 */
	assert_int_equal(write_at(rtmr_file[2], d, 47, 0), -EINVAL);
	assert_int_equal(write_at(rtmr_file[2], d, 1, 0), -EINVAL);
	/* the rest of a register, at an offset */
	assert_int_equal(write_at(rtmr_file[2], d, 47, 1), -EINVAL);
	assert_int_equal(write_at(rtmr_file[2], d, 48, 1), -EINVAL);
	assert_int_equal(write_at(rtmr_file[3], d, 24, 24), -EINVAL);
	/* at or past the end: the sysfs core's answer */
	assert_int_equal(write_at(rtmr_file[3], d, 48, 48), -EFBIG);
	assert_int_equal(write_at(rtmr_file[3], d, 1, 4096), -EFBIG);
	/* nothing at all */
	assert_int_equal(write_at(rtmr_file[1], d, 0, 0), 0);
	/* read-only registers cannot even be opened for writing, root or not */
	for (i = 0; i < 4; i++) {
		fd = open(ro[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0 || errno != EACCES)
			fail_msg("open %s for writing: %s, want EACCES", ro[i],
				 fd >= 0 ? "opened" : strerror(errno));
	}
	check_model("after rejected writes");
	assert_int_equal(hx_sim_stat("extends"), ext0);
	assert_int_equal(hx_sim_stat("extends_refused"), ref0);

	/*
	 * A longer write at offset 0: the sysfs core cuts it to the file's
	 * 48 bytes before the driver sees it, on every kernel, as for the
	 * upstream driver; the first 48 bytes extend and write() says 48.
	 */
	n = write_at(rtmr_file[0], d, sizeof(d), 0);
	assert_int_equal(n, MR_LEN);
	predict(model[0], d);
	check_model("after a 96-byte write to rtmr0");
	assert_int_equal(hx_sim_stat("extends") - ext0, 1);
}

/* Intel's TDX_CMD_EXTEND_RTMR, both numbers, on both device nodes. */
static void test_compat_ioctl(void **state)
{
	static const unsigned long cmds[] = { CL_EXTEND_R, CL_EXTEND_W };
	static const char *const devs[] = { HX_GUEST_DEV, HX_DEV };
	uint64_t ref0 = hx_sim_stat("extends_refused");
	struct cl_extend req;
	char after[96];
	size_t c, d;
	int i, fd;

	(void)state;
	for (d = 0; d < 2; d++) {
		fd = open(devs[d], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fail_msg("open %s: %s", devs[d], strerror(errno));
		for (c = 0; c < 2; c++) {
			for (i = 0; i < NR_RTMRS; i++) {
				extend_data(req.data, 40 + 8 * d + 4 * c + i);
				req.index = i;
				if (ioctl(fd, cmds[c], &req))
					fail_msg("%s %#lx index %d: %s", devs[d], cmds[c],
						 i, strerror(errno));
				predict(model[i], req.data);
			}
			/* index above 3: EINVAL, before the TDX module is asked */
			req.index = 4;
			assert_int_equal(ioctl(fd, cmds[c], &req), -1);
			assert_int_equal(errno, EINVAL);
			req.index = 255;
			assert_int_equal(ioctl(fd, cmds[c], &req), -1);
			assert_int_equal(errno, EINVAL);
			assert_int_equal(ioctl(fd, cmds[c], NULL), -1);
			assert_int_equal(errno, EFAULT);
			snprintf(after, sizeof(after), "%s ioctl %#lx", devs[d], cmds[c]);
			check_model(after);
		}
		/* the same number with another size or direction is not it */
		assert_int_equal(ioctl(fd, _IOWR('T', 3, struct cl_extend), &req), -1);
		assert_int_equal(errno, ENOTTY);
		assert_int_equal(ioctl(fd, _IOR('T', 3, uint8_t[48]), &req), -1);
		assert_int_equal(errno, ENOTTY);
		close(fd);
	}
	assert_int_equal(hx_sim_stat("extends_refused"), ref0);
}

/* The native extend: its checks, then the extend. */
static void test_native_extend(void **state)
{
	struct big {
		struct tdx_quote_rtmr_extend r;
		uint8_t tail[8];
	} b;
	struct tdx_quote_rtmr_extend r;
	uint64_t ext0 = hx_sim_stat("extends");
	int fd = hx_fd();

	(void)state;
	memset(&r, 0, sizeof(r));
	extend_data(r.data, 60);
	r.index = 1;
	r.flags = 1;
	assert_int_equal(ioctl(fd, TDX_QUOTE_CMD_RTMR_EXTEND, &r), -1);
	assert_int_equal(errno, EINVAL);
	r.flags = 0;
	r.reserved[1] = 1;
	assert_int_equal(ioctl(fd, TDX_QUOTE_CMD_RTMR_EXTEND, &r), -1);
	assert_int_equal(errno, EINVAL);
	r.reserved[1] = 0;
	r.index = 4;
	assert_int_equal(ioctl(fd, TDX_QUOTE_CMD_RTMR_EXTEND, &r), -1);
	assert_int_equal(errno, EINVAL);
	r.index = 1;
	/* too short to hold the fields before reserved */
	assert_int_equal(ioctl(fd, _IOW('T', 0x12, uint8_t[55]), &r), -1);
	assert_int_equal(errno, EINVAL);
	/* longer than the kernel knows, with a non-zero tail */
	memset(&b, 0, sizeof(b));
	b.r = r;
	b.tail[7] = 1;
	assert_int_equal(ioctl(fd, _IOW('T', 0x12, struct big), &b), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(ioctl(fd, TDX_QUOTE_CMD_RTMR_EXTEND, NULL), -1);
	assert_int_equal(errno, EFAULT);
	/* other directions are other commands */
	assert_int_equal(ioctl(fd, _IOWR('T', 0x12, struct tdx_quote_rtmr_extend), &r), -1);
	assert_int_equal(errno, ENOTTY);
	check_model("after rejected native extends");
	assert_int_equal(hx_sim_stat("extends"), ext0);

	/* the older size (no reserved words) and a zero tail are fine */
	assert_int_equal(ioctl(fd, _IOW('T', 0x12, uint8_t[56]), &r), 0);
	predict(model[1], r.data);
	b.tail[7] = 0;
	b.r.index = 3;
	assert_int_equal(ioctl(fd, _IOW('T', 0x12, struct big), &b), 0);
	predict(model[3], b.r.data);
	assert_int_equal(ioctl(fd, TDX_QUOTE_CMD_RTMR_EXTEND, &r), 0);
	predict(model[1], r.data);
	check_model("after native extends");
	assert_int_equal(hx_sim_stat("extends") - ext0, 3);
}

/* A shorter MEASUREMENTS structure gets what fits, nothing beyond. */
static void test_native_read(void **state)
{
	uint8_t buf[sizeof(struct tdx_quote_measurements) + 16];
	struct tdx_quote_measurements m;

	(void)state;
	measurements(&m);
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(ioctl(hx_fd(), _IOR('T', 0x13, uint8_t[100]), buf), 0);
	assert_memory_equal(buf, &m, 100);
	assert_int_equal(buf[100], 0x5a);
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_MEASUREMENTS, NULL), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(ioctl(hx_fd(), _IOW('T', 0x13, struct tdx_quote_measurements), &m), -1);
	assert_int_equal(errno, ENOTTY);
}

/*
 * The TDX module refuses: each path gives upstream's errno (invalid
 * operand ENXIO, busy EBUSY, anything else EIO) and the register stays.
 */
static void test_host_refuses(void **state)
{
	static const struct {
		const char *knob;
		int err;
	} cases[] = {
		{ "invalid_operand", ENXIO },
		{ "operand_busy", EBUSY },
		{ "0x8000000000000000", EIO },
	};
	struct tdx_quote_rtmr_extend r;
	struct cl_extend c;
	uint64_t ref0, ext0;
	uint8_t d[MR_LEN];
	size_t i;
	int fd = hx_fd();

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ref0 = hx_sim_stat("extends_refused");
		ext0 = hx_sim_stat("extends");
		hx_sim_param_set("fault_extend", cases[i].knob);
		extend_data(d, 70 + i);
		assert_int_equal(write_at(rtmr_file[2], d, MR_LEN, 0), -cases[i].err);
		memset(&r, 0, sizeof(r));
		memcpy(r.data, d, MR_LEN);
		r.index = 3;
		assert_int_equal(ioctl(fd, TDX_QUOTE_CMD_RTMR_EXTEND, &r), -1);
		assert_int_equal(errno, cases[i].err);
		memcpy(c.data, d, MR_LEN);
		c.index = 0;
		assert_int_equal(ioctl(fd, CL_EXTEND_R, &c), -1);
		assert_int_equal(errno, cases[i].err);
		assert_int_equal(hx_sim_stat("extends_refused") - ref0, 3);
		assert_int_equal(hx_sim_stat("extends"), ext0);
		check_model(cases[i].knob);
	}
	hx_sim_param_set("fault_extend", "none");

	/* Busy for a moment: EBUSY, nothing changed; the retry extends. */
	hx_sim_param_set_u64("extend_busy", 1);
	extend_data(d, 80);
	assert_int_equal(write_at(rtmr_file[2], d, MR_LEN, 0), -EBUSY);
	check_model("after a busy answer");
	assert_int_equal(write_at(rtmr_file[2], d, MR_LEN, 0), MR_LEN);
	predict(model[2], d);
	check_model("after the retry");
}

/* A v5 quote carries them too, in its body (6 bytes further on). */
static void test_quote_v5(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *quote = malloc(64 * HX_KiB);
	char where[64];
	int i, ret;

	(void)state;
	assert_non_null(quote);
	hx_sim_param_set("quote_version", "5");
	hx_reportdata(rd, 5);
	ret = hx_get_quote(hx_fd(), rd, 0, quote, 64 * HX_KiB, &req);
	hx_sim_param_set("quote_version", "4");
	if (ret)
		fail_msg("GET_QUOTE: %s", strerror(ret));
	assert_int_equal(hx_le16(quote), 5);
	for (i = 0; i < NR_RTMRS; i++) {
		snprintf(where, sizeof(where), "v5 quote RTMR%d", i);
		expect_mr(where, quote + Q_RTMR0 + 6 + MR_LEN * i, model[i]);
	}
	free(quote);
}

/* Many extenders at once: every extend lands exactly once. */
static void test_concurrent_extends(void **state)
{
	struct tdx_quote_measurements m;
	uint64_t ext0 = hx_sim_stat("extends");
	uint8_t d[MR_LEN], same[MR_LEN];
	int k, status, n = 8;
	pid_t pid;

	(void)state;
	/* The same data each time: the order does not matter for the result. */
	extend_data(same, 123);
	for (k = 0; k < n; k++) {
		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			int j;

			for (j = 0; j < 16; j++)
				if (write_at(rtmr_file[1], same, MR_LEN, 0) != MR_LEN)
					_exit(1);
			_exit(0);
		}
	}
	for (k = 0; k < n; k++) {
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (k = 0; k < n * 16; k++)
		predict(model[1], same);
	assert_int_equal(hx_sim_stat("extends") - ext0, n * 16);
	check_model("after 128 concurrent extends");
	measurements(&m);
	memcpy(d, m.rtmr[1], MR_LEN);
	expect_mr("MEASUREMENTS rtmr[1]", d, model[1]);
}

/* Unloading with a register file open: the file answers ENODEV after. */
static void test_unload_open(void **state)
{
	uint8_t buf[MR_LEN];
	int fd;

	(void)state;
	fd = open(rtmr_file[3], O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fail_msg("open %s: %s", rtmr_file[3], strerror(errno));
	assert_int_equal(pread(fd, buf, MR_LEN, 0), MR_LEN);
	expect_mr(rtmr_file[3], buf, model[3]);
	if (hx_modules_unload())
		fail_msg("tdx_quote does not unload with %s open", rtmr_file[3]);
	assert_false(hx_module_loaded(HX_MODULE));
	assert_int_equal(pread(fd, buf, MR_LEN, 0), -1);
	assert_int_equal(errno, ENODEV);
	assert_int_equal(pwrite(fd, buf, MR_LEN, 0), -1);
	assert_int_equal(errno, ENODEV);
	close(fd);
	assert_int_equal(access(MR_DIR, F_OK), -1);
}

/* ------------------------------------------ who owns the tdx_guest name */

static int setup_names(void **state)
{
	(void)state;
	return hx_setup(NULL, NULL) || hx_module_remove(HX_DUMMY_MODULE) ? -1 : 0;
}

static int unload_all(void **state)
{
	(void)state;
	hx_fd_close();
	hx_modules_unload();
	return hx_module_remove(HX_DUMMY_MODULE) ? -1 : 0;
}

/* With another driver holding tdx_guest, its directory gets no measurements/. */
static void test_name_taken(void **state)
{
	int ret;

	(void)state;
	ret = hx_module_insert(HX_DUMMY_MODULE, "");
	if (ret)
		fail_msg("insert %s: %s", HX_DUMMY_MODULE, strerror(-ret));
	if (hx_modules_load("", "compat_dev=auto"))
		fail_msg("tdx_quote compat_dev=auto does not load next to %s",
			 HX_DUMMY_MODULE);
	assert_int_equal(access("/sys/class/misc/tdx_guest", F_OK), 0);
	assert_int_equal(access(MR_DIR, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	/* the native calls still work: they do not need the name */
	{
		struct tdx_quote_measurements m;

		measurements(&m);
	}
}

/* compat_dev=off: no tdx_guest, no measurements/; on: both. */
static void test_compat_off_on(void **state)
{
	(void)state;
	if (hx_modules_load("", "compat_dev=off"))
		fail_msg("tdx_quote compat_dev=off does not load");
	assert_int_equal(access("/sys/class/misc/tdx_guest", F_OK), -1);
	assert_int_equal(access(MR_DIR, F_OK), -1);
	hx_fd_close();
	assert_int_equal(hx_modules_unload(), 0);
	if (hx_modules_load("", "compat_dev=on"))
		fail_msg("tdx_quote compat_dev=on does not load");
	assert_int_equal(hx_dir_count(MR_DIR), 8);
}

int hx_run_measure(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha384_vectors),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_extend_sysfs),
		cmocka_unit_test(test_bad_writes),
		cmocka_unit_test(test_compat_ioctl),
		cmocka_unit_test(test_native_extend),
		cmocka_unit_test(test_native_read),
		cmocka_unit_test_teardown(test_host_refuses, knobs_off),
		cmocka_unit_test(test_quote_v5),
		cmocka_unit_test(test_concurrent_extends),
		cmocka_unit_test(test_unload_open),
	};
	const struct CMUnitTest names[] = {
		cmocka_unit_test_teardown(test_name_taken, unload_all),
		cmocka_unit_test_teardown(test_compat_off_on, unload_all),
	};
	int failed;

	failed = cmocka_run_group_tests_name("measure", tests, setup_measure,
					     teardown_measure);
	failed += cmocka_run_group_tests_name("measure_names", names, setup_names,
					      teardown_measure);
	return failed;
}
