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
 * Only the part of QEMU's plugin API that is the same since its first
 * version is declared here (API version 2 is the oldest QEMU 10 loads), so
 * that it builds without QEMU's headers, which Debian does not package.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#define SLOTS (1 << 20)

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

static struct slot *slot_of(uint64_t vaddr)
{
	uint64_t h = (vaddr * 0x9e3779b97f4a7c15ULL) >> 44;

	while (slots[h].vaddr && slots[h].vaddr != vaddr)
		h = (h + 1) & (SLOTS - 1);
	slots[h].vaddr = vaddr;
	return &slots[h];
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

/* What a translated block's execution adds, and where. */
struct tb_info {
	uint64_t vaddr;
	uint64_t n;
};

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

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct tb_info *t = malloc(sizeof(*t));

	(void)id;
	if (!t)
		return;
	t->vaddr = qemu_plugin_tb_vaddr(tb);
	t->n = qemu_plugin_tb_n_insns(tb);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, 0, t);
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
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
	}
	counting = !mark;
	slots = calloc(SLOTS, sizeof(*slots));
	if (!slots)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
