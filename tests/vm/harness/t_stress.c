// SPDX-License-Identifier: GPL-2.0
/*
 * Load: many threads opening, closing and issuing every request on both
 * nodes at once, with signals fired at them (SIGUSR1 without SA_RESTART,
 * SIGUSR2 with), descriptors closed by another thread while their request
 * is in flight, and child processes killed (SIGKILL) in the middle of a
 * request. Requests either complete or fail with a documented errno;
 * afterwards nothing is in flight, the quarantine drains, the counters
 * add up (requests = successes + failures), the host sees exactly the
 * pooled bytes as shared, nothing leaked, and a normal quote works.
 *
 * Then the same ideas one at a time, where the outcome is exact: closing
 * the descriptors of requests in flight does not disturb them; SIGKILLed
 * callers quarantine their buffers until the host lets go; SA_RESTART
 * callers never see EINTR; SIGUSR1 callers see EINTR exactly as often as
 * fail_interrupted counts.
 *
 * Seconds of load: TDXQ_STRESS_SECS, default 10 (make check) or 60
 * (make check-long).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define ST_SECS			10
#define ST_SECS_LONG		60
#define ST_WORKERS		16
#define ST_VICTIMS		2
#define ST_MAX_INFLIGHT		12
#define ST_POOL_MAX		(256 * 1024)
#define QLEN			5000
#define QCAP			(64 * 1024)
#define CBUF			16384

enum op { OP_QUOTE, OP_COMPAT, OP_REPORT, OP_INFO, OP_VICTIM, OP_CHILD, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"GET_QUOTE", "COMPAT", "GET_REPORT", "INFO", "closed-fd", "SIGKILLed",
};

/* Documented outcomes of each kind of call under signals and closes. */
static bool documented(enum op op, int err)
{
	switch (err) {
	case 0:
		return true;
	case EINTR:
	case ETIMEDOUT:
	case EBUSY:		/* host RETRY until the timeout */
		return op == OP_QUOTE || op == OP_COMPAT || op == OP_VICTIM;
	case EBADF:		/* closed before the call got to it */
		return op == OP_VICTIM;
	/*
	 * Closed before the call got to it and the number reused: only
	 * device descriptors are opened during the load, so the call goes
	 * to another device descriptor and is a valid request.
	 */
	default:
		return false;
	}
}

struct worker {
	pthread_t tid;
	int index;
	bool victim;
	_Atomic int fd;		/* victims: the descriptor the closer may take */
	struct hx_tally tally[NR_OPS];
	uint64_t bad_results;	/* successes with a wrong quote/report */
	char first_bad[160];
};

static struct {
	atomic_bool stop;
	int shared_fd[2];
	struct worker *w;
	int nworkers;		/* workers + victims */
	pthread_t signaller, closer, killer;
	bool signaller_on, closer_on, killer_on;
	uint64_t signals, closes, kills;
	struct hx_tally child_tally;
} st;

static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void bad(struct worker *w, const char *what, int index)
{
	if (!w->bad_results++)
		snprintf(w->first_bad, sizeof(w->first_bad), "%s (call %d)",
			 what, index);
}

static const char *const nodes[2] = { HX_DEV, HX_GUEST_DEV };

