// SPDX-License-Identifier: GPL-2.0
/*
 * Existing clients (shared/facts/clients.md): libtdx_attest (release and
 * V3 ioctl numbers, QGS-framed payload), go-tdx-guest and Intel's selftest
 * (raw TDREPORT), each sent byte for byte as the client sends it, to
 * /dev/tdx_guest and /dev/tdx_quote, and each reply checked as that client
 * checks it; against a raw host (upstream QEMU) and a pass-through host
 * (the sim's framing parameter). Then the requests the module must refuse
 * before the host sees them, and who owns the tdx_guest name.
 *
 * compat_dev=auto leaves /dev/tdx_guest to the kernel's own tdx_guest
 * driver on a kernel built with CONFIG_TDX_GUEST_DRIVER (Debian 13's 6.12,
 * unstable's 7.2), and creates it on one without (Debian 12's 6.1). The
 * test learns which kernel it runs on from the kernel, never from the
 * module (kernel_tdx_guest()), and checks the module's choice against it
 * (test_compat_auto, test_name_taken). The client tests need the module's
 * /dev/tdx_guest: they run with compat_dev=auto where that creates it,
 * else with compat_dev=on.
 *
 * Nothing here uses the uapi's compat definitions to build requests: the
 * numbers and layouts are the clients' own, checked against the uapi once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "harness.h"

/* ------------------------------------------------- the clients' ABI */

/* ioctl numbers as the clients spell them */
#define CL_GET_REPORT0		0xC4405401UL	/* TDX_CMD_GET_REPORT0 */
#define CL_LIBTDX_R		0x80105404UL	/* _IOR('T', 4, 16 bytes) */
#define CL_LIBTDX_RW		0xC0105404UL	/* _IOWR('T', 4, ...) (V3_DRIVER) */
#define CL_V2			0xC0105402UL	/* _IOWR('T', 2, ...) */

_Static_assert(TDX_QUOTE_CMD_COMPAT_GET_QUOTE_R == CL_LIBTDX_R, "libtdx_attest number");
_Static_assert(TDX_QUOTE_CMD_COMPAT_GET_QUOTE_RW == CL_LIBTDX_RW, "libtdx_attest V3 number");
_Static_assert(TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2 == CL_V2, "go-tdx-guest number");
_Static_assert(TDX_QUOTE_CMD_GET_REPORT == CL_GET_REPORT0, "GET_REPORT0 number");

/* {u64 buf; u64 len}, the ioctl argument of every client */
struct cl_req {
	uint64_t buf;
	uint64_t len;
};

/* The GetQuote buffer the clients lay out: header, then the payload */
struct cl_hdr {
	uint64_t version;
	uint64_t status;
	uint32_t in_len;
	uint32_t out_len;
	uint8_t data[];
};

_Static_assert(sizeof(struct cl_req) == 16, "client ioctl argument");
_Static_assert(sizeof(struct cl_hdr) == HX_GQ_HDR_LEN, "GetQuote header");

struct cl_report {
	uint8_t reportdata[64];
	uint8_t tdreport[1024];
};

/* QGS framing (libtdx_attest's qgs_msg_lib) */
#define QGS_PREFIX		4
#define QGS_OVERHEAD		28	/* prefix + 16-byte header + 2 u32 */
#define QGS_REQ_LEN		1052
#define QGS_GET_QUOTE_REQ	0
#define QGS_GET_QUOTE_RESP	1

#define TDREPORT_LEN		1024
#define QUOTE_LEN		5000	/* the sim's default quote_size */
#define CL_LEN			16384	/* libtdx_attest, go-tdx-guest */
#define SELFTEST_LEN		8216	/* the kselftest: not page aligned */

struct client {
	const char *name;
	unsigned long cmd;
	size_t len;		/* buffer bytes, header included */
	bool framed;		/* QGS-framed payload, else raw TDREPORT */
};

static const struct client cl_libtdx = {
	"libtdx_attest", CL_LIBTDX_R, CL_LEN, true };
static const struct client cl_libtdx_v3 = {
	"libtdx_attest (V3_DRIVER)", CL_LIBTDX_RW, CL_LEN, true };
static const struct client cl_go = {
	"go-tdx-guest", CL_V2, CL_LEN, false };
static const struct client cl_selftest = {
	"kselftest", CL_V2, SELFTEST_LEN, false };

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

/* A GET_QUOTE_REQ, field by field, so that tests can break any of them. */
struct qgs_req {
	uint32_t in_len;	/* the GetQuote header's in_len */
	uint32_t prefix;	/* big-endian length of what follows */
	uint16_t major, minor;
	uint32_t type, size, error;
	uint32_t report_size, id_list_size;
	uint32_t id_bytes;	/* id list bytes actually written */
};

/* What libtdx_attest sends. */
static const struct qgs_req qgs_good = {
	.in_len = QGS_REQ_LEN, .prefix = 1048, .major = 1, .minor = 1,
	.type = QGS_GET_QUOTE_REQ, .size = 1048, .error = 0,
	.report_size = TDREPORT_LEN, .id_list_size = 0,
};

/*
 * Write @q and @tdreport as the payload of the GetQuote buffer @buf (room
 * for QGS_REQ_LEN + id_bytes), and in_len into its header.
 */
static void qgs_fill(uint8_t *buf, const struct qgs_req *q,
		     const uint8_t *tdreport)
{
	struct cl_hdr *h = (struct cl_hdr *)buf;
	uint8_t *data = h->data;

	h->in_len = q->in_len;
	hx_put_be32(data, q->prefix);
	put_le16(data + 4, q->major);
	put_le16(data + 6, q->minor);
	hx_put_le32(data + 8, q->type);
	hx_put_le32(data + 12, q->size);
	hx_put_le32(data + 16, q->error);
	hx_put_le32(data + 20, q->report_size);
	hx_put_le32(data + 24, q->id_list_size);
	memcpy(data + QGS_OVERHEAD, tdreport, TDREPORT_LEN);
	memset(data + QGS_OVERHEAD + TDREPORT_LEN, 0xee, q->id_bytes);
}

/* ------------------------------------------------------------ helpers */

static uint64_t seed_next = 0xc0a7000;

/*
 * Descriptors the running test opened: a failing test leaves through
 * longjmp, and the teardown must still be able to unload the module.
 */
static int open_fds[8];
static int n_open_fds;

