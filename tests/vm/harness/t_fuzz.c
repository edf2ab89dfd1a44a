// SPDX-License-Identifier: GPL-2.0
/*
 * An ioctl fuzzer for /dev/tdx_quote and /dev/tdx_guest.
 *
 * Every call is generated from a seeded PRNG (TDXQ_FUZZ_SEED to repeat a
 * run; the seed is printed), issued, and its result compared with what a
 * model of the module's checks predicts from the command number and the
 * bytes actually in memory. The generator mixes the real commands with
 * mutated ones ('T' with nr 0..0x20 in every direction and size, other
 * types, random numbers), argument pointers that are NULL, unmapped,
 * kernel, non-canonical, read-only, or placed so that the copy runs off
 * the end of a page into a guard page or a read-only page, and struct
 * fields at their boundaries: flags bits, non-zero reserved words and
 * tails, timeout_ms 0/1/max/max+1, quote_len 0/1/needed-1/needed/huge,
 * compat len 0/23/24/1047..1053/16384/max/max+1, in_len around len-24,
 * header versions 0/1/2, raw and QGS-framed payloads, broken framings.
 * A few read/write/lseek/mmap calls are mixed in.
 *
 * Any result the model does not allow is a failure (printed with the call
 * number and the seed): EINVAL for a valid request, success for an invalid
 * one, EFAULT for a good pointer, a rejected request that wrote to its
 * argument, a success with a wrong quote. Afterwards nothing is in flight,
 * the quarantine drains, the pool is within pool_max_bytes, the host sees
 * exactly the pooled bytes as shared, nothing leaked, the counters add up,
 * the number of requests that reached the host path is exactly the
 * model's, and a normal quote works on both nodes.
 *
 * Calls per run: TDXQ_FUZZ_CALLS, default 100000 (make check) or 1000000
 * (make check-long, TDXQ_LONG=1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define FZ_CALLS		100000
#define FZ_CALLS_LONG		1000000
/* Module parameters of the group (see setup_fuzz) */
#define FZ_MAX_QUOTE		(1024 * 1024UL)
#define FZ_TIMEOUT_MS		5000
#define FZ_MAX_INFLIGHT		16
/* A request with a timeout up to this may time out (TCG, other VMs). */
#define FZ_SHORT_TIMEOUT_MS	2000
/* No progress for this long is a hang. */
#define FZ_HANG_S		60

#define PG			4096UL
#define Q_SIZE			sizeof(struct tdx_quote_get_quote)
#define Q_MIN			offsetof(struct tdx_quote_get_quote, reserved)
#define I_SIZE			sizeof(struct tdx_quote_info)
#define R_SIZE			sizeof(struct tdx_quote_report_req)
#define C_SIZE			sizeof(struct tdx_quote_compat_req)
#define GQ_HDR			24
#define TDREPORT_LEN		1024
#define QGS_OVERHEAD		28
#define QGS_REQ_LEN		(QGS_OVERHEAD + TDREPORT_LEN)

#define ST_SUCCESS		0ULL
#define ST_ERROR		0x8000000000000000ULL

/* ------------------------------------------------------------ PRNG */

static uint64_t rs[4];

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static uint64_t rnd(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;

	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

static void rnd_seed(uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		rs[i] = z ^ (z >> 31);
	}
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

#define PICK(arr) ((arr)[below(sizeof(arr) / sizeof((arr)[0]))])

static void rnd_fill(void *p, size_t n)
{
	uint8_t *b = p;
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(i & 7))
			v = rnd();
		b[i] = (uint8_t)(v >> (8 * (i & 7)));
	}
}

/* ------------------------------------------------------------ memory */

/*
 * Zones: RW memory followed by a PROT_NONE guard page; read-only views of
 * memfds (written through a RW alias) followed by a guard; RW memory
 * directly followed by read-only memory. Arguments go to the small
 * "primary" zones, the buffers they point to to the large "secondary"
 * ones, so the two never overlap.
 */
struct region {
	uintptr_t start, end;
	bool writable;
	uint8_t *alias;		/* where the test writes it */
};

struct zoneset {
	uintptr_t rw, rw_end;	/* RW, guard page at rw_end */
	uintptr_t ro, ro_end;	/* RO view, guard page at ro_end */
	uintptr_t x, x_mid, x_end; /* RW [x, x_mid), RO [x_mid, x_end), guard */
};

static struct region regions[8];
static int nregions;
static struct zoneset zprim, zsec;
static uintptr_t hole;		/* an unmapped page */
static void *arena;
static size_t arena_len;
static uint8_t *scratch;	/* model's copy of a big buffer */

#define PRIM_LEN	(64 * 1024UL)
#define SEC_LEN		(FZ_MAX_QUOTE + 128 * 1024UL)
#define X_LEN		(64 * 1024UL)

static void add_region(uintptr_t start, size_t len, bool w, uint8_t *alias)
{
	regions[nregions++] = (struct region){ start, start + len, w, alias };
}

static const struct region *region_of(uintptr_t p)
{
	int i;

	for (i = 0; i < nregions; i++)
		if (p >= regions[i].start && p < regions[i].end)
			return &regions[i];
	return NULL;
}