/* One request of kind @op on @fd, checked. */
static int do_op(struct worker *w, enum op op, int fd, uint64_t *rs,
		 uint8_t *q, uint8_t *cbuf, int n)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info info;
	uint8_t rd[64], tdr[1024];
	static const unsigned long ccmds[] = {
		TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2,
		TDX_QUOTE_CMD_COMPAT_GET_QUOTE_R,
		TDX_QUOTE_CMD_COMPAT_GET_QUOTE_RW,
	};
	uint32_t timeout = 0;
	uint64_t r = mix(rs);
	const char *p;
	int err;
	bool framed;

	hx_reportdata(rd, r);
	switch (op) {
	case OP_QUOTE:
	case OP_VICTIM:
		if (r % 5 == 1)
			timeout = 1 + (r >> 8) % 20;	/* may time out */
		else if (r % 5 == 2)
			timeout = 100 + (r >> 8) % 400;
		err = hx_get_quote(fd, rd, timeout, q, QCAP, &req);
		if (!err && (req.quote_len != QLEN ||
			     hx_find_reportdata(q, QLEN, rd) != HX_Q_REPORTDATA_OFF))
			bad(w, "GET_QUOTE: quote without its report data", n);
		return err;
	case OP_COMPAT:
		/* A TDREPORT first, as the clients do. */
		err = hx_get_report(fd, rd, tdr);
		if (err)
			return err;
		framed = (r >> 8) & 1;
		err = hx_compat_quote(fd, ccmds[(r >> 9) % 3], cbuf, CBUF, tdr,
				      framed);
		if (!err) {
			p = hx_compat_reply_problem(cbuf, framed, QLEN, rd);
			if (p)
				bad(w, p, n);
		}
		return err;
	case OP_REPORT:
		err = hx_get_report(fd, rd, tdr);
		if (!err && memcmp(tdr + HX_TDR_REPORTDATA_OFF, rd, 64))
			bad(w, "TDREPORT without its report data", n);
		return err;
	default:
		memset(&info, 0, sizeof(info));
		return ioctl(fd, TDX_QUOTE_CMD_INFO, &info) ? errno : 0;
	}
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	uint64_t rs = 0x5717e55ULL + w->index * 7919;
	uint8_t *q = malloc(QCAP), *cbuf = malloc(CBUF);
	enum op op;
	int n, fd, err;
	bool own;

	if (!q || !cbuf) {
		bad(w, "out of memory", 0);
		goto out;
	}
	for (n = 0; !atomic_load(&st.stop); n++) {
		uint64_t r = mix(&rs);

		if (w->victim) {
			/* The closer may close this descriptor mid-request. */
			fd = open(nodes[r & 1], O_RDWR | O_CLOEXEC);
			if (fd < 0) {
				bad(w, "open failed", n);
				continue;
			}
			atomic_store(&w->fd, fd);
			err = do_op(w, OP_VICTIM, fd, &rs, q, cbuf, n);
			hx_tally_add(&w->tally[OP_VICTIM], err);
			/* Ours to close unless the closer took it. */
			fd = atomic_exchange(&w->fd, -1);
			if (fd >= 0)
				close(fd);
			continue;
		}
		op = (r >> 4) % 100 < 45 ? OP_QUOTE : (r >> 4) % 100 < 70 ?
		     OP_COMPAT : (r >> 4) % 100 < 85 ? OP_REPORT : OP_INFO;
		own = (r >> 12) % 10 < 7;
		fd = own ? open(nodes[(r >> 16) & 1], O_RDWR | O_CLOEXEC) :
		     st.shared_fd[(r >> 16) & 1];
		if (fd < 0) {
			bad(w, "open failed", n);
			continue;
		}
		err = do_op(w, op, fd, &rs, q, cbuf, n);
		hx_tally_add(&w->tally[op], err);
		if (own)
			close(fd);
	}
out:
	free(q);
	free(cbuf);
	return NULL;
}

/* Fires SIGUSR1 (EINTR) or SIGUSR2 (restart) at random threads. */
static void *signaller_fn(void *arg)
{
	uint64_t rs = 0x51a1, r;

	(void)arg;
	while (!atomic_load(&st.stop)) {
		r = mix(&rs);
		pthread_kill(st.w[r % st.nworkers].tid,
			     (r >> 32) & 1 ? SIGUSR1 : SIGUSR2);
		st.signals++;
		hx_sleep_ms(1 + (r >> 40) % 3);
	}
	return NULL;
}

/* Closes the victims' descriptors while their requests are in flight. */
static void *closer_fn(void *arg)
{
	uint64_t rs = 0xc105e, r;
	int fd;

	(void)arg;
	while (!atomic_load(&st.stop)) {
		r = mix(&rs);
		hx_sleep_ms(1 + r % 15);
		fd = atomic_exchange(&st.w[ST_WORKERS + (r >> 8) % ST_VICTIMS].fd,
				     -1);
		if (fd >= 0) {
			close(fd);
			st.closes++;
		}
	}
	return NULL;
}

/* A child process in GET_QUOTE, SIGKILLed at a random moment. */
static pid_t spawn_quoting_child(uint64_t seed)
{
	/* Prepared before fork: the child only calls open/ioctl/_exit. */
	static uint8_t q[QCAP];
	struct tdx_quote_get_quote req;
	pid_t pid;
	int fd;

	memset(&req, 0, sizeof(req));
	hx_reportdata(req.reportdata, seed);
	req.quote = (uintptr_t)q;
	req.quote_len = sizeof(q);
	pid = fork();
	if (pid)
		return pid;
	fd = open(nodes[seed & 1], O_RDWR | O_CLOEXEC);
	for (;;)
		ioctl(fd, TDX_QUOTE_CMD_GET_QUOTE, &req);
}