static int open_dev(const char *path)
{
	int fd;

	if (n_open_fds == sizeof(open_fds) / sizeof(open_fds[0]))
		fail_msg("open %s: too many descriptors open", path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	open_fds[n_open_fds++] = fd;
	return fd;
}

static void close_dev(int fd)
{
	int i;

	for (i = 0; i < n_open_fds; i++) {
		if (open_fds[i] == fd) {
			open_fds[i] = open_fds[--n_open_fds];
			break;
		}
	}
	assert_int_equal(close(fd), 0);
}

static void close_all_devs(void)
{
	while (n_open_fds)
		close(open_fds[--n_open_fds]);
}

/*
 * TDX_CMD_GET_REPORT0 as the clients call it, with fresh report data (left
 * in @rd); checks the report data in the TDREPORT.
 */
static void client_report(int fd, uint8_t *rd, uint8_t *tdreport)
{
	struct cl_report r;

	hx_reportdata(rd, seed_next++);
	memset(&r, 0, sizeof(r));
	memcpy(r.reportdata, rd, sizeof(r.reportdata));
	if (ioctl(fd, CL_GET_REPORT0, &r))
		fail_msg("GET_REPORT0: %s", strerror(errno));
	assert_memory_equal(r.tdreport + HX_TDR_REPORTDATA_OFF, rd, 64);
	memcpy(tdreport, r.tdreport, TDREPORT_LEN);
}

/* A buffer of @len bytes (at least the largest payload) with a header. */
static uint8_t *buf_new(size_t len)
{
	size_t cap = len > HX_GQ_HDR_LEN + 2 * HX_KiB ? len : HX_GQ_HDR_LEN + 2 * HX_KiB;
	uint8_t *buf = calloc(1, cap);

	assert_non_null(buf);
	((struct cl_hdr *)buf)->version = 1;
	return buf;
}

/* Lay out @c's request for @tdreport in @buf, as the client does. */
static void client_fill(const struct client *c, uint8_t *buf,
			const uint8_t *tdreport)
{
	struct cl_hdr *h = (struct cl_hdr *)buf;

	h->version = 1;
	h->status = 0;
	h->out_len = 0;
	if (c->framed) {
		qgs_fill(buf, &qgs_good, tdreport);
	} else {
		h->in_len = TDREPORT_LEN;
		memcpy(h->data, tdreport, TDREPORT_LEN);
	}
}

/* The ioctl. Return: 0 or errno. */
static int send_req(int fd, unsigned long cmd, void *buf, uint64_t len)
{
	struct cl_req req = { (uintptr_t)buf, len };

	return ioctl(fd, cmd, &req) ? errno : 0;
}

/*
 * libtdx_attest's checks of a framed reply (tdx_att_get_quote() and
 * qgs_msg_inflate_get_quote_resp()). Return: the quote and its length.
 */
static const uint8_t *libtdx_check_reply(const uint8_t *buf, size_t len,
					 uint32_t *quote_len)
{
	const struct cl_hdr *h = (const struct cl_hdr *)buf;
	const uint8_t *m = h->data;
	uint32_t size, id_size, q_size;

	if (h->status)
		fail_msg("status %#" PRIx64 ", want 0", h->status);
	if (h->out_len <= QGS_PREFIX)
		fail_msg("out_len %u: libtdx_attest wants more than 4", h->out_len);
	if (h->out_len > len - HX_GQ_HDR_LEN)
		fail_msg("out_len %u beyond the client's %zu-byte buffer",
			 h->out_len, len);
	if (hx_be32(m) != h->out_len - QGS_PREFIX)
		fail_msg("length prefix %u, want out_len - 4 = %u",
			 hx_be32(m), h->out_len - QGS_PREFIX);
	m += QGS_PREFIX;
	assert_int_equal(hx_le16(m), 1);			/* major */
	assert_int_equal(hx_le32(m + 4), QGS_GET_QUOTE_RESP);	/* type */
	size = hx_le32(m + 8);
	assert_int_equal(hx_le32(m + 12), 0);			/* error_code */
	id_size = hx_le32(m + 16);
	q_size = hx_le32(m + 20);
	if ((uint64_t)size != 24 + (uint64_t)id_size + q_size)
		fail_msg("GET_QUOTE_RESP size %u, want 24 + %u + %u", size,
			 id_size, q_size);
	/* The message is exactly what the prefix announced. */
	assert_int_equal(size, h->out_len - QGS_PREFIX);
	*quote_len = q_size;
	return m + 24 + id_size;
}

/* Counters that show whether a request reached the host. */
struct counters {
	uint64_t sim_quotes, sim_rejects, sim_retries;
	uint64_t requests, successes, host_errors, unavailable;
};

static void counters_read(struct counters *c)
{
	c->sim_quotes = hx_sim_stat("quotes");
	c->sim_rejects = hx_sim_stat("rejects_invalid") +
			 hx_sim_stat("rejects_private") +
			 hx_sim_stat("rejects_inuse");
	c->sim_retries = hx_sim_stat("retries");
	c->requests = hx_stat("requests");
	c->successes = hx_stat("successes");
	c->host_errors = hx_stat("fail_host_error");
	c->unavailable = hx_stat("fail_service_unavailable");
}

static void assert_host_untouched(const struct counters *a, const char *what)
{
	struct counters b;

	counters_read(&b);
	if (memcmp(a, &b, sizeof(b)))
		fail_msg("%s reached the host: sim quotes +%" PRIu64
			 ", sim rejects +%" PRIu64 ", module requests +%" PRIu64,
			 what, b.sim_quotes - a->sim_quotes,
			 b.sim_rejects - a->sim_rejects,
			 b.requests - a->requests);
}

static uint32_t info_framing(void)
{
	struct tdx_quote_info info;

	hx_info(&info);
	return info.host_framing;
}

/*
 * One client exchange: GET_REPORT0 with fresh report data, the quote
 * ioctl, the client's checks, the quote's content; @sim_quotes is how
 * many GetQuotes the sim must have answered for it.
 */
static void client_quote(int fd, const char *dev, const struct client *c,
			 uint64_t sim_quotes)
{
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf = buf_new(c->len), *orig;
	const struct cl_hdr *h = (const struct cl_hdr *)buf;
	struct counters a, b;
	const uint8_t *quote;
	uint32_t quote_len, in_len;
	size_t i;
	int ret;

	client_report(fd, rd, tdreport);
	client_fill(c, buf, tdreport);
	in_len = h->in_len;
	/*
	 * After the payload, a pattern (not zeros): the module writes only
	 * the header and the reply, so every byte past the reply must still
	 * be what the client put there.
	 */
	if (c->len > HX_GQ_HDR_LEN + in_len)
		memset(buf + HX_GQ_HDR_LEN + in_len, 0xa5,
		       c->len - HX_GQ_HDR_LEN - in_len);
	orig = malloc(c->len);
	assert_non_null(orig);
	memcpy(orig, buf, c->len);
	counters_read(&a);
	ret = send_req(fd, c->cmd, buf, c->len);
	if (ret)
		fail_msg("%s on %s: ioctl %#lx: %s", c->name, dev, c->cmd,
			 strerror(ret));
	/* The reply is in the client's buffer: the header it reads. */
	assert_int_equal(h->version, 1);
	assert_int_equal(h->in_len, in_len);
	if (c->framed) {
		quote = libtdx_check_reply(buf, c->len, &quote_len);
	} else {
		/* go-tdx-guest: status 0, then data[0..out_len) is the quote */
		if (h->status)
			fail_msg("%s on %s: status %#" PRIx64, c->name, dev,
				 h->status);
		assert_true(h->out_len > 0);
		assert_true(h->out_len <= c->len - HX_GQ_HDR_LEN);
		quote = h->data;
		quote_len = h->out_len;
	}
	hx_check_quote(quote, quote_len, QUOTE_LEN, rd);
	for (i = HX_GQ_HDR_LEN + h->out_len; i < c->len; i++)
		if (buf[i] != orig[i])
			fail_msg("%s on %s: byte %zu of the client's buffer, past the %u-byte reply, written (%#x, was %#x)",
				 c->name, dev, i, h->out_len, buf[i], orig[i]);
	free(orig);

	counters_read(&b);
	if (b.sim_quotes - a.sim_quotes != sim_quotes)
		fail_msg("%s on %s: the sim answered %" PRIu64 " GetQuote(s), want %" PRIu64,
			 c->name, dev, b.sim_quotes - a.sim_quotes, sim_quotes);
	assert_int_equal(b.requests - a.requests, 1);
	assert_int_equal(b.successes - a.successes, 1);
	assert_int_equal(b.host_errors, a.host_errors);
	free(buf);
}

/*
 * The kernel log since the last look has @want lines with @needle, or fail
 * (with the log).
 */
static void expect_log_lines(const char *needle, int want)
{
	char *log = hx_klog_new();
	int n;

	assert_non_null(log);
	n = hx_count_lines(log, needle);
	if (n != want)
		fail_msg("%d line(s) '%s' in the kernel log, want %d:\n%s", n,
			 needle, want, log);
	free(log);
}

/* major:minor of a misc device in sysfs, or 0 when it has none. */
static dev_t sysfs_misc_dev(const char *name)
{
	char path[128], text[32];
	unsigned int maj, min;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/dev", name);
	if (hx_read_str(path, text, sizeof(text)))
		return 0;
	if (sscanf(text, "%u:%u", &maj, &min) != 2)
		fail_msg("%s: '%s'", path, text);
	return makedev(maj, min);
}

static dev_t node_rdev(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	assert_true(S_ISCHR(st.st_mode));
	return st.st_rdev;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* ------------------------------------------- the kernel's own tdx_guest */

enum ktg { KTG_UNKNOWN, KTG_ABSENT, KTG_PRESENT };

static enum ktg ktg_state;
static bool ktg_known;
static char ktg_why[640];

/* Is @line (one line of a module list) the tdx_guest module's file? */
static bool ktg_is_module(const char *line)
{
	const char *base = strrchr(line, '/');

	base = base ? base + 1 : line;
	/* drivers/virt/coco/tdx-guest/tdx-guest.ko, maybe .ko.xz in a list */
	return !strncmp(base, "tdx-guest.ko", 12) || !strncmp(base, "tdx_guest.ko", 12);
}

/*
 * CONFIG_TDX_GUEST_DRIVER from /proc/config.gz (CONFIG_IKCONFIG_PROC):
 * KTG_PRESENT for =y or =m, KTG_ABSENT when a readable config lacks it,
 * KTG_UNKNOWN without one.
 */
static enum ktg ktg_from_config(void)
{
	char line[512];
	bool any = false, yes = false;
	FILE *f;

	if (access("/proc/config.gz", R_OK))
		return KTG_UNKNOWN;
	f = popen("gzip -dc /proc/config.gz", "re");
	if (!f)
		return KTG_UNKNOWN;
	while (fgets(line, sizeof(line), f)) {
		any |= !strncmp(line, "CONFIG_", 7);
		yes |= !strcmp(line, "CONFIG_TDX_GUEST_DRIVER=y\n") ||
		       !strcmp(line, "CONFIG_TDX_GUEST_DRIVER=m\n");
	}
	if (pclose(f) || !any)
		return KTG_UNKNOWN;
	snprintf(ktg_why, sizeof(ktg_why), "/proc/config.gz: CONFIG_TDX_GUEST_DRIVER %s",
		 yes ? "set" : "not set");
	return yes ? KTG_PRESENT : KTG_ABSENT;
}

/*
 * The kernel's module lists, which the VM image carries when the machine
 * has them (tests/vm/mkinitramfs.sh copies modules.builtin* and
 * modules.order of /lib/modules/KVER, or a whole tree with -T): a
 * tdx_guest built in is in modules.builtin, a module in modules.order.
 * KTG_ABSENT only when both lists are there and neither names it.
 */
static enum ktg ktg_from_lists(const char *release)
{
	static const char *const lists[] = { "modules.builtin", "modules.order" };
	char path[256], line[256];
	int found = 0;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s/%s", release, lists[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		found++;
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (ktg_is_module(line)) {
				fclose(f);
				snprintf(ktg_why, sizeof(ktg_why), "%s lists %s",
					 path, line);
				return KTG_PRESENT;
			}
		}
		fclose(f);
	}
	if (found < 2) {
		snprintf(ktg_why, sizeof(ktg_why),
			 "cannot tell whether kernel %s has the tdx_guest driver: no readable /proc/config.gz, and not both of modules.builtin and modules.order in /lib/modules/%s",
			 release, release);
		return KTG_UNKNOWN;
	}
	snprintf(ktg_why, sizeof(ktg_why),
		 "kernel %s has no tdx_guest driver: neither modules.builtin nor modules.order lists it",
		 release);
	return KTG_ABSENT;
}