/* Map a read-only view of a fresh memfd at @at; return the RW alias. */
static uint8_t *map_ro(uintptr_t at, size_t len)
{
	int fd = memfd_create("tdxq-fuzz", MFD_CLOEXEC);
	void *alias, *view;

	if (fd < 0 || ftruncate(fd, len))
		return NULL;
	alias = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	view = mmap((void *)at, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	close(fd);
	if (alias == MAP_FAILED || view == MAP_FAILED)
		return NULL;
	memset(alias, 0, len);	/* populate */
	return alias;
}

static bool map_rw(uintptr_t at, size_t len)
{
	void *p = mmap((void *)at, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED)
		return false;
	memset(p, 0, len);	/* populate: no page faults in the ioctls */
	return true;
}

/* Lay out one zone set at @at; return the address after it. */
static uintptr_t zoneset_init(struct zoneset *z, uintptr_t at, size_t len)
{
	uint8_t *alias;

	z->rw = at;
	z->rw_end = at + len;
	if (!map_rw(z->rw, len))
		return 0;
	add_region(z->rw, len, true, (uint8_t *)z->rw);
	at = z->rw_end + PG;			/* guard */

	z->ro = at;
	z->ro_end = at + len;
	alias = map_ro(z->ro, len);
	if (!alias)
		return 0;
	add_region(z->ro, len, false, alias);
	at = z->ro_end + PG;

	z->x = at;
	z->x_mid = at + X_LEN;
	z->x_end = z->x_mid + X_LEN;
	if (!map_rw(z->x, X_LEN))
		return 0;
	add_region(z->x, X_LEN, true, (uint8_t *)z->x);
	alias = map_ro(z->x_mid, X_LEN);
	if (!alias)
		return 0;
	add_region(z->x_mid, X_LEN, false, alias);
	return z->x_end + PG;
}

static bool arena_init(void)
{
	uintptr_t at;

	nregions = 0;
	arena_len = 2 * (2 * SEC_LEN + 2 * X_LEN + 4 * PG) + 2 * PG;
	/* Everything not mapped below stays PROT_NONE: guard pages. */
	arena = mmap(NULL, arena_len, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED)
		return false;
	at = (uintptr_t)arena;
	at = zoneset_init(&zprim, at, PRIM_LEN);
	if (!at)
		return false;
	at = zoneset_init(&zsec, at, SEC_LEN);
	if (!at)
		return false;
	hole = at + PG;
	munmap((void *)hole, PG);
	scratch = malloc(SEC_LEN + PG);
	return scratch != NULL;
}

static void arena_free(void)
{
	int i;

	for (i = 0; i < nregions; i++)
		if (!regions[i].writable)
			munmap(regions[i].alias,
			       regions[i].end - regions[i].start);
	if (arena && arena != MAP_FAILED)
		munmap(arena, arena_len);
	arena = NULL;
	nregions = 0;
	free(scratch);
	scratch = NULL;
}

/* Can the kernel copy @n bytes at @p (to user space if @write)? */
static bool acc(uintptr_t p, uint64_t n, bool write)
{
	const struct region *r;
	uintptr_t end = p + n;

	if (!n)
		return true;	/* a 0-byte copy succeeds whatever the pointer */
	if (end < p)
		return false;
	while (p < end) {
		r = region_of(p);
		if (!r || (write && !r->writable))
			return false;
		p = r->end;
	}
	return true;
}

/* Copy between the test and user memory at @p through the aliases; bytes
 * outside the mapped regions are skipped (nobody can read them). */
static void xfer(uintptr_t p, void *buf, size_t n, bool put)
{
	uintptr_t end = p + n, next;
	const struct region *r;
	uint8_t *b = buf;

	if (end < p)
		end = UINTPTR_MAX;
	while (p < end) {
		r = region_of(p);
		if (r) {
			next = r->end < end ? r->end : end;
			if (put)
				memcpy(r->alias + (p - r->start), b, next - p);
			else
				memcpy(b, r->alias + (p - r->start), next - p);
		} else {
			next = (p | (PG - 1)) + 1;
			if (next <= p || next > end)
				next = end;
			if (!put)
				memset(b, 0, next - p);
		}
		b += next - p;
		p = next;
	}
}

static void put_bytes(uintptr_t p, const void *src, size_t n)
{
	xfer(p, (void *)src, n, true);
}

static void get_bytes(uintptr_t p, void *dst, size_t n)
{
	xfer(p, dst, n, false);
}

enum place {
	P_OK, P_OK_END, P_CROSS_GUARD, P_RO, P_RO_CROSS_GUARD, P_CROSS_RO,
	P_NULL, P_LOW, P_HOLE, P_GUARD, P_KERNEL, P_KTEXT, P_NONCANON,
	P_HIGHBIT, P_TOP, NR_PLACES
};


/* How many bytes past the boundary: mostly few, sometimes many. */
static uint64_t overhang(uint64_t n)
{
	if (!n)
		return 0;
	if (chance(60))
		return 1 + below(n < 8 ? n : 8);
	return 1 + below(n);
}

/* An address for an object of @n bytes, placed as @kind says. */
static uintptr_t place(const struct zoneset *z, enum place kind, uint64_t n)
{
	uint64_t len = z->rw_end - z->rw;

	if (n > len && (kind == P_OK || kind == P_OK_END || kind == P_RO))
		kind = P_CROSS_GUARD;
	if (kind == P_CROSS_RO && n > X_LEN)
		kind = P_CROSS_GUARD;
	if ((kind == P_CROSS_GUARD || kind == P_RO_CROSS_GUARD) && n > len)
		return z->rw;	/* runs off the end anyway */

	switch (kind) {
	case P_OK:
		if (chance(50))
			return z->rw + below((len - n) / 64 + 1) * 64;
		return z->rw + below(len - n + 1);
	case P_OK_END:
		return z->rw_end - n;
	case P_CROSS_GUARD:
		return z->rw_end - n + overhang(n);
	case P_RO:
		return z->ro + below(len - n + 1);
	case P_RO_CROSS_GUARD:
		return z->ro_end - n + overhang(n);
	case P_CROSS_RO:
		return z->x_mid - n + overhang(n);
	case P_NULL:
		return 0;
	case P_LOW:
		return 0x1000 + below(0x10000);
	case P_HOLE:
		return hole + below(PG);
	case P_GUARD:
		return z->rw_end + below(PG);
	case P_KERNEL:
		return 0xffff888000000000UL + below(1UL << 30);
	case P_KTEXT:
		return 0xffffffff81000000UL + below(1UL << 20);
	case P_NONCANON:
		return 0x0000800000000000UL + below(1UL << 20);
	case P_HIGHBIT:
		return 0x8000000000000000UL | (z->rw & 0xffffffffffffUL);
	case P_TOP:
		return UINTPTR_MAX - below(2 * n + 2);
	default:
		return z->rw;
	}
}

static enum place pick_place(unsigned int good_pct)
{
	if (chance(good_pct))
		return chance(85) ? P_OK : P_OK_END;
	return (enum place)below(NR_PLACES);
}

/* ------------------------------------------------------------ model */

enum target {
	T_REPORT, T_QUOTE, T_INFO, T_COMPAT, T_TRAND, T_OTHER, T_SYSCALL,
	NR_TARGETS
};

static const char *const target_names[NR_TARGETS] = {
	"GET_REPORT", "GET_QUOTE", "INFO", "COMPAT", "T-random", "other-type",
	"syscall",
};

/* What the kernel does with a command: which handler, if any. */
enum handler { H_NONE, H_REPORT, H_QUOTE, H_INFO, H_COMPAT, H_EXTEND,
	       H_MEASUREMENTS, H_COMPAT_EXTEND };

#define IOC(dir, type, nr, size) \
	((unsigned long)(((dir) << _IOC_DIRSHIFT) | ((type) << _IOC_TYPESHIFT) | \
			 ((nr) << _IOC_NRSHIFT) | ((size) << _IOC_SIZESHIFT)))

static enum handler dispatch(unsigned long cmd)
{
	if (_IOC_TYPE(cmd) != 'T')
		return H_NONE;
	switch (_IOC_NR(cmd)) {
	case 1:
		return cmd == TDX_QUOTE_CMD_GET_REPORT ? H_REPORT : H_NONE;
	case 2:
	case 4:
		return cmd == TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2 ||
		       cmd == TDX_QUOTE_CMD_COMPAT_GET_QUOTE_R ||
		       cmd == TDX_QUOTE_CMD_COMPAT_GET_QUOTE_RW ? H_COMPAT : H_NONE;
	case 0x10:
		return _IOC_DIR(cmd) == (_IOC_READ | _IOC_WRITE) ? H_QUOTE : H_NONE;
	case 0x11:
		return _IOC_DIR(cmd) == _IOC_READ ? H_INFO : H_NONE;
	case 3:
		return cmd == TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_R ||
		       cmd == TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_W ?
		       H_COMPAT_EXTEND : H_NONE;
	case 0x12:
		return _IOC_DIR(cmd) == _IOC_WRITE ? H_EXTEND : H_NONE;
	case 0x13:
		return _IOC_DIR(cmd) == _IOC_READ ? H_MEASUREMENTS : H_NONE;
	default:
		return H_NONE;
	}
}

/* Commands the VFS answers itself, before the driver: never generated. */
static bool vfs_cmd(unsigned long cmd)
{
	static const unsigned long vfs[] = {
		0x5451 /* FIOCLEX */, 0x5450 /* FIONCLEX */,
		0x5421 /* FIONBIO */, 0x5452 /* FIOASYNC */,
		0x5460 /* FIOQSIZE */, 0xc0045877 /* FIFREEZE */,
		0xc0045878 /* FITHAW */, 0xc020660b /* FS_IOC_FIEMAP */,
		0x2 /* FIGETBSZ */, 0x40049409 /* FICLONE */,
		0x4020940d /* FICLONERANGE */, 0xc0189436 /* FIDEDUPERANGE */,
	};
	size_t i;

	for (i = 0; i < sizeof(vfs) / sizeof(vfs[0]); i++)
		if (cmd == vfs[i])
			return true;
	return false;
}

/* Outcome of one call, as the model sees it. */
struct expect {
	int err[4];		/* allowed errnos (0: success) */
	int nerr;
	bool host_path;		/* reaches the request path (requests++) */
	bool host_error;	/* and the host answers ERROR (fail_host_error) */
	/* Success checks */
	uint8_t rd[64];		/* report data the result must carry */
	uint64_t qlen;		/* GET_QUOTE: quote length */
	uintptr_t quote;	/* GET_QUOTE: where the quote goes */
	/* COMPAT */
	bool framed;
	uint64_t c_status, c_out_len;
	uintptr_t c_buf;
	/* Rejected before the host: the argument must be left unchanged */
	uintptr_t keep;
	uint64_t keep_len;
	uint8_t keep_img[Q_SIZE];
};

static void allow(struct expect *e, int err)
{
	int i;

	for (i = 0; i < e->nerr; i++)
		if (e->err[i] == err)
			return;
	e->err[e->nerr++] = err;
}

static bool allowed(const struct expect *e, int err)
{
	int i;

	for (i = 0; i < e->nerr; i++)
		if (e->err[i] == err)
			return true;
	return false;
}

/* Remember the argument's image: a rejected call must not change it. */
static void keep(struct expect *e, uintptr_t p, uint64_t n)
{
	if (n > sizeof(e->keep_img))
		n = sizeof(e->keep_img);
	if (!acc(p, n, false))
		return;
	e->keep = p;
	e->keep_len = n;
	get_bytes(p, e->keep_img, n);
}

static uint64_t quote_len_now;	/* the sim's quote_size */

static void model_report(uintptr_t arg, struct expect *e)
{
	if (!acc(arg, 64, false) || !acc(arg, R_SIZE, true)) {
		allow(e, EFAULT);
		return;
	}
	get_bytes(arg, e->rd, 64);
	allow(e, 0);
}

/* INFO writes the whole structure the caller names: a longer one's tail as zeros. */
static void model_info(unsigned long cmd, uintptr_t arg, struct expect *e)
{
	allow(e, acc(arg, _IOC_SIZE(cmd), true) ? 0 : EFAULT);
}

/* copy_struct_from_user()'s verdict on the tail beyond what it knows */
static int tail_check(uintptr_t p, uint64_t n)
{
	uint8_t b[256];
	uint64_t off, k, i;

	for (off = 0; off < n; off += k) {
		k = n - off < sizeof(b) ? n - off : sizeof(b);
		/* Byte by byte: unreadable pages are page aligned. */
		for (i = 0; i < k; i++) {
			if (!acc(p + off + i, 1, false))
				return EFAULT;
			get_bytes(p + off + i, b + i, 1);
			if (b[i])
				return E2BIG;
		}
	}
	return 0;
}

/*
 * copy_struct_from_user()'s verdict on a structure of @ksize bytes, of
 * which a caller must pass @min: false with the errno allowed, or true
 * with the caller's bytes in @k (zero-filled past them).
 */
static bool model_struct_in(unsigned long cmd, uintptr_t arg, void *k,
			    uint64_t ksize, uint64_t min, struct expect *e)
{
	uint64_t usize = _IOC_SIZE(cmd), n = usize < ksize ? usize : ksize;
	int err = 0;

	keep(e, arg, n);
	if (usize < min)
		err = EINVAL;
	else if (usize > ksize)
		err = tail_check(arg + ksize, usize - ksize);
	if (!err && !acc(arg, n, false))
		err = EFAULT;
	if (err) {
		allow(e, err);
		return false;
	}
	memset(k, 0, ksize);
	get_bytes(arg, k, n);
	return true;
}

static void model_quote(unsigned long cmd, uintptr_t arg, struct expect *e)
{
	uint64_t n = _IOC_SIZE(cmd) < Q_SIZE ? _IOC_SIZE(cmd) : Q_SIZE;
	struct tdx_quote_get_quote k;
	uint32_t timeout;
	int i;

	if (!model_struct_in(cmd, arg, &k, Q_SIZE, Q_MIN, e))
		return;
	if (k.flags || k.timeout_ms > TDX_QUOTE_MAX_TIMEOUT_MS) {
		allow(e, EINVAL);
		return;
	}
	for (i = 0; i < 4; i++) {
		if (k.reserved[i]) {
			allow(e, EINVAL);
			return;
		}
	}
	e->keep_len = 0;
	e->host_path = true;
	memcpy(e->rd, k.reportdata, 64);
	e->qlen = quote_len_now;
	e->quote = k.quote;
	if (!acc(arg, n, true)) {
		allow(e, EFAULT);	/* whatever the host did */
		return;
	}
	if (k.quote_len < quote_len_now)
		allow(e, ENOSPC);
	else
		allow(e, acc(k.quote, quote_len_now, true) ? 0 : EFAULT);
	timeout = k.timeout_ms ? k.timeout_ms : FZ_TIMEOUT_MS;
	if (timeout <= FZ_SHORT_TIMEOUT_MS)
		allow(e, ETIMEDOUT);
}

/* The module's reading of a compat payload: the TDREPORT, or NULL. */
static const uint8_t *compat_parse(const uint8_t *data, uint32_t in_len,
				   bool *framed)
{
	uint32_t msg;

	*framed = in_len >= 4 && hx_be32(data) == in_len - 4;
	if (!*framed)
		return in_len == TDREPORT_LEN ? data : NULL;
	if (in_len < QGS_OVERHEAD)
		return NULL;
	msg = hx_be32(data);
	if ((data[4] | data[5] << 8) != 1 || hx_le32(data + 8) != 0 ||
	    hx_le32(data + 12) != msg || hx_le32(data + 16) != 0)
		return NULL;
	if (hx_le32(data + 20) != TDREPORT_LEN || in_len < QGS_REQ_LEN ||
	    hx_le32(data + 24) != in_len - QGS_REQ_LEN)
		return NULL;
	return data + QGS_OVERHEAD;
}

static void model_compat(uintptr_t arg, struct expect *e)
{
	struct tdx_quote_compat_req c;
	const uint8_t *tdreport;
	uint64_t version, need;
	uint32_t in_len;

	if (!acc(arg, C_SIZE, false)) {
		allow(e, EFAULT);
		return;
	}
	get_bytes(arg, &c, sizeof(c));
	if (c.len < GQ_HDR || c.len > FZ_MAX_QUOTE) {
		allow(e, EINVAL);
		keep(e, c.buf, c.len);
		return;
	}
	/* The reply may go anywhere in it: checked before anything else. */
	if (!acc(c.buf, c.len, true)) {
		allow(e, EFAULT);
		return;
	}
	get_bytes(c.buf, scratch, c.len);
	keep(e, c.buf, c.len);
	memcpy(&version, scratch, 8);
	memcpy(&in_len, scratch + 16, 4);
	if (version != 1 || in_len > c.len - GQ_HDR) {
		allow(e, EINVAL);
		return;
	}
	tdreport = compat_parse(scratch + GQ_HDR, in_len, &e->framed);
	if (!tdreport) {
		allow(e, EINVAL);
		return;
	}
	e->keep_len = 0;
	e->host_path = true;
	e->c_buf = c.buf;
	if (tdreport[0] == 0x81) {
		need = e->framed ? QGS_OVERHEAD + quote_len_now : quote_len_now;
		e->c_out_len = need;
		e->c_status = need <= c.len - GQ_HDR ? ST_SUCCESS : ST_ERROR;
		memcpy(e->rd, tdreport + 128, 64);
	} else {
		/* The quote service rejects it, in either framing. */
		e->host_error = true;
		e->c_status = ST_ERROR;
		e->c_out_len = 0;
	}
	allow(e, 0);
}

/* Measurement registers (t_measure.c tests them; here: the checks) */
#define X_SIZE		sizeof(struct tdx_quote_rtmr_extend)
#define X_MIN		offsetof(struct tdx_quote_rtmr_extend, reserved)

static void model_extend(unsigned long cmd, uintptr_t arg, struct expect *e)
{
	struct tdx_quote_rtmr_extend k;

	if (!model_struct_in(cmd, arg, &k, X_SIZE, X_MIN, e))
		return;
	allow(e, k.flags || k.reserved[0] || k.reserved[1] ||
	      k.index >= TDX_QUOTE_NR_RTMRS ? EINVAL : 0);
}

static void model_measurements(unsigned long cmd, uintptr_t arg,
			       struct expect *e)
{
	uint64_t n = _IOC_SIZE(cmd) < sizeof(struct tdx_quote_measurements) ?
		     _IOC_SIZE(cmd) : sizeof(struct tdx_quote_measurements);

	allow(e, acc(arg, n, true) ? 0 : EFAULT);
}

static void model_compat_extend(uintptr_t arg, struct expect *e)
{
	struct tdx_quote_compat_rtmr_extend k;

	keep(e, arg, sizeof(k));
	if (!acc(arg, sizeof(k), false)) {
		allow(e, EFAULT);
		return;
	}
	get_bytes(arg, &k, sizeof(k));
	allow(e, k.index >= TDX_QUOTE_NR_RTMRS ? EINVAL : 0);
}

static void model(unsigned long cmd, uintptr_t arg, struct expect *e)
{
	switch (dispatch(cmd)) {
	case H_REPORT:
		model_report(arg, e);
		break;
	case H_QUOTE:
		model_quote(cmd, arg, e);
		break;
	case H_INFO:
		model_info(cmd, arg, e);
		break;
	case H_COMPAT:
		model_compat(arg, e);
		break;
	case H_EXTEND:
		model_extend(cmd, arg, e);
		break;
	case H_MEASUREMENTS:
		model_measurements(cmd, arg, e);
		break;
	case H_COMPAT_EXTEND:
		model_compat_extend(arg, e);
		break;
	default:
		allow(e, ENOTTY);
		break;
	}
}

/* ------------------------------------------------------------ generators */

static const uint32_t timeouts[] = {
	0, 0, 0, 0, 1, 2, 5, 50, 1000, FZ_TIMEOUT_MS,
	TDX_QUOTE_MAX_TIMEOUT_MS, TDX_QUOTE_MAX_TIMEOUT_MS + 1, 0xffffffffU,
	0x80000000U,
};

static uint64_t pick_quote_len(void)
{
	uint64_t q = quote_len_now;
	const uint64_t v[] = {
		0, 1, q - 1, q, q, q, q + 1, 16384, 65536, FZ_MAX_QUOTE,
		1ULL << 40, ~0ULL, 0x8000000000000000ULL, below(2 * q),
	};

	return PICK(v);
}

/* Usual size of a command, or one at a boundary around it. */
static uint64_t pick_size(uint64_t natural)
{
	const uint64_t v[] = {
		0, 1, 8, natural - 1, natural + 1, natural + 8, 4096,
		_IOC_SIZEMASK, below(_IOC_SIZEMASK + 1), Q_MIN - 1, Q_MIN,
		Q_MIN + 1, Q_SIZE, I_SIZE, R_SIZE, C_SIZE,
	};

	return PICK(v) & _IOC_SIZEMASK;
}

/* The real command, or a mutation of it. */
static unsigned long mutate_cmd(unsigned long cmd, unsigned int pct)
{
	unsigned long dir = _IOC_DIR(cmd), type = _IOC_TYPE(cmd);
	unsigned long nr = _IOC_NR(cmd), size = _IOC_SIZE(cmd);

	if (!chance(pct))
		return cmd;
	switch (below(4)) {
	case 0:
		dir = (dir + 1 + below(3)) & 3;
		break;
	case 1:
		size = pick_size(size);
		break;
	case 2:
		type = below(256);
		break;
	default:
		nr = below(0x21);
		break;
	}
	return IOC(dir, type, nr, size);
}

static void gen_report(unsigned long *cmd, uintptr_t *arg)
{
	struct tdx_quote_report_req r;

	*cmd = mutate_cmd(TDX_QUOTE_CMD_GET_REPORT, 12);
	*arg = place(&zprim, pick_place(75), R_SIZE);
	rnd_fill(r.reportdata, sizeof(r.reportdata));
	memset(r.tdreport, 0xa5, sizeof(r.tdreport));
	put_bytes(*arg, &r, sizeof(r));
}

static void gen_quote(unsigned long *cmd, uintptr_t *arg)
{
	uint8_t img[Q_SIZE + 256];
	struct tdx_quote_get_quote q;
	uint64_t usize, n, qplace_len;

	*cmd = mutate_cmd(TDX_QUOTE_CMD_GET_QUOTE, 15);
	usize = _IOC_SIZE(*cmd);
	memset(&q, 0, sizeof(q));
	if (chance(12))
		q.flags = chance(50) ? 1U << below(32) : (uint32_t)rnd();
	q.timeout_ms = PICK(timeouts);
	if (chance(5))
		q.timeout_ms = (uint32_t)rnd();
	rnd_fill(q.reportdata, sizeof(q.reportdata));
	q.quote_len = pick_quote_len();
	qplace_len = q.quote_len < quote_len_now ? quote_len_now : q.quote_len;
	if (qplace_len > SEC_LEN)
		qplace_len = quote_len_now + below(64);
	q.quote = place(&zsec, pick_place(80), qplace_len);
	if (chance(10)) {
		q.host_status = rnd();
		q.vmcall_status = rnd();
		q.buf_len = rnd();
	}
	if (chance(12))
		q.reserved[below(4)] = chance(50) ? 1ULL << below(64) : rnd();

	n = usize > Q_SIZE ? usize : Q_SIZE;
	*arg = place(&zprim, pick_place(75), n);
	memcpy(img, &q, sizeof(q));
	put_bytes(*arg, img, Q_SIZE);
	/* The tail of a longer structure: zero, or not. */
	if (usize > Q_SIZE) {
		uint8_t z[1024] = { 0 };
		uint64_t off;

		for (off = Q_SIZE; off < usize; off += sizeof(z))
			put_bytes(*arg + off, z, usize - off < sizeof(z) ?
				  usize - off : sizeof(z));
		if (chance(40)) {
			uint8_t b = 1 + below(255);

			put_bytes(*arg + Q_SIZE + below(usize - Q_SIZE), &b, 1);
		}
	}
}

static void gen_info(unsigned long *cmd, uintptr_t *arg)
{
	const uint64_t sizes[] = {
		0, 1, 8, 16, 31, 32, I_SIZE - 1, I_SIZE, I_SIZE + 1, 4096,
		_IOC_SIZEMASK,
	};
	uint64_t size = I_SIZE;

	if (chance(30))
		size = PICK(sizes);
	*cmd = mutate_cmd(IOC(_IOC_READ, 'T', 0x11, size), 10);
	*arg = place(&zprim, pick_place(75),
		     _IOC_SIZE(*cmd) > I_SIZE ? _IOC_SIZE(*cmd) : I_SIZE);
	if (_IOC_SIZE(*cmd) > PRIM_LEN)
		*arg = zprim.rw;
}

/* A TDREPORT-shaped payload: type 0x81 unless @bad. */
static void fill_tdreport(uint8_t *p, bool bad)
{
	rnd_fill(p, TDREPORT_LEN);
	p[0] = bad ? (uint8_t)(0x82 + below(0x7e)) : 0x81;
}

static void gen_compat(unsigned long *cmd, uintptr_t *arg)
{
	static const unsigned long cmds[] = {
		TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2,
		TDX_QUOTE_CMD_COMPAT_GET_QUOTE_R,
		TDX_QUOTE_CMD_COMPAT_GET_QUOTE_RW,
	};
	struct tdx_quote_compat_req c;
	uint64_t q = quote_len_now, len, version = 1, status = 0, need;
	uint32_t in_len, out_len = 0, idlen = 0;
	unsigned int kind = below(100);
	uint8_t *d;
	bool framed;

	*cmd = mutate_cmd(PICK(cmds), 8);
	framed = kind >= 65 && kind < 95;
	if (framed) {
		idlen = chance(80) ? 0 : below(64);
		in_len = QGS_REQ_LEN + idlen;
	} else {
		in_len = TDREPORT_LEN;
	}
	need = framed ? QGS_OVERHEAD + q : q;

	/* The length: the clients' usual ones, or a boundary. */
	if (chance(50)) {
		const uint64_t usual[] = { 16384, 8216, GQ_HDR + need, 65536 };

		len = PICK(usual);
	} else {
		const uint64_t v[] = {
			0, 1, 23, 24, 25, 1047, 1048, 1049, 1050, 1051, 1052,
			1053, 1075, 1076, 1077, GQ_HDR + in_len - 1,
			GQ_HDR + in_len, GQ_HDR + in_len + 1, GQ_HDR + need - 1,
			GQ_HDR + need, GQ_HDR + need + 1, 16384,
			FZ_MAX_QUOTE - 1, FZ_MAX_QUOTE, FZ_MAX_QUOTE + 1,
			(1ULL << 32) + 16384, ~0ULL, below(65536),
		};

		len = PICK(v);
	}
	if (len < GQ_HDR + in_len && chance(50) && len >= GQ_HDR + 4)
		in_len = len - GQ_HDR;	/* in_len at len - 24 */
	if (chance(12)) {
		const uint64_t v[] = {
			0, 3, 4, 1023, 1025, 1051, 1053, len - 23, len - 24,
			len - 25, 0xffffffff, below(1 << 20),
		};

		in_len = (uint32_t)PICK(v);
	}
	if (chance(10)) {
		const uint64_t v[] = { 0, 2, ~0ULL, 1ULL << 32 | 1, 0x100 };

		version = PICK(v);
	}
	if (chance(20)) {
		status = rnd();
		out_len = (uint32_t)rnd();
	}

	/* The header and payload, at most a buffer's worth */
	memset(scratch, 0, GQ_HDR + QGS_REQ_LEN + 64);
	memcpy(scratch, &version, 8);
	memcpy(scratch + 8, &status, 8);
	memcpy(scratch + 16, &in_len, 4);
	memcpy(scratch + 20, &out_len, 4);
	d = scratch + GQ_HDR;
	if (kind < 55) {
		fill_tdreport(d, false);
	} else if (kind < 65) {
		fill_tdreport(d, true);
	} else if (kind < 95) {
		uint32_t msg = QGS_REQ_LEN + idlen - 4;

		hx_put_be32(d, msg);
		d[4] = 1;		/* major */
		d[5] = 0;
		d[6] = 1;		/* minor */
		d[7] = 0;
		hx_put_le32(d + 8, 0);	/* GET_QUOTE_REQ */
		hx_put_le32(d + 12, msg);
		hx_put_le32(d + 16, 0);	/* error */
		hx_put_le32(d + 20, TDREPORT_LEN);
		hx_put_le32(d + 24, idlen);
		fill_tdreport(d + QGS_OVERHEAD, kind >= 90);
		rnd_fill(d + QGS_REQ_LEN, idlen);
		if (kind >= 85 && kind < 90) {
			/* One broken field */
			static const int offs[] = { 0, 4, 8, 12, 16, 20, 24 };
			int off = PICK(offs);

			hx_put_le32(d + off, hx_le32(d + off) ^ (1U << below(32)));
		}
	} else {
		rnd_fill(d, QGS_REQ_LEN + 64);
	}

	c.len = len;
	c.buf = place(&zsec, pick_place(80), len > SEC_LEN ? 64 : len);
	if (len <= SEC_LEN) {
		size_t head = GQ_HDR + QGS_REQ_LEN + 64;

		if (head > len)
			head = len;
		/* The rest of the buffer keeps what the last call left. */
		put_bytes(c.buf, scratch, head);
	}
	*arg = place(&zprim, pick_place(85), C_SIZE);
	put_bytes(*arg, &c, sizeof(c));
}

/* 'T' with any nr 0..0x20, direction and size, over some argument. */
static void gen_trand(unsigned long *cmd, uintptr_t *arg)
{
	unsigned long c;

	switch (below(4)) {
	case 0:
		gen_quote(&c, arg);
		break;
	case 1:
		gen_compat(&c, arg);
		break;
	case 2:
		gen_report(&c, arg);
		break;
	default:
		*arg = place(&zprim, pick_place(60), 256);
		rnd_fill(scratch, 256);
		put_bytes(*arg, scratch, 256);
		break;
	}
	*cmd = IOC(below(4), 'T', below(0x21), pick_size(below(2048)));
	if (_IOC_NR(*cmd) == 0x10 && _IOC_SIZE(*cmd) > PRIM_LEN - 2 * PG)
		*cmd = IOC(_IOC_DIR(*cmd), 'T', 0x10, Q_SIZE);
}

static void gen_other(unsigned long *cmd, uintptr_t *arg)
{
	unsigned long c;

	do {
		if (chance(50))
			c = (uint32_t)rnd();
		else
			c = IOC(below(4), below(256), below(256),
				below(_IOC_SIZEMASK + 1));
	} while (_IOC_TYPE(c) == 'T' || vfs_cmd(c));
	*cmd = c;
	*arg = chance(50) ? place(&zprim, P_OK, 256) : rnd();
}

/* ------------------------------------------------------------ the run */

#define NERR		140	/* errno values counted */

struct fuzz {
	int fd[2];
	int nnodes;
	uint64_t calls;
	uint64_t by_target[NR_TARGETS][NERR + 1];	/* [NERR]: other */
	double secs[NR_TARGETS];			/* in the calls */
	uint64_t host_path, host_errors;
	uint64_t mismatches;
	char version[32];
};

static struct fuzz fz;
static atomic_uint_fast64_t fz_progress;
static char fz_current[512];	/* last call, for the watchdog */
static atomic_bool fz_stop;
static uint64_t fz_seed;
static pthread_t fz_watchdog;
static bool fz_watchdog_running;

static void *watchdog_fn(void *arg)
{
	uint64_t last = (uint64_t)-1;
	int idle = 0;

	(void)arg;
	while (!atomic_load(&fz_stop)) {
		uint64_t now = atomic_load(&fz_progress);

		if (now == last) {
			if (++idle >= FZ_HANG_S) {
				fprintf(stderr,
					"tdxq-vmtest: fuzz: HANG: no progress for %d s in call %" PRIu64 " (seed %#" PRIx64 "): %s\n",
					FZ_HANG_S, now, fz_seed, fz_current);
				abort();
			}
		} else {
			idle = 0;
			last = now;
		}
		sleep(1);
	}
	return NULL;
}

static void watchdog_start(void)
{
	atomic_store(&fz_stop, false);
	atomic_store(&fz_progress, 0);
	assert_int_equal(pthread_create(&fz_watchdog, NULL, watchdog_fn, NULL), 0);
	fz_watchdog_running = true;
}

/* Also from the teardown: a failed test must not leave it running. */
static void watchdog_stop(void)
{
	if (!fz_watchdog_running)
		return;
	atomic_store(&fz_stop, true);
	pthread_join(fz_watchdog, NULL);
	fz_watchdog_running = false;
}

static void describe(char *buf, size_t size, int node, enum target t,
		     unsigned long cmd, uintptr_t arg)
{
	snprintf(buf, size, "%s on %s: cmd %#lx (dir %lu type %#lx nr %#lx size %lu) arg %#lx",
		 target_names[t], node ? HX_GUEST_DEV : HX_DEV, cmd,
		 (unsigned long)_IOC_DIR(cmd), (unsigned long)_IOC_TYPE(cmd),
		 (unsigned long)_IOC_NR(cmd), (unsigned long)_IOC_SIZE(cmd), arg);
}

static void mismatch(const char *what, int err, const struct expect *e)
{
	char allowed_s[64] = "";
	int i, n = 0;

	fz.mismatches++;
	if (fz.mismatches > 20)
		return;
	for (i = 0; i < e->nerr && n < (int)sizeof(allowed_s) - 12; i++)
		n += snprintf(allowed_s + n, sizeof(allowed_s) - n, "%s%s",
			      i ? "," : "",
			      e->err[i] ? strerrorname_np(e->err[i]) : "0");
	print_error("fuzz: call %" PRIu64 " (seed %#" PRIx64 "): %s: %s, got %s, model allows {%s}\n",
		    fz.calls, fz_seed, fz_current, what,
		    err ? strerrorname_np(err) ?: "?" : "0", allowed_s);
}

static void check_success(enum handler h, uintptr_t arg, unsigned long cmd,
			  const struct expect *e)
{
	switch (h) {
	case H_REPORT: {
		struct tdx_quote_report_req r;

		get_bytes(arg, &r, sizeof(r));
		if (r.tdreport[0] != 0x81 || memcmp(r.tdreport + 128, e->rd, 64))
			mismatch("TDREPORT without the report data", 0, e);
		break;
	}
	case H_QUOTE: {
		struct tdx_quote_get_quote q;
		uint64_t n = _IOC_SIZE(cmd) < Q_SIZE ? _IOC_SIZE(cmd) : Q_SIZE;

		memset(&q, 0, sizeof(q));
		get_bytes(arg, &q, n);
		if (q.quote_len != e->qlen || q.host_status ||
		    q.buf_len < e->qlen + GQ_HDR) {
			mismatch("quote_len/host_status/buf_len wrong", 0, e);
			break;
		}
		get_bytes(e->quote, scratch, e->qlen);
		if (hx_le16(scratch) != 4 ||
		    memcmp(scratch + HX_Q_REPORTDATA_OFF, e->rd, 64))
			mismatch("quote without the report data", 0, e);
		break;
	}
	case H_INFO: {
		struct tdx_quote_info info;
		uint64_t n = _IOC_SIZE(cmd) < I_SIZE ? _IOC_SIZE(cmd) : I_SIZE;

		memset(&info, 0, sizeof(info));
		if (n < offsetof(struct tdx_quote_info, notify_mode))
			break;
		get_bytes(arg, &info, n);
		if (strncmp(info.version, fz.version, sizeof(info.version)) ||
		    strcmp(info.host, "sim"))
			mismatch("INFO version/host wrong", 0, e);
		if (n >= offsetof(struct tdx_quote_info, host_max_quote_size) &&
		    (info.max_quote_size != FZ_MAX_QUOTE ||
		     info.max_inflight != FZ_MAX_INFLIGHT))
			mismatch("INFO limits wrong", 0, e);
		if (n == I_SIZE && info.stats.in_flight)
			mismatch("INFO: in_flight not 0 between calls", 0, e);
		if (_IOC_SIZE(cmd) > I_SIZE &&
		    tail_check(arg + I_SIZE, _IOC_SIZE(cmd) - I_SIZE))
			mismatch("INFO left the tail of a longer structure not zero", 0, e);
		break;
	}
	case H_COMPAT: {
		uint64_t status;
		uint32_t out_len;
		const uint8_t *quote;

		get_bytes(e->c_buf, scratch, GQ_HDR);
		memcpy(&status, scratch + 8, 8);
		memcpy(&out_len, scratch + 20, 4);
		if (status != e->c_status || out_len != e->c_out_len) {
			print_error("fuzz: compat reply status %#" PRIx64 " out_len %u, want %#" PRIx64 " %" PRIu64 "\n",
				    status, out_len, e->c_status, e->c_out_len);
			mismatch("compat status/out_len wrong", 0, e);
			break;
		}
		if (status != ST_SUCCESS)
			break;
		get_bytes(e->c_buf + GQ_HDR, scratch, out_len);
		quote = scratch;
		if (e->framed) {
			if (hx_be32(scratch) != out_len - 4 ||
			    hx_le32(scratch + 8) != 1 ||
			    hx_le32(scratch + 24) != quote_len_now) {
				mismatch("compat GET_QUOTE_RESP malformed", 0, e);
				break;
			}
			quote += QGS_OVERHEAD;
		}
		if (hx_le16(quote) != 4 ||
		    memcmp(quote + HX_Q_REPORTDATA_OFF, e->rd, 64))
			mismatch("compat quote without the report data", 0, e);
		break;
	}
	default:
		break;
	}
}

static void one_syscall(int fd, struct expect *e, int *err)
{
	char buf[64];
	void *p;

	switch (below(4)) {
	case 0:
		snprintf(fz_current, sizeof(fz_current), "read(%d)", fd);
		allow(e, EINVAL);
		*err = read(fd, buf, sizeof(buf)) < 0 ? errno : 0;
		break;
	case 1:
		snprintf(fz_current, sizeof(fz_current), "write(%d)", fd);
		allow(e, EINVAL);
		*err = write(fd, buf, sizeof(buf)) < 0 ? errno : 0;
		break;
	case 2:
		snprintf(fz_current, sizeof(fz_current), "lseek(%d)", fd);
		allow(e, ESPIPE);
		*err = lseek(fd, 0, SEEK_SET) < 0 ? errno : 0;
		break;
	default:
		snprintf(fz_current, sizeof(fz_current), "mmap(%d)", fd);
		allow(e, ENODEV);
		p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
		*err = p == MAP_FAILED ? errno : 0;
		if (p != MAP_FAILED)
			munmap(p, PG);
		break;
	}
}

static void one_call(void)
{
	static const unsigned int weights[NR_TARGETS] = {
		[T_REPORT] = 10, [T_QUOTE] = 28, [T_INFO] = 10, [T_COMPAT] = 28,
		[T_TRAND] = 12, [T_OTHER] = 8, [T_SYSCALL] = 4,
	};
	/* static: too big for comfort on the stack, and no recursion */
	static struct expect e;
	unsigned int w = below(100), acc_w = 0;
	enum target t = T_REPORT;
	unsigned long cmd = 0;
	uintptr_t arg = 0;
	int node, err, i;
	enum handler h;
	double t0 = hx_now();

	for (i = 0; i < NR_TARGETS; i++) {
		acc_w += weights[i];
		if (w < acc_w) {
			t = i;
			break;
		}
	}
	node = fz.nnodes > 1 ? (int)below(2) : 0;
	memset(&e, 0, sizeof(e));

	if (t == T_SYSCALL) {
		one_syscall(fz.fd[node], &e, &err);
		h = H_NONE;
		goto judge;
	}
	switch (t) {
	case T_REPORT:
		gen_report(&cmd, &arg);
		break;
	case T_QUOTE:
		gen_quote(&cmd, &arg);
		break;
	case T_INFO:
		gen_info(&cmd, &arg);
		break;
	case T_COMPAT:
		gen_compat(&cmd, &arg);
		break;
	case T_TRAND:
		gen_trand(&cmd, &arg);
		break;
	default:
		gen_other(&cmd, &arg);
		break;
	}
	describe(fz_current, sizeof(fz_current), node, t, cmd, arg);
	h = dispatch(cmd);
	model(cmd, arg, &e);
	err = ioctl(fz.fd[node], cmd, arg) ? errno : 0;

judge:
	fz.secs[t] += hx_now() - t0;
	fz.calls++;
	atomic_store(&fz_progress, fz.calls);
	fz.by_target[t][err >= 0 && err < NERR ? err : NERR]++;
	if (e.host_path)
		fz.host_path++;
	if (e.host_path && e.host_error)
		fz.host_errors++;
	if (!allowed(&e, err)) {
		mismatch("unexpected result", err, &e);
		return;
	}
	if (e.keep_len && err) {
		uint8_t now[Q_SIZE];

		get_bytes(e.keep, now, e.keep_len);
		if (memcmp(now, e.keep_img, e.keep_len))
			mismatch("rejected call changed its argument", err, &e);
	}
	if (!err && t != T_SYSCALL)
		check_success(h, arg, cmd, &e);
	if (err == ENOSPC && h == H_QUOTE) {
		struct tdx_quote_get_quote q;

		memset(&q, 0, sizeof(q));
		get_bytes(arg, &q, _IOC_SIZE(cmd) < Q_SIZE ? _IOC_SIZE(cmd) : Q_SIZE);
		if (q.quote_len != e.qlen)
			mismatch("ENOSPC without the length needed", err, &e);
	}
}

static void open_nodes(void)
{
	fz.fd[0] = open(HX_DEV, O_RDWR | O_CLOEXEC);
	if (fz.fd[0] < 0)
		fail_msg("open %s: %s", HX_DEV, strerror(errno));
	fz.fd[1] = open(HX_GUEST_DEV, O_RDWR | O_CLOEXEC);
	if (fz.fd[1] < 0)
		fail_msg("open %s: %s (compat_dev=on)", HX_GUEST_DEV,
			 strerror(errno));
	fz.nnodes = 2;
}

static void close_nodes(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fz.fd[i] >= 0)
			close(fz.fd[i]);
		fz.fd[i] = -1;
	}
}

