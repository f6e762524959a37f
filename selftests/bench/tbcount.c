// SPDX-License-Identifier: GPL-2.0
/*
 * tbcount: a QEMU TCG plugin (make bench-count) that adds up the guest
 * instructions run, by the address of the translated block they were in: a
 * profile that does not depend on time, where sampling under emulation sees
 * too little. Counting starts when a block at mark=ADDR runs (the guest's
 * sync(2) entry); each later run of it writes what was counted since the
 * one before to out=PREFIX.N (N from 0; lines "ADDRESS INSTRUCTIONS", 16
 * hex digits) and starts again from zero; so does the end of the guest, to
 * the next N. User-space blocks are summed in one line (address 0).
 *
 * With time=1, host nanoseconds instead of instructions (make
 * bench-conn-time, COUNT_TIME=1 make bench-count): each vCPU gives the
 * time from the start of one block to the start of its next to the first,
 * so a block that halted the vCPU gets the idle time after it, and one that
 * left for QEMU's device emulation (a clock read, an interrupt sent) the
 * time that took. Each vCPU adds into tables of its own, one per window,
 * without a lock: the time of a block goes to the window in which it
 * started; the files are written when the guest ends, named as above. The
 * callback's own cost is in every block's time (a block of a few
 * instructions, as a string instruction's every step is, looks dearer than
 * it is): the time says where the guest's time goes, not how long a
 * function takes without the plugin.
 *
 * Only the part of QEMU's plugin API that is the same since its first
 * version is declared here (API version 2 is the oldest QEMU 10 loads), so
 * that it builds without QEMU's headers, which Debian does not package.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
typedef void (*udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*atexit_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, udata_cb_t cb, int flags,
					  void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, atexit_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 2;

#define KERNEL_START 0xffff800000000000ULL
#define SLOTS_BITS 20
#define SLOTS (1 << SLOTS_BITS)

struct slot {
	uint64_t vaddr;
	uint64_t insns;
};

static struct slot *slots;
static uint64_t user_insns, mark;
static const char *out = "tbcount";
static unsigned int n_out;
static int counting;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* What a translated block's execution adds, and where. */
struct tb_info {
	uint64_t vaddr;
	uint64_t n;
};

/*
 * time=1: a vCPU's tables, one per window (marks seen so far, TWINDOWS at
 * most: the time after the last one is not kept), of the host's ticks by
 * block address (in struct slot's insns; address 1 for all of user space).
 * A table holds TSLOTS blocks; the blocks beyond three quarters of them
 * are summed at address 2 (a function without a name to pf_count_by_symbol).
 */
#define TSLOTS_BITS 18
#define TSLOTS (1 << TSLOTS_BITS)
#define TWINDOWS 256
#define TVCPUS 64

struct tvcpu {
	uint64_t last_vaddr, last_ticks;
	unsigned int last_window, used[TWINDOWS];
	struct slot *t[TWINDOWS];
};

static int time_mode;
static unsigned int marks;
static double ns_per_tick;
static struct tvcpu tv[TVCPUS];

/*
 * Where @vaddr's slot is in table @t of 2^@bits slots: its own, or the free
 * one it would take (the caller fills its address in).
 */
static struct slot *slot_in(struct slot *t, unsigned int bits, uint64_t vaddr)
{
	uint64_t h = (vaddr * 0x9e3779b97f4a7c15ULL) >> (64 - bits);

	while (t[h].vaddr && t[h].vaddr != vaddr)
		h = (h + 1) & ((1ULL << bits) - 1);
	return &t[h];
}

static struct slot *slot_of(uint64_t vaddr)
{
	struct slot *s = slot_in(slots, SLOTS_BITS, vaddr);

	s->vaddr = vaddr;
	return s;
}

static void write_out(void)
{
	char name[4096];
	FILE *f;
	size_t i;

	snprintf(name, sizeof(name), "%s.%u", out, n_out++);
	f = fopen(name, "w");
	if (!f)
		return;
	fprintf(f, "%016x %" PRIu64 "\n", 0, user_insns);
	for (i = 0; i < SLOTS; i++)
		if (slots[i].vaddr && slots[i].insns)
			fprintf(f, "%016" PRIx64 " %" PRIu64 "\n", slots[i].vaddr,
				slots[i].insns);
	fclose(f);
	memset(slots, 0, SLOTS * sizeof(*slots));
	user_insns = 0;
}