/*
 * Does the running kernel have the upstream tdx_guest driver
 * (CONFIG_TDX_GUEST_DRIVER y or m)? Learned from the kernel (its config,
 * else its module lists), never from tdx_quote: the test checks the
 * module's compat_dev=auto choice against it. The module decides at build
 * time from the same option, and only loads into the kernel it was built
 * for. ktg_why says how it was learned.
 */
static enum ktg kernel_tdx_guest(void)
{
	struct utsname u;

	if (ktg_known)
		return ktg_state;
	ktg_known = true;
	ktg_state = ktg_from_config();
	if (ktg_state != KTG_UNKNOWN)
		return ktg_state;
	if (uname(&u)) {
		snprintf(ktg_why, sizeof(ktg_why), "uname: %s", strerror(errno));
		return ktg_state;
	}
	ktg_state = ktg_from_lists(u.release);
	return ktg_state;
}

/* ---------------------------------------- both host framings, each client */

struct mode {
	const char *framing;	/* the sim's parameter */
	uint32_t want;		/* INFO host_framing once learned */
	const char *learned;	/* the module's log line when it learns it */
};

static const struct mode mode_raw = {
	"raw", TDX_QUOTE_FRAMING_RAW,
	"host wants raw TDREPORT GetQuote payloads" };
static const struct mode mode_passthrough = {
	"passthrough", TDX_QUOTE_FRAMING_QGS,
	"host wants QGS-framed GetQuote payloads" };

static const struct mode *mode;

/*
 * Leftovers of a group that failed badly, the dummy included. tdx_quote
 * (unless @tdxq_params is NULL) with its /dev/tdx_guest: compat_dev=auto
 * on a kernel without tdx_guest (where auto is what the clients get),
 * compat_dev=on on one with it or when that is unknown.
 */
static int compat_setup(const char *sim_params, const char *tdxq_params)
{
	char params[256];

	close_all_devs();
	hx_modules_unload();
	if (hx_module_remove(HX_DUMMY_MODULE))
		return -1;
	if (!tdxq_params)
		return hx_setup(sim_params, NULL);
	snprintf(params, sizeof(params), "compat_dev=%s%s%s",
		 kernel_tdx_guest() == KTG_ABSENT ? "auto" : "on",
		 tdxq_params[0] ? " " : "", tdxq_params);
	print_message("  tdx_quote %s (%s)\n", params, ktg_why);
	return hx_setup(sim_params, params);
}

static int setup_raw(void **state)
{
	(void)state;
	mode = &mode_raw;
	return compat_setup("framing=raw", "");
}

static int setup_passthrough(void **state)
{
	(void)state;
	mode = &mode_passthrough;
	return compat_setup("framing=passthrough", "");
}

/*
 * After each test, even a failed one: its descriptors closed, the sim's
 * parameters back to what the group set.
 */
static int test_cleanup(void **state)
{
	int ret = 0;

	(void)state;
	close_all_devs();
	if (!hx_module_loaded(HX_SIM_MODULE))
		return 0;
	ret |= hx_write_str(HX_SIM_PARAMS "/service", "1");
	ret |= hx_write_str(HX_SIM_PARAMS "/quote_size", "5000");
	ret |= hx_write_str(HX_SIM_PARAMS "/framing", mode->framing);
	return ret ? -1 : 0;
}

static int teardown_compat(void **state)
{
	(void)state;
	close_all_devs();
	return hx_teardown();
}

/* /dev/tdx_guest is the module's (compat_dev as compat_setup() chose). */
static void test_guest_node(void **state)
{
	struct stat st;
	dev_t guest;

	(void)state;
	if (stat(HX_GUEST_DEV, &st))
		fail_msg("%s: %s", HX_GUEST_DEV, strerror(errno));
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	guest = sysfs_misc_dev("tdx_guest");
	assert_true(guest != 0);
	assert_true(st.st_rdev == guest);
	assert_true(guest != node_rdev(HX_DEV));
	assert_true(guest != sysfs_misc_dev("tdx_quote"));
}