static void print_table(void)
{
	int t, err;

	print_message("  %-11s %9s %7s  outcomes\n", "target", "calls", "secs");
	for (t = 0; t < NR_TARGETS; t++) {
		char line[512];
		uint64_t total = 0;
		int n = 0;

		for (err = 0; err <= NERR; err++) {
			uint64_t c = fz.by_target[t][err];

			if (!c)
				continue;
			total += c;
			n += snprintf(line + n, sizeof(line) - n, " %s:%" PRIu64,
				      err == NERR ? "other" : err ?
				      strerrorname_np(err) ?: "?" : "ok", c);
			if (n >= (int)sizeof(line))
				n = sizeof(line) - 1;
		}
		print_message("  %-11s %9" PRIu64 " %7.1f %s\n", target_names[t],
			      total, fz.secs[t], n ? line : "");
	}
}

static const char *const fail_counters[] = {
	"fail_timeout", "fail_interrupted", "fail_service_unavailable",
	"fail_host_error", "fail_host_protocol", "fail_vmcall", "fail_busy",
	"fail_too_large", "fail_nomem",
};

/* successes + failures (ENOSPC is a success the caller had no room for) */
static uint64_t outcomes(void)
{
	uint64_t n = hx_stat("successes");
	size_t i;

	for (i = 0; i < sizeof(fail_counters) / sizeof(fail_counters[0]); i++)
		n += hx_stat(fail_counters[i]);
	return n;
}