static void *killer_fn(void *arg)
{
	uint64_t rs = 0x4177, r;
	pid_t pid;
	int status;

	(void)arg;
	while (!atomic_load(&st.stop)) {
		r = mix(&rs);
		pid = spawn_quoting_child(r);
		if (pid < 0) {
			hx_tally_add(&st.child_tally, errno);
			hx_sleep_ms(10);
			continue;
		}
		hx_sleep_ms(2 + r % 30);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		st.kills++;
		hx_tally_add(&st.child_tally,
			     WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ?
			     0 : HX_TALLY_OTHER);
	}
	return NULL;
}

static const char *const fail_counters[] = {
	"fail_timeout", "fail_interrupted", "fail_service_unavailable",
	"fail_host_error", "fail_host_protocol", "fail_vmcall", "fail_busy",
	"fail_too_large", "fail_nomem",
};

static uint64_t outcomes(void)
{
	uint64_t n = hx_stat("successes");
	size_t i;

	for (i = 0; i < sizeof(fail_counters) / sizeof(fail_counters[0]); i++)
		n += hx_stat(fail_counters[i]);
	return n;
}

/* After load: everything settles and adds up, and quotes still work. */
static void check_settled(uint64_t pool_max)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q;
	uint64_t last = 0;
	double t = hx_now();

	if (!hx_wait_stat_le("quarantined", 0, 20000, &last))
		fail_msg("quarantined still %" PRIu64 " 20 s after the load", last);
	print_message("  quarantine empty %.1f s after the load\n", hx_now() - t);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	assert_int_equal(outcomes(), hx_stat("requests"));
	assert_int_equal(hx_stat("leaked_bytes"), 0);
	assert_true(hx_stat("pooled_bytes") <= pool_max);
	assert_int_equal(hx_sim_stat("shared_bytes"), hx_stat("pooled_bytes"));
	assert_int_equal(hx_sim_stat("violations"), 0);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
	assert_int_equal(hx_sim_stat("rejects_private"), 0);

	q = malloc(QCAP);
	assert_non_null(q);
	hx_reportdata(rd, 0x5e771ed);
	assert_int_equal(hx_get_quote(hx_fd(), rd, 0, q, QCAP, &req), 0);
	hx_check_quote(q, req.quote_len, QLEN, rd);
	free(q);
}