/* The first request teaches the module the host's framing. */
static void test_first_request_learns(void **state)
{
	char framing[32], *log;
	int fd;

	(void)state;
	hx_sim_param_get("framing", framing, sizeof(framing));
	assert_string_equal(framing, mode->framing);
	/* The module starts out raw, as upstream QEMU. */
	assert_int_equal(info_framing(), TDX_QUOTE_FRAMING_RAW);
	assert_int_equal(hx_stat("requests"), 0);
	free(hx_klog_new());

	fd = open_dev(HX_GUEST_DEV);
	/* A pass-through host fails the raw payload first: two GetQuotes. */
	client_quote(fd, HX_GUEST_DEV, &cl_libtdx,
		     mode->want == TDX_QUOTE_FRAMING_QGS ? 2 : 1);
	close_dev(fd);

	assert_int_equal(info_framing(), mode->want);
	log = hx_klog_new();
	assert_non_null(log);
	assert_int_equal(hx_count_lines(log, mode_passthrough.learned),
			 mode->want == TDX_QUOTE_FRAMING_QGS);
	assert_int_equal(hx_count_lines(log, mode_raw.learned), 0);
	free(log);
	/* The fallback was no failure. */
	assert_int_equal(hx_stat("fail_host_error"), 0);
	assert_int_equal(hx_stat("successes"), 1);
}

/* Three requests on each node; each costs the sim exactly one GetQuote. */
static void client_rounds(const struct client *c)
{
	const char *devs[] = { HX_GUEST_DEV, HX_DEV };
	size_t d;
	int fd, i;

	for (d = 0; d < 2; d++) {
		fd = open_dev(devs[d]);
		for (i = 0; i < 3; i++)
			client_quote(fd, devs[d], c, 1);
		close_dev(fd);
	}
	assert_int_equal(info_framing(), mode->want);
}

/* test_libtdx_attest etc.: client_rounds() with the client as the state. */
static void test_client(void **state)
{
	client_rounds(*state);
}

/* A GET_QUOTE_REQ with an id list after the TDREPORT is accepted. */
static void test_framed_with_id_list(void **state)
{
	struct qgs_req q = qgs_good;
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf = buf_new(CL_LEN);
	const uint8_t *quote;
	uint32_t quote_len;
	int fd, ret;

	(void)state;
	q.in_len += 16;
	q.prefix += 16;
	q.size += 16;
	q.id_list_size = 16;
	q.id_bytes = 16;
	fd = open_dev(HX_GUEST_DEV);
	client_report(fd, rd, tdreport);
	qgs_fill(buf, &q, tdreport);
	ret = send_req(fd, CL_LIBTDX_R, buf, CL_LEN);
	close_dev(fd);
	if (ret)
		fail_msg("GET_QUOTE_REQ with a 16-byte id list: %s", strerror(ret));
	quote = libtdx_check_reply(buf, CL_LEN, &quote_len);
	hx_check_quote(quote, quote_len, QUOTE_LEN, rd);
	free(buf);
}

/*
 * Send @c's request in a @len-byte buffer: the reply does not fit, so
 * status ERROR and out_len the size needed (ioctl 0), as Intel's VMM.
 */
static void expect_too_small(int fd, const struct client *c, size_t len,
			     uint32_t need)
{
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf = buf_new(len);
	struct cl_hdr *h = (struct cl_hdr *)buf;
	uint64_t q0, grows0;
	int ret;

	client_report(fd, rd, tdreport);
	client_fill(c, buf, tdreport);
	q0 = hx_sim_stat("quotes");
	grows0 = hx_stat("buffer_grows");
	ret = send_req(fd, c->cmd, buf, len);
	if (ret)
		fail_msg("%s with a %zu-byte buffer: %s, want 0 and status ERROR",
			 c->name, len, strerror(ret));
	if (h->status != HX_STATUS_ERROR || h->out_len != need)
		fail_msg("%s with a %zu-byte buffer: status %#" PRIx64
			 " out_len %u, want ERROR and %u", c->name, len,
			 h->status, h->out_len, need);
	assert_int_equal(h->version, 1);
	/*
	 * The host made the quote (after growing the module's own buffer,
	 * if the quote outgrew it); the client's buffer was too small.
	 */
	assert_int_equal(hx_sim_stat("quotes") - q0,
			 1 + hx_stat("buffer_grows") - grows0);
	free(buf);
}

static void test_reply_too_small(void **state)
{
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf;
	const struct cl_hdr *h;
	const uint8_t *quote;
	uint32_t quote_len;
	int fd, ret;

	(void)state;
	fd = open_dev(HX_GUEST_DEV);
	/* Room for the payload only. */
	expect_too_small(fd, &cl_go, HX_GQ_HDR_LEN + TDREPORT_LEN, QUOTE_LEN);
	expect_too_small(fd, &cl_libtdx, HX_GQ_HDR_LEN + QGS_REQ_LEN,
			 QGS_OVERHEAD + QUOTE_LEN);
	/* One byte short of the reply. */
	expect_too_small(fd, &cl_go, HX_GQ_HDR_LEN + QUOTE_LEN - 1, QUOTE_LEN);
	expect_too_small(fd, &cl_libtdx_v3,
			 HX_GQ_HDR_LEN + QGS_OVERHEAD + QUOTE_LEN - 1,
			 QGS_OVERHEAD + QUOTE_LEN);

	/* A 20000-byte quote in the clients' 16 KiB (and 8216-byte) buffers */
	hx_sim_param_set("quote_size", "20000");
	expect_too_small(fd, &cl_libtdx, CL_LEN, QGS_OVERHEAD + 20000);
	expect_too_small(fd, &cl_go, CL_LEN, 20000);
	expect_too_small(fd, &cl_selftest, SELFTEST_LEN, 20000);

	/* A client that retries with the size it was told gets it. */
	buf = buf_new(HX_GQ_HDR_LEN + QGS_OVERHEAD + 20000);
	h = (const struct cl_hdr *)buf;
	client_report(fd, rd, tdreport);
	client_fill(&cl_libtdx, buf, tdreport);
	ret = send_req(fd, CL_LIBTDX_R, buf, HX_GQ_HDR_LEN + QGS_OVERHEAD + 20000);
	hx_sim_param_set("quote_size", "5000");
	if (ret)
		fail_msg("retry with the size needed: %s", strerror(ret));
	quote = libtdx_check_reply(buf, HX_GQ_HDR_LEN + QGS_OVERHEAD + 20000,
				   &quote_len);
	hx_check_quote(quote, quote_len, 20000, rd);
	assert_int_equal(h->out_len, QGS_OVERHEAD + 20000);
	free(buf);
	close_dev(fd);
	assert_int_equal(info_framing(), mode->want);
}

/* Host statuses reach the client in the status word; the ioctl succeeds. */
static void expect_status(int fd, const struct client *c,
			  const uint8_t *tdreport, uint64_t status)
{
	uint8_t *buf = buf_new(c->len);
	struct cl_hdr *h = (struct cl_hdr *)buf;
	int ret;

	client_fill(c, buf, tdreport);
	ret = send_req(fd, c->cmd, buf, c->len);
	if (ret)
		fail_msg("%s: ioctl %s, want 0 with status %#" PRIx64, c->name,
			 strerror(ret), status);
	if (h->status != status)
		fail_msg("%s: status %#" PRIx64 ", want %#" PRIx64, c->name,
			 h->status, status);
	assert_int_equal(h->version, 1);
	free(buf);
}