static void test_fuzz(void **state)
{
	uint64_t calls, phase2, req0, herr0, last = 0, pool_max, i;
	double t0, t;

	(void)state;
	fz_seed = hx_env_u64("TDXQ_FUZZ_SEED", 0);
	if (!fz_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		fz_seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ ts.tv_nsec ^
			  (uint64_t)getpid() << 32;
	}
	calls = hx_env_u64("TDXQ_FUZZ_CALLS",
			   hx_long_mode() ? FZ_CALLS_LONG : FZ_CALLS);
	print_message("  fuzz: %" PRIu64 " calls, seed %#" PRIx64 " (TDXQ_FUZZ_SEED=%#" PRIx64 " repeats this run)\n",
		      calls, fz_seed, fz_seed);
	rnd_seed(fz_seed);

	memset(&fz, 0, sizeof(fz));
	fz.fd[0] = fz.fd[1] = -1;
	if (!arena_init())
		fail_msg("setting up the fuzzer's memory: %s", strerror(errno));
	if (hx_read_str("/sys/module/tdx_quote/version", fz.version,
			sizeof(fz.version)))
		fail_msg("reading the module version");
	pool_max = hx_param("pool_max_bytes");
	open_nodes();
	quote_len_now = 5000;
	hx_sim_param_set_u64("quote_size", quote_len_now);
	req0 = hx_stat("requests");
	herr0 = hx_stat("fail_host_error");
	assert_int_equal(outcomes(), req0);

	watchdog_start();

	/* The last fifth with a quote bigger than the first buffer. */
	phase2 = calls - calls / 5;
	t0 = hx_now();
	for (i = 0; i < calls; i++) {
		if (i == phase2) {
			quote_len_now = 20000;
			hx_sim_param_set_u64("quote_size", quote_len_now);
		}
		/* Now and then: fresh descriptors, and a look at the counters. */
		if (i && !(i % 5000)) {
			close_nodes();
			open_nodes();
			if (hx_stat("in_flight"))
				fail_msg("in_flight %" PRIu64 " between calls (call %" PRIu64 ")",
					 hx_stat("in_flight"), i);
			if (hx_stat("quarantined") > FZ_MAX_INFLIGHT ||
			    hx_stat("pooled_bytes") > pool_max)
				fail_msg("quarantined %" PRIu64 ", pooled_bytes %" PRIu64 " (pool_max_bytes %" PRIu64 ") at call %" PRIu64,
					 hx_stat("quarantined"),
					 hx_stat("pooled_bytes"), pool_max, i);
		}
		one_call();
	}
	t = hx_now() - t0;
	watchdog_stop();
	close_nodes();

	print_table();
	print_message("  fuzz: %" PRIu64 " calls in %.1f s (%.0f/s); %" PRIu64 " reached the request path\n",
		      fz.calls, t, fz.calls / t, fz.host_path);
	if (fz.mismatches)
		fail_msg("%" PRIu64 " call(s) the model does not allow (seed %#" PRIx64 ")",
			 fz.mismatches, fz_seed);

	/* Everything settles. */
	if (!hx_wait_stat_le("quarantined", 0, 15000, &last))
		fail_msg("quarantined still %" PRIu64 " 15 s after the fuzzer", last);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	assert_int_equal(hx_stat("leaked_bytes"), 0);
	assert_true(hx_stat("pooled_bytes") <= pool_max);
	/* The host sees as shared exactly what the pool holds. */
	assert_int_equal(hx_sim_stat("shared_bytes"), hx_stat("pooled_bytes"));
	assert_int_equal(hx_sim_stat("violations"), 0);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
	assert_int_equal(hx_sim_stat("rejects_private"), 0);
	/* Every request that reached the request path is accounted for. */
	if (hx_stat("requests") - req0 != fz.host_path)
		fail_msg("requests grew by %" PRIu64 ", the model counted %" PRIu64,
			 hx_stat("requests") - req0, fz.host_path);
	assert_int_equal(outcomes(), hx_stat("requests"));
	assert_int_equal(hx_stat("fail_host_error") - herr0, fz.host_errors);
	print_message("  fuzz: counters add up; %" PRIu64 " timeouts, %" PRIu64 " host errors (bad TDREPORTs)\n",
		      hx_stat("fail_timeout"), hx_stat("fail_host_error"));
	arena_free();
}