/* A counter through an open descriptor (no open() now), or 0. */
static uint64_t read_fd_u64(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

static void stop_helpers(void)
{
	atomic_store(&st.stop, true);
	if (st.signaller_on)
		pthread_join(st.signaller, NULL);
	if (st.closer_on)
		pthread_join(st.closer, NULL);
	if (st.killer_on)
		pthread_join(st.killer, NULL);
	st.signaller_on = st.closer_on = st.killer_on = false;
}

static void test_storm(void **state)
{
	uint64_t secs = hx_env_u64("TDXQ_STRESS_SECS",
				   hx_long_mode() ? ST_SECS_LONG : ST_SECS);
	uint64_t succ0, intr0, user_ok = 0, user_intr = 0, bad_total = 0;
	uint64_t pool_max = hx_param("pool_max_bytes"), max_q = 0, max_if = 0;
	struct hx_tally total[NR_OPS];
	struct timespec limit;
	char line[512];
	int i, o, hung = 0, undocumented = 0, q_fd, if_fd;
	double t0;

	(void)state;
	memset(&st, 0, sizeof(st));
	memset(total, 0, sizeof(total));
	st.nworkers = ST_WORKERS + ST_VICTIMS;
	st.w = calloc(st.nworkers, sizeof(*st.w));
	assert_non_null(st.w);
	for (i = 0; i < 2; i++) {
		st.shared_fd[i] = open(nodes[i], O_RDWR | O_CLOEXEC);
		if (st.shared_fd[i] < 0)
			fail_msg("open %s: %s", nodes[i], strerror(errno));
	}
	succ0 = hx_stat("successes");
	intr0 = hx_stat("fail_interrupted");
	q_fd = open(HX_STATS_DIR "/quarantined", O_RDONLY | O_CLOEXEC);
	if_fd = open(HX_STATS_DIR "/in_flight", O_RDONLY | O_CLOEXEC);
	assert_true(q_fd >= 0 && if_fd >= 0);
	hx_signals_install();

	for (i = 0; i < st.nworkers; i++) {
		st.w[i].index = i;
		st.w[i].victim = i >= ST_WORKERS;
		atomic_store(&st.w[i].fd, -1);
		if (pthread_create(&st.w[i].tid, NULL, worker_fn, &st.w[i]))
			abort();
	}
	assert_int_equal(pthread_create(&st.signaller, NULL, signaller_fn, NULL), 0);
	st.signaller_on = true;
	assert_int_equal(pthread_create(&st.closer, NULL, closer_fn, NULL), 0);
	st.closer_on = true;
	assert_int_equal(pthread_create(&st.killer, NULL, killer_fn, NULL), 0);
	st.killer_on = true;

	/*
	 * Counters through descriptors opened before the load: a file opened
	 * now could take the number of a victim's descriptor the closer just
	 * closed, and the victim's ioctl would go to a sysfs file (ENOTTY).
	 */
	t0 = hx_now();
	while (hx_now() - t0 < secs) {
		uint64_t v = read_fd_u64(q_fd);

		if (v > max_q)
			max_q = v;
		v = read_fd_u64(if_fd);
		if (v > max_if)
			max_if = v;
		hx_sleep_ms(20);
	}
	close(q_fd);
	close(if_fd);
	stop_helpers();
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 60;
	for (i = 0; i < st.nworkers; i++)
		if (pthread_timedjoin_np(st.w[i].tid, NULL, &limit))
			hung++;
	if (hung)
		fail_msg("%d thread(s) still in a call 60 s after the load stopped (in_flight %" PRIu64 ")",
			 hung, hx_stat("in_flight"));
	hx_signals_restore();
	for (i = 0; i < 2; i++)
		close(st.shared_fd[i]);

	for (i = 0; i < st.nworkers; i++) {
		for (o = 0; o < NR_OPS; o++)
			hx_tally_merge(&total[o], &st.w[i].tally[o]);
		bad_total += st.w[i].bad_results;
		if (st.w[i].bad_results)
			print_error("thread %d: %" PRIu64 " bad result(s), first: %s\n",
				    i, st.w[i].bad_results, st.w[i].first_bad);
	}
	hx_tally_merge(&total[OP_CHILD], &st.child_tally);
	print_message("  %.0f s, %d threads + %d closed-fd victims, %" PRIu64 " signals, %" PRIu64 " fds closed in flight, %" PRIu64 " children killed; max in_flight %" PRIu64 ", max quarantined %" PRIu64 "\n",
		      hx_now() - t0, ST_WORKERS, ST_VICTIMS, st.signals,
		      st.closes, st.kills, max_if, max_q);
	for (o = 0; o < NR_OPS; o++) {
		hx_tally_str(&total[o], line, sizeof(line));
		print_message("  %-10s %s\n", op_names[o], line);
		for (i = 0; i <= HX_TALLY_OTHER; i++) {
			if (!total[o].n[i])
				continue;
			if (o == OP_CHILD ? i != 0 : !documented(o, i)) {
				print_error("%s: %" PRIu64 " undocumented outcome(s) %s\n",
					    op_names[o], total[o].n[i],
					    i == HX_TALLY_OTHER ? "other" :
					    strerrorname_np(i) ?: "?");
				undocumented++;
			}
		}
		if (o == OP_QUOTE || o == OP_COMPAT || o == OP_VICTIM) {
			user_ok += total[o].n[0];
			user_intr += total[o].n[EINTR];
		}
	}
	free(st.w);
	st.w = NULL;
	assert_int_equal(undocumented, 0);
	assert_int_equal(bad_total, 0);
	assert_true(max_if <= ST_MAX_INFLIGHT);
	assert_true(max_q <= ST_MAX_INFLIGHT);
	/* Each success and EINTR a caller saw was counted (children aside). */
	assert_true(hx_stat("successes") - succ0 >= user_ok);
	assert_true(hx_stat("fail_interrupted") - intr0 >= user_intr);
	assert_true(total[OP_QUOTE].n[0] > 0 && total[OP_COMPAT].n[0] > 0);
	check_settled(pool_max);
}

/* ------------------------------------------------- one thing at a time */

struct inflight {
	pthread_t tid;
	int fd;
	int ret;
	uint64_t seed;
	int sig_ok;		/* SA_RESTART run: calls that returned 0 */
	int calls, eintr;
	bool loop;
};

static void *one_quote_fn(void *arg)
{
	struct inflight *f = arg;
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);

	hx_reportdata(rd, f->seed);
	f->ret = q ? hx_get_quote(f->fd, rd, 0, q, QCAP, &req) : ENOMEM;
	if (!f->ret && (req.quote_len != QLEN ||
			hx_find_reportdata(q, QLEN, rd) != HX_Q_REPORTDATA_OFF))
		f->ret = -1;
	free(q);
	return NULL;
}