static void test_host_statuses(void **state)
{
	const struct client *cls[] = { &cl_libtdx, &cl_libtdx_v3, &cl_go,
				       &cl_selftest };
	uint8_t rd[64], tdreport[TDREPORT_LEN];
	struct counters a, b;
	size_t i;
	int fd;

	(void)state;
	fd = open_dev(HX_GUEST_DEV);
	client_report(fd, rd, tdreport);

	/* No quote service: SERVICE_UNAVAILABLE, answered at once. */
	hx_sim_param_set("service", "0");
	for (i = 0; i < 4; i++) {
		counters_read(&a);
		expect_status(fd, cls[i], tdreport, HX_STATUS_SERVICE_UNAVAILABLE);
		counters_read(&b);
		assert_int_equal(b.unavailable - a.unavailable, 1);
	}
	hx_sim_param_set("service", "1");
	assert_int_equal(info_framing(), mode->want);

	/*
	 * A TDREPORT the quote service refuses (not TDX type): the host says
	 * ERROR in either framing; the module tries both, learns nothing.
	 */
	tdreport[0] = 0;
	for (i = 0; i < 4; i++) {
		counters_read(&a);
		expect_status(fd, cls[i], tdreport, HX_STATUS_ERROR);
		counters_read(&b);
		assert_int_equal(b.sim_quotes - a.sim_quotes, 2);
		assert_int_equal(b.host_errors - a.host_errors, 1);
		assert_int_equal(info_framing(), mode->want);
	}

	/* And quotes work again, one GetQuote each. */
	client_quote(fd, HX_GUEST_DEV, &cl_libtdx, 1);
	client_quote(fd, HX_GUEST_DEV, &cl_go, 1);
	close_dev(fd);
}

/* The host changes its framing under the module: it follows, each time. */
static void test_host_switches(void **state)
{
	const struct mode *other = mode == &mode_raw ? &mode_passthrough :
				   &mode_raw;
	const struct mode *seq[] = { other, mode, other, mode };
	char framing[32];
	size_t i;
	int fd;

	(void)state;
	fd = open_dev(HX_GUEST_DEV);
	for (i = 0; i < 4; i++) {
		free(hx_klog_new());
		hx_sim_param_set("framing", seq[i]->framing);
		hx_sim_param_get("framing", framing, sizeof(framing));
		assert_string_equal(framing, seq[i]->framing);
		/* The old framing fails once, the new one works. */
		client_quote(fd, HX_GUEST_DEV, i % 2 ? &cl_go : &cl_libtdx, 2);
		assert_int_equal(info_framing(), seq[i]->want);
		client_quote(fd, HX_GUEST_DEV, i % 2 ? &cl_libtdx : &cl_go, 1);
		expect_log_lines(seq[i]->learned, 1);
	}
	close_dev(fd);
	hx_sim_param_get("framing", framing, sizeof(framing));
	assert_string_equal(framing, mode->framing);
}

/* ----------------------------------------------- refused before the host */

static int setup_errors(void **state)
{
	(void)state;
	mode = &mode_raw;
	/* max_quote_size is read-only at runtime: 1 MiB from the start. */
	return compat_setup("framing=raw", "max_quote_size=1048576");
}

/*
 * @cmd with @len bytes at @buf: fails with @want, the host sees nothing,
 * the client's buffer stays as it was.
 */
static void expect_refused(int fd, unsigned long cmd, uint8_t *buf,
			   uint64_t len, size_t check_len, int want,
			   const char *what)
{
	struct counters a;
	uint8_t *copy = NULL;
	int ret;

	if (check_len) {
		copy = malloc(check_len);
		assert_non_null(copy);
		memcpy(copy, buf, check_len);
	}
	counters_read(&a);
	ret = send_req(fd, cmd, buf, len);
	if (ret != want)
		fail_msg("%s (ioctl %#lx, len %" PRIu64 "): %s, want %s", what,
			 cmd, len, ret ? strerror(ret) : "success",
			 strerror(want));
	assert_host_untouched(&a, what);
	if (copy && memcmp(copy, buf, check_len))
		fail_msg("%s: the client's buffer was written", what);
	free(copy);
}

static void test_unknown_ioctls(void **state)
{
	static const struct {
		unsigned long cmd;
		const char *what;
	} cmds[] = {
		{ _IOWR('T', 3, struct cl_req), "_IOWR('T', 3, 16)" },
		{ _IOWR('T', 5, struct cl_req), "_IOWR('T', 5, 16)" },
		{ _IOWR('T', 0, struct cl_req), "_IOWR('T', 0, 16)" },
		{ _IOWR('U', 2, struct cl_req), "_IOWR('U', 2, 16)" },
		{ _IOWR('U', 4, struct cl_req), "_IOWR('U', 4, 16)" },
		{ _IOR('U', 4, struct cl_req), "_IOR('U', 4, 16)" },
		{ _IOWR('t', 2, struct cl_req), "_IOWR('t', 2, 16)" },
		{ _IOW('T', 4, struct cl_req), "_IOW('T', 4, 16)" },
		{ _IOR('T', 2, struct cl_req), "_IOR('T', 2, 16)" },
		{ _IOW('T', 2, struct cl_req), "_IOW('T', 2, 16)" },
		{ _IO('T', 2), "_IO('T', 2)" },
		{ _IO('T', 4), "_IO('T', 4)" },
		{ _IOWR('T', 2, uint64_t), "_IOWR('T', 2, 8)" },
		{ _IOWR('T', 2, uint64_t[3]), "_IOWR('T', 2, 24)" },
		{ _IOR('T', 4, uint64_t), "_IOR('T', 4, 8)" },
		{ _IOWR('T', 4, uint64_t[4]), "_IOWR('T', 4, 32)" },
		{ _IOWR('T', 1, uint8_t[64]), "_IOWR('T', 1, 64)" },
		{ _IOR('T', 1, struct cl_report), "_IOR('T', 1, 1088)" },
		{ 0, "0" },
	};
	const char *devs[] = { HX_GUEST_DEV, HX_DEV };
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf = buf_new(CL_LEN);
	/*
	 * The argument is a valid go-tdx-guest request in a zone big enough
	 * for any of the structures above: a module that wrongly dispatched
	 * one would succeed, not fail with ENOTTY.
	 */
	uint8_t *arg = calloc(1, 4096);
	struct cl_req req = { (uintptr_t)buf, CL_LEN };
	struct counters a;
	size_t d, i;
	int fd;

	(void)state;
	assert_non_null(arg);
	for (d = 0; d < 2; d++) {
		fd = open_dev(devs[d]);
		client_report(fd, rd, tdreport);
		client_fill(&cl_go, buf, tdreport);
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			memset(arg, 0, 4096);
			memcpy(arg, &req, sizeof(req));
			counters_read(&a);
			errno = 0;
			if (ioctl(fd, cmds[i].cmd, arg) == 0 || errno != ENOTTY)
				fail_msg("%s: ioctl %s (%#lx): %s, want ENOTTY",
					 devs[d], cmds[i].what, cmds[i].cmd,
					 errno ? strerror(errno) : "success");
			assert_host_untouched(&a, cmds[i].what);
		}
		close_dev(fd);
	}
	free(arg);
	free(buf);
}