static void tb_exec(unsigned int vcpu, void *userdata)
{
	struct tb_info *t = userdata;

	(void)vcpu;
	pthread_mutex_lock(&lock);
	if (t->vaddr == mark) {
		if (counting)
			write_out();
		counting = 1;
	}
	if (counting) {
		if (t->vaddr < KERNEL_START)
			user_insns += t->n;
		else
			slot_of(t->vaddr)->insns += t->n;
	}
	pthread_mutex_unlock(&lock);
}

static inline uint64_t ticks(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The host's ticks in a nanosecond's time, measured over 100 ms. */
static double calibrate(void)
{
	struct timespec a, b, pause = { .tv_nsec = 100000000 };
	uint64_t t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = ticks();
	nanosleep(&pause, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	t1 = ticks();
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)(t1 - t0);
}

static void tadd(struct tvcpu *v, unsigned int w, uint64_t vaddr, uint64_t n)
{
	struct slot *s;

	if (!v->t[w]) {
		v->t[w] = calloc(TSLOTS, sizeof(*v->t[w]));
		if (!v->t[w])
			return;
	}
	s = slot_in(v->t[w], TSLOTS_BITS, vaddr);
	if (!s->vaddr) {
		if (v->used[w] >= TSLOTS / 4 * 3 && vaddr != 2) {
			tadd(v, w, 2, n);
			return;
		}
		v->used[w]++;
		s->vaddr = vaddr;
	}
	s->insns += n;
}

static void tb_exec_time(unsigned int vcpu, void *userdata)
{
	struct tb_info *t = userdata;
	struct tvcpu *v = &tv[vcpu % TVCPUS];
	uint64_t now = ticks();

	if (t->vaddr == mark)
		__atomic_add_fetch(&marks, 1, __ATOMIC_RELAXED);
	/* Window N is the time after mark N + 1. */
	if (v->last_ticks && v->last_window && v->last_window <= TWINDOWS)
		tadd(v, v->last_window - 1, v->last_vaddr < KERNEL_START ? 1 : v->last_vaddr,
		     now - v->last_ticks);
	v->last_vaddr = t->vaddr;
	v->last_ticks = now;
	v->last_window = __atomic_load_n(&marks, __ATOMIC_RELAXED);
}

/* Every window's times, all vCPUs' in one file, in nanoseconds. */
static void write_out_time(void)
{
	unsigned int w, c;
	char name[4096];
	uint64_t user;
	struct slot *s;
	size_t i;
	FILE *f;

	for (w = 0; w < TWINDOWS; w++) {
		for (c = 0; c < TVCPUS && !tv[c].t[w]; c++)
			;
		if (c == TVCPUS)
			continue;
		snprintf(name, sizeof(name), "%s.%u", out, w);
		f = fopen(name, "w");
		if (!f)
			return;
		user = 0;
		for (c = 0; c < TVCPUS; c++) {
			for (i = 0; tv[c].t[w] && i < TSLOTS; i++) {
				s = &tv[c].t[w][i];
				if (s->vaddr == 1)
					user += s->insns;
				else if (s->vaddr)
					fprintf(f, "%016" PRIx64 " %.0f\n", s->vaddr,
						s->insns * ns_per_tick);
			}
		}
		fprintf(f, "%016x %.0f\n", 0, user * ns_per_tick);
		fclose(f);
	}
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct tb_info *t = malloc(sizeof(*t));

	(void)id;
	if (!t)
		return;
	t->vaddr = qemu_plugin_tb_vaddr(tb);
	t->n = qemu_plugin_tb_n_insns(tb);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, time_mode ? tb_exec_time : tb_exec, 0, t);
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	if (time_mode) {
		write_out_time();
		return;
	}
	pthread_mutex_lock(&lock);
	if (counting)
		write_out();
	pthread_mutex_unlock(&lock);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "mark=", 5))
			mark = strtoull(argv[i] + 5, NULL, 16);
		else if (!strncmp(argv[i], "out=", 4))
			out = argv[i] + 4;
		else if (!strcmp(argv[i], "time=1"))
			time_mode = 1;
	}
	if (time_mode) {
		/* Without a mark, from the start, as counting is. */
		marks = !mark;
		ns_per_tick = calibrate();
		qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
		qemu_plugin_register_atexit_cb(id, at_exit, NULL);
		return 0;
	}
	counting = !mark;
	slots = calloc(SLOTS, sizeof(*slots));
	if (!slots)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