#define NCLOSE	8

/* close() on the descriptor of a request in flight does not disturb it. */
static void test_close_in_flight(void **state)
{
	static struct inflight f[NCLOSE];
	struct timespec limit;
	uint64_t last = 0, succ0;
	int i, hung = 0;

	(void)state;
	hx_sim_param_set("service_us", "300000");
	succ0 = hx_stat("successes");
	for (i = 0; i < NCLOSE; i++) {
		f[i].fd = open(nodes[i & 1], O_RDWR | O_CLOEXEC);
		assert_true(f[i].fd >= 0);
		f[i].seed = 0xc105ed00 + i;
		f[i].ret = -2;
		assert_int_equal(pthread_create(&f[i].tid, NULL, one_quote_fn, &f[i]), 0);
	}
	if (!hx_wait_stat_ge("in_flight", NCLOSE, 10000, &last))
		print_message("  only %" PRIu64 " of %d in flight\n", last, NCLOSE);
	for (i = 0; i < NCLOSE; i++)
		assert_int_equal(close(f[i].fd), 0);
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 30;
	for (i = 0; i < NCLOSE; i++)
		if (pthread_timedjoin_np(f[i].tid, NULL, &limit))
			hung++;
	hx_sim_param_set("service_us", "2000");
	if (hung)
		fail_msg("%d request(s) hung after their descriptor was closed", hung);
	for (i = 0; i < NCLOSE; i++)
		if (f[i].ret)
			fail_msg("request %d, descriptor closed in flight: %s", i,
				 f[i].ret < 0 ? "wrong quote" : strerror(f[i].ret));
	assert_int_equal(hx_stat("successes") - succ0, NCLOSE);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_stat("quarantined"), 0);
}

#define NKILL	4

/*
 * Callers SIGKILLed in flight: their buffers wait in quarantine. The host
 * holds the requests (fault_stuck) until the checks are done, so a slow
 * kernel (debug, loaded machine) cannot see one complete in between.
 */
static void test_sigkill_in_flight(void **state)
{
	uint64_t intr0, q0, last = 0;
	pid_t pids[NKILL];
	int i, status;

	(void)state;
	hx_sim_param_set("fault_stuck", "1");
	intr0 = hx_stat("fail_interrupted");
	q0 = hx_stat("quarantined");
	assert_int_equal(q0, 0);
	for (i = 0; i < NKILL; i++) {
		pids[i] = spawn_quoting_child(0x4111 + i);
		assert_true(pids[i] > 0);
	}
	/*
	 * All of them, or the checks below would hold with fewer (0 in
	 * flight: trivially); the host's own count says so too.
	 */
	if (!hx_wait_stat_ge("in_flight", NKILL, 30000, &last))
		fail_msg("only %" PRIu64 " of %d in flight after 30 s", last, NKILL);
	assert_int_equal(last, NKILL);
	assert_int_equal(hx_sim_stat("inflight"), NKILL);
	for (i = 0; i < NKILL; i++) {
		kill(pids[i], SIGKILL);
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFSIGNALED(status));
	}
	hx_sim_param_set("fault_stuck", "0");
	assert_int_equal(hx_stat("in_flight"), 0);
	/* in flight at the kill: interrupted, the host still owns the buffer */
	assert_int_equal(hx_stat("fail_interrupted") - intr0, NKILL);
	assert_int_equal(hx_stat("quarantined"), NKILL);
	assert_int_equal(hx_sim_stat("inflight"), NKILL);
	hx_sim_param_set("complete_stuck", "1");
	if (!hx_wait_stat_le("quarantined", 0, 10000, &last))
		fail_msg("quarantined still %" PRIu64 " 10 s after the host let go", last);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	assert_int_equal(hx_sim_stat("shared_bytes"), hx_stat("pooled_bytes"));
}

#define NSIG_THREADS	4
#define SIG_CALLS	25