static void test_bad_requests(void **state)
{
	const unsigned long cmds[] = { CL_LIBTDX_R, CL_LIBTDX_RW, CL_V2 };
	uint64_t max = hx_param("max_quote_size");
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf, *big, *pages;
	struct cl_hdr *h;
	char what[96];
	size_t i, c;
	int fd, ret;

	(void)state;
	assert_int_equal(max, 1 * HX_MiB);
	fd = open_dev(HX_GUEST_DEV);
	client_report(fd, rd, tdreport);
	buf = buf_new(CL_LEN);
	h = (struct cl_hdr *)buf;

	for (c = 0; c < 3; c++) {
		/* Lengths */
		client_fill(&cl_go, buf, tdreport);
		expect_refused(fd, cmds[c], buf, 0, CL_LEN, EINVAL, "len 0");
		expect_refused(fd, cmds[c], buf, HX_GQ_HDR_LEN - 1, CL_LEN,
			       EINVAL, "len 23");
		/* Checked before anything is copied: no EFAULT. */
		expect_refused(fd, cmds[c], buf, max + 1, CL_LEN, EINVAL,
			       "len max_quote_size + 1");
		expect_refused(fd, cmds[c], buf, UINT64_MAX, CL_LEN, EINVAL,
			       "len 2^64 - 1");

		/* Header */
		for (i = 0; i < 3; i++) {
			const uint64_t versions[] = { 0, 2, 0x100000001ULL };

			client_fill(&cl_go, buf, tdreport);
			h->version = versions[i];
			snprintf(what, sizeof(what), "version %#" PRIx64,
				 versions[i]);
			expect_refused(fd, cmds[c], buf, CL_LEN, CL_LEN, EINVAL,
				       what);
		}
		client_fill(&cl_go, buf, tdreport);
		expect_refused(fd, cmds[c], buf, HX_GQ_HDR_LEN + TDREPORT_LEN - 1,
			       CL_LEN, EINVAL, "in_len 1024 > len - 24 = 1023");
		client_fill(&cl_libtdx, buf, tdreport);
		expect_refused(fd, cmds[c], buf, HX_GQ_HDR_LEN + QGS_REQ_LEN - 1,
			       CL_LEN, EINVAL, "framed in_len 1052 > len - 24");
		h->in_len = UINT32_MAX;
		expect_refused(fd, cmds[c], buf, CL_LEN, CL_LEN, EINVAL,
			       "in_len 2^32 - 1");

		/* Raw payloads that are not 1024 bytes (and not framed) */
		for (i = 0; i < 5; i++) {
			const uint32_t lens[] = { 0, 3, 1023, 1025, 2048 };

			client_fill(&cl_go, buf, tdreport);
			h->in_len = lens[i];
			snprintf(what, sizeof(what), "raw payload of %u bytes",
				 lens[i]);
			expect_refused(fd, cmds[c], buf, CL_LEN, CL_LEN, EINVAL,
				       what);
		}

		/* Bad pointers */
		expect_refused(fd, cmds[c], NULL, CL_LEN, 0, EFAULT, "buf NULL");
		errno = 0;
		if (ioctl(fd, cmds[c], NULL) == 0 || errno != EFAULT)
			fail_msg("ioctl %#lx with a NULL argument: %s, want EFAULT",
				 cmds[c], errno ? strerror(errno) : "success");
	}

	/* A buffer whose second page is not mapped, len over both. */
	pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(pages != MAP_FAILED);
	assert_int_equal(munmap(pages + 4096, 4096), 0);
	client_fill(&cl_go, pages, tdreport);
	expect_refused(fd, CL_V2, pages, 8192, 4096, EFAULT,
		       "len beyond the mapping");
	assert_int_equal(munmap(pages, 4096), 0);

	/* The upper bound itself is fine. */
	big = buf_new(max);
	client_fill(&cl_go, big, tdreport);
	ret = send_req(fd, CL_V2, big, max);
	if (ret)
		fail_msg("len max_quote_size: %s", strerror(ret));
	h = (struct cl_hdr *)big;
	assert_int_equal(h->status, 0);
	hx_check_quote(h->data, h->out_len, QUOTE_LEN, rd);
	free(big);
	free(buf);
	close_dev(fd);
}

static void test_malformed_framed(void **state)
{
	struct bad {
		const char *what;
		struct qgs_req q;
	};
	/*
	 * Each is libtdx_attest's request with one thing wrong: BAD() spells
	 * out the good request and lets the arguments override fields.
	 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#define BAD(w, ...) { w, { .in_len = QGS_REQ_LEN, .prefix = 1048, .major = 1, \
	.minor = 1, .type = QGS_GET_QUOTE_REQ, .size = 1048, .error = 0, \
	.report_size = TDREPORT_LEN, .id_list_size = 0, __VA_ARGS__ } }
	const struct bad bads[] = {
		/* The prefix does not match in_len (1052 != 1024): neither shape */
		BAD("prefix 1047", .prefix = 1047),
		BAD("prefix 1049", .prefix = 1049),
		BAD("prefix 1052", .prefix = 1052),
		BAD("prefix 0", .prefix = 0),
		BAD("prefix little-endian", .prefix = 0x18040000),
		/* Framed, but not a valid GET_QUOTE_REQ */
		BAD("major 2", .major = 2),
		BAD("major 0", .major = 0),
		BAD("type GET_QUOTE_RESP", .type = QGS_GET_QUOTE_RESP),
		BAD("type 2", .type = 2),
		BAD("header size 1047", .size = 1047),
		BAD("header size 1052", .size = 1052),
		BAD("header size 0", .size = 0),
		BAD("error_code 1", .error = 1),
		BAD("error_code 0x12001", .error = 0x12001),
		BAD("report_size 1023", .report_size = 1023),
		BAD("report_size 1025", .report_size = 1025),
		BAD("report_size 0", .report_size = 0),
		BAD("id_list_size 4 in 1052 bytes", .id_list_size = 4),
		BAD("id_list_size 2^32 - 1", .id_list_size = UINT32_MAX),
		BAD("in_len 1056 with no id list", .in_len = 1056,
		    .prefix = 1052, .size = 1052, .id_bytes = 4),
		BAD("in_len 1056 with id_list_size 8", .in_len = 1056,
		    .prefix = 1052, .size = 1052, .id_list_size = 8,
		    .id_bytes = 4),
		BAD("truncated: in_len 1051", .in_len = 1051, .prefix = 1047,
		    .size = 1047),
		BAD("truncated: in_len 1051, header size 1048", .in_len = 1051,
		    .prefix = 1047),
		BAD("truncated: header only", .in_len = 28, .prefix = 24,
		    .size = 24),
		/* 28 + 1024 + 0xfffffc00 wraps to 28 in 32 bits */
		BAD("header only, id_list_size wrapping the length",
		    .in_len = 28, .prefix = 24, .size = 24,
		    .id_list_size = 0xfffffc00),
		BAD("truncated: in_len 27", .in_len = 27, .prefix = 23,
		    .size = 23),
		BAD("truncated: prefix only", .in_len = 4, .prefix = 0),
	};
#undef BAD
#pragma GCC diagnostic pop
	const unsigned long cmds[] = { CL_LIBTDX_R, CL_LIBTDX_RW, CL_V2 };
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf = buf_new(CL_LEN);
	struct cl_hdr *h = (struct cl_hdr *)buf;
	const uint8_t *quote;
	uint32_t quote_len;
	char what[128];
	size_t i, c;
	int fd, ret;

	(void)state;
	fd = open_dev(HX_GUEST_DEV);
	client_report(fd, rd, tdreport);
	for (c = 0; c < 3; c++) {
		for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
			memset(buf, 0, CL_LEN);
			h->version = 1;
			qgs_fill(buf, &bads[i].q, tdreport);
			snprintf(what, sizeof(what), "framed request, %s",
				 bads[i].what);
			expect_refused(fd, cmds[c], buf, CL_LEN, CL_LEN, EINVAL,
				       what);
		}
		/* The same buffer, unbroken, works. */
		memset(buf, 0, CL_LEN);
		h->version = 1;
		qgs_fill(buf, &qgs_good, tdreport);
		ret = send_req(fd, cmds[c], buf, CL_LEN);
		if (ret)
			fail_msg("the well-formed request (ioctl %#lx): %s",
				 cmds[c], strerror(ret));
		quote = libtdx_check_reply(buf, CL_LEN, &quote_len);
		hx_check_quote(quote, quote_len, QUOTE_LEN, rd);
	}
	close_dev(fd);
	free(buf);
}