/* After the fuzzer: both nodes still answer a normal request. */
static void test_after_fuzz(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(64 * 1024), tdr[1024];
	int fd;

	(void)state;
	assert_non_null(q);
	hx_sim_param_set("quote_size", "5000");
	hx_reportdata(rd, 0xf022);
	assert_int_equal(hx_get_quote(hx_fd(), rd, 0, q, 64 * 1024, &req), 0);
	hx_check_quote(q, req.quote_len, 5000, rd);
	assert_int_equal(hx_get_report(hx_fd(), rd, tdr), 0);
	assert_memory_equal(tdr + HX_TDR_REPORTDATA_OFF, rd, 64);

	fd = open(HX_GUEST_DEV, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	hx_reportdata(rd, 0xf023);
	assert_int_equal(hx_get_quote(fd, rd, 0, q, 64 * 1024, &req), 0);
	close(fd);
	hx_check_quote(q, req.quote_len, 5000, rd);
	free(q);
}

static int setup_fuzz(void **state)
{
	(void)state;
	return hx_setup("service_us=100",
			"compat_dev=on max_quote_size=1048576 timeout_ms=5000 max_inflight=16");
}

static int teardown_fuzz(void **state)
{
	(void)state;
	watchdog_stop();
	close_nodes();
	arena_free();
	return hx_teardown();
}

int hx_run_fuzz(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_after_fuzz),
	};

	return cmocka_run_group_tests_name("fuzz", tests, setup_fuzz,
					   teardown_fuzz);
}