static void *loop_quote_fn(void *arg)
{
	struct inflight *f = arg;
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);
	int i, ret;

	for (i = 0; q && i < SIG_CALLS; i++) {
		hx_reportdata(rd, f->seed + i);
		ret = hx_get_quote(f->fd, rd, 0, q, QCAP, &req);
		f->calls++;
		if (!ret && req.quote_len == QLEN &&
		    hx_find_reportdata(q, QLEN, rd) == HX_Q_REPORTDATA_OFF)
			f->sig_ok++;
		else if (ret == EINTR)
			f->eintr++;
		else if (!f->ret)
			f->ret = ret ? ret : -1;
	}
	free(q);
	return NULL;
}

/*
 * Signals at callers waiting for the host: with SA_RESTART the call
 * restarts and gets a quote (never EINTR); without, EINTR, each one
 * counted once in fail_interrupted.
 */
static void run_signals(int sig)
{
	static struct inflight f[NSIG_THREADS];
	uint64_t intr0 = hx_stat("fail_interrupted"), succ0 = hx_stat("successes");
	uint64_t rs = sig, sent = 0, r, hostq0 = hx_sim_stat("quotes"), hostq;
	struct timespec limit;
	int i, running, ok = 0, eintr = 0, calls = 0, hung = 0;

	hx_sim_param_set("service_us", "20000");
	hx_signals_install();
	memset(f, 0, sizeof(f));
	for (i = 0; i < NSIG_THREADS; i++) {
		f[i].fd = hx_fd();
		f[i].seed = 0x51900000ULL + sig * 0x1000 + i * 100;
		assert_int_equal(pthread_create(&f[i].tid, NULL, loop_quote_fn, &f[i]), 0);
	}
	/*
	 * A signal every ~15 ms, at one of 4 threads: each thread is hit
	 * every ~60 ms, slower than the host's 20 ms, so calls finish.
	 */
	for (;;) {
		running = 0;
		for (i = 0; i < NSIG_THREADS; i++) {
			if (f[i].loop)
				continue;	/* joined */
			if (pthread_tryjoin_np(f[i].tid, NULL) == EBUSY)
				running++;
			else
				f[i].loop = true;
		}
		if (!running || sent > 2000)
			break;
		r = mix(&rs);
		if (!f[r % NSIG_THREADS].loop) {
			pthread_kill(f[r % NSIG_THREADS].tid, sig);
			sent++;
		}
		hx_sleep_ms(5 + r % 20);
	}
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 60;
	for (i = 0; i < NSIG_THREADS; i++)
		if (!f[i].loop && pthread_timedjoin_np(f[i].tid, NULL, &limit))
			hung++;
	hx_signals_restore();
	hx_sim_param_set("service_us", "2000");
	if (hung)
		fail_msg("%d thread(s) still in GET_QUOTE", hung);
	for (i = 0; i < NSIG_THREADS; i++) {
		ok += f[i].sig_ok;
		eintr += f[i].eintr;
		calls += f[i].calls;
		if (f[i].ret)
			fail_msg("thread %d: %s", i, f[i].ret < 0 ? "wrong quote" :
				 strerror(f[i].ret));
	}
	if (!hx_wait_stat_le("quarantined", 0, 10000, NULL))
		fail_msg("quarantine does not drain");
	/*
	 * GetQuotes the host answered: one per call, plus one per call that
	 * was interrupted while the host had it and then restarted (the
	 * first buffer was answered in quarantine).
	 */
	hostq = hx_sim_stat("quotes") - hostq0;
	print_message("  %s: %" PRIu64 " signals, %d calls: %d quotes, %d EINTR; fail_interrupted +%" PRIu64 "; the host answered %" PRIu64 " GetQuotes\n",
		      sig == SIGUSR2 ? "SA_RESTART" : "no SA_RESTART", sent,
		      calls, ok, eintr, hx_stat("fail_interrupted") - intr0, hostq);
	assert_int_equal(calls, NSIG_THREADS * SIG_CALLS);
	assert_int_equal(ok + eintr, calls);
	assert_int_equal(hx_stat("successes") - succ0, ok);
	if (sig == SIGUSR2) {
		assert_int_equal(eintr, 0);
		/* Signals did interrupt waits, and those calls restarted. */
		if (hostq <= (uint64_t)calls)
			fail_msg("SA_RESTART: the host answered %" PRIu64 " GetQuotes for %d calls: no call was interrupted and restarted",
				 hostq, calls);
		assert_true(hostq - calls <= hx_stat("fail_interrupted") - intr0);
	} else {
		/* Signals did interrupt waits: the test saw what it is about. */
		assert_true(eintr > 0);
		assert_int_equal(hx_stat("fail_interrupted") - intr0, eintr);
		assert_true(hostq <= (uint64_t)calls);
	}
}