/* A quote beyond max_quote_size: status ERROR, as a too-small buffer. */
static void test_quote_too_large(void **state)
{
	const struct client *cls[] = { &cl_libtdx, &cl_go };
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf;
	const struct cl_hdr *h;
	uint64_t big0;
	size_t i;
	int fd, ret;

	(void)state;
	fd = open_dev(HX_GUEST_DEV);
	client_report(fd, rd, tdreport);
	hx_sim_param_set_u64("quote_size", 2 * HX_MiB);
	for (i = 0; i < 2; i++) {
		buf = buf_new(cls[i]->len);
		h = (const struct cl_hdr *)buf;
		client_fill(cls[i], buf, tdreport);
		big0 = hx_stat("fail_too_large");
		ret = send_req(fd, cls[i]->cmd, buf, cls[i]->len);
		if (ret)
			fail_msg("%s, 2 MiB quote, max_quote_size 1 MiB: %s, want 0 and status ERROR",
				 cls[i]->name, strerror(ret));
		assert_int_equal(h->status, HX_STATUS_ERROR);
		/* The client learns it would need at least the quote's size. */
		if (h->out_len < 2 * HX_MiB)
			fail_msg("%s: out_len %u, want at least 2 MiB",
				 cls[i]->name, h->out_len);
		assert_int_equal(hx_stat("fail_too_large") - big0, 1);
		free(buf);
	}
	hx_sim_param_set("quote_size", "5000");
	close_dev(fd);
}

/* ------------------------------------------------ who owns tdx_guest */

static int setup_name(void **state)
{
	(void)state;
	return compat_setup(NULL, NULL);
}

/* After each test: tdx_quote, the sim, then the dummy. */
static int test_unload_all(void **state)
{
	(void)state;
	close_all_devs();
	hx_modules_unload();
	return hx_module_remove(HX_DUMMY_MODULE) ? -1 : 0;
}

/* tdx_quote, the sim, then the dummy. */
static int teardown_name(void **state)
{
	int ret = 0;

	(void)state;
	close_all_devs();
	hx_modules_unload();
	if (hx_module_remove(HX_DUMMY_MODULE)) {
		fprintf(stderr, "tdxq-vmtest: cannot remove %s\n", HX_DUMMY_MODULE);
		ret = -1;
	}
	return hx_teardown() ? -1 : ret;
}

static void insert_or_fail(const char *name, const char *params)
{
	int ret = hx_module_insert(name, params);

	if (ret)
		fail_msg("insert %s %s: %s", name, params, strerror(-ret));
}

static uint64_t refcnt(const char *module)
{
	char path[128];
	uint64_t v = 0;
	int ret;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	ret = hx_read_u64(path, &v);
	if (ret)
		fail_msg("%s: %s", path, strerror(-ret));
	return v;
}

#define NOT_CREATING "/dev/tdx_guest belongs to another driver; not creating it"
#define LEFT_TO_KERNEL "this kernel has the tdx_guest driver; /dev/tdx_guest is left to it"

/*
 * The kernel log since the last look has @not_creating lines NOT_CREATING
 * and @left lines LEFT_TO_KERNEL.
 */
static void expect_guest_lines(int not_creating, int left)
{
	char *log = hx_klog_new();
	int n1, n2;

	assert_non_null(log);
	n1 = hx_count_lines(log, NOT_CREATING);
	n2 = hx_count_lines(log, LEFT_TO_KERNEL);
	if (n1 != not_creating || n2 != left)
		fail_msg("kernel log: %d line(s) '%s' (want %d), %d line(s) '%s' (want %d):\n%s",
			 n1, NOT_CREATING, not_creating, n2, LEFT_TO_KERNEL,
			 left, log);
	free(log);
}

/* Another driver holds the name: tdx_quote loads, leaves it alone. */
static void test_name_taken(void **state)
{
	uint8_t rd[64], tdreport[TDREPORT_LEN], *buf = buf_new(CL_LEN);
	struct cl_report r;
	dev_t dummy;
	int fd, ret;

	(void)state;
	assert_false(exists(HX_GUEST_DEV));
	insert_or_fail(HX_DUMMY_MODULE, "");
	dummy = sysfs_misc_dev("tdx_guest");
	assert_true(dummy != 0);
	assert_true(node_rdev(HX_GUEST_DEV) == dummy);
	free(hx_klog_new());

	if (hx_modules_load("", ""))
		fail_msg("tdx_quote host=sim does not load next to %s",
			 HX_DUMMY_MODULE);
	assert_true(exists(HX_DEV));
	/* compat_dev=auto: which of the two reasons it gives, by the kernel */
	switch (kernel_tdx_guest()) {
	case KTG_ABSENT:
		expect_guest_lines(1, 0);
		break;
	case KTG_PRESENT:
		expect_guest_lines(0, 1);
		break;
	case KTG_UNKNOWN: {
		char *log = hx_klog_new();

		assert_non_null(log);
		assert_int_equal(hx_count_lines(log, NOT_CREATING) +
				 hx_count_lines(log, LEFT_TO_KERNEL), 1);
		free(log);
		break;
	}
	}

	/* /dev/tdx_guest is still the dummy's ... */
	assert_true(sysfs_misc_dev("tdx_guest") == dummy);
	assert_true(node_rdev(HX_GUEST_DEV) == dummy);
	assert_true(sysfs_misc_dev("tdx_quote") != dummy);
	assert_int_equal(refcnt(HX_DUMMY_MODULE), 0);
	/* A real TDREPORT, so that only the node decides the answer. */
	fd = open_dev(HX_DEV);
	client_report(fd, rd, tdreport);
	close_dev(fd);
	fd = open_dev(HX_GUEST_DEV);
	/* ... opening it pins the dummy, not tdx_quote ... */
	assert_int_equal(refcnt(HX_DUMMY_MODULE), 1);
	assert_int_equal(refcnt(HX_MODULE), 0);
	/* ... and the dummy answers no ioctl. */
	memset(&r, 0, sizeof(r));
	errno = 0;
	assert_int_equal(ioctl(fd, CL_GET_REPORT0, &r), -1);
	assert_int_equal(errno, ENOTTY);
	client_fill(&cl_go, buf, tdreport);
	assert_int_equal(send_req(fd, CL_V2, buf, CL_LEN), ENOTTY);
	client_fill(&cl_libtdx, buf, tdreport);
	assert_int_equal(send_req(fd, CL_LIBTDX_R, buf, CL_LEN), ENOTTY);
	close_dev(fd);
	assert_int_equal(refcnt(HX_DUMMY_MODULE), 0);

	/* The clients' requests still work on /dev/tdx_quote. */
	fd = open_dev(HX_DEV);
	client_quote(fd, HX_DEV, &cl_libtdx, 1);
	client_quote(fd, HX_DEV, &cl_go, 1);
	close_dev(fd);

	/* Unloading tdx_quote leaves the dummy's node; unloading it, none. */
	hx_fd_close();
	ret = hx_module_remove(HX_MODULE);
	assert_int_equal(ret, 0);
	assert_true(sysfs_misc_dev("tdx_guest") == dummy);
	assert_true(node_rdev(HX_GUEST_DEV) == dummy);
	assert_int_equal(hx_sim_remove(), 0);
	assert_int_equal(hx_module_remove(HX_DUMMY_MODULE), 0);
	assert_false(exists("/sys/class/misc/tdx_guest"));
	assert_false(exists(HX_GUEST_DEV));
	free(buf);
}