static void test_signals_restart(void **state)
{
	(void)state;
	run_signals(SIGUSR2);
}

static void test_signals_eintr(void **state)
{
	(void)state;
	run_signals(SIGUSR1);
}

/* ------------------------------------------------- counter ordering */

static atomic_bool cr_stop;

static void *timeout_loop_fn(void *arg)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);
	uint64_t s = (uintptr_t)arg;

	while (q && !atomic_load(&cr_stop)) {
		hx_reportdata(rd, s++);
		hx_get_quote(hx_fd(), rd, 1, q, QCAP, &req);
	}
	free(q);
	return NULL;
}

/*
 * SUSPECTED DEFECT, found by reading, not reproduced (src/sharedbuf.c
 * tdxq_buf_quarantine()): the buffer goes on the
 * quarantine list, and the lock is dropped, before stats.quarantined is
 * incremented. A reap running in between (kicked by another completion)
 * can take the buffer and decrement first: the counter reads -1 for a
 * moment (sysfs prints "-1"; INFO a u64 near 2^64); and a completion
 * interrupt in that window sees quarantined == 0 and does not kick the
 * reap (tdxq_sharedbuf_kick()), so the buffer and its request slot wait
 * for the 1 s periodic reap. Fixed by counting it under the lock, before
 * list_add_tail(). Here requests time out after 1 ms against a host that
 * takes about as long while the counter is read as fast as possible; the
 * window is a few instructions, so this guards the fix rather than
 * reproducing the race reliably (1.9 million reads in 30 s did not hit it
 * before the fix either).
 */
static void test_quarantined_never_negative(void **state)
{
	uint64_t secs = hx_env_u64("TDXQ_STRESS_SECS",
				   hx_long_mode() ? ST_SECS_LONG : ST_SECS);
	pthread_t t[8];
	char buf[32];
	long long v, min = 0;
	uint64_t reads = 0;
	double t0;
	int fd, i;

	(void)state;
	hx_sim_param_set("service_us", "1000");
	hx_sim_param_set("max_inflight", "16");
	fd = open(HX_STATS_DIR "/quarantined", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	atomic_store(&cr_stop, false);
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, timeout_loop_fn,
						(void *)(uintptr_t)(i << 20)), 0);
	t0 = hx_now();
	while (hx_now() - t0 < secs) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

		if (n <= 0)
			break;
		buf[n] = '\0';
		v = strtoll(buf, NULL, 10);
		if (v < min)
			min = v;
		reads++;
	}
	atomic_store(&cr_stop, true);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	close(fd);
	hx_sim_param_set("service_us", "2000");
	hx_sim_param_set("max_inflight", "8");
	print_message("  %" PRIu64 " reads of quarantined, lowest %lld; fail_timeout %" PRIu64 "\n",
		      reads, min, hx_stat("fail_timeout"));
	if (min < 0)
		fail_msg("stats/quarantined read %lld", min);
	if (!hx_wait_stat_le("quarantined", 0, 10000, NULL))
		fail_msg("quarantine does not drain");
}

static void test_after_stress(void **state)
{
	(void)state;
	check_settled(hx_param("pool_max_bytes"));
}

static int setup_stress(void **state)
{
	(void)state;
	/* Host limit 8 below the module's 12: RETRY answers too. */
	return hx_setup("service_us=2000 max_inflight=8",
			"compat_dev=on max_inflight=12 timeout_ms=3000 pool_max_bytes=262144");
}

static int teardown_stress(void **state)
{
	(void)state;
	stop_helpers();
	hx_signals_restore();
	return hx_teardown();
}

int hx_run_stress(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_storm),
		cmocka_unit_test(test_close_in_flight),
		cmocka_unit_test(test_sigkill_in_flight),
		cmocka_unit_test(test_signals_restart),
		cmocka_unit_test(test_signals_eintr),
		cmocka_unit_test(test_quarantined_never_negative),
		cmocka_unit_test(test_after_stress),
	};

	return cmocka_run_group_tests_name("stress", tests, setup_stress,
					   teardown_stress);
}