/* compat_dev=on insists: with the name taken, tdx_quote does not load. */
static void test_name_taken_forced(void **state)
{
	dev_t dummy;
	int ret;

	(void)state;
	insert_or_fail(HX_DUMMY_MODULE, "");
	dummy = sysfs_misc_dev("tdx_guest");
	assert_true(dummy != 0);
	insert_or_fail(HX_SIM_MODULE, "");
	free(hx_klog_new());

	ret = hx_module_insert(HX_MODULE, "host=sim compat_dev=on");
	if (ret == 0)
		fail_msg("tdx_quote compat_dev=on loaded with %s holding tdx_guest",
			 HX_DUMMY_MODULE);
	assert_int_equal(ret, -EBUSY);
	assert_false(hx_module_loaded(HX_MODULE));
	assert_false(exists(HX_DEV));
	assert_false(exists("/sys/class/misc/tdx_quote"));
	assert_true(sysfs_misc_dev("tdx_guest") == dummy);
	expect_log_lines(NOT_CREATING, 1);

	/* Nothing of the failed load holds the sim. */
	assert_int_equal(hx_sim_remove(), 0);
	assert_int_equal(hx_module_remove(HX_DUMMY_MODULE), 0);
	assert_false(exists(HX_GUEST_DEV));
}

/* compat_dev=off: no /dev/tdx_guest even with the name free. */
static void test_compat_off(void **state)
{
	int fd;

	(void)state;
	assert_false(exists(HX_GUEST_DEV));
	free(hx_klog_new());
	if (hx_modules_load("", "compat_dev=off"))
		fail_msg("tdx_quote compat_dev=off does not load");
	assert_true(exists(HX_DEV));
	assert_false(exists(HX_GUEST_DEV));
	assert_false(exists("/sys/class/misc/tdx_guest"));
	expect_guest_lines(0, 0);
	/* The compat ioctls still work on /dev/tdx_quote. */
	fd = open_dev(HX_DEV);
	client_quote(fd, HX_DEV, &cl_libtdx_v3, 1);
	client_quote(fd, HX_DEV, &cl_selftest, 1);
	close_dev(fd);
	assert_int_equal(hx_modules_unload(), 0);
}

/* compat_dev=on with the name free: the node, gone again at unload. */
static void test_compat_on(void **state)
{
	int fd;

	(void)state;
	if (hx_modules_load("", "compat_dev=on"))
		fail_msg("tdx_quote compat_dev=on does not load");
	assert_true(exists(HX_DEV));
	assert_true(node_rdev(HX_GUEST_DEV) == sysfs_misc_dev("tdx_guest"));
	assert_true(node_rdev(HX_GUEST_DEV) != node_rdev(HX_DEV));
	fd = open_dev(HX_GUEST_DEV);
	/* Opening it pins tdx_quote. */
	assert_int_equal(refcnt(HX_MODULE), 1);
	client_quote(fd, HX_GUEST_DEV, &cl_go, 1);
	close_dev(fd);
	assert_int_equal(hx_modules_unload(), 0);
	assert_false(exists(HX_GUEST_DEV));
	assert_false(exists("/sys/class/misc/tdx_guest"));
}

/*
 * compat_dev=auto with the name free: /dev/tdx_guest is the module's on a
 * kernel without the tdx_guest driver, and left alone on a kernel with it
 * (the module says why), as kernel_tdx_guest() learned from the kernel.
 */
static void test_compat_auto(void **state)
{
	enum ktg k = kernel_tdx_guest();
	struct stat st;
	int fd;

	(void)state;
	/*
	 * Every kernel the suite boots (tests/matrix/kernel.sh) has its
	 * module lists in the image: not knowing is a broken setup, and a
	 * skip would let compat_dev=auto go untested.
	 */
	if (k == KTG_UNKNOWN)
		fail_msg("compat_dev=auto cannot be checked: %s", ktg_why);
	assert_false(exists(HX_GUEST_DEV));
	assert_false(exists("/sys/class/misc/tdx_guest"));
	free(hx_klog_new());
	if (hx_modules_load("", ""))
		fail_msg("tdx_quote compat_dev=auto does not load");
	assert_true(exists(HX_DEV));
	if (k == KTG_PRESENT) {
		if (exists("/sys/class/misc/tdx_guest") || exists(HX_GUEST_DEV))
			fail_msg("compat_dev=auto created /dev/tdx_guest, but %s",
				 ktg_why);
		expect_guest_lines(0, 1);
		print_message("  %s; compat_dev=auto: no /dev/tdx_guest, the module says \"%s\"\n",
			      ktg_why, LEFT_TO_KERNEL);
		/* The compat ioctls work on /dev/tdx_quote. */
		fd = open_dev(HX_DEV);
		client_quote(fd, HX_DEV, &cl_libtdx, 1);
		close_dev(fd);
	} else {
		if (!exists("/sys/class/misc/tdx_guest"))
			fail_msg("compat_dev=auto did not create /dev/tdx_guest, but %s",
				 ktg_why);
		if (stat(HX_GUEST_DEV, &st))
			fail_msg("%s: %s", HX_GUEST_DEV, strerror(errno));
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_true(st.st_rdev == sysfs_misc_dev("tdx_guest"));
		assert_true(st.st_rdev != node_rdev(HX_DEV));
		expect_guest_lines(0, 0);
		print_message("  %s; compat_dev=auto: /dev/tdx_guest is the module's\n",
			      ktg_why);
		fd = open_dev(HX_GUEST_DEV);
		client_quote(fd, HX_GUEST_DEV, &cl_go, 1);
		close_dev(fd);
	}
	assert_int_equal(hx_modules_unload(), 0);
	assert_false(exists(HX_GUEST_DEV));
	assert_false(exists("/sys/class/misc/tdx_guest"));
}

/* ---------------------------------------------------------------- group */

/* test_client() for client @c, reported as @name */
#define CLIENT_TEST(name, c) \
	{ #name, test_client, NULL, test_cleanup, (void *)(c) }

int hx_run_compat(void)
{
	const struct CMUnitTest clients[] = {
		cmocka_unit_test_teardown(test_guest_node, test_cleanup),
		cmocka_unit_test_teardown(test_first_request_learns, test_cleanup),
		CLIENT_TEST(test_libtdx_attest, &cl_libtdx),
		CLIENT_TEST(test_libtdx_attest_v3, &cl_libtdx_v3),
		CLIENT_TEST(test_go_tdx_guest, &cl_go),
		CLIENT_TEST(test_selftest, &cl_selftest),
		cmocka_unit_test_teardown(test_framed_with_id_list, test_cleanup),
		cmocka_unit_test_teardown(test_reply_too_small, test_cleanup),
		cmocka_unit_test_teardown(test_host_statuses, test_cleanup),
		cmocka_unit_test_teardown(test_host_switches, test_cleanup),
	};
	const struct CMUnitTest errors[] = {
		cmocka_unit_test_teardown(test_unknown_ioctls, test_cleanup),
		cmocka_unit_test_teardown(test_bad_requests, test_cleanup),
		cmocka_unit_test_teardown(test_malformed_framed, test_cleanup),
		cmocka_unit_test_teardown(test_quote_too_large, test_cleanup),
	};
	const struct CMUnitTest name[] = {
		cmocka_unit_test_teardown(test_name_taken, test_unload_all),
		cmocka_unit_test_teardown(test_name_taken_forced, test_unload_all),
		cmocka_unit_test_teardown(test_compat_off, test_unload_all),
		cmocka_unit_test_teardown(test_compat_on, test_unload_all),
		cmocka_unit_test_teardown(test_compat_auto, test_unload_all),
	};
	int failed;

	failed = cmocka_run_group_tests_name("compat_raw_host", clients,
					     setup_raw, teardown_compat);
	failed += cmocka_run_group_tests_name("compat_passthrough_host", clients,
					      setup_passthrough, teardown_compat);
	failed += cmocka_run_group_tests_name("compat_errors", errors,
					      setup_errors, teardown_compat);
	failed += cmocka_run_group_tests_name("compat_name", name, setup_name,
					      teardown_name);
	return failed;
}
